import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import {
  expireChallenge,
  InvalidInputError,
  readChallenge,
  requireEpoch,
  withdrawChallengeBond,
} from "../../client/index.js";
import { runAction } from "./common.js";
import { checkFrom, formatTime, openAs, required } from "./roleCommon.js";

/** `tributary:close-challenge`: expires an undecided challenge whose window closed, and pays its bond back. */
export default async function closeChallengeTask(
  args: { challenge: string; from: string; deployment: string },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runAction(async () => {
    const challengeId = requireEpoch(required(args.challenge, "--challenge", "the challenge's id"), "--challenge");
    checkFrom(args.from);
    const { tributary } = await openAs(hre, args.deployment, args.from);
    let challenge = await readChallenge(tributary, challengeId);
    if (challenge.status === "open") {
      const block = await tributary.runner.provider!.getBlock("latest");
      if (BigInt(block!.timestamp) < challenge.closesAt) {
        throw new InvalidInputError(
          `challenge ${challengeId} is open for votes until ${formatTime(challenge.closesAt)}`,
        );
      }
      console.log(`expired challenge ${challengeId} in ${await expireChallenge(tributary, challengeId)}`);
      challenge = await readChallenge(tributary, challengeId);
    }
    if (challenge.status === "dismissed") {
      throw new InvalidInputError(`challenge ${challengeId} was dismissed: its bond went to the bounty reserve`);
    }
    if (challenge.withdrawn) throw new InvalidInputError(`challenge ${challengeId}'s bond was already paid back`);
    const transaction = await withdrawChallengeBond(tributary, challengeId);
    console.log(
      `paid ${challenge.challenger} the bond of challenge ${challengeId} back` +
        (challenge.bounty > 0n ? ` with a bounty of ${challenge.bounty}` : "") +
        ` (${challenge.status}) in ${transaction}`,
    );
  });
}

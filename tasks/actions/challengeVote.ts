import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { InvalidInputError, readChallenge, requireEpoch, voteOnChallenge } from "../../client/index.js";
import { runAction } from "./common.js";
import { checkFrom, openAs, required } from "./roleCommon.js";

/** `tributary:challenge-vote`: a validator votes to revoke or keep a challenged contribution. */
export default async function challengeVoteTask(
  args: { challenge: string; revoke: boolean; keep: boolean; from: string; deployment: string },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runAction(async () => {
    const challengeId = requireEpoch(required(args.challenge, "--challenge", "the challenge's id"), "--challenge");
    if (args.revoke === args.keep) throw new InvalidInputError("pass exactly one of --revoke and --keep");
    checkFrom(args.from);
    const { tributary, address } = await openAs(hre, args.deployment, args.from);
    const before = await readChallenge(tributary, challengeId);
    if (before.status !== "open") throw new InvalidInputError(`challenge ${challengeId} is ${before.status}, not open`);
    const [power] = await tributary.staking.votingPowerAt(address, before.openedAt - 1n);
    if (power === 0n) {
      throw new InvalidInputError(
        `${address} had no bonded stake at challenge ${challengeId}'s snapshot (the second before it opened), so it cannot vote on it`,
      );
    }
    const transaction = await voteOnChallenge(tributary, { challengeId, revoke: args.revoke });
    const after = await readChallenge(tributary, challengeId);
    console.log(
      `${address} voted to ${args.revoke ? "revoke" : "keep"} contribution ${before.contributionId} on challenge ` +
        `${challengeId} in ${transaction}; the challenge is now ${after.status}`,
    );
  });
}

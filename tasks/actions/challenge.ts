import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import {
  challengeContribution,
  CONTRIBUTION_STATUS_NAMES,
  contributionChallengesOf,
  InvalidInputError,
  requireBytes32,
} from "../../client/index.js";
import { formatAmount, runAction, tokenInfo } from "./common.js";
import { checkAmountShape, checkFrom, openAs, parseAmount, required } from "./roleCommon.js";

/** `tributary:challenge`: challenges an Accepted contribution with a bond. */
export default async function challengeTask(
  args: { hash: string; evidence: string; maxBond: string; from: string; deployment: string },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runAction(async () => {
    const contentHash = requireBytes32(required(args.hash, "--hash", "the contribution's content hash"), "--hash");
    const evidenceUri = required(args.evidence, "--evidence", "where your evidence is (a URI)");
    if (args.maxBond !== "") checkAmountShape(args.maxBond, "--max-bond");
    checkFrom(args.from);
    const { tributary, address } = await openAs(hre, args.deployment, args.from);
    const status = CONTRIBUTION_STATUS_NAMES[Number(await tributary.registry.statusOf(contentHash))] ?? "None";
    if (status !== "Accepted") {
      throw new InvalidInputError(
        `contribution ${contentHash} is ${status}: only Accepted contributions can be challenged`,
      );
    }
    const challenges = contributionChallengesOf(tributary);
    const token = await tokenInfo(tributary, await challenges.bondToken());
    const maxBond = args.maxBond === "" ? undefined : parseAmount(args.maxBond, token, "--max-bond");
    const result = await challengeContribution(tributary, { contentHash, evidenceUri, maxBond });
    console.log(
      `${address} challenged contribution ${contentHash} with a bond of ${formatAmount(result.bond, token)}: ` +
        `challenge ${result.challengeId}, in ${result.transactionHash}; validators vote with tributary:challenge-vote`,
    );
  });
}

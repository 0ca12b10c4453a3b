import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import {
  expireDispute,
  InvalidInputError,
  readDispute,
  requireAddress,
  requireEpoch,
  settlementDisputesOf,
  withdrawDisputeBond,
} from "../../client/index.js";
import { runAction } from "./common.js";
import { checkFrom, formatTime, openAs, required } from "./roleCommon.js";

/**
 * `tributary:withdraw-bond`: pays a disputer its bond back (and bounty share), expiring the dispute first
 * if governance let its resolution period pass.
 */
export default async function withdrawBondTask(
  args: { dispute: string; disputer: string; from: string; deployment: string },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runAction(async () => {
    const disputeId = requireEpoch(required(args.dispute, "--dispute", "the dispute's id"), "--dispute");
    checkFrom(args.from);
    const { tributary, address } = await openAs(hre, args.deployment, args.from);
    const disputer = args.disputer === "" ? address : requireAddress(args.disputer, "--disputer");
    let dispute = await readDispute(tributary, disputeId);
    if (dispute.status === "open") {
      const block = await tributary.runner.provider!.getBlock("latest");
      if (BigInt(block!.timestamp) < dispute.resolveBy) {
        throw new InvalidInputError(
          `dispute ${disputeId} is open: governance may resolve it until ${formatTime(dispute.resolveBy)}`,
        );
      }
      console.log(`expired dispute ${disputeId} in ${await expireDispute(tributary, disputeId)}`);
      dispute = await readDispute(tributary, disputeId);
    }
    if (dispute.status === "rejected") {
      throw new InvalidInputError(`dispute ${disputeId} was rejected: its bonds were forfeited to the treasury`);
    }
    const [bond, withdrawn] = await settlementDisputesOf(tributary).bondOf(disputeId, disputer);
    if (bond === 0n) throw new InvalidInputError(`${disputer} posted no bond on dispute ${disputeId}`);
    if (withdrawn) throw new InvalidInputError(`${disputer}'s bond on dispute ${disputeId} was already paid back`);
    const transaction = await withdrawDisputeBond(tributary, { disputeId, disputer });
    console.log(`paid ${disputer} its bond of dispute ${disputeId} back (${dispute.status}) in ${transaction}`);
  });
}

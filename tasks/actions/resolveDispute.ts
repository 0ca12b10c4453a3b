import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import {
  InvalidInputError,
  readDispute,
  rejectDispute,
  requireEpoch,
  settlementDisputesOf,
  upholdDispute,
} from "../../client/index.js";
import { runAction } from "./common.js";
import { checkFrom, formatTime, openAs, required } from "./roleCommon.js";

/** `tributary:resolve-dispute`: governance upholds or rejects an open dispute. */
export default async function resolveDisputeTask(
  args: { dispute: string; uphold: boolean; reject: boolean; from: string; deployment: string },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runAction(async () => {
    const disputeId = requireEpoch(required(args.dispute, "--dispute", "the dispute's id"), "--dispute");
    if (args.uphold === args.reject) throw new InvalidInputError("pass exactly one of --uphold and --reject");
    checkFrom(args.from);
    const { tributary, address } = await openAs(hre, args.deployment, args.from);
    const disputes = settlementDisputesOf(tributary);
    if (!(await disputes.hasRole(await disputes.DEFAULT_ADMIN_ROLE(), address))) {
      throw new InvalidInputError(
        `${address} is not governance of the settlement disputes: its admin is ${await disputes.defaultAdmin()}; ` +
          "pass --from with the admin's account",
      );
    }
    const dispute = await readDispute(tributary, disputeId);
    if (dispute.status !== "open") throw new InvalidInputError(`dispute ${disputeId} is ${dispute.status}, not open`);
    const block = await tributary.runner.provider!.getBlock("latest");
    if (BigInt(block!.timestamp) < dispute.windowEndsAt) {
      throw new InvalidInputError(
        `dispute ${disputeId}'s challenge window is open until ${formatTime(dispute.windowEndsAt)} ` +
          "(disputers may still join); resolve it after that",
      );
    }
    if (BigInt(block!.timestamp) >= dispute.resolveBy) {
      throw new InvalidInputError(
        `dispute ${disputeId}'s resolution period ended at ${formatTime(dispute.resolveBy)}: ` +
          "anyone may now expire it (tributary:withdraw-bond expires it first)",
      );
    }
    if (args.uphold) {
      const { transactionHash, slashed } = await upholdDispute(tributary, { disputeId });
      console.log(
        `upheld dispute ${disputeId}: epoch ${dispute.epoch}'s settlement was dropped and its signers slashed ` +
          `${slashed} stake-token units in ${transactionHash}; settle the epoch again`,
      );
    } else {
      const transaction = await rejectDispute(tributary, disputeId);
      console.log(
        `rejected dispute ${disputeId}: epoch ${dispute.epoch}'s settlement is active and the bonds went to the treasury, in ${transaction}`,
      );
    }
  });
}

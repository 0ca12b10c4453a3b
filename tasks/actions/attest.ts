import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { attestBatch, InvalidInputError, NotFoundError, requireEpoch } from "../../client/index.js";
import { runAction } from "./common.js";
import { checkFrom, openAs } from "./roleCommon.js";

const BATCH_STATUS = ["None", "Pending", "Final", "Rejected", "Expired"] as const;

export default async function attestTask(
  args: { batch: string; support: boolean; reject: boolean; from: string; deployment: string },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runAction(async () => {
    if (args.batch === "") throw new InvalidInputError("--batch is required: the attribution batch to attest");
    const batchId = requireEpoch(args.batch, "--batch");
    if (args.support === args.reject) throw new InvalidInputError("pass exactly one of --support and --reject");
    checkFrom(args.from);
    const { tributary, address } = await openAs(hre, args.deployment, args.from);
    const count = await tributary.ledger.batchCount();
    if (batchId === 0n || batchId > count) {
      throw new NotFoundError(
        count === 0n
          ? `batch ${batchId} does not exist: no batch has been proposed yet`
          : `batch ${batchId} does not exist: batches run from 1 to ${count}`,
      );
    }
    const status = BATCH_STATUS[Number(await tributary.ledger.batchStatus(batchId))] ?? "None";
    if (status !== "Pending")
      throw new InvalidInputError(`batch ${batchId} is ${status}: only Pending batches take attestations`);
    if (await tributary.ledger.hasAttested(batchId, address)) {
      throw new InvalidInputError(`${address} has already attested batch ${batchId}`);
    }
    const transaction = await attestBatch(tributary, { batchId, support: args.support });
    const after = BATCH_STATUS[Number(await tributary.ledger.batchStatus(batchId))] ?? "None";
    console.log(
      `${address} ${args.support ? "attested" : "rejected"} batch ${batchId} in ${transaction}; it is now ${after}`,
    );
  });
}

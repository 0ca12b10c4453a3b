import type { TributaryContracts } from "../chain/contracts.js";
import { NotFoundError } from "../rules/errors.js";
import { encodeRecords, type AttributionRecord } from "../rules/records.js";
import { send } from "../chain/transactions.js";

/** Parameters of {@link proposeBatch}. */
export interface ProposeBatchParameters {
  /** Records with strictly increasing output ids. */
  records: AttributionRecord[];
}

/** Result of {@link proposeBatch}. */
export interface ProposeBatchResult {
  batchId: bigint;
  transaction: string;
  /** True when the proposer's stake alone reached quorum. */
  final: boolean;
}
/**
 * Proposes an attribution batch. Records are checked locally first (shape rules, and that every pool
 * they name exists), then on chain (Accepted contributions, datanets the pools allow).
 * @example
 * const { batchId } = await proposeBatch(tributary, { records: [{ outputId, poolId: 0n, value: 100n, vector: [{ contributionId: 1n, weightBps: 10_000 }] }] });
 * @throws {InvalidInputError} malformed records.
 * @throws {NotFoundError} a record names a pool that does not exist.
 * @throws {ContractRevertError} the ledger refused the batch.
 */
export async function proposeBatch(
  tributary: TributaryContracts,
  parameters: ProposeBatchParameters,
): Promise<ProposeBatchResult> {
  const data = encodeRecords(parameters.records);
  const poolCount = await tributary.distributor.poolCount();
  parameters.records.forEach((record, index) => {
    if (record.poolId >= poolCount) {
      throw new NotFoundError(
        `record ${index} names pool ${record.poolId}, which does not exist: pools run from 0 (the network pool) ` +
          `to ${poolCount - 1n}; a dapp creates its pool with createPool`,
      );
    }
  });
  const receipt = await send("propose attribution batch", () => tributary.ledger.propose(data));
  let batchId: bigint | undefined;
  let final = false;
  for (const log of receipt.logs) {
    const parsed = tributary.ledger.interface.parseLog(log);
    if (parsed?.name === "BatchProposed") batchId = parsed.args.batchId as bigint;
    if (parsed?.name === "BatchDecided") final = Number(parsed.args.status) === 2;
  }
  if (batchId === undefined) throw new NotFoundError("the BatchProposed event is missing from the receipt");
  return { batchId, transaction: receipt.hash, final };
}

import type { TributaryContracts } from "../chain/contracts.js";
import { indexEvents, withRetry, type IndexEventsParameters } from "../chain/indexer.js";
import type { AttributionRecord } from "../rules/records.js";

/** Parameters of {@link listAttributionBatches}. */
export interface ListAttributionBatchesParameters {
  index?: IndexEventsParameters;
}

/** An attribution batch as the ledger's events describe it. */
export interface AttributionBatchView {
  batchId: bigint;
  proposer: string;
  proposedEpoch: bigint;
  status: "Pending" | "Final" | "Rejected" | "Expired";
  /** The epoch it became Final or Rejected in, if it did. */
  decidedEpoch?: bigint;
  records: AttributionRecord[];
}
const BATCH_STATUS_NAMES = ["None", "Pending", "Final", "Rejected", "Expired"] as const;
/** What {@link listAttributionBatches} returns. */
export type ListAttributionBatchesResult = AttributionBatchView[];

/**
 * Lists attribution batches with their records, rebuilt from events alone, and each batch's
 * current status (Expired once its window has passed undecided).
 * @example
 * const finals = (await listAttributionBatches(tributary)).filter((b) => b.status === "Final");
 * @throws {RpcError} the node kept failing the log queries.
 */
export async function listAttributionBatches(
  tributary: TributaryContracts,
  parameters: ListAttributionBatchesParameters = {},
): Promise<ListAttributionBatchesResult> {
  const { events } = await indexEvents(tributary, parameters.index);
  const decided = new Map<bigint, bigint>();
  for (const e of events) if (e.kind === "BatchDecided") decided.set(e.batchId, e.epoch);
  const batches: AttributionBatchView[] = [];
  for (const e of events) {
    if (e.kind !== "BatchProposed") continue;
    const status =
      BATCH_STATUS_NAMES[Number(await withRetry("batchStatus", () => tributary.ledger.batchStatus(e.batchId)))];
    const decidedEpoch = decided.get(e.batchId);
    batches.push({
      batchId: e.batchId,
      proposer: e.proposer,
      proposedEpoch: e.epoch,
      status: status === "None" ? "Pending" : status!,
      ...(decidedEpoch === undefined ? {} : { decidedEpoch }),
      records: e.records,
    });
  }
  return batches;
}

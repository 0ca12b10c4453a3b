import { computeSettlement, type AllocationParams, type SettlementComputation } from "../rules/allocation.js";
import type { TributaryContracts } from "../chain/contracts.js";
import { SettlementError } from "../rules/errors.js";
import { indexEvents, withRetry, type IndexEventsParameters, type IndexEventsResult } from "../chain/indexer.js";
import { prepareKeccak, SettlementTree } from "../rules/merkle.js";
import { requireEpoch } from "../rules/validation.js";
import { now, rpc } from "../chain/rpc.js";

/** The settlement of an epoch as recomputed from the chain. */
export interface EpochSettlement {
  epoch: bigint;
  index: IndexEventsResult;
  computation: SettlementComputation;
  tree: SettlementTree;
  /** Wall-clock milliseconds of each stage. */
  timings: { indexMs: number; allocateMs: number; treeMs: number };
}
/** Parameters of {@link computeEpochSettlement}. */
export interface ComputeEpochSettlementParameters {
  epoch: bigint | number | string;
  /** How to index the chain (confirmations, block range, retries). */
  index?: IndexEventsParameters;
}

/** What {@link computeEpochSettlement} returns. */
export type ComputeEpochSettlementResult = EpochSettlement;

/**
 * Indexes the chain and recomputes the cumulative settlement through `epoch`.
 * Refuses an epoch that has not closed at the confirmed head.
 * @example
 * const { tree, computation } = await computeEpochSettlement(tributary, { epoch: 0n });
 * @throws {InvalidInputError} the epoch is not a whole number.
 * @throws {SettlementError} the epoch has not closed at the confirmed head, or the events do not add up.
 * @throws {RpcError} the node kept failing.
 */
export async function computeEpochSettlement(
  tributary: TributaryContracts,
  parameters: ComputeEpochSettlementParameters,
): Promise<ComputeEpochSettlementResult> {
  const epoch = requireEpoch(parameters.epoch);
  const started = now();
  const [indexed] = await Promise.all([indexEvents(tributary, parameters.index ?? {}), prepareKeccak()]);
  const indexedAt = now();
  const [genesis, duration] = await Promise.all([
    rpc("GENESIS", () => tributary.distributor.GENESIS()),
    rpc("EPOCH_DURATION", () => tributary.distributor.EPOCH_DURATION()),
  ]);
  const closesAt = genesis + (epoch + 1n) * duration;
  if (indexed.toBlockTimestamp < closesAt) {
    throw new SettlementError(
      `epoch ${epoch} closes at ${closesAt} but the confirmed head is at ${indexed.toBlockTimestamp}; wait for it to close`,
    );
  }
  const params = await fetchAllocationParams(tributary, epoch);
  const allocationStarted = now();
  const computation = computeSettlement(indexed.events, epoch, (e) => params[Number(e)]!);
  // Nothing owed yet (nothing funded, or all of it carried): the empty tree settles the epoch with
  // a zero root and a zero total, so that later epochs are never held up by an empty one.
  const allocatedAt = now();
  const tree = SettlementTree.build(computation.entries);
  const builtAt = now();
  return {
    epoch,
    index: indexed,
    computation,
    tree,
    timings: {
      indexMs: indexedAt - started,
      allocateMs: allocatedAt - allocationStarted,
      treeMs: builtAt - allocatedAt,
    },
  };
}
async function fetchAllocationParams(tributary: TributaryContracts, through: bigint): Promise<AllocationParams[]> {
  const out: AllocationParams[] = [];
  for (let e = 0n; e <= through; e++) {
    const p = await withRetry(`allocationParamsAt(${e})`, () => tributary.distributor.allocationParamsAt(e));
    out.push({
      protocolFeeBps: p.protocolFeeBps,
      validatorShareBps: p.validatorShareBps,
      idleRefundEpochs: p.idleRefundEpochs,
      treasury: p.treasury,
    });
  }
  return out;
}

/**
 * Settlement computation from the node's index: the state after the epoch before, folded with the
 * epoch's own events (client `foldEpoch`), so that each epoch costs what its events cost, whatever the
 * history. Epochs missing in between (a fresh node, or one that was down) are folded one by one.
 */
import {
  SettlementTree,
  artifactDataUri,
  buildArtifact,
  emptyAllocationState,
  finalOutputIds,
  foldEpoch,
  prepareKeccak,
  withRetry,
  type AllocationParams,
  type SettlementComputation,
  type TributaryContracts,
  type TributaryEvent,
} from "../../client/index.js";
import type { AllocationStore } from "./allocationStore.js";

/** What the computation reads from the index. */
export interface EpochEventSource {
  /** The events epoch `epoch`'s allocation reads (client `epochSliceOf`). */
  epochSlice(epoch: bigint): Promise<TributaryEvent[]>;
  /** Of `outputIds`, those counted in a batch that became Final before `epoch` (client `outputsCountedBefore`). */
  previouslyCountedOutputs(epoch: bigint, outputIds: string[]): Promise<Set<string>>;
}

/** The node's index: confirmed blocks only, rolled back on a reorganisation (node/src/index). */
export interface NodeIndex extends EpochEventSource {
  /** Indexes up to `head − confirmations`; reports the events added and any rollback. */
  sync(
    provider: import("ethers").Provider,
    options: { confirmations: number },
  ): Promise<{ events: number; rolledBackTo?: number }>;
  /** The last block indexed, if any. */
  indexedThrough(): Promise<{ number: number; hash: string; timestamp: bigint } | undefined>;
}

/** One epoch's settlement as the node computed it. */
export interface NodeSettlement {
  epoch: bigint;
  computation: SettlementComputation;
  tree: SettlementTree;
  /** The content address of the epoch's artifact as first settled (no `attempt`). */
  dataUri: string;
  /** Epochs folded to get here (1 when the state before was stored). */
  folded: number;
  /** Events read for the last epoch. */
  events: number;
  ms: number;
}

export class EpochComputer {
  constructor(
    private readonly o: { tributary: TributaryContracts; events: EpochEventSource; store: AllocationStore },
  ) {}

  /**
   * The settlement through `epoch`, from the stored state after `epoch − 1`; states of missing epochs
   * before it are computed and stored first. The caller makes sure the epoch closed at the indexed block.
   */
  async compute(epoch: bigint): Promise<NodeSettlement> {
    const started = performance.now();
    await prepareKeccak();
    const { store } = this.o;
    let from = (await store.latestEpoch()) + 1n;
    if (from > epoch) from = epoch;
    let state = from === 0n ? emptyAllocationState() : await store.load(from - 1n);
    if (!state) {
      from = 0n;
      state = emptyAllocationState();
    }
    let result: Omit<NodeSettlement, "folded" | "ms"> | undefined;
    for (let e = from; e <= epoch; e++) {
      const slice = await this.o.events.epochSlice(e);
      const counted = await this.o.events.previouslyCountedOutputs(e, finalOutputIds(slice));
      const computation = foldEpoch(state, e, slice, counted, await this.paramsAt(e));
      const tree = SettlementTree.build(computation.entries);
      const dataUri = artifactDataUri(buildArtifact(this.o.tributary, { epoch: e, computation, tree }));
      await store.save(state, { root: tree.root, cumulativeTotals: computation.cumulativeTotals, dataUri });
      result = { epoch: e, computation, tree, dataUri, events: slice.length };
    }
    return { ...result!, folded: Number(epoch - from + 1n), ms: performance.now() - started };
  }

  private paramsAt(epoch: bigint): Promise<AllocationParams> {
    return allocationParamsAt(this.o.tributary, epoch);
  }
}

/** The allocation parameters in force for `epoch`, from the distributor. */
export async function allocationParamsAt(tributary: TributaryContracts, epoch: bigint): Promise<AllocationParams> {
  const p = await withRetry(`allocationParamsAt(${epoch})`, () => tributary.distributor.allocationParamsAt(epoch));
  return {
    protocolFeeBps: p.protocolFeeBps,
    validatorShareBps: p.validatorShareBps,
    idleRefundEpochs: p.idleRefundEpochs,
    treasury: p.treasury,
  };
}

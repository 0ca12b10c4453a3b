/**
 * The events one epoch's allocation reads, and the rule that folds them onto the state of the epoch
 * before. A node's index answers the same two questions with queries whose cost follows the epoch's
 * own events; these in-memory versions over a full event list are their reference.
 */
import {
  advanceEpoch,
  deriveActivity,
  poolsFundedIn,
  readAllocationRegistry,
  summarizeSettlement,
  type AllocationParams,
  type AllocationState,
  type SettlementComputation,
} from "./allocation.js";
import { BatchStatus, compareEvents, type TributaryEvent } from "./events.js";

/**
 * The events epoch `epoch`'s allocation reads: every `TokenAllowed` and `PoolCreated`; the `Funded`,
 * `ContributionDecided` and `BatchDecided` events of the epoch; the votes on those contributions; the
 * proposals and attestations of those batches; and the registration, every vote and any revocation
 * before the epoch (`ContributionRevoked` with an earlier `epoch`) of each contribution their records
 * name. In canonical order.
 */
export function epochSliceOf(events: readonly TributaryEvent[], epoch: bigint): TributaryEvent[] {
  const decidedContributions = new Set<bigint>();
  const decidedBatches = new Set<bigint>();
  for (const e of events) {
    if (e.kind === "ContributionDecided" && e.epoch === epoch) decidedContributions.add(e.id);
    if (e.kind === "BatchDecided" && e.epoch === epoch) decidedBatches.add(e.batchId);
  }
  const named = new Set<bigint>();
  for (const e of events) {
    if (e.kind === "BatchProposed" && decidedBatches.has(e.batchId)) {
      for (const record of e.records) for (const entry of record.vector) named.add(entry.contributionId);
    }
  }
  return events
    .filter((e) => {
      switch (e.kind) {
        case "TokenAllowed":
        case "PoolCreated":
          return true;
        case "Funded":
          return e.epoch === epoch;
        case "ContributionDecided":
          return decidedContributions.has(e.id);
        case "VoteCast":
          return decidedContributions.has(e.id) || named.has(e.id);
        case "ContributionRegistered":
          return named.has(e.id);
        case "ContributionRevoked":
          // Only a revocation before the epoch changes it; a later one is not read (nor always indexed yet).
          return named.has(e.id) && e.epoch < epoch;
        case "BatchDecided":
        case "BatchProposed":
        case "BatchAttested":
          return decidedBatches.has(e.batchId);
        default:
          return false;
      }
    })
    .sort(compareEvents);
}

/** Of `outputIds`, those in a record of a batch that became Final before epoch `epoch`. */
export function outputsCountedBefore(
  events: readonly TributaryEvent[],
  epoch: bigint,
  outputIds: Iterable<string>,
): Set<string> {
  const wanted = new Set(outputIds);
  const finalBefore = new Set<bigint>();
  for (const e of events) {
    if (e.kind === "BatchDecided" && e.status === BatchStatus.Final && e.epoch < epoch) finalBefore.add(e.batchId);
  }
  const out = new Set<string>();
  for (const e of events) {
    if (e.kind !== "BatchProposed" || !finalBefore.has(e.batchId)) continue;
    for (const record of e.records) if (wanted.has(record.outputId)) out.add(record.outputId);
  }
  return out;
}

/** The output ids of the records of the batches an epoch slice decides Final. */
export function finalOutputIds(slice: readonly TributaryEvent[]): string[] {
  const final = new Set<bigint>();
  for (const e of slice) if (e.kind === "BatchDecided" && e.status === BatchStatus.Final) final.add(e.batchId);
  const out = new Set<string>();
  for (const e of slice) {
    if (e.kind === "BatchProposed" && final.has(e.batchId)) for (const r of e.records) out.add(r.outputId);
  }
  return [...out];
}

/**
 * Folds one epoch onto the state through the epoch before it (in place) and returns the settlement
 * through it, with each funded pool's allocation in this epoch only.
 * @param slice the epoch's events ({@link epochSliceOf}).
 * @param countedBefore the slice's final output ids already counted before the epoch ({@link outputsCountedBefore}).
 */
export function foldEpoch(
  state: AllocationState,
  epoch: bigint,
  slice: readonly TributaryEvent[],
  countedBefore: Iterable<string>,
  params: AllocationParams,
): SettlementComputation {
  const registry = readAllocationRegistry(slice);
  const activity = deriveActivity(slice, { countedBefore }).get(epoch);
  const step = advanceEpoch(state, epoch, { activity, params, registry, funded: poolsFundedIn(slice, epoch) });
  return summarizeSettlement(
    state,
    registry,
    step.map(({ pool, allocation }) => ({ pool, epochs: [allocation] })),
  );
}

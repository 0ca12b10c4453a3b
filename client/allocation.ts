/**
 * The allocation rule of PROTOCOL.md and docs/allocation.md, as pure integer arithmetic over
 * decoded events. No I/O: the same events always give the same amounts.
 */
import { getAddress } from "ethers";
import { BatchStatus, ContributionStatus, compareEvents, type TributaryEvent } from "./events.js";
import { SettlementError } from "./errors.js";

const BPS = 10_000n;

/** Allocation parameters in force for one epoch (`RewardDistributor.allocationParamsAt`). */
export interface AllocationParams {
  protocolFeeBps: bigint;
  validatorShareBps: bigint;
  treasury: string;
}

/** What one epoch's allocation needs. Weights are keyed by checksummed address. */
export interface EpochInputs {
  epoch: bigint;
  /** F: newly funded for this epoch. */
  funded: bigint;
  /** K: carried over from the previous epoch. */
  carryIn: bigint;
  params: AllocationParams;
  /** A_c: Σ value × weightBps over the epoch's counted records, per contributor. */
  contributorWeights: ReadonlyMap<string, bigint>;
  /** S_v: agreeing stake over the epoch's decided votes and batches, per validator. */
  validatorWeights: ReadonlyMap<string, bigint>;
}

/** One epoch's result. Every map is keyed by checksummed address. */
export interface EpochAllocation {
  epoch: bigint;
  funded: bigint;
  carryIn: bigint;
  fee: bigint;
  treasury: string;
  /** D = F + K − fee. */
  distributable: bigint;
  /** V = ⌊D · validatorShareBps / 10⁴⌋. */
  validatorPool: bigint;
  /** C = D − V. */
  contributorPool: bigint;
  contributorWeightTotal: bigint;
  validatorWeightTotal: bigint;
  contributorAmounts: Map<string, bigint>;
  validatorAmounts: Map<string, bigint>;
  /** Everything owed this epoch per account, all roles summed, the treasury's fee included. */
  owed: Map<string, bigint>;
  /** Paid to contributors and validators (the fee excluded). */
  paid: bigint;
  /** D − paid: carried into the next epoch. */
  carryOut: bigint;
}

/** Applies the allocation rule to one epoch. */
export function allocateEpoch(inputs: EpochInputs): EpochAllocation {
  const { funded: F, carryIn: K, params } = inputs;
  if (F < 0n || K < 0n) throw new SettlementError("funded and carried amounts must not be negative");
  const fee = (F * params.protocolFeeBps) / BPS;
  const D = F + K - fee;
  const V = (D * params.validatorShareBps) / BPS;
  const C = D - V;

  const contributorWeightTotal = sumValues(inputs.contributorWeights);
  const validatorWeightTotal = sumValues(inputs.validatorWeights);
  const contributorAmounts = proRata(C, inputs.contributorWeights, contributorWeightTotal);
  const validatorAmounts = proRata(V, inputs.validatorWeights, validatorWeightTotal);

  const owed = new Map<string, bigint>();
  const treasury = getAddress(params.treasury);
  if (fee > 0n) addTo(owed, treasury, fee);
  let paid = 0n;
  for (const [account, amount] of contributorAmounts) {
    addTo(owed, account, amount);
    paid += amount;
  }
  for (const [account, amount] of validatorAmounts) {
    addTo(owed, account, amount);
    paid += amount;
  }
  return {
    epoch: inputs.epoch,
    funded: F,
    carryIn: K,
    fee,
    treasury,
    distributable: D,
    validatorPool: V,
    contributorPool: C,
    contributorWeightTotal,
    validatorWeightTotal,
    contributorAmounts,
    validatorAmounts,
    owed: sortedMap(owed),
    paid,
    carryOut: D - paid,
  };
}

/** Per-epoch weights and funding derived from the chain's events. */
export interface EpochActivity {
  funded: bigint;
  contributorWeights: Map<string, bigint>;
  validatorWeights: Map<string, bigint>;
  /** Records counted in this epoch (after removing output ids already counted earlier). */
  recordCount: number;
}

/**
 * Folds events into per-epoch activity. Rules (docs/allocation.md):
 * - a record counts in the epoch its batch became Final; an output id counts once, in the
 *   earliest batch to become final (chain order of `BatchDecided`);
 * - a vote counts, in the epoch its contribution was decided, when it agreed with the outcome;
 * - a proposal is the proposer's supporting attestation; an attestation counts, in the epoch its
 *   batch was decided (Final or Rejected), when it agreed with the outcome. Expired batches count nothing,
 *   and neither does a Final batch none of whose records counted (all its output ids were counted before);
 * - every credit is the snapshot stake the event carries.
 */
export function deriveActivity(events: readonly TributaryEvent[]): Map<bigint, EpochActivity> {
  const ordered = [...events].sort(compareEvents);
  const contributorOf = new Map<bigint, string>();
  const contributionOutcome = new Map<bigint, { accepted: boolean; epoch: bigint }>();
  const batchOutcome = new Map<bigint, { final: boolean; epoch: bigint }>();
  const proposals = new Map<bigint, Extract<TributaryEvent, { kind: "BatchProposed" }>>();
  const attestations = new Map<bigint, Extract<TributaryEvent, { kind: "BatchAttested" }>[]>();
  for (const e of ordered) {
    if (e.kind === "ContributionRegistered") contributorOf.set(e.id, getAddress(e.contributor));
    else if (e.kind === "ContributionDecided") {
      contributionOutcome.set(e.id, { accepted: e.status === ContributionStatus.Accepted, epoch: e.epoch });
    } else if (e.kind === "BatchDecided") {
      batchOutcome.set(e.batchId, { final: e.status === BatchStatus.Final, epoch: e.epoch });
    } else if (e.kind === "BatchProposed") proposals.set(e.batchId, e);
    else if (e.kind === "BatchAttested") {
      const list = attestations.get(e.batchId) ?? [];
      list.push(e);
      attestations.set(e.batchId, list);
    }
  }

  const activity = new Map<bigint, EpochActivity>();
  const at = (epoch: bigint): EpochActivity => {
    let a = activity.get(epoch);
    if (!a) {
      a = { funded: 0n, contributorWeights: new Map(), validatorWeights: new Map(), recordCount: 0 };
      activity.set(epoch, a);
    }
    return a;
  };

  const countedOutputs = new Set<string>();
  for (const e of ordered) {
    switch (e.kind) {
      case "Funded":
        at(e.epoch).funded += e.amount;
        break;
      case "VoteCast": {
        const outcome = contributionOutcome.get(e.id);
        if (outcome && outcome.accepted === e.accept)
          addTo(at(outcome.epoch).validatorWeights, getAddress(e.validator), e.stake);
        break;
      }
      case "BatchProposed":
      case "BatchAttested":
        // Credited below, once it is known whether the batch counted anything.
        break;
      case "BatchDecided": {
        const proposal = proposals.get(e.batchId);
        if (!proposal) throw new SettlementError(`batch ${e.batchId} was decided but its proposal was not indexed`);
        const bucket = at(e.epoch);
        const final = e.status === BatchStatus.Final;
        let counted = 0;
        if (final) {
          for (const record of proposal.records) {
            if (countedOutputs.has(record.outputId)) continue;
            countedOutputs.add(record.outputId);
            counted += 1;
            for (const entry of record.vector) {
              const contributor = contributorOf.get(entry.contributionId);
              if (!contributor) {
                throw new SettlementError(
                  `record ${record.outputId} names contribution ${entry.contributionId}, which was not indexed`,
                );
              }
              addTo(bucket.contributorWeights, contributor, record.value * BigInt(entry.weightBps));
            }
          }
          bucket.recordCount += counted;
        }
        // A Final batch none of whose records counts (every output id was counted before) earns no
        // credit, so credit cannot be farmed by re-proposing counted outputs.
        if (final && counted === 0) break;
        if (final) addTo(bucket.validatorWeights, getAddress(proposal.proposer), proposal.stake);
        for (const attestation of attestations.get(e.batchId) ?? []) {
          if (attestation.support === final) {
            addTo(bucket.validatorWeights, getAddress(attestation.validator), attestation.stake);
          }
        }
        break;
      }
      default:
        break;
    }
  }
  return activity;
}

/** The cumulative settlement through one epoch. */
export interface SettlementComputation {
  epoch: bigint;
  epochs: EpochAllocation[];
  /** Cumulative entitlement per account from genesis through `epoch`, ascending by address. */
  cumulative: Map<string, bigint>;
  cumulativeTotal: bigint;
  /** Σ funded over epochs 0..epoch. */
  fundedThrough: bigint;
  /** Carried into epoch + 1. Equals fundedThrough − cumulativeTotal. */
  carryOut: bigint;
}

/**
 * Runs the allocation rule for every epoch from 0 through `epoch` and accumulates entitlements.
 * @param paramsAt allocation parameters for an epoch, as `RewardDistributor.allocationParamsAt` returns them.
 */
export function computeSettlement(
  events: readonly TributaryEvent[],
  epoch: bigint,
  paramsAt: (epoch: bigint) => AllocationParams,
): SettlementComputation {
  const activity = deriveActivity(events);
  const epochs: EpochAllocation[] = [];
  const cumulative = new Map<string, bigint>();
  let carry = 0n;
  let fundedThrough = 0n;
  let cumulativeTotal = 0n;
  for (let e = 0n; e <= epoch; e++) {
    const a = activity.get(e);
    const allocation = allocateEpoch({
      epoch: e,
      funded: a?.funded ?? 0n,
      carryIn: carry,
      params: paramsAt(e),
      contributorWeights: a?.contributorWeights ?? new Map(),
      validatorWeights: a?.validatorWeights ?? new Map(),
    });
    for (const [account, amount] of allocation.owed) addTo(cumulative, account, amount);
    fundedThrough += allocation.funded;
    cumulativeTotal += allocation.fee + allocation.paid;
    carry = allocation.carryOut;
    epochs.push(allocation);
  }
  if (fundedThrough - cumulativeTotal !== carry) {
    throw new SettlementError(`internal: funded ${fundedThrough} − entitled ${cumulativeTotal} ≠ carry ${carry}`);
  }
  return { epoch, epochs, cumulative: sortedMap(cumulative), cumulativeTotal, fundedThrough, carryOut: carry };
}

function proRata(pool: bigint, weights: ReadonlyMap<string, bigint>, total: bigint): Map<string, bigint> {
  const out = new Map<string, bigint>();
  if (total === 0n || pool === 0n) return out;
  for (const [account, weight] of sortedEntries(weights)) {
    const amount = (pool * weight) / total;
    if (amount > 0n) out.set(account, amount);
  }
  return out;
}

function sumValues(map: ReadonlyMap<string, bigint>): bigint {
  let total = 0n;
  for (const v of map.values()) total += v;
  return total;
}

function addTo(map: Map<string, bigint>, key: string, amount: bigint): void {
  map.set(key, (map.get(key) ?? 0n) + amount);
}

function sortedEntries(map: ReadonlyMap<string, bigint>): [string, bigint][] {
  return [...map.entries()].sort(([a], [b]) =>
    a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0,
  );
}

function sortedMap(map: ReadonlyMap<string, bigint>): Map<string, bigint> {
  return new Map(sortedEntries(map));
}

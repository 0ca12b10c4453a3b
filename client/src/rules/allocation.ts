/**
 * The allocation rule of docs/allocation.md, as pure integer arithmetic over
 * decoded events. No I/O: the same events always give the same amounts.
 */
import { getAddress } from "ethers";
import { BatchStatus, ContributionStatus, compareEvents, type TributaryEvent } from "./events.js";
import { SettlementError } from "./errors.js";
import type { SettlementEntry } from "./merkle.js";

const BPS = 10_000n;
/** The network pool: in the distributor's `REWARD_TOKEN`, paying over every counted record. */
export const NETWORK_POOL = 0n;

/** Allocation parameters in force for one epoch (`RewardDistributor.allocationParamsAt`). */
export interface AllocationParams {
  protocolFeeBps: bigint;
  validatorShareBps: bigint;
  /** A pool holding a balance with no counted record for this many consecutive epochs is refunded. */
  idleRefundEpochs: bigint;
  treasury: string;
}

/** A pool as `PoolCreated` announced it. */
export interface PoolInfo {
  poolId: bigint;
  /** Its funder, refunded when it stays idle; the zero address for the network pool. */
  owner: string;
  token: string;
  /** Datanets its records may draw on; empty for all. */
  datanets: bigint[];
}

/** What one pool's allocation in one epoch needs. Weights are keyed by checksummed address. */
export interface EpochInputs {
  epoch: bigint;
  /** The pool, for reports; defaults to the network pool. */
  poolId?: bigint;
  /** The pool's token, for reports. */
  token?: string;
  /** F: newly funded for this epoch. */
  funded: bigint;
  /** K: carried over from the previous epoch. */
  carryIn: bigint;
  params: Omit<AllocationParams, "idleRefundEpochs"> & { idleRefundEpochs?: bigint };
  /** A_c: Σ value × weightBps over the pool's counted records, per contributor. */
  contributorWeights: ReadonlyMap<string, bigint>;
  /** S_v: agreeing stake over the decisions the pool pays for, per validator. */
  validatorWeights: ReadonlyMap<string, bigint>;
}

/** One pool's result in one epoch. Every map is keyed by checksummed address. */
export interface EpochAllocation {
  epoch: bigint;
  poolId: bigint;
  token: string;
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
  /** Owed back to the pool's owner because the pool stayed idle (see docs/allocation.md). */
  refund: bigint;
  refundTo?: string;
  /** Consecutive idle epochs (a balance and no counted record) through this one, after any refund. */
  idleEpochs: number;
  /** Counted records of this pool in this epoch (for the network pool: of every pool). */
  recordCount: number;
  /** Everything owed this epoch per account, all roles summed, the treasury's fee and any refund included. */
  owed: Map<string, bigint>;
  /** Paid to contributors and validators (the fee and refund excluded). */
  paid: bigint;
  /** D − paid − refund: carried into the next epoch. */
  carryOut: bigint;
}

/** Applies the allocation rule to one pool in one epoch (the idle refund excepted, see {@link computeSettlement}). */
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
    poolId: inputs.poolId ?? NETWORK_POOL,
    token: inputs.token ?? "",
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
    refund: 0n,
    idleEpochs: 0,
    recordCount: 0,
    owed: sortedMap(owed),
    paid,
    carryOut: D - paid,
  };
}

/** One pool's weights and funding in one epoch, derived from the chain's events. */
export interface PoolActivity {
  funded: bigint;
  contributorWeights: Map<string, bigint>;
  validatorWeights: Map<string, bigint>;
  /** Records counted for this pool (for the network pool: every counted record). */
  recordCount: number;
}

/** Per-pool activity of one epoch. */
export interface EpochActivity {
  pools: Map<bigint, PoolActivity>;
}

/**
 * Folds events into per-epoch, per-pool activity. Rules (docs/allocation.md):
 * - a record counts in the epoch its batch became Final; an output id counts once, in the
 *   earliest batch to become final (chain order of `BatchDecided`);
 * - the network pool pays over every counted record, and credits validators as a single pool did:
 *   a vote counts, in the epoch its contribution was decided, when it agreed with the outcome; a
 *   proposal is the proposer's supporting attestation; an attestation counts, in the epoch its batch was
 *   decided (Final or Rejected), when it agreed with the outcome. Expired batches count nothing, and
 *   neither does a Final batch none of whose records counted;
 * - any other pool pays over the counted records that name it, and credits the validators who decided
 *   them: the proposer and supporting attesters of every Final batch holding one of them, and the
 *   accepting voters of every contribution they use (once per contribution, pool and epoch);
 * - a contribution revoked in epoch r earns nothing after r: in an epoch e > r, a counted record's
 *   vector entry naming it is dropped (credited to nobody, and the contribution is not one the record
 *   uses), while the record itself still counts and its batch still credits its validators;
 * - every credit is the snapshot stake the event carries.
 */
export function deriveActivity(
  events: readonly TributaryEvent[],
  options: {
    /** Output ids counted before these events (by a node folding one epoch from its index). */
    countedBefore?: Iterable<string>;
  } = {},
): Map<bigint, EpochActivity> {
  const ordered = [...events].sort(compareEvents);
  const contributorOf = new Map<bigint, string>();
  const contributionOutcome = new Map<bigint, { accepted: boolean; epoch: bigint }>();
  const proposals = new Map<bigint, Extract<TributaryEvent, { kind: "BatchProposed" }>>();
  const attestations = new Map<bigint, Extract<TributaryEvent, { kind: "BatchAttested" }>[]>();
  const votes = new Map<bigint, Extract<TributaryEvent, { kind: "VoteCast" }>[]>();
  /** The epoch each revoked contribution was revoked in. */
  const revokedIn = new Map<bigint, bigint>();
  for (const e of ordered) {
    if (e.kind === "ContributionRegistered") contributorOf.set(e.id, getAddress(e.contributor));
    else if (e.kind === "ContributionDecided") {
      contributionOutcome.set(e.id, { accepted: e.status === ContributionStatus.Accepted, epoch: e.epoch });
    } else if (e.kind === "ContributionRevoked") {
      if (!revokedIn.has(e.id)) revokedIn.set(e.id, e.epoch);
    } else if (e.kind === "BatchProposed") proposals.set(e.batchId, e);
    else if (e.kind === "BatchAttested") {
      const list = attestations.get(e.batchId) ?? [];
      list.push(e);
      attestations.set(e.batchId, list);
    } else if (e.kind === "VoteCast") {
      const list = votes.get(e.id) ?? [];
      list.push(e);
      votes.set(e.id, list);
    }
  }

  const activity = new Map<bigint, EpochActivity>();
  const at = (epoch: bigint, poolId: bigint): PoolActivity => {
    let epochActivity = activity.get(epoch);
    if (!epochActivity) {
      epochActivity = { pools: new Map() };
      activity.set(epoch, epochActivity);
    }
    let a = epochActivity.pools.get(poolId);
    if (!a) {
      a = { funded: 0n, contributorWeights: new Map(), validatorWeights: new Map(), recordCount: 0 };
      epochActivity.pools.set(poolId, a);
    }
    return a;
  };
  /** Contributions each (epoch, pool) drew on, for its voters' credit. */
  const usedContributions = new Map<string, { epoch: bigint; poolId: bigint; ids: Set<bigint> }>();

  const countedOutputs = new Set<string>(options.countedBefore ?? []);
  for (const e of ordered) {
    switch (e.kind) {
      case "Funded":
        at(e.epoch, e.poolId).funded += e.amount;
        break;
      case "VoteCast": {
        const outcome = contributionOutcome.get(e.id);
        if (outcome && outcome.accepted === e.accept)
          addTo(at(outcome.epoch, NETWORK_POOL).validatorWeights, getAddress(e.validator), e.stake);
        break;
      }
      case "BatchDecided": {
        const proposal = proposals.get(e.batchId);
        if (!proposal) throw new SettlementError(`batch ${e.batchId} was decided but its proposal was not indexed`);
        const network = at(e.epoch, NETWORK_POOL);
        const final = e.status === BatchStatus.Final;
        const poolsPaying = new Set<bigint>();
        let counted = 0;
        if (final) {
          for (const record of proposal.records) {
            if (countedOutputs.has(record.outputId)) continue;
            countedOutputs.add(record.outputId);
            counted += 1;
            const pool = record.poolId === NETWORK_POOL ? undefined : at(e.epoch, record.poolId);
            if (pool) {
              pool.recordCount += 1;
              poolsPaying.add(record.poolId);
            }
            const usedKey = `${e.epoch}:${record.poolId}`;
            let used = usedContributions.get(usedKey);
            if (pool && !used) {
              used = { epoch: e.epoch, poolId: record.poolId, ids: new Set() };
              usedContributions.set(usedKey, used);
            }
            for (const entry of record.vector) {
              // Revoked before this epoch: the entry's weight goes to nobody (A shrinks).
              const revoked = revokedIn.get(entry.contributionId);
              if (revoked !== undefined && revoked < e.epoch) continue;
              const contributor = contributorOf.get(entry.contributionId);
              if (!contributor) {
                throw new SettlementError(
                  `record ${record.outputId} names contribution ${entry.contributionId}, which was not indexed`,
                );
              }
              const weight = record.value * BigInt(entry.weightBps);
              addTo(network.contributorWeights, contributor, weight);
              if (pool) {
                addTo(pool.contributorWeights, contributor, weight);
                used!.ids.add(entry.contributionId);
              }
            }
          }
          network.recordCount += counted;
        }
        // A Final batch none of whose records counts (every output id was counted before) earns no
        // credit, so credit cannot be farmed by re-proposing counted outputs.
        if (final && counted === 0) break;
        const credited: [string, bigint][] = [];
        if (final) credited.push([getAddress(proposal.proposer), proposal.stake]);
        for (const attestation of attestations.get(e.batchId) ?? []) {
          if (attestation.support === final) credited.push([getAddress(attestation.validator), attestation.stake]);
        }
        for (const [validator, stake] of credited) {
          addTo(network.validatorWeights, validator, stake);
          // Dapp pools pay the validators who made their records final; rejections stay with the network pool.
          for (const poolId of poolsPaying) addTo(at(e.epoch, poolId).validatorWeights, validator, stake);
        }
        break;
      }
      default:
        break;
    }
  }
  // Dapp pools also pay the validators who accepted the contributions their records used.
  for (const { epoch, poolId, ids } of usedContributions.values()) {
    const pool = at(epoch, poolId);
    for (const id of [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
      for (const vote of votes.get(id) ?? []) {
        if (vote.accept) addTo(pool.validatorWeights, getAddress(vote.validator), vote.stake);
      }
    }
  }
  return activity;
}

/** One token's figures in a settlement. */
export interface TokenTotals {
  token: string;
  /** Its position on the distributor's allowlist and in the settlement's totals. */
  index: number;
  /** Σ funded in it over epochs 0..epoch. */
  fundedThrough: bigint;
  /** Σ of every account's cumulative entitlement in it. */
  cumulativeTotal: bigint;
  /** Σ carried by its pools into epoch + 1. Equals fundedThrough − cumulativeTotal. */
  carryOut: bigint;
}

/** One pool's allocations, epoch by epoch. */
export interface PoolLedger {
  pool: PoolInfo;
  epochs: EpochAllocation[];
}

/** The cumulative settlement through one epoch. */
export interface SettlementComputation {
  epoch: bigint;
  /** Every funded pool, by id, with its allocation in each epoch 0..epoch. */
  pools: PoolLedger[];
  /** The tokens the settlement covers, in allowlist order: its signed totals follow this order. */
  tokens: TokenTotals[];
  /** Cumulative entitlement per token (checksummed) and account (checksummed), ascending by address. */
  cumulative: Map<string, Map<string, bigint>>;
  /** The tree's leaves (account, token, cumulative amount), ascending by account, then token. */
  entries: SettlementEntry[];
  /** The signed totals: `tokens[i].cumulativeTotal`. */
  cumulativeTotals: bigint[];
}

/** What the allocation carries from one epoch into the next: enough to compute the next epoch alone. */
export interface AllocationState {
  /** The last epoch folded in; −1 before epoch 0. */
  epoch: bigint;
  /** Every pool funded so far, by id: its carry into the next epoch and its consecutive idle epochs. */
  pools: Map<bigint, { carry: bigint; idle: number }>;
  /** Σ funded per token (checksummed) through `epoch`. */
  fundedByToken: Map<string, bigint>;
  /** How many tokens of the allowlist the settlement covers: at least 1, never shrinking. */
  coveredCount: number;
  /** Cumulative entitlement per token and account (both checksummed). */
  cumulative: Map<string, Map<string, bigint>>;
}

/** The pools and the token allowlist, as `PoolCreated` and `TokenAllowed` announced them. */
export interface AllocationRegistry {
  pools: Map<bigint, PoolInfo>;
  /** Allowlist position per token (checksummed). */
  tokenIndex: Map<string, number>;
}

/** The state before epoch 0. */
export function emptyAllocationState(): AllocationState {
  return { epoch: -1n, pools: new Map(), fundedByToken: new Map(), coveredCount: 1, cumulative: new Map() };
}

/** Reads the pools and the allowlist from events (any superset of the `TokenAllowed` and `PoolCreated` events). */
export function readAllocationRegistry(events: readonly TributaryEvent[]): AllocationRegistry {
  const tokenIndex = new Map<string, number>();
  const pools = new Map<bigint, PoolInfo>();
  for (const e of [...events].sort(compareEvents)) {
    if (e.kind === "TokenAllowed" && !tokenIndex.has(getAddress(e.token))) tokenIndex.set(getAddress(e.token), e.index);
    if (e.kind === "PoolCreated") {
      pools.set(e.poolId, {
        poolId: e.poolId,
        owner: getAddress(e.owner),
        token: getAddress(e.token),
        datanets: e.datanets,
      });
    }
  }
  return { pools, tokenIndex };
}

/** The pools funded in `epoch` by `Funded` events among `events`. */
export function poolsFundedIn(events: readonly TributaryEvent[], epoch: bigint): bigint[] {
  const out = new Set<bigint>();
  for (const e of events) if (e.kind === "Funded" && e.epoch === epoch) out.add(e.poolId);
  return [...out];
}

/**
 * Adds pools to the state as funded (carry 0, not idle), and widens the covered tokens to theirs.
 * Pools already in the state are left as they are.
 */
export function admitFundedPools(
  state: AllocationState,
  poolIds: Iterable<bigint>,
  registry: AllocationRegistry,
): void {
  for (const poolId of poolIds) {
    const pool = registry.pools.get(poolId);
    if (!pool) throw new SettlementError(`pool ${poolId} was funded but its PoolCreated event was not indexed`);
    const index = registry.tokenIndex.get(pool.token);
    if (index === undefined) throw new SettlementError(`token ${pool.token} of pool ${poolId} was never allowed`);
    if (!state.pools.has(poolId)) state.pools.set(poolId, { carry: 0n, idle: 0 });
    state.coveredCount = Math.max(state.coveredCount, index + 1);
  }
}

/**
 * Folds one epoch into `state` (in place): admits the pools funded in it, applies the allocation rule
 * and idle refunds to every funded pool in id order, and accumulates entitlements. Returns each funded
 * pool's allocation in this epoch, in id order. The epoch must be the one after `state.epoch`.
 */
export function advanceEpoch(
  state: AllocationState,
  epoch: bigint,
  inputs: {
    activity: EpochActivity | undefined;
    params: AllocationParams;
    registry: AllocationRegistry;
    /** Pools funded in this epoch (see {@link poolsFundedIn}). */
    funded: Iterable<bigint>;
  },
): { pool: PoolInfo; allocation: EpochAllocation }[] {
  if (epoch !== state.epoch + 1n) {
    throw new SettlementError(`internal: epoch ${epoch} folded onto a state through epoch ${state.epoch}`);
  }
  admitFundedPools(state, inputs.funded, inputs.registry);
  const p = inputs.params;
  const out: { pool: PoolInfo; allocation: EpochAllocation }[] = [];
  for (const poolId of [...state.pools.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const pool = inputs.registry.pools.get(poolId)!;
    const carried = state.pools.get(poolId)!;
    const owed = state.cumulative.get(pool.token) ?? new Map<string, bigint>();
    state.cumulative.set(pool.token, owed);
    const a = inputs.activity?.pools.get(poolId);
    const allocation = allocateEpoch({
      epoch,
      poolId,
      token: pool.token,
      funded: a?.funded ?? 0n,
      carryIn: carried.carry,
      params: p,
      contributorWeights: a?.contributorWeights ?? new Map(),
      validatorWeights: a?.validatorWeights ?? new Map(),
    });
    allocation.recordCount = a?.recordCount ?? 0;
    // A dapp pool holding a balance with nothing to pay for counts an idle epoch; K of them in a row
    // return its balance to its owner. The network pool carries, as a single pool always did.
    let idle = carried.idle;
    if (poolId !== NETWORK_POOL) {
      idle = allocation.recordCount === 0 && allocation.distributable > 0n ? idle + 1 : 0;
      if (idle > 0 && BigInt(idle) >= p.idleRefundEpochs && allocation.carryOut > 0n) {
        allocation.refund = allocation.carryOut;
        allocation.refundTo = pool.owner;
        addTo(allocation.owed, pool.owner, allocation.refund);
        allocation.owed = sortedMap(allocation.owed);
        allocation.carryOut = 0n;
        idle = 0;
      }
      allocation.idleEpochs = idle;
    }
    for (const [account, amount] of allocation.owed) addTo(owed, account, amount);
    addTo(state.fundedByToken, pool.token, allocation.funded);
    state.pools.set(poolId, { carry: allocation.carryOut, idle });
    out.push({ pool, allocation });
  }
  state.epoch = epoch;
  return out;
}

/**
 * The settlement a state stands for: the covered tokens' totals (checked against funding and carry),
 * and the tree's leaves. `pools` are the ledgers to report (every epoch, or only the latest).
 */
export function summarizeSettlement(
  state: AllocationState,
  registry: AllocationRegistry,
  pools: PoolLedger[],
): SettlementComputation {
  const carryByToken = new Map<string, bigint>();
  for (const [poolId, { carry }] of state.pools) addTo(carryByToken, registry.pools.get(poolId)!.token, carry);
  const byIndex = [...registry.tokenIndex.entries()].sort((a, b) => a[1] - b[1]);
  const tokens: TokenTotals[] = [];
  for (const [token, index] of byIndex) {
    if (index >= state.coveredCount) break;
    let total = 0n;
    for (const amount of state.cumulative.get(token)?.values() ?? []) total += amount;
    const fundedThrough = state.fundedByToken.get(token) ?? 0n;
    const carryOut = carryByToken.get(token) ?? 0n;
    if (fundedThrough - total !== carryOut) {
      throw new SettlementError(`internal: ${token}: funded ${fundedThrough} − entitled ${total} ≠ carry ${carryOut}`);
    }
    tokens.push({ token, index, fundedThrough, cumulativeTotal: total, carryOut });
  }
  if (tokens.length !== state.coveredCount || tokens.some((t, i) => t.index !== i)) {
    throw new SettlementError("internal: the allowlist's TokenAllowed events are incomplete");
  }

  const entries: SettlementEntry[] = [];
  for (const [token, owed] of state.cumulative) {
    for (const [account, amount] of owed) if (amount > 0n) entries.push([account, token, amount]);
  }
  entries.sort((a, b) => compareKeys(a[0], b[0]) || compareKeys(a[1], b[1]));
  const sortedCumulative = new Map(
    [...state.cumulative]
      .sort(([a], [b]) => compareKeys(a, b))
      .map(([token, owed]) => [token, sortedMap(owed)] as const),
  );
  return {
    epoch: state.epoch,
    pools,
    tokens,
    cumulative: sortedCumulative,
    entries,
    cumulativeTotals: tokens.map((t) => t.cumulativeTotal),
  };
}

/**
 * Runs the allocation rule for every pool and every epoch from 0 through `epoch`, applies idle
 * refunds, and accumulates entitlements per account and token: {@link advanceEpoch} folded over
 * every epoch, from the whole history. A node folds one epoch at a time from its stored state instead.
 * @param paramsAt allocation parameters for an epoch, as `RewardDistributor.allocationParamsAt` returns them.
 */
export function computeSettlement(
  events: readonly TributaryEvent[],
  epoch: bigint,
  paramsAt: (epoch: bigint) => AllocationParams,
): SettlementComputation {
  const activity = deriveActivity(events);
  const registry = readAllocationRegistry(events);
  const state = emptyAllocationState();
  // Every pool funded through `epoch` is carried from epoch 0 (with nothing before its funding), so
  // its ledger lists every epoch.
  const funded = new Set<bigint>();
  for (const e of events) if (e.kind === "Funded" && e.epoch <= epoch) funded.add(e.poolId);
  admitFundedPools(state, funded, registry);
  const ledgers = new Map<bigint, PoolLedger>();
  for (let e = 0n; e <= epoch; e++) {
    const step = advanceEpoch(state, e, { activity: activity.get(e), params: paramsAt(e), registry, funded: [] });
    for (const { pool, allocation } of step) {
      const ledger = ledgers.get(pool.poolId) ?? { pool, epochs: [] };
      ledger.epochs.push(allocation);
      ledgers.set(pool.poolId, ledger);
    }
  }
  return summarizeSettlement(state, registry, [...ledgers.values()]);
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

function compareKeys(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function sortedEntries(map: ReadonlyMap<string, bigint>): [string, bigint][] {
  return [...map.entries()].sort(([a], [b]) => compareKeys(a, b));
}

function sortedMap(map: ReadonlyMap<string, bigint>): Map<string, bigint> {
  return new Map(sortedEntries(map));
}

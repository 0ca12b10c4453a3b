/**
 * Why an account earned what it earned in one epoch, pool by pool. The amounts come from the client's
 * allocation rule itself (`deriveActivity`, then `advanceEpoch`, which applies `allocateEpoch` and the
 * idle refunds, to the epoch's events and the carried state of the epoch before): nothing of the rule
 * is computed here. The breakdown lists the items behind the account's weight (the records that used
 * its contributions; the votes, proposals and attestations that earned a validator credit), checks
 * that they add up to the weight the rule used, and shows each item's share of the amount:
 * `⌊amount · itemWeight / accountWeight⌋`.
 */
import { getAddress } from "ethers";
import {
  BatchStatus,
  ContributionStatus,
  NETWORK_POOL,
  advanceEpoch,
  compareEvents,
  deriveActivity,
  poolsFundedIn,
  readAllocationRegistry,
  type AllocationParams,
  type AllocationState,
  type EpochActivity,
  type EpochAllocation,
  type TributaryEvent,
} from "../../../client/index.js";

/** `⌊numerator / denominator⌋`, shown. */
export interface Rounding {
  numerator: string;
  denominator: string;
  floor: string;
}

export interface ContributionItem {
  outputId: string;
  batchId: string;
  contributionId: string;
  weightBps: number;
  value: string;
  /** value × weightBps. */
  weight: string;
  amount: string;
  rounding: Rounding;
}

export interface ValidatorItem {
  kind: "vote" | "proposal" | "attestation";
  contributionId: string | null;
  batchId: string | null;
  /** The vote's accept, or the attestation's support (a proposal supports its batch). */
  agreed: boolean;
  stake: string;
  amount: string;
  rounding: Rounding;
}

export interface PoolExplanation {
  poolId: string;
  token: string;
  funded: string;
  carryIn: string;
  fee: string;
  distributable: string;
  contributorPool: string;
  validatorPool: string;
  /** Everything the account is owed from this pool in this epoch. */
  amount: string;
  contributor: {
    weight: string;
    totalWeight: string;
    amount: string;
    rounding: Rounding;
    items: ContributionItem[];
  } | null;
  validator: { weight: string; totalWeight: string; amount: string; rounding: Rounding; items: ValidatorItem[] } | null;
  /** The protocol fee, when the account is the treasury. */
  treasuryFee: string | null;
  /** The pool's idle refund, when the account is its owner. */
  refund: string | null;
}

export interface Explanation {
  account: string;
  epoch: string;
  pools: PoolExplanation[];
  totals: { token: string; amount: string }[];
}

const rounding = (numerator: bigint, denominator: bigint): Rounding => ({
  numerator: numerator.toString(),
  denominator: denominator.toString(),
  floor: denominator === 0n ? "0" : (numerator / denominator).toString(),
});

/** What explaining an epoch reads. */
export interface EpochInput {
  epoch: bigint;
  slice: readonly TributaryEvent[];
  countedBefore: Iterable<string>;
  params: AllocationParams;
  stateBefore: AllocationState;
}

/** The slice in canonical order, indexed for finding an account's items. */
interface SliceIndex {
  ordered: TributaryEvent[];
  /** `getAddress`, remembered. */
  checksum: (address: string) => string;
  contributorOf: Map<bigint, string>;
  /** Whether each contribution decided in the epoch was accepted. */
  outcome: Map<bigint, boolean>;
  proposals: Map<bigint, Extract<TributaryEvent, { kind: "BatchProposed" }>>;
  attestations: Map<bigint, Extract<TributaryEvent, { kind: "BatchAttested" }>[]>;
  votes: Map<bigint, Extract<TributaryEvent, { kind: "VoteCast" }>[]>;
  /** The epoch each revoked contribution was revoked in (docs/allocation.md, rule 8). */
  revokedIn: Map<bigint, bigint>;
}

/** An epoch's allocation by the rule, the same for every account: computed once, explained per account. */
export interface AllocatedEpoch {
  epoch: bigint;
  index: SliceIndex;
  countedBefore: Set<string>;
  activity: EpochActivity | undefined;
  steps: ReturnType<typeof advanceEpoch>;
}

/**
 * Applies the rule to `epoch` from its events (the index's `epochSlice`), the outputs counted before
 * it, the allocation parameters and the state carried out of `epoch − 1`: what {@link explainAccount}
 * explains, for any account.
 */
export function allocateForExplaining(input: EpochInput): AllocatedEpoch {
  const { epoch, slice } = input;
  const activity = deriveActivity(slice, { countedBefore: input.countedBefore }).get(epoch);
  const steps = advanceEpoch(input.stateBefore, epoch, {
    activity,
    params: input.params,
    registry: readAllocationRegistry(slice),
    funded: poolsFundedIn(slice, epoch),
  });
  return { epoch, index: indexSlice(slice, epoch), countedBefore: new Set(input.countedBefore), activity, steps };
}

/**
 * Explains `account`'s earnings in an epoch {@link allocateForExplaining} allocated.
 * @throws {Error} the items found do not add up to the weight the rule used (a bug, never data).
 */
export function explainAccount(allocated: AllocatedEpoch, anyCaseAccount: string): Explanation {
  const account = getAddress(anyCaseAccount);
  const { epoch, activity, steps } = allocated;
  const used = itemsOf(allocated.index, epoch, allocated.countedBefore, account);
  const pools: PoolExplanation[] = [];
  const totals = new Map<string, bigint>();
  for (const { pool, allocation } of steps) {
    const a = activity?.pools.get(pool.poolId);
    const contributorWeight = a?.contributorWeights.get(account) ?? 0n;
    const validatorWeight = a?.validatorWeights.get(account) ?? 0n;
    const owed = allocation.owed.get(account) ?? 0n;
    if (owed === 0n && contributorWeight === 0n && validatorWeight === 0n) continue;
    const inPool = (poolId: bigint) => pool.poolId === NETWORK_POOL || poolId === pool.poolId;
    const contributions = used.records.filter((r) => inPool(r.poolId));
    const validations = pool.poolId === NETWORK_POOL ? used.networkCredits : (used.poolCredits.get(pool.poolId) ?? []);
    pools.push({
      poolId: pool.poolId.toString(),
      token: pool.token,
      funded: allocation.funded.toString(),
      carryIn: allocation.carryIn.toString(),
      fee: allocation.fee.toString(),
      distributable: allocation.distributable.toString(),
      contributorPool: allocation.contributorPool.toString(),
      validatorPool: allocation.validatorPool.toString(),
      amount: owed.toString(),
      contributor: contributorPart(allocation, account, contributorWeight, contributions),
      validator: validatorPart(allocation, account, validatorWeight, validations),
      treasuryFee: allocation.fee > 0n && allocation.treasury === account ? allocation.fee.toString() : null,
      refund: allocation.refund > 0n && allocation.refundTo === account ? allocation.refund.toString() : null,
    });
    if (owed > 0n) totals.set(pool.token, (totals.get(pool.token) ?? 0n) + owed);
  }
  return {
    account,
    epoch: epoch.toString(),
    pools,
    totals: [...totals].map(([token, amount]) => ({ token, amount: amount.toString() })),
  };
}

interface UsedRecord {
  outputId: string;
  batchId: bigint;
  poolId: bigint;
  contributionId: bigint;
  weightBps: number;
  value: bigint;
}
interface Credit {
  kind: ValidatorItem["kind"];
  contributionId?: bigint;
  batchId?: bigint;
  agreed: boolean;
  stake: bigint;
}

function contributorPart(
  allocation: EpochAllocation,
  account: string,
  weight: bigint,
  records: UsedRecord[],
): PoolExplanation["contributor"] {
  if (weight === 0n) return null;
  const amount = allocation.contributorAmounts.get(account) ?? 0n;
  const listed = records.reduce((sum, r) => sum + r.value * BigInt(r.weightBps), 0n);
  if (listed !== weight) {
    throw new Error(`internal: pool ${allocation.poolId}: the records listed weigh ${listed}, the rule used ${weight}`);
  }
  return {
    weight: weight.toString(),
    totalWeight: allocation.contributorWeightTotal.toString(),
    amount: amount.toString(),
    rounding: rounding(allocation.contributorPool * weight, allocation.contributorWeightTotal),
    items: records.map((r) => {
      const itemWeight = r.value * BigInt(r.weightBps);
      const share = rounding(amount * itemWeight, weight);
      return {
        outputId: r.outputId,
        batchId: r.batchId.toString(),
        contributionId: r.contributionId.toString(),
        weightBps: r.weightBps,
        value: r.value.toString(),
        weight: itemWeight.toString(),
        amount: share.floor,
        rounding: share,
      };
    }),
  };
}

function validatorPart(
  allocation: EpochAllocation,
  account: string,
  weight: bigint,
  credits: Credit[],
): PoolExplanation["validator"] {
  if (weight === 0n) return null;
  const amount = allocation.validatorAmounts.get(account) ?? 0n;
  const mine = credits.filter((c) => c.stake > 0n);
  const listed = mine.reduce((sum, c) => sum + c.stake, 0n);
  if (listed !== weight) {
    throw new Error(`internal: pool ${allocation.poolId}: the credits listed weigh ${listed}, the rule used ${weight}`);
  }
  return {
    weight: weight.toString(),
    totalWeight: allocation.validatorWeightTotal.toString(),
    amount: amount.toString(),
    rounding: rounding(allocation.validatorPool * weight, allocation.validatorWeightTotal),
    items: mine.map((c) => {
      const share = rounding(amount * c.stake, weight);
      return {
        kind: c.kind,
        contributionId: c.contributionId?.toString() ?? null,
        batchId: c.batchId?.toString() ?? null,
        agreed: c.agreed,
        stake: c.stake.toString(),
        amount: share.floor,
        rounding: share,
      };
    }),
  };
}

/**
 * The slice in canonical order, with what {@link itemsOf} looks up in it: the same for every account,
 * so built once per epoch. Addresses are checksummed once each.
 */
function indexSlice(events: readonly TributaryEvent[], epoch: bigint): SliceIndex {
  const ordered = [...events].sort(compareEvents);
  const checksums = new Map<string, string>();
  const checksum = (address: string) => {
    let known = checksums.get(address);
    if (known === undefined) checksums.set(address, (known = getAddress(address)));
    return known;
  };
  const contributorOf = new Map<bigint, string>();
  const outcome = new Map<bigint, boolean>();
  const proposals = new Map<bigint, Extract<TributaryEvent, { kind: "BatchProposed" }>>();
  const attestations = new Map<bigint, Extract<TributaryEvent, { kind: "BatchAttested" }>[]>();
  const votes = new Map<bigint, Extract<TributaryEvent, { kind: "VoteCast" }>[]>();
  const revokedIn = new Map<bigint, bigint>();
  for (const e of ordered) {
    if (e.kind === "ContributionRegistered") contributorOf.set(e.id, checksum(e.contributor));
    else if (e.kind === "ContributionRevoked") {
      if (!revokedIn.has(e.id)) revokedIn.set(e.id, e.epoch);
    } else if (e.kind === "ContributionDecided" && e.epoch === epoch) {
      outcome.set(e.id, e.status === ContributionStatus.Accepted);
    } else if (e.kind === "BatchProposed") proposals.set(e.batchId, e);
    else if (e.kind === "BatchAttested") attestations.set(e.batchId, [...(attestations.get(e.batchId) ?? []), e]);
    else if (e.kind === "VoteCast") votes.set(e.id, [...(votes.get(e.id) ?? []), e]);
  }
  return { ordered, checksum, contributorOf, outcome, proposals, attestations, votes, revokedIn };
}

/**
 * The items behind `account`'s weights in `epoch`, found as docs/allocation.md states the rule (and
 * checked against the rule's own weights by the caller): the counted records naming its contributions,
 * and the credits of its votes, proposals and attestations, for the network pool and per dapp pool.
 */
function itemsOf(
  index: SliceIndex,
  epoch: bigint,
  countedBefore: Set<string>,
  account: string,
): { records: UsedRecord[]; networkCredits: Credit[]; poolCredits: Map<bigint, Credit[]> } {
  const { ordered, contributorOf, outcome, proposals, attestations, votes, revokedIn } = index;
  /** Rule 8: an entry naming a contribution revoked before the epoch is dropped. */
  const dropped = (id: bigint) => {
    const revoked = revokedIn.get(id);
    return revoked !== undefined && revoked < epoch;
  };
  const records: UsedRecord[] = [];
  const networkCredits: Credit[] = [];
  const poolCredits = new Map<bigint, Credit[]>();
  const creditPool = (poolId: bigint, credit: Credit) =>
    poolCredits.set(poolId, [...(poolCredits.get(poolId) ?? []), credit]);
  const usedByPool = new Map<bigint, Set<bigint>>();
  const counted = new Set(countedBefore);
  const me = (address: string) => index.checksum(address) === account;
  for (const e of ordered) {
    if (e.kind === "VoteCast") {
      const accepted = outcome.get(e.id);
      if (accepted !== undefined && accepted === e.accept && me(e.validator)) {
        networkCredits.push({ kind: "vote", contributionId: e.id, agreed: e.accept, stake: e.stake });
      }
    }
    if (e.kind !== "BatchDecided" || e.epoch !== epoch) continue;
    const proposal = proposals.get(e.batchId)!;
    const final = e.status === BatchStatus.Final;
    const paying = new Set<bigint>();
    let countedHere = 0;
    if (final) {
      for (const record of proposal.records) {
        if (counted.has(record.outputId)) continue;
        counted.add(record.outputId);
        countedHere += 1;
        if (record.poolId !== NETWORK_POOL) {
          paying.add(record.poolId);
          const used = usedByPool.get(record.poolId) ?? new Set<bigint>();
          usedByPool.set(record.poolId, used);
          for (const entry of record.vector) if (!dropped(entry.contributionId)) used.add(entry.contributionId);
        }
        for (const entry of record.vector) {
          if (dropped(entry.contributionId) || contributorOf.get(entry.contributionId) !== account) continue;
          records.push({
            outputId: record.outputId,
            batchId: e.batchId,
            poolId: record.poolId,
            contributionId: entry.contributionId,
            weightBps: entry.weightBps,
            value: record.value,
          });
        }
      }
    }
    if (final && countedHere === 0) continue;
    const credits: Credit[] = [];
    if (final && me(proposal.proposer)) {
      credits.push({ kind: "proposal", batchId: e.batchId, agreed: true, stake: proposal.stake });
    }
    for (const attestation of attestations.get(e.batchId) ?? []) {
      if (attestation.support === final && me(attestation.validator)) {
        credits.push({
          kind: "attestation",
          batchId: e.batchId,
          agreed: attestation.support,
          stake: attestation.stake,
        });
      }
    }
    networkCredits.push(...credits);
    for (const poolId of paying) for (const credit of credits) creditPool(poolId, credit);
  }
  for (const [poolId, ids] of usedByPool) {
    for (const id of [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
      for (const vote of votes.get(id) ?? []) {
        if (vote.accept && me(vote.validator)) {
          creditPool(poolId, { kind: "vote", contributionId: id, agreed: true, stake: vote.stake });
        }
      }
    }
  }
  return { records, networkCredits, poolCredits };
}

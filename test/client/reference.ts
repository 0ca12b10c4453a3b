/**
 * A second implementation of the pooled allocation rule of docs/allocation.md, written for obviousness
 * rather than speed: every quantity of every pool in every epoch is recomputed by scanning the whole
 * event list. It shares no code with the client's `computeSettlement`, which must agree with it on
 * every input.
 */
import type { AllocationParams, TributaryEvent } from "../../client/index.js";

type Ev<K extends TributaryEvent["kind"]> = Extract<TributaryEvent, { kind: K }>;

const FINAL = 2;
const REJECTED = 3;
const ACCEPTED = 2;

const before = (a: TributaryEvent, b: TributaryEvent) =>
  a.blockNumber < b.blockNumber || (a.blockNumber === b.blockNumber && a.logIndex < b.logIndex);

export interface ReferenceSettlement {
  /** token (lowercase) → account (lowercase) → cumulative amount; only nonzero amounts. */
  cumulative: Map<string, Map<string, bigint>>;
  /** The covered tokens (lowercase), in allowlist order. */
  covered: string[];
  /** Per token (lowercase): Σ funded through the epoch, Σ owed, Σ carried by its pools. */
  funded: Map<string, bigint>;
  total: Map<string, bigint>;
  carry: Map<string, bigint>;
  /** Per pool id: every account it owed anything in any epoch (fee, payments, refunds). */
  paidBy: Map<bigint, Set<string>>;
}

export function referenceSettlement(
  events: TributaryEvent[],
  through: bigint,
  paramsAt: (epoch: bigint) => AllocationParams,
): ReferenceSettlement {
  const all = <K extends TributaryEvent["kind"]>(kind: K) => events.filter((e): e is Ev<K> => e.kind === kind);
  const add = (m: Map<string, bigint>, k: string, v: bigint) =>
    m.set(k.toLowerCase(), (m.get(k.toLowerCase()) ?? 0n) + v);
  const sum = (m: Map<string, bigint>) => [...m.values()].reduce((x, y) => x + y, 0n);
  const proposalOf = (batchId: bigint) => all("BatchProposed").find((x) => x.batchId === batchId)!;

  // A record counts unless a Final batch decided earlier in chain order holds the same output id.
  const countsIn = (d: Ev<"BatchDecided">, outputId: string) =>
    d.status === FINAL &&
    !all("BatchDecided").some(
      (other) =>
        other.status === FINAL &&
        before(other, d) &&
        proposalOf(other.batchId).records.some((r) => r.outputId === outputId),
    );
  // The counted records of pool P in epoch e, each with the batch decision that counted it.
  const recordsOf = (poolId: bigint, e: bigint) =>
    all("BatchDecided")
      .filter((d) => d.status === FINAL && d.epoch === e)
      .flatMap((d) =>
        proposalOf(d.batchId)
          .records.filter((r) => countsIn(d, r.outputId) && (poolId === 0n || r.poolId === poolId))
          .map((record) => ({ record, decision: d })),
      );

  // A contribution revoked in epoch r earns nothing from r + 1 on: in epoch e, a vector entry naming a
  // contribution revoked before e is credited to nobody, and is not a contribution the record uses.
  const revokedBefore = (contributionId: bigint, e: bigint) =>
    all("ContributionRevoked").some((x) => x.id === contributionId && x.epoch < e);

  const cumulative = new Map<string, Map<string, bigint>>();
  const funded = new Map<string, bigint>();
  const total = new Map<string, bigint>();
  const carryByToken = new Map<string, bigint>();
  const paidBy = new Map<bigint, Set<string>>();

  for (const pool of all("PoolCreated")) {
    const P = pool.poolId;
    const token = pool.token.toLowerCase();
    if (!cumulative.has(token)) cumulative.set(token, new Map());
    const owedInToken = cumulative.get(token)!;
    const paid = new Set<string>();
    paidBy.set(P, paid);
    const owe = (account: string, amount: bigint) => {
      if (amount === 0n) return;
      add(owedInToken, account, amount);
      add(total, token, amount);
      paid.add(account.toLowerCase());
    };
    let carry = 0n;
    let idle = 0n;
    for (let e = 0n; e <= through; e++) {
      const p = paramsAt(e);
      let F = 0n;
      for (const f of all("Funded")) if (f.poolId === P && f.epoch === e) F += f.amount;
      add(funded, token, F);

      const records = recordsOf(P, e);
      const A = new Map<string, bigint>();
      for (const { record } of records) {
        for (const entry of record.vector) {
          if (revokedBefore(entry.contributionId, e)) continue;
          const reg = all("ContributionRegistered").find((x) => x.id === entry.contributionId)!;
          add(A, reg.contributor, record.value * BigInt(entry.weightBps));
        }
      }

      const S = new Map<string, bigint>();
      if (P === 0n) {
        // The network pool: every agreeing decision of the epoch, as the single pool always did.
        const earnsCredit = (d: Ev<"BatchDecided">) =>
          d.status !== FINAL || proposalOf(d.batchId).records.some((r) => countsIn(d, r.outputId));
        for (const v of all("VoteCast")) {
          const d = all("ContributionDecided").find((x) => x.id === v.id);
          if (d && d.epoch === e && v.accept === (d.status === ACCEPTED)) add(S, v.validator, v.stake);
        }
        for (const b of all("BatchProposed")) {
          const d = all("BatchDecided").find((x) => x.batchId === b.batchId);
          if (d && d.epoch === e && d.status === FINAL && earnsCredit(d)) add(S, b.proposer, b.stake);
        }
        for (const a of all("BatchAttested")) {
          const d = all("BatchDecided").find((x) => x.batchId === a.batchId);
          if (
            d &&
            d.epoch === e &&
            (d.status === FINAL || d.status === REJECTED) &&
            a.support === (d.status === FINAL)
          ) {
            if (earnsCredit(d)) add(S, a.validator, a.stake);
          }
        }
      } else {
        // A dapp pool: the proposal and support of each Final batch holding one of its counted records...
        const batches = [...new Set(records.map((x) => x.decision.batchId))];
        for (const batchId of batches) {
          const b = proposalOf(batchId);
          add(S, b.proposer, b.stake);
          for (const a of all("BatchAttested")) if (a.batchId === batchId && a.support) add(S, a.validator, a.stake);
        }
        // ...and the accepting votes on each contribution its counted records use, once each.
        const used = [
          ...new Set(
            records.flatMap((x) =>
              x.record.vector.map((entry) => entry.contributionId).filter((id) => !revokedBefore(id, e)),
            ),
          ),
        ];
        for (const id of used) {
          for (const v of all("VoteCast")) if (v.id === id && v.accept) add(S, v.validator, v.stake);
        }
      }

      const fee = (F * p.protocolFeeBps) / 10_000n;
      const D = F + carry - fee;
      const V = (D * p.validatorShareBps) / 10_000n;
      const C = D - V;
      const sumA = sum(A);
      const sumS = sum(S);
      let paidOut = 0n;
      owe(p.treasury, fee);
      for (const [c, w] of A) {
        const owed = (C * w) / sumA;
        owe(c, owed);
        paidOut += owed;
      }
      for (const [v, w] of S) {
        const owed = (V * w) / sumS;
        owe(v, owed);
        paidOut += owed;
      }
      carry = D - paidOut;

      if (P !== 0n) {
        idle = records.length === 0 && D > 0n ? idle + 1n : 0n;
        if (idle >= p.idleRefundEpochs && carry > 0n) {
          owe(pool.owner, carry);
          carry = 0n;
          idle = 0n;
        }
      }
    }
    add(carryByToken, token, carry);
  }

  // Covered: one past the highest allowlist index of a token funded for an epoch ≤ through, at least 1.
  const indexOf = (token: string) => all("TokenAllowed").find((t) => t.token.toLowerCase() === token)!.index;
  let n = 1;
  for (const f of all("Funded")) {
    if (f.epoch > through) continue;
    const pool = all("PoolCreated").find((x) => x.poolId === f.poolId)!;
    n = Math.max(n, indexOf(pool.token.toLowerCase()) + 1);
  }
  const covered: string[] = [];
  for (let i = 0; i < n; i++)
    covered.push(
      all("TokenAllowed")
        .find((t) => t.index === i)!
        .token.toLowerCase(),
    );

  for (const owed of cumulative.values()) for (const [k, v] of owed) if (v === 0n) owed.delete(k);
  return { cumulative, covered, funded, total, carry: carryByToken, paidBy };
}

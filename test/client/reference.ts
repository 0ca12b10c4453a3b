/**
 * A second implementation of the allocation rule, written for obviousness rather than speed:
 * every quantity is recomputed by scanning the whole event list. The client's
 * `computeSettlement` must agree with it on every input.
 */
import type { AllocationParams, TributaryEvent } from "../../client/index.js";

type Ev<K extends TributaryEvent["kind"]> = Extract<TributaryEvent, { kind: K }>;

const before = (a: TributaryEvent, b: TributaryEvent) =>
  a.blockNumber < b.blockNumber || (a.blockNumber === b.blockNumber && a.logIndex < b.logIndex);

export function referenceSettlement(
  events: TributaryEvent[],
  through: bigint,
  paramsAt: (epoch: bigint) => AllocationParams,
): { cumulative: Map<string, bigint>; total: bigint; carry: bigint } {
  const all = <K extends TributaryEvent["kind"]>(kind: K) => events.filter((e): e is Ev<K> => e.kind === kind);
  const cumulative = new Map<string, bigint>();
  const add = (m: Map<string, bigint>, k: string, v: bigint) =>
    m.set(k.toLowerCase(), (m.get(k.toLowerCase()) ?? 0n) + v);
  let carry = 0n;
  let total = 0n;

  for (let e = 0n; e <= through; e++) {
    const p = paramsAt(e);
    let F = 0n;
    for (const f of all("Funded")) if (f.epoch === e) F += f.amount;

    // A record counts unless a Final batch decided earlier in chain order holds the same output id.
    const countsIn = (d: Ev<"BatchDecided">, outputId: string) =>
      !all("BatchDecided").some(
        (other) =>
          other.status === 2 &&
          before(other, d) &&
          all("BatchProposed")
            .find((x) => x.batchId === other.batchId)!
            .records.some((r) => r.outputId === outputId),
      );
    // A Final batch earns its validators credit only if at least one of its records counts.
    const earnsCredit = (d: Ev<"BatchDecided">) =>
      d.status !== 2 ||
      all("BatchProposed")
        .find((x) => x.batchId === d.batchId)!
        .records.some((r) => countsIn(d, r.outputId));

    const A = new Map<string, bigint>();
    for (const d of all("BatchDecided")) {
      if (d.status !== 2 || d.epoch !== e) continue;
      const proposal = all("BatchProposed").find((x) => x.batchId === d.batchId)!;
      for (const record of proposal.records) {
        if (!countsIn(d, record.outputId)) continue;
        for (const entry of record.vector) {
          const reg = all("ContributionRegistered").find((x) => x.id === entry.contributionId)!;
          add(A, reg.contributor, record.value * BigInt(entry.weightBps));
        }
      }
    }

    const S = new Map<string, bigint>();
    for (const v of all("VoteCast")) {
      const d = all("ContributionDecided").find((x) => x.id === v.id);
      if (d && d.epoch === e && v.accept === (d.status === 2)) add(S, v.validator, v.stake);
    }
    for (const b of all("BatchProposed")) {
      const d = all("BatchDecided").find((x) => x.batchId === b.batchId);
      if (d && d.epoch === e && d.status === 2 && earnsCredit(d)) add(S, b.proposer, b.stake);
    }
    for (const a of all("BatchAttested")) {
      const d = all("BatchDecided").find((x) => x.batchId === a.batchId);
      if (d && d.epoch === e && a.support === (d.status === 2) && earnsCredit(d)) add(S, a.validator, a.stake);
    }

    const fee = (F * p.protocolFeeBps) / 10_000n;
    const D = F + carry - fee;
    const V = (D * p.validatorShareBps) / 10_000n;
    const C = D - V;
    const sumA = [...A.values()].reduce((x, y) => x + y, 0n);
    const sumS = [...S.values()].reduce((x, y) => x + y, 0n);
    let paid = 0n;
    if (fee > 0n) add(cumulative, p.treasury, fee);
    for (const [c, w] of A) {
      const owed = sumA === 0n ? 0n : (C * w) / sumA;
      if (owed > 0n) add(cumulative, c, owed);
      paid += owed;
    }
    for (const [v, w] of S) {
      const owed = sumS === 0n ? 0n : (V * w) / sumS;
      if (owed > 0n) add(cumulative, v, owed);
      paid += owed;
    }
    carry = D - paid;
    total += fee + paid;
  }
  return { cumulative, total, carry };
}

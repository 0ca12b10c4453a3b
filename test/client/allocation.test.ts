import { expect } from "chai";
import { readFile } from "node:fs/promises";
import { ZeroAddress, getAddress, id } from "ethers";
import {
  allocateEpoch,
  computeSettlement,
  deriveActivity,
  emptyAllocationState,
  epochSliceOf,
  finalOutputIds,
  foldEpoch,
  outputsCountedBefore,
  type AllocationParams,
  type AttributionRecord,
  type SettlementComputation,
  type TributaryEvent,
} from "../../client/index.js";
import { referenceSettlement, type ReferenceSettlement } from "./reference.js";
import { TREASURY, address, randomHistory } from "./histories.js";

// ---------------------------------------------------------------- the examples of docs/allocation.md

interface ExampleEpoch {
  funded: string;
  contributorWeights: Record<string, string>;
  validatorWeights: Record<string, string>;
  expect: {
    fee: string;
    distributable: string;
    validatorPool: string;
    contributorPool: string;
    carryOut: string;
    owed: Record<string, string>;
  };
  expectCumulative?: Record<string, string>;
}
interface Example {
  name: string;
  params: { protocolFeeBps: number; validatorShareBps: number; idleRefundEpochs?: number; treasury: string };
  epochs: ExampleEpoch[];
}

interface ScenarioParams {
  protocolFeeBps: number;
  validatorShareBps: number;
  idleRefundEpochs: number;
  treasury: string;
}
interface PoolFigures {
  fee: string;
  distributable: string;
  validatorPool: string;
  contributorPool: string;
  paid: string;
  refund: string;
  carryOut: string;
}
interface Scenario {
  name: string;
  accounts: Record<string, string>;
  tokens: Record<string, string>;
  params: ScenarioParams[];
  pools: { owner?: string; token: string; datanets?: number[] }[];
  contributions: {
    id: number;
    contributor: string;
    datanet: number;
    votes: { validator: string; accept: boolean; stake: number }[];
    decided: { status: "Accepted" | "Rejected"; epoch: number } | null;
    /** Revoked in this epoch (ContributionRevoked), after its decision. */
    revoked?: { epoch: number };
  }[];
  batches: {
    id: number;
    epoch: number;
    proposer: string;
    stake: number;
    attestations: { validator: string; support: boolean; stake: number }[];
    decided: "Final" | "Rejected" | null;
    records: {
      output: string;
      pool: number;
      value: number;
      vector: { contribution: number; weightBps: number }[];
    }[];
  }[];
  funding: { pool: number; epoch: number; amount: string }[];
  through: number;
  expect: {
    pools: Record<string, PoolFigures[]>;
    cumulative: Record<string, Record<string, string>>;
    tokens: Record<string, { funded: string; total: string; carry: string }>;
  };
}

const doc = await readFile(new URL("../../docs/allocation.md", import.meta.url), "utf8");
const examples = [...doc.matchAll(/```json allocation-example\n([\s\S]*?)```/g)].map(
  (m) => JSON.parse(m[1]!) as Example,
);
const scenarios = [...doc.matchAll(/```json allocation-scenario\n([\s\S]*?)```/g)].map(
  (m) => JSON.parse(m[1]!) as Scenario,
);

const toMap = (o: Record<string, string>) => new Map(Object.entries(o).map(([k, v]) => [getAddress(k), BigInt(v)]));
const fromMap = (m: Map<string, bigint>) => Object.fromEntries([...m].map(([k, v]) => [k.toLowerCase(), v.toString()]));
/** token → account → amount, lowercase, nonzero amounts only, for deep comparisons. */
const nested = (m: Map<string, Map<string, bigint>>) => {
  const out: Record<string, Record<string, string>> = {};
  for (const [token, owed] of m) {
    const inner = Object.fromEntries([...owed].filter(([, v]) => v > 0n).map(([k, v]) => [k.toLowerCase(), `${v}`]));
    if (Object.keys(inner).length > 0) out[token.toLowerCase()] = inner;
  }
  return out;
};

/** Turns a scenario into events, in the order docs/allocation.md describes. */
function scenarioEvents(s: Scenario): { events: TributaryEvent[]; paramsAt: (e: bigint) => AllocationParams } {
  const account = (name: string) => {
    const a = s.accounts[name];
    if (!a) throw new Error(`${s.name}: unknown account ${name}`);
    return getAddress(a);
  };
  const token = (name: string) => {
    const t = s.tokens[name];
    if (!t) throw new Error(`${s.name}: unknown token ${name}`);
    return getAddress(t);
  };
  const events: TributaryEvent[] = [];
  let block = 0;
  const at = () => ({ blockNumber: ++block, logIndex: 0, transactionHash: "0x" });
  Object.keys(s.tokens).forEach((name, index) =>
    events.push({ ...at(), kind: "TokenAllowed", token: token(name), index }),
  );
  s.pools.forEach((p, i) =>
    events.push({
      ...at(),
      kind: "PoolCreated",
      poolId: BigInt(i),
      owner: p.owner === undefined ? ZeroAddress : account(p.owner),
      token: token(p.token),
      datanets: (p.datanets ?? []).map(BigInt),
    }),
  );
  for (const c of s.contributions) {
    events.push({
      ...at(),
      kind: "ContributionRegistered",
      id: BigInt(c.id),
      contributor: account(c.contributor),
      datanetId: BigInt(c.datanet),
      contentHash: id(`contribution ${c.id}`),
      uri: "",
    });
    const epoch = BigInt(c.decided?.epoch ?? 0);
    for (const v of c.votes) {
      events.push({
        ...at(),
        kind: "VoteCast",
        id: BigInt(c.id),
        validator: account(v.validator),
        accept: v.accept,
        stake: BigInt(v.stake),
        epoch,
      });
    }
    if (c.decided) {
      const status = c.decided.status === "Accepted" ? 2 : 3;
      events.push({ ...at(), kind: "ContributionDecided", id: BigInt(c.id), status, epoch });
    }
    if (c.revoked)
      events.push({ ...at(), kind: "ContributionRevoked", id: BigInt(c.id), epoch: BigInt(c.revoked.epoch) });
  }
  for (const b of s.batches) {
    const epoch = BigInt(b.epoch);
    const batchId = BigInt(b.id);
    const records: AttributionRecord[] = b.records.map((r) => ({
      outputId: id(r.output),
      poolId: BigInt(r.pool),
      value: BigInt(r.value),
      vector: r.vector.map((x) => ({ contributionId: BigInt(x.contribution), weightBps: x.weightBps })),
    }));
    const proposer = account(b.proposer);
    events.push({ ...at(), kind: "BatchProposed", batchId, proposer, epoch, stake: BigInt(b.stake), records });
    for (const a of b.attestations) {
      const validator = account(a.validator);
      events.push({
        ...at(),
        kind: "BatchAttested",
        batchId,
        validator,
        support: a.support,
        stake: BigInt(a.stake),
        epoch,
      });
    }
    if (b.decided)
      events.push({ ...at(), kind: "BatchDecided", batchId, status: b.decided === "Final" ? 2 : 3, epoch });
  }
  for (const f of s.funding) {
    const poolToken = token(s.pools[f.pool]!.token);
    events.push({
      ...at(),
      kind: "Funded",
      poolId: BigInt(f.pool),
      epoch: BigInt(f.epoch),
      funder: s.pools[f.pool]!.owner ? account(s.pools[f.pool]!.owner!) : account(Object.keys(s.accounts)[0]!),
      token: poolToken,
      amount: BigInt(f.amount),
    });
  }
  const params = s.params.map((p) => ({
    protocolFeeBps: BigInt(p.protocolFeeBps),
    validatorShareBps: BigInt(p.validatorShareBps),
    idleRefundEpochs: BigInt(p.idleRefundEpochs),
    treasury: account(p.treasury),
  }));
  const paramsAt = (e: bigint) => params[Math.min(Number(e), params.length - 1)]!;
  return { events, paramsAt };
}

describe("allocation: docs/allocation.md examples", function () {
  it("the spec has worked examples of both kinds", function () {
    expect(examples.length).to.be.greaterThanOrEqual(3);
    expect(scenarios.length).to.be.greaterThanOrEqual(4);
  });

  for (const example of examples) {
    it(`matches example "${example.name}"`, function () {
      const params = {
        protocolFeeBps: BigInt(example.params.protocolFeeBps),
        validatorShareBps: BigInt(example.params.validatorShareBps),
        idleRefundEpochs: BigInt(example.params.idleRefundEpochs ?? 1),
        treasury: example.params.treasury,
      };
      let carry = 0n;
      const cumulative = new Map<string, bigint>();
      example.epochs.forEach((epoch, i) => {
        const result = allocateEpoch({
          epoch: BigInt(i),
          funded: BigInt(epoch.funded),
          carryIn: carry,
          params,
          contributorWeights: toMap(epoch.contributorWeights),
          validatorWeights: toMap(epoch.validatorWeights),
        });
        expect({
          fee: result.fee.toString(),
          distributable: result.distributable.toString(),
          validatorPool: result.validatorPool.toString(),
          contributorPool: result.contributorPool.toString(),
          carryOut: result.carryOut.toString(),
          owed: fromMap(result.owed),
        }).to.deep.equal({
          ...epoch.expect,
          owed: Object.fromEntries(Object.entries(epoch.expect.owed).map(([k, v]) => [k.toLowerCase(), v])),
        });
        for (const [a, v] of result.owed) cumulative.set(a, (cumulative.get(a) ?? 0n) + v);
        if (epoch.expectCumulative) {
          expect(fromMap(cumulative)).to.deep.equal(
            Object.fromEntries(Object.entries(epoch.expectCumulative).map(([k, v]) => [k.toLowerCase(), v])),
          );
        }
        carry = result.carryOut;
      });
    });
  }

  for (const scenario of scenarios) {
    describe(`scenario "${scenario.name}"`, function () {
      const { events, paramsAt } = scenarioEvents(scenario);
      const through = BigInt(scenario.through);
      const nameOf = new Map(
        [...Object.entries(scenario.accounts), ...Object.entries(scenario.tokens)].map(([n, a]) => [
          a.toLowerCase(),
          n,
        ]),
      );
      const named = (a: string) => nameOf.get(a.toLowerCase()) ?? a;
      const expectedTokens = Object.entries(scenario.expect.tokens).map(([name, t]) => ({ token: name, ...t }));

      it("computeSettlement gives the documented figures of every pool in every epoch", function () {
        const ours = computeSettlement(events, through, paramsAt);
        const figures = Object.fromEntries(
          ours.pools.map((ledger) => [
            ledger.pool.poolId.toString(),
            ledger.epochs.map((a) => ({
              fee: `${a.fee}`,
              distributable: `${a.distributable}`,
              validatorPool: `${a.validatorPool}`,
              contributorPool: `${a.contributorPool}`,
              paid: `${a.paid}`,
              refund: `${a.refund}`,
              carryOut: `${a.carryOut}`,
            })),
          ]),
        );
        expect(figures).to.deep.equal(scenario.expect.pools);
      });

      it("computeSettlement gives the documented leaves and per-token totals", function () {
        const ours = computeSettlement(events, through, paramsAt);
        const leaves: Record<string, Record<string, string>> = {};
        for (const [accountAddress, tokenAddress, amount] of ours.entries) {
          (leaves[named(accountAddress)] ??= {})[named(tokenAddress)] = `${amount}`;
        }
        expect(leaves).to.deep.equal(scenario.expect.cumulative);
        // Leaf order is part of the rule: by account, then by token.
        const keys = ours.entries.map(([a, t]) => `${a.toLowerCase()}${t.toLowerCase()}`);
        expect(keys).to.deep.equal([...keys].sort());
        expect(
          ours.tokens.map((t) => ({
            token: named(t.token),
            funded: `${t.fundedThrough}`,
            total: `${t.cumulativeTotal}`,
            carry: `${t.carryOut}`,
          })),
        ).to.deep.equal(expectedTokens);
        expect(ours.cumulativeTotals.map(String)).to.deep.equal(expectedTokens.map((t) => t.total));
      });

      it("the reference implementation agrees with the documented leaves and totals", function () {
        const ref = referenceSettlement(events, through, paramsAt);
        const leaves: Record<string, Record<string, string>> = {};
        for (const [tokenAddress, owed] of ref.cumulative) {
          for (const [accountAddress, amount] of owed)
            (leaves[named(accountAddress)] ??= {})[named(tokenAddress)] = `${amount}`;
        }
        const sortedLeaves = (o: Record<string, Record<string, string>>) =>
          Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Object.fromEntries(Object.entries(v).sort())]));
        expect(sortedLeaves(leaves)).to.deep.equal(sortedLeaves(scenario.expect.cumulative));
        expect(
          ref.covered.map((t) => ({
            token: named(t),
            funded: `${ref.funded.get(t) ?? 0n}`,
            total: `${ref.total.get(t) ?? 0n}`,
            carry: `${ref.carry.get(t) ?? 0n}`,
          })),
        ).to.deep.equal(expectedTokens);
      });
    });
  }
});

// ---------------------------------------------------------------- randomized histories

/** A deterministic pseudo-random generator, so every run sees the same histories. */
const SEEDS = Array.from({ length: 60 }, (_, i) => i + 1);

function compareWithReference(ours: SettlementComputation, ref: ReferenceSettlement) {
  expect(nested(ours.cumulative)).to.deep.equal(nested(ref.cumulative));
  expect(ours.tokens.map((t) => t.token.toLowerCase())).to.deep.equal(ref.covered);
  for (const t of ours.tokens) {
    const key = t.token.toLowerCase();
    expect(t.cumulativeTotal, `total of ${t.token}`).to.equal(ref.total.get(key) ?? 0n);
    expect(t.fundedThrough, `funded in ${t.token}`).to.equal(ref.funded.get(key) ?? 0n);
    expect(t.carryOut, `carry of ${t.token}`).to.equal(ref.carry.get(key) ?? 0n);
  }
  expect(ours.cumulativeTotals).to.deep.equal(ours.tokens.map((t) => ref.total.get(t.token.toLowerCase()) ?? 0n));
}

describe("allocation: against the reference implementation", function () {
  for (const seed of SEEDS) {
    it(`randomized pooled history #${seed}`, function () {
      const { events, epochs, params } = randomHistory(seed);
      const paramsAt = (e: bigint) => params[Number(e)]!;
      // Every prefix: refunds and carries must agree epoch by epoch, not only at the end.
      for (let through = 0n; through < BigInt(epochs); through++) {
        compareWithReference(
          computeSettlement(events, through, paramsAt),
          referenceSettlement(events, through, paramsAt),
        );
      }
    });
  }

  it("the randomized histories exercise what they claim to", function () {
    let refunds = 0;
    let limitedPoolsPaying = 0;
    let threeTokens = 0;
    let dappPoolsPaying = 0;
    for (const seed of SEEDS) {
      const { events, epochs, params, pools } = randomHistory(seed);
      const ours = computeSettlement(events, BigInt(epochs - 1), (e) => params[Number(e)]!);
      if (ours.tokens.length === 3) threeTokens++;
      for (const ledger of ours.pools) {
        refunds += ledger.epochs.filter((a) => a.refund > 0n).length;
        const paying = ledger.epochs.some((a) => a.paid > 0n);
        if (ledger.pool.poolId !== 0n && paying) dappPoolsPaying++;
        if (paying && pools.find((p) => p.poolId === ledger.pool.poolId)!.datanets.length > 0) limitedPoolsPaying++;
      }
    }
    expect(refunds).to.be.greaterThan(10);
    expect(limitedPoolsPaying).to.be.greaterThan(10);
    expect(dappPoolsPaying).to.be.greaterThan(30);
    expect(threeTokens).to.be.greaterThan(5);
  });

  it("the randomized histories revoke contributions that batches final in later epochs still name", function () {
    let namedAfter = 0;
    let namedInSameEpoch = 0;
    let changed = 0;
    for (const seed of SEEDS) {
      const { events, epochs, params } = randomHistory(seed);
      const revokedIn = new Map<bigint, bigint>();
      for (const e of events) if (e.kind === "ContributionRevoked") revokedIn.set(e.id, e.epoch);
      for (const d of events) {
        if (d.kind !== "BatchDecided" || d.status !== 2) continue;
        const proposal = events.find((e) => e.kind === "BatchProposed" && e.batchId === d.batchId);
        if (proposal?.kind !== "BatchProposed") continue;
        for (const entry of proposal.records.flatMap((r) => r.vector)) {
          const r = revokedIn.get(entry.contributionId);
          if (r !== undefined && r < d.epoch) namedAfter++;
          if (r !== undefined && r === d.epoch) namedInSameEpoch++;
        }
      }
      // The revocations change the settlement, not only the events.
      const paramsAt = (e: bigint) => params[Number(e)]!;
      const through = BigInt(epochs - 1);
      const without = events.filter((e) => e.kind !== "ContributionRevoked");
      const a = computeSettlement(events, through, paramsAt);
      const b = computeSettlement(without, through, paramsAt);
      if (JSON.stringify(nested(a.cumulative)) !== JSON.stringify(nested(b.cumulative))) changed++;
    }
    expect(namedAfter).to.be.greaterThan(20);
    expect(namedInSameEpoch).to.be.greaterThan(3);
    expect(changed).to.be.greaterThan(10);
  });
});

describe("allocation: per-token invariants over randomized histories", function () {
  for (const seed of SEEDS) {
    it(`conservation per token and pool isolation, history #${seed}`, function () {
      const { events, epochs, params, pools } = randomHistory(seed);
      const through = BigInt(epochs - 1);
      const paramsAt = (e: bigint) => params[Number(e)]!;
      const ours = computeSettlement(events, through, paramsAt);

      // fundedThrough − cumulativeTotal = Σ carry of the token's pools, each figure computed from scratch.
      for (const t of ours.tokens) {
        let funded = 0n;
        for (const e of events) {
          if (e.kind !== "Funded" || e.epoch > through) continue;
          if (pools.find((p) => p.poolId === e.poolId)!.token === t.token) funded += e.amount;
        }
        let total = 0n;
        for (const [, token, amount] of ours.entries) if (token === t.token) total += amount;
        let carry = 0n;
        for (const ledger of ours.pools) if (ledger.pool.token === t.token) carry += ledger.epochs.at(-1)!.carryOut;
        expect(t.fundedThrough).to.equal(funded);
        expect(t.cumulativeTotal).to.equal(total);
        expect(funded - total).to.equal(carry);
        // Epoch by epoch, each pool conserves too: F + K = fee + paid + refund + carry.
        for (const ledger of ours.pools) {
          for (const a of ledger.epochs) {
            expect(a.funded + a.carryIn).to.equal(a.fee + a.paid + a.refund + a.carryOut);
          }
        }
      }

      // Nothing of pool P reaches an account with no role in P's records, batches or votes, unless it is
      // P's owner or a treasury.
      for (const ledger of ours.pools) {
        const P = ledger.pool.poolId;
        if (P === 0n) continue;
        const roles = rolesOf(events, P);
        roles.add(ledger.pool.owner.toLowerCase());
        for (const p of params) roles.add(p.treasury.toLowerCase());
        for (const a of ledger.epochs) {
          for (const [account, amount] of a.owed) {
            if (amount > 0n) expect([...roles], `pool ${P} paid ${account}`).to.include(account.toLowerCase());
          }
          if (a.refund > 0n) expect(a.refundTo).to.equal(ledger.pool.owner);
        }
      }
    });
  }

  it("pool isolation is not vacuous: accounts paid in a token by other pools are paid nothing by P", function () {
    let excluded = 0;
    for (const seed of SEEDS) {
      const { events, epochs, params } = randomHistory(seed);
      const ours = computeSettlement(events, BigInt(epochs - 1), (e) => params[Number(e)]!);
      const ref = referenceSettlement(events, BigInt(epochs - 1), (e) => params[Number(e)]!);
      for (const ledger of ours.pools) {
        if (ledger.pool.poolId === 0n) continue;
        const roles = rolesOf(events, ledger.pool.poolId);
        for (const account of ref.cumulative.get(ledger.pool.token.toLowerCase())?.keys() ?? []) {
          if (!roles.has(account) && account !== ledger.pool.owner.toLowerCase() && account !== TREASURY.toLowerCase())
            excluded++;
        }
        // The reference pays nothing outside the roles either.
        for (const account of ref.paidBy.get(ledger.pool.poolId)!) {
          const allowed =
            roles.has(account) ||
            account === ledger.pool.owner.toLowerCase() ||
            params.some((p) => p.treasury.toLowerCase() === account);
          expect(allowed, `reference: pool ${ledger.pool.poolId} paid ${account}`).to.equal(true);
        }
      }
    }
    expect(excluded).to.be.greaterThan(20);
  });
});

/** Every account with a role in a record naming pool P: its contributors, batch validators and voters. */
function rolesOf(events: readonly TributaryEvent[], P: bigint): Set<string> {
  const roles = new Set<string>();
  const contributionIds = new Set<bigint>();
  const batchIds = new Set<bigint>();
  for (const e of events) {
    if (e.kind !== "BatchProposed" || !e.records.some((r) => r.poolId === P)) continue;
    batchIds.add(e.batchId);
    roles.add(e.proposer.toLowerCase());
    for (const r of e.records) if (r.poolId === P) for (const x of r.vector) contributionIds.add(x.contributionId);
  }
  for (const e of events) {
    if (e.kind === "BatchAttested" && batchIds.has(e.batchId)) roles.add(e.validator.toLowerCase());
    if (e.kind === "VoteCast" && contributionIds.has(e.id)) roles.add(e.validator.toLowerCase());
    if (e.kind === "ContributionRegistered" && contributionIds.has(e.id)) roles.add(e.contributor.toLowerCase());
  }
  return roles;
}

// ---------------------------------------------------------------- targeted rules

describe("allocation: which records and votes count", function () {
  const c1 = address(0xc1);
  const c2 = address(0xc2);
  const v1 = address(0xa1);
  const v2 = address(0xa2);
  const v3 = address(0xa3);
  const owner = address(0xd1);
  const NET = address(0xe00);
  const USD = address(0xe01);
  const EUR = address(0xe02);
  let block = 0;
  const at = () => ({ blockNumber: ++block, logIndex: 0, transactionHash: "0x" });
  const record = (outputId: string, value: bigint, poolId = 0n, contributionId = 1n): AttributionRecord => ({
    outputId,
    poolId,
    value,
    vector: [{ contributionId, weightBps: 10_000 }],
  });
  const registered = (cid: bigint, contributor = c1): TributaryEvent => ({
    ...at(),
    kind: "ContributionRegistered",
    id: cid,
    contributor,
    datanetId: 1n,
    contentHash: id(`x${cid}`),
    uri: "",
  });
  const setup = (): TributaryEvent[] => [
    { ...at(), kind: "TokenAllowed", token: NET, index: 0 },
    { ...at(), kind: "TokenAllowed", token: USD, index: 1 },
    { ...at(), kind: "TokenAllowed", token: EUR, index: 2 },
    { ...at(), kind: "PoolCreated", poolId: 0n, owner: ZeroAddress, token: NET, datanets: [] },
    { ...at(), kind: "PoolCreated", poolId: 1n, owner, token: USD, datanets: [] },
    { ...at(), kind: "PoolCreated", poolId: 2n, owner, token: EUR, datanets: [] },
  ];
  const funded = (poolId: bigint, epoch: bigint, amount: bigint): TributaryEvent => ({
    ...at(),
    kind: "Funded",
    poolId,
    epoch,
    funder: owner,
    token: [NET, USD, EUR][Number(poolId)]!,
    amount,
  });
  const params = (): AllocationParams => ({
    protocolFeeBps: 0n,
    validatorShareBps: 1_000n,
    idleRefundEpochs: 2n,
    treasury: address(0xfee),
  });
  const batch = (batchId: bigint, records: AttributionRecord[], epoch = 0n): TributaryEvent[] => [
    { ...at(), kind: "BatchProposed", batchId, proposer: v1, epoch, stake: 10n, records },
    { ...at(), kind: "BatchAttested", batchId, validator: v2, support: true, stake: 20n, epoch },
    { ...at(), kind: "BatchDecided", batchId, status: 2, epoch },
  ];

  it("an output id counts once, in the earliest batch to become final", function () {
    const events: TributaryEvent[] = [
      registered(1n),
      {
        ...at(),
        kind: "BatchProposed",
        batchId: 1n,
        proposer: v1,
        epoch: 0n,
        stake: 1n,
        records: [record(id("o"), 5n, 1n)],
      },
      {
        ...at(),
        kind: "BatchProposed",
        batchId: 2n,
        proposer: v1,
        epoch: 0n,
        stake: 1n,
        records: [record(id("o"), 7n, 1n)],
      },
      { ...at(), kind: "BatchDecided", batchId: 2n, status: 2, epoch: 0n },
      { ...at(), kind: "BatchDecided", batchId: 1n, status: 2, epoch: 1n },
    ];
    const activity = deriveActivity(events);
    for (const pool of [0n, 1n]) {
      expect(activity.get(0n)!.pools.get(pool)!.contributorWeights.get(c1)).to.equal(7n * 10_000n);
      expect(activity.get(0n)!.pools.get(pool)!.recordCount).to.equal(1);
      expect(activity.get(1n)?.pools.get(pool)?.contributorWeights.get(c1)).to.equal(undefined);
    }
  });

  it("rejected batches credit the validators that rejected them in the network pool only; expired ones credit nobody", function () {
    const events: TributaryEvent[] = [
      registered(1n),
      {
        ...at(),
        kind: "BatchProposed",
        batchId: 1n,
        proposer: v1,
        epoch: 0n,
        stake: 10n,
        records: [record(id("r"), 1n, 1n)],
      },
      { ...at(), kind: "BatchAttested", batchId: 1n, validator: v2, support: false, stake: 20n, epoch: 0n },
      { ...at(), kind: "BatchDecided", batchId: 1n, status: 3, epoch: 0n },
      {
        ...at(),
        kind: "BatchProposed",
        batchId: 2n,
        proposer: v1,
        epoch: 0n,
        stake: 10n,
        records: [record(id("e"), 1n, 1n)],
      },
      { ...at(), kind: "BatchAttested", batchId: 2n, validator: v2, support: true, stake: 20n, epoch: 0n },
    ];
    const pools = deriveActivity(events).get(0n)!.pools;
    expect(Object.fromEntries(pools.get(0n)!.validatorWeights)).to.deep.equal({ [v2]: 20n });
    expect(pools.get(1n)?.validatorWeights.size ?? 0).to.equal(0);
    expect(pools.get(1n)?.recordCount ?? 0).to.equal(0);
  });

  it("a Final batch whose output ids were all counted before earns its validators no credit, in any pool", function () {
    const events: TributaryEvent[] = [
      ...setup(),
      registered(1n),
      ...batch(1n, [record(id("o1"), 5n, 1n)]),
      // The farm: the same output again, twice. Neither batch counts a record, so neither earns credit.
      ...batch(2n, [record(id("o1"), 5n, 1n)]),
      ...batch(3n, [record(id("o1"), 9n, 1n)]),
      // One new output among counted ones: the batch counts, and earns credit as any batch does.
      ...batch(4n, [record(id("o1"), 5n, 1n), record(id("o2"), 1n, 1n)]),
    ];
    const epoch = deriveActivity(events).get(0n)!;
    for (const pool of [0n, 1n]) {
      expect(epoch.pools.get(pool)!.recordCount).to.equal(2);
      expect(Object.fromEntries(epoch.pools.get(pool)!.validatorWeights)).to.deep.equal({ [v1]: 20n, [v2]: 40n });
    }
    const withFunding = [...events, funded(0n, 0n, 1_000_000n), funded(1n, 0n, 1_000n)];
    compareWithReference(computeSettlement(withFunding, 0n, params), referenceSettlement(withFunding, 0n, params));
  });

  it("network votes count in the epoch of the decision, only when they agreed", function () {
    const events: TributaryEvent[] = [
      { ...at(), kind: "VoteCast", id: 1n, validator: v1, accept: true, stake: 3n, epoch: 0n },
      { ...at(), kind: "VoteCast", id: 1n, validator: v2, accept: false, stake: 4n, epoch: 1n },
      { ...at(), kind: "ContributionDecided", id: 1n, status: 2, epoch: 1n },
      { ...at(), kind: "VoteCast", id: 2n, validator: v1, accept: true, stake: 3n, epoch: 1n },
    ];
    const activity = deriveActivity(events);
    expect(activity.get(0n)).to.equal(undefined);
    expect(Object.fromEntries(activity.get(1n)!.pools.get(0n)!.validatorWeights)).to.deep.equal({ [v1]: 3n });
  });

  it("a dapp pool credits each accepting voter once per contribution, in the epoch of its records", function () {
    const events: TributaryEvent[] = [
      registered(1n),
      registered(2n, c2),
      { ...at(), kind: "VoteCast", id: 1n, validator: v3, accept: true, stake: 7n, epoch: 0n },
      { ...at(), kind: "VoteCast", id: 1n, validator: v2, accept: false, stake: 5n, epoch: 0n },
      { ...at(), kind: "ContributionDecided", id: 1n, status: 2, epoch: 0n },
      { ...at(), kind: "VoteCast", id: 2n, validator: v3, accept: true, stake: 1n, epoch: 0n },
      { ...at(), kind: "ContributionDecided", id: 2n, status: 2, epoch: 0n },
      // Epoch 2: two records of pool 1 on contribution 1, one of pool 2, in one batch.
      ...batch(
        1n,
        [record(id("a"), 1n, 1n), record(id("b"), 1n, 1n), record(id("c"), 1n, 2n, 2n)].sort((x, y) =>
          x.outputId < y.outputId ? -1 : 1,
        ),
        2n,
      ),
    ];
    const activity = deriveActivity(events);
    // Contribution 1's accepting voter once, the batch's proposer and supporter once; never the rejection.
    expect(Object.fromEntries(activity.get(2n)!.pools.get(1n)!.validatorWeights)).to.deep.equal({
      [v1]: 10n,
      [v2]: 20n,
      [v3]: 7n,
    });
    expect(Object.fromEntries(activity.get(2n)!.pools.get(2n)!.validatorWeights)).to.deep.equal({
      [v1]: 10n,
      [v2]: 20n,
      [v3]: 1n,
    });
    // The network pool credits the votes in the epoch of their decision, not of the records.
    expect(Object.fromEntries(activity.get(0n)!.pools.get(0n)!.validatorWeights)).to.deep.equal({ [v3]: 8n });
    expect(Object.fromEntries(activity.get(2n)!.pools.get(0n)!.validatorWeights)).to.deep.equal({
      [v1]: 10n,
      [v2]: 20n,
    });
  });

  it("a revoked contribution earns in its epoch, nothing after; its co-attributed contribution takes C; settled entitlements stay", function () {
    // Contributions 1 (c1) and 2 (c2), both accepted in epoch 0; contribution 1 is revoked in epoch r = 1.
    const r = 1n;
    const shared = (outputId: string, poolId: bigint): AttributionRecord => ({
      outputId,
      poolId,
      value: 1n,
      vector: [
        { contributionId: 1n, weightBps: 5_000 },
        { contributionId: 2n, weightBps: 5_000 },
      ],
    });
    const revocation: TributaryEvent = { ...at(), kind: "ContributionRevoked", id: 1n, epoch: r };
    // Batch 3 is proposed and supported before the revocation, and becomes Final in epoch r + 1.
    const lateProposal: TributaryEvent[] = [
      {
        ...at(),
        kind: "BatchProposed",
        batchId: 3n,
        proposer: v1,
        epoch: r,
        stake: 10n,
        records: [shared(id("c"), 1n), record(id("d"), 1n, 2n, 1n)].sort((x, y) => (x.outputId < y.outputId ? -1 : 1)),
      },
      { ...at(), kind: "BatchAttested", batchId: 3n, validator: v2, support: true, stake: 20n, epoch: r },
    ];
    const events: TributaryEvent[] = [
      ...setup(),
      registered(1n, c1),
      registered(2n, c2),
      { ...at(), kind: "VoteCast", id: 1n, validator: v3, accept: true, stake: 7n, epoch: 0n },
      { ...at(), kind: "ContributionDecided", id: 1n, status: 2, epoch: 0n },
      { ...at(), kind: "VoteCast", id: 2n, validator: v3, accept: true, stake: 1n, epoch: 0n },
      { ...at(), kind: "ContributionDecided", id: 2n, status: 2, epoch: 0n },
      ...batch(1n, [shared(id("a"), 1n)], 0n),
      ...lateProposal,
      ...batch(2n, [shared(id("b"), 1n)], r),
      revocation,
      { ...at(), kind: "BatchDecided", batchId: 3n, status: 2, epoch: r + 1n },
      ...[0n, 1n, 2n].flatMap((e) => [funded(0n, e, 1_000n), funded(1n, e, 1_000n)]),
      funded(2n, r + 1n, 1_000n),
    ];
    const activity = deriveActivity(events);
    const weights = (epoch: bigint, pool: bigint) =>
      Object.fromEntries(activity.get(epoch)!.pools.get(pool)!.contributorWeights);
    // Through epoch r, c1 earns as before: half of each shared record.
    for (const epoch of [0n, r]) expect(weights(epoch, 1n)).to.deep.equal({ [c1]: 5_000n, [c2]: 5_000n });
    // In r + 1 its entries are dropped: c2 alone in pool 1, nobody in pool 2, whose record still counts.
    expect(weights(r + 1n, 1n)).to.deep.equal({ [c2]: 5_000n });
    expect(weights(r + 1n, 2n)).to.deep.equal({});
    expect(weights(r + 1n, 0n)).to.deep.equal({ [c2]: 5_000n });
    expect(activity.get(r + 1n)!.pools.get(2n)!.recordCount).to.equal(1);
    expect(activity.get(r + 1n)!.pools.get(0n)!.recordCount).to.equal(2);
    // The batch still credits its validators; the accepting vote on contribution 1 no longer earns in
    // the dapp pools (v3's 7 in r, only its 1 on contribution 2 after).
    expect(Object.fromEntries(activity.get(r)!.pools.get(1n)!.validatorWeights)).to.deep.equal({
      [v1]: 10n,
      [v2]: 20n,
      [v3]: 8n,
    });
    expect(Object.fromEntries(activity.get(r + 1n)!.pools.get(1n)!.validatorWeights)).to.deep.equal({
      [v1]: 10n,
      [v2]: 20n,
      [v3]: 1n,
    });
    expect(Object.fromEntries(activity.get(r + 1n)!.pools.get(2n)!.validatorWeights)).to.deep.equal({
      [v1]: 10n,
      [v2]: 20n,
    });

    const through = computeSettlement(events, r + 1n, params);
    const allocation = (pool: bigint, epoch: bigint) =>
      through.pools.find((l) => l.pool.poolId === pool)!.epochs[Number(epoch)]!;
    // Pool 1 in r + 1: c2 takes the whole C (1 000 funded and the validators' dust of earlier epochs,
    // less V).
    const pool1 = allocation(1n, r + 1n);
    expect(pool1.contributorPool).to.equal(pool1.distributable - pool1.validatorPool);
    expect(pool1.contributorPool > 900n).to.equal(true);
    expect(Object.fromEntries(pool1.contributorAmounts)).to.deep.equal({ [c2]: pool1.contributorPool });
    // Pool 2 in r + 1: its only record names only the revoked contribution, so C is carried, and the
    // pool is not idle (its record counts), so nothing is refunded.
    const pool2 = allocation(2n, r + 1n);
    expect(pool2.contributorAmounts.size).to.equal(0);
    const validatorsPaid = [...pool2.validatorAmounts.values()].reduce((x, y) => x + y, 0n);
    expect(pool2.contributorPool).to.equal(900n);
    // All of C is carried, with the validators' floor dust.
    expect(pool2.carryOut).to.equal(pool2.contributorPool + (pool2.validatorPool - validatorsPaid));
    expect(pool2.refund).to.equal(0n);
    expect(pool2.idleEpochs).to.equal(0);

    // Entitlements through r are those of the same history without the revocation; after r, none
    // decreases, and c1's stay exactly what they were through r.
    const without = events.filter((e) => e !== revocation);
    const atR = computeSettlement(events, r, params);
    expect(atR.entries).to.deep.equal(computeSettlement(without, r, params).entries);
    expect(nested(through.cumulative)).to.not.deep.equal(nested(computeSettlement(without, r + 1n, params).cumulative));
    for (const [token, owed] of atR.cumulative) {
      for (const [account, amount] of owed) {
        expect(through.cumulative.get(token)!.get(account)! >= amount, `${account} in ${token}`).to.equal(true);
      }
    }
    for (const token of [NET, USD]) {
      expect(through.cumulative.get(token)!.get(c1), `c1 in ${token}`).to.equal(atR.cumulative.get(token)!.get(c1));
    }
    expect(through.cumulative.get(USD)!.get(c1)).to.equal(450n + 450n);

    // The reference agrees at every epoch, and so does folding one epoch at a time from its slice.
    const state = emptyAllocationState();
    for (let epoch = 0n; epoch <= r + 1n; epoch++) {
      const full = computeSettlement(events, epoch, params);
      compareWithReference(full, referenceSettlement(events, epoch, params));
      const slice = epochSliceOf(events, epoch);
      expect(slice.includes(revocation), `slice of ${epoch}`).to.equal(epoch > r);
      const folded = foldEpoch(
        state,
        epoch,
        slice,
        outputsCountedBefore(events, epoch, finalOutputIds(slice)),
        params(),
      );
      expect(folded.entries).to.deep.equal(full.entries);
    }
  });

  it("covers one past the highest funded token index, counting only funding for epochs up to the settled one", function () {
    const events: TributaryEvent[] = [...setup(), funded(2n, 3n, 100n), funded(1n, 5n, 100n)];
    const covered = (through: bigint) => computeSettlement(events, through, params).tokens.map((t) => t.token);
    // Nothing funded yet: the network token alone, with total 0.
    expect(covered(0n)).to.deep.equal([NET]);
    expect(computeSettlement(events, 2n, params).cumulativeTotals).to.deep.equal([0n]);
    // EUR (index 2) funded for epoch 3: every token up to it, USD unfunded but covered with total 0.
    expect(covered(3n)).to.deep.equal([NET, USD, EUR]);
    const at3 = computeSettlement(events, 3n, params);
    expect(at3.cumulativeTotals[1]).to.equal(0n);
    expect(at3.tokens[2]!.fundedThrough).to.equal(100n);
    // The count never decreases, and funding for a later epoch does not count before it.
    expect(covered(4n)).to.deep.equal([NET, USD, EUR]);
    expect(computeSettlement([...setup(), funded(1n, 5n, 100n)], 4n, params).tokens.length).to.equal(1);
    expect(computeSettlement([...setup(), funded(1n, 5n, 100n)], 5n, params).tokens.length).to.equal(2);
    for (const through of [0n, 3n, 5n]) {
      expect(computeSettlement(events, through, params).tokens.map((t) => t.token.toLowerCase())).to.deep.equal(
        referenceSettlement(events, through, params).covered,
      );
    }
  });

  it("an idle dapp pool is refunded to its owner; the network pool never is", function () {
    const events: TributaryEvent[] = [...setup(), funded(0n, 0n, 1_000n), funded(1n, 0n, 1_000n)];
    const ours = computeSettlement(events, 3n, params);
    const network = ours.pools.find((l) => l.pool.poolId === 0n)!;
    const pool1 = ours.pools.find((l) => l.pool.poolId === 1n)!;
    expect(network.epochs.map((a) => a.refund)).to.deep.equal([0n, 0n, 0n, 0n]);
    expect(network.epochs.at(-1)!.carryOut).to.equal(1_000n);
    expect(pool1.epochs.map((a) => a.refund)).to.deep.equal([0n, 1_000n, 0n, 0n]);
    expect(pool1.epochs[1]!.refundTo).to.equal(owner);
    expect(nested(ours.cumulative)).to.deep.equal({ [USD.toLowerCase()]: { [owner.toLowerCase()]: "1000" } });
    compareWithReference(ours, referenceSettlement(events, 3n, params));
  });
});

import { expect } from "chai";
import { readFile } from "node:fs/promises";
import { getAddress, id } from "ethers";
import {
  allocateEpoch,
  computeSettlement,
  deriveActivity,
  type AllocationParams,
  type AttributionRecord,
  type TributaryEvent,
} from "../../client/index.js";
import { referenceSettlement } from "./reference.js";

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
  params: { protocolFeeBps: number; validatorShareBps: number; treasury: string };
  epochs: ExampleEpoch[];
}

const toMap = (o: Record<string, string>) => new Map(Object.entries(o).map(([k, v]) => [getAddress(k), BigInt(v)]));
const fromMap = (m: Map<string, bigint>) => Object.fromEntries([...m].map(([k, v]) => [k.toLowerCase(), v.toString()]));

const doc = await readFile(new URL("../../docs/allocation.md", import.meta.url), "utf8");
const examples = [...doc.matchAll(/```json allocation-example\n([\s\S]*?)```/g)].map(
  (m) => JSON.parse(m[1]!) as Example,
);

describe("allocation: docs/allocation.md examples", function () {
  it("the spec has worked examples", function () {
    expect(examples.length).to.be.greaterThanOrEqual(3);
  });

  for (const example of examples) {
    it(`matches example "${example.name}"`, function () {
      const params: AllocationParams = {
        protocolFeeBps: BigInt(example.params.protocolFeeBps),
        validatorShareBps: BigInt(example.params.validatorShareBps),
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
});

/** A deterministic pseudo-random generator, so every run sees the same epochs. */
function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    s ^= s >>> 13;
    return (s >>> 0) % n;
  };
}

const address = (n: number) => getAddress("0x" + n.toString(16).padStart(40, "0"));

/** Random but well-formed event histories over a few epochs. */
function randomHistory(seed: number) {
  const r = rng(seed);
  const events: TributaryEvent[] = [];
  let block = 1;
  const pos = () => ({ blockNumber: block++, logIndex: r(3), transactionHash: "0x" });
  const epochs = 1 + r(4);
  const contributors = [1, 2, 3, 4, 5].map((i) => address(0xc00 + i));
  const validators = [1, 2, 3, 4].map((i) => address(0xa00 + i));
  const contributionIds: bigint[] = [];
  for (let i = 1; i <= 12; i++) {
    contributionIds.push(BigInt(i));
    events.push({
      ...pos(),
      kind: "ContributionRegistered",
      id: BigInt(i),
      contributor: contributors[r(5)]!,
      datanetId: 1n,
      contentHash: id(`c${i}`),
      uri: "",
    });
  }
  for (const cid of contributionIds) {
    const decided = r(5) !== 0;
    const accepted = r(4) !== 0;
    const epoch = BigInt(r(epochs));
    for (const v of validators) {
      if (r(3) === 0) continue;
      events.push({
        ...pos(),
        kind: "VoteCast",
        id: cid,
        validator: v,
        accept: r(3) !== 0,
        stake: BigInt(1 + r(1000)) * 10n ** 18n,
        epoch,
      });
    }
    if (decided) events.push({ ...pos(), kind: "ContributionDecided", id: cid, status: accepted ? 2 : 3, epoch });
  }
  const outputs = Array.from({ length: 10 }, (_, i) => id(`out-${i}`));
  for (let b = 1n; b <= 6n; b++) {
    const records: AttributionRecord[] = [];
    const chosen = [...new Set(Array.from({ length: 1 + r(4) }, () => outputs[r(outputs.length)]!))].sort();
    for (const outputId of chosen) {
      const n = 1 + r(3);
      const ids = [...new Set(Array.from({ length: n }, () => contributionIds[r(12)]!))].sort((x, y) =>
        x < y ? -1 : 1,
      );
      const weights = ids.map(() => 1);
      weights[weights.length - 1] = 10_000 - (ids.length - 1);
      records.push({
        outputId,
        value: BigInt(1 + r(10 ** 6)) * 10n ** 12n,
        vector: ids.map((contributionId, i) => ({ contributionId, weightBps: weights[i]! })),
      });
    }
    const epoch = BigInt(r(epochs));
    const proposer = validators[r(4)]!;
    events.push({ ...pos(), kind: "BatchProposed", batchId: b, proposer, epoch, stake: BigInt(1 + r(1000)), records });
    for (const v of validators) {
      if (v === proposer || r(2) === 0) continue;
      events.push({
        ...pos(),
        kind: "BatchAttested",
        batchId: b,
        validator: v,
        support: r(4) !== 0,
        stake: BigInt(1 + r(1000)),
        epoch,
      });
    }
    const outcome = r(4);
    if (outcome !== 0)
      events.push({ ...pos(), kind: "BatchDecided", batchId: b, status: outcome === 3 ? 3 : 2, epoch });
  }
  for (let e = 0; e < epochs; e++) {
    if (r(4) === 0) continue;
    events.push({
      ...pos(),
      kind: "Funded",
      epoch: BigInt(e),
      funder: address(0xd00),
      amount: BigInt(r(10 ** 9)) * 10n ** BigInt(r(18)),
    });
  }
  const params: AllocationParams[] = Array.from({ length: epochs }, () => ({
    protocolFeeBps: BigInt(r(2_001)),
    validatorShareBps: BigInt(r(5_001)),
    treasury: r(3) === 0 ? validators[0]! : address(0xfee),
  }));
  return { events, epochs, params };
}

describe("allocation: against the reference implementation", function () {
  for (let seed = 1; seed <= 60; seed++) {
    it(`randomized history #${seed}`, function () {
      const { events, epochs, params } = randomHistory(seed);
      const through = BigInt(epochs - 1);
      const paramsAt = (e: bigint) => params[Number(e)]!;
      const ours = computeSettlement(events, through, paramsAt);
      const reference = referenceSettlement(events, through, paramsAt);
      expect(fromMap(ours.cumulative)).to.deep.equal(fromMap(reference.cumulative));
      expect(ours.cumulativeTotal).to.equal(reference.total);
      expect(ours.carryOut).to.equal(reference.carry);
      expect(ours.fundedThrough - ours.cumulativeTotal).to.equal(ours.carryOut);
    });
  }
});

describe("allocation: which records and votes count", function () {
  const c1 = address(0xc1);
  const v1 = address(0xa1);
  const v2 = address(0xa2);
  let block = 0;
  const at = () => ({ blockNumber: ++block, logIndex: 0, transactionHash: "0x" });
  const record = (outputId: string, value: bigint): AttributionRecord => ({
    outputId,
    value,
    vector: [{ contributionId: 1n, weightBps: 10_000 }],
  });

  it("an output id counts once, in the earliest batch to become final", function () {
    const events: TributaryEvent[] = [
      {
        ...at(),
        kind: "ContributionRegistered",
        id: 1n,
        contributor: c1,
        datanetId: 1n,
        contentHash: id("x"),
        uri: "",
      },
      {
        ...at(),
        kind: "BatchProposed",
        batchId: 1n,
        proposer: v1,
        epoch: 0n,
        stake: 1n,
        records: [record(id("o"), 5n)],
      },
      {
        ...at(),
        kind: "BatchProposed",
        batchId: 2n,
        proposer: v1,
        epoch: 0n,
        stake: 1n,
        records: [record(id("o"), 7n)],
      },
      { ...at(), kind: "BatchDecided", batchId: 2n, status: 2, epoch: 0n },
      { ...at(), kind: "BatchDecided", batchId: 1n, status: 2, epoch: 1n },
    ];
    const activity = deriveActivity(events);
    expect(activity.get(0n)!.contributorWeights.get(c1)).to.equal(7n * 10_000n);
    expect(activity.get(1n)?.contributorWeights.get(c1)).to.equal(undefined);
  });

  it("rejected batches credit the validators that rejected them; expired ones credit nobody", function () {
    const events: TributaryEvent[] = [
      { ...at(), kind: "BatchProposed", batchId: 1n, proposer: v1, epoch: 0n, stake: 10n, records: [] },
      { ...at(), kind: "BatchAttested", batchId: 1n, validator: v2, support: false, stake: 20n, epoch: 0n },
      { ...at(), kind: "BatchDecided", batchId: 1n, status: 3, epoch: 0n },
      { ...at(), kind: "BatchProposed", batchId: 2n, proposer: v1, epoch: 0n, stake: 10n, records: [] },
      { ...at(), kind: "BatchAttested", batchId: 2n, validator: v2, support: true, stake: 20n, epoch: 0n },
    ];
    const weights = deriveActivity(events).get(0n)!.validatorWeights;
    expect(weights.get(v2)).to.equal(20n);
    expect(weights.get(v1)).to.equal(undefined);
  });

  it("a Final batch whose output ids were all counted before earns its validators no credit", function () {
    const registered: TributaryEvent = {
      ...at(),
      kind: "ContributionRegistered",
      id: 1n,
      contributor: c1,
      datanetId: 1n,
      contentHash: id("x"),
      uri: "",
    };
    const batch = (batchId: bigint, records: AttributionRecord[]): TributaryEvent[] => [
      { ...at(), kind: "BatchProposed", batchId, proposer: v1, epoch: 0n, stake: 10n, records },
      { ...at(), kind: "BatchAttested", batchId, validator: v2, support: true, stake: 20n, epoch: 0n },
      { ...at(), kind: "BatchDecided", batchId, status: 2, epoch: 0n },
    ];
    const events: TributaryEvent[] = [
      registered,
      ...batch(1n, [record(id("o1"), 5n)]),
      // The farm: the same output again, twice. Neither batch counts a record, so neither earns credit.
      ...batch(2n, [record(id("o1"), 5n)]),
      ...batch(3n, [record(id("o1"), 9n)]),
      // One new output among counted ones: the batch counts, and earns credit as any batch does.
      ...batch(4n, [record(id("o1"), 5n), record(id("o2"), 1n)]),
    ];
    const epoch = deriveActivity(events).get(0n)!;
    expect(epoch.recordCount).to.equal(2);
    expect(Object.fromEntries(epoch.validatorWeights)).to.deep.equal({ [v1]: 20n, [v2]: 40n });
    const params = () => ({ protocolFeeBps: 0n, validatorShareBps: 1_000n, treasury: address(0xfee) });
    const withFunding: TributaryEvent[] = [
      ...events,
      { ...at(), kind: "Funded", epoch: 0n, funder: address(0xd00), amount: 1_000_000n },
    ];
    expect(fromMap(computeSettlement(withFunding, 0n, params).cumulative)).to.deep.equal(
      fromMap(referenceSettlement(withFunding, 0n, params).cumulative),
    );
  });

  it("votes count in the epoch of the decision, only when they agreed", function () {
    const events: TributaryEvent[] = [
      { ...at(), kind: "VoteCast", id: 1n, validator: v1, accept: true, stake: 3n, epoch: 0n },
      { ...at(), kind: "VoteCast", id: 1n, validator: v2, accept: false, stake: 4n, epoch: 1n },
      { ...at(), kind: "ContributionDecided", id: 1n, status: 2, epoch: 1n },
      { ...at(), kind: "VoteCast", id: 2n, validator: v1, accept: true, stake: 3n, epoch: 1n },
    ];
    const activity = deriveActivity(events);
    expect(activity.get(0n)).to.equal(undefined);
    expect(Object.fromEntries(activity.get(1n)!.validatorWeights)).to.deep.equal({ [v1]: 3n });
  });
});

import { expect } from "chai";
import { network } from "hardhat";
import { id, solidityPacked, type Signer } from "ethers";
import { decodeEvent, decodeRecords, encodeRecords, indexEvents, type AttributionRecord } from "../../client/index.js";
import { acceptedContribution, deployFixture, registerOne, type Fixture } from "../helpers/fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

interface Accepted {
  f: Fixture;
  ids: bigint[];
}
async function deployed(): Promise<Accepted> {
  const f = await deployFixture(connection);
  const ids: bigint[] = [];
  for (let i = 0; i < 10; i++) ids.push(await acceptedContribution(f, f.contributors[i % 4]!, `work-${i}`));
  return { f, ids };
}

/** Packs raw records without any client-side checks, to reach the contract's own checks. */
function raw(records: { outputId: string; value: bigint; entries: [bigint, number][] }[]): string {
  return (
    "0x" +
    records
      .map((r) =>
        solidityPacked(
          ["bytes32", "uint128", "uint8", ...r.entries.flatMap(() => ["uint32", "uint16"])],
          [r.outputId, r.value, r.entries.length, ...r.entries.flat()],
        ).slice(2),
      )
      .join("")
  );
}

const out = (n: number) => "0x" + n.toString(16).padStart(64, "0");

describe("AttributionLedger", function () {
  let f: Fixture;
  let ids: bigint[];
  let ledger: Fixture["tributary"]["ledger"];
  let v1: Signer, v2: Signer, v3: Signer, v4: Signer;
  beforeEach(async function () {
    ({ f, ids } = await networkHelpers.loadFixture(deployed));
    ledger = f.tributary.ledger;
    [v1, v2, v3, v4] = f.validators as [Signer, Signer, Signer, Signer];
  });

  const one = (contributionId: bigint) => [[contributionId, 10_000]] as [bigint, number][];

  describe("propose: every rule refuses the whole batch, naming the record", function () {
    const cases: [string, () => string, string, (ids: bigint[]) => unknown[]][] = [
      ["empty batch", () => "0x", "EmptyBatch", () => []],
      ["truncated header", () => "0x" + "11".repeat(40), "MalformedRecords", () => [0, 0]],
      ["zero output id", () => raw([{ outputId: out(0), value: 1n, entries: one(1n) }]), "OutputIdZero", () => [0]],
      [
        "output ids not increasing",
        () =>
          raw([
            { outputId: out(5), value: 1n, entries: one(1n) },
            { outputId: out(5), value: 1n, entries: one(1n) },
          ]),
        "OutputIdsNotIncreasing",
        () => [1, out(5)],
      ],
      ["zero value", () => raw([{ outputId: out(1), value: 0n, entries: one(1n) }]), "ValueZero", () => [0]],
      [
        "empty vector",
        () => raw([{ outputId: out(1), value: 1n, entries: [] }]),
        "VectorLengthOutOfBounds",
        () => [0, 0, 32],
      ],
      [
        "oversized vector",
        () =>
          raw([
            {
              outputId: out(1),
              value: 1n,
              entries: Array.from({ length: 33 }, (_, i) => [BigInt(i + 1), 1] as [bigint, number]),
            },
          ]),
        "VectorLengthOutOfBounds",
        () => [0, 33, 32],
      ],
      [
        "truncated vector",
        () => raw([{ outputId: out(1), value: 1n, entries: one(1n) }]).slice(0, -4),
        "MalformedRecords",
        () => [0, 49],
      ],
      [
        "unsorted contribution ids",
        () =>
          raw([
            {
              outputId: out(1),
              value: 1n,
              entries: [
                [2n, 5_000],
                [1n, 5_000],
              ],
            },
          ]),
        "ContributionIdsNotIncreasing",
        () => [0, 1, 1],
      ],
      [
        "duplicate contribution ids",
        () =>
          raw([
            {
              outputId: out(1),
              value: 1n,
              entries: [
                [2n, 5_000],
                [2n, 5_000],
              ],
            },
          ]),
        "ContributionIdsNotIncreasing",
        () => [0, 1, 2],
      ],
      [
        "zero weight",
        () =>
          raw([
            {
              outputId: out(1),
              value: 1n,
              entries: [
                [1n, 0],
                [2n, 10_000],
              ],
            },
          ]),
        "WeightZero",
        () => [0, 0],
      ],
      [
        "weights not summing to 10 000",
        () =>
          raw([
            {
              outputId: out(1),
              value: 1n,
              entries: [
                [1n, 5_000],
                [2n, 4_999],
              ],
            },
          ]),
        "WeightsSumMismatch",
        () => [0, 9_999],
      ],
      [
        "a contribution that is not Accepted",
        () =>
          raw([
            { outputId: out(1), value: 1n, entries: one(1n) },
            { outputId: out(2), value: 1n, entries: one(99n) },
          ]),
        "ContributionNotAccepted",
        () => [1, 99],
      ],
    ];
    for (const [name, records, error, args] of cases) {
      it(`${name}: ${error}`, async function () {
        await expect(f.as(v1).ledger.propose(records()))
          .to.be.revertedWithCustomError(ledger, error)
          .withArgs(...args(ids));
      });
    }

    it("a Pending (not yet Accepted) contribution: ContributionNotAccepted", async function () {
      const pending = await registerOne(f, f.contributors[0]!, "pending");
      await expect(f.as(v1).ledger.propose(raw([{ outputId: out(1), value: 1n, entries: one(pending) }])))
        .to.be.revertedWithCustomError(ledger, "ContributionNotAccepted")
        .withArgs(0, pending);
    });

    it("a batch over MAX_RECORDS_PER_BATCH: BatchTooLarge", async function () {
      const records = Array.from({ length: 1_001 }, (_, i) => ({ outputId: out(i + 1), value: 1n, entries: one(1n) }));
      await expect(f.as(v1).ledger.propose(raw(records), { gasLimit: 16_000_000 }))
        .to.be.revertedWithCustomError(ledger, "BatchTooLarge")
        .withArgs(1_001, 1_000);
    });

    it("non-validators cannot propose: NotActiveValidator", async function () {
      const outsider = f.contributors[0]!;
      await expect(f.as(outsider).ledger.propose(raw([{ outputId: out(1), value: 1n, entries: one(1n) }])))
        .to.be.revertedWithCustomError(ledger, "NotActiveValidator")
        .withArgs(await outsider.getAddress());
    });

    it("MAX_ATTRIBUTIONS is a bounded constant", async function () {
      expect(await ledger.MAX_ATTRIBUTIONS()).to.equal(32n);
    });
  });

  describe("attest: quorum and expiry", function () {
    const records = (): AttributionRecord[] => [
      {
        outputId: out(1),
        value: 10n,
        vector: [
          { contributionId: 1n, weightBps: 4_000 },
          { contributionId: 2n, weightBps: 6_000 },
        ],
      },
    ];

    it("becomes Final when attesting stake reaches quorum; the proposal counts as the proposer's attestation", async function () {
      await expect(f.as(v1).ledger.propose(encodeRecords(records())))
        .to.emit(ledger, "BatchProposed")
        .withArgs(1, await v1.getAddress(), 0, ethers.parseEther("1000"), 1, encodeRecords(records()));
      expect(await f.tributary.ledger.hasAttested(1, await v1.getAddress())).to.equal(true);
      await expect(f.as(v1).ledger.attest(1, true))
        .to.be.revertedWithCustomError(ledger, "AlreadyAttested")
        .withArgs(1, await v1.getAddress());
      await expect(f.as(v2).ledger.attest(1, true))
        .to.emit(ledger, "BatchAttested")
        .withArgs(1, await v2.getAddress(), true, ethers.parseEther("800"), 0);
      expect(await ledger.batchStatus(1)).to.equal(1);
      await expect(f.as(v3).ledger.attest(1, true)).to.emit(ledger, "BatchDecided").withArgs(1, 2, 0);
      expect(await ledger.batchStatus(1)).to.equal(2);
      await expect(f.as(v4).ledger.attest(1, true))
        .to.be.revertedWithCustomError(ledger, "BatchNotPending")
        .withArgs(1, 2);
      expect((await ledger.tallies(1)).attestStake).to.equal(ethers.parseEther("2400"));
      expect((await ledger.batches(1)).recordCount).to.equal(1);
      expect(await ledger.batchCount()).to.equal(1);
    });

    it("becomes Rejected when rejecting stake reaches quorum", async function () {
      await f.as(v4).ledger.propose(encodeRecords(records()));
      await f.as(v1).ledger.attest(1, false);
      await f.as(v2).ledger.attest(1, false);
      await expect(f.as(v3).ledger.attest(1, false)).to.emit(ledger, "BatchDecided").withArgs(1, 3, 0);
    });

    it("a proposer holding quorum alone finalizes at once", async function () {
      await f.tributary.staking.setQuorumBps(5_001);
      await f.stakeToken.mint(await v1.getAddress(), ethers.parseEther("5000"));
      await f.stakeToken.connect(v1).approve(f.deployment.staking, ethers.parseEther("5000"));
      await f.as(v1).staking.stake(ethers.parseEther("5000"));
      await expect(f.as(v1).ledger.propose(encodeRecords(records())))
        .to.emit(ledger, "BatchDecided")
        .withArgs(1, 2, 0);
    });

    it("expires after the epoch following its own: BatchExpired, status Expired", async function () {
      await f.as(v1).ledger.propose(encodeRecords(records()));
      const genesis = await ledger.GENESIS();
      await networkHelpers.time.increaseTo(genesis + 86_400n + 10n);
      await f.as(v2).ledger.attest(1, true); // still allowed in epoch 1
      await networkHelpers.time.increaseTo(genesis + 2n * 86_400n);
      expect(await ledger.batchStatus(1)).to.equal(4);
      await expect(f.as(v3).ledger.attest(1, true))
        .to.be.revertedWithCustomError(ledger, "BatchExpired")
        .withArgs(1, 1);
    });

    it("refuses unknown batches, non-validators and paused attestation", async function () {
      await expect(f.as(v1).ledger.attest(9, true)).to.be.revertedWithCustomError(ledger, "BatchNotFound").withArgs(9);
      await f.as(v1).ledger.propose(encodeRecords(records()));
      const outsider = f.contributors[0]!;
      await expect(f.as(outsider).ledger.attest(1, true))
        .to.be.revertedWithCustomError(ledger, "NotActiveValidator")
        .withArgs(await outsider.getAddress());
      await ledger.pause();
      await expect(f.as(v2).ledger.attest(1, true)).to.be.revertedWithCustomError(ledger, "EnforcedPause");
    });
  });

  describe("events-only rebuild", function () {
    it("rebuilds every final record of the epoch from logs alone, identical to what was submitted", async function () {
      const submitted: AttributionRecord[][] = [];
      for (let b = 0; b < 3; b++) {
        const records: AttributionRecord[] = Array.from({ length: 5 }, (_, i) => ({
          outputId: id(`batch-${b}-output-${i}`),
          value: BigInt(1 + b * 10 + i),
          vector: [
            { contributionId: ids[i]!, weightBps: 2_500 + b },
            { contributionId: ids[i + 5]!, weightBps: 7_500 - b },
          ],
        })).sort((x, y) => (BigInt(x.outputId) < BigInt(y.outputId) ? -1 : 1));
        await f.as(v1).ledger.propose(encodeRecords(records));
        const batchId = BigInt(b + 1);
        if (b !== 1) {
          // Batch 2 stays pending: it must not appear among the final records.
          await f.as(v2).ledger.attest(batchId, true);
          await f.as(v3).ledger.attest(batchId, true);
          submitted.push(records);
        }
      }
      const { events } = await indexEvents(f.tributary, { chunkSize: 7 });
      const proposals = new Map<bigint, AttributionRecord[]>();
      const finals: bigint[] = [];
      for (const e of events) {
        if (e.kind === "BatchProposed") proposals.set(e.batchId, e.records);
        if (e.kind === "BatchDecided" && e.status === 2 && e.epoch === 0n) finals.push(e.batchId);
      }
      const rebuilt = finals.map((b) => proposals.get(b)!);
      expect(rebuilt).to.deep.equal(submitted);
      // Decoding one raw log by hand gives the same records.
      const logs = await ethers.provider.getLogs({ address: f.deployment.ledger, fromBlock: 0 });
      const first = logs.map((l) => decodeEvent(l, f.deployment)).find((e) => e?.kind === "BatchProposed");
      expect(first && first.kind === "BatchProposed" && first.records).to.deep.equal(
        decodeRecords(encodeRecords(submitted[0]!)),
      );
    });
  });
});

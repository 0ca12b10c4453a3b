import { expect } from "chai";
import { mkdtemp, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { computeEpochSettlement, settle, SettlementError, withRunner, type SettleStep } from "../../client/index.js";
import { FileSettlementStore } from "../../client/node/index.js";
import { deployDemoSuite, EPOCH_SECONDS, seedEpoch, setupNetwork, type DemoSuite } from "../../scripts/lib/scenario.js";

const connection = await network.create();
const { networkHelpers } = connection;

async function closedEpochZero(): Promise<DemoSuite> {
  const suite = await deployDemoSuite(connection);
  const datanetId = await setupNetwork(suite);
  await seedEpoch(connection, suite, datanetId, 0);
  const genesis = await suite.tributary.distributor.GENESIS();
  await networkHelpers.time.increaseTo(genesis + EPOCH_SECONDS + 1n);
  return suite;
}

class Crash extends Error {}

async function submissions(suite: DemoSuite, epoch: bigint) {
  const d = suite.tributary.distributor;
  return (await d.queryFilter(d.filters.SettlementSubmitted(epoch), 0)).length;
}

describe("settle: crash and resume", function () {
  const steps: SettleStep[] = ["indexed", "tree", "signed", "sent", "submitted", "artifact"];
  for (const step of steps) {
    it(`a crash right after "${step}" resumes to the same root, one submission and a complete artifact`, async function () {
      const suite = await networkHelpers.loadFixture(closedEpochZero);
      const directory = await mkdtemp(path.join(os.tmpdir(), "tributary-resume-"));
      const store = new FileSettlementStore(directory);
      const tributary = withRunner(suite.tributary, suite.cast.admin);
      const expected = await computeEpochSettlement(tributary, 0n);

      let error: unknown;
      try {
        await settle(tributary, {
          epoch: 0n,
          validators: suite.cast.validators,
          store,
          afterStep: (s) => {
            if (s === step) throw new Crash(step);
          },
        });
      } catch (e) {
        error = e;
      }
      expect(error instanceof Crash || (error as { cause?: unknown }).cause instanceof Crash).to.equal(true);

      const result = await settle(tributary, { epoch: 0n, validators: suite.cast.validators, store });
      expect(result.root).to.equal(expected.tree.root);
      expect(await submissions(suite, 0n)).to.equal(1);
      expect(result.submittedNow).to.equal(["indexed", "tree", "signed"].includes(step));
      const artifact = JSON.parse(await readFile(result.artifactLocation, "utf8"));
      expect(StandardMerkleTree.load(artifact).root).to.equal(expected.tree.root);
      expect(artifact.metadata.root).to.equal(expected.tree.root);
      expect(artifact.metadata.amounts.length).to.equal(expected.tree.length);

      // And once more, for good measure: nothing new is sent.
      const again = await settle(tributary, { epoch: 0n, validators: suite.cast.validators, store });
      expect(again.submittedNow).to.equal(false);
      expect(again.root).to.equal(result.root);
      expect(await submissions(suite, 0n)).to.equal(1);
    });
  }

  it("a journal whose submission nonce was reserved but never sent resumes with that nonce", async function () {
    const suite = await networkHelpers.loadFixture(closedEpochZero);
    const store = new FileSettlementStore(await mkdtemp(path.join(os.tmpdir(), "tributary-nonce-")));
    const tributary = withRunner(suite.tributary, suite.cast.admin);
    await settle(tributary, {
      epoch: 0n,
      validators: suite.cast.validators,
      store,
      afterStep: (s) => {
        if (s === "signed") throw new Crash(s);
      },
    }).catch(() => undefined);
    const key = `chain-${suite.deployment.chainId}/${suite.deployment.distributor.toLowerCase()}/epoch-0`;
    const journal = (await store.readJournal(key))!;
    const from = await suite.cast.admin.getAddress();
    const nonce = await connection.ethers.provider.getTransactionCount(from, "pending");
    await store.writeJournal(key, { ...journal, submission: { from, nonce } });
    const result = await settle(tributary, { epoch: 0n, validators: suite.cast.validators, store });
    const tx = await connection.ethers.provider.getTransaction(result.submissionTransaction!);
    expect(tx!.nonce).to.equal(nonce);
    expect(await submissions(suite, 0n)).to.equal(1);
  });

  it("refuses an epoch out of order and a quorum it cannot reach, with a SettlementError", async function () {
    const suite = await networkHelpers.loadFixture(closedEpochZero);
    const store = new FileSettlementStore(await mkdtemp(path.join(os.tmpdir(), "tributary-bad-")));
    const tributary = withRunner(suite.tributary, suite.cast.admin);
    const open = await settle(tributary, { epoch: 1n, validators: suite.cast.validators, store }).catch((e) => e);
    expect(open).to.be.instanceOf(SettlementError);
    expect(open.message).to.match(/epoch 0 must be settled before epoch 1/);
    await networkHelpers.time.increase(EPOCH_SECONDS);
    const tooFew = await settle(tributary, { epoch: 0n, validators: suite.cast.validators.slice(3), store }).catch(
      (e) => e,
    );
    expect(tooFew).to.be.instanceOf(SettlementError);
    expect(tooFew.message).to.match(/short of the quorum/);
  });
});

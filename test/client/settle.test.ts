import { expect } from "chai";
import { mkdtemp, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { keccak256, toUtf8Bytes } from "ethers";
import {
  claim,
  computeEpochSettlement,
  defaultConfirmations,
  EMPTY_SETTLEMENT_ROOT,
  indexEvents,
  settle,
  SettlementError,
  withRunner,
  type SettleStep,
} from "../../client/index.js";
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

describe("settle: liveness", function () {
  async function deployedOnly(): Promise<DemoSuite> {
    const suite = await deployDemoSuite(connection);
    await setupNetwork(suite);
    return suite;
  }

  it("settles empty epochs with the empty root, then a funded one, and its rewards are claimable", async function () {
    const suite = await networkHelpers.loadFixture(deployedOnly);
    const store = new FileSettlementStore(await mkdtemp(path.join(os.tmpdir(), "tributary-empty-")));
    const tributary = withRunner(suite.tributary, suite.cast.admin);
    const genesis = await tributary.distributor.GENESIS();
    // Epochs 0, 1 and 2 pass with nothing funded and nothing done.
    for (const epoch of [0n, 1n, 2n]) {
      await networkHelpers.time.increaseTo(genesis + (epoch + 1n) * EPOCH_SECONDS + 1n);
      const result = await settle(tributary, { epoch, validators: suite.cast.validators, store });
      expect(result.root).to.equal(EMPTY_SETTLEMENT_ROOT);
      expect(result.cumulativeTotal).to.equal(0n);
      expect(result.artifact.values).to.deep.equal([]);
      await networkHelpers.time.increase(3_600);
    }
    expect(await tributary.distributor.nextEpochToSettle()).to.equal(3n);

    // Epoch 3 has activity and funding; it settles after the empty ones and pays.
    const datanetId = 1n;
    await seedEpoch(connection, suite, datanetId, 3);
    await networkHelpers.time.increaseTo(genesis + 4n * EPOCH_SECONDS + 1n);
    const funded = await settle(tributary, { epoch: 3n, validators: suite.cast.validators, store });
    expect(funded.root).to.not.equal(EMPTY_SETTLEMENT_ROOT);
    expect(funded.cumulativeTotal > 0n).to.equal(true);
    await networkHelpers.time.increase(3_600);
    const [account, amount] = [...funded.computation.cumulative][0]!;
    const { paid } = await claim(tributary, funded.artifact, account);
    expect(paid).to.equal(amount);
  });

  it("after a veto, the same store re-signs under a new data URI instead of replaying the vetoed signatures", async function () {
    const suite = await networkHelpers.loadFixture(closedEpochZero);
    const store = new FileSettlementStore(await mkdtemp(path.join(os.tmpdir(), "tributary-veto-")));
    const tributary = withRunner(suite.tributary, suite.cast.admin);
    const first = await settle(tributary, { epoch: 0n, validators: suite.cast.validators, store });
    await (await tributary.distributor.veto(0n)).wait();
    const second = await settle(tributary, {
      epoch: 0n,
      validators: suite.cast.validators,
      store,
      dataUri: "ipfs://corrected-artifact",
    });
    expect(second.submittedNow).to.equal(true);
    expect(second.root).to.equal(first.root);
    const d = tributary.distributor;
    const [, latest] = await d.queryFilter(d.filters.SettlementSubmitted(0n), 0);
    expect(latest!.args.dataUri).to.equal("ipfs://corrected-artifact");
    expect(keccak256(toUtf8Bytes(second.dataUri))).to.equal(keccak256(toUtf8Bytes("ipfs://corrected-artifact")));
  });

  it("refuses to sign other content for an epoch whose signed settlement was not vetoed", async function () {
    const suite = await networkHelpers.loadFixture(closedEpochZero);
    const store = new FileSettlementStore(await mkdtemp(path.join(os.tmpdir(), "tributary-equivocate-")));
    const tributary = withRunner(suite.tributary, suite.cast.admin);
    await settle(tributary, {
      epoch: 0n,
      validators: suite.cast.validators,
      store,
      afterStep: (s) => {
        if (s === "signed") throw new Crash(s);
      },
    }).catch(() => undefined);
    const error = await settle(tributary, {
      epoch: 0n,
      validators: suite.cast.validators,
      store,
      dataUri: "ipfs://other",
    }).catch((e) => e);
    expect(error).to.be.instanceOf(SettlementError);
    expect(error.message).to.match(/would be equivocation/);
  });

  it("indexes only confirmed blocks: 64 behind the head on public chains, none on a dev chain", async function () {
    expect(defaultConfirmations(1n)).to.equal(64);
    expect(defaultConfirmations(11_155_111n)).to.equal(64);
    expect(defaultConfirmations(31_337n)).to.equal(0);
    const suite = await networkHelpers.loadFixture(closedEpochZero);
    const head = await connection.ethers.provider.getBlockNumber();
    const confirmed = await indexEvents(suite.tributary, { confirmations: 3 });
    expect(confirmed.toBlock).to.equal(head - 3);
    expect(confirmed.events.every((e) => e.blockNumber <= head - 3)).to.equal(true);
    const onTheDevChain = await indexEvents(suite.tributary);
    expect(onTheDevChain.toBlock).to.equal(head);
  });
});

import { expect } from "chai";
import { mkdtemp, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { getAddress, type Signer } from "ethers";
import {
  artifactDataUri,
  claim,
  claimable,
  claimMany,
  computeEpochSettlement,
  defaultConfirmations,
  EMPTY_SETTLEMENT_ROOT,
  indexEvents,
  settle,
  settlementKey,
  SettlementError,
  SettlementTree,
  tokensOf,
  withRunner,
  type SettlementArtifact,
  type SettleResult,
  type SettleStep,
} from "../../client/index.js";
import { FileSettlementStore } from "../../client/node/index.js";
import {
  deployDemoSuite,
  EPOCH_SECONDS,
  seedEpoch,
  setupNetwork,
  type DemoNetwork,
  type DemoSuite,
} from "../../scripts/lib/scenario.js";
import { MockERC20__factory } from "../../typechain-types/index.js";

const connection = await network.create();
const { networkHelpers } = connection;

type SeededSuite = DemoSuite & { net: DemoNetwork };

async function closedEpochZero(): Promise<SeededSuite> {
  const suite = await deployDemoSuite(connection);
  const net = await setupNetwork(suite);
  await seedEpoch(connection, suite, net, 0);
  const genesis = await suite.tributary.distributor.GENESIS();
  await networkHelpers.time.increaseTo(genesis + EPOCH_SECONDS + 1n);
  return { ...suite, net };
}

/** Waits out the latest settlement's challenge period, so that it is the active one. */
async function activateLatest(suite: DemoSuite): Promise<void> {
  const [latest, pending] = await suite.tributary.distributor.latestSettlement();
  if (pending) await networkHelpers.time.increaseTo(latest.activatesAt);
}

/**
 * Checks an artifact's per-token figures against its tree, its pools and the chain:
 * fundedThrough − cumulativeTotal = carryOut = Σ carry of the token's pools, and the signed totals are
 * Σ of the tree's leaves in each token, in allowlist order.
 */
async function expectTokensReconcile(suite: DemoSuite, result: SettleResult): Promise<void> {
  const meta = result.artifact.metadata;
  const d = suite.tributary.distributor;
  const allowlist = (await d.tokens()).map((t) => getAddress(t));
  expect(meta.tokens.map((t) => t.token)).to.deep.equal(allowlist.slice(0, meta.tokens.length));
  expect(meta.tokens.map((t) => t.index)).to.deep.equal(meta.tokens.map((_, i) => i));
  expect(result.cumulativeTotals).to.deep.equal(meta.tokens.map((t) => BigInt(t.cumulativeTotal)));
  const leaves = [...SettlementTree.load(result.artifact).entries()];
  for (const t of meta.tokens) {
    const [funded, total, carry] = [BigInt(t.fundedThrough), BigInt(t.cumulativeTotal), BigInt(t.carryOut)];
    expect(funded - total, `${t.token}: funded − entitled`).to.equal(carry);
    const poolCarry = meta.pools.filter((p) => p.token === t.token).reduce((sum, p) => sum + BigInt(p.carryOut), 0n);
    expect(poolCarry, `${t.token}: Σ pool carry`).to.equal(carry);
    const leafSum = leaves.filter(([, token]) => token === t.token).reduce((sum, [, , amount]) => sum + amount, 0n);
    expect(leafSum, `${t.token}: Σ leaves`).to.equal(total);
    expect(await d.latestTotalOf(t.token)).to.equal(total);
    // Funding is never for a past epoch, so everything funded so far was funded through this epoch.
    expect(await d.totalFundedOf(t.token)).to.equal(funded);
  }
}

/** Claims every (account, token) leaf of `artifact` not yet claimed in full, and checks each pays the rest. */
async function claimEverything(suite: DemoSuite, artifact: SettlementArtifact, claimer: Signer): Promise<void> {
  const tributary = withRunner(suite.tributary, claimer);
  for (const row of artifact.metadata.amounts) {
    const token = MockERC20__factory.connect(row.token, claimer);
    const recipient = await suite.tributary.distributor.recipientOf(row.account, row.token);
    expect(recipient).to.equal("0x" + "00".repeat(20));
    const before = await token.balanceOf(row.account);
    const already = await suite.tributary.distributor.claimedOf(row.account, row.token);
    if (already === BigInt(row.cumulativeAmount)) continue;
    const { paid } = await claim(tributary, { artifact, account: row.account, token: row.token });
    expect(paid).to.equal(BigInt(row.cumulativeAmount) - already);
    expect(await token.balanceOf(row.account)).to.equal(before + paid);
  }
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
      const expected = await computeEpochSettlement(tributary, { epoch: 0n });

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
      if (step !== "indexed") {
        // From the tree on, the journal records the root and one signed total per covered token.
        const journal = (await store.readJournal(settlementKey(tributary, 0n)))!;
        expect(journal.root).to.equal(expected.tree.root);
        expect(journal.cumulativeTotals).to.deep.equal(expected.computation.cumulativeTotals.map(String));
        expect(journal.cumulativeTotals).to.have.length(3);
        expect(journal.signatures === undefined).to.equal(step === "tree");
      } else {
        expect(await store.readJournal(settlementKey(tributary, 0n))).to.equal(undefined);
      }

      const result = await settle(tributary, { epoch: 0n, validators: suite.cast.validators, store });
      expect(result.root).to.equal(expected.tree.root);
      expect(result.cumulativeTotals).to.deep.equal(expected.computation.cumulativeTotals);
      expect(await submissions(suite, 0n)).to.equal(1);
      expect(result.submittedNow).to.equal(["indexed", "tree", "signed"].includes(step));
      const artifact = JSON.parse(await readFile(result.artifactLocation, "utf8"));
      expect(StandardMerkleTree.load(artifact).root).to.equal(expected.tree.root);
      expect(artifact.metadata.root).to.equal(expected.tree.root);
      expect(artifact.metadata.amounts.length).to.equal(expected.tree.length);
      expect(artifact.metadata.tokens.map((t: { cumulativeTotal: string }) => t.cumulativeTotal)).to.deep.equal(
        expected.computation.cumulativeTotals.map(String),
      );
      const [submitted] = await suite.tributary.distributor.queryFilter(
        suite.tributary.distributor.filters.SettlementSubmitted(0n),
        0,
      );
      expect([...submitted!.args.cumulativeTotals]).to.deep.equal(expected.computation.cumulativeTotals);

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
    const key = settlementKey(tributary, 0n);
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
  async function deployedOnly(): Promise<SeededSuite> {
    const suite = await deployDemoSuite(connection);
    return { ...suite, net: await setupNetwork(suite) };
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
      // Nothing funded: the settlement covers the network token alone, with a zero total.
      expect(result.cumulativeTotals).to.deep.equal([0n]);
      expect(result.artifact.metadata.tokens.map((t) => t.token)).to.deep.equal([await suite.rewardToken.getAddress()]);
      expect(result.artifact.values).to.deep.equal([]);
      await networkHelpers.time.increase(3_600);
    }
    expect(await tributary.distributor.nextEpochToSettle()).to.equal(3n);

    // Epoch 3 has activity and funding; it settles after the empty ones and pays.
    await seedEpoch(connection, suite, suite.net, 3);
    await networkHelpers.time.increaseTo(genesis + 4n * EPOCH_SECONDS + 1n);
    const funded = await settle(tributary, { epoch: 3n, validators: suite.cast.validators, store });
    expect(funded.root).to.not.equal(EMPTY_SETTLEMENT_ROOT);
    expect(funded.cumulativeTotals).to.have.length(3);
    expect(funded.cumulativeTotals.every((t) => t > 0n)).to.equal(true);
    await expectTokensReconcile(suite, funded);
    await networkHelpers.time.increase(3_600);
    const [token, owed] = [...funded.computation.cumulative][0]!;
    const [account, amount] = [...owed][0]!;
    const { paid } = await claim(tributary, { artifact: funded.artifact, account, token });
    expect(paid).to.equal(amount);
  });

  it("after a veto, the same store re-signs attempt 2, under a new content address, instead of replaying the vetoed signatures", async function () {
    const suite = await networkHelpers.loadFixture(closedEpochZero);
    const store = new FileSettlementStore(await mkdtemp(path.join(os.tmpdir(), "tributary-veto-")));
    const tributary = withRunner(suite.tributary, suite.cast.admin);
    const first = await settle(tributary, { epoch: 0n, validators: suite.cast.validators, store });
    const vetoedSignatures = (await store.readJournal(settlementKey(tributary, 0n)))!.signatures!.signatures;
    await (await tributary.distributor.veto(0n)).wait();
    const second = await settle(tributary, {
      epoch: 0n,
      validators: suite.cast.validators,
      store,
      attempt: 2,
    });
    expect(second.submittedNow).to.equal(true);
    expect(second.root).to.equal(first.root);
    expect(second.artifact.metadata.attempt).to.equal(2);
    expect(first.artifact.metadata).to.not.have.property("attempt");
    expect(second.dataUri).to.equal(artifactDataUri(second.artifact));
    expect(second.dataUri).to.not.equal(first.dataUri);
    const d = tributary.distributor;
    const [, latest] = await d.queryFilter(d.filters.SettlementSubmitted(0n), 0);
    expect(latest!.args.dataUri).to.equal(second.dataUri);
    expect([...latest!.args.cumulativeTotals]).to.deep.equal(first.cumulativeTotals);
    const journal = (await store.readJournal(settlementKey(tributary, 0n)))!;
    expect(journal.dataUri).to.equal(second.dataUri);
    expect(journal.attempt).to.equal(2);
    // The file written is the signed content, byte for byte.
    expect(await store.readArtifact(settlementKey(tributary, 0n))).to.deep.equal(second.artifact);
    // Fresh signatures over the new content, not the vetoed ones.
    expect(journal.signatures!.signatures).to.not.deep.equal(vetoedSignatures);
  });

  it("after a veto, re-running without new content is refused before sending, naming the fix", async function () {
    const suite = await networkHelpers.loadFixture(closedEpochZero);
    const store = new FileSettlementStore(await mkdtemp(path.join(os.tmpdir(), "tributary-veto-same-")));
    const tributary = withRunner(suite.tributary, suite.cast.admin);
    const first = await settle(tributary, { epoch: 0n, validators: suite.cast.validators, store });
    await (await tributary.distributor.veto(0n)).wait();
    const error = await settle(tributary, { epoch: 0n, validators: suite.cast.validators, store }).catch((e) => e);
    // Refused before any transaction, with the fix: a new data URI.
    expect(error).to.be.instanceOf(SettlementError);
    expect(error.message).to.contain(`governance vetoed the settlement of epoch 0 with root ${first.root}`);
    expect(error.message).to.contain("settle again as attempt 2 (attempt: 2, or --attempt 2 in the CLI)");
    expect(await submissions(suite, 0n)).to.equal(1);
  });

  it("does not re-sign when the veto hit other content than the journal's signed settlement", async function () {
    const suite = await networkHelpers.loadFixture(closedEpochZero);
    const tributary = withRunner(suite.tributary, suite.cast.admin);
    // Operator A gathers signatures for the first attempt and crashes before submitting.
    const storeA = new FileSettlementStore(await mkdtemp(path.join(os.tmpdir(), "tributary-veto-a-")));
    await settle(tributary, {
      epoch: 0n,
      validators: suite.cast.validators,
      store: storeA,
      afterStep: (s) => {
        if (s === "signed") throw new Crash(s);
      },
    }).catch(() => undefined);
    const signedByA = (await storeA.readJournal(settlementKey(tributary, 0n)))!;
    expect(signedByA.signatures!.signatures.length).to.be.greaterThan(0);
    // Operator B submits the same root as attempt 3; governance vetoes that one.
    const storeB = new FileSettlementStore(await mkdtemp(path.join(os.tmpdir(), "tributary-veto-b-")));
    const b = await settle(tributary, { epoch: 0n, validators: suite.cast.validators, store: storeB, attempt: 3 });
    await (await tributary.distributor.veto(0n)).wait();

    // A's signed content was never vetoed: signing attempt 2 on top of it would be equivocation.
    const refused = await settle(tributary, {
      epoch: 0n,
      validators: suite.cast.validators,
      store: storeA,
      attempt: 2,
    }).catch((e) => e);
    expect(refused).to.be.instanceOf(SettlementError);
    expect(refused.message).to.match(/would be equivocation/);
    expect((await storeA.readJournal(settlementKey(tributary, 0n)))!.signatures).to.deep.equal(signedByA.signatures);
    expect(await submissions(suite, 0n)).to.equal(1);

    // A may still submit exactly what it signed, with the signatures it already holds.
    const resumed = await settle(tributary, { epoch: 0n, validators: suite.cast.validators, store: storeA });
    expect(resumed.submittedNow).to.equal(true);
    expect(resumed.dataUri).to.equal(signedByA.dataUri);
    expect(resumed.artifact.metadata).to.not.have.property("attempt");
    const d = tributary.distributor;
    const submitted = await d.queryFilter(d.filters.SettlementSubmitted(0n), 0);
    expect(submitted.map((e) => e.args.dataUri)).to.deep.equal([b.dataUri, signedByA.dataUri]);
    const tx = await connection.ethers.provider.getTransaction(resumed.submissionTransaction!);
    const args = d.interface.parseTransaction(tx!)!.args;
    expect([...args.signatures]).to.deep.equal(signedByA.signatures!.signatures);
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
      attempt: 2,
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

describe("settle: pools in several tokens", function () {
  it("writes a multi-token artifact whose per-token totals reconcile, and every token's leaves are claimable", async function () {
    const suite = await networkHelpers.loadFixture(closedEpochZero);
    const store = new FileSettlementStore(await mkdtemp(path.join(os.tmpdir(), "tributary-tokens-")));
    const tributary = withRunner(suite.tributary, suite.cast.admin);
    const result = await settle(tributary, { epoch: 0n, validators: suite.cast.validators, store });
    const meta = result.artifact.metadata;
    const [reward, stable, credit] = await Promise.all(
      [suite.rewardToken, suite.stableToken, suite.creditToken].map((t) => t.getAddress()),
    );
    expect(meta.tokens.map((t) => t.token)).to.deep.equal([reward, stable, credit]);
    expect(meta.pools.map((p) => [p.poolId, p.token])).to.deep.equal([
      ["0", reward],
      [suite.net.chatPool.toString(), stable],
      [suite.net.searchPool.toString(), credit],
    ]);
    await expectTokensReconcile(suite, result);
    // The chat pool pays in TUSD (6 decimals): what it funded, less the fee, is what its token's leaves and carry hold.
    const chat = meta.pools.find((p) => p.token === stable)!;
    expect(BigInt(chat.funded)).to.equal(5_000n * 10n ** 6n);
    expect(BigInt(meta.tokens[1]!.cumulativeTotal) + BigInt(meta.tokens[1]!.carryOut)).to.equal(BigInt(chat.funded));
    // Every amount row is one leaf, and the artifact's rows carry their token.
    expect(meta.amounts.map((a) => [a.account, a.token, a.cumulativeAmount])).to.deep.equal(
      result.artifact.values.map((v) => v.value),
    );

    await activateLatest(suite);
    // The network pool pays every record's contributors, so contributor 4 (the network record's) is owed
    // in TRWD and, through the search record, in TSRC: claimable lists both, per token.
    const contributor = getAddress(await suite.cast.contributors[3]!.getAddress());
    const owedTokens = tokensOf(result.artifact, contributor);
    expect(owedTokens).to.include.members([reward, credit]);
    const available = await claimable(tributary, { artifact: result.artifact, account: contributor });
    expect([...available.keys()]).to.deep.equal(owedTokens);
    for (const token of owedTokens) {
      expect(available.get(token)).to.equal(SettlementTree.load(result.artifact).amountOf(contributor, token));
    }
    const { paid } = await claimMany(tributary, { artifact: result.artifact, requests: [contributor] });
    expect(paid).to.deep.equal(available);
    expect((await claimable(tributary, { artifact: result.artifact, account: contributor })).size).to.equal(0);

    // The rest, one (account, token) at a time: then each token's claims add up to its signed total.
    await claimEverything(suite, result.artifact, suite.cast.admin);
    for (const t of meta.tokens) {
      expect(await suite.tributary.distributor.totalClaimedOf(t.token)).to.equal(BigInt(t.cumulativeTotal));
      const balance = await MockERC20__factory.connect(t.token, suite.cast.admin).balanceOf(
        suite.deployment.distributor,
      );
      expect(balance).to.equal(BigInt(t.carryOut));
    }
  });

  it("refunds an idle pool to its owner through the tree, in the pool's token", async function () {
    const suite = await networkHelpers.loadFixture(closedEpochZero);
    const store = new FileSettlementStore(await mkdtemp(path.join(os.tmpdir(), "tributary-refund-")));
    const tributary = withRunner(suite.tributary, suite.cast.admin);
    const d = tributary.distributor;
    expect((await d.allocationParamsAt(1n)).idleRefundEpochs).to.equal(1n);
    const first = await settle(tributary, { epoch: 0n, validators: suite.cast.validators, store });
    const searchBefore = first.artifact.metadata.pools.find((p) => BigInt(p.poolId) === suite.net.searchPool)!;
    expect(searchBefore.recordCount).to.equal(1);
    expect(BigInt(searchBefore.refund)).to.equal(0n);

    // Epoch 1: the search dapp funds its pool again but no output names it: one idle epoch refunds it.
    await activateLatest(suite);
    await seedEpoch(connection, suite, suite.net, 1);
    const genesis = await d.GENESIS();
    await networkHelpers.time.increaseTo(genesis + 2n * EPOCH_SECONDS + 1n);
    const second = await settle(tributary, { epoch: 1n, validators: suite.cast.validators, store });
    await expectTokensReconcile(suite, second);
    const meta = second.artifact.metadata;
    const search = meta.pools.find((p) => BigInt(p.poolId) === suite.net.searchPool)!;
    const owner = getAddress(await suite.cast.searchDapp.getAddress());
    const credit = await suite.creditToken.getAddress();
    expect(search.owner).to.equal(owner);
    expect(search.recordCount).to.equal(0);
    // Nothing was paid from it, so all it held after the fee goes back: carry-in plus new funding less the fee.
    expect(BigInt(search.paid)).to.equal(0n);
    expect(BigInt(search.refund)).to.equal(BigInt(search.distributable));
    expect(BigInt(search.distributable)).to.equal(
      BigInt(searchBefore.carryOut) + BigInt(search.funded) - BigInt(search.fee),
    );
    expect(BigInt(search.refund) > 0n).to.equal(true);
    expect(BigInt(search.carryOut)).to.equal(0n);
    expect(meta.tokens.find((t) => t.token === credit)!.carryOut).to.equal("0");
    const row = meta.amounts.find((a) => a.account === owner && a.token === credit)!;
    expect(row.roles).to.deep.equal(["refund"]);
    expect(row.amount).to.equal(search.refund);
    // The dapp's other pools' figures are untouched by the refund.
    const chat = meta.pools.find((p) => BigInt(p.poolId) === suite.net.chatPool)!;
    expect(BigInt(chat.refund)).to.equal(0n);
    expect(chat.recordCount).to.equal(2);

    await activateLatest(suite);
    const before = await suite.creditToken.balanceOf(owner);
    const { paid } = await claim(tributary, { artifact: second.artifact, account: owner, token: credit });
    expect(paid).to.equal(BigInt(search.refund));
    expect(await suite.creditToken.balanceOf(owner)).to.equal(before + paid);
  });

  it("keeps an idle pool's balance while it has been idle for fewer than idleRefundEpochs epochs", async function () {
    async function patientPools(): Promise<SeededSuite> {
      const suite = await deployDemoSuite(connection, { idleRefundEpochs: 2n });
      const net = await setupNetwork(suite);
      await seedEpoch(connection, suite, net, 0);
      return { ...suite, net };
    }
    const suite = await networkHelpers.loadFixture(patientPools);
    const store = new FileSettlementStore(await mkdtemp(path.join(os.tmpdir(), "tributary-patient-")));
    const tributary = withRunner(suite.tributary, suite.cast.admin);
    const genesis = await tributary.distributor.GENESIS();
    await networkHelpers.time.increaseTo(genesis + EPOCH_SECONDS + 1n);
    await settle(tributary, { epoch: 0n, validators: suite.cast.validators, store });
    await activateLatest(suite);
    await seedEpoch(connection, suite, suite.net, 1);
    await networkHelpers.time.increaseTo(genesis + 2n * EPOCH_SECONDS + 1n);
    const result = await settle(tributary, { epoch: 1n, validators: suite.cast.validators, store });
    await expectTokensReconcile(suite, result);
    const search = result.artifact.metadata.pools.find((p) => BigInt(p.poolId) === suite.net.searchPool)!;
    expect(search.idleEpochs).to.equal(1);
    expect(BigInt(search.refund)).to.equal(0n);
    expect(BigInt(search.carryOut)).to.equal(BigInt(search.distributable));
    const owner = getAddress(await suite.cast.searchDapp.getAddress());
    expect(tokensOf(result.artifact, owner)).to.deep.equal([]);
  });
});

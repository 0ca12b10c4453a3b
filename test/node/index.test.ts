import { expect } from "chai";
import { cp, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { id, JsonRpcProvider, type Signer } from "ethers";
import {
  attestBatch,
  BatchStatus,
  ContributionStatus,
  fundPool,
  indexEvents,
  proposeBatch,
  withRunner,
  type TributaryEvent,
} from "../../client/index.js";
import { deployDemoSuite, EPOCH_SECONDS, seedEpoch, setupNetwork, type DemoSuite } from "../../scripts/lib/scenario.js";
import { startHardhatNode, type RunningNode } from "../../scripts/lib/node.js";
import { startPostgres, type RunningPostgres } from "../../scripts/lib/postgres.js";
import { openDatabase, type Database } from "../../node/src/db.js";
import { deserializeEvent, EVENT_KINDS, serializeEvent, type EventKind } from "../../node/src/index/codec.js";
import { EventIndex, IndexDeploymentMismatchError } from "../../node/src/index/eventIndex.js";

type EventOf<K extends EventKind> = Extract<TributaryEvent, { kind: K }>;

/** One event of every kind, with values past 2^53 and strings that look like numbers. */
const SAMPLES: { [K in EventKind]: EventOf<K> } = (() => {
  const at = (n: number) => ({ blockNumber: 10 + n, logIndex: n, transactionHash: id(`tx-${n}`) });
  const big = 2n ** 200n + 7n;
  const address = "0x00000000000000000000000000000000000000aA";
  return {
    ContributionRegistered: {
      ...at(0),
      kind: "ContributionRegistered",
      id: big,
      contributor: address,
      datanetId: 3n,
      contentHash: id("content"),
      uri: "12345",
    },
    ContributionWithdrawn: { ...at(1), kind: "ContributionWithdrawn", id: 1n, contributor: address, epoch: big },
    ContributionExpired: { ...at(2), kind: "ContributionExpired", id: 2n, epoch: 0n },
    VoteCast: { ...at(3), kind: "VoteCast", id: 4n, validator: address, accept: false, stake: big, epoch: 5n },
    ContributionDecided: { ...at(4), kind: "ContributionDecided", id: 4n, status: 2, epoch: 5n },
    ContributionRevoked: { ...at(14), kind: "ContributionRevoked", id: big, epoch: big },
    BatchProposed: {
      ...at(5),
      kind: "BatchProposed",
      batchId: 9n,
      proposer: address,
      epoch: 5n,
      stake: big,
      records: [
        {
          outputId: id("output"),
          poolId: 2n ** 32n - 1n,
          value: 2n ** 128n - 1n,
          vector: [
            { contributionId: 1n, weightBps: 4_000 },
            { contributionId: 7n, weightBps: 6_000 },
          ],
        },
      ],
    },
    BatchAttested: {
      ...at(6),
      kind: "BatchAttested",
      batchId: 9n,
      validator: address,
      support: true,
      stake: 1n,
      epoch: 5n,
    },
    BatchDecided: { ...at(7), kind: "BatchDecided", batchId: 9n, status: 2, epoch: 5n },
    TokenAllowed: { ...at(8), kind: "TokenAllowed", token: address, index: 3 },
    PoolCreated: { ...at(9), kind: "PoolCreated", poolId: 1n, owner: address, token: address, datanets: [1n, big] },
    Funded: { ...at(10), kind: "Funded", poolId: 0n, epoch: 5n, funder: address, token: address, amount: big },
    SettlementSubmitted: {
      ...at(11),
      kind: "SettlementSubmitted",
      epoch: 5n,
      root: id("root"),
      cumulativeTotals: [0n, big],
      dataUri: "ipfs://bafy",
      activatesAt: 1_700_000_000n,
    },
    SettlementVetoed: { ...at(12), kind: "SettlementVetoed", epoch: 5n, root: id("root") },
    Claimed: { ...at(13), kind: "Claimed", account: address, token: address, amount: big },
  };
})();

/** What `epochSlice(epoch)` must return, computed from the full event list. */
function expectedSlice(all: TributaryEvent[], epoch: bigint): TributaryEvent[] {
  const batches = new Set<bigint>();
  const decided = new Set<bigint>();
  for (const e of all) {
    if (e.kind === "BatchDecided" && e.epoch === epoch) batches.add(e.batchId);
    if (e.kind === "ContributionDecided" && e.epoch === epoch) decided.add(e.id);
  }
  const named = new Set<bigint>();
  for (const e of all) {
    if (e.kind !== "BatchProposed" || !batches.has(e.batchId)) continue;
    for (const record of e.records) for (const entry of record.vector) named.add(entry.contributionId);
  }
  return all.filter((e) => {
    switch (e.kind) {
      case "TokenAllowed":
      case "PoolCreated":
        return true;
      case "Funded":
      case "ContributionDecided":
      case "BatchDecided":
        return e.epoch === epoch;
      case "BatchProposed":
      case "BatchAttested":
        return batches.has(e.batchId);
      case "VoteCast":
        return decided.has(e.id) || named.has(e.id);
      case "ContributionRegistered":
        return named.has(e.id);
      case "ContributionRevoked":
        return named.has(e.id) && e.epoch < epoch;
      default:
        return false;
    }
  });
}

/** Every event in the index, by reading each kind. */
async function allIndexed(index: EventIndex): Promise<TributaryEvent[]> {
  const events = (await Promise.all(EVENT_KINDS.map((kind) => index.eventsOfKind(kind)))).flat();
  return events.sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
}

describe("tributary-node: the event index", function () {
  this.timeout(120_000);

  it("serializes every kind of event to JSON and back without loss", function () {
    for (const kind of EVENT_KINDS) {
      const event = SAMPLES[kind];
      const json = serializeEvent(event);
      expect(deserializeEvent(json), kind).to.deep.equal(event);
      expect(deserializeEvent(JSON.parse(json) as object), kind).to.deep.equal(event);
    }
    expect(() => deserializeEvent('{"kind":"Unknown"}')).to.throw(/unknown kind Unknown/);
  });

  describe("against a hardhat node", function () {
    let chain: RunningNode;
    let postgres: RunningPostgres;
    let work: string;
    let suite: DemoSuite;
    let connection: Awaited<ReturnType<typeof network.create>>;
    let provider: JsonRpcProvider;
    let template: Promise<void> | undefined;
    /** An output id counted in epoch 0 and proposed again, in a batch that became Final, in epoch 1. */
    const reproposed = id("round-0-output-2");
    /** A contribution accepted in epoch 1 and revoked in epoch 1, named by a batch proposed before the
     * revocation that becomes Final in epoch 2. */
    let revoked: bigint;

    const fullRescan = async () => (await indexEvents(suite.tributary, { confirmations: 0 })).events;

    before(async function () {
      work = await mkdtemp(path.join(os.tmpdir(), "tributary-index-"));
      // A new PGlite directory takes seconds to initialise: one is made while the chain is seeded.
      template = openDatabase({ dataDir: work, name: "template" }).then((db) => db.close());
      // Both start at once; whichever started is kept for the after hook even when the other fails.
      const [startedChain, startedPostgres] = await Promise.allSettled([startHardhatNode(), startPostgres()]);
      if (startedChain.status === "fulfilled") chain = startedChain.value;
      if (startedPostgres.status === "fulfilled") postgres = startedPostgres.value;
      for (const started of [startedChain, startedPostgres]) if (started.status === "rejected") throw started.reason;
      connection = await network.create({ network: "localhost", override: { url: chain.url } });
      // No response cache: the reorg test reads the same block numbers before and after a revert.
      provider = new JsonRpcProvider(chain.url, undefined, { cacheTimeout: -1, staticNetwork: true });
      suite = await deployDemoSuite(connection);
      const net = await setupNetwork(suite);
      await seedEpoch(connection, suite, net, 0);
      await connection.networkHelpers.time.increase(EPOCH_SECONDS);
      const epoch = await seedEpoch(connection, suite, net, 1);
      expect(epoch).to.equal(1n);
      const accepted = (await fullRescan()).find(
        (e): e is EventOf<"ContributionDecided"> =>
          e.kind === "ContributionDecided" && e.epoch === 1n && e.status === ContributionStatus.Accepted,
      )!;
      const [v1, v2, v3] = suite.cast.validators as [Signer, Signer, Signer];
      const as = (signer: Signer) => withRunner(suite.tributary, signer);
      const batch = await proposeBatch(as(v1), {
        records: [
          {
            outputId: reproposed,
            poolId: 0n,
            value: 5n,
            vector: [{ contributionId: accepted.id, weightBps: 10_000 }],
          },
        ],
      });
      await attestBatch(as(v2), { batchId: batch.batchId, support: true });
      await attestBatch(as(v3), { batchId: batch.batchId, support: true });
      // A batch naming the same contribution, short of quorum (1 000 + 800 of 2 800 staked, quorum 2/3)
      // until the contribution is revoked, then made Final by validator 3 in epoch 2.
      revoked = accepted.id;
      const late = await proposeBatch(as(v1), {
        records: [
          {
            outputId: id("after-revocation"),
            poolId: 0n,
            value: 7n,
            vector: [{ contributionId: revoked, weightBps: 10_000 }],
          },
        ],
      });
      await attestBatch(as(v2), { batchId: late.batchId, support: true });
      const registered = (await fullRescan()).find(
        (e): e is EventOf<"ContributionRegistered"> => e.kind === "ContributionRegistered" && e.id === revoked,
      )!;
      const { registry } = suite.tributary;
      await (await registry.grantRole(await registry.REVOKER_ROLE(), await suite.cast.admin.getAddress())).wait();
      await (await registry.revoke(registered.contentHash)).wait();
      await connection.networkHelpers.time.increase(EPOCH_SECONDS);
      await attestBatch(as(v3), { batchId: late.batchId, support: true });
      await template;
    });
    after(async function () {
      provider?.destroy();
      await Promise.all([chain?.stop(), postgres?.stop(), template?.catch(() => {})]);
      if (work) await rm(work, { recursive: true, force: true });
    });

    const backends: { name: string; database: (label: string) => Promise<() => Promise<Database>> }[] = [
      {
        name: "PGlite",
        // Each test gets a copy of the template.
        database: async (label) => {
          await template;
          await cp(path.join(work, "template"), path.join(work, label), { recursive: true });
          return () => openDatabase({ dataDir: work, name: label });
        },
      },
      {
        name: "PostgreSQL 15",
        database: async (label) => {
          const url = await postgres.createDatabase(label);
          return () => openDatabase({ url, dataDir: work, name: label });
        },
      },
    ];

    for (const backend of backends) {
      describe(`on ${backend.name}`, function () {
        const label = (name: string) => `${backend.name.replace(/\W/g, "").toLowerCase()}_${name}`;
        const databases: Database[] = [];
        const open = async (opener: () => Promise<Database>) => {
          const db = await opener();
          databases.push(db);
          return db;
        };
        after(async function () {
          for (const db of databases) await db.close().catch(() => {});
        });

        it("indexes incrementally, chunk by chunk, exactly what a full rescan reads", async function () {
          const db = await open(await backend.database(label("incremental")));
          const index = await EventIndex.open(db, suite.deployment);
          expect(await index.indexedThrough()).to.equal(undefined);
          const head = await provider.getBlockNumber();
          const span = head - suite.deployment.deployBlock;
          let through = suite.deployment.deployBlock - 1;
          for (const confirmations of [span, Math.floor((span * 2) / 3), Math.floor(span / 3), 3, 0]) {
            const result = await index.sync(provider, { confirmations, chunkSize: 7 });
            expect(result.fromBlock).to.equal(through + 1);
            expect(result.toBlock).to.equal(head - confirmations);
            expect(result.rolledBackTo).to.equal(undefined);
            through = result.toBlock;
          }
          const all = await fullRescan();
          expect(await allIndexed(index)).to.deep.equal(all);
          expect(await index.eventCount()).to.equal(all.length);
          const block = (await provider.getBlock(head))!;
          expect(await index.indexedThrough()).to.deep.equal({
            number: head,
            hash: block.hash,
            timestamp: BigInt(block.timestamp),
          });
        });

        it("resumes from its cursor after the database is closed and reopened, with no duplicate", async function () {
          const opener = await backend.database(label("resume"));
          const first = await open(opener);
          const head = await provider.getBlockNumber();
          const partial = await (await EventIndex.open(first, suite.deployment)).sync(provider, { confirmations: 20 });
          expect(partial.toBlock).to.equal(head - 20);
          await first.close();
          const index = await EventIndex.open(await open(opener), suite.deployment);
          const rest = await index.sync(provider, { confirmations: 0 });
          expect(rest.fromBlock).to.equal(partial.toBlock + 1);
          expect(rest.toBlock).to.equal(head);
          const again = await index.sync(provider, { confirmations: 0 });
          expect(again).to.deep.equal({ fromBlock: head + 1, toBlock: head, events: 0 });
          const all = await fullRescan();
          expect(partial.events + rest.events).to.equal(all.length);
          expect(await allIndexed(index)).to.deep.equal(all);
        });

        it("returns an epoch's slice of the settlement's events, and the outputs counted before it", async function () {
          const index = await EventIndex.open(await open(await backend.database(label("slice"))), suite.deployment);
          await index.sync(provider, { confirmations: 0 });
          const all = await fullRescan();
          for (const epoch of [0n, 1n, 2n]) {
            const slice = await index.epochSlice(epoch);
            expect(slice, `epoch ${epoch}`).to.deep.equal(expectedSlice(all, epoch));
          }
          const epoch1 = await index.epochSlice(1n);
          expect(epoch1.some((e) => e.kind === "BatchProposed" && e.epoch === 0n)).to.equal(false);
          // The revocation of epoch 1 is read by epoch 2, whose Final batch names the contribution; not by
          // epoch 1, in which it still earns.
          const revocation = all.filter((e) => e.kind === "ContributionRevoked");
          expect(revocation).to.deep.equal([
            { ...revocation[0]!, kind: "ContributionRevoked", id: revoked, epoch: 1n },
          ]);
          expect(epoch1.some((e) => e.kind === "ContributionRevoked")).to.equal(false);
          expect((await index.epochSlice(2n)).filter((e) => e.kind === "ContributionRevoked")).to.deep.equal(
            revocation,
          );
          expect(epoch1.filter((e) => e.kind === "BatchDecided")).to.have.length(2);
          expect(await index.eventsOfKind("Funded", { epoch: 1n })).to.deep.equal(
            all.filter((e) => e.kind === "Funded" && e.epoch === 1n),
          );

          const epoch1Outputs = epoch1.flatMap((e) =>
            e.kind === "BatchProposed" ? e.records.map((r) => r.outputId) : [],
          );
          expect(epoch1Outputs).to.include(reproposed);
          expect(await index.previouslyCountedOutputs(1n, epoch1Outputs)).to.deep.equal(new Set([reproposed]));
          expect(await index.previouslyCountedOutputs(0n, epoch1Outputs)).to.deep.equal(new Set());
          expect(
            await index.previouslyCountedOutputs(2n, [reproposed.toUpperCase().replace("0X", "0x")]),
          ).to.deep.equal(new Set([reproposed]));
          expect(await index.previouslyCountedOutputs(5n, [id("never proposed")])).to.deep.equal(new Set());
          expect(
            all.flatMap((e) => (e.kind === "BatchDecided" && e.status === BatchStatus.Final ? [e.epoch] : [])),
          ).to.deep.equal([0n, 1n, 1n, 2n]);
        });

        it("refuses a database that indexes another deployment", async function () {
          const db = await open(await backend.database(label("mismatch")));
          await EventIndex.open(db, suite.deployment);
          const other = { ...suite.deployment, distributor: suite.deployment.registry };
          const refusal = await EventIndex.open(db, other).catch((error: unknown) => error);
          expect(refusal).to.be.instanceOf(IndexDeploymentMismatchError);
          expect((refusal as IndexDeploymentMismatchError).code).to.equal("INDEX_DEPLOYMENT_MISMATCH");
          const otherChain = await EventIndex.open(db, { ...suite.deployment, chainId: 1n }).catch((e: unknown) => e);
          expect(otherChain).to.be.instanceOf(IndexDeploymentMismatchError);
          // The rightful deployment still opens it.
          await EventIndex.open(db, suite.deployment);
        });

        it("rolls back a reorganised chain and indexes the new branch", async function () {
          const index = await EventIndex.open(await open(await backend.database(label("reorg"))), suite.deployment);
          const common = (await index.sync(provider, { confirmations: 0 })).toBlock;
          const admin = withRunner(suite.tributary, suite.cast.admin);
          const adminAddress = await suite.cast.admin.getAddress();
          const epoch = await suite.tributary.distributor.currentEpoch();
          const fund = async (amount: bigint) => {
            await (await suite.rewardToken.mint(adminAddress, amount)).wait();
            await fundPool(admin, { poolId: 0n, epoch, amount });
          };

          const snapshot: string = await provider.send("evm_snapshot", []);
          await fund(111n);
          const before = await index.sync(provider, { confirmations: 0 });
          expect(before.events).to.equal(1);
          expect(before.toBlock).to.be.greaterThan(common);
          expect(await provider.send("evm_revert", [snapshot])).to.equal(true);
          await fund(222n);
          await provider.send("hardhat_mine", ["0x3"]);

          const after = await index.sync(provider, { confirmations: 0 });
          expect(after.rolledBackTo).to.equal(common);
          expect(after.fromBlock).to.equal(common + 1);
          expect(after.toBlock).to.equal(await provider.getBlockNumber());
          const all = await fullRescan();
          expect(await allIndexed(index)).to.deep.equal(all);
          const funded = await index.eventsOfKind("Funded", { epoch });
          expect(funded.map((e) => (e.kind === "Funded" ? e.amount : 0n)))
            .to.include(222n)
            .and.not.include(111n);
        });
      });
    }
  });
});

/**
 * A validator network of separate OS processes over HTTP to a real `hardhat node`: four tributary-node
 * processes, each with its own encrypted keystore, two on PGlite and two on a real PostgreSQL 15 server,
 * so every test runs over both databases. Every process is stopped by its pid in `after`, even on failure.
 */
import { expect } from "chai";
import { createServer, type Server } from "node:http";
import os from "node:os";
import path from "node:path";
import { mkdtemp, rm } from "node:fs/promises";
import { parseUnits } from "ethers";
import {
  connectSettlementBoard,
  fundPool,
  readPublishedSignatures,
  verify,
  withRunner,
  type PublishedSignature,
  artifactDataUri,
  settlementKey,
} from "../../client/index.js";
import { FileSettlementStore } from "../../client/node/index.js";
import { EPOCH_SECONDS } from "../../scripts/lib/scenario.js";
import { ValidatorNetwork, until } from "../../scripts/lib/network.js";
import { startPostgres, type RunningPostgres } from "../../scripts/lib/postgres.js";
import { openDatabase } from "../../node/src/db.js";
import { SigningProtection } from "../../node/src/protection.js";

const TOKEN = (n: number) => parseUnits(String(n), 18);
/** Stakes 1000, 800, 600 and 400: a 2/3 quorum (1 867) needs validators 1, 2 and 3 without 4. */
const STAKES = [TOKEN(1_000), TOKEN(800), TOKEN(600), TOKEN(400)];
const CONFIRMATIONS = 2;
/** Validator 4 pins a validator share the chain does not have. */
const PINNED_SHARE_BPS = 2_500;

/** Deterministic pseudo-random numbers, so a failing run can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    s ^= s >>> 13;
    return (s >>> 0) % n;
  };
}

function metricWithLabel(text: string, name: string, label: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name}{`) && l.includes(label));
  return line === undefined ? 0 : Number(line.split(" ").at(-1));
}

describe("tributary-node: a validator network of processes, on PGlite and PostgreSQL", function () {
  this.timeout(180_000);
  let net: ValidatorNetwork;
  let postgres: RunningPostgres;
  let webhook: Server;
  let work: string;
  const alertsReceived: { alert: string; epoch?: number }[] = [];

  before(async function () {
    this.timeout(240_000);
    work = await mkdtemp(path.join(os.tmpdir(), "tributary-network-"));
    postgres = await startPostgres();
    const databases = [undefined, await postgres.createDatabase("validator2"), undefined];
    databases.push(await postgres.createDatabase("validator4"));
    webhook = createServer((request, response) => {
      let body = "";
      request.on("data", (d) => (body += d));
      request.on("end", () => {
        alertsReceived.push(JSON.parse(body) as { alert: string; epoch?: number });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, "127.0.0.1", resolve));
    const address = webhook.address() as { port: number };
    net = await ValidatorNetwork.launch({
      directory: path.join(work, "network"),
      stakes: STAKES,
      nodeConfig: (i) => ({
        confirmations: CONFIRMATIONS,
        ...(databases[i] ? { database: databases[i] } : {}),
        ...(i === 3
          ? {
              expectAllocation: { validatorShareBps: PINNED_SHARE_BPS },
              alertWebhook: `http://127.0.0.1:${address.port}/alerts`,
            }
          : {}),
      }),
      // Validator 4 joins in epoch 1.
      startNodes: [0, 1, 2],
    });
  });

  after(async function () {
    this.timeout(60_000);
    await net?.stopAll();
    await postgres?.stop();
    if (webhook) await new Promise((resolve) => webhook.close(resolve));
    await rm(work, { recursive: true, force: true });
  });

  const tributary = () => net.suite.tributary;
  const board = () => connectSettlementBoard(net.suite.deployment.settlementBoard!, tributary().runner);
  const provider = () => net.connection.ethers.provider;
  const mine = (blocks: number) => provider().send("hardhat_mine", ["0x" + blocks.toString(16)]);

  /** Funds the network pool for the current epoch. */
  async function fund(amount: bigint): Promise<bigint> {
    const epoch = await tributary().distributor.currentEpoch();
    const admin = net.suite.cast.admin;
    await (await net.suite.rewardToken.mint(await admin.getAddress(), amount)).wait();
    await fundPool(withRunner(tributary(), admin), { poolId: 0n, epoch, amount });
    return epoch;
  }

  /** Moves the clock past the end of `epoch` and mines enough blocks for the close to be confirmed. */
  async function close(epoch: bigint): Promise<void> {
    const genesis = await tributary().distributor.GENESIS();
    await net.connection.networkHelpers.time.increaseTo(genesis + (epoch + 1n) * EPOCH_SECONDS + 1n);
    await mine(CONFIRMATIONS + 1);
  }

  const settled = (epoch: bigint) =>
    until(`epoch ${epoch} to settle`, async () => (await tributary().distributor.nextEpochToSettle()) > epoch, 90_000);

  async function submissions(epoch: bigint) {
    const d = tributary().distributor;
    return d.queryFilter(d.filters.SettlementSubmitted(epoch), net.suite.deployment.deployBlock);
  }

  const published = (epoch: bigint): Promise<PublishedSignature[]> =>
    readPublishedSignatures(tributary(), board(), epoch);

  it("quorum is reached with one validator node down, and of three racing submitters exactly one lands", async function () {
    const epoch = await fund(TOKEN(1_000));
    expect(epoch).to.equal(0n);
    await close(epoch);
    await settled(epoch);
    expect(await submissions(epoch)).to.have.length(1);
    const signers = new Set((await published(epoch)).map((p) => p.signer));
    expect([...signers].sort()).to.deep.equal(
      [net.nodes[0]!.address, net.nodes[1]!.address, net.nodes[2]!.address].sort(),
    );
    // Each racing node either submitted or saw the landed submission and stood down.
    await until("every node to see the settlement", async () => {
      for (const i of [0, 1, 2]) if ((await net.metric(i, "tributary_node_last_settled_epoch")) !== 0) return false;
      return true;
    });
    let submitted = 0;
    for (const i of [0, 1, 2]) {
      submitted += metricWithLabel(await net.metrics(i), "tributary_node_submissions_total", 'outcome="submitted"');
    }
    expect(submitted).to.equal(1);
    const check = await verify(tributary(), { epoch });
    expect(check.onChainRoot).to.equal(check.computedRoot);
  });

  it("a node killed mid-epoch resumes from its database and signs the same root; a node pinning other allocation parameters refuses and alerts", async function () {
    await net.start(3);
    const epoch = await fund(TOKEN(500));
    expect(epoch).to.equal(1n);
    // Validator 2 (PostgreSQL) has indexed the funding before it dies.
    const fundedAt = await provider().getBlockNumber();
    await mine(CONFIRMATIONS);
    await until("validator 2 to index the funding", async () => {
      return ((await net.metric(1, "tributary_node_indexed_block")) ?? 0) >= fundedAt;
    });
    await net.kill(1, "SIGKILL");
    await net.restart(1);
    await close(epoch);
    await settled(epoch);

    const [landed] = await submissions(epoch);
    const mine2 = (await published(epoch)).filter((p) => p.signer === net.nodes[1]!.address);
    expect(mine2).to.have.length(1);
    expect(mine2[0]!.settlement.root).to.equal(landed!.args.root);
    // It computed epoch 1 from the state of epoch 0 it had stored before it was killed.
    const computed = net.logLines(1, "settlement computed, artifact written").filter((l) => l.epoch === 1);
    expect(computed).to.have.length(1);
    expect(computed[0]!.foldedEpochs).to.equal(1);
    expect(computed[0]!.root).to.equal(landed!.args.root);

    // Validator 4 never signed, alerted once through its log, metrics and webhook.
    expect((await published(epoch)).some((p) => p.signer === net.nodes[3]!.address)).to.equal(false);
    await until("the webhook to receive the alert", async () =>
      alertsReceived.some((a) => a.alert === "allocation_params_mismatch" && a.epoch === 1),
    );
    const metrics = await net.metrics(3);
    expect(
      metricWithLabel(metrics, "tributary_node_alerts_total", 'kind="allocation_params_mismatch"'),
    ).to.be.greaterThan(0);
    const refusal = net.nodes[3]!.output.split("\n").find((l) => l.includes('"alert":"allocation_params_mismatch"'));
    expect(refusal, "the alert's log line").to.not.equal(undefined);
    expect(JSON.parse(refusal!)).to.include({ level: 50 });
  });

  it("signing protection holds across kill -9 at random points: every signature published was recorded first", async function () {
    const epoch = await fund(TOKEN(250));
    await close(epoch);
    // Without validator 3 there is no quorum, so its node is killed while it works on the epoch.
    await net.kill(2, "SIGKILL");
    const random = rng(2026);
    for (let round = 0; round < 4; round++) {
      await net.start(2);
      await new Promise((resolve) => setTimeout(resolve, 100 + random(1_500)));
      await net.kill(2, "SIGKILL");
    }
    await net.start(2);
    await settled(epoch);

    // Stop it to read its PGlite database, then compare with everything it ever published.
    await net.kill(2, "SIGTERM");
    const db = await openDatabase({ dataDir: net.nodes[2]!.dataDir, name: "db" });
    try {
      const protection = await SigningProtection.open(db);
      for (let e = 0n; e <= epoch; e++) {
        const mine3 = (await published(e)).filter((p) => p.signer === net.nodes[2]!.address);
        const contents = new Set(mine3.map((p) => `${p.settlement.root}|${p.settlement.dataUri}`));
        expect(contents.size, `distinct contents validator 3 published for epoch ${e}`).to.be.at.most(1);
        const record = await protection.get(e);
        for (const p of mine3) expect(record?.root, `epoch ${e}`).to.equal(p.settlement.root.toLowerCase());
      }
    } finally {
      await db.close();
    }
    await net.start(2);
  });

  it("a reorganisation of unconfirmed blocks never reaches the index; a deeper one rolls it back, and the epoch settles on the final chain", async function () {
    const epoch = await tributary().distributor.currentEpoch();
    const reorgsBefore = await Promise.all([0, 1, 2].map((i) => net.metric(i, "tributary_node_reorgs_total")));

    // Shallow: a funding one block deep, reverted before it is confirmed.
    const shallow = await provider().send("evm_snapshot", []);
    await fund(TOKEN(111));
    const unconfirmedAt = await provider().getBlockNumber();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    for (const i of [0, 1, 2]) {
      expect(await net.metric(i, "tributary_node_indexed_block")).to.be.lessThan(unconfirmedAt);
    }
    await provider().send("evm_revert", [shallow]);

    // Deep: a funding confirmed and indexed, then replaced by another one on a longer chain.
    const deep = await provider().send("evm_snapshot", []);
    await fund(TOKEN(222));
    const indexedAt = await provider().getBlockNumber();
    await mine(CONFIRMATIONS);
    await until("the nodes to index the doomed funding", async () => {
      for (const i of [0, 1, 2])
        if (((await net.metric(i, "tributary_node_indexed_block")) ?? 0) < indexedAt) return false;
      return true;
    });
    await provider().send("evm_revert", [deep]);
    await fund(TOKEN(333));
    await mine(CONFIRMATIONS + 4);
    await until("every node to roll back", async () => {
      for (const [i, before] of reorgsBefore.entries()) {
        if (((await net.metric(i, "tributary_node_reorgs_total")) ?? 0) <= (before ?? 0)) return false;
      }
      return true;
    });

    await close(epoch);
    await settled(epoch);
    const check = await verify(tributary(), { epoch });
    expect(check.onChainRoot).to.equal(check.computedRoot);
    // Funded through this epoch: 1000 + 500 + 250 + 333, never 111 or 222. With no attributed output,
    // what is owed is the 5 % protocol fee on each funding.
    expect(await net.suite.rewardToken.balanceOf(net.suite.deployment.distributor)).to.equal(TOKEN(2_083));
    const [landed] = await submissions(epoch);
    expect(landed!.args.cumulativeTotals[0]).to.equal((TOKEN(2_083) * 500n) / 10_000n);
  });

  it("after governance vetoes a settlement the nodes signed, they sign it again under a new data URI, and it lands", async function () {
    const epoch = (await tributary().distributor.nextEpochToSettle()) - 1n;
    const [first] = await submissions(epoch);
    await (await withRunner(tributary(), net.suite.cast.admin).distributor.veto(epoch)).wait();
    await mine(CONFIRMATIONS);
    await settled(epoch);
    const all = await submissions(epoch);
    expect(all).to.have.length(2);
    expect(all[1]!.args.root).to.equal(first!.args.root);
    // The same root as attempt 2: other content, so another content address, which each node's artifact has.
    expect(all[1]!.args.dataUri).to.not.equal(first!.args.dataUri);
    const key = settlementKey(tributary(), epoch);
    for (const n of net.nodes.slice(0, 3)) {
      const artifact = await new FileSettlementStore(path.join(n.dataDir, "artifacts")).readArtifact(key);
      expect(artifact!.metadata.attempt).to.equal(2);
      expect(artifactDataUri(artifact!)).to.equal(all[1]!.args.dataUri);
    }
    const resigned = net.logLines(
      0,
      "governance vetoed what this node signed for the epoch; signing the new settlement",
    );
    expect(
      resigned.length +
        net.logLines(1, "governance vetoed what this node signed for the epoch; signing the new settlement").length,
    ).to.be.greaterThan(0);
  });
});

import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { encryptKeystoreJson, HDNodeWallet, id, Wallet } from "ethers";
import {
  connectSettlementBoard,
  readPublishedSignatures,
  settlementKey,
  verify,
  type SettlementArtifact,
} from "../../client/index.js";
import { deployDemoSuite, EPOCH_SECONDS, seedEpoch, setupNetwork, type DemoSuite } from "../../scripts/lib/scenario.js";
import { startHardhatNode, type RunningNode } from "../../scripts/lib/node.js";
import { SigningProtection } from "../../node/src/protection.js";
import { openDatabase } from "../../node/src/db.js";

const MNEMONIC = "test test test test test test test test test test test junk";
const PASSWORD = "correct horse battery staple";

/** One `tributary-node` OS process. */
interface NodeProcess {
  name: string;
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes. */
async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 40_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Stops a process by its pid: SIGTERM, then SIGKILL after 10 s. Resolves with its exit code. */
function stopByPid(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    const killer = setTimeout(() => child.pid && process.kill(child.pid, "SIGKILL"), 10_000);
    child.once("exit", (code) => {
      clearTimeout(killer);
      resolve(code);
    });
    if (child.pid) process.kill(child.pid, "SIGTERM");
  });
}

function metric(text: string, name: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.split(" ").at(-1));
}

describe("tributary-node: validator nodes settle an epoch on their own", function () {
  this.timeout(120_000);
  let chain: RunningNode;
  let work: string;
  let suite: DemoSuite;
  let connection: Awaited<ReturnType<typeof network.create>>;
  const nodes: NodeProcess[] = [];
  const configs: string[] = [];

  async function startNode(i: number): Promise<NodeProcess> {
    const name = `validator-${i + 1}`;
    const child = spawn(process.execPath, ["--import", "tsx", "node/src/main.ts", "--config", configs[i]!], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, TRIBUTARY_KEYSTORE_PASSWORD: PASSWORD, FORCE_COLOR: "0" },
    });
    let output = "";
    const file = createWriteStream(path.join(work, `${name}.log`), { flags: "a" });
    child.stdout!.on("data", (d) => ((output += d), file.write(d)));
    child.stderr!.on("data", (d) => ((output += d), file.write(d)));
    child.once("exit", () => file.end());
    const node: NodeProcess = { name, child, url: "", output: () => output };
    nodes.push(node);
    node.url = await until(
      `${name} to listen`,
      async () => {
        if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${output}`);
        const line = output.split("\n").find((l) => l.includes('"msg":"listening"'));
        return line ? (JSON.parse(line) as { url: string }).url : undefined;
      },
      30_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${output}`);
    });
    return node;
  }
  const get = async (node: NodeProcess, endpoint: string) => {
    const response = await fetch(`${node.url}${endpoint}`);
    return { status: response.status, text: await response.text() };
  };

  before(async function () {
    chain = await startHardhatNode();
    work = await mkdtemp(path.join(os.tmpdir(), "tributary-node-"));
    connection = await network.create({ network: "localhost", override: { url: chain.url } });
    suite = await deployDemoSuite(connection);
    const net = await setupNetwork(suite);
    await seedEpoch(connection, suite, net, 0);
    const deploymentFile = path.join(work, "deployment.json");
    await writeFile(
      deploymentFile,
      JSON.stringify({ ...suite.deployment, chainId: suite.deployment.chainId.toString() }, null, 2),
    );
    // The demo cast's validators are the hardhat node's accounts 4-7 (castFrom): one keystore each.
    for (let i = 0; i < 4; i++) {
      const wallet = HDNodeWallet.fromPhrase(MNEMONIC, undefined, `m/44'/60'/0'/0/${i + 4}`);
      expect(wallet.address).to.equal(await suite.cast.validators[i]!.getAddress());
      const keystore = path.join(work, `validator-${i + 1}.keystore.json`);
      // A light scrypt keeps the test fast; `npm run node:keystore` uses ethers' default.
      await writeFile(
        keystore,
        await encryptKeystoreJson(new Wallet(wallet.privateKey), PASSWORD, { scrypt: { N: 1 << 12 } }),
      );
      const config = path.join(work, `validator-${i + 1}.config.json`);
      await writeFile(
        config,
        JSON.stringify({
          rpcUrl: chain.url,
          deployment: deploymentFile,
          // Validator 4's key stays in an external signer: the hardhat node, which holds its account.
          ...(i === 3 ? { signerUrl: chain.url, signerAddress: wallet.address } : { keystore }),
          dataDir: path.join(work, `validator-${i + 1}`),
          listen: "127.0.0.1:0",
          confirmations: 0,
          pollIntervalMs: 300,
        }),
      );
      configs.push(config);
    }
  });
  after(async function () {
    for (const node of nodes) await stopByPid(node.child);
    await chain?.stop();
    if (work && process.env.KEEP_NODE_TEST_DIR === undefined) await rm(work, { recursive: true, force: true });
  });
  afterEach(function () {
    if (this.currentTest?.state === "failed") {
      for (const node of nodes)
        console.log(`--- ${node.name} (pid ${node.child.pid}) ---\n${node.output().slice(-4_000)}`);
    }
  });

  it("three of four validator nodes reach quorum and settle epoch 0 with no operator", async function () {
    const { tributary } = suite;
    // Validator 4 (the smallest stake) stays down; 1-3 hold 2400 of 2800, above the 2/3 quorum.
    for (let i = 0; i < 3; i++) await startNode(i);
    for (const node of nodes) {
      const health = await get(node, "/healthz");
      expect(health.status).to.equal(200);
      expect(JSON.parse(health.text).pid).to.equal(node.child.pid);
    }
    expect(await tributary.distributor.nextEpochToSettle()).to.equal(0n);

    const genesis = await tributary.distributor.GENESIS();
    await connection.networkHelpers.time.increaseTo(genesis + EPOCH_SECONDS + 1n);
    await until("epoch 0 to be settled on chain", async () => (await tributary.distributor.nextEpochToSettle()) === 1n);

    const check = await verify(tributary, { epoch: 0n });
    expect(check.matches).to.equal(true);
    const board = connectSettlementBoard(suite.deployment.settlementBoard!, tributary.runner);
    const published = await readPublishedSignatures(tributary, board, 0n);
    const validators = await Promise.all(suite.cast.validators.map((v) => v.getAddress()));
    expect(new Set(published.map((p) => p.signer))).to.deep.equal(new Set(validators.slice(0, 3)));
    expect(new Set(published.map((p) => p.digest)).size).to.equal(1);

    // Each node wrote the artifact of what it signed, and reports it.
    for (const [i, node] of nodes.entries()) {
      const artifactsDir = path.join(work, `validator-${i + 1}`, "artifacts");
      const artifact = JSON.parse(
        await readFile(path.join(artifactsDir, `${settlementKey(tributary, 0n)}.json`), "utf8"),
      ) as SettlementArtifact;
      expect(artifact.metadata.root).to.equal(check.onChainRoot);
      const metrics = await until(`${node.name} to see the settlement`, async () => {
        const m = await get(node, "/metrics");
        return metric(m.text, "tributary_node_last_settled_epoch") === 0 ? m.text : undefined;
      });
      expect(metric(metrics, "tributary_node_last_signed_epoch")).to.equal(0);
      expect(metric(metrics, "tributary_node_signatures_published_total")).to.equal(1);
      expect(metric(metrics, "tributary_node_head_block")).to.be.greaterThan(0);
      expect(metric(metrics, "tributary_node_alerts_total")).to.equal(0);
      const ready = await get(node, "/readyz");
      expect(ready.status, ready.text).to.equal(200);
    }
    // Exactly one submission landed; whoever else saw quorum stood down or never tried.
    const submitted = nodes.filter((n) => n.output().includes('"msg":"settlement submitted"'));
    expect(submitted).to.have.length(1);
  });

  it("a restarted node refuses to sign other content for an epoch it signed, and raises the alert", async function () {
    const { tributary } = suite;
    const first = nodes[0]!;
    expect(await stopByPid(first.child), first.output()).to.equal(0);
    expect(first.output()).to.include('"msg":"stopped"');
    nodes.splice(0, 1);

    // Its protection database says it already signed other content for epoch 1 (as if it had before a crash).
    const db = await openDatabase({ dataDir: path.join(work, "validator-1"), name: "db" });
    const protection = await SigningProtection.open(db);
    try {
      expect((await protection.get(0n))?.root).to.equal((await verify(tributary, { epoch: 0n })).onChainRoot);
      const conflicting = await protection.claim({
        epoch: 1n,
        digest: id("another settlement of epoch 1"),
        root: id("another root"),
        cumulativeTotals: [1n],
        dataUri: "ipfs://another-settlement-1",
        deadline: 1n,
      });
      expect(conflicting.allowed).to.equal(true);
    } finally {
      await db.close();
    }
    const restarted = await startNode(0);

    const genesis = await tributary.distributor.GENESIS();
    await connection.networkHelpers.time.increaseTo(genesis + 2n * EPOCH_SECONDS + 1n);
    const board = connectSettlementBoard(suite.deployment.settlementBoard!, tributary.runner);
    const validators = await Promise.all(suite.cast.validators.map((v) => v.getAddress()));
    await until("validators 2 and 3 to publish for epoch 1", async () => {
      const signers = new Set((await readPublishedSignatures(tributary, board, 1n)).map((p) => p.signer));
      return signers.has(validators[1]!) && signers.has(validators[2]!);
    });
    const metrics = await until("the alert", async () => {
      const m = await get(restarted, "/metrics");
      return metric(m.text, "tributary_node_alerts_total") === 1 ? m.text : undefined;
    });
    expect(metric(metrics, "tributary_node_signatures_published_total")).to.equal(0);
    expect(restarted.output()).to.match(/"level":50.*"alert":"conflicting_signature".*"epoch":1/);
    // A few more polls: it keeps refusing, and without its stake epoch 1 stays short of quorum.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const published = await readPublishedSignatures(tributary, board, 1n);
    expect(published.map((p) => p.signer)).to.not.include(validators[0]);
    expect(await tributary.distributor.nextEpochToSettle()).to.equal(1n);
    expect(metric((await get(restarted, "/metrics")).text, "tributary_node_alerts_total")).to.equal(1);
  });

  it("a node whose key is held by an external signer signs through eth_signTypedData_v4", async function () {
    const { tributary } = suite;
    const board = connectSettlementBoard(suite.deployment.settlementBoard!, tributary.runner);
    const validators = await Promise.all(suite.cast.validators.map((v) => v.getAddress()));
    const external = await startNode(3);
    expect(external.output()).to.include(`"validator":"${validators[3]}"`);
    const published = await until("validator 4 to publish for epoch 1", async () => {
      const all = await readPublishedSignatures(tributary, board, 1n);
      return all.some((p) => p.signer === validators[3]) ? all : undefined;
    });
    const roots = new Set(published.map((p) => p.settlement.root));
    expect(roots.size, "validators 2, 3 and 4 signed one root").to.equal(1);
  });
});

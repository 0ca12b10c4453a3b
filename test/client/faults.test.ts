import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { JsonRpcProvider, JsonRpcSigner } from "ethers";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import {
  computeEpochSettlement,
  connectTributary,
  serializeDeployment,
  settle,
  type SettleStep,
} from "../../client/index.js";
import { FileSettlementStore } from "../../client/node/index.js";
import { deployDemoSuite, EPOCH_SECONDS, seedEpoch, setupNetwork, type DemoSuite } from "../../scripts/lib/scenario.js";
import { startHardhatNode, type RunningNode } from "../../scripts/lib/node.js";
import { startFaultProxy } from "../helpers/faultProxy.js";

describe("settler under faults, against a hardhat node", function () {
  this.timeout(600_000);
  let node: RunningNode;
  let suite: DemoSuite;
  let expectedRoot: string;
  let expectedTotals: string[];
  let direct: JsonRpcProvider;
  let snapshot: string;

  before(async function () {
    node = await startHardhatNode();
    const connection = await network.create({ network: "localhost", override: { url: node.url } });
    suite = await deployDemoSuite(connection);
    await seedEpoch(connection, suite, await setupNetwork(suite), 0);
    const genesis = await suite.tributary.distributor.GENESIS();
    await connection.networkHelpers.time.increaseTo(genesis + EPOCH_SECONDS + 1n);
    await connection.networkHelpers.mine(12);
    const expected = await computeEpochSettlement(suite.tributary, { epoch: 0n });
    expectedRoot = expected.tree.root;
    expectedTotals = expected.computation.cumulativeTotals.map(String);
    // Three pools in three tokens were funded: the settlement carries three totals.
    expect(expectedTotals).to.have.length(3);
    direct = new JsonRpcProvider(node.url, undefined, { batchMaxCount: 1 });
    snapshot = await direct.send("evm_snapshot", []);
  });
  after(async function () {
    direct?.destroy();
    await node?.stop();
  });

  async function freshChain() {
    await direct.send("evm_revert", [snapshot]);
    snapshot = await direct.send("evm_snapshot", []);
  }
  async function submissions(): Promise<number> {
    const d = suite.tributary.distributor;
    return (
      await direct.getLogs({
        address: suite.deployment.distributor,
        topics: [d.interface.getEvent("SettlementSubmitted")!.topicHash],
        fromBlock: 0,
      })
    ).length;
  }

  it("through a proxy that drops, delays and fails requests and replays a reorg: same root, one submission", async function () {
    await freshChain();
    const proxy = await startFaultProxy(node.url, { dropRate: 0.1, errorRate: 0.1, maxDelayMs: 20, seed: 7 });
    const provider = new JsonRpcProvider(proxy.url, undefined, {
      batchMaxCount: 1,
      staticNetwork: true,
      pollingInterval: 50,
    });
    try {
      const admin = new JsonRpcSigner(provider, await suite.cast.admin.getAddress());
      const validators = await Promise.all(
        suite.cast.validators.map(async (v) => new JsonRpcSigner(provider, await v.getAddress())),
      );
      const tributary = connectTributary(suite.deployment, admin);
      proxy.replayReorg(4, 6);
      const store = new FileSettlementStore(await mkdtemp(path.join(os.tmpdir(), "tributary-faults-")));
      const result = await settle(tributary, {
        epoch: 0n,
        validators,
        store,
        attempts: 40,
        retryBackoffMs: 20,
        index: { confirmations: 6, chunkSize: 8, retries: 8, backoffMs: 10 },
      });
      expect(result.root).to.equal(expectedRoot);
      expect(result.cumulativeTotals.map(String)).to.deep.equal(expectedTotals);
      expect(await submissions()).to.equal(1);
      const artifact = JSON.parse(await readFile(result.artifactLocation, "utf8"));
      expect(StandardMerkleTree.load(artifact).root).to.equal(expectedRoot);
      expect(artifact.metadata.tokens.map((t: { cumulativeTotal: string }) => t.cumulativeTotal)).to.deep.equal(
        expectedTotals,
      );
      expect(proxy.counts.dropped, JSON.stringify(proxy.counts)).to.be.greaterThan(0);
      expect(proxy.counts.errored).to.be.greaterThan(0);
      expect(proxy.counts.reorged).to.be.greaterThan(0);
    } finally {
      provider.destroy();
      await proxy.close();
    }
  });

  const killPoints: SettleStep[] = ["indexed", "tree", "signed", "sent", "submitted"];
  for (const step of killPoints) {
    it(`a settler process killed right after "${step}" resumes: same root, one submission, complete artifact`, async function () {
      await freshChain();
      const storeDirectory = await mkdtemp(path.join(os.tmpdir(), "tributary-kill-"));
      const env = {
        NODE_URL: node.url,
        ADMIN: await suite.cast.admin.getAddress(),
        VALIDATORS: (await Promise.all(suite.cast.validators.map((v) => v.getAddress()))).join(","),
        DEPLOYMENT: JSON.stringify(serializeDeployment(suite.deployment)),
        STORE_DIR: storeDirectory,
        SETTLE_EPOCH: "0",
      };
      const killed = await runSettler({ ...env, CRASH_AT: step });
      expect(killed.signal).to.equal("SIGKILL");
      const resumed = await runSettler(env);
      expect(resumed.code, resumed.stderr).to.equal(0);
      const output = JSON.parse(resumed.stdout.trim().split("\n").at(-1)!);
      expect(output.root).to.equal(expectedRoot);
      expect(await submissions()).to.equal(1);
      const artifact = JSON.parse(await readFile(output.artifact, "utf8"));
      expect(StandardMerkleTree.load(artifact).root).to.equal(expectedRoot);
      expect(artifact.metadata.amounts.length).to.equal(artifact.values.length);
      expect(artifact.metadata.tokens.map((t: { cumulativeTotal: string }) => t.cumulativeTotal)).to.deep.equal(
        expectedTotals,
      );
    });
  }
});

function runSettler(
  env: Record<string, string>,
): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  const script = path.resolve("scripts", "lib", "settleProcess.ts");
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", script], { env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/**
 * The validator node's settlement computation against today's full rescan, on one history seeded on a
 * real `hardhat node`: 10 funded epochs, 20 000 contributors and 200 000 attributed outputs, about
 * 20 000 per epoch. The node path runs in a child process (nodeWorker.ts), so its peak RSS is its own:
 * a fresh database, `sync` of the whole history, then each epoch from the stored state of the one
 * before. The rescan (`computeEpochSettlement`) runs here, over the same chain.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { JsonRpcProvider, parseUnits } from "ethers";
import { computeEpochSettlement, connectTributary } from "../../client/index.js";
import { EPOCH_SECONDS } from "../lib/scenario.js";
import { startHardhatNode } from "../lib/node.js";
import { attributeOutputs, deployBenchChain, fundNetworkPool, prepareFunding, registerContributors } from "./seed.js";
import type { NodeWorkerResult } from "./nodeWorker.js";
import { NODE_PROCESS_FLAGS } from "../../node/src/runtime.js";

export interface NodeBenchResults {
  epochs: number;
  contributors: number;
  outputs: number;
  seedMs: number;
  /** Events the node indexed: the whole history. */
  events: number;
  syncMs: number;
  /** Events indexed per second by the node's `sync`. */
  eventsPerSec: number;
  /** `EpochComputer.compute(0)` on a fresh database. */
  recomputeFirstMs: number;
  /** `compute(last)`, from the stored state of the epoch before. */
  recomputeLatestMs: number;
  /** Every epoch's `compute`, in order. */
  recomputeMsByEpoch: number[];
  /** Events the node read for each epoch. */
  epochEvents: number[];
  /** Peak RSS of the node process (sync and every compute). */
  peakRssMB: number;
  /** Peak RSS with the database open before `sync`, and once `sync` returned; the heap then in use. */
  peakRssBeforeSyncMB: number;
  peakRssAfterSyncMB: number;
  heapAfterSyncMB: number;
  /** `computeEpochSettlement` of the last epoch: every log from the deployment block, then the whole history folded. */
  rescanLatestMs: number;
  rescanFirstMs: number;
  rescanEvents: number;
  /** Events per second of the rescan's indexing stage. */
  rescanEventsPerSec: number;
  /** The node's roots for the first and last epochs equal the rescan's. */
  sameRoots: boolean;
}

const TOKEN = (n: number | string) => parseUnits(String(n), 18);
const FUNDING_PER_EPOCH = TOKEN(100_000);

export async function measureNode(
  log: (line: string) => void,
  sizes = { epochs: 10, contributors: 20_000, outputs: 200_000 },
): Promise<NodeBenchResults> {
  const node = await startHardhatNode();
  const work = await mkdtemp(path.join(os.tmpdir(), "tributary-bench-node-"));
  try {
    const seedStarted = Date.now();
    const chain = await deployBenchChain(node.url);
    const { tributary, deployment } = chain.suite;
    const time = chain.connection.networkHelpers.time;
    const genesis = await tributary.distributor.GENESIS();
    await registerContributors(chain, sizes.contributors, log);
    await prepareFunding(chain, FUNDING_PER_EPOCH * BigInt(sizes.epochs));
    const perEpoch = Math.ceil(sizes.outputs / sizes.epochs);
    for (let e = 0; e < sizes.epochs; e++) {
      const epochStart = genesis + BigInt(e) * EPOCH_SECONDS;
      if (BigInt(await time.latest()) < epochStart) await time.increaseTo(epochStart);
      const firstOutput = e * perEpoch;
      const count = Math.min(perEpoch, sizes.outputs - firstOutput);
      await attributeOutputs(chain, { firstOutput, count, contributors: sizes.contributors });
      await fundNetworkPool(chain, BigInt(e), FUNDING_PER_EPOCH);
      log(`  epoch ${e}: ${count} outputs attributed, funded (${((Date.now() - seedStarted) / 1000).toFixed(0)} s)`);
    }
    await time.increaseTo(genesis + BigInt(sizes.epochs) * EPOCH_SECONDS + 1n);
    const seedMs = Date.now() - seedStarted;
    log(`  seeded in ${(seedMs / 1000).toFixed(1)} s; running the node…`);

    const deploymentFile = path.join(work, "deployment.json");
    await writeFile(deploymentFile, JSON.stringify({ ...deployment, chainId: deployment.chainId.toString() }));
    const worker = await runWorker([
      "--url",
      node.url,
      "--deployment",
      deploymentFile,
      "--data-dir",
      path.join(work, "node"),
      "--epochs",
      String(sizes.epochs),
    ]);
    const last = sizes.epochs - 1;
    log(
      `  node: sync ${worker.events} events in ${Math.round(worker.syncMs)} ms; compute ` +
        worker.computeMs.map((ms) => Math.round(ms)).join(", ") +
        ` ms; peak RSS ${Math.round(worker.peakRssMB)} MB (before sync ${Math.round(worker.peakRssBeforeSyncMB)}, ` +
        `after ${Math.round(worker.peakRssAfterSyncMB)}, heap after sync ${Math.round(worker.heapAfterSyncMB)} MB)`,
    );
    if (worker.folded.some((n) => n !== 1))
      throw new Error(`an epoch was not computed from the stored state: ${worker.folded}`);

    // The rescan reads the chain the way the node does: a plain JSON-RPC provider.
    const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: false });
    try {
      const client = connectTributary(deployment, provider);
      let started = performance.now();
      const latest = await computeEpochSettlement(client, { epoch: last });
      const rescanLatestMs = performance.now() - started;
      started = performance.now();
      const first = await computeEpochSettlement(client, { epoch: 0 });
      const rescanFirstMs = performance.now() - started;
      const rescanEvents = latest.index.events.length;
      log(`  rescan: epoch ${last} ${Math.round(rescanLatestMs)} ms, epoch 0 ${Math.round(rescanFirstMs)} ms`);
      return {
        ...sizes,
        seedMs,
        events: worker.events,
        syncMs: Math.round(worker.syncMs),
        eventsPerSec: Math.round(worker.events / (worker.syncMs / 1000)),
        recomputeFirstMs: Math.round(worker.computeMs[0]!),
        recomputeLatestMs: Math.round(worker.computeMs[last]!),
        recomputeMsByEpoch: worker.computeMs.map((ms) => Math.round(ms)),
        epochEvents: worker.epochEvents,
        peakRssMB: Math.round(worker.peakRssMB),
        peakRssBeforeSyncMB: Math.round(worker.peakRssBeforeSyncMB),
        peakRssAfterSyncMB: Math.round(worker.peakRssAfterSyncMB),
        heapAfterSyncMB: Math.round(worker.heapAfterSyncMB),
        rescanLatestMs: Math.round(rescanLatestMs),
        rescanFirstMs: Math.round(rescanFirstMs),
        rescanEvents,
        rescanEventsPerSec: Math.round(rescanEvents / (latest.timings.indexMs / 1000)),
        sameRoots: worker.roots[0] === first.tree.root && worker.roots[last] === latest.tree.root,
      };
    } finally {
      provider.destroy();
    }
  } finally {
    await node.stop();
    await rm(work, { recursive: true, force: true });
  }
}

/** Runs the node path in its own process and stops it if this one fails first. */
async function runWorker(args: string[]): Promise<NodeWorkerResult> {
  const script = path.resolve(import.meta.dirname, "nodeWorker.ts");
  const child = spawn(process.execPath, [...NODE_PROCESS_FLAGS, script, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", resolve);
    });
    if (code !== 0) throw new Error(`the node benchmark process exited with ${code}`);
    return JSON.parse(out.trim().split("\n").at(-1)!) as NodeWorkerResult;
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
}

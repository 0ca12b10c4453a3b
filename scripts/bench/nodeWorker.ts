/**
 * Child process of the node benchmark, so that its peak RSS is the validator node's alone: a fresh
 * node database in `--data-dir`, `sync` of the whole history, then every epoch computed in turn from
 * the stored state of the epoch before. Prints its figures as one JSON line.
 *
 * node --import tsx scripts/bench/nodeWorker.ts --url <rpc> --deployment <file> --data-dir <dir> --epochs <n>
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { JsonRpcProvider } from "ethers";
import { connectTributary, parseDeployment, prepareKeccak, type TributaryContracts } from "../../client/index.js";
import { AllocationStore } from "../../node/src/allocationStore.js";
import { EpochComputer, type NodeIndex } from "../../node/src/compute.js";
import { openDatabase, type Database } from "../../node/src/db.js";
import { EventIndex } from "../../node/src/index/eventIndex.js";

/** What the worker prints. */
export interface NodeWorkerResult {
  events: number;
  syncMs: number;
  /** `compute(e)` of each epoch e, in order, each from the stored state of e − 1. */
  computeMs: number[];
  /** Epochs folded by each compute: 1 when it started from the stored state before it. */
  folded: number[];
  /** Events read for each epoch. */
  epochEvents: number[];
  roots: string[];
  accounts: number[];
  peakRssMB: number;
  /** Peak RSS with the database open and nothing indexed, and once `sync` has returned. */
  peakRssBeforeSyncMB: number;
  peakRssAfterSyncMB: number;
  /** JavaScript heap in use once `sync` has returned: what the index holds. */
  heapAfterSyncMB: number;
}

const peakRssMB = () => process.resourceUsage().maxRSS / 1024;

/** The one place the benchmark builds the node's index. */
async function createNodeIndex(tributary: TributaryContracts, db: Database): Promise<NodeIndex> {
  return EventIndex.open(db, tributary.deployment);
}

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    deployment: { type: "string" },
    "data-dir": { type: "string" },
    epochs: { type: "string" },
  },
});
if (!values.url || !values.deployment || !values["data-dir"] || !values.epochs) {
  throw new Error("usage: nodeWorker.ts --url <rpc> --deployment <file> --data-dir <dir> --epochs <n>");
}
const provider = new JsonRpcProvider(values.url, undefined, { staticNetwork: false });
const tributary = connectTributary(parseDeployment(JSON.parse(await readFile(values.deployment, "utf8"))), provider);
const db = await openDatabase({ dataDir: values["data-dir"], name: "db" });
try {
  const index = await createNodeIndex(tributary, db);
  const computer = new EpochComputer({ tributary, events: index, store: await AllocationStore.open(db) });
  // The hasher's one-time set-up is not the first epoch's cost.
  await prepareKeccak();
  const peakRssBeforeSyncMB = peakRssMB();

  const syncStarted = performance.now();
  const { events } = await index.sync(provider, { confirmations: 0 });
  const syncMs = performance.now() - syncStarted;

  const result: NodeWorkerResult = {
    events,
    syncMs,
    computeMs: [],
    folded: [],
    epochEvents: [],
    roots: [],
    accounts: [],
    peakRssMB: 0,
    peakRssBeforeSyncMB,
    peakRssAfterSyncMB: peakRssMB(),
    heapAfterSyncMB: process.memoryUsage().heapUsed / 2 ** 20,
  };
  for (let epoch = 0n; epoch < BigInt(values.epochs); epoch++) {
    const started = performance.now();
    const settlement = await computer.compute(epoch);
    result.computeMs.push(performance.now() - started);
    result.folded.push(settlement.folded);
    result.epochEvents.push(settlement.events);
    result.roots.push(settlement.tree.root);
    result.accounts.push(settlement.computation.entries.length);
  }
  result.peakRssMB = peakRssMB();
  console.log(JSON.stringify(result));
} finally {
  await db.close();
  provider.destroy();
}

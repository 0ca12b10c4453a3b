/**
 * `npm run bench`: gas next to EAS and Uniswap's MerkleDistributor, settlement-tree building
 * next to OpenZeppelin's, an end-to-end settle against a hardhat node, and the validator node's
 * settlement computation against a full rescan, and the rewards API under load next to its empty route.
 * Prints a table with each target and writes
 * bench/results.json. A benchmark, not a test: it never fails on a miss.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { measureApi } from "./api.js";
import { measureGas } from "./gas.js";
import { measureMerkle } from "./merkle.js";
import { measureNode } from "./node.js";
import { measureSettle } from "./settle.js";

const log = (line: string) => console.log(line);
/** BENCH_NODE_OUTPUTS and BENCH_NODE_CONTRIBUTORS shrink the node part's history for a quick try. */
const nodeSizes = () => ({
  epochs: 10,
  contributors: Number(process.env.BENCH_NODE_CONTRIBUTORS ?? 20_000),
  outputs: Number(process.env.BENCH_NODE_OUTPUTS ?? 200_000),
});
const only = process.env.BENCH_ONLY?.split(",");
const wanted = (part: string) => !only || only.includes(part);

console.log("Gas (embedded Hardhat network)…");
const gas = wanted("gas") ? await measureGas(await network.create(), log) : undefined;
console.log("Settlement trees…");
const merkle = wanted("merkle") ? await measureMerkle(log) : undefined;
console.log("End-to-end settle against a hardhat node (10 000 contributors, 50 000 outputs)…");
const settleResult = wanted("settle") ? await measureSettle(log) : undefined;
console.log("Validator node: stored-state recompute against a full rescan (10 epochs, 200 000 outputs)…");
const nodeResult = wanted("node") ? await measureNode(log, nodeSizes()) : undefined;
console.log("Rewards API under load (100 000 accounts settled, autocannon on 127.0.0.1)…");
const apiResult = wanted("api") ? await measureApi(log) : undefined;

const out = path.resolve("bench", "results.json");
// A partial run (BENCH_ONLY) keeps the other parts of the previous results.
const previous = only ? JSON.parse(await readFile(out, "utf8").catch(() => "{}")) : {};
const results = {
  machine: {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? "unknown",
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
  },
  gas: gas ?? previous.gas,
  merkle: merkle ?? previous.merkle,
  settle: settleResult ?? previous.settle,
  node: nodeResult ?? previous.node,
  api: apiResult ?? previous.api,
};
await mkdir(path.dirname(out), { recursive: true });
await writeFile(out, JSON.stringify(results, null, 2) + "\n");

type Row = [string, string, string, boolean | undefined];
const rows: Row[] = [];
if (gas) {
  rows.push(
    [
      "register (commit + reveal)",
      `${gas.register}`,
      `≤ 0.4 × easAttest = ${Math.floor(0.4 * gas.easAttest)}`,
      gas.register <= 0.4 * gas.easAttest,
    ],
    [
      "registerBatchPer (batch of 100)",
      `${gas.registerBatchPer}`,
      `≤ 0.2 × easAttest = ${Math.floor(0.2 * gas.easAttest)}`,
      gas.registerBatchPer <= 0.2 * gas.easAttest,
    ],
    ["easAttest (same fields)", `${gas.easAttest}`, "reference", undefined],
    ["vote (mean)", `${gas.vote}`, "≤ 60 000", gas.vote <= 60_000],
    [
      "attributionRecord (8 contributions, batch of 200)",
      `${gas.attributionRecord}`,
      "≤ 10 000",
      gas.attributionRecord <= 10_000,
    ],
    ["batchAttest", `${gas.batchAttest}`, "≤ 60 000", gas.batchAttest <= 60_000],
    [
      "submitSettlement (1 token, 5 signatures)",
      `${gas.submitSettlement}`,
      "≤ 150 000",
      gas.submitSettlement <= 150_000,
    ],
    [
      "submitSettlement3Tokens (5 signatures)",
      `${gas.submitSettlement3Tokens}`,
      "≤ 160 000",
      gas.submitSettlement3Tokens <= 160_000,
    ],
    [
      "claimFirst (100 000-leaf tree)",
      `${gas.claimFirst}`,
      `≤ 1.06 × urdClaimFirst = ${Math.floor(1.06 * gas.urdClaimFirst)} (${gas.ratios.claimFirstOverUrd}×)`,
      gas.claimFirst <= 1.06 * gas.urdClaimFirst,
    ],
    [
      "claimLater",
      `${gas.claimLater}`,
      `≤ 1.08 × urdClaimLater = ${Math.floor(1.08 * gas.urdClaimLater)} (${gas.ratios.claimLaterOverUrd}×)`,
      gas.claimLater <= 1.08 * gas.urdClaimLater,
    ],
    ["urdClaimFirst (Morpho URD, same tree)", `${gas.urdClaimFirst}`, "reference", undefined],
    ["urdClaimLater", `${gas.urdClaimLater}`, "reference", undefined],
    ["uniswapClaim (100 000-leaf tree)", `${gas.uniswapClaim}`, "reference", undefined],
    [
      "one cumulative claim after 10 epochs",
      `${gas.extra.cumulativeClaimAfter10Epochs}`,
      `Uniswap, 10 per-epoch claims: ${gas.extra.uniswap10EpochClaims}`,
      undefined,
    ],
    ["claimBatchPer (20 accounts)", `${gas.claimBatchPer}`, "-", undefined],
    ["publishSignature (per validator per epoch, 3 tokens)", `${gas.publishSignature}`, "-", undefined],
  );
}
if (merkle) {
  rows.push(
    [
      "tree, 100 000 leaves (Tributary)",
      `${merkle.tributaryMs} ms`,
      `≥ 20× faster than OpenZeppelin (${merkle.speedup}×)`,
      merkle.speedup >= 20 && merkle.sameRoot,
    ],
    [
      "tree, 100 000 leaves (OpenZeppelin)",
      `${merkle.openzeppelinMs} ms`,
      `same root and dump: ${merkle.sameRoot}`,
      undefined,
    ],
    ["proofs per second", `${merkle.proofsPerSec}`, "-", undefined],
    [
      "tree, 1 000 000 leaves",
      `${merkle.tributary1MMs} ms, ${merkle.peakRssMB1M} MB`,
      "≤ 10 s and ≤ 1.5 GB",
      merkle.tributary1MMs <= 10_000 && merkle.peakRssMB1M <= 1_536,
    ],
  );
}
if (settleResult) {
  rows.push(
    ["settle: index", `${settleResult.indexMs} ms`, "-", undefined],
    ["settle: allocate", `${settleResult.allocateMs} ms`, "-", undefined],
    ["settle: tree", `${settleResult.treeMs} ms`, "-", undefined],
    ["settle: sign + submit", `${settleResult.submitMs} ms`, "-", undefined],
    ["settle: end to end", `${settleResult.totalMs} ms`, "≤ 120 s", settleResult.totalMs <= 120_000],
  );
}
if (nodeResult) {
  rows.push(
    [
      `node: sync (${nodeResult.events} events)`,
      `${nodeResult.eventsPerSec} events/s`,
      `rescan: ${nodeResult.rescanEventsPerSec} events/s`,
      undefined,
    ],
    ["node: compute first epoch", `${nodeResult.recomputeFirstMs} ms`, "reference", undefined],
    [
      `node: compute epoch ${nodeResult.epochs - 1} (latest)`,
      `${nodeResult.recomputeLatestMs} ms`,
      `≤ 1.2 × first = ${Math.floor(1.2 * nodeResult.recomputeFirstMs)}; rescan ${nodeResult.rescanLatestMs} ms`,
      nodeResult.recomputeLatestMs <= 1.2 * nodeResult.recomputeFirstMs && nodeResult.sameRoots,
    ],
    ["node: peak RSS", `${nodeResult.peakRssMB} MB`, "≤ 1 024 MB", nodeResult.peakRssMB <= 1_024],
  );
}
if (apiResult) {
  rows.push(
    ["api: empty route (GET /v1/ping)", `${apiResult.emptyRps} req/s`, "reference", undefined],
    [
      `api: /rewards (${apiResult.accounts} accounts)`,
      `${apiResult.rewardsRps} req/s`,
      `≥ 0.25 × empty = ${Math.floor(0.25 * apiResult.emptyRps)}`,
      apiResult.rewardsRps >= 0.25 * apiResult.emptyRps,
    ],
    [
      "api: /rewards p50 / p99",
      `${apiResult.rewardsP50Ms} / ${apiResult.rewardsP99Ms} ms`,
      "p99 ≤ 50 ms",
      apiResult.rewardsP99Ms <= 50,
    ],
    [
      `api: /artifact cold, warm (${Math.round(apiResult.artifactBytes / 2 ** 20)} MB)`,
      `${apiResult.artifactColdMs} ms, ${apiResult.artifactWarmRps} req/s`,
      `warm p50 ${apiResult.artifactWarmP50Ms} ms`,
      undefined,
    ],
    [
      "api: /explain",
      `${apiResult.explainRps} req/s`,
      `p50 ${apiResult.explainP50Ms} ms, p99 ${apiResult.explainP99Ms} ms`,
      undefined,
    ],
  );
}
const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => String(r[i]).length), 8));
console.log(
  "\n" + ["measure".padEnd(widths[0]!), "value".padStart(widths[1]!), "target".padEnd(widths[2]!), "met"].join("  "),
);
for (const [name, value, target, met] of rows) {
  console.log(
    [
      name.padEnd(widths[0]!),
      value.padStart(widths[1]!),
      target.padEnd(widths[2]!),
      met === undefined ? "" : met ? "yes" : "MISSED",
    ].join("  "),
  );
}
if (gas) {
  console.log(
    `\nclaimFirst / urdClaimFirst = ${gas.ratios.claimFirstOverUrd}, claimLater / urdClaimLater = ${gas.ratios.claimLaterOverUrd}`,
  );
  const perEpoch = (n: number) => Math.round(n / 10);
  console.log(
    `claim cost per epoch claimed, 10 epochs: Tributary ${perEpoch(gas.extra.cumulativeClaimAfter10Epochs!)} ` +
      `(one cumulative claim), Uniswap ${perEpoch(gas.extra.uniswap10EpochClaims!)} (10 claims)`,
  );
}
console.log(`\nWrote ${out}`);

/** Child process of the benchmark: builds a 1 000 000-leaf tree and prints time and peak RSS. */
import { performance } from "node:perf_hooks";
import { prepareKeccak, SettlementTree } from "../../client/index.js";
import { syntheticEntries } from "./merkle.js";

const entries = syntheticEntries(1_000_000);
await prepareKeccak();
const started = performance.now();
const tree = SettlementTree.build(entries);
const ms = performance.now() - started;
if (!tree.root) throw new Error("no root");
console.log(JSON.stringify({ ms, peakRssMB: process.resourceUsage().maxRSS / 1024 }));

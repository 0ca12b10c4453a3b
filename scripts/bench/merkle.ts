/**
 * Settlement-tree building: Tributary's builder against `StandardMerkleTree.of`, same values,
 * same root; proofs per second; and a 1 000 000-leaf tree in a child process for peak RSS.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { prepareKeccak, SettlementTree } from "../../client/index.js";

/** Three token addresses for synthetic entries (allowlist order is irrelevant to the tree). */
const SYNTHETIC_TOKENS = ["0x" + "11".repeat(20), "0x" + "22".repeat(20), "0x" + "33".repeat(20)];

/**
 * `count` leaves of distinct pseudo-random accounts (lowercase hex), each in one of three tokens in
 * turn, with amounts, ascending by (account, token).
 */
export function syntheticEntries(count: number): [string, string, bigint][] {
  const entries: [string, string, bigint][] = [];
  let x = 0x2545f4914f6cdd1dn;
  const mask = (1n << 160n) - 1n;
  for (let i = 0; i < count; i++) {
    x = (x * 6364136223846793005n + 1442695040888963407n) & ((1n << 192n) - 1n);
    const address = "0x" + ((x ^ (BigInt(i) << 100n)) & mask).toString(16).padStart(40, "0");
    entries.push([address, SYNTHETIC_TOKENS[i % 3]!, 10n ** 15n + BigInt(i)]);
  }
  // Settlement entries come out of the allocation in address order.
  return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export interface MerkleResults {
  leaves: number;
  tributaryMs: number;
  openzeppelinMs: number;
  sameRoot: boolean;
  speedup: number;
  proofsPerSec: number;
  leaves1M: number;
  tributary1MMs: number;
  peakRssMB1M: number;
}

export async function measureMerkle(log: (line: string) => void): Promise<MerkleResults> {
  const entries = syntheticEntries(100_000);
  await prepareKeccak();
  const values = entries.map(([a, t, v]) => [a, t, v.toString()]);
  // Median of three runs each, so neither side pays for its own warm-up.
  const tributaryRuns = timeRuns(3, () => SettlementTree.build(entries));
  const ours = tributaryRuns.result;
  const tributaryMs = tributaryRuns.medianMs;
  log(`  Tributary tree, 100 000 leaves: ${tributaryMs.toFixed(0)} ms (median of 3)`);
  const openzeppelinRuns = timeRuns(3, () => StandardMerkleTree.of(values, ["address", "address", "uint256"]));
  const theirs = openzeppelinRuns.result;
  const openzeppelinMs = openzeppelinRuns.medianMs;
  log(`  OpenZeppelin tree, 100 000 leaves: ${openzeppelinMs.toFixed(0)} ms (median of 3)`);

  const t = performance.now();
  let proofs = 0;
  for (const [account, token] of entries) {
    ours.getProof(account, token);
    proofs++;
  }
  const proofsPerSec = Math.round(proofs / ((performance.now() - t) / 1000));

  const big = await measureMillionInChild();
  log(`  Tributary tree, 1 000 000 leaves: ${big.ms.toFixed(0)} ms, peak RSS ${big.peakRssMB.toFixed(0)} MB`);
  return {
    leaves: 100_000,
    tributaryMs: Math.round(tributaryMs),
    openzeppelinMs: Math.round(openzeppelinMs),
    sameRoot: ours.root === theirs.root && JSON.stringify(ours.dump()) === JSON.stringify(theirs.dump()),
    speedup: Math.round((openzeppelinMs / tributaryMs) * 10) / 10,
    proofsPerSec,
    leaves1M: 1_000_000,
    tributary1MMs: Math.round(big.ms),
    peakRssMB1M: Math.round(big.peakRssMB),
  };
}

function timeRuns<T>(runs: number, build: () => T): { result: T; medianMs: number } {
  const times: number[] = [];
  let result: T | undefined;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    result = build();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { result: result!, medianMs: times[Math.floor(runs / 2)]! };
}

/** Builds the 1M tree in a fresh process, so its peak RSS is the tree's alone. */
async function measureMillionInChild(): Promise<{ ms: number; peakRssMB: number }> {
  const script = path.resolve(import.meta.dirname, "tree1m.ts");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", script], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`the 1M-tree process exited with ${code}`));
      resolve(JSON.parse(out.trim().split("\n").at(-1)!));
    });
  });
}

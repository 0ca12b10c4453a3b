/**
 * End-to-end `settle` of one epoch with 10 000 contributors and 50 000 attributed outputs,
 * against a real `hardhat node` on 127.0.0.1. Seeding is not timed; each settle stage is.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseUnits } from "ethers";
import { settle, withRunner } from "../../client/index.js";
import { FileSettlementStore } from "../../client/node/index.js";
import { EPOCH_SECONDS } from "../lib/scenario.js";
import { startHardhatNode } from "../lib/node.js";
import { attributeOutputs, deployBenchChain, fundNetworkPool, prepareFunding, registerContributors } from "./seed.js";

export interface SettleResults {
  contributors: number;
  outputs: number;
  indexMs: number;
  allocateMs: number;
  treeMs: number;
  submitMs: number;
  totalMs: number;
  seedMs: number;
  accounts: number;
}

const TOKEN = (n: number | string) => parseUnits(String(n), 18);

export async function measureSettle(
  log: (line: string) => void,
  sizes = { contributors: 10_000, outputs: 50_000 },
): Promise<SettleResults> {
  const node = await startHardhatNode();
  const work = await mkdtemp(path.join(os.tmpdir(), "tributary-bench-settle-"));
  try {
    const seedStarted = Date.now();
    const chain = await deployBenchChain(node.url);
    const { connection, suite, admin, validator } = chain;
    const { tributary } = suite;
    await registerContributors(chain, sizes.contributors, log);
    await attributeOutputs(chain, { firstOutput: 0, count: sizes.outputs, contributors: sizes.contributors });
    log(`  ${sizes.outputs} outputs attributed`);
    await prepareFunding(chain, TOKEN(1_000_000));
    await fundNetworkPool(chain, 0n, TOKEN(1_000_000));
    const genesis = await tributary.distributor.GENESIS();
    await connection.networkHelpers.time.increaseTo(genesis + EPOCH_SECONDS + 1n);
    const seedMs = Date.now() - seedStarted;
    log(`  seeded in ${(seedMs / 1000).toFixed(1)} s; settling…`);

    const started = Date.now();
    const result = await settle(withRunner(tributary, admin), {
      epoch: 0n,
      validators: [validator],
      store: new FileSettlementStore(work),
      index: { chunkSize: 2_000 },
    });
    const totalMs = Date.now() - started;
    return {
      contributors: sizes.contributors,
      outputs: sizes.outputs,
      indexMs: Math.round(result.timings.indexMs),
      allocateMs: Math.round(result.timings.allocateMs),
      treeMs: Math.round(result.timings.treeMs),
      submitMs: Math.round(result.timings.signMs + result.timings.submitMs),
      totalMs,
      seedMs,
      accounts: result.artifact.values.length,
    };
  } finally {
    await node.stop();
    await rm(work, { recursive: true, force: true });
  }
}

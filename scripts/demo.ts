/**
 * `npm run demo`: two full epochs on the embedded Hardhat network, from deployment to claims.
 * Exits nonzero if any balance fails to reconcile.
 */
import { rm } from "node:fs/promises";
import path from "node:path";
import { network } from "hardhat";
import { deployDemoSuite, formatEpochTable, runScenario } from "./lib/scenario.js";

const started = Date.now();
// The embedded network starts empty on every run, so its artifacts start afresh too.
const artifactsDirectory = path.resolve("settlements", "demo");
await rm(artifactsDirectory, { recursive: true, force: true });
const connection = await network.create();
console.log("Deploying Tributary on the embedded Hardhat network…");
const suite = await deployDemoSuite(connection);
console.log(
  `  staking ${suite.deployment.staking}\n  registry ${suite.deployment.registry}\n  ledger ${suite.deployment.ledger}\n  distributor ${suite.deployment.distributor}`,
);

const reports = await runScenario(connection, suite, { artifactsDirectory, log: (line) => console.log(line) });

let failed = false;
for (const report of reports) {
  console.log("\n" + formatEpochTable(report));
  console.log(`artifact: ${report.settlement.artifactLocation}`);
  for (const problem of report.problems) {
    failed = true;
    console.error(`RECONCILIATION FAILED: ${problem}`);
  }
}
console.log(`\nArtifacts are in ${artifactsDirectory}. Finished in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
if (failed) {
  console.error("Some balances did not reconcile.");
  process.exitCode = 1;
} else {
  console.log("Every balance reconciles: each account claimed exactly what it was owed.");
}

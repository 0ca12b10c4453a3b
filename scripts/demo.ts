/**
 * `npm run demo`: a local network of validator nodes. A `hardhat node`, the suite deployed on it, and
 * four `tributary-node` processes, each with its own encrypted keystore and database. Contributors and
 * two dapps act through the client over JSON-RPC; the nodes vote on the contributions by their policies,
 * propose the records the dapps hand them over HTTP, attest, and settle every epoch on their own. In
 * epoch 1 one node is killed and the other three settle; restarted, it catches up and signs epoch 2.
 * Prints each epoch's tables and exits nonzero if any balance fails to reconcile.
 */
import { execFileSync } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { formatUnits } from "ethers";
import {
  artifactDataUri,
  buildArtifact,
  collectPublishedSignatures,
  computeEpochSettlement,
  connectSettlementBoard,
  fundPool,
  onChainSettlement,
  settlementKey,
  withRunner,
  type SettlementArtifact,
} from "../client/index.js";
import { FileSettlementStore } from "../client/node/index.js";
import { killStartedProcessesNow, metricValue, until, ValidatorNetwork } from "./lib/network.js";
import { actThroughNodes } from "./lib/throughNodes.js";
import {
  claimAndReconcile,
  createDatanetsAndPools,
  EPOCH_SECONDS,
  formatEpochTable,
  scenarioLabels,
  seedEpoch,
  VALIDATOR_STAKES,
  type ReconciledEpoch,
} from "./lib/scenario.js";

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const log = (line: string) => console.log(line);
const directory = path.resolve("settlements", "demo");
await rm(directory, { recursive: true, force: true });

/** Where the client wrote each epoch's artifact. */
const artifactFiles = new Map<bigint, string>();
let net: ValidatorNetwork | undefined;
// Every process the demo started is stopped by its pid, however the demo ends.
process.once("exit", killStartedProcessesNow);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the network…`);
    void (net?.stopAll() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

/**
 * Validator 4's node runs the example allowlist policy (examples/policies/allowlist.ts), which leaves
 * out contributor 1, so it votes against that contributor's work while the others accept it. The
 * contributors' addresses are known once the suite is deployed, so the nodes start after the launch.
 */
const DISSENTER = 3;
const ALLOWLIST_POLICY = path.resolve("examples", "policies", "allowlist.ts");
let allowlist = "";
console.log("Starting a local chain, deploying Tributary and launching 4 validator nodes…");
net = await ValidatorNetwork.launch({
  directory: path.join(directory, "network"),
  stakes: VALIDATOR_STAKES,
  nodeConfig: (i) => (i === DISSENTER ? { contributionPolicy: ALLOWLIST_POLICY } : {}),
  nodeEnv: (i): Record<string, string> => (i === DISSENTER ? { TRIBUTARY_ALLOWLIST: allowlist } : {}),
  startNodes: [],
  log,
});
const network = net;
console.log(`The network is up (${elapsed()}).`);
let failed = false;
try {
  failed = await run(network);
} catch (error) {
  failed = true;
  console.error(`demo failed: ${(error as Error).stack ?? error}`);
  console.error(`node logs: ${network.nodes.map((n) => n.logFile).join(" ")}`);
} finally {
  await network.stopAll();
}
console.log(`\nArtifacts and node logs are in ${directory}. Finished in ${elapsed()}.`);
if (failed) {
  console.error("Some balances did not reconcile, or the network did not settle.");
  process.exitCode = 1;
} else {
  console.log("Every balance reconciles: each account claimed exactly what it was owed.");
}

/** The scenario over the running network; true if something failed to reconcile. */
async function run(network: ValidatorNetwork): Promise<boolean> {
  const { suite, connection } = network;
  const { tributary } = suite;
  const contributors = await Promise.all(suite.cast.contributors.map((c) => c.getAddress()));
  allowlist = contributors.slice(1).join(",");
  await Promise.all(network.nodes.map((_, i) => network.start(i)));
  log(
    `${network.nodes.map((n) => n.name).join(", ")} started; ${network.nodes[DISSENTER]!.name} runs the allowlist policy, without contributor-1`,
  );
  const nodeName = new Map(network.nodes.map((n) => [n.address.toLowerCase(), n.name]));
  const board = connectSettlementBoard(suite.deployment.settlementBoard!, tributary.runner);
  printProcesses(network);

  const labels = await scenarioLabels(suite);
  const pools = await createDatanetsAndPools(suite, log);
  // The nodes vote, propose the records the dapps hand validator 1's node, and attest, on their own.
  const seeding = {
    act: actThroughNodes(network, { proposer: 0, log }),
    contentDirectory: path.join(directory, "content"),
  };
  const reports: ReconciledEpoch[] = [];

  /** Closes `epoch`, waits for the nodes to settle it, then claims and reconciles through the client. */
  async function settleThroughNodes(epoch: bigint, round: number): Promise<void> {
    const genesis = await tributary.distributor.GENESIS();
    await connection.networkHelpers.time.increaseTo(genesis + (epoch + 1n) * EPOCH_SECONDS + 1n);
    log(`epoch ${epoch} closed (${elapsed()}); the nodes settle it…`);
    await until(
      `the nodes to settle epoch ${epoch}`,
      async () => (await tributary.distributor.nextEpochToSettle()) > epoch,
    );
    const [group] = await collectPublishedSignatures(tributary, board, epoch);
    const submitter = network.nodes.find((_, i) =>
      network.logLines(i, "settlement submitted").some((l) => BigInt(l.epoch as number) === epoch),
    );
    const tstk = (amount: bigint) => formatUnits(amount, 18).replace(/\.0$/, "");
    const signers = group!.signers.map((s) => nodeName.get(s.toLowerCase()) ?? s).sort();
    log(
      `epoch ${epoch} settled by the nodes alone (${elapsed()}): signed by ${signers.join(", ")}, ${tstk(group!.signedStake)} TSTK of stake for a quorum of ${tstk(group!.quorum)}; submitted by ${submitter?.name ?? "a node"}`,
    );
    const artifact = await recompute(network, epoch);
    reports.push(await claimAndReconcile(connection, suite, pools, labels, artifact, round));
    log(`epoch ${epoch}: every entitlement claimed through the client`);
  }

  // Epoch 0: everyone acts; all four nodes sign.
  await seedEpoch(connection, suite, pools, 0, log, seeding);
  await settleThroughNodes(0n, 0);

  // Epoch 1: everyone acts, then validator 2's node dies. 1000 + 600 + 400 of 2800 TSTK still reach
  // the 2/3 quorum (1867); without validator 1 they would not.
  await seedEpoch(connection, suite, pools, 1, log, seeding);
  const down = 1;
  const downName = network.nodes[down]!.name;
  const lastSignedBefore = await network.metric(down, "tributary_node_last_signed_epoch");
  await network.kill(down, "SIGKILL");
  log(`${downName}'s node (last signed epoch ${lastSignedBefore}) killed with SIGKILL in the middle of epoch 1`);
  await settleThroughNodes(1n, 1);
  const signers1 = (await collectPublishedSignatures(tributary, board, 1n))[0]!.signers;
  const missed = !signers1.some((s) => s.toLowerCase() === network.nodes[down]!.address.toLowerCase());

  // Restarted over the same keystore and database, it catches up from the chain.
  await network.restart(down);
  const caughtUp = await until(`${downName} to catch up`, async () => {
    const metrics = await network.metrics(down);
    return metricValue(metrics, "tributary_node_last_settled_epoch") === 1 ? metrics : undefined;
  });
  log(
    `${downName}'s node restarted (pid ${network.nodes[down]!.process!.pid}); it caught up: last settled epoch 1, last signed epoch ${metricValue(caughtUp, "tributary_node_last_signed_epoch")} (${missed ? "it did not sign epoch 1" : "yet it signed epoch 1"})`,
  );

  // Epoch 2, a quiet one: the chat dapp prepays 100 TUSD but no output uses it, so it comes back as
  // a refund. The restarted node signs it.
  const epoch2 = await tributary.distributor.currentEpoch();
  log(`--- epoch ${epoch2} ---`);
  const prepaid = 100_000_000n;
  await (await suite.stableToken.mint(await suite.cast.dapp.getAddress(), prepaid)).wait();
  await fundPool(withRunner(tributary, suite.cast.dapp), { poolId: pools.chatPool, epoch: epoch2, amount: prepaid });
  log(`pool ${pools.chatPool} funded for epoch ${epoch2} with 100 TUSD, and nothing to pay for`);
  // The first signatures to reach quorum are submitted, and a later one is refused (the epoch is no
  // longer next). So that the restarted node's signature is needed, and its signing shown whatever the
  // timing, validator 4's node is stopped for this epoch: 1000 + 600 TSTK alone are short of the quorum.
  await network.kill(3, "SIGTERM");
  log(
    `${network.nodes[3]!.name}'s node stopped (SIGTERM) for epoch ${epoch2}: ${downName}'s signature is needed for the quorum`,
  );
  await settleThroughNodes(epoch2, 2);
  const signedAgain = await until(`${downName} to report signing epoch ${epoch2}`, async () => {
    const signed = await network.metric(down, "tributary_node_last_signed_epoch");
    return signed === Number(epoch2) ? true : undefined;
  }).catch(() => false);
  const signers2 = (await collectPublishedSignatures(tributary, board, epoch2))[0]!.signers;
  const signedOnBoard = signers2.some((s) => s.toLowerCase() === network.nodes[down]!.address.toLowerCase());
  log(
    `${downName} signed epoch ${epoch2} after its restart: board ${signedOnBoard ? "has" : "lacks"} its signature, its metrics say last signed epoch ${await network.metric(down, "tributary_node_last_signed_epoch")}`,
  );

  let problems = 0;
  for (const report of reports) {
    console.log("\n" + formatEpochTable(report));
    console.log(`artifact: ${artifactFiles.get(report.epoch)}`);
    for (const problem of report.problems) {
      problems++;
      console.error(`RECONCILIATION FAILED: ${problem}`);
    }
  }
  const resilience = [
    [missed, `epoch 1 settled without ${downName}`],
    [signedAgain && signedOnBoard, `${downName} signed epoch ${epoch2} after its restart`],
  ] as const;
  for (const [ok, what] of resilience) {
    if (!ok) {
      problems++;
      console.error(`FAILED: ${what}`);
    }
  }
  return problems > 0;
}

/**
 * The client recomputes `epoch` from the chain, checks it against the root and totals the nodes
 * submitted and against every node's own artifact, and writes it where claims read it.
 */
async function recompute(network: ValidatorNetwork, epoch: bigint): Promise<SettlementArtifact> {
  const { tributary } = network.suite;
  const settlement = await computeEpochSettlement(tributary, { epoch, index: { confirmations: 0 } });
  const onChain = await onChainSettlement(tributary, { epoch });
  const root = settlement.tree.root;
  if (onChain?.root !== root) throw new Error(`epoch ${epoch}: recomputed root ${root} ≠ on-chain ${onChain?.root}`);
  const totals = settlement.computation.cumulativeTotals;
  if (onChain.cumulativeTotals.length !== totals.length || onChain.cumulativeTotals.some((t, i) => t !== totals[i])) {
    throw new Error(`epoch ${epoch}: recomputed totals ${totals} ≠ on-chain ${onChain.cumulativeTotals}`);
  }
  const key = settlementKey(tributary, epoch);
  let agreeing = 0;
  for (const node of network.nodes) {
    const file = path.join(node.dataDir, "artifacts", `${key}.json`);
    const theirs = await readFile(file, "utf8").then(
      (text) => JSON.parse(text) as SettlementArtifact,
      () => undefined,
    );
    if (theirs && theirs.metadata.root !== root) throw new Error(`${node.name}'s artifact ${file} has another root`);
    if (theirs) agreeing++;
  }
  const artifact = buildArtifact(tributary, settlement);
  if (artifactDataUri(artifact) !== onChain.dataUri) {
    throw new Error(`epoch ${epoch}: the recomputed artifact's address is not the signed ${onChain.dataUri}`);
  }
  artifactFiles.set(epoch, await new FileSettlementStore(directory).writeArtifact(key, artifact));
  log(`epoch ${epoch}: the client's recomputation matches the chain and the ${agreeing} nodes' artifacts (${root})`);
  return artifact;
}

/** Lists the network's processes, with the validator key each holds, as `ps` sees them. */
function printProcesses(network: ValidatorNetwork): void {
  const list = [
    { pid: process.pid, role: "demo: contributors and dapps, through the client", validator: undefined },
    ...network.processes(),
  ];
  const args = new Map<number, string>();
  try {
    const out = execFileSync("ps", ["-o", "pid=,args=", "-p", list.map((p) => p.pid).join(",")], { encoding: "utf8" });
    for (const line of out.split("\n")) {
      const match = /^\s*(\d+)\s+(.*)$/.exec(line);
      if (match) args.set(Number(match[1]), match[2]!);
    }
  } catch {
    // no ps: the roles alone
  }
  console.log("\nProcesses (one validator key at most in each):");
  const width = Math.max(...list.map((p) => p.role.length));
  for (const p of list) {
    const key = p.validator ? `key ${p.validator}` : "no validator key";
    const command = args.get(p.pid);
    console.log(
      `  pid ${String(p.pid).padStart(7)}  ${p.role.padEnd(width)}  ${key.padEnd(46)}${command ? `  ${command.slice(0, 120)}` : ""}`,
    );
  }
  console.log(
    "  (each key was made, and staked, by a short-lived validatorAct process that decrypted that keystore only)\n",
  );
}

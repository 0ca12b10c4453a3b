/**
 * The rewards API under load (issue #17): an API-only `tributary-node` process (`role: "api"`) over a
 * PostgreSQL 15 server, serving an active settlement of 100 000 accounts, loaded with autocannon on
 * 127.0.0.1 from this process, route by route, next to the same server's empty route.
 *
 * Seeding 100 000 contributors on chain would take hours, and the distributor does not need it: it
 * checks the quorum's signatures and that each token's total is within what was funded, never how the
 * root was computed. So the settled tree is made here (100 000 accounts sharing a twentieth of the
 * funding), signed by the one validator, who holds the whole stake, and submitted with the client; its
 * artifact goes into the database the way the node stores it. A small real history (contributors,
 * attributed outputs) fills the same epoch, indexed and computed by the node's own code, so that
 * `/explain` has something to explain; it explains that computation, not the made-up tree.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Wallet, getAddress, id, keccak256, parseUnits, toUtf8Bytes } from "ethers";
import {
  SettlementTree,
  artifactDataUri,
  buildArtifact,
  prepareKeccak,
  settlementKey,
  signSettlement,
  submitCollected,
  verifySettlementProof,
  withRunner,
  type SettlementComputation,
  type SettlementEntry,
} from "../../client/index.js";
import { FileSettlementStore } from "../../client/node/index.js";
import { openDatabase } from "../../node/src/db.js";
import { EventIndex } from "../../node/src/index/eventIndex.js";
import { AllocationStore } from "../../node/src/allocationStore.js";
import { ArtifactRepository } from "../../node/src/artifactRepository.js";
import { EpochComputer } from "../../node/src/compute.js";
import { CHALLENGE_SECONDS, EPOCH_SECONDS } from "../lib/scenario.js";
import { startHardhatNode, type RunningNode } from "../lib/node.js";
import { startPostgres, type RunningPostgres } from "../lib/postgres.js";
import { stopByPid, until } from "../lib/network.js";
import { attributeOutputs, deployBenchChain, fundNetworkPool, prepareFunding, registerContributors } from "./seed.js";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const NODE_MAIN = path.join(ROOT, "node", "src", "main.ts");
const TOKEN = (n: number | string) => parseUnits(String(n), 18);

/** The load on each route: stopped by time and by count, whichever comes first. */
const LOAD = { connections: 10, durationSeconds: 10, maxRequests: 2_000_000 };
/**
 * The empty route and `/rewards` take turns, A B B A…, in rounds of 5 s (20 s each in all), so that
 * both see the same background load on a shared machine and their ratio does not drift with it.
 */
const TURNS = { rounds: 4, durationSeconds: 5 };
/** The artifact is tens of megabytes: fewer connections, a smaller cap. */
const ARTIFACT_LOAD = { connections: 2, durationSeconds: 10, maxRequests: 200 };

export interface ApiBenchResults {
  accounts: number;
  connections: number;
  durationSeconds: number;
  emptyRps: number;
  emptyP50Ms: number;
  emptyP99Ms: number;
  rewardsRps: number;
  rewardsP50Ms: number;
  rewardsP99Ms: number;
  /** The first `/artifact` request after the process started: its time to the last byte. */
  artifactColdMs: number;
  artifactWarmRps: number;
  artifactWarmP50Ms: number;
  artifactWarmP99Ms: number;
  artifactBytes: number;
  explainRps: number;
  explainP50Ms: number;
  explainP99Ms: number;
  /** Answers other than 2xx, and connection errors, over every load. */
  non2xx: number;
  errors: number;
  /** The real history behind `/explain`. */
  explainContributors: number;
  explainOutputs: number;
  seedMs: number;
}

interface LoadResult {
  /** Seconds the load ran. */
  duration: number;
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
interface LoadOptions {
  url: string;
  connections: number;
  duration: number;
  maxOverallRequests: number;
  requests?: { method: "GET"; setupRequest: (request: { path: string }) => { path: string } }[];
}
/** autocannon has no types of its own. */
const autocannon = createRequire(import.meta.url)("autocannon") as (options: LoadOptions) => Promise<LoadResult>;

export async function measureApi(
  log: (line: string) => void,
  sizes = { accounts: 100_000, contributors: 500, outputs: 5_000 },
): Promise<ApiBenchResults> {
  const work = await mkdtemp(path.join(os.tmpdir(), "tributary-bench-api-"));
  let chainNode: RunningNode | undefined;
  let postgres: RunningPostgres | undefined;
  let api: ChildProcess | undefined;
  try {
    const seedStarted = Date.now();
    [chainNode, postgres] = await Promise.all([startHardhatNode(), startPostgres()]);
    const chain = await deployBenchChain(chainNode.url);
    const { connection, suite, admin, validator, provider } = chain;
    const { tributary, deployment } = suite;
    const time = connection.networkHelpers.time;

    // Epoch 0: a small real history, funded.
    await registerContributors(chain, sizes.contributors, log);
    await attributeOutputs(chain, { firstOutput: 0, count: sizes.outputs, contributors: sizes.contributors });
    const funded = TOKEN(1_000_000);
    await prepareFunding(chain, funded);
    await fundNetworkPool(chain, 0n, funded);
    const genesis = await tributary.distributor.GENESIS();
    await time.increaseTo(genesis + EPOCH_SECONDS + 1n);

    // The writer's part: index, compute epoch 0 (for /explain), keep the artifact of what is settled.
    const db = await openDatabase({ url: postgres.url, dataDir: work, name: "db" });
    try {
      const index = await EventIndex.open(db, deployment);
      await index.sync(provider, { confirmations: 0 });
      const store = await AllocationStore.open(db);
      const artifacts = await ArtifactRepository.open(db);
      await new EpochComputer({ tributary, events: index, store }).compute(0n);

      const { tree, computation } = await madeUpSettlement(
        await suite.rewardToken.getAddress(),
        funded,
        sizes.accounts,
      );
      // As the settlement duty does: the data URI is the artifact's content address.
      const artifact = buildArtifact(tributary, { epoch: 0n, computation, tree });
      const dataUri = artifactDataUri(artifact);
      const file = await new FileSettlementStore(path.join(work, "artifacts")).writeArtifact(
        settlementKey(tributary, 0n),
        artifact,
      );
      await artifacts.save(0n, dataUri, await readFile(file));

      const message = {
        epoch: 0n,
        root: tree.root,
        cumulativeTotals: computation.cumulativeTotals,
        dataUriHash: keccak256(toUtf8Bytes(dataUri)),
        deadline: BigInt(await time.latest()) + 86_400n,
      };
      const signature = await signSettlement(tributary, { signer: validator, message });
      const [stake, quorum] = await Promise.all([
        tributary.staking.activeStakeOf(chain.validatorAddress),
        tributary.staking.quorumStake(),
      ]);
      const submitted = await submitCollected(withRunner(tributary, admin), {
        digest: await tributary.distributor.settlementDigest(message),
        settlement: { ...message, dataUri },
        signers: [getAddress(chain.validatorAddress)],
        signatures: [signature],
        signedStake: stake,
        quorum,
        reachesQuorum: stake >= quorum,
      });
      if (!submitted.submitted) throw new Error(`the settlement was not submitted: ${submitted.reason}`);
      await time.increase(CHALLENGE_SECONDS + 1n);
      const active = await tributary.distributor.activeSettlement();
      if (active.root !== tree.root) throw new Error(`the settlement is not active: ${active.root}`);
      await index.sync(provider, { confirmations: 0 });
      log(`  ${sizes.accounts} accounts settled in epoch 0 (root ${tree.root}), active`);
    } finally {
      await db.close();
    }
    const seedMs = Date.now() - seedStarted;

    const deploymentFile = path.join(work, "deployment.json");
    await writeFile(deploymentFile, JSON.stringify({ ...deployment, chainId: deployment.chainId.toString() }));
    const config = path.join(work, "api.json");
    await writeFile(
      config,
      JSON.stringify({
        role: "api",
        rpcUrl: chainNode.url,
        deployment: deploymentFile,
        database: postgres.url,
        dataDir: work,
        listen: "127.0.0.1:0",
        rateLimitPerMinute: 0,
        pollIntervalMs: 1_000,
      }),
    );
    const started = await startApi(config);
    api = started.process;
    const url = started.url;
    log(`  API process ${api.pid} at ${url}`);

    // Cold: the first request for the artifact after the process started.
    let clock = performance.now();
    const response = await fetch(`${url}/v1/epochs/0/artifact`);
    const artifactBytes = (await response.arrayBuffer()).byteLength;
    const artifactColdMs = performance.now() - clock;
    if (!response.ok) throw new Error(`/artifact answered ${response.status}`);

    const accounts = (await madeUpAccounts(sizes.accounts)).map((a) => a.toLowerCase());
    const pick = () => accounts[Math.floor(Math.random() * accounts.length)]!;
    const sample = pick();
    clock = performance.now();
    const rewards = (await (await fetch(`${url}/v1/accounts/${sample}/rewards`)).json()) as {
      activeRoot: string;
      rewards: { token: string; cumulative: string; proof: string[] }[];
    };
    log(`  first /rewards (loads the tree): ${Math.round(performance.now() - clock)} ms`);
    const reward = rewards.rewards[0];
    if (
      !reward ||
      !verifySettlementProof(rewards.activeRoot, sample, reward.token, BigInt(reward.cumulative), reward.proof)
    ) {
      throw new Error(`/rewards answered no valid proof for ${sample}: ${JSON.stringify(rewards)}`);
    }
    const contributors = Array.from({ length: sizes.contributors }, (_, i) =>
      new Wallet(id(`bench-contributor-${i}`)).address.toLowerCase(),
    );
    const explainSample = await fetch(`${url}/v1/accounts/${contributors[0]}/explain?epoch=0`);
    if (!explainSample.ok) throw new Error(`/explain answered ${explainSample.status}: ${await explainSample.text()}`);

    const load = async (name: string, route: () => string, shape = LOAD) => {
      const result = await autocannon({
        url,
        connections: shape.connections,
        duration: shape.durationSeconds,
        maxOverallRequests: shape.maxRequests,
        requests: [{ method: "GET", setupRequest: (request) => ({ ...request, path: route() }) }],
      });
      log(
        `  ${name}: ${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms ` +
          `(${result.requests.total} requests, ${result.non2xx} not 2xx, ${result.errors} errors)`,
      );
      return result;
    };
    const warm = await load("artifact (warm)", () => "/v1/epochs/0/artifact", ARTIFACT_LOAD);
    const turns = { ...LOAD, durationSeconds: TURNS.durationSeconds };
    const emptyRounds: LoadResult[] = [];
    const rewardsRounds: LoadResult[] = [];
    for (let round = 0; round < TURNS.rounds; round++) {
      const loadEmpty = async () => emptyRounds.push(await load("empty route", () => "/v1/ping", turns));
      const loadRewards = async () =>
        rewardsRounds.push(await load("rewards", () => `/v1/accounts/${pick()}/rewards`, turns));
      for (const turn of round % 2 === 0 ? [loadEmpty, loadRewards] : [loadRewards, loadEmpty]) await turn();
    }
    const empty = combine(emptyRounds);
    const rewardsLoad = combine(rewardsRounds);
    log(
      `  ${TURNS.rounds} rounds: empty ${Math.round(empty.requests.average)} req/s, rewards ` +
        `${Math.round(rewardsLoad.requests.average)} req/s (p50 ${rewardsLoad.latency.p50} ms, p99 ${rewardsLoad.latency.p99} ms)`,
    );
    const explain = await load(
      "explain",
      () => `/v1/accounts/${contributors[Math.floor(Math.random() * contributors.length)]}/explain?epoch=0`,
    );
    const all = [warm, ...emptyRounds, ...rewardsRounds, explain];
    const round = (n: number) => Math.round(n * 10) / 10;
    return {
      accounts: sizes.accounts,
      connections: LOAD.connections,
      durationSeconds: TURNS.rounds * TURNS.durationSeconds,
      emptyRps: Math.round(empty.requests.average),
      emptyP50Ms: empty.latency.p50,
      emptyP99Ms: empty.latency.p99,
      rewardsRps: Math.round(rewardsLoad.requests.average),
      rewardsP50Ms: rewardsLoad.latency.p50,
      rewardsP99Ms: rewardsLoad.latency.p99,
      artifactColdMs: Math.round(artifactColdMs),
      artifactWarmRps: round(warm.requests.average),
      artifactWarmP50Ms: warm.latency.p50,
      artifactWarmP99Ms: warm.latency.p99,
      artifactBytes,
      explainRps: Math.round(explain.requests.average),
      explainP50Ms: explain.latency.p50,
      explainP99Ms: explain.latency.p99,
      non2xx: all.reduce((n, r) => n + r.non2xx, 0),
      errors: all.reduce((n, r) => n + r.errors, 0),
      explainContributors: sizes.contributors,
      explainOutputs: sizes.outputs,
      seedMs,
    };
  } finally {
    if (api) await stopByPid(api);
    await chainNode?.stop();
    await postgres?.stop();
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Rounds of one load as one: requests per second over their whole time, the median of their p50s and
 * the highest of their p99s (autocannon reports percentiles, not histograms, so none is merged exactly).
 */
function combine(rounds: LoadResult[]): LoadResult {
  const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
  const total = rounds.reduce((n, r) => n + r.requests.total, 0);
  const duration = rounds.reduce((n, r) => n + r.duration, 0);
  return {
    duration,
    requests: { average: total / duration, total },
    latency: {
      p50: sorted(rounds.map((r) => r.latency.p50))[Math.floor(rounds.length / 2)]!,
      p99: Math.max(...rounds.map((r) => r.latency.p99)),
    },
    non2xx: rounds.reduce((n, r) => n + r.non2xx, 0),
    errors: rounds.reduce((n, r) => n + r.errors, 0),
    timeouts: rounds.reduce((n, r) => n + r.timeouts, 0),
  };
}

/** `count` distinct accounts, checksummed, from a fixed seed. */
async function madeUpAccounts(count: number): Promise<string[]> {
  await prepareKeccak();
  return Array.from({ length: count }, (_, i) => getAddress("0x" + id(`bench-api-account-${i}`).slice(26)));
}

/**
 * A one-token settlement of `count` accounts owed 0.001 to 1 token each (about a twentieth of
 * `funded` for 100 000), in the shape the allocation computes, so that `buildArtifact` writes it.
 */
async function madeUpSettlement(token: string, funded: bigint, count: number) {
  const accounts = (await madeUpAccounts(count)).sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
  const entries: SettlementEntry[] = accounts.map((account, i) => [
    account,
    token,
    BigInt(1 + (i % 1000)) * 10n ** 15n,
  ]);
  const total = entries.reduce((sum, [, , amount]) => sum + amount, 0n);
  if (total > funded) throw new Error(`the made-up settlement owes ${total}, more than the ${funded} funded`);
  const computation: SettlementComputation = {
    epoch: 0n,
    pools: [],
    tokens: [{ token, index: 0, fundedThrough: funded, cumulativeTotal: total, carryOut: funded - total }],
    cumulative: new Map([[token, new Map(entries.map(([account, , amount]) => [account, amount]))]]),
    entries,
    cumulativeTotals: [total],
  };
  return { tree: SettlementTree.build(entries), computation };
}

/** Starts `tributary-node --config <config>` and waits until it listens and is ready. */
async function startApi(config: string): Promise<{ process: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_API_PROF ? ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_API_PROF] : []),
      "--import",
      "tsx",
      NODE_MAIN,
      "--config",
      config,
    ],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, FORCE_COLOR: "0" },
    },
  );
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  try {
    const url = await until("the API to listen", async () => {
      if (child.exitCode !== null) throw new Error("exited");
      const line = output.split("\n").find((l) => l.includes('"msg":"listening"'));
      return line ? (JSON.parse(line) as { url: string }).url : undefined;
    });
    await until("the API to be ready", async () => (await fetch(`${url}/readyz`)).ok);
    // Its logs are not needed from here on; keep the pipes drained.
    output = "";
    child.stdout!.removeAllListeners("data").resume();
    child.stderr!.removeAllListeners("data").resume();
    return { process: child, url };
  } catch (error) {
    await stopByPid(child);
    throw new Error(`the API process did not start: ${(error as Error).message}\n${output.slice(-3_000)}`, {
      cause: error,
    });
  }
}

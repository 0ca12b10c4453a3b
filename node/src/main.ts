/**
 * tributary-node: the validator daemon. `tributary-node --config <file>` (or `npm run node -- --config <file>`).
 * Runs without Hardhat: an ethers JsonRpcProvider and the client package.
 */
import { JsonRpcProvider, type Signer } from "ethers";
import { pino, type Logger } from "pino";
import { TributaryError, connectTributary } from "../../client/index.js";
import { loadDeployment } from "../../client/node/index.js";
import { ConfigError, loadConfig } from "./config.js";
import { lockDataDir } from "./lock.js";
import { openDatabase } from "./db.js";
import { Duties } from "./duties.js";
import { loadKeystore } from "./keystore.js";
import { SigningProtection } from "./protection.js";
import { Alerts } from "./alerts.js";
import { AllocationStore } from "./allocationStore.js";
import { EpochComputer } from "./compute.js";
import { EventIndex } from "./index/eventIndex.js";
import { ProposalDuty, RecordInbox, handleRecordGet, handleRecordsPost } from "./inbox.js";
import { PolicyLoadError, loadPolicies } from "./policies/load.js";
import { VotingDuty, registerVotingMetrics } from "./voting.js";
import { NodeMetrics, startServer, type Readiness, type ServerOptions } from "./server.js";
import { ArtifactRepository } from "./artifactRepository.js";
import { ApiReader } from "./api/reader.js";
import { registerApiRoutes } from "./api/routes.js";
import type { NodeConfig } from "./config.js";

const USAGE =
  "usage: tributary-node --config <file>   (fields may be overridden by TRIBUTARY_NODE_* variables; see docs/node.md)";

function parseArgs(argv: string[]): { config?: string } {
  const out: { config?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--config") {
      const v = argv[++i];
      if (!v) throw new ConfigError("--config needs a file");
      out.config = v;
    } else if (a.startsWith("--config=")) out.config = a.slice("--config=".length);
    else if (a === "--help" || a === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else throw new ConfigError(`unknown argument "${a}"; ${USAGE}`);
  }
  return out;
}

async function main(): Promise<void> {
  const log = pino({ name: "tributary-node", base: { pid: process.pid } });
  let config;
  try {
    config = await loadConfig(parseArgs(process.argv.slice(2)).config);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`tributary-node: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  if (config.role === "api") return serveApiOnly(config, log);
  const unlock = await lockDataDir(config.dataDir);
  const deployment = await loadDeployment(config.deployment);
  if (!deployment.settlementBoard) {
    throw new ConfigError(`the deployment ${config.deployment} names no settlementBoard`);
  }
  // No response cache: ethers answers an identical request within 250 ms from its cache, and a stale
  // `eth_getTransactionCount` right after a transaction would reuse its nonce.
  const provider = new JsonRpcProvider(config.rpcUrl, undefined, { staticNetwork: false, cacheTimeout: -1 });
  const tributary = connectTributary(deployment, provider);
  let validator: Signer | undefined;
  let submitter: Signer | undefined;
  if (config.keystore) {
    validator = (await loadKeystore(config.keystore, config.password ?? "")).connect(provider);
    submitter = validator;
  } else if (config.externalSigner) {
    validator = await connectExternalSigner(config.externalSigner, BigInt(deployment.chainId));
    submitter = validator;
  } else if (config.submitFrom) {
    submitter = await provider.getSigner(config.submitFrom);
  }
  const validatorAddress = validator ? await validator.getAddress() : undefined;
  const db = await openDatabase({
    ...(config.database ? { url: config.database } : {}),
    dataDir: config.dataDir,
    name: "db",
  });
  const protection = await SigningProtection.open(db);
  const metrics = new NodeMetrics();
  const lastSigned = await protection.lastSignedEpoch();
  if (lastSigned !== undefined) metrics.lastSignedEpoch.set(Number(lastSigned));
  const index = await EventIndex.open(db, deployment);
  const store = await AllocationStore.open(db);
  const artifacts = await ArtifactRepository.open(db);
  const computer = new EpochComputer({ tributary, events: index, store });
  const alerts = new Alerts({
    log,
    metrics,
    ...(config.alertWebhook ? { webhook: config.alertWebhook } : {}),
    node: { validator: validatorAddress ?? null },
  });
  // Fault injection for the dispute tests only (docs/node.md): the node signs roots it did not compute.
  const fault = process.env.TRIBUTARY_NODE_FAULT === "wrong-root" ? ("wrong-root" as const) : undefined;
  if (process.env.TRIBUTARY_NODE_FAULT !== undefined && !fault) {
    throw new Error(`TRIBUTARY_NODE_FAULT must be "wrong-root" or unset, got "${process.env.TRIBUTARY_NODE_FAULT}"`);
  }
  if (fault) log.warn({ fault }, "FAULT INJECTION: this node signs roots it did not compute (tests only)");
  const duties = new Duties({
    index,
    store,
    artifacts,
    computer,
    alerts,
    expectAllocation: config.expectAllocation,
    maxDisputeBond: config.maxDisputeBond,
    ...(fault ? { fault } : {}),
    tributary,
    ...(validator ? { validator } : {}),
    ...(submitter ? { submitter } : {}),
    protection,
    metrics,
    log,
    artifactsDir: config.artifactsDir,
    confirmations: config.confirmations,
    signatureLifetimeSeconds: config.signatureLifetimeSeconds,
  });
  const votingMetrics = registerVotingMetrics(metrics.registry);
  const policies = await loadPolicies(config.policies, {
    tributary,
    log,
    ...(config.ipfsGateway ? { ipfsGateway: config.ipfsGateway } : {}),
  });
  const inbox = await RecordInbox.open(db);
  const voting = validator
    ? new VotingDuty({ tributary, validator, policies, log: log.child({ duty: "voting" }), metrics: votingMetrics })
    : undefined;
  const proposals = validator
    ? new ProposalDuty({ tributary, validator, inbox, log: log.child({ duty: "proposals" }), metrics: votingMetrics })
    : undefined;
  const reader = new ApiReader({ tributary, db, index, artifacts });
  const { close: closeServer, url } = await startServer(
    config.listen,
    metrics,
    () => duties.readiness,
    validator
      ? { post: (body) => handleRecordsPost(inbox, body), get: (outputId) => handleRecordGet(inbox, outputId) }
      : undefined,
    serverOptions(config, reader),
  );
  log.info(
    {
      url,
      validator: validatorAddress ?? null,
      keyless: !validator,
      submitFrom: config.submitFrom ?? null,
      chainId: String(deployment.chainId),
      distributor: deployment.distributor,
      settlementBoard: deployment.settlementBoard,
      dataDir: config.dataDir,
      database: db.description,
      artifactsDir: config.artifactsDir,
    },
    "listening",
  );

  const signals = stopOnSignals(log, "stopping after the current step");
  while (!signals.stopping) {
    try {
      if (!duties.readiness.deploymentCode) await duties.checkDeployment();
      await duties.step();
    } catch (error) {
      metrics.stepErrors.inc();
      duties.readiness.caughtUp = false;
      duties.readiness.detail = (error as Error).message;
      if (/ECONNREFUSED|network|timeout/i.test(String((error as Error).message))) duties.readiness.connected = false;
      log.warn({ err: error }, "step failed; retrying next poll");
    }
    // Votes, attestations and proposals share the key's nonces with the settlement duty: one at a time.
    for (const [name, duty] of [
      ["voting", voting],
      ["proposals", proposals],
    ] as const) {
      if (!duty || signals.stopping) continue;
      try {
        await duty.step();
      } catch (error) {
        metrics.stepErrors.inc();
        log.warn({ err: error, duty: name }, "step failed; retrying next poll");
      }
    }
    if (signals.stopping) break;
    await signals.sleep(config.pollIntervalMs);
  }
  await closeServer();
  await db.close();
  provider.destroy();
  await unlock();
  log.info("stopped");
}

function serverOptions(config: NodeConfig, reader: ApiReader): ServerOptions {
  return {
    corsOrigins: config.corsOrigins,
    rateLimitPerMinute: config.rateLimitPerMinute,
    routes: (app) => registerApiRoutes(app, reader),
  };
}

/** SIGTERM and SIGINT set `stopping` and cut the current `sleep` short. */
function stopOnSignals(log: Logger<never>, message: string): { stopping: boolean; sleep(ms: number): Promise<void> } {
  let wake: (() => void) | undefined;
  const state = {
    stopping: false,
    sleep: (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      }).finally(() => (wake = undefined)),
  };
  const stop = (signal: string) => {
    if (state.stopping) return;
    state.stopping = true;
    log.info({ signal }, message);
    wake?.();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  return state;
}

/**
 * An API replica (`role: "api"`): serves the rewards API from the PostgreSQL database another node
 * writes. No key, no duties, no index sync, no lock on a data directory: run as many as needed behind
 * a load balancer. Ready once the chain serves the deployment and the writer has indexed a block.
 */
async function serveApiOnly(config: NodeConfig, log: Logger<never>): Promise<void> {
  const deployment = await loadDeployment(config.deployment);
  const provider = new JsonRpcProvider(config.rpcUrl, undefined, { staticNetwork: false });
  const tributary = connectTributary(deployment, provider);
  const db = await openDatabase({ url: config.database!, dataDir: config.dataDir, name: "db" });
  const index = await EventIndex.open(db, deployment);
  const artifacts = await ArtifactRepository.open(db);
  // The writer creates the allocation tables; opening them here too lets a replica start first.
  await AllocationStore.open(db);
  const metrics = new NodeMetrics();
  const readiness: Readiness = { connected: false, deploymentCode: false, caughtUp: false, detail: "starting" };
  const reader = new ApiReader({ tributary, db, index, artifacts });
  const { close, url } = await startServer(
    config.listen,
    metrics,
    () => readiness,
    undefined,
    serverOptions(config, reader),
  );
  log.info(
    {
      url,
      role: "api",
      chainId: String(deployment.chainId),
      distributor: deployment.distributor,
      database: db.description,
    },
    "listening",
  );
  const signals = stopOnSignals(log, "stopping");
  while (!signals.stopping) {
    try {
      const network = await provider.getNetwork();
      readiness.connected = true;
      if (network.chainId !== BigInt(deployment.chainId)) {
        throw new Error(`the RPC serves chain ${network.chainId}, the deployment is on chain ${deployment.chainId}`);
      }
      readiness.deploymentCode = (await provider.getCode(deployment.distributor)) !== "0x";
      const indexed = await index.indexedThrough();
      metrics.indexedBlock.set(indexed?.number ?? 0);
      readiness.caughtUp = indexed !== undefined;
      readiness.detail = indexed
        ? `serving the index through block ${indexed.number}`
        : "the writer has indexed nothing yet";
    } catch (error) {
      readiness.caughtUp = false;
      readiness.detail = (error as Error).message;
      log.warn({ err: error }, "readiness check failed");
    }
    await signals.sleep(config.pollIntervalMs);
  }
  await close();
  await db.close();
  provider.destroy();
  log.info("stopped");
}

/**
 * The validator key held by an external signer: transactions and typed data are signed there
 * (`eth_sendTransaction`, `eth_signTypedData_v4`), and the endpoint must list the address in `eth_accounts`.
 */
async function connectExternalSigner(external: { url: string; address: string }, chainId: bigint): Promise<Signer> {
  const endpoint = new JsonRpcProvider(external.url, undefined, { staticNetwork: false, cacheTimeout: -1 });
  try {
    const { chainId: served } = await endpoint.getNetwork();
    if (served !== chainId) {
      throw new ConfigError(
        `the external signer at ${external.url} is on chain ${served}, the deployment on ${chainId}`,
      );
    }
    return await endpoint.getSigner(external.address);
  } catch (error) {
    if (error instanceof ConfigError) {
      endpoint.destroy();
      throw error;
    }
    endpoint.destroy();
    throw new ConfigError(
      `the external signer at ${external.url} does not hold ${external.address}: ${(error as Error).message}`,
    );
  }
}

main().catch((error) => {
  // A configuration the node cannot run with exits 2 with one line; anything else exits 1 with its stack.
  // The client's typed errors (a missing deployment, a database of another deployment) say what to do.
  const configuration =
    error instanceof ConfigError || error instanceof PolicyLoadError || error instanceof TributaryError;
  console.error(`tributary-node: ${configuration ? error.message : ((error as Error).stack ?? error)}`);
  process.exit(configuration ? 2 : 1);
});

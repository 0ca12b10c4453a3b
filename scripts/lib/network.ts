/**
 * A local Tributary network of separate OS processes, for the demo and multi-process tests: a
 * `hardhat node` on 127.0.0.1, the demo suite deployed on it, and one `tributary-node` process per
 * validator, each with its own encrypted keystore, password file, config and data directory (PGlite).
 *
 * Keys: each validator's key is made by a short-lived process (scripts/lib/validatorAct.ts `create`)
 * that writes it only as an encrypted keystore; the launcher never sees a private key or a password.
 * The launcher funds the new address with ETH and stake tokens from the hardhat node's accounts (which
 * hold no validator key), and another short-lived process of that one validator stakes. After that the
 * key is read only by that validator's node, which votes, proposes, attests and settles with it, so no
 * process ever holds two validators' keys.
 *
 * Databases: each node has its own PGlite directory. Creating one runs PostgreSQL's initdb, several
 * seconds of CPU; four at once on a small machine take half a minute. So one empty cluster is created
 * while the chain deploys and copied into each node's `dataDir/db` (where the node opens it); the node
 * runs its migrations on it as on a fresh one.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { cp, mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseEther, VoidSigner, type Signer } from "ethers";
import { network } from "hardhat";
import type { AttributionRecord } from "../../client/index.js";
import { deployDemoSuite, type DemoSuite } from "./scenario.js";
import { startHardhatNode, type RunningNode } from "./node.js";
import { NODE_PROCESS_FLAGS } from "../../node/src/runtime.js";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const VALIDATOR_ACT = path.join(ROOT, "scripts", "lib", "validatorAct.ts");
const NODE_MAIN = path.join(ROOT, "node", "src", "main.ts");

export interface LaunchOptions {
  /** Where keystores, configs, data directories and logs go. It is removed first. */
  directory: string;
  /** Each validator's stake, in TSTK base units: one validator node per entry. */
  stakes: bigint[];
  /** The nodes' poll interval. Default 300 ms. */
  pollIntervalMs?: number;
  /** More config fields for validator `i`'s node (database, confirmations, policies, alerts…). */
  nodeConfig?: (i: number) => Record<string, unknown>;
  /** More environment variables for validator `i`'s node. */
  nodeEnv?: (i: number) => Record<string, string>;
  /** Which nodes start at launch. Default: all. */
  startNodes?: number[];
  log?: (line: string) => void;
}

/** A tributary-node process: its config, its log and, while it runs, the process and its URL. */
export interface NodeProcess {
  name: string;
  config: string;
  /** stdout and stderr of every run of the node, appended. */
  logFile: string;
  process?: ChildProcess;
  /** The node's HTTP address, from its "listening" log line. */
  url?: string;
  /** This run's output, for finding its log lines. */
  output: string;
}

/** One validator: its files, its address and, while it runs, its node process. */
export interface ValidatorNode extends NodeProcess {
  /** `validator-<i+1>`. */
  name: string;
  address: string;
  keystore: string;
  passwordFile: string;
  /** The node's own data directory: its PGlite database, lock and artifacts. */
  dataDir: string;
}

/** A record in a node's inbox, as `GET /v1/records/<outputId>` answers. */
export interface InboxRecord {
  outputId: string;
  state: "queued" | "proposed" | "duplicate" | "invalid";
  batchId?: string;
  detail?: string;
}

/** One process of the network, for listing. */
export interface NetworkProcess {
  pid: number;
  role: string;
  /** The validator key the process holds, if any. */
  validator?: string;
}

/** Polls `check` every 250 ms until it returns a truthy value; throws after `timeoutMs`. */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The value of a Prometheus metric without labels (or its first labelled series). */
export function metricValue(text: string, name: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.split(" ").at(-1));
}

const alive = (child: ChildProcess | undefined): child is ChildProcess =>
  child !== undefined && child.exitCode === null && child.signalCode === null;

/** Every process a launcher of this module started, so that an exit handler can reach them all. */
const started = new Set<ChildProcess>();

/**
 * For an exit handler, which cannot wait: SIGKILLs, by pid, every process this module started that
 * still runs, including those of a launch still under way.
 */
export function killStartedProcessesNow(): void {
  for (const child of started) {
    if (alive(child) && child.pid !== undefined) {
      try {
        process.kill(child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
}

/** Stops `child` by its pid: SIGTERM, then SIGKILL after `graceMs`. Resolves when it has exited. */
export function stopByPid(child: ChildProcess, graceMs = 10_000): Promise<void> {
  return new Promise((resolve) => {
    if (!alive(child) || child.pid === undefined) return resolve();
    const pid = child.pid;
    const killer = setTimeout(() => {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }, graceMs);
    child.once("exit", () => {
      clearTimeout(killer);
      resolve();
    });
    process.kill(pid, "SIGTERM");
  });
}

/** Runs a short-lived child to completion and returns its stdout; throws with its stderr on failure. */
function runChild(
  args: string[],
  track: Set<ChildProcess>,
  what: string,
  nodeOptions = ["--import", "tsx"],
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeOptions, ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, FORCE_COLOR: "0" },
    });
    track.add(child);
    started.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    child.once("error", reject);
    child.once("close", (code, signal) => {
      track.delete(child);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${what} failed (${signal ?? `exit ${code}`}):\n${stderr || stdout}`));
    });
  });
}

export class ValidatorNetwork {
  /** Short-lived validator processes running now. */
  private readonly actors = new Set<ChildProcess>();
  /** API-only replicas started by {@link startApi}. */
  readonly apis: NodeProcess[] = [];

  private constructor(
    readonly chain: RunningNode,
    /** A connection to the hardhat node over JSON-RPC; its signers are the node's unlocked accounts. */
    readonly connection: Awaited<ReturnType<typeof network.create>>,
    /** The suite; its cast's validators are key-less {@link VoidSigner}s of the nodes' addresses. */
    readonly suite: DemoSuite,
    readonly deploymentFile: string,
    readonly nodes: ValidatorNode[],
    private readonly directory: string,
    private readonly pollIntervalMs: number,
    private readonly nodeEnv: (i: number) => Record<string, string>,
  ) {}

  /**
   * Starts the hardhat node, deploys, provisions one key per stake and starts a node for each. On
   * failure, whatever was started is stopped before the error is thrown.
   */
  static async launch(options: LaunchOptions): Promise<ValidatorNetwork> {
    const log = options.log ?? (() => {});
    await rm(options.directory, { recursive: true, force: true });
    await mkdir(options.directory, { recursive: true });
    const template = path.join(options.directory, "empty-pglite-cluster");
    const initdb = runChild(
      [
        "--input-type=module",
        "-e",
        "import { PGlite } from '@electric-sql/pglite'; await (await PGlite.create(process.argv[1])).close();",
        template,
      ],
      new Set(),
      "creating an empty PGlite cluster",
      [],
    );
    initdb.catch(() => {});
    const chain = await startHardhatNode();
    started.add(chain.process);
    let net: ValidatorNetwork | undefined;
    try {
      log(`hardhat node (pid ${chain.process.pid}) serving JSON-RPC at ${chain.url}`);
      const connection = await network.create({ network: "localhost", override: { url: chain.url } });
      const suite = await deployDemoSuite(connection);
      const deploymentFile = path.join(options.directory, "deployment.json");
      await writeFile(
        deploymentFile,
        JSON.stringify({ ...suite.deployment, chainId: suite.deployment.chainId.toString() }, null, 2),
      );
      log(
        `deployed: staking ${suite.deployment.staking}, registry ${suite.deployment.registry}, ledger ${suite.deployment.ledger}, distributor ${suite.deployment.distributor}, board ${suite.deployment.settlementBoard}`,
      );
      const nodes = options.stakes.map((_, i): ValidatorNode => {
        const name = `validator-${i + 1}`;
        const home = path.join(options.directory, name);
        return {
          name,
          address: "",
          keystore: path.join(home, "keystore.json"),
          passwordFile: path.join(home, "password"),
          config: path.join(home, "node.json"),
          dataDir: path.join(home, "data"),
          logFile: path.join(home, "node.log"),
          output: "",
        };
      });
      net = new ValidatorNetwork(
        chain,
        connection,
        suite,
        deploymentFile,
        nodes,
        options.directory,
        options.pollIntervalMs ?? 300,
        options.nodeEnv ?? (() => ({})),
      );
      await net.provision(options.stakes, log, options.nodeConfig ?? (() => ({})));
      await initdb;
      for (const node of nodes) await cp(template, path.join(node.dataDir, "db"), { recursive: true });
      await rm(template, { recursive: true, force: true });
      const starting = options.startNodes ?? nodes.map((_, i) => i);
      await Promise.all(starting.map((i) => net!.start(i)));
      return net;
    } catch (error) {
      if (net) await net.stopAll();
      else await chain.stop();
      throw error;
    }
  }

  /** Makes each validator's key in its own process, funds it, and has that process stake. */
  private async provision(
    stakes: bigint[],
    log: (line: string) => void,
    nodeConfig: (i: number) => Record<string, unknown>,
  ): Promise<void> {
    const { suite, connection } = this;
    await Promise.all(
      this.nodes.map(async (node) => {
        await mkdir(path.dirname(node.keystore), { recursive: true, mode: 0o700 });
        const out = await runChild(
          [VALIDATOR_ACT, "create", "--keystore", node.keystore, "--password-file", node.passwordFile],
          this.actors,
          `creating ${node.name}'s key`,
        );
        node.address = (JSON.parse(out) as { address: string }).address;
      }),
    );
    const admin = suite.cast.admin;
    for (const [i, node] of this.nodes.entries()) {
      await (await admin.sendTransaction({ to: node.address, value: parseEther("10") })).wait();
      await (await suite.stakeToken.mint(node.address, stakes[i]!)).wait();
    }
    await Promise.all(this.nodes.map((_, i) => this.stake(i, stakes[i]!)));
    const provider = connection.ethers.provider;
    suite.cast.validators = this.nodes.map((node) => new VoidSigner(node.address, provider) as Signer);
    log(
      `${this.nodes.length} validator keys made and staked, each by its own process: ${this.nodes
        .map((n, i) => `${n.name} ${n.address} (${stakes[i]! / 10n ** 18n} TSTK)`)
        .join(", ")}`,
    );
    for (const [i, node] of this.nodes.entries()) {
      await writeFile(
        node.config,
        JSON.stringify(
          {
            rpcUrl: this.chain.url,
            deployment: this.deploymentFile,
            keystore: node.keystore,
            passwordFile: node.passwordFile,
            dataDir: node.dataDir,
            listen: "127.0.0.1:0",
            confirmations: 0,
            pollIntervalMs: this.pollIntervalMs,
            ...nodeConfig(i),
          },
          null,
          2,
        ),
      );
    }
  }

  /** Starts validator `i`'s node and waits until it listens and is ready. */
  async start(i: number): Promise<ValidatorNode> {
    const node = this.nodes[i]!;
    await this.spawnNode(node, this.nodeEnv(i));
    return node;
  }

  /**
   * Starts an API-only replica (`role: "api"`, docs/api.md) serving from the PostgreSQL `database` a
   * validator node writes, and waits until it is ready. `stopAll` stops it.
   */
  async startApi(options: {
    database: string;
    config?: Record<string, unknown>;
    env?: Record<string, string>;
  }): Promise<NodeProcess> {
    const name = `api-${this.apis.length + 1}`;
    const home = path.join(this.directory, name);
    await mkdir(home, { recursive: true });
    const api: NodeProcess = {
      name,
      config: path.join(home, "node.json"),
      logFile: path.join(home, "node.log"),
      output: "",
    };
    await writeFile(
      api.config,
      JSON.stringify(
        {
          role: "api",
          rpcUrl: this.chain.url,
          deployment: this.deploymentFile,
          database: options.database,
          listen: "127.0.0.1:0",
          pollIntervalMs: this.pollIntervalMs,
          ...options.config,
        },
        null,
        2,
      ),
    );
    this.apis.push(api);
    await this.spawnNode(api, options.env ?? {});
    return api;
  }

  private async spawnNode(node: NodeProcess, env: Record<string, string>): Promise<void> {
    if (alive(node.process)) throw new Error(`${node.name} is already running (pid ${node.process.pid})`);
    const child = spawn(process.execPath, [...NODE_PROCESS_FLAGS, NODE_MAIN, "--config", node.config], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, FORCE_COLOR: "0", ...env },
    });
    started.add(child);
    const file = createWriteStream(node.logFile, { flags: "a" });
    node.process = child;
    node.output = "";
    node.url = undefined;
    const capture = (d: Buffer) => {
      node.output += d;
      file.write(d);
    };
    child.stdout!.on("data", capture);
    child.stderr!.on("data", capture);
    child.once("exit", () => file.end());
    node.url = await until(
      `${node.name} to listen`,
      async () => {
        if (!alive(child)) throw new Error("exited");
        const line = node.output.split("\n").find((l) => l.includes('"msg":"listening"'));
        return line ? (JSON.parse(line) as { url: string }).url : undefined;
      },
      60_000,
    ).catch((error: Error) => {
      throw new Error(`${node.name} did not start: ${error.message}\n${node.output.slice(-3_000)}`);
    });
    await until(`${node.name} to be ready`, async () => (await fetch(`${node.url}/readyz`)).ok, 60_000);
  }

  /** Sends `signal` to validator `i`'s node and waits for it to exit. */
  async kill(i: number, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const child = this.nodes[i]!.process;
    if (!alive(child) || child.pid === undefined) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    process.kill(child.pid, signal);
    await exited;
  }

  /** Starts validator `i`'s node again over the same keystore and data directory. */
  restart(i: number): Promise<ValidatorNode> {
    return this.start(i);
  }

  /** Whether validator `i`'s node runs. */
  running(i: number): boolean {
    return alive(this.nodes[i]!.process);
  }

  /** Validator `i`'s node's Prometheus metrics, as text. */
  async metrics(i: number): Promise<string> {
    const response = await fetch(`${this.nodes[i]!.url}/metrics`);
    return response.text();
  }

  /** One metric of validator `i`'s node. */
  async metric(i: number, name: string): Promise<number | undefined> {
    return metricValue(await this.metrics(i), name);
  }

  /** Validator `i`'s log lines of this run with `msg`, parsed. */
  logLines(i: number, msg: string): Record<string, unknown>[] {
    return this.nodes[i]!.output.split("\n")
      .filter((l) => l.includes(`"msg":${JSON.stringify(msg)}`))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  /** Has validator `i` bond `amount`, in a short-lived process that decrypts that validator's keystore only. */
  private async stake(i: number, amount: bigint): Promise<void> {
    const node = this.nodes[i]!;
    await runChild(
      [
        VALIDATOR_ACT,
        "stake",
        "--keystore",
        node.keystore,
        "--password-file",
        node.passwordFile,
        "--rpc",
        this.chain.url,
        "--deployment",
        this.deploymentFile,
        "--amount",
        amount.toString(),
      ],
      this.actors,
      `${node.name}'s stake`,
    );
  }

  /**
   * Hands `records` to validator `i`'s node (`POST /v1/records`), as a dapp does; the node proposes
   * them once their contributions are Accepted. Throws with the node's answer unless it queued them.
   */
  async postRecords(i: number, records: readonly AttributionRecord[]): Promise<{ queued: string[] }> {
    const node = this.nodes[i]!;
    const body = JSON.stringify({
      records: records.map((r) => ({
        outputId: r.outputId,
        poolId: r.poolId.toString(),
        value: r.value.toString(),
        vector: r.vector.map((e) => ({ contributionId: e.contributionId.toString(), weightBps: e.weightBps })),
      })),
    });
    const response = await fetch(`${node.url}/v1/records`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    const answer = (await response.json()) as { queued?: string[]; message?: string };
    if (response.status !== 202) {
      throw new Error(`${node.name}'s node refused the records (HTTP ${response.status}): ${answer.message}`);
    }
    return { queued: answer.queued ?? [] };
  }

  /** Where validator `i`'s inbox holds the record of `outputId` (`GET /v1/records/<outputId>`). */
  async inboxRecord(i: number, outputId: string): Promise<InboxRecord | undefined> {
    const response = await fetch(`${this.nodes[i]!.url}/v1/records/${outputId}`);
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`${this.nodes[i]!.name}'s node answered HTTP ${response.status}`);
    return (await response.json()) as InboxRecord;
  }

  /** The processes now running: the hardhat node and each running validator node. */
  processes(): NetworkProcess[] {
    const list: NetworkProcess[] = [];
    if (this.chain.process.pid !== undefined)
      list.push({ pid: this.chain.process.pid, role: "hardhat node (dev accounts, none a validator)" });
    for (const node of this.nodes) {
      if (alive(node.process) && node.process.pid !== undefined) {
        list.push({ pid: node.process.pid, role: `tributary-node ${node.name}`, validator: node.address });
      }
    }
    for (const api of this.apis) {
      if (alive(api.process) && api.process.pid !== undefined) {
        list.push({ pid: api.process.pid, role: `tributary-node ${api.name} (API only, no key)` });
      }
    }
    return list;
  }

  /** Where the network's files are. */
  get home(): string {
    return this.directory;
  }

  /** Stops every process this network started, each by its pid, and the hardhat node last. */
  async stopAll(): Promise<void> {
    await Promise.all([
      ...[...this.nodes, ...this.apis].filter((n) => alive(n.process)).map((n) => stopByPid(n.process!)),
      ...[...this.actors].map((child) => stopByPid(child, 2_000)),
    ]);
    await this.chain.stop();
  }
}

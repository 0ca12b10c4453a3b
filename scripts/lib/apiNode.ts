/**
 * Starts one keyless `tributary-node` (no keystore, role "node") over a chain: it indexes the chain,
 * computes every closed epoch, and serves the rewards API (docs/api.md). The reference dapp reads it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { NODE_PROCESS_FLAGS } from "../../node/src/runtime.js";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const NODE_MAIN = path.join(ROOT, "node", "src", "main.ts");

export interface ApiNode {
  /** The API's base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  process: ChildProcess;
  /** Everything the node printed (JSON log lines). */
  output(): string;
  /** Stops the node (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. */
  stop(): Promise<void>;
}

export interface ApiNodeOptions {
  rpcUrl: string;
  /** The deployment.json the node serves. */
  deployment: string;
  /** The node's config, data directory (PGlite) and artifacts go here. */
  directory: string;
  /** `host:port` to listen on; default a free port on 127.0.0.1. */
  listen?: string;
  pollIntervalMs?: number;
}

/** Starts the node and waits until it listens and is ready (it has indexed the chain). */
export async function startApiNode(options: ApiNodeOptions): Promise<ApiNode> {
  await mkdir(options.directory, { recursive: true });
  const config = path.join(options.directory, "node.json");
  await writeFile(
    config,
    JSON.stringify(
      {
        rpcUrl: options.rpcUrl,
        deployment: options.deployment,
        dataDir: path.join(options.directory, "data"),
        listen: options.listen ?? "127.0.0.1:0",
        confirmations: 0,
        pollIntervalMs: options.pollIntervalMs ?? 500,
        // The dapp and its tests ask a lot on one page load; the default limit is meant for the open internet.
        rateLimitPerMinute: 0,
      },
      null,
      2,
    ),
  );
  const child = spawn(process.execPath, [...NODE_PROCESS_FLAGS, NODE_MAIN, "--config", config], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, FORCE_COLOR: "0" },
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      child.once("exit", () => {
        clearTimeout(killer);
        resolve();
      });
      child.kill("SIGTERM");
    });
  try {
    const url = await until("the API node to listen", () => {
      if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
      const line = output.split("\n").find((l) => l.includes('"msg":"listening"'));
      return line ? (JSON.parse(line) as { url: string }).url : undefined;
    });
    await until("the API node to be ready", async () => ((await fetch(`${url}/readyz`)).ok ? true : undefined));
    return { url, process: child, output: () => output, stop };
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${output.slice(-3_000)}`);
  }
}

/**
 * Waits until the node stored the artifact of the active epoch, so that its rewards route answers
 * with proofs (a node computes an epoch settled before it started once it has caught up).
 */
export async function waitForActiveArtifact(url: string): Promise<void> {
  await until("the API node to serve the active epoch's rewards", async () => {
    const answer = await fetch(`${url}/v1/accounts/0x${"00".repeat(20)}/rewards`);
    return answer.ok ? true : undefined;
  });
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      if ((error as Error).message.startsWith("exited")) throw new Error(`${what}: ${(error as Error).message}`);
      last = error;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (${(last as Error).message})` : ""}`);
}

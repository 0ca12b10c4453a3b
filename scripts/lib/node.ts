/** Starts a real `hardhat node` on loopback for client tests, and stops it afterwards. */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";

export interface RunningNode {
  url: string;
  port: number;
  process: ChildProcess;
  stop: () => Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Hardhat's command-line entry point, run with the current (pinned) Node. */
const HARDHAT_CLI = path.resolve("node_modules", "hardhat", "dist", "src", "cli.js");

/** What a `hardhat` process printed and how it ended. */
export interface HardhatRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `hardhat <args>` as its own process, as an operator would, and collects its output. */
export function runHardhat(args: string[], env: Record<string, string> = {}): Promise<HardhatRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [HARDHAT_CLI, ...args], {
      // The test run built everything first (`hardhat test`): tasks skip their own build, which would
      // race on the compile cache with the tasks other test files run at the same time.
      env: { ...process.env, FORCE_COLOR: "0", CI: "true", TRIBUTARY_PREBUILT: "1", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The one-line refusals the operator CLI prints on stderr. */
export const tributaryErrorLines = (run: HardhatRun): string[] =>
  run.stderr.split("\n").filter((line) => line.startsWith("tributary:"));

/** Spawns `hardhat node --hostname 127.0.0.1 --port <free>` and waits until it serves JSON-RPC. */
export async function startHardhatNode(): Promise<RunningNode> {
  const port = await freePort();
  const child = spawn(process.execPath, [HARDHAT_CLI, "node", "--hostname", "127.0.0.1", "--port", String(port)], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, FORCE_COLOR: "0" },
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hardhat node did not start within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Started HTTP")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`hardhat node exited with ${code}:\n${output}`));
    });
  });
  // Keep draining output so the child never blocks on a full pipe.
  child.stdout!.resume();
  child.stderr!.resume();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
      }),
  };
}

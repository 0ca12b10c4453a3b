/**
 * Starts a throwaway PostgreSQL 15 server (Debian's `postgresql` package) for tests: a fresh data
 * directory in the system's temp directory, trust authentication, listening on 127.0.0.1 only.
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` OS user.
 */
import { execFile } from "node:child_process";
import { access, chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { freePort } from "./node.js";

/** Where Debian's `postgresql` package installs the PostgreSQL 15 server binaries. */
export const POSTGRES_BIN = "/usr/lib/postgresql/15/bin";

export interface RunningPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/tributary`, a database created at start. */
  url: string;
  port: number;
  /** Creates an empty database on this server and returns its URL. */
  createDatabase: (name: string) => Promise<string>;
  /** Stops the server (`pg_ctl stop -m fast`) and removes its directory. */
  stop: () => Promise<void>;
}

const run = promisify(execFile);

/** util-linux's runuser: on PATH, or in the sbin directories a root PATH has but a user's may lack. */
async function runuser(): Promise<string> {
  for (const candidate of ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"]) {
    if (
      await access(candidate).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  return "runuser";
}

/**
 * Starts the server and creates the `tributary` database.
 * @throws {Error} the PostgreSQL 15 binaries are not installed, or the server did not start.
 */
export async function startPostgres(): Promise<RunningPostgres> {
  const initdb = path.join(POSTGRES_BIN, "initdb");
  await access(initdb).catch((error: unknown) => {
    throw new Error(
      `PostgreSQL 15 is not installed (${initdb} is missing): run apt-get install postgresql, as .ci/run does`,
      { cause: error },
    );
  });
  const asRoot = process.getuid?.() === 0;
  const runuserPath = asRoot ? await runuser() : "";
  // As root, the server runs as the postgres user: the directory must be theirs.
  const asServer = (binary: string, args: string[]) =>
    asRoot
      ? run(runuserPath, ["-u", "postgres", "--", path.join(POSTGRES_BIN, binary), ...args])
      : run(path.join(POSTGRES_BIN, binary), args);
  const directory = await mkdtemp(path.join(os.tmpdir(), "tributary-postgres-"));
  const data = path.join(directory, "data");
  const port = await freePort();
  let started = false;
  const stop = async () => {
    if (started) {
      started = false;
      await asServer("pg_ctl", ["stop", "-D", data, "-m", "fast", "-w"]).catch(() => killPostmaster(data));
    }
    await rm(directory, { recursive: true, force: true });
  };
  try {
    if (asRoot) {
      await run("chown", ["postgres:postgres", directory]);
      await chmod(directory, 0o700);
    }
    await asServer("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
    const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${directory} -c fsync=off -c full_page_writes=off`;
    started = true;
    await asServer("pg_ctl", [
      "start",
      "-D",
      data,
      "-w",
      "-t",
      "60",
      "-l",
      path.join(directory, "server.log"),
      "-o",
      options,
    ]);
  } catch (error) {
    const log = await readFile(path.join(directory, "server.log"), "utf8").catch(() => "");
    await stop();
    throw new Error(`PostgreSQL did not start: ${(error as Error).message}\n${log}`, { cause: error });
  }
  const urlOf = (name: string) => `postgres://postgres@127.0.0.1:${port}/${name}`;
  const createDatabase = async (name: string) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
    const client = new pg.Client({ connectionString: urlOf("postgres") });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    return urlOf(name);
  };
  const url = await createDatabase("tributary").catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { url, port, createDatabase, stop };
}

/** Kills the server by the pid in `postmaster.pid`, when `pg_ctl stop` failed. */
async function killPostmaster(data: string): Promise<void> {
  const pid = Number((await readFile(path.join(data, "postmaster.pid"), "utf8").catch(() => "")).split("\n")[0]);
  if (Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

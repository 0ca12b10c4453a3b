/**
 * The node's database: embedded PostgreSQL (PGlite) in a data directory by default, or a PostgreSQL
 * server when given a `postgres://` URL. Both speak the same SQL, so every schema and query of the
 * node runs unchanged on either. Numbers that can exceed 2^53 are `NUMERIC(78, 0)` and travel as text.
 */
import { execFile } from "node:child_process";
import { access, mkdir } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";

/** Parameters are strings, numbers, booleans or null; bigints are passed as decimal strings. */
export type SqlValue = string | number | boolean | null;

/** Anything that runs a query: the database, or a transaction on it. */
export interface Queryable {
  query<T extends object>(sql: string, params?: readonly SqlValue[]): Promise<{ rows: T[] }>;
}

export interface Database extends Queryable {
  /** `pglite:<dir>` or the server URL with its password hidden. */
  readonly description: string;
  /** Runs statements without parameters (schema). */
  exec(sql: string): Promise<void>;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export class DatabaseError extends Error {
  override name = "DatabaseError";
}

/**
 * Opens the database: the server at `url` when it is given, else PGlite in `dataDir/<name>`.
 * @example
 * const db = await openDatabase({ dataDir: "./data", name: "node" });
 */
export async function openDatabase(options: { url?: string; dataDir: string; name: string }): Promise<Database> {
  if (options.url) return PostgresDatabase.connect(options.url);
  const directory = path.join(options.dataDir, options.name);
  await mkdir(directory, { recursive: true });
  await initializeCluster(directory);
  return new PGliteDatabase(await PGlite.create(directory), `pglite:${directory}`);
}

/**
 * Creates the PGlite cluster of a new data directory in a short-lived child process. PostgreSQL's
 * initdb, run in WebAssembly, peaks at about 700 MB; a long-running node that opened a fresh directory
 * itself would keep that peak (WebAssembly memory never shrinks), where opening an existing one costs
 * under 300 MB.
 */
async function initializeCluster(directory: string): Promise<void> {
  if (
    await access(path.join(directory, "PG_VERSION")).then(
      () => true,
      () => false,
    )
  ) {
    return;
  }
  const script =
    "const { PGlite } = await import(process.argv[1]); await (await PGlite.create(process.argv[2])).close();";
  const pglite = import.meta.resolve("@electric-sql/pglite");
  try {
    await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script, pglite, directory]);
  } catch (error) {
    throw new DatabaseError(`cannot create the database in ${directory}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

class PGliteDatabase implements Database {
  constructor(
    private readonly db: PGlite,
    readonly description: string,
  ) {}
  async query<T extends object>(sql: string, params: readonly SqlValue[] = []) {
    const result = await this.db.query<T>(sql, params as SqlValue[]);
    return { rows: result.rows };
  }
  async exec(sql: string) {
    await this.db.exec(sql);
  }
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) =>
      fn({
        query: async <R extends object>(sql: string, params: readonly SqlValue[] = []) => ({
          rows: (await tx.query<R>(sql, params as SqlValue[])).rows,
        }),
      }),
    );
  }
  async close() {
    await this.db.close();
  }
}

class PostgresDatabase implements Database {
  private constructor(
    private readonly pool: pg.Pool,
    readonly description: string,
  ) {}

  static async connect(url: string): Promise<PostgresDatabase> {
    if (!/^postgres(ql)?:\/\//i.test(url)) {
      throw new DatabaseError(`the database URL must start with postgres://, got "${redact(url)}"`);
    }
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    // An idle client's error (the server restarting) must not crash the process; the next query reports it.
    pool.on("error", () => {});
    try {
      const client = await pool.connect();
      client.release();
    } catch (error) {
      await pool.end().catch(() => {});
      throw new DatabaseError(`cannot connect to ${redact(url)}: ${(error as Error).message}`, { cause: error });
    }
    return new PostgresDatabase(pool, redact(url));
  }
  async query<T extends object>(sql: string, params: readonly SqlValue[] = []) {
    const result = await this.pool.query(sql, params as SqlValue[]);
    return { rows: result.rows as T[] };
  }
  async exec(sql: string) {
    await this.pool.query(sql);
  }
  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const value = await fn({
        query: async <R extends object>(sql: string, params: readonly SqlValue[] = []) => ({
          rows: (await client.query(sql, params as SqlValue[])).rows as R[],
        }),
      });
      await client.query("COMMIT");
      return value;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }
  async close() {
    await this.pool.end();
  }
}

/** The URL without its password, for logs and errors. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]+):[^@]*@/, "$1:***@");
}

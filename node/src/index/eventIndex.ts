/**
 * A persistent, incremental, reorg-safe index of the suite's events in the node's database. Each sync
 * reads only the blocks after its cursor, and each chunk (events, block hashes, cursor) is written in
 * one transaction, so a process killed at any instant leaves a consistent index that resumes where it
 * stopped. The queries return what the settlement of one epoch needs, at a cost in proportion to that
 * epoch's events rather than to the history.
 */
import type { Block, Log, Provider } from "ethers";
import {
  BatchStatus,
  compareEvents,
  decodeEvent,
  InvalidInputError,
  readLogRange,
  TributaryError,
  withRetry,
  type TributaryDeployment,
  type TributaryEvent,
} from "../../../client/index.js";
import type { Database, Queryable, SqlValue } from "../db.js";
import { deserializeEvent, eventEpoch, eventSubject, serializeEvent, type EventKind } from "./codec.js";
import { INDEX_SCHEMA, INDEX_SCHEMA_VERSION, REORG_WINDOW_BLOCKS } from "./schema.js";

/** The part of a deployment the index needs: where to read, from which block, and whose it is. */
export type IndexDeployment = Pick<
  TributaryDeployment,
  "chainId" | "deployBlock" | "registry" | "ledger" | "distributor"
>;

/** The last block the index holds every event of. */
export interface IndexedBlock {
  number: number;
  hash: string;
  timestamp: bigint;
}

/** Parameters of {@link EventIndex.sync}. */
export interface SyncParameters {
  /** Blocks behind the head that are considered final; the index never stores a block above `head - confirmations`. */
  confirmations: number;
  /** Blocks per `eth_getLogs` request. Default 5 000; halved while the node refuses a range as too large. */
  chunkSize?: number;
  /** Attempts per request before giving up. Default 6. */
  retries?: number;
  /** First backoff delay in ms, doubled on each retry. Default 100. */
  backoffMs?: number;
  /** Called after each chunk is committed. */
  onProgress?: (progress: { fromBlock: number; toBlock: number; doneBlock: number; events: number }) => void;
}

/** What one {@link EventIndex.sync} did. */
export interface SyncResult {
  /** First block this sync read (after any rollback). */
  fromBlock: number;
  /** The cursor after the sync: every event at or below it is indexed. */
  toBlock: number;
  /** Events written by this sync. */
  events: number;
  /** Set when the indexed chain had been reorganised: the last block kept, everything above it was indexed again. */
  rolledBackTo?: number;
}

/** The database holds the index of another deployment (another chain or distributor). */
export class IndexDeploymentMismatchError extends TributaryError {
  constructor(
    readonly expected: { chainId: bigint; distributor: string },
    readonly found: { chainId: bigint; distributor: string },
  ) {
    super(
      "INDEX_DEPLOYMENT_MISMATCH",
      `this database indexes the distributor ${found.distributor} on chain ${found.chainId}, not ${expected.distributor} ` +
        `on chain ${expected.chainId}; give this deployment its own database`,
    );
  }
}

/** The database holds an index written in another schema version. */
export class IndexSchemaVersionError extends TributaryError {
  constructor(
    readonly expected: number,
    readonly found: number,
  ) {
    super(
      "INDEX_SCHEMA_VERSION",
      `the event index in this database has schema version ${found}, this node reads version ${expected}; ` +
        "drop the index_* tables to index again",
    );
  }
}

/** The chain kept changing under a sync, so it stopped without writing an inconsistent index. */
export class IndexSyncError extends TributaryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("INDEX_SYNC", message, options);
  }
}

/** Attempts of one sync to index a chain that keeps reorganising while it reads. */
const SYNC_ATTEMPTS = 5;
/** Rows per multi-row INSERT, well below PostgreSQL's 65 535 parameters. */
const INSERT_ROWS = 500;

type Retry = <T>(what: string, fn: () => Promise<T>) => Promise<T>;
interface BodyRow {
  body: object;
}

/** Logs per sync chunk above which the chunk's block range is halved. */
const MAX_LOGS_PER_CHUNK = 2_000;

export class EventIndex {
  /** Syncs of this instance run one at a time. */
  private running: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly db: Database,
    readonly deployment: IndexDeployment,
  ) {}

  /**
   * Creates the tables if needed and claims the database for `deployment`. The database stays the
   * caller's to close.
   * @example
   * const index = await EventIndex.open(db, deployment);
   * await index.sync(provider, { confirmations: 64 });
   * @throws {IndexDeploymentMismatchError} the database indexes another deployment.
   * @throws {IndexSchemaVersionError} the database was written by another version of the index.
   */
  static async open(db: Database, deployment: IndexDeployment): Promise<EventIndex> {
    await db.exec(INDEX_SCHEMA);
    const distributor = deployment.distributor.toLowerCase();
    await db.query(
      "INSERT INTO index_meta (schema_version, chain_id, distributor, deploy_block) VALUES ($1, $2, $3, $4) " +
        "ON CONFLICT (singleton) DO NOTHING",
      [INDEX_SCHEMA_VERSION, deployment.chainId.toString(), distributor, deployment.deployBlock],
    );
    const { rows } = await db.query<{ schema_version: number; chain_id: string; distributor: string }>(
      "SELECT schema_version, chain_id::text AS chain_id, distributor FROM index_meta",
    );
    const meta = rows[0]!;
    if (meta.schema_version !== INDEX_SCHEMA_VERSION) {
      throw new IndexSchemaVersionError(INDEX_SCHEMA_VERSION, meta.schema_version);
    }
    if (BigInt(meta.chain_id) !== deployment.chainId || meta.distributor !== distributor) {
      throw new IndexDeploymentMismatchError(
        { chainId: deployment.chainId, distributor },
        { chainId: BigInt(meta.chain_id), distributor: meta.distributor },
      );
    }
    return new EventIndex(db, deployment);
  }

  /**
   * Indexes the blocks after the cursor up to `head - confirmations`. When the cursor block is no
   * longer on the chain, first rolls back to the last stored block that still is, in one transaction.
   * @throws {RpcError} the node kept failing.
   * @throws {IndexSyncError} the chain kept reorganising while it was read.
   */
  sync(provider: Provider, parameters: SyncParameters): Promise<SyncResult> {
    const next = this.running.then(() => this.syncExclusively(provider, parameters));
    this.running = next.catch(() => {});
    return next;
  }

  /** The last block indexed, or undefined before the first sync. */
  async indexedThrough(): Promise<IndexedBlock | undefined> {
    return this.cursor(this.db);
  }

  /**
   * What the settlement of `epoch` reads, in canonical order: every `TokenAllowed` and `PoolCreated`;
   * the `Funded`, `ContributionDecided` and `BatchDecided` of the epoch; the votes on the contributions
   * decided in it; the proposal and attestations of the batches decided in it; and, for every
   * contribution those batches' records name, its registration, its votes and its revocation if it was
   * revoked in an earlier epoch.
   */
  async epochSlice(epoch: bigint): Promise<TributaryEvent[]> {
    // Every lookup goes through an index (`= ANY(ARRAY(...))` keeps the planner from hashing a whole kind).
    const sql = `
      WITH batches AS (
        SELECT subject FROM index_events WHERE kind = 'BatchDecided' AND epoch = $1
      ), decided AS (
        SELECT subject FROM index_events WHERE kind = 'ContributionDecided' AND epoch = $1
      ), named AS (
        SELECT DISTINCT contribution_id FROM index_records WHERE batch_id = ANY(ARRAY(SELECT subject FROM batches))
      ), slice AS (
        SELECT block_number, log_index, body FROM index_events WHERE kind IN ('TokenAllowed', 'PoolCreated')
        UNION ALL
        SELECT block_number, log_index, body FROM index_events
          WHERE kind IN ('Funded', 'ContributionDecided', 'BatchDecided') AND epoch = $1
        UNION ALL
        SELECT block_number, log_index, body FROM index_events
          WHERE kind IN ('BatchProposed', 'BatchAttested') AND subject = ANY(ARRAY(SELECT subject FROM batches))
        UNION ALL
        SELECT block_number, log_index, body FROM index_events
          WHERE kind = 'VoteCast' AND subject = ANY(ARRAY(SELECT subject FROM decided))
        UNION ALL
        SELECT block_number, log_index, body FROM index_events
          WHERE kind IN ('ContributionRegistered', 'VoteCast') AND subject = ANY(ARRAY(SELECT contribution_id FROM named))
        UNION ALL
        SELECT block_number, log_index, body FROM index_events
          WHERE kind = 'ContributionRevoked' AND subject = ANY(ARRAY(SELECT contribution_id FROM named)) AND epoch < $1
      )
      SELECT DISTINCT ON (block_number, log_index) body FROM slice ORDER BY block_number, log_index`;
    return this.events(sql, [epoch.toString()]);
  }

  /**
   * The ids among `outputIds` that a record of a batch decided Final before `epoch` already names:
   * an output counts once, in the first batch holding it to become final.
   */
  async previouslyCountedOutputs(epoch: bigint, outputIds: readonly string[]): Promise<Set<string>> {
    if (outputIds.length === 0) return new Set();
    const { rows } = await this.db.query<{ output_id: string }>(
      `WITH named AS MATERIALIZED (
         SELECT output_id, batch_id FROM index_records WHERE output_id = ANY(string_to_array($1, ','))
       ), final AS (
         SELECT subject FROM index_events
         WHERE kind = 'BatchDecided' AND subject = ANY(ARRAY(SELECT batch_id FROM named))
           AND epoch < $2 AND (body->>'status')::int = $3
       )
       SELECT DISTINCT output_id FROM named WHERE batch_id IN (SELECT subject FROM final)`,
      [outputIds.map((id) => id.toLowerCase()).join(","), epoch.toString(), BatchStatus.Final],
    );
    return new Set(rows.map((row) => row.output_id));
  }

  /** Every event of `kind`, or only those of `epoch` when given, in canonical order. */
  async eventsOfKind(kind: EventKind, filter: { epoch?: bigint } = {}): Promise<TributaryEvent[]> {
    if (filter.epoch === undefined) {
      return this.events("SELECT body FROM index_events WHERE kind = $1 ORDER BY block_number, log_index", [kind]);
    }
    return this.events(
      "SELECT body FROM index_events WHERE kind = $1 AND epoch = $2 ORDER BY block_number, log_index",
      [kind, filter.epoch.toString()],
    );
  }

  /** How many events the index holds. */
  async eventCount(): Promise<number> {
    const { rows } = await this.db.query<{ count: number }>("SELECT count(*)::int AS count FROM index_events");
    return rows[0]!.count;
  }

  private async events(sql: string, params: SqlValue[]): Promise<TributaryEvent[]> {
    const { rows } = await this.db.query<BodyRow>(sql, params);
    return rows.map((row) => deserializeEvent(row.body));
  }

  private async syncExclusively(provider: Provider, parameters: SyncParameters): Promise<SyncResult> {
    const { confirmations } = parameters;
    if (!Number.isInteger(confirmations) || confirmations < 0) {
      throw new InvalidInputError(`confirmations must be a whole number of blocks, got ${confirmations}`);
    }
    const retry: Retry = (what, fn) => withRetry(what, fn, parameters.retries ?? 6, parameters.backoffMs ?? 100);
    let rolledBackTo: number | undefined;
    let fromBlock: number | undefined;
    let events = 0;
    for (let attempt = 1; ; attempt++) {
      const fork = await this.findFork(provider, retry);
      if (fork !== undefined) {
        await this.rollBack(fork);
        rolledBackTo = Math.min(rolledBackTo ?? fork, fork);
      }
      const head = await retry("eth_blockNumber", () => provider.getBlockNumber());
      const cursor = await this.cursor(this.db);
      const start = cursor ? cursor.number + 1 : this.deployment.deployBlock;
      fromBlock = Math.min(fromBlock ?? start, start);
      const pass = await this.indexRange(provider, retry, parameters, start, head - confirmations, cursor?.hash);
      events += pass.events;
      if (pass.complete) {
        const through = await this.cursor(this.db);
        return {
          fromBlock,
          toBlock: through?.number ?? this.deployment.deployBlock - 1,
          events,
          ...(rolledBackTo === undefined ? {} : { rolledBackTo }),
        };
      }
      if (attempt >= SYNC_ATTEMPTS) {
        throw new IndexSyncError(`the chain reorganised ${attempt} times while it was indexed; sync again later`);
      }
    }
  }

  /**
   * The last stored block still on the chain when the cursor block is not, or undefined when the
   * cursor block is. A fork deeper than every stored block restarts the index from the deployment.
   */
  private async findFork(provider: Provider, retry: Retry): Promise<number | undefined> {
    const cursor = await this.cursor(this.db);
    if (!cursor) return undefined;
    const onChain = await retry(`eth_getBlockByNumber ${cursor.number}`, () => provider.getBlock(cursor.number));
    if (onChain?.hash === cursor.hash) return undefined;
    // Sorted by the BIGINT column: `ORDER BY number` would sort the text it is selected as.
    const { rows } = await this.db.query<{ number: string; hash: string }>(
      "SELECT number::text AS number, hash FROM index_blocks WHERE number < $1 ORDER BY index_blocks.number DESC",
      [cursor.number],
    );
    for (const row of rows) {
      const number = Number(row.number);
      const block = await retry(`eth_getBlockByNumber ${number}`, () => provider.getBlock(number));
      if (block?.hash === row.hash) return number;
    }
    return this.deployment.deployBlock - 1;
  }

  /** Deletes everything above `ancestor` and moves the cursor to it, in one transaction. */
  private async rollBack(ancestor: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      for (const table of ["index_events", "index_records"]) {
        await tx.query(`DELETE FROM ${table} WHERE block_number > $1`, [ancestor]);
      }
      await tx.query("DELETE FROM index_blocks WHERE number > $1", [ancestor]);
      const { rows } = await tx.query<{ hash: string; timestamp: string }>(
        "SELECT hash, timestamp::text AS timestamp FROM index_blocks WHERE number = $1",
        [ancestor],
      );
      const kept = rows[0];
      await tx.query("UPDATE index_meta SET cursor_number = $1, cursor_hash = $2, cursor_timestamp = $3", [
        kept ? ancestor : null,
        kept?.hash ?? null,
        kept?.timestamp ?? null,
      ]);
    });
  }

  /**
   * Indexes `start..target` chunk by chunk. Stops early, with `complete: false`, when the blocks read
   * do not link to the cursor or to each other, or a log's block hash differs from its block's: the
   * chain changed while it was read, and the caller looks for the fork again.
   */
  private async indexRange(
    provider: Provider,
    retry: Retry,
    parameters: SyncParameters,
    start: number,
    target: number,
    cursorHash: string | undefined,
  ): Promise<{ events: number; complete: boolean }> {
    const { registry, ledger, distributor } = this.deployment;
    // Chunks adapt to the chain's density: they start small, double while they hold under half of
    // MAX_LOGS_PER_CHUNK logs and halve above it, so one request and one transaction never carry the
    // whole history of a busy chain (memory stays bounded, whatever the history).
    const maxChunk = Math.max(1, parameters.chunkSize ?? 5_000);
    let chunk = Math.min(maxChunk, 64);
    let previousHash = cursorHash;
    let events = 0;
    for (let from = start; from <= target; ) {
      let { logs, toBlock: to } = await readLogRange(
        provider,
        this.deployment,
        from,
        Math.min(target, from + chunk - 1),
        retry,
      );
      while (logs.length > MAX_LOGS_PER_CHUNK && to > from) {
        ({ logs, toBlock: to } = await readLogRange(
          provider,
          this.deployment,
          from,
          from + Math.floor((to - from + 1) / 2) - 1,
          retry,
        ));
      }
      chunk = to - from + 1;
      const blocks = await this.readBlocks(provider, retry, Math.max(from, target - REORG_WINDOW_BLOCKS + 1), to);
      if (!blocks || !linked(blocks, from, previousHash, logs)) return { events, complete: false };
      const decoded = logs
        .map((log) => decodeEvent(log, { registry, ledger, distributor }))
        .filter((event): event is TributaryEvent => event !== undefined)
        .sort(compareEvents);
      const blockHashes = new Map(logs.map((log) => [log.blockNumber, log.blockHash]));
      await this.db.transaction((tx) => this.write(tx, decoded, blockHashes, blocks));
      events += decoded.length;
      parameters.onProgress?.({ fromBlock: start, toBlock: target, doneBlock: to, events });
      previousHash = blocks.at(-1)!.hash!;
      from = to + 1;
      if (logs.length < MAX_LOGS_PER_CHUNK / 2) chunk = Math.min(maxChunk, chunk * 2);
    }
    return { events, complete: true };
  }

  /** The headers of `from..to`, or only of `to` when `from > to`; undefined when one is missing. */
  private async readBlocks(provider: Provider, retry: Retry, from: number, to: number): Promise<Block[] | undefined> {
    const numbers: number[] = [];
    for (let n = Math.min(from, to); n <= to; n++) numbers.push(n);
    const blocks = await Promise.all(
      numbers.map((n) => retry(`eth_getBlockByNumber ${n}`, () => provider.getBlock(n))),
    );
    return blocks.every((block) => block?.hash) ? (blocks as Block[]) : undefined;
  }

  /** Writes one chunk: its events, their record references, its block headers, and the cursor. */
  private async write(
    tx: Queryable,
    events: TributaryEvent[],
    blockHashes: Map<number, string>,
    blocks: Block[],
  ): Promise<void> {
    await insertRows(
      tx,
      "index_events (block_number, log_index, kind, epoch, subject, tx_hash, block_hash, body)",
      events.map((event) => [
        event.blockNumber,
        event.logIndex,
        event.kind,
        eventEpoch(event)?.toString() ?? null,
        eventSubject(event)?.toString() ?? null,
        event.transactionHash.toLowerCase(),
        blockHashes.get(event.blockNumber)!.toLowerCase(),
        serializeEvent(event),
      ]),
    );
    await insertRows(
      tx,
      "index_records (block_number, log_index, batch_id, output_id, pool_id, contribution_id)",
      events.flatMap((event) =>
        event.kind !== "BatchProposed"
          ? []
          : event.records.flatMap((record) =>
              record.vector.map((entry) => [
                event.blockNumber,
                event.logIndex,
                event.batchId.toString(),
                record.outputId.toLowerCase(),
                record.poolId.toString(),
                entry.contributionId.toString(),
              ]),
            ),
      ),
    );
    await insertRows(
      tx,
      "index_blocks (number, hash, parent_hash, timestamp)",
      blocks.map((block) => [block.number, block.hash!, block.parentHash, block.timestamp]),
    );
    const cursor = blocks.at(-1)!;
    await tx.query("DELETE FROM index_blocks WHERE number <= $1 AND number <> $2", [
      cursor.number - REORG_WINDOW_BLOCKS,
      cursor.number,
    ]);
    await tx.query("UPDATE index_meta SET cursor_number = $1, cursor_hash = $2, cursor_timestamp = $3", [
      cursor.number,
      cursor.hash!,
      cursor.timestamp,
    ]);
  }

  private async cursor(db: Queryable): Promise<IndexedBlock | undefined> {
    const { rows } = await db.query<{ number: string | null; hash: string | null; timestamp: string | null }>(
      "SELECT cursor_number::text AS number, cursor_hash AS hash, cursor_timestamp::text AS timestamp FROM index_meta",
    );
    const row = rows[0];
    if (!row?.number || !row.hash || !row.timestamp) return undefined;
    return { number: Number(row.number), hash: row.hash, timestamp: BigInt(row.timestamp) };
  }
}

/**
 * Whether the headers read link to each other and to the cursor, and agree with the logs' block
 * hashes: if not, the chain changed between the requests.
 */
function linked(blocks: Block[], from: number, previousHash: string | undefined, logs: Log[]): boolean {
  const byNumber = new Map(blocks.map((block) => [block.number, block]));
  for (let i = 1; i < blocks.length; i++) {
    if (blocks[i]!.parentHash !== blocks[i - 1]!.hash) return false;
  }
  if (previousHash && blocks[0]!.number === from && blocks[0]!.parentHash !== previousHash) return false;
  return logs.every((log) => {
    const block = byNumber.get(log.blockNumber);
    return !block || block.hash === log.blockHash;
  });
}

/** Inserts `rows` into `target` ("table (columns)") with multi-row INSERTs. */
async function insertRows(tx: Queryable, target: string, rows: SqlValue[][]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_ROWS) {
    const slice = rows.slice(i, i + INSERT_ROWS);
    const params: SqlValue[] = [];
    const values = slice.map((row) => `(${row.map((value) => `$${params.push(value)}`).join(", ")})`);
    await tx.query(`INSERT INTO ${target} VALUES ${values.join(", ")}`, params);
  }
}

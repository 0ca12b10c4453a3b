/**
 * The record inbox: dapps hand attribution records to a validator node (`POST /v1/records`, or
 * `RecordInbox.enqueue`), which keeps them in its database and proposes them in batches with its own key.
 * No process holds two validators' keys, so a dapp gives its records to one node, and the other nodes
 * attest the batch by their policies.
 *
 * Crash safety: the proposal duty first marks every queued record whose output id is already in a
 * Pending or Final batch on chain, so a crash between sending a batch and marking its rows never
 * proposes them twice; and it waits while a transaction of its key is still in flight.
 */
import type { Signer } from "ethers";
import type { Logger } from "pino";
import {
  ContractRevertError,
  encodeRecords,
  InvalidInputError,
  listAttributionBatches,
  proposeBatch,
  withRunner,
  type AttributionRecord,
  type TributaryContracts,
} from "../../client/index.js";
import type { Database, Queryable } from "./db.js";
import { checkRecords, outputsOnChain } from "./policies/onChainRules.js";
import { inFlight, type VotingMetrics } from "./voting.js";

/** Most records one `POST /v1/records` may carry. */
export const MAX_RECORDS_PER_REQUEST = 1_000;

/** A record as a dapp sends it in JSON: integers as numbers or decimal strings. */
export interface RecordInput {
  outputId: string;
  poolId: bigint | number | string;
  value: bigint | number | string;
  vector: { contributionId: bigint | number | string; weightBps: number }[];
}

/** Where a record is: waiting, in a batch this node proposed, in another's batch, or refused for good. */
export type InboxState = "queued" | "proposed" | "duplicate" | "invalid";

/** One record of the inbox. */
export interface InboxEntry {
  record: AttributionRecord;
  state: InboxState;
  /** The batch holding the output id on chain (`proposed`, `duplicate`). */
  batchId?: bigint;
  /** Why it is still queued, or why it is invalid. */
  detail?: string;
  receivedAt: Date;
}

/** What {@link RecordInbox.enqueue} did. */
export interface EnqueueResult {
  /** Output ids newly queued. */
  queued: string[];
  /** Output ids the inbox already held with the same content (a retried request). */
  alreadyQueued: string[];
}

/** Records refused at the door: malformed, or an output id already held with other content. */
export class InboxInputError extends Error {
  override name = "InboxInputError";
  readonly code = "INVALID_RECORDS";
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS record_inbox (
  output_id TEXT PRIMARY KEY,
  pool_id NUMERIC(78, 0) NOT NULL,
  value NUMERIC(78, 0) NOT NULL,
  vector TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'queued',
  batch_id NUMERIC(78, 0),
  detail TEXT,
  received_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS record_inbox_state ON record_inbox (state, output_id)`;

interface Row {
  output_id: string;
  pool_id: string;
  value: string;
  vector: string;
  state: InboxState;
  batch_id: string | null;
  detail: string | null;
  received_at: Date;
}
const COLUMNS =
  "output_id, pool_id::text AS pool_id, value::text AS value, vector, state, batch_id::text AS batch_id, detail, received_at";

export class RecordInbox {
  private constructor(readonly db: Database) {}

  /** Creates the table if needed. The database stays the caller's to close. */
  static async open(db: Database): Promise<RecordInbox> {
    await db.exec(SCHEMA);
    return new RecordInbox(db);
  }

  /**
   * Checks every record's shape and queues them all, in one transaction: all or none.
   * @example
   * await inbox.enqueue([{ outputId, poolId: 0, value: "100", vector: [{ contributionId: 1, weightBps: 10_000 }] }]);
   * @throws {InboxInputError} a malformed record (naming its index and field), or an output id repeated
   * in the request or already held with other content.
   */
  async enqueue(records: readonly (AttributionRecord | RecordInput)[]): Promise<EnqueueResult> {
    const parsed = records.map((r, index) => parseRecord(r, index));
    const seen = new Set<string>();
    for (const [index, r] of parsed.entries()) {
      if (seen.has(r.outputId)) throw new InboxInputError(`record ${index}: output ${r.outputId} appears twice`);
      seen.add(r.outputId);
    }
    return this.db.transaction(async (tx) => {
      const result: EnqueueResult = { queued: [], alreadyQueued: [] };
      for (const [index, r] of parsed.entries()) {
        const inserted = await tx.query<{ output_id: string }>(
          "INSERT INTO record_inbox (output_id, pool_id, value, vector) VALUES ($1, $2, $3, $4) " +
            "ON CONFLICT (output_id) DO NOTHING RETURNING output_id",
          [r.outputId, r.poolId.toString(), r.value.toString(), vectorText(r)],
        );
        if (inserted.rows.length > 0) {
          result.queued.push(r.outputId);
          continue;
        }
        const existing = (await select(tx, "WHERE output_id = $1", [r.outputId]))[0]!;
        if (!sameRecord(existing.record, r)) {
          throw new InboxInputError(
            `record ${index}: output ${r.outputId} is already in the inbox with another pool, value or vector`,
          );
        }
        result.alreadyQueued.push(r.outputId);
      }
      return result;
    });
  }

  /** The entry of `outputId`, if the inbox holds it. */
  async get(outputId: string): Promise<InboxEntry | undefined> {
    return (await select(this.db, "WHERE output_id = $1", [outputId.toLowerCase()]))[0];
  }

  /** Queued entries in output-id order (the order a batch needs). */
  async queued(limit = 10_000): Promise<InboxEntry[]> {
    return select(this.db, "WHERE state = 'queued' ORDER BY output_id LIMIT $1", [limit]);
  }

  /** How many rows each state holds. */
  async counts(): Promise<Record<InboxState, number>> {
    const rows = await this.db.query<{ state: InboxState; n: number }>(
      "SELECT state, count(*)::int AS n FROM record_inbox GROUP BY state",
    );
    const counts: Record<InboxState, number> = { queued: 0, proposed: 0, duplicate: 0, invalid: 0 };
    for (const row of rows.rows) counts[row.state] = Number(row.n);
    return counts;
  }

  /** Records why a queued row waits. */
  async note(outputId: string, detail: string): Promise<void> {
    await this.db.query("UPDATE record_inbox SET detail = $2 WHERE output_id = $1 AND state = 'queued'", [
      outputId,
      detail,
    ]);
  }

  /** Sets the state (and batch id, detail) of queued rows; rows already out of the queue are left alone. */
  async mark(outputIds: readonly string[], state: InboxState, batchId?: bigint, detail?: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      for (const outputId of outputIds) {
        await tx.query(
          "UPDATE record_inbox SET state = $2, batch_id = $3, detail = $4 WHERE output_id = $1 AND state = 'queued'",
          [outputId, state, batchId === undefined ? null : batchId.toString(), detail ?? null],
        );
      }
    });
  }
}

/**
 * The `POST /v1/records` handler, without a framework: `body` is the parsed JSON,
 * `{ "records": [{ "outputId": "0x…", "poolId": "1", "value": "1000", "vector": [{ "contributionId": "3", "weightBps": 10000 }] }] }`.
 * Answers 202 `{ queued, alreadyQueued }`, 400 `{ code: "INVALID_RECORDS", message }`, or 503
 * `{ code: "INBOX_UNAVAILABLE", message }` when the database fails.
 */
export async function handleRecordsPost(
  inbox: RecordInbox,
  body: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const records = (body as { records?: unknown } | null)?.records;
  if (typeof body !== "object" || body === null || !Array.isArray(records)) {
    return invalid('the body must be a JSON object {"records": [...]}');
  }
  if (records.length === 0) return invalid("records is empty");
  if (records.length > MAX_RECORDS_PER_REQUEST) {
    return invalid(`at most ${MAX_RECORDS_PER_REQUEST} records per request, got ${records.length}`);
  }
  try {
    return { status: 202, json: { ...(await inbox.enqueue(records as RecordInput[])) } };
  } catch (error) {
    if (error instanceof InboxInputError) return invalid(error.message);
    return { status: 503, json: { code: "INBOX_UNAVAILABLE", message: (error as Error).message } };
  }
}

/**
 * The `GET /v1/records/:outputId` handler: 200 `{ outputId, state, batchId?, detail? }`, 404
 * `{ code: "NOT_FOUND" }`, 400 for a malformed id.
 */
export async function handleRecordGet(
  inbox: RecordInbox,
  outputId: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  if (!/^0x[0-9a-fA-F]{64}$/.test(outputId)) return invalid("the output id must be 0x followed by 64 hex digits");
  const entry = await inbox.get(outputId);
  if (!entry) return { status: 404, json: { code: "NOT_FOUND", message: `output ${outputId} is not in the inbox` } };
  return {
    status: 200,
    json: {
      outputId: entry.record.outputId,
      state: entry.state,
      ...(entry.batchId === undefined ? {} : { batchId: entry.batchId.toString() }),
      ...(entry.detail === undefined ? {} : { detail: entry.detail }),
    },
  };
}

export interface ProposalDutyOptions {
  /** The suite bound to a provider: reads. */
  tributary: TributaryContracts;
  /** The node's one validator key: it proposes the batches. */
  validator: Signer;
  inbox: RecordInbox;
  log: Logger;
  metrics?: VotingMetrics;
  /** Records per batch, at most the ledger's `MAX_RECORDS_PER_BATCH` (the default). */
  maxRecordsPerBatch?: number;
}

/** What one proposal step did. */
export interface ProposalStepReport {
  proposed: { batchId: bigint; outputIds: string[]; transaction: string }[];
  /** Queued output ids found already on chain, with the batch holding each. */
  foundOnChain: { outputId: string; batchId: bigint }[];
  invalid: string[];
  /** Set when the step did nothing because a transaction of this validator is still in flight. */
  waiting?: string;
}

/** Proposes the inbox's queued records in batches. */
export class ProposalDuty {
  private address?: string;

  constructor(private readonly o: ProposalDutyOptions) {}

  /** One pass: reconcile the queue with the chain, drop invalid records, propose the rest. */
  async step(): Promise<ProposalStepReport> {
    const { tributary, inbox, log, metrics } = this.o;
    const report: ProposalStepReport = { proposed: [], foundOnChain: [], invalid: [] };
    const me = (this.address ??= await this.o.validator.getAddress());
    let queued = await inbox.queued();
    if (queued.length === 0) return report;
    const waiting = await inFlight(this.o.validator, me);
    if (waiting) {
      log.info({ validator: me }, waiting);
      return { ...report, waiting };
    }
    queued = await this.reconcile(queued, me, report);
    queued = await this.dropInvalid(queued, report);
    const limit = Math.min(
      this.o.maxRecordsPerBatch ?? Number.MAX_SAFE_INTEGER,
      Number(await tributary.ledger.MAX_RECORDS_PER_BATCH()),
    );
    for (let start = 0; start < queued.length; start += limit) {
      const records = queued.slice(start, start + limit).map((e) => e.record);
      const outputIds = records.map((r) => r.outputId);
      let result;
      try {
        result = await proposeBatch(withRunner(tributary, this.o.validator), { records });
      } catch (error) {
        // Left queued: the next step reconciles with the chain and checks the records again.
        log.warn({ records: records.length, err: (error as Error).message }, "proposal failed");
        if (!(error instanceof ContractRevertError)) throw error;
        break;
      }
      await inbox.mark(outputIds, "proposed", result.batchId);
      metrics?.proposals.inc();
      metrics?.recordsProposed.inc(records.length);
      report.proposed.push({ batchId: result.batchId, outputIds, transaction: result.transaction });
      log.info(
        {
          batchId: String(result.batchId),
          records: records.length,
          final: result.final,
          transaction: result.transaction,
        },
        "proposed a batch from the inbox",
      );
    }
    if (metrics) for (const [state, n] of Object.entries(await inbox.counts())) metrics.inbox.set({ state }, n);
    return report;
  }

  /** Marks queued records whose output id a Pending or Final batch already holds; returns the others. */
  private async reconcile(queued: InboxEntry[], me: string, report: ProposalStepReport): Promise<InboxEntry[]> {
    const batches = await listAttributionBatches(this.o.tributary, { index: { confirmations: 0 } });
    const { counted, pending } = outputsOnChain(batches);
    const proposer = new Map(batches.map((b) => [b.batchId, b.proposer.toLowerCase()]));
    const rest: InboxEntry[] = [];
    for (const entry of queued) {
      const outputId = entry.record.outputId;
      const batchId = counted.get(outputId) ?? pending.get(outputId)?.[0];
      if (batchId === undefined) {
        rest.push(entry);
        continue;
      }
      const mine = proposer.get(batchId) === me.toLowerCase();
      await this.o.inbox.mark(
        [outputId],
        mine ? "proposed" : "duplicate",
        batchId,
        mine ? undefined : `already in batch ${batchId} of ${proposer.get(batchId)}`,
      );
      report.foundOnChain.push({ outputId, batchId });
      this.o.log.info({ outputId, batchId: String(batchId), mine }, "queued record already on chain; not proposing it");
    }
    return rest;
  }

  /** Leaves records naming a not-yet-Accepted contribution queued; marks records that can never pass. */
  private async dropInvalid(queued: InboxEntry[], report: ProposalStepReport): Promise<InboxEntry[]> {
    const problems = await checkRecords(
      this.o.tributary,
      queued.map((e) => e.record),
    );
    const failing = new Map(problems.map((p) => [p.index, p]));
    const rest: InboxEntry[] = [];
    for (const [index, entry] of queued.entries()) {
      const problem = failing.get(index);
      if (!problem) rest.push(entry);
      else if (problem.kind === "contribution") {
        await this.o.inbox.note(entry.record.outputId, `waiting: ${problem.reason}`);
      } else {
        await this.o.inbox.mark([entry.record.outputId], "invalid", undefined, problem.reason);
        report.invalid.push(entry.record.outputId);
        this.o.log.warn({ outputId: entry.record.outputId, reason: problem.reason }, "queued record can never pass");
      }
    }
    return rest;
  }
}

function invalid(message: string) {
  return { status: 400, json: { code: "INVALID_RECORDS", message } };
}

function parseRecord(input: AttributionRecord | RecordInput, index: number): AttributionRecord {
  const at = `record ${index}`;
  if (typeof input !== "object" || input === null) throw new InboxInputError(`${at} must be an object`);
  if (typeof input.outputId !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(input.outputId)) {
    throw new InboxInputError(`${at}: outputId must be 0x followed by 64 hex digits`);
  }
  if (!Array.isArray(input.vector)) throw new InboxInputError(`${at}: vector must be an array`);
  const record: AttributionRecord = {
    outputId: input.outputId.toLowerCase(),
    poolId: integer(input.poolId, `${at}: poolId`),
    value: integer(input.value, `${at}: value`),
    vector: input.vector.map((entry, position) => {
      if (typeof entry !== "object" || entry === null) {
        throw new InboxInputError(`${at}, entry ${position} must be an object`);
      }
      return {
        contributionId: integer(entry.contributionId, `${at}, entry ${position}: contributionId`),
        weightBps: Number(integer(entry.weightBps, `${at}, entry ${position}: weightBps`)),
      };
    }),
  };
  try {
    encodeRecords([record]);
  } catch (error) {
    if (error instanceof InvalidInputError) {
      throw new InboxInputError(error.message.replace(/^record 0/, at), { cause: error });
    }
    throw error;
  }
  return record;
}

function integer(value: unknown, what: string): bigint {
  if (typeof value === "bigint" && value >= 0n) return value;
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === "string" && /^\d{1,78}$/.test(value)) return BigInt(value);
  throw new InboxInputError(`${what} must be a non-negative whole number (a number or a decimal string)`);
}

function vectorText(record: AttributionRecord): string {
  return JSON.stringify(record.vector.map((e) => [e.contributionId.toString(), e.weightBps]));
}

function sameRecord(a: AttributionRecord, b: AttributionRecord): boolean {
  return a.poolId === b.poolId && a.value === b.value && vectorText(a) === vectorText(b);
}

async function select(db: Queryable, where: string, params: (string | number)[]): Promise<InboxEntry[]> {
  const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM record_inbox ${where}`, params);
  return rows.rows.map((row) => ({
    record: {
      outputId: row.output_id,
      poolId: BigInt(row.pool_id),
      value: BigInt(row.value),
      vector: (JSON.parse(row.vector) as [string, number][]).map(([id, bps]) => ({
        contributionId: BigInt(id),
        weightBps: bps,
      })),
    },
    state: row.state,
    ...(row.batch_id === null ? {} : { batchId: BigInt(row.batch_id) }),
    ...(row.detail === null ? {} : { detail: row.detail }),
    receivedAt: row.received_at,
  }));
}

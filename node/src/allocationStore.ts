/**
 * The allocation state after each computed epoch, kept in the node's database so that the next epoch
 * is computed from it and that epoch's events alone (client `foldEpoch`), and so that a restarted node
 * resumes where it stopped. Per epoch: the small carried state (pools' carry and idle count, funding
 * per token, covered tokens) as JSON, every account's cumulative entitlement per token, and the
 * settlement computed from them.
 */
import type { AllocationState } from "../../client/index.js";
import type { Database, Queryable } from "./db.js";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS allocation_states (
  epoch NUMERIC(78, 0) PRIMARY KEY,
  carried JSONB NOT NULL,
  root TEXT NOT NULL,
  totals TEXT NOT NULL,
  data_uri TEXT NOT NULL,
  computed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS entitlements (
  epoch NUMERIC(78, 0) NOT NULL REFERENCES allocation_states (epoch) ON DELETE CASCADE,
  token TEXT NOT NULL,
  account TEXT NOT NULL,
  amount NUMERIC(78, 0) NOT NULL,
  PRIMARY KEY (epoch, account, token)
);
-- An account's history (the API) reads its rows of every epoch.
CREATE INDEX IF NOT EXISTS entitlements_account ON entitlements (account);
`;

/** The settlement a node computed for an epoch. */
export interface ComputedSettlement {
  epoch: bigint;
  root: string;
  cumulativeTotals: bigint[];
  dataUri: string;
}

interface Carried {
  pools: [string, string, number][];
  fundedByToken: [string, string][];
  coveredCount: number;
}

export class AllocationStore {
  private constructor(private readonly db: Database) {}

  static async open(db: Database): Promise<AllocationStore> {
    await db.exec(SCHEMA);
    return new AllocationStore(db);
  }

  /** The highest epoch with a stored state, or −1. */
  async latestEpoch(): Promise<bigint> {
    const { rows } = await this.db.query<{ epoch: string | null }>(
      "SELECT max(epoch)::text AS epoch FROM allocation_states",
    );
    return rows[0]?.epoch ? BigInt(rows[0].epoch) : -1n;
  }

  /** The state after `epoch`, or undefined when it was not computed. */
  async load(epoch: bigint): Promise<AllocationState | undefined> {
    const { rows } = await this.db.query<{ carried: Carried | string }>(
      "SELECT carried FROM allocation_states WHERE epoch = $1",
      [epoch.toString()],
    );
    if (!rows[0]) return undefined;
    const carried: Carried = typeof rows[0].carried === "string" ? JSON.parse(rows[0].carried) : rows[0].carried;
    const cumulative = new Map<string, Map<string, bigint>>();
    const amounts = await this.db.query<{ token: string; account: string; amount: string }>(
      "SELECT token, account, amount::text AS amount FROM entitlements WHERE epoch = $1 ORDER BY token, account",
      [epoch.toString()],
    );
    for (const { token, account, amount } of amounts.rows) {
      let owed = cumulative.get(token);
      if (!owed) cumulative.set(token, (owed = new Map()));
      owed.set(account, BigInt(amount));
    }
    return {
      epoch,
      pools: new Map(carried.pools.map(([id, carry, idle]) => [BigInt(id), { carry: BigInt(carry), idle }])),
      fundedByToken: new Map(carried.fundedByToken.map(([token, amount]) => [token, BigInt(amount)])),
      coveredCount: carried.coveredCount,
      cumulative,
    };
  }

  /** Stores the state after `state.epoch` and the settlement computed from it, replacing any earlier one. */
  async save(state: AllocationState, settlement: Omit<ComputedSettlement, "epoch">): Promise<void> {
    const carried: Carried = {
      pools: [...state.pools].map(([id, { carry, idle }]) => [id.toString(), carry.toString(), idle]),
      fundedByToken: [...state.fundedByToken].map(([token, amount]) => [token, amount.toString()]),
      coveredCount: state.coveredCount,
    };
    const rows: [string, string, string][] = [];
    for (const [token, owed] of state.cumulative) {
      for (const [account, amount] of owed) rows.push([token, account, amount.toString()]);
    }
    const epoch = state.epoch.toString();
    await this.db.transaction(async (tx) => {
      await tx.query("DELETE FROM allocation_states WHERE epoch = $1", [epoch]);
      await tx.query(
        "INSERT INTO allocation_states (epoch, carried, root, totals, data_uri) VALUES ($1, $2::jsonb, $3, $4, $5)",
        [epoch, JSON.stringify(carried), settlement.root, settlement.cumulativeTotals.join(","), settlement.dataUri],
      );
      await insertEntitlements(tx, epoch, rows);
    });
  }

  /** The settlement computed for `epoch`, if any. */
  async computed(epoch: bigint): Promise<ComputedSettlement | undefined> {
    const { rows } = await this.db.query<{ root: string; totals: string; data_uri: string }>(
      "SELECT root, totals, data_uri FROM allocation_states WHERE epoch = $1",
      [epoch.toString()],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      epoch,
      root: row.root,
      cumulativeTotals: row.totals === "" ? [] : row.totals.split(",").map(BigInt),
      dataUri: row.data_uri,
    };
  }

  /** Forgets every epoch from `epoch` on (after a reorg below their close). */
  async dropFrom(epoch: bigint): Promise<void> {
    await this.db.query("DELETE FROM allocation_states WHERE epoch >= $1", [epoch.toString()]);
  }
}

/** Inserts entitlements 2 000 rows per statement, through one JSON parameter. */
async function insertEntitlements(tx: Queryable, epoch: string, rows: [string, string, string][]): Promise<void> {
  for (let i = 0; i < rows.length; i += 2_000) {
    await tx.query(
      "INSERT INTO entitlements (epoch, token, account, amount) " +
        "SELECT $1, r->>0, r->>1, (r->>2)::numeric FROM jsonb_array_elements($2::jsonb) AS r",
      [epoch, JSON.stringify(rows.slice(i, i + 2_000))],
    );
  }
}

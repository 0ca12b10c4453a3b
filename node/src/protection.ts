/**
 * Signing protection: the node records what it signs for each epoch in its database (PGlite on disk,
 * or a PostgreSQL server) before it signs, and refuses to sign different content for an epoch it signed.
 */
import type { Database, Queryable } from "./db.js";

/** What the node signs for one epoch. */
export interface SignedRecord {
  epoch: bigint;
  digest: string;
  root: string;
  cumulativeTotals: bigint[];
  dataUri: string;
  deadline: bigint;
}
export type ClaimResult =
  /** Nothing was recorded for the epoch: the record is inserted, signing is safe. */
  | { allowed: true; reason: "new" }
  /** The same digest was recorded: publishing it again is safe. */
  | { allowed: true; reason: "same-digest" }
  /** The same content under another deadline: not equivocation (docs/signatures.md); the record is updated. */
  | { allowed: true; reason: "same-content" }
  /** Other content was signed for this epoch: signing would be equivocation. */
  | { allowed: false; existing: SignedRecord & { signedAt: Date } };

const SCHEMA = `
CREATE TABLE IF NOT EXISTS signed_settlements (
  epoch NUMERIC(78, 0) PRIMARY KEY,
  digest TEXT NOT NULL,
  root TEXT NOT NULL,
  totals TEXT NOT NULL,
  data_uri TEXT NOT NULL,
  deadline NUMERIC(78, 0) NOT NULL,
  signed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS vetoed_signatures (
  epoch NUMERIC(78, 0) NOT NULL,
  digest TEXT NOT NULL,
  root TEXT NOT NULL,
  totals TEXT NOT NULL,
  data_uri TEXT NOT NULL,
  deadline NUMERIC(78, 0) NOT NULL,
  signed_at TIMESTAMPTZ NOT NULL,
  superseded_at TIMESTAMPTZ NOT NULL DEFAULT now()
)`;

interface Row {
  epoch: string;
  digest: string;
  root: string;
  totals: string;
  data_uri: string;
  deadline: string;
  signed_at: Date;
}

export class SigningProtection {
  private constructor(readonly db: Database) {}

  /** Creates the table if needed. The database stays the caller's to close. */
  static async open(db: Database): Promise<SigningProtection> {
    await db.exec(SCHEMA);
    return new SigningProtection(db);
  }

  /**
   * Records `record` before signing it, in one transaction: inserted when the epoch has no record,
   * refused when the epoch's record holds other content (root, totals or data URI).
   */
  async claim(record: SignedRecord): Promise<ClaimResult> {
    return this.db.transaction(async (tx) => {
      const existing = await lockedRecord(tx, record.epoch);
      if (!existing) {
        await insertRecord(tx, record);
        return { allowed: true, reason: "new" } as const;
      }
      if (existing.digest === record.digest.toLowerCase()) return { allowed: true, reason: "same-digest" } as const;
      if (
        existing.root === record.root.toLowerCase() &&
        existing.totals === totalsText(record.cumulativeTotals) &&
        existing.data_uri === record.dataUri
      ) {
        await tx.query("UPDATE signed_settlements SET digest = $2, deadline = $3, signed_at = now() WHERE epoch = $1", [
          record.epoch.toString(),
          record.digest.toLowerCase(),
          record.deadline.toString(),
        ]);
        return { allowed: true, reason: "same-content" } as const;
      }
      return { allowed: false, existing: fromRow(existing) } as const;
    });
  }

  /** The record of `epoch`, if any. */
  async get(epoch: bigint): Promise<(SignedRecord & { signedAt: Date }) | undefined> {
    const found = await this.db.query<Row>(
      "SELECT epoch::text AS epoch, digest, root, totals, data_uri, deadline::text AS deadline, signed_at " +
        "FROM signed_settlements WHERE epoch = $1",
      [epoch.toString()],
    );
    return found.rows[0] ? fromRow(found.rows[0]) : undefined;
  }

  /**
   * Replaces the epoch's record by `record` in one transaction, keeping the old one in
   * `vetoed_signatures`: for the caller to use once governance vetoed exactly the recorded content, after
   * which signing other content for the epoch is not equivocation (docs/signatures.md). Refused when the
   * record changed since the caller read it.
   */
  async supersedeVetoed(vetoed: SignedRecord, record: SignedRecord): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const existing = await lockedRecord(tx, record.epoch);
      if (!existing || existing.digest !== vetoed.digest.toLowerCase()) return false;
      await tx.query(
        "INSERT INTO vetoed_signatures (epoch, digest, root, totals, data_uri, deadline, signed_at) " +
          "SELECT epoch, digest, root, totals, data_uri, deadline, signed_at FROM signed_settlements WHERE epoch = $1",
        [record.epoch.toString()],
      );
      await tx.query("DELETE FROM signed_settlements WHERE epoch = $1", [record.epoch.toString()]);
      await insertRecord(tx, record);
      return true;
    });
  }

  /** Every record, by epoch. */
  async all(): Promise<(SignedRecord & { signedAt: Date })[]> {
    const found = await this.db.query<Row>(
      "SELECT epoch::text AS epoch, digest, root, totals, data_uri, deadline::text AS deadline, signed_at " +
        "FROM signed_settlements ORDER BY epoch",
    );
    return found.rows.map(fromRow);
  }

  /**
   * Adds records in one transaction (see {@link importProtection}): refuses, writing nothing, when an
   * epoch already holds other content.
   */
  async merge(records: readonly SignedRecord[]): Promise<{ added: number; unchanged: number }> {
    return this.db.transaction(async (tx) => {
      let added = 0;
      let unchanged = 0;
      for (const record of records) {
        const existing = await lockedRecord(tx, record.epoch);
        if (!existing) {
          await insertRecord(tx, record);
          added += 1;
        } else if (
          existing.root === record.root.toLowerCase() &&
          existing.totals === totalsText(record.cumulativeTotals) &&
          existing.data_uri === record.dataUri
        ) {
          unchanged += 1;
        } else {
          throw new ProtectionImportError(
            `epoch ${record.epoch}: this database signed root ${existing.root}, the record signed ${record.root}; ` +
              "the validator signed two settlements for one epoch. Nothing was imported.",
          );
        }
      }
      return { added, unchanged };
    });
  }

  /** The highest epoch signed, if any. */
  async lastSignedEpoch(): Promise<bigint | undefined> {
    const found = await this.db.query<{ epoch: string | null }>(
      "SELECT max(epoch)::text AS epoch FROM signed_settlements",
    );
    const epoch = found.rows[0]?.epoch;
    return epoch ? BigInt(epoch) : undefined;
  }
}

/**
 * The portable form of a node's signing-protection record, for moving a validator to a new machine
 * (after EIP-3076's interchange format for Ethereum validators): which content the validator signed
 * for each epoch, for one validator of one deployment.
 */
export interface ProtectionInterchange {
  format: "tributary-signing-protection";
  version: 1;
  chainId: string;
  distributor: string;
  validator: string;
  records: {
    epoch: string;
    digest: string;
    root: string;
    cumulativeTotals: string[];
    dataUri: string;
    deadline: string;
    signedAt: string;
  }[];
}

/** The record cannot be imported: it belongs elsewhere, is malformed, or contradicts this database. */
export class ProtectionImportError extends Error {
  override name = "ProtectionImportError";
}

/** Whose record a database holds, checked on import. */
export interface ProtectionOwner {
  chainId: string;
  distributor: string;
  validator: string;
}

/** Every signed record, as an interchange document. */
export async function exportProtection(
  protection: SigningProtection,
  owner: ProtectionOwner,
): Promise<ProtectionInterchange> {
  const records = await protection.all();
  return {
    format: "tributary-signing-protection",
    version: 1,
    chainId: owner.chainId,
    distributor: owner.distributor.toLowerCase(),
    validator: owner.validator.toLowerCase(),
    records: records.map((r) => ({
      epoch: r.epoch.toString(),
      digest: r.digest,
      root: r.root,
      cumulativeTotals: r.cumulativeTotals.map(String),
      dataUri: r.dataUri,
      deadline: r.deadline.toString(),
      signedAt: r.signedAt.toISOString(),
    })),
  };
}

/**
 * Merges an interchange document into `protection`, in one transaction: epochs it lacks are added,
 * epochs holding the same content are kept, and an epoch holding other content stops the import with
 * nothing written (the validator signed both: that is equivocation already, for an operator to resolve).
 * @returns how many epochs were added and how many were already there.
 */
export async function importProtection(
  protection: SigningProtection,
  owner: ProtectionOwner,
  document: unknown,
): Promise<{ added: number; unchanged: number }> {
  const doc = parseInterchange(document);
  for (const [field, mine] of [
    ["chainId", owner.chainId],
    ["distributor", owner.distributor.toLowerCase()],
    ["validator", owner.validator.toLowerCase()],
  ] as const) {
    if (doc[field].toLowerCase() !== mine.toLowerCase()) {
      throw new ProtectionImportError(`the record is for ${field} ${doc[field]}, this node is ${mine}; not imported`);
    }
  }
  return protection.merge(
    doc.records.map((r) => ({
      epoch: BigInt(r.epoch),
      digest: r.digest,
      root: r.root,
      cumulativeTotals: r.cumulativeTotals.map((t) => BigInt(t)),
      dataUri: r.dataUri,
      deadline: BigInt(r.deadline),
    })),
  );
}

function parseInterchange(document: unknown): ProtectionInterchange {
  const d = document as Partial<ProtectionInterchange> | null;
  if (typeof d !== "object" || d === null || d.format !== "tributary-signing-protection") {
    throw new ProtectionImportError('not a signing-protection record (format must be "tributary-signing-protection")');
  }
  if (d.version !== 1) throw new ProtectionImportError(`unsupported record version ${String(d.version)}; expected 1`);
  for (const field of ["chainId", "distributor", "validator"] as const) {
    if (typeof d[field] !== "string") throw new ProtectionImportError(`the record lacks ${field}`);
  }
  if (!Array.isArray(d.records)) throw new ProtectionImportError("the record lacks its records array");
  const whole = /^\d+$/;
  const hex32 = /^0x[0-9a-fA-F]{64}$/;
  d.records.forEach((r, i) => {
    const ok =
      typeof r === "object" &&
      r !== null &&
      whole.test(String(r.epoch)) &&
      hex32.test(String(r.digest)) &&
      hex32.test(String(r.root)) &&
      Array.isArray(r.cumulativeTotals) &&
      r.cumulativeTotals.every((t) => whole.test(String(t))) &&
      typeof r.dataUri === "string" &&
      whole.test(String(r.deadline));
    if (!ok)
      throw new ProtectionImportError(`record ${i} is malformed (epoch, digest, root, totals, dataUri, deadline)`);
  });
  return d as ProtectionInterchange;
}

/** The epoch's row, locked until the transaction ends. */
async function lockedRecord(tx: Queryable, epoch: bigint): Promise<Row | undefined> {
  const found = await tx.query<Row>(
    "SELECT epoch::text AS epoch, digest, root, totals, data_uri, deadline::text AS deadline, signed_at " +
      "FROM signed_settlements WHERE epoch = $1 FOR UPDATE",
    [epoch.toString()],
  );
  return found.rows[0];
}

async function insertRecord(tx: Queryable, record: SignedRecord): Promise<void> {
  await tx.query(
    "INSERT INTO signed_settlements (epoch, digest, root, totals, data_uri, deadline) VALUES ($1, $2, $3, $4, $5, $6)",
    [
      record.epoch.toString(),
      record.digest.toLowerCase(),
      record.root.toLowerCase(),
      totalsText(record.cumulativeTotals),
      record.dataUri,
      record.deadline.toString(),
    ],
  );
}

function totalsText(totals: readonly bigint[]): string {
  return totals.map(String).join(",");
}

function fromRow(row: Row): SignedRecord & { signedAt: Date } {
  return {
    epoch: BigInt(row.epoch),
    digest: row.digest,
    root: row.root,
    cumulativeTotals: row.totals === "" ? [] : row.totals.split(",").map((t) => BigInt(t)),
    dataUri: row.data_uri,
    deadline: BigInt(row.deadline),
    signedAt: row.signed_at,
  };
}

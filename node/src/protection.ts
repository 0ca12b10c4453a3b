/**
 * Signing protection: the node records what it signs for each epoch in its database (PGlite on disk,
 * or a PostgreSQL server) before it signs, and refuses to sign different content for an epoch it signed.
 */
import type { Database } from "./db.js";

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
      const found = await tx.query<Row>(
        "SELECT epoch::text AS epoch, digest, root, totals, data_uri, deadline::text AS deadline, signed_at " +
          "FROM signed_settlements WHERE epoch = $1 FOR UPDATE",
        [record.epoch.toString()],
      );
      const existing = found.rows[0];
      if (!existing) {
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

  /** The highest epoch signed, if any. */
  async lastSignedEpoch(): Promise<bigint | undefined> {
    const found = await this.db.query<{ epoch: string | null }>(
      "SELECT max(epoch)::text AS epoch FROM signed_settlements",
    );
    const epoch = found.rows[0]?.epoch;
    return epoch ? BigInt(epoch) : undefined;
  }
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

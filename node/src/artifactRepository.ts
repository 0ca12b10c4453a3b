/**
 * Settlement artifacts in the node's database, byte for byte as the node wrote them, so that an API
 * replica on another machine serves them without the writer's disk. One row per epoch: the last
 * artifact the node computed for it, under the data URI it computed.
 */
import { createHash } from "node:crypto";
import type { Database } from "./db.js";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS artifacts (
  epoch NUMERIC(78, 0) PRIMARY KEY,
  data_uri TEXT NOT NULL,
  bytes BYTEA NOT NULL,
  sha256 TEXT NOT NULL,
  saved_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
`;

/** An artifact as stored. */
export interface StoredArtifact {
  epoch: bigint;
  dataUri: string;
  bytes: Uint8Array;
  /** Hex SHA-256 of `bytes`. */
  sha256: string;
}

export class ArtifactRepository {
  private constructor(private readonly db: Database) {}

  static async open(db: Database): Promise<ArtifactRepository> {
    await db.exec(SCHEMA);
    return new ArtifactRepository(db);
  }

  /** Stores `bytes` as the artifact of `epoch`, replacing an earlier one (a recomputation after a reorg). */
  async save(epoch: bigint, dataUri: string, bytes: Uint8Array): Promise<void> {
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    // bytea travels as hex text, which both PGlite and node-postgres accept.
    await this.db.query(
      "INSERT INTO artifacts (epoch, data_uri, bytes, sha256) VALUES ($1, $2, decode($3, 'hex'), $4) " +
        "ON CONFLICT (epoch) DO UPDATE SET data_uri = EXCLUDED.data_uri, bytes = EXCLUDED.bytes, " +
        "sha256 = EXCLUDED.sha256, saved_at = now()",
      [epoch.toString(), dataUri, Buffer.from(bytes).toString("hex"), sha256],
    );
  }

  /** The artifact of `epoch`, or undefined when none was saved. */
  async get(epoch: bigint): Promise<StoredArtifact | undefined> {
    const { rows } = await this.db.query<{ data_uri: string; hex: string; sha256: string }>(
      "SELECT data_uri, encode(bytes, 'hex') AS hex, sha256 FROM artifacts WHERE epoch = $1",
      [epoch.toString()],
    );
    const row = rows[0];
    if (!row) return undefined;
    return { epoch, dataUri: row.data_uri, bytes: Buffer.from(row.hex, "hex"), sha256: row.sha256 };
  }

  /** The data URI and SHA-256 of `epoch`'s artifact, without its bytes, or undefined when none was saved. */
  async describe(epoch: bigint): Promise<Omit<StoredArtifact, "bytes"> | undefined> {
    const { rows } = await this.db.query<{ data_uri: string; sha256: string }>(
      "SELECT data_uri, sha256 FROM artifacts WHERE epoch = $1",
      [epoch.toString()],
    );
    const row = rows[0];
    return row && { epoch, dataUri: row.data_uri, sha256: row.sha256 };
  }

  /** The epochs with a stored artifact, ascending. */
  async epochs(): Promise<bigint[]> {
    const { rows } = await this.db.query<{ epoch: string }>(
      "SELECT epoch::text AS epoch FROM artifacts ORDER BY epoch",
    );
    return rows.map((r) => BigInt(r.epoch));
  }
}

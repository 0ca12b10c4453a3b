/**
 * The event index's tables. The same SQL runs on PGlite and on a PostgreSQL server. Block numbers and
 * log indexes fit a BIGINT/INTEGER; ids, epochs and amounts can exceed 2^53 and are NUMERIC(78, 0).
 */

/**
 * Bumped whenever a table changes shape or the index starts storing events it skipped before; an index
 * written by another version is refused. Version 2 stores `ContributionRevoked`, which version 1 did not
 * read, so a version-1 index could be missing revocations.
 */
export const INDEX_SCHEMA_VERSION = 2;

/** How many blocks below the indexed head keep their hash, to find where a reorg forked. */
export const REORG_WINDOW_BLOCKS = 128;

export const INDEX_SCHEMA = `
CREATE TABLE IF NOT EXISTS index_meta (
  singleton BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
  schema_version INTEGER NOT NULL,
  chain_id NUMERIC(78, 0) NOT NULL,
  distributor TEXT NOT NULL,
  deploy_block BIGINT NOT NULL,
  -- The last block indexed; every event at or below it is stored. NULL before the first sync.
  cursor_number BIGINT,
  cursor_hash TEXT,
  cursor_timestamp BIGINT
);

-- The indexed blocks within REORG_WINDOW_BLOCKS of the cursor, and the cursor block itself.
CREATE TABLE IF NOT EXISTS index_blocks (
  number BIGINT PRIMARY KEY,
  hash TEXT NOT NULL,
  parent_hash TEXT NOT NULL,
  timestamp BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS index_events (
  block_number BIGINT NOT NULL,
  log_index INTEGER NOT NULL,
  kind TEXT NOT NULL,
  epoch NUMERIC(78, 0),
  -- The contribution id, batch id or pool id the event is about.
  subject NUMERIC(78, 0),
  tx_hash TEXT NOT NULL,
  block_hash TEXT NOT NULL,
  body JSONB NOT NULL,
  PRIMARY KEY (block_number, log_index)
);
CREATE INDEX IF NOT EXISTS index_events_kind_epoch ON index_events (kind, epoch);
CREATE INDEX IF NOT EXISTS index_events_kind_subject ON index_events (kind, subject);

-- One row per (record, vector entry) of every BatchProposed.
CREATE TABLE IF NOT EXISTS index_records (
  block_number BIGINT NOT NULL,
  log_index INTEGER NOT NULL,
  batch_id NUMERIC(78, 0) NOT NULL,
  output_id TEXT NOT NULL,
  pool_id NUMERIC(78, 0) NOT NULL,
  contribution_id NUMERIC(78, 0) NOT NULL,
  PRIMARY KEY (block_number, log_index, output_id, contribution_id)
);
CREATE INDEX IF NOT EXISTS index_records_batch ON index_records (batch_id);
CREATE INDEX IF NOT EXISTS index_records_output ON index_records (output_id);
`;

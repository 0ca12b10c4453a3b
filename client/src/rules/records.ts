import { InvalidInputError } from "./errors.js";

/** Largest vector a record may carry; mirrors `AttributionLedger.MAX_ATTRIBUTIONS`. */
export const MAX_ATTRIBUTIONS = 32;
/** Weights of a vector sum to this many basis points. */
export const TOTAL_WEIGHT_BPS = 10_000;

/** One (contribution, weight) pair of an attribution vector. */
export interface AttributionEntry {
  contributionId: bigint;
  weightBps: number;
}

/** An AI output's attribution: its id, the pool that pays for it, its value, and its vector. */
export interface AttributionRecord {
  /** Nonzero 32-byte id, 0x-prefixed hex. */
  outputId: string;
  /** The distributor's pool that pays for this output (0: the network pool), below 2^32. */
  poolId: bigint;
  /**
   * Relative weight of the output, below 2^128, in one unit whatever the pool's token (18-decimal
   * units by convention): the network pool weighs every record by it (docs/allocation.md).
   */
  value: bigint;
  /** Entries with strictly increasing contribution ids whose weights sum to 10 000. */
  vector: AttributionEntry[];
}

const HEADER_BYTES = 53;
const ENTRY_BYTES = 6;

/**
 * Packs records into the ledger's calldata format:
 * `outputId (32) | poolId (4) | value (16) | n (1) | n × (contributionId (4) | weightBps (2))`.
 * Checks the shape rules the contract checks, except what only the chain knows: Accepted status, that
 * the pool exists, and that it allows the contributions' datanets.
 * @example
 * const data = encodeRecords([{ outputId: id("out-1"), poolId: 0n, value: 100n, vector: [{ contributionId: 1n, weightBps: 10_000 }] }]);
 */
export function encodeRecords(records: readonly AttributionRecord[]): string {
  if (records.length === 0) throw new InvalidInputError("a batch needs at least one record");
  let size = 0;
  for (const r of records) size += HEADER_BYTES + ENTRY_BYTES * r.vector.length;
  const out = new Uint8Array(size);
  let offset = 0;
  let previousOutput = -1n;
  records.forEach((record, index) => {
    const outputId = parseOutputId(record.outputId, index);
    if (outputId <= previousOutput) {
      throw new InvalidInputError(`record ${index}: output ids must be strictly increasing within a batch`);
    }
    previousOutput = outputId;
    if (typeof record.poolId !== "bigint" || record.poolId < 0n || record.poolId >= 2n ** 32n) {
      throw new InvalidInputError(
        `record ${index}: poolId must be a bigint between 0 and 2^32 - 1 (0 is the network pool)`,
      );
    }
    if (record.value <= 0n || record.value >= 2n ** 128n) {
      throw new InvalidInputError(`record ${index}: value must be between 1 and 2^128 - 1`);
    }
    const n = record.vector.length;
    if (n === 0 || n > MAX_ATTRIBUTIONS) {
      throw new InvalidInputError(`record ${index}: vector must have 1 to ${MAX_ATTRIBUTIONS} entries, has ${n}`);
    }
    writeUint(out, offset, 32, outputId);
    writeUint(out, offset + 32, 4, record.poolId);
    writeUint(out, offset + 36, 16, record.value);
    out[offset + 52] = n;
    offset += HEADER_BYTES;
    let previousId = 0n;
    let sum = 0;
    record.vector.forEach((entry, position) => {
      if (entry.contributionId <= previousId || entry.contributionId >= 2n ** 32n) {
        throw new InvalidInputError(
          `record ${index}, entry ${position}: contribution ids must be strictly increasing uint32 values`,
        );
      }
      if (!Number.isInteger(entry.weightBps) || entry.weightBps <= 0 || entry.weightBps > 0xffff) {
        throw new InvalidInputError(`record ${index}, entry ${position}: weight must be a positive integer in bps`);
      }
      previousId = entry.contributionId;
      sum += entry.weightBps;
      writeUint(out, offset, 4, entry.contributionId);
      writeUint(out, offset + 4, 2, BigInt(entry.weightBps));
      offset += ENTRY_BYTES;
    });
    if (sum !== TOTAL_WEIGHT_BPS) {
      throw new InvalidInputError(`record ${index}: weights sum to ${sum} bps, not ${TOTAL_WEIGHT_BPS}`);
    }
  });
  return "0x" + Array.from(out, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Unpacks records from the ledger's calldata format (for example from a `BatchProposed` event). */
export function decodeRecords(data: string): AttributionRecord[] {
  if (!/^0x([0-9a-fA-F]{2})*$/.test(data)) throw new InvalidInputError("records must be 0x-prefixed hex bytes");
  const hex = data.slice(2);
  const length = hex.length / 2;
  const read = (offset: number, bytes: number): bigint =>
    bytes === 0 ? 0n : BigInt("0x" + hex.slice(offset * 2, (offset + bytes) * 2));
  const records: AttributionRecord[] = [];
  let offset = 0;
  while (offset < length) {
    if (length - offset < HEADER_BYTES) throw new InvalidInputError(`records are truncated at byte ${offset}`);
    const outputId = "0x" + hex.slice(offset * 2, (offset + 32) * 2).toLowerCase();
    const poolId = read(offset + 32, 4);
    const value = read(offset + 36, 16);
    const n = Number(read(offset + 52, 1));
    offset += HEADER_BYTES;
    if (length - offset < n * ENTRY_BYTES) throw new InvalidInputError(`records are truncated at byte ${offset}`);
    const vector: AttributionEntry[] = [];
    for (let j = 0; j < n; j++) {
      vector.push({ contributionId: read(offset, 4), weightBps: Number(read(offset + 4, 2)) });
      offset += ENTRY_BYTES;
    }
    records.push({ outputId, poolId, value, vector });
  }
  return records;
}

function parseOutputId(outputId: string, index: number): bigint {
  if (!/^0x[0-9a-fA-F]{64}$/.test(outputId)) {
    throw new InvalidInputError(`record ${index}: output id must be 32 bytes of hex`);
  }
  const value = BigInt(outputId);
  if (value === 0n) throw new InvalidInputError(`record ${index}: output id must not be zero`);
  return value;
}

function writeUint(out: Uint8Array, offset: number, bytes: number, value: bigint): void {
  let v = value;
  for (let i = bytes - 1; i >= 0; i--) {
    out[offset + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

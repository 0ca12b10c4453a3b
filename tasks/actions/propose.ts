import { readFile } from "node:fs/promises";
import path from "node:path";
import { id as labelHash } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import {
  InvalidInputError,
  MAX_ATTRIBUTIONS,
  proposeBatch,
  readPool,
  requireTokenAmount,
  TOTAL_WEIGHT_BPS,
  type AttributionEntry,
  type AttributionRecord,
} from "../../client/index.js";
import { runAction } from "./common.js";
import { checkFrom, openAs, required } from "./roleCommon.js";

/** A parsed record and where it was read (`line 3`, `record 2`), for messages. */
export interface SourcedRecord {
  record: AttributionRecord;
  where: string;
}

const VALUE_DECIMALS = 18;

function parseOutputId(text: string, where: string): string {
  const value = text.trim();
  if (value === "") throw new InvalidInputError(`${where}: outputId is empty`);
  if (/^0x[0-9a-fA-F]{64}$/.test(value)) {
    if (BigInt(value) === 0n) throw new InvalidInputError(`${where}: outputId must not be zero`);
    return value.toLowerCase();
  }
  if (value.startsWith("0x")) {
    throw new InvalidInputError(
      `${where}: outputId "${value}" starts with 0x but is not 32 bytes of hex; use 64 hex digits or a plain label`,
    );
  }
  // A label such as `chat-answer-1` names the output by its keccak-256 hash.
  return labelHash(value);
}

function parsePoolId(text: string, where: string): bigint {
  const value = text.trim();
  if (!/^\d+$/.test(value) || BigInt(value) >= 2n ** 32n) {
    throw new InvalidInputError(`${where}: poolId must be a pool id (0 is the network pool), got "${text}"`);
  }
  return BigInt(value);
}

function parseValue(text: string, where: string): bigint {
  let value: bigint;
  try {
    value = requireTokenAmount(text.trim(), VALUE_DECIMALS, "value");
  } catch (error) {
    throw new InvalidInputError(
      `${where}: value must be a positive number such as 3 or 1.5 (in units of 10^18), got "${text}"`,
      { cause: error },
    );
  }
  if (value >= 2n ** 128n) throw new InvalidInputError(`${where}: value ${text} is too large (below 2^128 base units)`);
  return value;
}

function parseEntry(text: string, where: string): AttributionEntry {
  const match = /^(\d+):(\d+)$/.exec(text.trim());
  if (!match) {
    throw new InvalidInputError(`${where}: vector entry "${text}" must be contributionId:weightBps, such as 3:6000`);
  }
  return { contributionId: BigInt(match[1]!), weightBps: Number(match[2]!) };
}

function parseVector(input: unknown, where: string): AttributionEntry[] {
  let entries: AttributionEntry[];
  if (typeof input === "string") {
    const parts = input.split(/[\s;|]+/).filter((p) => p !== "");
    entries = parts.map((p) => parseEntry(p, where));
  } else if (Array.isArray(input)) {
    entries = input.map((item) => {
      if (typeof item === "string") return parseEntry(item, where);
      const e = item as { contributionId?: unknown; weightBps?: unknown };
      if (typeof item !== "object" || item === null || e.contributionId === undefined || e.weightBps === undefined) {
        throw new InvalidInputError(
          `${where}: each vector entry must be "contributionId:weightBps" or { "contributionId", "weightBps" }`,
        );
      }
      return parseEntry(`${String(e.contributionId)}:${String(e.weightBps)}`, where);
    });
  } else {
    throw new InvalidInputError(`${where}: vector is missing; give entries such as "3:6000 4:4000"`);
  }
  if (entries.length === 0 || entries.length > MAX_ATTRIBUTIONS) {
    throw new InvalidInputError(`${where}: vector must have 1 to ${MAX_ATTRIBUTIONS} entries, has ${entries.length}`);
  }
  entries.sort((a, b) => (a.contributionId < b.contributionId ? -1 : a.contributionId > b.contributionId ? 1 : 0));
  let sum = 0;
  entries.forEach((entry, i) => {
    if (entry.contributionId === 0n || entry.contributionId >= 2n ** 32n) {
      throw new InvalidInputError(`${where}: contribution id ${entry.contributionId} is not a contribution id`);
    }
    if (i > 0 && entry.contributionId === entries[i - 1]!.contributionId) {
      throw new InvalidInputError(`${where}: contribution ${entry.contributionId} appears twice in the vector`);
    }
    if (entry.weightBps <= 0 || entry.weightBps > TOTAL_WEIGHT_BPS) {
      throw new InvalidInputError(
        `${where}: contribution ${entry.contributionId}'s weight must be 1 to ${TOTAL_WEIGHT_BPS} bps, got ${entry.weightBps}`,
      );
    }
    sum += entry.weightBps;
  });
  if (sum !== TOTAL_WEIGHT_BPS) {
    throw new InvalidInputError(`${where}: weights sum to ${sum} bps, not ${TOTAL_WEIGHT_BPS}`);
  }
  return entries;
}

function parseRecord(
  fields: { outputId: unknown; poolId: unknown; value: unknown; vector: unknown },
  where: string,
): SourcedRecord {
  for (const name of ["outputId", "poolId", "value"] as const) {
    const v = fields[name];
    if (v === undefined || v === null || (typeof v !== "string" && typeof v !== "number")) {
      throw new InvalidInputError(`${where}: ${name} is missing or not a string or number`);
    }
  }
  return {
    where,
    record: {
      outputId: parseOutputId(String(fields.outputId), where),
      poolId: parsePoolId(String(fields.poolId), where),
      value: parseValue(String(fields.value), where),
      vector: parseVector(fields.vector, where),
    },
  };
}

/** Parses records from CSV text: a header naming outputId, poolId, value and vector, then a record a line. */
export function parseRecordsCsv(text: string, file: string): SourcedRecord[] {
  const lines = text.split(/\r?\n/);
  const headerIndex = lines.findIndex((l) => l.trim() !== "" && !l.trim().startsWith("#"));
  if (headerIndex < 0) throw new InvalidInputError(`${file} has no records`);
  const header = lines[headerIndex]!.split(",").map((h) => h.trim());
  const columns = ["outputId", "poolId", "value", "vector"];
  const missing = columns.filter((c) => !header.includes(c));
  if (missing.length > 0 || header.length !== columns.length) {
    throw new InvalidInputError(
      `${file} line ${headerIndex + 1}: the header must name the columns outputId,poolId,value,vector, got "${lines[headerIndex]!.trim()}"`,
    );
  }
  const out: SourcedRecord[] = [];
  for (let i = headerIndex + 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "" || line.startsWith("#")) continue;
    const where = `${file} line ${i + 1}`;
    const cells = line.split(",");
    if (cells.length !== columns.length) {
      throw new InvalidInputError(`${where}: expected ${columns.length} comma-separated fields, got ${cells.length}`);
    }
    const row = Object.fromEntries(header.map((h, j) => [h, cells[j]!.trim()]));
    out.push(parseRecord({ outputId: row.outputId, poolId: row.poolId, value: row.value, vector: row.vector }, where));
  }
  if (out.length === 0) throw new InvalidInputError(`${file} has no records`);
  return out;
}

/** Parses records from JSON: an array of records, or an object with a `records` array. */
export function parseRecordsJson(text: string, file: string): SourcedRecord[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const list = Array.isArray(json) ? json : (json as { records?: unknown } | null)?.records;
  if (!Array.isArray(list))
    throw new InvalidInputError(`${file} must hold an array of records (or { "records": [...] })`);
  if (list.length === 0) throw new InvalidInputError(`${file} has no records`);
  return list.map((item, index) => {
    const where = `${file} record ${index + 1}`;
    if (typeof item !== "object" || item === null) throw new InvalidInputError(`${where}: not an object`);
    return parseRecord(item as { outputId: unknown; poolId: unknown; value: unknown; vector: unknown }, where);
  });
}

/** Reads a records file (JSON by its `.json` extension, else CSV) and sorts it by output id. */
export async function readRecords(file: string): Promise<SourcedRecord[]> {
  let text: string;
  try {
    text = await readFile(path.resolve(file), "utf8");
  } catch {
    throw new InvalidInputError(`--records ${file} cannot be read`);
  }
  const records = file.toLowerCase().endsWith(".json") ? parseRecordsJson(text, file) : parseRecordsCsv(text, file);
  records.sort((a, b) => {
    const x = BigInt(a.record.outputId);
    const y = BigInt(b.record.outputId);
    return x < y ? -1 : x > y ? 1 : 0;
  });
  for (let i = 1; i < records.length; i++) {
    if (records[i]!.record.outputId === records[i - 1]!.record.outputId) {
      const [first, second] = [records[i - 1]!.where, records[i]!.where].sort();
      throw new InvalidInputError(`${second}: same outputId as ${first.replace(`${file} `, "")}`);
    }
  }
  return records;
}

export default async function proposeTask(
  args: { records: string; from: string; deployment: string },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runAction(async () => {
    const file = required(args.records, "--records", "a JSON or CSV file of attribution records");
    const records = await readRecords(file);
    checkFrom(args.from);
    const { tributary, address } = await openAs(hre, args.deployment, args.from);
    const maxRecords = await tributary.ledger.MAX_RECORDS_PER_BATCH();
    if (BigInt(records.length) > maxRecords) {
      throw new InvalidInputError(`${file} has ${records.length} records; a batch takes at most ${maxRecords}`);
    }
    const poolCount = await tributary.distributor.poolCount();
    const contributionCount = await tributary.registry.contributionCount();
    for (const { record, where } of records) {
      if (record.poolId >= poolCount) {
        throw new InvalidInputError(
          `${where}: pool ${record.poolId} does not exist: pools run from 0 (the network pool) to ${poolCount - 1n}`,
        );
      }
      const pool = await readPool(tributary, { poolId: record.poolId });
      for (const { contributionId } of record.vector) {
        if (contributionId > contributionCount) {
          throw new InvalidInputError(
            `${where}: contribution ${contributionId} does not exist: contributions run from 1 to ${contributionCount}`,
          );
        }
        if (!(await tributary.registry.isAccepted(contributionId))) {
          throw new InvalidInputError(
            `${where}: contribution ${contributionId} is not Accepted; only contributions validators accepted can be attributed`,
          );
        }
        const datanet = await tributary.registry.acceptedDatanetOf(contributionId);
        if (pool.datanets.length > 0 && !pool.datanets.includes(datanet)) {
          throw new InvalidInputError(
            `${where}: contribution ${contributionId} is in datanet ${datanet}, which pool ${record.poolId} does not ` +
              `take (it takes datanets ${pool.datanets.join(", ")})`,
          );
        }
      }
    }
    const result = await proposeBatch(tributary, { records: records.map((r) => r.record) });
    console.log(
      `${address} proposed batch ${result.batchId} with ${records.length} record(s) in ${result.transaction}; ` +
        (result.final ? "its proposer's stake alone made it Final" : "it is Pending until validators attest it"),
    );
  });
}

import { mkdir, readFile, rename, writeFile, open } from "node:fs/promises";
import path from "node:path";
import { TributaryError } from "../rules/errors.js";
import { artifactBytes, parseArtifactBytes } from "../rules/contentAddress.js";
import type { SettleJournal, SettlementArtifact } from "../rules/artifact.js";
import type { SettlementStore } from "../settlement/store.js";

/**
 * Keeps journals and artifacts as JSON files under `directory`. Every write goes to a temporary
 * file that is flushed and then renamed over the target, so a crash never leaves half a file.
 * An artifact file holds exactly its canonical bytes, so any copy of it hashes to its data URI.
 */
export class FileSettlementStore implements SettlementStore {
  constructor(readonly directory: string) {}

  artifactPath(key: string): string {
    return path.join(this.directory, `${key}.json`);
  }

  journalPath(key: string): string {
    return path.join(this.directory, `${key}.journal.json`);
  }

  async readJournal(key: string): Promise<SettleJournal | undefined> {
    return readJson<SettleJournal>(this.journalPath(key));
  }

  async writeJournal(key: string, journal: SettleJournal): Promise<void> {
    await writeJsonAtomic(this.journalPath(key), journal);
  }

  /** The artifact stored under `key`, checked to be in the canonical format, or undefined. */
  async readArtifact(key: string): Promise<SettlementArtifact | undefined> {
    const file = this.artifactPath(key);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new TributaryError("FILE_ERROR", `cannot read ${file}: ${(error as Error).message}`, { cause: error });
    }
    try {
      return parseArtifactBytes(bytes);
    } catch (error) {
      throw new TributaryError("FILE_ERROR", `${file}: ${(error as Error).message}`, { cause: error });
    }
  }

  async writeArtifact(key: string, artifact: SettlementArtifact): Promise<string> {
    const file = this.artifactPath(key);
    await writeFileAtomic(file, artifactBytes(artifact));
    return file;
  }
}

/** Reads a JSON file, or undefined when it does not exist. */
export async function readJson<T>(file: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new TributaryError("FILE_ERROR", `cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new TributaryError("FILE_ERROR", `${file} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

/** Writes JSON atomically: temporary file, fsync, rename. */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(value, null, 2) + "\n");
}

/** Writes a file atomically: temporary file, fsync, rename. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, data);
  const handle = await open(temporary, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
}

import { mkdir, readFile, rename, writeFile, open } from "node:fs/promises";
import path from "node:path";
import { TributaryError } from "../rules/errors.js";
import type { SettleJournal, SettlementArtifact } from "../rules/artifact.js";
import type { SettlementStore } from "../settlement/store.js";

/**
 * Keeps journals and artifacts as JSON files under `directory`. Every write goes to a temporary
 * file that is flushed and then renamed over the target, so a crash never leaves half a file.
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

  async readArtifact(key: string): Promise<SettlementArtifact | undefined> {
    return readJson<SettlementArtifact>(this.artifactPath(key));
  }

  async writeArtifact(key: string, artifact: SettlementArtifact): Promise<string> {
    const file = this.artifactPath(key);
    await writeJsonAtomic(file, artifact);
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
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, JSON.stringify(value, null, 2) + "\n", "utf8");
  const handle = await open(temporary, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
}

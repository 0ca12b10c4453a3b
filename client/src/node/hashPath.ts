import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { InvalidInputError } from "../rules/errors.js";
import { hashDirectoryEntries, hashFileBytes, type DirectoryEntry } from "../rules/hashing.js";

/**
 * Content hash of a file or a directory on disk (docs/content-hash.md).
 * @example
 * const contentHash = await hashPath("./datasets/wiki-2026");
 */
export async function hashPath(target: string): Promise<string> {
  let info;
  try {
    info = await stat(target);
  } catch (error) {
    throw new InvalidInputError(
      `cannot read "${target}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      { cause: error },
    );
  }
  if (info.isFile()) return hashFileBytes(new Uint8Array(await readFile(target)));
  if (!info.isDirectory()) throw new InvalidInputError(`"${target}" is neither a file nor a directory`);
  const entries: DirectoryEntry[] = [];
  await collect(target, "", entries);
  if (entries.length === 0) throw new InvalidInputError(`directory "${target}" contains no files`);
  return hashDirectoryEntries(entries);
}

async function collect(root: string, prefix: string, out: DirectoryEntry[]): Promise<void> {
  for (const entry of await readdir(path.join(root, prefix), { withFileTypes: true })) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) await collect(root, relative, out);
    else if (entry.isFile())
      out.push({ path: relative, bytes: new Uint8Array(await readFile(path.join(root, relative))) });
  }
}

/**
 * Content hashes (docs/content-hash.md). Browser-safe: works on bytes, never on the filesystem.
 *
 * - a file: `keccak256(0x00 ‖ bytes)`;
 * - a directory: `keccak256(0x01 ‖ for each file, sorted by path: keccak256(utf8(path)) ‖ fileHash)`,
 *   paths relative to the directory, `/`-separated, sorted by their UTF-8 bytes.
 * The leading byte keeps a file from ever hashing like a directory.
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import { InvalidInputError } from "./errors.js";

const encoder = new TextEncoder();

function hex(bytes: Uint8Array): string {
  return "0x" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Content hash of one file's bytes. */
export function hashFileBytes(bytes: Uint8Array): string {
  const input = new Uint8Array(bytes.length + 1);
  input[0] = 0x00;
  input.set(bytes, 1);
  return hex(keccak_256(input));
}

/** One file of a directory: its relative `/`-separated path and its bytes. */
export interface DirectoryEntry {
  path: string;
  bytes: Uint8Array;
}

/** Content hash of a directory, given every file in it. */
export function hashDirectoryEntries(entries: readonly DirectoryEntry[]): string {
  if (entries.length === 0) throw new InvalidInputError("a directory needs at least one file to be hashed");
  const rows = entries.map((entry) => {
    if (
      entry.path.length === 0 ||
      entry.path.startsWith("/") ||
      entry.path.split("/").some((p) => p === ".." || p === "")
    ) {
      throw new InvalidInputError(`"${entry.path}" is not a relative path inside the directory`);
    }
    return { path: encoder.encode(entry.path), fileHash: keccak_256(withPrefix(0x00, entry.bytes)) };
  });
  rows.sort((a, b) => compareBytes(a.path, b.path));
  for (let i = 1; i < rows.length; i++) {
    if (compareBytes(rows[i - 1]!.path, rows[i]!.path) === 0)
      throw new InvalidInputError("a path appears twice in the directory");
  }
  const body = new Uint8Array(1 + rows.length * 64);
  body[0] = 0x01;
  rows.forEach((row, i) => {
    body.set(keccak_256(row.path), 1 + i * 64);
    body.set(row.fileHash, 33 + i * 64);
  });
  return hex(keccak_256(body));
}

function withPrefix(prefix: number, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length + 1);
  out[0] = prefix;
  out.set(bytes, 1);
  return out;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

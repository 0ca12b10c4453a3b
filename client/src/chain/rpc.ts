import { withRetry } from "./indexer.js";

/** Retried RPC reads and a clock for stage timings. */
/** A read over RPC, retried with backoff: every settle step must survive a flaky node. */
export function rpc<T>(what: string, call: () => Promise<T>): Promise<T> {
  return withRetry(what, call, 6, 50);
}
export function now(): number {
  return globalThis.performance?.now() ?? Date.now();
}

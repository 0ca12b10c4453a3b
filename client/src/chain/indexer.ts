import type { Log, Provider } from "ethers";
import type { TributaryContracts } from "./contracts.js";
import { InvalidInputError, RpcError } from "../rules/errors.js";
import { decodeEvent, settlementTopics } from "./events.js";
import { compareEvents, type TributaryEvent } from "../rules/events.js";

/** How to read logs. */
export interface IndexEventsParameters {
  /** First block to read; defaults to the deployment block. */
  fromBlock?: number;
  /** Last block to read; defaults to the head minus `confirmations`. */
  toBlock?: number;
  /**
   * Blocks behind the head that are considered final. Default {@link defaultConfirmations} of the
   * deployment's chain: 0 on a local dev chain, 64 (two beacon-chain epochs) elsewhere.
   */
  confirmations?: number;
  /** Blocks per `eth_getLogs` request. Default 5 000. */
  chunkSize?: number;
  /** Attempts per request before giving up. Default 6. */
  retries?: number;
  /** First backoff delay in ms, doubled on each retry. Default 100. */
  backoffMs?: number;
  /** Called after each chunk. */
  onProgress?: (progress: { fromBlock: number; toBlock: number; doneBlock: number; events: number }) => void;
}

/** Decoded events in canonical order, and the block range they cover. */
export interface IndexEventsResult {
  events: TributaryEvent[];
  fromBlock: number;
  toBlock: number;
  /** Timestamp of `toBlock`. */
  toBlockTimestamp: bigint;
}

/**
 * Reads every Tributary event with chunked `eth_getLogs`, retrying each failed request with
 * exponential backoff. A chunk the node refuses as too large is split in two.
 * @example
 * const { events } = await indexEvents(tributary, { confirmations: 12 });
 */
export async function indexEvents(
  tributary: TributaryContracts,
  parameters: IndexEventsParameters = {},
): Promise<IndexEventsResult> {
  const provider = providerOf(tributary);
  const retry = <T>(what: string, fn: () => Promise<T>) =>
    withRetry(what, fn, parameters.retries ?? 6, parameters.backoffMs ?? 100);
  const head = await retry("eth_blockNumber", () => provider.getBlockNumber());
  const fromBlock = parameters.fromBlock ?? tributary.deployment.deployBlock;
  const confirmations = parameters.confirmations ?? defaultConfirmations(tributary.deployment.chainId);
  if (!Number.isInteger(confirmations) || confirmations < 0) {
    throw new InvalidInputError(`confirmations must be a whole number of blocks, got ${confirmations}`);
  }
  const toBlock = parameters.toBlock ?? head - confirmations;
  const { registry, ledger, distributor } = tributary.deployment;
  const events: TributaryEvent[] = [];
  let chunk = Math.max(1, parameters.chunkSize ?? 5_000);

  let start = fromBlock;
  while (start <= toBlock) {
    const read = await readLogRange(provider, tributary.deployment, start, Math.min(toBlock, start + chunk - 1), retry);
    // A range the node refused stays refused: later chunks keep the smaller size.
    chunk = read.toBlock - start + 1;
    for (const log of read.logs) {
      const event = decodeEvent(log, { registry, ledger, distributor });
      if (event) events.push(event);
    }
    parameters.onProgress?.({ fromBlock, toBlock, doneBlock: read.toBlock, events: events.length });
    start = read.toBlock + 1;
  }
  events.sort(compareEvents);
  const block = await retry(`eth_getBlockByNumber ${toBlock}`, () => provider.getBlock(Math.max(toBlock, 0)));
  if (!block) throw new RpcError(`block ${toBlock} is not available from the node`);
  return { events, fromBlock, toBlock, toBlockTimestamp: BigInt(block.timestamp) };
}

/**
 * Reads the suite's logs from `fromBlock` through `toBlock` in one `eth_getLogs`, halving the range
 * while the node refuses it as too large. Returns the logs and the last block they cover.
 * @example
 * const { logs, toBlock } = await readLogRange(provider, deployment, 100, 5_099, (what, fn) => withRetry(what, fn));
 */
export async function readLogRange(
  provider: Provider,
  addresses: { registry: string; ledger: string; distributor: string },
  fromBlock: number,
  toBlock: number,
  retry: <T>(what: string, fn: () => Promise<T>) => Promise<T>,
): Promise<{ logs: Log[]; toBlock: number }> {
  const address = [addresses.registry, addresses.ledger, addresses.distributor];
  for (let end = toBlock; ; ) {
    try {
      const logs = await retry(`eth_getLogs ${fromBlock}-${end}`, () =>
        provider.getLogs({ address, topics: [settlementTopics()], fromBlock, toBlock: end }),
      );
      return { logs, toBlock: end };
    } catch (error) {
      if (end <= fromBlock || !isRangeTooLarge(error)) throw error;
      end = fromBlock + Math.floor((end - fromBlock + 1) / 2) - 1;
    }
  }
}

/** Chain ids of local dev chains (Hardhat, Anvil), which mine on demand and never reorganise. */
export const DEV_CHAIN_IDS: readonly bigint[] = [31337n];

/**
 * How many blocks behind the head a settlement treats as final, unless told otherwise: 0 on a local
 * dev chain, and 64 elsewhere, two beacon-chain epochs, after which Ethereum blocks are finalized. A
 * signer that indexed an unconfirmed block could sign a root a reorg later changes, and signing the
 * corrected root too would be equivocation.
 */
export function defaultConfirmations(chainId: bigint): number {
  return DEV_CHAIN_IDS.includes(chainId) ? 0 : 64;
}

/** The provider behind a runner, or a clear error if it has none. */
export function providerOf(tributary: TributaryContracts): Provider {
  const provider = tributary.runner.provider;
  if (!provider)
    throw new RpcError("the signer is not connected to a provider; connect it to a JSON-RPC provider first");
  return provider;
}

/** Runs `fn`, retrying with exponential backoff; throws an {@link RpcError} after `retries` attempts. */
export async function withRetry<T>(what: string, fn: () => Promise<T>, retries = 6, backoffMs = 100): Promise<T> {
  let delay = backoffMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= retries || isRangeTooLarge(error)) {
        if (isRangeTooLarge(error)) throw error;
        throw new RpcError(`${what} failed after ${attempt} attempts: ${(error as Error)?.message ?? String(error)}`, {
          cause: error,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 5_000);
    }
  }
}

function isRangeTooLarge(error: unknown): boolean {
  const message = String((error as Error)?.message ?? error).toLowerCase();
  return message.includes("block range") || message.includes("too many") || message.includes("limit exceeded");
}

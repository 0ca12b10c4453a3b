import { getAddress } from "ethers";
import type { TributaryContracts } from "../chain/contracts.js";
import { TributaryError } from "../rules/errors.js";
import { providerOf, withRetry } from "../chain/indexer.js";
import { loadArtifactTree } from "../rules/proof.js";
import type { SettlementArtifact } from "../rules/artifact.js";
import { bytesCid, cidOfDataUri, parseArtifactBytes } from "../rules/contentAddress.js";

/** A settlement as the chain records it: the last `SettlementSubmitted` of a settled epoch, not vetoed. */
export interface DiscoveredSettlement {
  chainId: bigint;
  distributor: string;
  epoch: bigint;
  root: string;
  /** Signed totals per covered token, in allowlist order. */
  cumulativeTotals: bigint[];
  /** The covered tokens (checksummed): the first `cumulativeTotals.length` allowlisted ones. */
  tokens: string[];
  /** Where the settlement's artifact is published, as validators signed it. */
  dataUri: string;
  activatesAt: bigint;
  /** `pending` while its challenge period runs; only the latest settlement can be pending. */
  state: "pending" | "active";
  blockNumber: number;
  transactionHash: string;
}

/** An artifact could not be fetched: no way to resolve its data URI, a failed request, or not JSON. */
export class SettlementArtifactUnavailableError extends TributaryError {
  readonly epoch: bigint;
  readonly dataUri: string;
  constructor(epoch: bigint, dataUri: string, message: string, options?: { cause?: unknown }) {
    super("ARTIFACT_UNAVAILABLE", message, options);
    this.epoch = epoch;
    this.dataUri = dataUri;
  }
}

/**
 * A fetched artifact is not the settlement on chain: its bytes do not hash to the signed data URI, or
 * its root, totals, tokens, epoch or tree differ.
 */
export class SettlementArtifactMismatchError extends TributaryError {
  readonly epoch: bigint;
  /** What differs, e.g. `root`, `cumulativeTotal[1]`, `tree`. */
  readonly field: string;
  readonly expected: string;
  readonly actual: string;
  constructor(epoch: bigint, field: string, expected: string, actual: string, options?: { cause?: unknown }) {
    super(
      "ARTIFACT_MISMATCH",
      `the artifact of epoch ${epoch} does not match the settlement on chain: ${field} is ${actual}, the chain has ${expected}`,
      options,
    );
    this.epoch = epoch;
    this.field = field;
    this.expected = expected;
    this.actual = actual;
  }
}

/**
 * Every settled epoch's settlement, in epoch order, read from the distributor's `SettlementSubmitted`
 * and `SettlementVetoed` events and its views, all at one block so they agree with each other.
 * @example
 * const settlements = await discoverSettlements(tributary);
 * const active = settlements.filter((s) => s.state === "active").at(-1);
 */
export async function discoverSettlements(
  tributary: TributaryContracts,
  options: { blockTag?: number } = {},
): Promise<DiscoveredSettlement[]> {
  const { distributor, deployment } = tributary;
  const block = options.blockTag ?? (await withRetry("eth_blockNumber", () => providerOf(tributary).getBlockNumber()));
  const at = { blockTag: block };
  const [next, latest, allowlist, submitted, vetoed] = await Promise.all([
    withRetry("nextEpochToSettle", () => distributor.nextEpochToSettle(at)),
    withRetry("latestSettlement", () => distributor.latestSettlement(at)),
    withRetry("tokens", () => distributor.tokens(at)),
    withRetry("eth_getLogs SettlementSubmitted", () =>
      distributor.queryFilter(distributor.filters.SettlementSubmitted(), deployment.deployBlock, block),
    ),
    withRetry("eth_getLogs SettlementVetoed", () =>
      distributor.queryFilter(distributor.filters.SettlementVetoed(), deployment.deployBlock, block),
    ),
  ]);
  const position = (log: { blockNumber: number; index: number }) => [log.blockNumber, log.index] as const;
  const after = (a: { blockNumber: number; index: number }, b: { blockNumber: number; index: number }) => {
    const [ab, ai] = position(a);
    const [bb, bi] = position(b);
    return ab > bb || (ab === bb && ai > bi);
  };
  const [latestSettlement, latestPending] = latest;
  const out: DiscoveredSettlement[] = [];
  for (let epoch = 0n; epoch < next; epoch++) {
    const last = submitted.filter((log) => log.args.epoch === epoch).at(-1);
    if (!last) {
      throw new TributaryError(
        "NOT_FOUND",
        `epoch ${epoch} is settled but its SettlementSubmitted event was not found`,
      );
    }
    // A veto makes the epoch unsettled again (it is then not below `next`); checked here too, so that a
    // veto after the last submission can never pass for a standing settlement.
    if (vetoed.some((v) => v.args.epoch === epoch && after(v, last))) continue;
    const cumulativeTotals = [...last.args.cumulativeTotals];
    const isLatest = epoch === next - 1n && latestSettlement.root.toLowerCase() === last.args.root.toLowerCase();
    out.push({
      chainId: deployment.chainId,
      distributor: getAddress(deployment.distributor),
      epoch,
      root: last.args.root,
      cumulativeTotals,
      tokens: allowlist.slice(0, cumulativeTotals.length).map((t) => getAddress(t)),
      dataUri: last.args.dataUri,
      activatesAt: last.args.activatesAt,
      state: isLatest && latestPending ? "pending" : "active",
      blockNumber: last.blockNumber,
      transactionHash: last.transactionHash,
    });
  }
  return out;
}

/** Where a {@link FileSettlementStore} keeps a settlement's artifact, relative to its directory. */
export function settlementArtifactPath(settlement: Pick<DiscoveredSettlement, "chainId" | "distributor" | "epoch">) {
  return `chain-${settlement.chainId}/${settlement.distributor.toLowerCase()}/epoch-${settlement.epoch}.json`;
}

/** Parameters of {@link fetchSettlementArtifact}. */
export interface FetchSettlementArtifactOptions {
  /**
   * How data URIs other than http(s) are resolved. A string or URL is the settlements directory as
   * served over http(s), laid out as a `FileSettlementStore` writes it (`tributary:settle --out <dir>`):
   * `chain-<chainId>/<distributor lowercase>/epoch-<epoch>.json`. Content addresses (`ipfs://<CID>`)
   * and any other non-http URI are looked up in it. A function maps a settlement to its artifact's
   * URL, or to undefined for the default handling.
   */
  resolve?: string | URL | ((settlement: DiscoveredSettlement) => string | URL | undefined);
  /** Base against which relative URLs are taken (in a browser, `location.href`). */
  base?: string | URL;
  /** The fetch to use; default `globalThis.fetch`. */
  fetch?: (url: string, init?: RequestInit) => Promise<Response>;
}

/**
 * The URL of a settlement's artifact: what a `resolve` function returns; else an http(s) data URI as
 * is; else the artifact's place in the settlements directory `resolve` names.
 */
export function settlementArtifactUrl(
  settlement: DiscoveredSettlement,
  options: Pick<FetchSettlementArtifactOptions, "resolve" | "base"> = {},
): string {
  const { dataUri, epoch } = settlement;
  const unavailable = (message: string, cause?: unknown) =>
    new SettlementArtifactUnavailableError(epoch, dataUri, message, cause === undefined ? undefined : { cause });
  const url = (value: string | URL) => {
    try {
      return new URL(value, options.base);
    } catch (error) {
      throw unavailable(`invalid URL ${String(value)} for the artifact of epoch ${epoch}`, error);
    }
  };
  if (typeof options.resolve === "function") {
    const resolved = options.resolve(settlement);
    if (resolved !== undefined) return url(resolved).href;
  }
  if (/^https?:\/\//i.test(dataUri)) return dataUri;
  if (options.resolve === undefined || typeof options.resolve === "function") {
    throw unavailable(`cannot fetch ${dataUri}: give the URL where the settlements directory is served`);
  }
  const directory = url(options.resolve);
  if (!directory.pathname.endsWith("/")) directory.pathname += "/";
  return new URL(settlementArtifactPath(settlement), directory).href;
}

/**
 * Fetches `settlement`'s artifact from its data URI (see {@link settlementArtifactUrl}) and refuses it,
 * with a {@link SettlementArtifactMismatchError}, unless it is exactly the settlement on chain: bytes
 * whose CID is the signed data URI when that is a content address (`ipfs://<CID>`), the same chain,
 * distributor and epoch, a tree whose values hash to the on-chain root, and the same covered tokens
 * whose leaves sum to the signed per-token totals. To read a content-addressed artifact from a node
 * API or an IPFS gateway, see `fetchArtifact`.
 * @example
 * for (const s of await discoverSettlements(tributary)) {
 *   const artifact = await fetchSettlementArtifact(s, { resolve: "https://example.org/settlements/" });
 * }
 */
export async function fetchSettlementArtifact(
  settlement: DiscoveredSettlement,
  options: FetchSettlementArtifactOptions = {},
): Promise<SettlementArtifact> {
  const { epoch, dataUri } = settlement;
  const url = settlementArtifactUrl(settlement, options);
  const fetcher = options.fetch ?? globalThis.fetch.bind(globalThis);
  let response: Response;
  try {
    response = await fetcher(url, { cache: "no-store" });
  } catch (error) {
    throw new SettlementArtifactUnavailableError(
      epoch,
      dataUri,
      `cannot fetch the artifact of epoch ${epoch} from ${url}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (!response.ok) {
    throw new SettlementArtifactUnavailableError(
      epoch,
      dataUri,
      `the artifact of epoch ${epoch} is not at ${url} (HTTP ${response.status})`,
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    throw new SettlementArtifactUnavailableError(
      epoch,
      dataUri,
      `cannot read the artifact of epoch ${epoch} from ${url}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const artifact = checkArtifactBytes(settlement, bytes);
  checkSettlementArtifact(settlement, artifact);
  return artifact;
}

/**
 * Parses fetched bytes as `settlement`'s artifact: when its data URI is a content address, they must
 * hash to it and be in the canonical format; a legacy data URI (before content addressing) names no
 * bytes, so any JSON passes here and only the checks against the chain apply.
 * @throws {SettlementArtifactMismatchError} the bytes are not what the data URI names, or not an artifact.
 */
export function checkArtifactBytes(
  settlement: Pick<DiscoveredSettlement, "epoch" | "dataUri">,
  bytes: Uint8Array,
): SettlementArtifact {
  const { epoch, dataUri } = settlement;
  const cid = cidOfDataUri(dataUri);
  if (cid !== undefined) {
    const actual = bytesCid(bytes);
    if (actual !== cid)
      throw new SettlementArtifactMismatchError(epoch, "content address", dataUri, `ipfs://${actual}`);
    try {
      return parseArtifactBytes(bytes);
    } catch (error) {
      throw new SettlementArtifactMismatchError(epoch, "format", "a settlement artifact", (error as Error).message, {
        cause: error,
      });
    }
  }
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as SettlementArtifact;
  } catch (error) {
    throw new SettlementArtifactMismatchError(epoch, "format", "a settlement artifact", "not JSON", { cause: error });
  }
}

/** Throws a {@link SettlementArtifactMismatchError} unless `artifact` is exactly `settlement`. */
export function checkSettlementArtifact(
  settlement: Pick<DiscoveredSettlement, "epoch" | "chainId" | "distributor" | "root" | "cumulativeTotals" | "tokens">,
  artifact: SettlementArtifact,
): void {
  const { epoch } = settlement;
  const mismatch = (field: string, expected: unknown, actual: unknown) =>
    new SettlementArtifactMismatchError(epoch, field, String(expected), String(actual));
  const metadata = artifact?.metadata;
  if (!metadata || !Array.isArray(artifact.values) || !Array.isArray(artifact.tree)) {
    throw mismatch("format", "a settlement artifact", "something else");
  }
  if (String(metadata.chainId) !== settlement.chainId.toString()) {
    throw mismatch("chainId", settlement.chainId, metadata.chainId);
  }
  if (String(metadata.distributor).toLowerCase() !== settlement.distributor.toLowerCase()) {
    throw mismatch("distributor", settlement.distributor, metadata.distributor);
  }
  if (String(metadata.epoch) !== epoch.toString()) throw mismatch("epoch", epoch, metadata.epoch);
  if (String(metadata.root).toLowerCase() !== settlement.root.toLowerCase()) {
    throw mismatch("root", settlement.root, metadata.root);
  }
  let tree;
  try {
    tree = loadArtifactTree(artifact);
  } catch (error) {
    throw new SettlementArtifactMismatchError(
      epoch,
      "tree",
      settlement.root,
      `a tree that does not hash to it (${(error as Error).message})`,
      { cause: error },
    );
  }
  if (tree.root.toLowerCase() !== settlement.root.toLowerCase())
    throw mismatch("tree root", settlement.root, tree.root);

  const tokens = metadata.tokens ?? [];
  if (tokens.length !== settlement.cumulativeTotals.length) {
    throw mismatch("token count", settlement.cumulativeTotals.length, tokens.length);
  }
  const index = new Map<string, number>();
  settlement.cumulativeTotals.forEach((expected, i) => {
    const line = tokens.find((t) => Number(t.index) === i);
    const token = settlement.tokens[i];
    if (!line) throw mismatch(`token[${i}]`, token ?? "a token", "missing");
    if (token && line.token.toLowerCase() !== token.toLowerCase()) throw mismatch(`token[${i}]`, token, line.token);
    if (String(line.cumulativeTotal) !== expected.toString()) {
      throw mismatch(`cumulativeTotal[${i}]`, expected, line.cumulativeTotal);
    }
    index.set(line.token.toLowerCase(), i);
  });
  // The leaves must sum, per token, to the signed totals: the metadata alone proves nothing.
  const sums = settlement.cumulativeTotals.map(() => 0n);
  for (const [, token, amount] of tree.entries()) {
    const i = index.get(token.toLowerCase());
    if (i === undefined) throw mismatch("leaf token", "a covered token", token);
    sums[i]! += amount;
  }
  sums.forEach((sum, i) => {
    if (sum !== settlement.cumulativeTotals[i]) throw mismatch(`Σ leaves[${i}]`, settlement.cumulativeTotals[i], sum);
  });
}

import { getAddress } from "ethers";
import type { TributaryContracts } from "../chain/contracts.js";
import { InvalidInputError, NotFoundError } from "../rules/errors.js";
import { rpc } from "../chain/rpc.js";
import { requireEpoch } from "../rules/validation.js";
import type { SettlementArtifact } from "../rules/artifact.js";
import { cidOfDataUri } from "../rules/contentAddress.js";
import { prepareKeccak } from "../rules/merkle.js";
import { onChainSettlement } from "./onChainSettlement.js";
import {
  SettlementArtifactUnavailableError,
  checkArtifactBytes,
  checkSettlementArtifact,
} from "./discoverSettlements.js";

/** Parameters of {@link fetchArtifact}. */
export interface FetchArtifactParameters {
  epoch: bigint | number | string;
  /**
   * An http(s) URL serving the artifact's bytes, e.g. a validator node's
   * `https://node.example/v1/epochs/3/artifact`. It need not be trusted.
   */
  source?: string | URL;
  /**
   * An IPFS HTTP gateway, e.g. `https://ipfs.io`: the artifact is read from `<gateway>/ipfs/<CID>`.
   * Used when no `source` is given. It need not be trusted either.
   */
  gateway?: string | URL;
  /** The fetch to use; default `globalThis.fetch`. */
  fetch?: (url: string, init?: RequestInit) => Promise<Response>;
}

/**
 * Fetches the artifact of a settled `epoch` from an untrusted `source` or IPFS `gateway` and returns it
 * only once it is proven to be what the validators signed: its bytes hash to the data URI of the
 * epoch's standing `SettlementSubmitted` event, and its tree, root, epoch, chain, distributor, tokens
 * and per-token totals are the settlement on chain.
 * @example
 * const artifact = await fetchArtifact(tributary, { epoch: 3n, source: "https://node.example/v1/epochs/3/artifact" });
 * const { paid } = await claim(tributary, { artifact, account, token });
 * @throws {InvalidInputError} neither `source` nor `gateway`, or a `source` that is not an http(s) URL.
 * @throws {NotFoundError} no settlement of the epoch stands on chain (not settled yet, or vetoed).
 * @throws {SettlementArtifactUnavailableError} the request failed, or the signed data URI is not a content address.
 * @throws {SettlementArtifactMismatchError} the bytes are not the signed artifact, or it is not the settlement on chain.
 * @throws {RpcError} the node kept failing.
 */
export async function fetchArtifact(
  tributary: TributaryContracts,
  parameters: FetchArtifactParameters,
): Promise<SettlementArtifact> {
  const epoch = requireEpoch(parameters.epoch);
  const onChain = await onChainSettlement(tributary, { epoch });
  if (!onChain)
    throw new NotFoundError(`epoch ${epoch} has no settlement on chain: it is not settled yet, or was vetoed`);
  const { dataUri } = onChain;
  const cid = cidOfDataUri(dataUri);
  if (cid === undefined) {
    throw new SettlementArtifactUnavailableError(
      epoch,
      dataUri,
      `the data URI ${dataUri} signed for epoch ${epoch} is not a content address (ipfs://<CID>), so no copy can be ` +
        `checked against it; use fetchSettlementArtifact, which checks an artifact against the chain alone`,
    );
  }
  const url = artifactUrl(parameters, cid);
  const fetcher = parameters.fetch ?? globalThis.fetch.bind(globalThis);
  const unavailable = (message: string, cause?: unknown) =>
    new SettlementArtifactUnavailableError(epoch, dataUri, message, cause === undefined ? undefined : { cause });
  let bytes: Uint8Array;
  try {
    const response = await fetcher(url, { cache: "no-store" });
    if (!response.ok) {
      throw unavailable(
        `the artifact of epoch ${epoch} is not at ${url} (HTTP ${response.status}); try another source or gateway`,
      );
    }
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    if (error instanceof SettlementArtifactUnavailableError) throw error;
    throw unavailable(`cannot fetch the artifact of epoch ${epoch} from ${url}: ${(error as Error).message}`, error);
  }

  const artifact = checkArtifactBytes({ epoch, dataUri }, bytes);
  const tokens = await rpc("tokens", () => tributary.distributor.tokens());
  await prepareKeccak();
  checkSettlementArtifact(
    {
      epoch,
      chainId: tributary.deployment.chainId,
      distributor: getAddress(tributary.deployment.distributor),
      root: onChain.root,
      cumulativeTotals: onChain.cumulativeTotals,
      tokens: tokens.slice(0, onChain.cumulativeTotals.length).map((t) => getAddress(t)),
    },
    artifact,
  );
  return artifact;
}

/** Where to read the artifact named by `cid`: `source` as given, else `<gateway>/ipfs/<cid>`. */
function artifactUrl(parameters: Pick<FetchArtifactParameters, "source" | "gateway">, cid: string): string {
  const parse = (value: string | URL, what: string) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch (error) {
      throw new InvalidInputError(`${what} must be an http(s) URL, got "${String(value)}"`, { cause: error });
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new InvalidInputError(`${what} must be an http(s) URL, got "${url.href}"`);
    }
    return url;
  };
  if (parameters.source !== undefined) return parse(parameters.source, "source").href;
  if (parameters.gateway !== undefined) {
    const gateway = parse(parameters.gateway, "gateway");
    const base = gateway.pathname.replace(/\/+$/, "").replace(/\/ipfs$/, "");
    gateway.pathname = `${base}/ipfs/${cid}`;
    return gateway.href;
  }
  throw new InvalidInputError(
    "give a source (an http(s) URL serving the artifact, such as a node's /v1/epochs/{epoch}/artifact) or an IPFS gateway",
  );
}

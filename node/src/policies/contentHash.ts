/**
 * The default contribution policy: fetch the content at the contribution's URI, hash it by the suite's
 * content-hash rule (docs/content-hash.md, with the client's own functions) and accept when the hash is
 * the registered one, reject when it is not, abstain when the content cannot be had.
 */
import { stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { hashFileBytes } from "../../../client/index.js";
import { hashPath } from "../../../client/node/index.js";
import {
  CONTENT_HASH_RULE,
  type ContributionDecision,
  type ContributionInput,
  type ContributionPolicy,
  type PolicyOptions,
  type Verdict,
} from "./types.js";

export const DEFAULT_FETCH_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_CONTENT_BYTES = 64 * 1024 * 1024;

/** What fetching a URI gave: the content hash of its bytes, or why there is none. */
type Fetched = { contentHash: string } | { unavailable: string };

/**
 * The default contribution policy.
 * @example
 * const policy = contentHashPolicy({ tributary, log, ipfsGateway: "https://ipfs.io/ipfs/" });
 * const { decision, reason } = await policy.decide(contribution, context);
 */
export function contentHashPolicy(options: PolicyOptions): ContributionPolicy {
  const timeoutMs = options.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
  const maxBytes = options.maxContentBytes ?? DEFAULT_MAX_CONTENT_BYTES;
  const gateway = options.ipfsGateway
    ? options.ipfsGateway.endsWith("/")
      ? options.ipfsGateway
      : `${options.ipfsGateway}/`
    : undefined;

  async function hashUri(uri: string): Promise<Fetched> {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      return { unavailable: `the URI "${uri}" is not a URL` };
    }
    switch (url.protocol) {
      case "file:":
        return hashFile(url, maxBytes);
      case "http:":
      case "https:":
        return hashHttp(url.href, timeoutMs, maxBytes);
      case "ipfs:": {
        if (!gateway) return { unavailable: "no IPFS gateway is configured (ipfsGateway)" };
        // ipfs://<cid>/path: the CID is the URL's host; a gateway serves it at <gateway><cid>/path.
        const cid = uri.slice("ipfs://".length);
        if (cid === "" || cid.startsWith("/")) return { unavailable: `the URI "${uri}" names no CID` };
        return hashHttp(`${gateway}${cid}`, timeoutMs, maxBytes);
      }
      default:
        return { unavailable: `the URI scheme "${url.protocol}" is not supported` };
    }
  }

  return {
    async decide(contribution: ContributionInput): Promise<Verdict<ContributionDecision>> {
      try {
        if (contribution.hashRule !== CONTENT_HASH_RULE) {
          return { decision: "abstain", reason: `unknown content-hash rule "${contribution.hashRule}"` };
        }
        const fetched = await hashUri(contribution.uri);
        if ("unavailable" in fetched) return { decision: "abstain", reason: fetched.unavailable };
        const registered = contribution.contentHash.toLowerCase();
        if (fetched.contentHash === registered) {
          return { decision: "accept", reason: `the content at ${contribution.uri} hashes to the registered hash` };
        }
        return {
          decision: "reject",
          reason: `the content at ${contribution.uri} hashes to ${fetched.contentHash}, not the registered ${registered}`,
        };
      } catch (error) {
        return { decision: "abstain", reason: `cannot check the content: ${(error as Error).message}` };
      }
    },
  };
}

async function hashFile(url: URL, maxBytes: number): Promise<Fetched> {
  let file: string;
  try {
    file = fileURLToPath(url);
  } catch (error) {
    return { unavailable: `the URI ${url.href} is not a local file: ${(error as Error).message}` };
  }
  try {
    const info = await stat(file);
    if (info.isFile() && info.size > maxBytes) {
      return { unavailable: `${file} holds ${info.size} bytes, over the ${maxBytes}-byte limit` };
    }
    // A file or a directory, by the rule's two cases.
    return { contentHash: await hashPath(file) };
  } catch (error) {
    return { unavailable: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
  }
}

async function hashHttp(href: string, timeoutMs: number, maxBytes: number): Promise<Fetched> {
  // A directory's hash needs its file list, which a plain HTTP server does not give.
  if (new URL(href).pathname.endsWith("/")) {
    return { unavailable: `${href} names a directory, which cannot be hashed over HTTP` };
  }
  let response: Response;
  try {
    response = await fetch(href, { signal: AbortSignal.timeout(timeoutMs), redirect: "follow" });
  } catch (error) {
    const cause = (error as Error & { cause?: { code?: string } }).cause?.code;
    return { unavailable: `cannot fetch ${href}: ${cause ?? (error as Error).message}` };
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    return { unavailable: `${href} answered HTTP ${response.status}` };
  }
  const declared = Number(response.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    return { unavailable: `${href} declares ${declared} bytes, over the ${maxBytes}-byte limit` };
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  try {
    for (let read = await reader?.read(); read && !read.done; read = await reader!.read()) {
      size += read.value.length;
      if (size > maxBytes) {
        await reader!.cancel();
        return { unavailable: `${href} sent more than the ${maxBytes}-byte limit` };
      }
      chunks.push(read.value);
    }
  } catch (error) {
    return { unavailable: `reading ${href} failed: ${(error as Error).message}` };
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return { contentHash: hashFileBytes(bytes) };
}

export default contentHashPolicy;

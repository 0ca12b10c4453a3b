/**
 * The content address of a settlement artifact: the data URI validators sign is `ipfs://<CID>` over
 * the artifact's canonical bytes (RFC 8785 JSON, UTF-8), a CIDv1 with the raw codec and a sha2-256
 * multihash, in base32. Any copy of the artifact, served from anywhere, can be checked against it.
 */
import canonicalize from "canonicalize";
import { sha256 } from "@noble/hashes/sha2.js";
import { CID } from "multiformats/cid";
import * as Digest from "multiformats/hashes/digest";
import * as raw from "multiformats/codecs/raw";
import { TributaryError } from "./errors.js";
import type { SettlementArtifact } from "./artifact.js";
import { SETTLEMENT_LEAF_ENCODING } from "./merkle.js";

/** Multihash code of sha2-256. */
const SHA2_256 = 0x12;
/** The scheme of a content-addressed data URI. */
export const IPFS_SCHEME = "ipfs://";

/** Bytes that are not a settlement artifact in the canonical format; `field` names what is wrong. */
export class ArtifactFormatError extends TributaryError {
  /** The offending member, as a path such as `metadata.tokens[1].index`, or `bytes`. */
  readonly field: string;
  constructor(field: string, message: string, options?: { cause?: unknown }) {
    super("ARTIFACT_FORMAT", `not a settlement artifact: ${field} ${message}`, options);
    this.field = field;
  }
}

/**
 * The artifact's canonical bytes: RFC 8785 JSON, UTF-8. Member order does not matter; every copy of
 * the same artifact has the same bytes.
 * @example
 * await writeFile("epoch-3.json", artifactBytes(artifact));
 */
export function artifactBytes(artifact: SettlementArtifact): Uint8Array<ArrayBuffer> {
  const text = canonicalize(artifact);
  if (text === undefined) throw new ArtifactFormatError("artifact", "cannot be serialised as JSON");
  return new TextEncoder().encode(text);
}

/** The CIDv1 (raw codec, sha2-256, base32) of `bytes`. */
export function bytesCid(bytes: Uint8Array): string {
  return CID.createV1(raw.code, Digest.create(SHA2_256, sha256(bytes))).toString();
}

/**
 * The artifact's content identifier: the CIDv1 of its canonical bytes.
 * @example
 * artifactCid(artifact); // "bafkrei…"
 */
export function artifactCid(artifact: SettlementArtifact): string {
  return bytesCid(artifactBytes(artifact));
}

/**
 * The data URI validators sign for this artifact: `ipfs://<CID>`.
 * @example
 * const dataUri = artifactDataUri(buildArtifact(tributary, settlement));
 */
export function artifactDataUri(artifact: SettlementArtifact): string {
  return IPFS_SCHEME + artifactCid(artifact);
}

/** The CID a content-addressed data URI names, or undefined when it is not `ipfs://<CIDv1>`. */
export function cidOfDataUri(dataUri: string): string | undefined {
  if (!dataUri.startsWith(IPFS_SCHEME)) return undefined;
  const cid = dataUri.slice(IPFS_SCHEME.length);
  try {
    return CID.parse(cid).version === 1 ? cid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Parses an artifact's bytes and checks its format: UTF-8, JSON, in canonical form (so the bytes are
 * exactly what was hashed), a `standard-v1` dump with the settlement leaf encoding, and metadata with
 * every member well-formed. It does not check the tree's hashes; `SettlementTree.load` does.
 * @example
 * const artifact = parseArtifactBytes(new Uint8Array(await response.arrayBuffer()));
 * @throws {ArtifactFormatError} naming the first malformed member.
 */
export function parseArtifactBytes(bytes: Uint8Array): SettlementArtifact {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (error) {
    throw new ArtifactFormatError("bytes", "are not UTF-8", { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ArtifactFormatError("bytes", `are not JSON (${(error as Error).message})`, { cause: error });
  }
  checkArtifactShape(value);
  if (canonicalize(value) !== text) {
    throw new ArtifactFormatError("bytes", "are not canonical JSON (RFC 8785); the content address covers those only");
  }
  return value;
}

const HEX32 = /^0x[0-9a-f]{64}$/i;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const DECIMAL = /^(0|[1-9][0-9]*)$/;
const ROLES = new Set(["contributor", "validator", "treasury", "refund"]);

type Json = Record<string, unknown>;

function checkArtifactShape(value: unknown): asserts value is SettlementArtifact {
  const fail = (field: string, message: string) => new ArtifactFormatError(field, message);
  const object = (v: unknown, field: string): Json => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw fail(field, "must be an object");
    return v as Json;
  };
  const array = (v: unknown, field: string): unknown[] => {
    if (!Array.isArray(v)) throw fail(field, "must be an array");
    return v;
  };
  const match = (v: unknown, pattern: RegExp, field: string, what: string): string => {
    if (typeof v !== "string" || !pattern.test(v)) throw fail(field, `must be ${what}, got ${JSON.stringify(v)}`);
    return v;
  };
  const decimal = (v: unknown, field: string) => match(v, DECIMAL, field, "a decimal string");
  const address = (v: unknown, field: string) => match(v, ADDRESS, field, "an address");
  const count = (v: unknown, field: string) => {
    if (!Number.isSafeInteger(v) || (v as number) < 0) throw fail(field, `must be a whole number, got ${String(v)}`);
  };

  const artifact = object(value, "artifact");
  if (artifact.format !== "standard-v1") throw fail("format", `must be "standard-v1"`);
  if (JSON.stringify(artifact.leafEncoding) !== JSON.stringify(SETTLEMENT_LEAF_ENCODING)) {
    throw fail("leafEncoding", `must be ${JSON.stringify(SETTLEMENT_LEAF_ENCODING)}`);
  }
  const tree = array(artifact.tree, "tree");
  tree.forEach((node, i) => match(node, HEX32, `tree[${i}]`, "a 32-byte hex node"));
  array(artifact.values, "values").forEach((v, i) => {
    const leaf = object(v, `values[${i}]`);
    const triple = array(leaf.value, `values[${i}].value`);
    if (triple.length !== 3) throw fail(`values[${i}].value`, "must be [account, token, cumulativeAmount]");
    address(triple[0], `values[${i}].value[0]`);
    address(triple[1], `values[${i}].value[1]`);
    decimal(triple[2], `values[${i}].value[2]`);
    count(leaf.treeIndex, `values[${i}].treeIndex`);
    if ((leaf.treeIndex as number) >= tree.length) throw fail(`values[${i}].treeIndex`, "is outside the tree");
  });

  const metadata = object(artifact.metadata, "metadata");
  if ("dataUri" in metadata || "submissionTransaction" in metadata) {
    throw fail(
      "metadata",
      "has dataUri or submissionTransaction: that is the format before content addressing (see docs/artifacts.md)",
    );
  }
  decimal(metadata.epoch, "metadata.epoch");
  decimal(metadata.chainId, "metadata.chainId");
  address(metadata.distributor, "metadata.distributor");
  match(metadata.root, HEX32, "metadata.root", "a 32-byte hex root");
  // An epoch in which no pool exists has no treasury line.
  if (metadata.treasury !== "") address(metadata.treasury, "metadata.treasury");
  if (metadata.attempt !== undefined && (!Number.isSafeInteger(metadata.attempt) || (metadata.attempt as number) < 2)) {
    throw fail("metadata.attempt", `must be absent or a whole number ≥ 2, got ${String(metadata.attempt)}`);
  }
  array(metadata.tokens, "metadata.tokens").forEach((t, i) => {
    const line = object(t, `metadata.tokens[${i}]`);
    address(line.token, `metadata.tokens[${i}].token`);
    count(line.index, `metadata.tokens[${i}].index`);
    for (const f of ["cumulativeTotal", "fundedThrough", "carryOut"]) decimal(line[f], `metadata.tokens[${i}].${f}`);
  });
  array(metadata.pools, "metadata.pools").forEach((p, i) => {
    const pool = object(p, `metadata.pools[${i}]`);
    address(pool.owner, `metadata.pools[${i}].owner`);
    address(pool.token, `metadata.pools[${i}].token`);
    array(pool.datanets, `metadata.pools[${i}].datanets`).forEach((d, j) =>
      decimal(d, `metadata.pools[${i}].datanets[${j}]`),
    );
    const amounts = ["poolId", "funded", "carryIn", "fee", "distributable", "validatorPool", "contributorPool"];
    for (const f of [...amounts, "paid", "refund", "carryOut"]) decimal(pool[f], `metadata.pools[${i}].${f}`);
    count(pool.recordCount, `metadata.pools[${i}].recordCount`);
    count(pool.idleEpochs, `metadata.pools[${i}].idleEpochs`);
  });
  array(metadata.amounts, "metadata.amounts").forEach((a, i) => {
    const line = object(a, `metadata.amounts[${i}]`);
    address(line.account, `metadata.amounts[${i}].account`);
    address(line.token, `metadata.amounts[${i}].token`);
    decimal(line.amount, `metadata.amounts[${i}].amount`);
    decimal(line.cumulativeAmount, `metadata.amounts[${i}].cumulativeAmount`);
    array(line.roles, `metadata.amounts[${i}].roles`).forEach((r, j) => {
      if (typeof r !== "string" || !ROLES.has(r)) throw fail(`metadata.amounts[${i}].roles[${j}]`, "is not a role");
    });
  });
}

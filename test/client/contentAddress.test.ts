import { expect } from "chai";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { base32 } from "multiformats/bases/base32";
import {
  ArtifactFormatError,
  SettlementTree,
  artifactBytes,
  artifactCid,
  artifactDataUri,
  bytesCid,
  cidOfDataUri,
  parseArtifactBytes,
  type SettlementArtifact,
} from "../../client/index.js";
import { FileSettlementStore } from "../../client/node/index.js";

const ALICE = "0x1111111111111111111111111111111111111111";
const BOB = "0x2222222222222222222222222222222222222222";
const TOKEN = "0x3333333333333333333333333333333333333333";
const DISTRIBUTOR = "0x4444444444444444444444444444444444444444";

/** A small artifact, as `buildArtifact` lays it out. */
function sampleArtifact(): SettlementArtifact {
  const tree = SettlementTree.build([
    [ALICE, TOKEN, 700n],
    [BOB, TOKEN, 300n],
  ]);
  return {
    ...tree.dump(),
    metadata: {
      epoch: "3",
      chainId: "31337",
      distributor: DISTRIBUTOR,
      root: tree.root,
      treasury: BOB,
      tokens: [{ token: TOKEN, index: 0, cumulativeTotal: "1000", fundedThrough: "1200", carryOut: "200" }],
      pools: [
        {
          poolId: "1",
          owner: ALICE,
          token: TOKEN,
          datanets: ["1", "2"],
          funded: "1200",
          carryIn: "0",
          fee: "60",
          distributable: "1140",
          validatorPool: "114",
          contributorPool: "1026",
          paid: "940",
          refund: "0",
          carryOut: "200",
          recordCount: 4,
          idleEpochs: 0,
        },
      ],
      amounts: [
        { account: ALICE, token: TOKEN, amount: "700", cumulativeAmount: "700", roles: ["contributor"] },
        { account: BOB, token: TOKEN, amount: "300", cumulativeAmount: "300", roles: ["validator", "treasury"] },
      ],
    },
  };
}

/** The same JSON value with every object's members in reverse order. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reversedKeys(v)]),
  );
}

/** RFC 4648 base32, lower case, no padding: written out here so the vector does not rest on the code under test. */
function rfc4648Base32(bytes: Uint8Array): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  let bits = 0;
  let buffer = 0;
  let out = "";
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(buffer << (5 - bits)) & 31];
  return out;
}

/** CIDv1, raw codec (0x55), sha2-256 multihash (0x12, 32 bytes), multibase `b` (base32): assembled by hand. */
function expectedCid(bytes: Uint8Array): string {
  const digest = createHash("sha256").update(bytes).digest();
  const cid = new Uint8Array([0x01, 0x55, 0x12, 0x20, ...digest]);
  const viaMultiformats = base32.encode(cid);
  const byHand = "b" + rfc4648Base32(cid);
  expect(viaMultiformats).to.equal(byHand);
  return byHand;
}

function formatError(bytes: Uint8Array): ArtifactFormatError {
  try {
    parseArtifactBytes(bytes);
  } catch (error) {
    expect(error).to.be.instanceOf(ArtifactFormatError);
    expect((error as ArtifactFormatError).code).to.equal("ARTIFACT_FORMAT");
    return error as ArtifactFormatError;
  }
  throw new Error("the bytes were accepted");
}

const encode = (text: string) => new TextEncoder().encode(text);
const edited = (edit: (a: Record<string, any>) => void) => {
  const a = JSON.parse(JSON.stringify(sampleArtifact()));
  edit(a);
  return artifactBytes(a);
};

describe("content-addressed artifacts", function () {
  it("have canonical bytes (RFC 8785) and a CID that do not depend on member order", function () {
    const artifact = sampleArtifact();
    const shuffled = reversedKeys(artifact) as SettlementArtifact;
    expect(JSON.stringify(shuffled)).to.not.equal(JSON.stringify(artifact));
    expect(artifactBytes(shuffled)).to.deep.equal(artifactBytes(artifact));
    expect(artifactCid(shuffled)).to.equal(artifactCid(artifact));
    const text = new TextDecoder().decode(artifactBytes(artifact));
    expect(
      text.startsWith('{"format":"standard-v1","leafEncoding":["address","address","uint256"],"metadata":{'),
    ).to.equal(true);
    expect(text).to.not.match(/\s/);
  });

  it("are addressed as ipfs://<CIDv1 raw, sha2-256, base32> of those bytes (known-answer vectors)", function () {
    // The empty block's CID, as any IPFS implementation gives it with raw leaves.
    expect(bytesCid(new Uint8Array())).to.equal("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku");
    const artifact = sampleArtifact();
    const cid = expectedCid(artifactBytes(artifact));
    expect(artifactCid(artifact)).to.equal(cid);
    expect(artifactDataUri(artifact)).to.equal(`ipfs://${cid}`);
    expect(cid).to.match(/^bafkrei[a-z2-7]{52}$/);
    expect(cidOfDataUri(`ipfs://${cid}`)).to.equal(cid);
    expect(cidOfDataUri(`tributary:settlement:31337:${DISTRIBUTOR}:3:${artifact.metadata.root}`)).to.equal(undefined);
    expect(cidOfDataUri("ipfs://not-a-cid")).to.equal(undefined);
    // A resubmission after a veto carries its attempt, so the same root has another address.
    const again = { ...artifact, metadata: { ...artifact.metadata, attempt: 2 } };
    expect(artifactDataUri(again)).to.not.equal(artifactDataUri(artifact));
    expect(artifactCid(again)).to.equal(expectedCid(artifactBytes(again)));
  });

  it("parse back from their bytes, and refuse bytes that are not a canonical artifact, naming the member", function () {
    const artifact = sampleArtifact();
    expect(parseArtifactBytes(artifactBytes(artifact))).to.deep.equal(artifact);
    const withAttempt = { ...artifact, metadata: { ...artifact.metadata, attempt: 3 } };
    expect(parseArtifactBytes(artifactBytes(withAttempt)).metadata.attempt).to.equal(3);

    expect(formatError(new Uint8Array([0x7b, 0xff, 0x7d])).field).to.equal("bytes");
    expect(formatError(encode("{not json")).message).to.contain("are not JSON");
    const pretty = formatError(encode(JSON.stringify(artifact, null, 2)));
    expect(pretty.field).to.equal("bytes");
    expect(pretty.message).to.contain("not canonical");
    expect(formatError(encode("[]")).field).to.equal("artifact");
    expect(formatError(edited((a) => (a.format = "standard-v2"))).field).to.equal("format");
    expect(formatError(edited((a) => (a.leafEncoding = ["address", "uint256"]))).field).to.equal("leafEncoding");
    expect(formatError(edited((a) => (a.tree[0] = "0x12"))).field).to.equal("tree[0]");
    expect(formatError(edited((a) => (a.values[1].value[2] = "0300"))).field).to.equal("values[1].value[2]");
    expect(formatError(edited((a) => (a.values[0].treeIndex = 9))).field).to.equal("values[0].treeIndex");
    expect(formatError(edited((a) => delete a.metadata)).field).to.equal("metadata");
    // The format before content addressing carried its own data URI and submission transaction.
    const legacy = formatError(edited((a) => (a.metadata.dataUri = "tributary:settlement:…")));
    expect(legacy.field).to.equal("metadata");
    expect(legacy.message).to.contain("before content addressing");
    expect(formatError(edited((a) => (a.metadata.submissionTransaction = "0x01"))).field).to.equal("metadata");
    expect(formatError(edited((a) => (a.metadata.epoch = 3))).field).to.equal("metadata.epoch");
    expect(formatError(edited((a) => (a.metadata.distributor = "0xabc"))).field).to.equal("metadata.distributor");
    expect(formatError(edited((a) => (a.metadata.root = "0x00"))).field).to.equal("metadata.root");
    expect(formatError(edited((a) => (a.metadata.attempt = 1))).field).to.equal("metadata.attempt");
    expect(formatError(edited((a) => (a.metadata.attempt = 2.5))).field).to.equal("metadata.attempt");
    expect(formatError(edited((a) => (a.metadata.tokens[0].index = -1))).field).to.equal("metadata.tokens[0].index");
    expect(formatError(edited((a) => (a.metadata.pools[0].fee = "6e1"))).field).to.equal("metadata.pools[0].fee");
    expect(formatError(edited((a) => a.metadata.amounts[0].roles.push("owner"))).field).to.equal(
      "metadata.amounts[0].roles[1]",
    );
  });

  it("are stored by FileSettlementStore as exactly their canonical bytes, and read back checked", async function () {
    const store = new FileSettlementStore(await mkdtemp(path.join(os.tmpdir(), "tributary-cid-")));
    const artifact = reversedKeys(sampleArtifact()) as SettlementArtifact;
    const file = await store.writeArtifact("chain-31337/epoch-3", artifact);
    const bytes = new Uint8Array(await readFile(file));
    expect(bytes).to.deep.equal(artifactBytes(artifact));
    expect(bytesCid(bytes)).to.equal(artifactCid(artifact));
    expect(await store.readArtifact("chain-31337/epoch-3")).to.deep.equal(sampleArtifact());
    expect(await store.readArtifact("chain-31337/epoch-4")).to.equal(undefined);

    await writeFile(file, JSON.stringify(artifact, null, 2));
    const error = await store.readArtifact("chain-31337/epoch-3").catch((e) => e);
    expect(error.code).to.equal("FILE_ERROR");
    expect(error.message).to.contain("not canonical");
    expect(error.cause).to.be.instanceOf(ArtifactFormatError);
  });
});

import { expect } from "chai";
import { id } from "ethers";
import {
  decodeRecords,
  encodeRecords,
  hashDirectoryEntries,
  hashFileBytes,
  InvalidInputError,
  requireAddress,
  requireAmount,
  type AttributionRecord,
} from "../../client/index.js";

describe("record encoding", function () {
  const records: AttributionRecord[] = [
    {
      outputId: id("a"),
      value: 7n,
      vector: [
        { contributionId: 1n, weightBps: 2_500 },
        { contributionId: 9n, weightBps: 7_500 },
      ],
    },
    { outputId: id("b"), value: 2n ** 127n, vector: [{ contributionId: 4_294_967_295n, weightBps: 10_000 }] },
  ].sort((x, y) => (BigInt(x.outputId) < BigInt(y.outputId) ? -1 : 1));

  it("round-trips through the packed format (49 + 6n bytes per record)", function () {
    const data = encodeRecords(records);
    expect((data.length - 2) / 2).to.equal(49 + 12 + 49 + 6);
    expect(decodeRecords(data)).to.deep.equal(records);
  });

  it("refuses each shape rule locally with the record's index", function () {
    const bad = (r: Partial<AttributionRecord>) => () => encodeRecords([{ ...records[0]!, ...r }]);
    expect(bad({ value: 0n })).to.throw(InvalidInputError, /record 0: value/);
    expect(bad({ outputId: "0x" + "00".repeat(32) })).to.throw(InvalidInputError, /must not be zero/);
    expect(bad({ vector: [] })).to.throw(InvalidInputError, /1 to 32 entries/);
    expect(
      bad({
        vector: [
          { contributionId: 2n, weightBps: 5_000 },
          { contributionId: 1n, weightBps: 5_000 },
        ],
      }),
    ).to.throw(/strictly increasing/);
    expect(bad({ vector: [{ contributionId: 1n, weightBps: 9_999 }] })).to.throw(/sum to 9999/);
    expect(() => encodeRecords([records[1]!, records[0]!])).to.throw(/record 1: output ids/);
    expect(() => decodeRecords("0x1234")).to.throw(/truncated/);
  });
});

describe("content hashing", function () {
  const bytes = new TextEncoder().encode("hello");

  it("hashes a file as keccak256(0x00 ‖ bytes) and a directory by sorted path", function () {
    expect(hashFileBytes(bytes)).to.equal(id("\u0000hello"));
    const a = hashDirectoryEntries([
      { path: "b.txt", bytes },
      { path: "a/x.txt", bytes: new Uint8Array() },
    ]);
    const b = hashDirectoryEntries([
      { path: "a/x.txt", bytes: new Uint8Array() },
      { path: "b.txt", bytes },
    ]);
    expect(a).to.equal(b);
    expect(a).to.not.equal(
      hashDirectoryEntries([
        { path: "c.txt", bytes },
        { path: "a/x.txt", bytes: new Uint8Array() },
      ]),
    );
    expect(hashDirectoryEntries([{ path: "f", bytes }])).to.not.equal(hashFileBytes(bytes));
  });

  it("refuses empty directories, duplicate and escaping paths", function () {
    expect(() => hashDirectoryEntries([])).to.throw(InvalidInputError);
    expect(() =>
      hashDirectoryEntries([
        { path: "x", bytes },
        { path: "x", bytes },
      ]),
    ).to.throw(/twice/);
    expect(() => hashDirectoryEntries([{ path: "../x", bytes }])).to.throw(/relative path/);
  });
});

describe("input validation", function () {
  it("gives one clear message per malformed value", function () {
    expect(() => requireAddress("0x123", "account")).to.throw(
      InvalidInputError,
      'account must be a 0x-prefixed 20-byte hex address, got "0x123"',
    );
    expect(() => requireAmount("1.5")).to.throw(InvalidInputError, /whole number/);
    expect(() => requireAmount(0n)).to.throw(InvalidInputError, /greater than zero/);
    expect(() => requireAmount(2n ** 256n)).to.throw(InvalidInputError, /uint256/);
    expect(requireAmount("42")).to.equal(42n);
  });
});

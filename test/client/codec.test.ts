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
      poolId: 0n,
      value: 7n,
      vector: [
        { contributionId: 1n, weightBps: 2_500 },
        { contributionId: 9n, weightBps: 7_500 },
      ],
    },
    {
      outputId: id("b"),
      poolId: 2n ** 32n - 1n,
      value: 2n ** 127n,
      vector: [{ contributionId: 4_294_967_295n, weightBps: 10_000 }],
    },
  ].sort((x, y) => (BigInt(x.outputId) < BigInt(y.outputId) ? -1 : 1));

  it("round-trips through the packed format (53 + 6n bytes per record), pool ids included", function () {
    const data = encodeRecords(records);
    expect((data.length - 2) / 2).to.equal(53 + 12 + 53 + 6);
    expect(decodeRecords(data)).to.deep.equal(records);
  });

  it("lays out outputId (32) | poolId (4) | value (16) | n (1) | entries", function () {
    const record: AttributionRecord = {
      outputId: "0x" + "11".repeat(32),
      poolId: 0x01020304n,
      value: 5n,
      vector: [{ contributionId: 7n, weightBps: 10_000 }],
    };
    const data = encodeRecords([record]);
    expect(data).to.equal("0x" + "11".repeat(32) + "01020304" + "00".repeat(15) + "05" + "01" + "00000007" + "2710");
    expect(decodeRecords(data)).to.deep.equal([record]);
  });

  it("refuses each shape rule locally with the record's index", function () {
    const bad = (r: Partial<AttributionRecord>) => () => encodeRecords([{ ...records[0]!, ...r }]);
    expect(bad({ value: 0n })).to.throw(InvalidInputError, /record 0: value/);
    expect(bad({ poolId: 2n ** 32n })).to.throw(InvalidInputError, /record 0: poolId must be a bigint between 0/);
    expect(bad({ poolId: -1n })).to.throw(InvalidInputError, /record 0: poolId/);
    expect(bad({ poolId: 1 as unknown as bigint })).to.throw(InvalidInputError, /record 0: poolId/);
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
    // A header that ends inside the pool id is truncated too.
    expect(() => decodeRecords("0x" + "11".repeat(34))).to.throw(InvalidInputError, /truncated at byte 0/);
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

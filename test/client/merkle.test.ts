import { expect } from "chai";
import { getAddress, id } from "ethers";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import {
  EMPTY_SETTLEMENT_ROOT,
  SettlementTree,
  settlementLeafHash,
  verifySettlementProof,
  InvalidInputError,
  NotFoundError,
} from "../../client/index.js";

const account = (i: number) =>
  getAddress(
    "0x" +
      BigInt(id(`acct-${i}`))
        .toString(16)
        .padStart(64, "0")
        .slice(0, 40),
  );

describe("SettlementTree", function () {
  for (const size of [1, 2, 3, 7, 64, 513]) {
    it(`builds the same tree, dump and proofs as StandardMerkleTree.of for ${size} accounts`, function () {
      const entries: [string, bigint][] = Array.from({ length: size }, (_, i) => [
        account(i),
        BigInt(i) * 10n ** 18n + 1n,
      ]);
      entries.sort(([a], [b]) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
      const ours = SettlementTree.build(entries);
      const theirs = StandardMerkleTree.of(
        entries.map(([a, v]) => [a, v.toString()]),
        ["address", "uint256"],
      );
      expect(ours.root).to.equal(theirs.root);
      expect(ours.dump()).to.deep.equal(theirs.dump());
      for (const [i, [a, v]] of entries.entries()) {
        expect(ours.getProof(a)).to.deep.equal(theirs.getProof(i));
        expect(verifySettlementProof(ours.root, a, v, ours.getProof(a))).to.equal(true);
      }
      expect(StandardMerkleTree.load(JSON.parse(JSON.stringify(ours.dump()))).root).to.equal(ours.root);
    });
  }

  it("orders values by address whatever the input order, and loads its own dump", function () {
    const entries: [string, bigint][] = [
      [account(3), 3n],
      [account(1), 1n],
      [account(2), 2n],
    ];
    const tree = SettlementTree.build(entries);
    const sorted = [...tree.entries()].map(([a]) => a.toLowerCase());
    expect(sorted).to.deep.equal([...sorted].sort());
    expect(SettlementTree.load(tree.dump()).root).to.equal(tree.root);
    expect(tree.amountOf(account(2))).to.equal(2n);
  });

  it("leaf hashes match OpenZeppelin's standard leaf", function () {
    const theirs = StandardMerkleTree.of([[account(1), "5"]], ["address", "uint256"]);
    expect(settlementLeafHash(account(1), 5n)).to.equal(theirs.leafHash([account(1), "5"]));
  });

  it("builds the empty tree: zero root, empty dump, no proofs, and loads it back", function () {
    const empty = SettlementTree.build([]);
    expect(empty.root).to.equal(EMPTY_SETTLEMENT_ROOT);
    expect(empty.dump().tree).to.deep.equal([]);
    expect(empty.dump().values).to.deep.equal([]);
    expect(() => empty.getProof(account(1))).to.throw(NotFoundError);
    expect(SettlementTree.load(empty.dump()).root).to.equal(EMPTY_SETTLEMENT_ROOT);
    expect(() => SettlementTree.load({ ...empty.dump(), tree: [EMPTY_SETTLEMENT_ROOT] })).to.throw(InvalidInputError);
  });

  it("refuses duplicates, unknown accounts and tampered dumps with typed errors", function () {
    expect(() =>
      SettlementTree.build([
        [account(1), 1n],
        [account(1).toLowerCase(), 2n],
      ]),
    ).to.throw(InvalidInputError, /twice/);
    const tree = SettlementTree.build([
      [account(1), 1n],
      [account(2), 2n],
    ]);
    expect(() => tree.getProof(account(9))).to.throw(NotFoundError);
    const dump = tree.dump();
    dump.values[0]!.value[1] = "999";
    expect(() => SettlementTree.load(dump)).to.throw(InvalidInputError, /does not match/);
    expect(verifySettlementProof(tree.root, account(1), 2n, tree.getProof(account(1)))).to.equal(false);
  });
});

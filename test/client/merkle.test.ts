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
  type SettlementEntry,
} from "../../client/index.js";

const address = (label: string) => getAddress("0x" + BigInt(id(label)).toString(16).padStart(64, "0").slice(0, 40));
const account = (i: number) => address(`acct-${i}`);
const token = (i: number) => address(`token-${i}`);
const LEAF = ["address", "address", "uint256"];

/** Ascending by account, then token: the canonical order of every artifact. */
function canonical(entries: SettlementEntry[]): SettlementEntry[] {
  const key = ([a, t]: SettlementEntry) => a.toLowerCase() + t.toLowerCase();
  return [...entries].sort((x, y) => (key(x) < key(y) ? -1 : 1));
}

describe("SettlementTree", function () {
  for (const size of [1, 2, 3, 7, 64, 513]) {
    it(`builds the same tree, dump and proofs as StandardMerkleTree.of for ${size} (account, token) leaves`, function () {
      // Accounts owed in one to three tokens each.
      const entries = canonical(
        Array.from(
          { length: size },
          (_, i): SettlementEntry => [account(Math.floor(i / 3)), token(i % 3), BigInt(i) * 10n ** 18n + 1n],
        ),
      );
      const ours = SettlementTree.build(entries);
      const theirs = StandardMerkleTree.of(
        entries.map(([a, t, v]) => [a, t, v.toString()]),
        LEAF,
      );
      expect(ours.length).to.equal(size);
      expect(ours.root).to.equal(theirs.root);
      expect(ours.dump()).to.deep.equal(theirs.dump());
      for (const [i, [a, t, v]] of entries.entries()) {
        expect(ours.getProof(a, t)).to.deep.equal(theirs.getProof(i));
        expect(ours.amountOf(a, t)).to.equal(v);
        expect(verifySettlementProof(ours.root, a, t, v, ours.getProof(a, t))).to.equal(true);
        expect(StandardMerkleTree.verify(ours.root, LEAF, [a, t, v.toString()], ours.getProof(a, t))).to.equal(true);
      }
      expect(StandardMerkleTree.load(JSON.parse(JSON.stringify(ours.dump()))).root).to.equal(ours.root);
    });
  }

  it("orders values by account, then token, whatever the input order, and loads its own dump", function () {
    const entries: SettlementEntry[] = [
      [account(3), token(1), 3n],
      [account(1), token(2), 12n],
      [account(1), token(1), 11n],
      [account(2), token(0), 2n],
    ];
    const tree = SettlementTree.build(entries);
    const keys = [...tree.entries()].map(([a, t]) => a.toLowerCase() + t.toLowerCase());
    expect(keys).to.deep.equal([...keys].sort());
    expect(SettlementTree.load(tree.dump()).root).to.equal(tree.root);
    expect(tree.amountOf(account(1), token(2))).to.equal(12n);
    expect(tree.amountOf(account(1), token(1))).to.equal(11n);
    // Lookups are case-insensitive; an account owed nothing in a token has no leaf in it.
    expect(tree.amountOf(account(1).toLowerCase(), token(2).toLowerCase())).to.equal(12n);
    expect(tree.amountOf(account(2), token(1))).to.equal(undefined);
    // The same account's leaves in two tokens are distinct leaves with distinct proofs.
    expect(tree.getProof(account(1), token(1))).to.not.deep.equal(tree.getProof(account(1), token(2)));
    expect(SettlementTree.build(canonical(entries)).root).to.equal(tree.root);
  });

  it("leaf hashes match OpenZeppelin's standard leaf over (address, address, uint256)", function () {
    const theirs = StandardMerkleTree.of([[account(1), token(0), "5"]], LEAF);
    expect(settlementLeafHash(account(1), token(0), 5n)).to.equal(theirs.leafHash([account(1), token(0), "5"]));
    // The token is part of the leaf: the same amount in another token is another leaf.
    expect(settlementLeafHash(account(1), token(1), 5n)).to.not.equal(settlementLeafHash(account(1), token(0), 5n));
    expect(() => settlementLeafHash(account(1), "0x1234", 5n)).to.throw(InvalidInputError, /not a token address/);
  });

  it("builds the empty tree: zero root, empty dump, no proofs, and loads it back", function () {
    const empty = SettlementTree.build([]);
    expect(empty.root).to.equal(EMPTY_SETTLEMENT_ROOT);
    expect(empty.dump().tree).to.deep.equal([]);
    expect(empty.dump().values).to.deep.equal([]);
    expect(empty.dump().leafEncoding).to.deep.equal(LEAF);
    expect(() => empty.getProof(account(1), token(0))).to.throw(NotFoundError);
    expect(SettlementTree.load(empty.dump()).root).to.equal(EMPTY_SETTLEMENT_ROOT);
    expect(() => SettlementTree.load({ ...empty.dump(), tree: [EMPTY_SETTLEMENT_ROOT] })).to.throw(InvalidInputError);
  });

  it("refuses duplicates, unknown leaves, the old two-field encoding and tampered dumps with typed errors", function () {
    expect(() =>
      SettlementTree.build([
        [account(1), token(0), 1n],
        [account(1).toLowerCase(), token(0).toLowerCase(), 2n],
      ]),
    ).to.throw(InvalidInputError, /twice/);
    const tree = SettlementTree.build([
      [account(1), token(0), 1n],
      [account(2), token(0), 2n],
      [account(2), token(1), 3n],
    ]);
    expect(() => tree.getProof(account(9), token(0))).to.throw(NotFoundError);
    expect(() => tree.getProof(account(1), token(1))).to.throw(NotFoundError);

    const twoField = StandardMerkleTree.of([[account(1), "1"]], ["address", "uint256"]).dump();
    expect(() => SettlementTree.load(twoField as never)).to.throw(InvalidInputError, /leaf encoding/);

    const amountTampered = tree.dump();
    amountTampered.values[0]!.value[2] = "999";
    expect(() => SettlementTree.load(amountTampered)).to.throw(InvalidInputError, /does not match/);
    const tokenSwapped = tree.dump();
    tokenSwapped.values[1]!.value[1] = token(1);
    tokenSwapped.values[2]!.value[1] = token(0);
    expect(() => SettlementTree.load(tokenSwapped)).to.throw(InvalidInputError, /does not match/);

    // A proof of one leaf verifies for nothing else: another amount, another token, another account.
    const proof = tree.getProof(account(2), token(1));
    expect(verifySettlementProof(tree.root, account(2), token(1), 3n, proof)).to.equal(true);
    expect(verifySettlementProof(tree.root, account(2), token(1), 2n, proof)).to.equal(false);
    expect(verifySettlementProof(tree.root, account(2), token(0), 3n, proof)).to.equal(false);
    expect(verifySettlementProof(tree.root, account(1), token(1), 3n, proof)).to.equal(false);
  });
});

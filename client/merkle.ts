import { keccak_256 } from "@noble/hashes/sha3.js";
import { getAddress } from "ethers";
import { InvalidInputError, NotFoundError } from "./errors.js";

/** Leaf encoding of every settlement tree: `(account, cumulativeAmount)`. */
export const SETTLEMENT_LEAF_ENCODING = ["address", "uint256"] as const;

/** OpenZeppelin `StandardMerkleTree` dump (`standard-v1`), as `StandardMerkleTree.load` reads it. */
export interface StandardTreeDump {
  format: "standard-v1";
  leafEncoding: string[];
  tree: string[];
  values: { value: [string, string]; treeIndex: number }[];
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function toHex(bytes: Uint8Array): string {
  let out = "0x";
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]!];
  return out;
}

function fromHex32(hex: string): Uint8Array {
  if (!/^0x[0-9a-fA-F]{64}$/.test(hex)) throw new InvalidInputError(`expected a 32-byte hex node, got "${hex}"`);
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(hex.slice(2 + 2 * i, 4 + 2 * i), 16);
  return out;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return 0;
}

/** `keccak256(bytes.concat(keccak256(abi.encode(account, amount))))`, written straight into a buffer. */
function leafHashBytes(account: string, amount: bigint, scratch: Uint8Array): Uint8Array {
  scratch.fill(0, 0, 12);
  for (let i = 0; i < 20; i++) scratch[12 + i] = parseInt(account.slice(2 + 2 * i, 4 + 2 * i), 16);
  let v = amount;
  for (let i = 63; i >= 32; i--) {
    scratch[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return keccak_256(keccak_256(scratch));
}

/** Commutative node hash, as OpenZeppelin's `MerkleProof` expects: the smaller child first. */
function nodeHash(a: Uint8Array, b: Uint8Array, scratch: Uint8Array): Uint8Array {
  if (compareBytes(a, b) <= 0) {
    scratch.set(a, 0);
    scratch.set(b, 32);
  } else {
    scratch.set(b, 0);
    scratch.set(a, 32);
  }
  return keccak_256(scratch);
}

/** The standard leaf hash of `(account, cumulativeAmount)`, as a hex string. */
export function settlementLeafHash(account: string, cumulativeAmount: bigint): string {
  return toHex(leafHashBytes(getAddress(account).toLowerCase(), cumulativeAmount, new Uint8Array(64)));
}

/**
 * A cumulative-entitlement Merkle tree, byte-for-byte the tree `StandardMerkleTree.of(values,
 * ["address", "uint256"])` builds from the same values (same root, proofs and dump), built faster:
 * leaves are hashed from raw bytes, never through ABI-encoding or hex round trips.
 */
export class SettlementTree {
  /** Root, 0x-prefixed hex. */
  readonly root: string;
  private readonly nodes: Uint8Array[];
  private readonly accounts: string[];
  private readonly amounts: bigint[];
  private readonly treeIndex: Int32Array;
  private readonly indexByAccount: Map<string, number>;

  private constructor(nodes: Uint8Array[], accounts: string[], amounts: bigint[], treeIndex: Int32Array) {
    this.nodes = nodes;
    this.accounts = accounts;
    this.amounts = amounts;
    this.treeIndex = treeIndex;
    this.root = toHex(nodes[0]!);
    this.indexByAccount = new Map(accounts.map((a, i) => [a.toLowerCase(), i]));
  }

  /**
   * Builds the tree over `entries` (account, cumulative amount). Values are kept in ascending
   * address order, the canonical order of every Tributary artifact.
   * @example
   * const tree = SettlementTree.build([["0x…01", 5n], ["0x…02", 7n]]);
   * tree.getProof("0x…01");
   */
  static build(entries: Iterable<readonly [string, bigint]>): SettlementTree {
    const rows: { account: string; amount: bigint }[] = [];
    const seen = new Set<string>();
    for (const [rawAccount, amount] of entries) {
      const account = getAddress(rawAccount);
      const key = account.toLowerCase();
      if (seen.has(key)) throw new InvalidInputError(`account ${account} appears twice in the settlement`);
      if (amount < 0n || amount >= 2n ** 256n) throw new InvalidInputError(`amount for ${account} is out of range`);
      seen.add(key);
      rows.push({ account, amount });
    }
    if (rows.length === 0) throw new InvalidInputError("a settlement tree needs at least one account");
    rows.sort((a, b) => (a.account.toLowerCase() < b.account.toLowerCase() ? -1 : 1));

    const n = rows.length;
    const scratch = new Uint8Array(64);
    const hashed = new Array<{ hash: Uint8Array; valueIndex: number }>(n);
    for (let i = 0; i < n; i++) {
      hashed[i] = { hash: leafHashBytes(rows[i]!.account.toLowerCase(), rows[i]!.amount, scratch), valueIndex: i };
    }
    hashed.sort((a, b) => compareBytes(a.hash, b.hash));

    const size = 2 * n - 1;
    const nodes = new Array<Uint8Array>(size);
    const treeIndex = new Int32Array(n);
    for (let leafIndex = 0; leafIndex < n; leafIndex++) {
      const position = size - 1 - leafIndex;
      nodes[position] = hashed[leafIndex]!.hash;
      treeIndex[hashed[leafIndex]!.valueIndex] = position;
    }
    for (let i = size - 1 - n; i >= 0; i--) nodes[i] = nodeHash(nodes[2 * i + 1]!, nodes[2 * i + 2]!, scratch);
    return new SettlementTree(
      nodes,
      rows.map((r) => r.account),
      rows.map((r) => r.amount),
      treeIndex,
    );
  }

  /** Loads and fully validates a `standard-v1` dump with leaf encoding `["address", "uint256"]`. */
  static load(dump: StandardTreeDump): SettlementTree {
    if (dump?.format !== "standard-v1") throw new InvalidInputError(`unknown tree format "${String(dump?.format)}"`);
    if (JSON.stringify(dump.leafEncoding) !== JSON.stringify(SETTLEMENT_LEAF_ENCODING)) {
      throw new InvalidInputError(
        `leaf encoding must be ["address","uint256"], got ${JSON.stringify(dump.leafEncoding)}`,
      );
    }
    const tree = SettlementTree.build(dump.values.map((v) => [v.value[0], BigInt(v.value[1])] as const));
    if (tree.root !== dump.tree[0]?.toLowerCase()) {
      throw new InvalidInputError(`tree root ${dump.tree[0]} does not match its values (recomputed ${tree.root})`);
    }
    return tree;
  }

  /** Number of accounts. */
  get length(): number {
    return this.accounts.length;
  }

  /** Accounts and their cumulative amounts, in ascending address order. */
  *entries(): IterableIterator<[string, bigint]> {
    for (let i = 0; i < this.accounts.length; i++) yield [this.accounts[i]!, this.amounts[i]!];
  }

  /** Cumulative amount of `account`, or undefined if it is not in the tree. */
  amountOf(account: string): bigint | undefined {
    const i = this.indexByAccount.get(account.toLowerCase());
    return i === undefined ? undefined : this.amounts[i];
  }

  /** Merkle proof for `account`, as OpenZeppelin's `getProof` returns it. */
  getProof(account: string): string[] {
    const i = this.indexByAccount.get(account.toLowerCase());
    if (i === undefined) throw new NotFoundError(`${account} has no entitlement in this settlement`);
    const proof: string[] = [];
    let index = this.treeIndex[i]!;
    while (index > 0) {
      proof.push(toHex(this.nodes[index - (-1) ** (index % 2)]!));
      index = Math.floor((index - 1) / 2);
    }
    return proof;
  }

  /** The `standard-v1` dump, identical to `StandardMerkleTree.of(...).dump()` for the same values. */
  dump(): StandardTreeDump {
    return {
      format: "standard-v1",
      leafEncoding: [...SETTLEMENT_LEAF_ENCODING],
      tree: this.nodes.map(toHex),
      values: this.accounts.map((account, i) => ({
        value: [account, this.amounts[i]!.toString()],
        treeIndex: this.treeIndex[i]!,
      })),
    };
  }
}

/** Verifies `proof` for `(account, cumulativeAmount)` against `root`, as the contract does. */
export function verifySettlementProof(
  root: string,
  account: string,
  cumulativeAmount: bigint,
  proof: string[],
): boolean {
  const scratch = new Uint8Array(64);
  let node = fromHex32(settlementLeafHash(account, cumulativeAmount));
  for (const sibling of proof) node = nodeHash(node, fromHex32(sibling), scratch);
  return toHex(node) === root.toLowerCase();
}

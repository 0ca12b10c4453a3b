import { keccak_256 } from "@noble/hashes/sha3.js";
import { createKeccak, type IHasher } from "hash-wasm";
import { InvalidInputError, NotFoundError } from "./errors.js";

/**
 * Keccak-256 for the tree's hot loop: hash-wasm's WebAssembly build once it has loaded (about 8×
 * faster per 64-byte input), the pure-JS @noble/hashes build until then or if it cannot load. Both
 * give the same bytes. Nothing loads at import: the first hash starts loading the WebAssembly in the
 * background, and {@link prepareKeccak} waits for it (the async paths that build large trees do).
 */
let wasmKeccak: IHasher | undefined;
let wasmLoading: Promise<void> | undefined;

/**
 * Starts loading the WebAssembly Keccak (once) and resolves when it is ready or has failed to load
 * (then the pure-JS hash is used). Call it before building a large tree synchronously.
 * @example
 * await prepareKeccak();
 * const tree = SettlementTree.build(entries);
 */
export function prepareKeccak(): Promise<void> {
  wasmLoading ??= createKeccak(256).then(
    (hasher) => {
      wasmKeccak = hasher;
    },
    () => {
      wasmKeccak = undefined;
    },
  );
  return wasmLoading;
}

function keccak(input: Uint8Array): Uint8Array {
  if (!wasmKeccak) {
    if (!wasmLoading) void prepareKeccak();
    return keccak_256(input);
  }
  wasmKeccak.init();
  wasmKeccak.update(input);
  return wasmKeccak.digest("binary");
}

const ADDRESS_PATTERN = /^0x[0-9a-fA-F]{40}$/;
const UINT256_LIMIT = 2n ** 256n;
/** Leaves sorted through one native numeric sort of (32-bit hash prefix, index) packed in a double. */
const INDEX_BITS = 21;

/**
 * Root of the empty settlement tree, settled while nothing has ever been owed (for example an
 * epoch 0 nobody funded). No proof verifies against it, so nothing can be claimed.
 */
export const EMPTY_SETTLEMENT_ROOT = "0x" + "00".repeat(32);

/** Leaf encoding of every settlement tree: `(account, token, cumulativeAmount)`. */
export const SETTLEMENT_LEAF_ENCODING = ["address", "address", "uint256"] as const;

/** OpenZeppelin `StandardMerkleTree` dump (`standard-v1`), as `StandardMerkleTree.load` reads it. */
export interface StandardTreeDump {
  format: "standard-v1";
  leafEncoding: string[];
  tree: string[];
  values: { value: [string, string, string]; treeIndex: number }[];
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

const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) NIBBLE[48 + i] = i;
for (let i = 0; i < 6; i++) {
  NIBBLE[65 + i] = 10 + i;
  NIBBLE[97 + i] = 10 + i;
}

/** Writes the hex digits of `hex` (no 0x, even length) right-aligned into `out[offset, offset + width)`. */
function writeHex(hex: string, out: Uint8Array, offset: number, width: number): void {
  const bytes = hex.length >> 1;
  const start = offset + width - bytes;
  out.fill(0, offset, start);
  for (let i = 0; i < bytes; i++) {
    out[start + i] = (NIBBLE[hex.charCodeAt(2 * i)]! << 4) | NIBBLE[hex.charCodeAt(2 * i + 1)]!;
  }
}

/** `keccak256(bytes.concat(keccak256(abi.encode(account, token, amount))))`, written straight into a buffer. */
function leafHashBytes(account: string, token: string, amount: bigint, scratch: Uint8Array): Uint8Array {
  writeHex(account.slice(2), scratch, 0, 32);
  writeHex(token.slice(2), scratch, 32, 32);
  const amountHex = amount.toString(16);
  writeHex(amountHex.length % 2 === 0 ? amountHex : "0" + amountHex, scratch, 64, 32);
  return keccak(keccak(scratch));
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
  return keccak(scratch);
}

/**
 * Indices of `leaves` in ascending hash order. Each leaf's first 4 bytes and its index are packed
 * into one double (32 + 21 bits, exact), so a single native numeric sort orders almost everything;
 * runs that share a prefix are then ordered by their full hashes.
 */
function sortLeafOrder(leaves: Uint8Array[]): Uint32Array {
  const n = leaves.length;
  const order = new Uint32Array(n);
  if (n >= 2 ** INDEX_BITS) {
    for (let i = 0; i < n; i++) order[i] = i;
    return order.sort((a, b) => compareBytes(leaves[a]!, leaves[b]!));
  }
  const keys = new Float64Array(n);
  const shift = 2 ** INDEX_BITS;
  for (let i = 0; i < n; i++) {
    const h = leaves[i]!;
    keys[i] = (h[0]! * 2 ** 24 + h[1]! * 2 ** 16 + h[2]! * 2 ** 8 + h[3]!) * shift + i;
  }
  keys.sort();
  for (let i = 0; i < n; i++) order[i] = keys[i]! % shift;
  for (let start = 0; start < n; ) {
    const prefix = Math.floor(keys[start]! / shift);
    let end = start + 1;
    while (end < n && Math.floor(keys[end]! / shift) === prefix) end++;
    if (end - start > 1) {
      const run = Array.from(order.subarray(start, end)).sort((a, b) => compareBytes(leaves[a]!, leaves[b]!));
      order.set(run, start);
    }
    start = end;
  }
  return order;
}

/** The standard leaf hash of `(account, token, cumulativeAmount)`, as a hex string. */
export function settlementLeafHash(account: string, token: string, cumulativeAmount: bigint): string {
  if (!ADDRESS_PATTERN.test(account)) throw new InvalidInputError(`"${account}" is not an address`);
  if (!ADDRESS_PATTERN.test(token)) throw new InvalidInputError(`"${token}" is not a token address`);
  return toHex(leafHashBytes(account, token, cumulativeAmount, new Uint8Array(96)));
}

/** One leaf of a settlement tree: an account's cumulative entitlement in one token. */
export type SettlementEntry = readonly [account: string, token: string, cumulativeAmount: bigint];

/**
 * A cumulative-entitlement Merkle tree, byte-for-byte the tree `StandardMerkleTree.of(values,
 * ["address", "address", "uint256"])` builds from the same values (same root, proofs and dump), built
 * faster: leaves are hashed from raw bytes, never through ABI-encoding or hex round trips.
 */
export class SettlementTree {
  /** Root, 0x-prefixed hex. */
  readonly root: string;
  private readonly nodes: Uint8Array[];
  private readonly accounts: string[];
  private readonly tokens: string[];
  private readonly amounts: bigint[];
  private readonly treeIndex: Int32Array;

  private indexByKeyCache: Map<string, number> | undefined;

  private constructor(
    nodes: Uint8Array[],
    accounts: string[],
    tokens: string[],
    amounts: bigint[],
    treeIndex: Int32Array,
  ) {
    this.nodes = nodes;
    this.accounts = accounts;
    this.tokens = tokens;
    this.amounts = amounts;
    this.treeIndex = treeIndex;
    this.root = nodes.length === 0 ? EMPTY_SETTLEMENT_ROOT : toHex(nodes[0]!);
  }

  /** (account, token) → value index, built on first lookup. */
  private get indexByKey(): Map<string, number> {
    this.indexByKeyCache ??= new Map(this.accounts.map((a, i) => [leafKey(a, this.tokens[i]!), i]));
    return this.indexByKeyCache;
  }

  /**
   * Builds the tree over `entries` (account, token, cumulative amount); with none, the empty tree, whose
   * root is {@link EMPTY_SETTLEMENT_ROOT} and whose dump has no nodes and no values. Values are kept in
   * ascending (account, token) order, the canonical order of every Tributary artifact, and addresses
   * are kept as written (pass checksummed addresses to get checksummed dumps).
   * @example
   * const tree = SettlementTree.build([["0x…01", token, 5n], ["0x…02", token, 7n]]);
   * tree.getProof("0x…01", token);
   *
   * Synchronous: it hashes with WebAssembly once {@link prepareKeccak} has resolved, with pure JS
   * before (same bytes, several times slower on large trees).
   */
  static build(entries: Iterable<SettlementEntry>): SettlementTree {
    const rows: { account: string; token: string; key: string; amount: bigint }[] = [];
    for (const [account, token, amount] of entries) {
      if (!ADDRESS_PATTERN.test(account)) throw new InvalidInputError(`"${account}" is not an address`);
      if (!ADDRESS_PATTERN.test(token)) throw new InvalidInputError(`"${token}" is not a token address`);
      if (amount < 0n || amount >= UINT256_LIMIT) throw new InvalidInputError(`amount for ${account} is out of range`);
      rows.push({ account, token, key: leafKey(account, token), amount });
    }
    if (rows.length === 0) return new SettlementTree([], [], [], [], new Int32Array(0));
    // Allocation output is already in order; sort only when it is not.
    let sorted = true;
    for (let i = 1; i < rows.length && sorted; i++) sorted = rows[i - 1]!.key < rows[i]!.key;
    if (!sorted) rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (let i = 1; i < rows.length; i++) {
      if (rows[i]!.key === rows[i - 1]!.key) {
        throw new InvalidInputError(
          `account ${rows[i]!.account} appears twice for token ${rows[i]!.token} in the settlement`,
        );
      }
    }

    const n = rows.length;
    const scratch = new Uint8Array(96);
    const pair = new Uint8Array(64);
    const leaves = new Array<Uint8Array>(n);
    for (let i = 0; i < n; i++) {
      leaves[i] = leafHashBytes(rows[i]!.account.toLowerCase(), rows[i]!.token.toLowerCase(), rows[i]!.amount, scratch);
    }
    const order = sortLeafOrder(leaves);

    const size = 2 * n - 1;
    const nodes = new Array<Uint8Array>(size);
    const treeIndex = new Int32Array(n);
    for (let leafIndex = 0; leafIndex < n; leafIndex++) {
      const position = size - 1 - leafIndex;
      const valueIndex = order[leafIndex]!;
      nodes[position] = leaves[valueIndex]!;
      treeIndex[valueIndex] = position;
    }
    for (let i = size - 1 - n; i >= 0; i--) nodes[i] = nodeHash(nodes[2 * i + 1]!, nodes[2 * i + 2]!, pair);
    return new SettlementTree(
      nodes,
      rows.map((r) => r.account),
      rows.map((r) => r.token),
      rows.map((r) => r.amount),
      treeIndex,
    );
  }

  /** Loads and fully validates a `standard-v1` dump with leaf encoding `["address", "address", "uint256"]`. */
  static load(dump: StandardTreeDump): SettlementTree {
    if (dump?.format !== "standard-v1") throw new InvalidInputError(`unknown tree format "${String(dump?.format)}"`);
    if (JSON.stringify(dump.leafEncoding) !== JSON.stringify(SETTLEMENT_LEAF_ENCODING)) {
      throw new InvalidInputError(
        `leaf encoding must be ["address","address","uint256"], got ${JSON.stringify(dump.leafEncoding)}`,
      );
    }
    const tree = SettlementTree.build(dump.values.map((v) => [v.value[0], v.value[1], BigInt(v.value[2])] as const));
    if (tree.length === 0) {
      if (dump.tree.length !== 0) throw new InvalidInputError("an empty settlement tree has no nodes");
      return tree;
    }
    if (tree.root !== dump.tree[0]?.toLowerCase()) {
      throw new InvalidInputError(`tree root ${dump.tree[0]} does not match its values (recomputed ${tree.root})`);
    }
    return tree;
  }

  /** Number of leaves. */
  get length(): number {
    return this.accounts.length;
  }

  /** Leaves (account, token, cumulative amount), in ascending (account, token) order. */
  *entries(): IterableIterator<[string, string, bigint]> {
    for (let i = 0; i < this.accounts.length; i++) yield [this.accounts[i]!, this.tokens[i]!, this.amounts[i]!];
  }

  /** Cumulative amount of `token` owed to `account`, or undefined if it has no leaf for it. */
  amountOf(account: string, token: string): bigint | undefined {
    const i = this.indexByKey.get(leafKey(account, token));
    return i === undefined ? undefined : this.amounts[i];
  }

  /** Merkle proof of `account`'s leaf in `token`, as OpenZeppelin's `getProof` returns it. */
  getProof(account: string, token: string): string[] {
    const i = this.indexByKey.get(leafKey(account, token));
    if (i === undefined) throw new NotFoundError(`${account} has no entitlement in token ${token} in this settlement`);
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
        value: [account, this.tokens[i]!, this.amounts[i]!.toString()],
        treeIndex: this.treeIndex[i]!,
      })),
    };
  }
}

/** Sort and lookup key of a leaf: lowercase account, then lowercase token. */
function leafKey(account: string, token: string): string {
  return account.toLowerCase() + token.toLowerCase();
}

/** Verifies `proof` for `(account, token, cumulativeAmount)` against `root`, as the contract does. */
export function verifySettlementProof(
  root: string,
  account: string,
  token: string,
  cumulativeAmount: bigint,
  proof: string[],
): boolean {
  const scratch = new Uint8Array(64);
  let node = fromHex32(settlementLeafHash(account, token, cumulativeAmount));
  for (const sibling of proof) node = nodeHash(node, fromHex32(sibling), scratch);
  return toHex(node) === root.toLowerCase();
}

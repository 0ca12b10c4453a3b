/**
 * A Merkle tree built the way Uniswap's merkle-distributor builds its balance tree: leaves
 * `keccak256(abi.encodePacked(uint256 index, address account, uint256 amount))`, sorted,
 * sorted-pair hashing, an odd node promoted unchanged. Used only by the benchmark.
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import { getBytes, hexlify, solidityPacked } from "ethers";

function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

function pair(a: Uint8Array, b: Uint8Array): Uint8Array {
  const buffer = new Uint8Array(64);
  if (compare(a, b) <= 0) {
    buffer.set(a);
    buffer.set(b, 32);
  } else {
    buffer.set(b);
    buffer.set(a, 32);
  }
  return keccak_256(buffer);
}

export class UniswapBalanceTree {
  private readonly layers: Uint8Array[][];
  private readonly leaves: Uint8Array[];

  constructor(balances: { account: string; amount: bigint }[]) {
    this.leaves = balances.map((b, index) => UniswapBalanceTree.leaf(index, b.account, b.amount));
    const sorted = [...this.leaves].sort(compare);
    this.layers = [sorted];
    while (this.layers.at(-1)!.length > 1) {
      const layer = this.layers.at(-1)!;
      const next: Uint8Array[] = [];
      for (let i = 0; i < layer.length; i += 2)
        next.push(i + 1 < layer.length ? pair(layer[i]!, layer[i + 1]!) : layer[i]!);
      this.layers.push(next);
    }
  }

  static leaf(index: number, account: string, amount: bigint): Uint8Array {
    return keccak_256(getBytes(solidityPacked(["uint256", "address", "uint256"], [index, account, amount])));
  }

  get root(): string {
    return hexlify(this.layers.at(-1)![0]!);
  }

  proof(index: number): string[] {
    let position = this.layers[0]!.findIndex((l) => compare(l, this.leaves[index]!) === 0);
    const proof: string[] = [];
    for (const layer of this.layers.slice(0, -1)) {
      const sibling = position % 2 === 0 ? position + 1 : position - 1;
      if (sibling < layer.length) proof.push(hexlify(layer[sibling]!));
      position = Math.floor(position / 2);
    }
    return proof;
  }
}

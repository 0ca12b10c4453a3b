import { AbiCoder, hexlify, keccak256, solidityPacked } from "ethers";

/** Commitments and the EIP-712 registration types (pure helpers). */
/** EIP-712 types of a gasless registration (`ContributionRegistry.REGISTRATION_TYPEHASH`). */
export const REGISTRATION_TYPES = {
  Registration: [
    { name: "contributor", type: "address" },
    { name: "datanetId", type: "uint32" },
    { name: "contentHashes", type: "bytes32[]" },
    { name: "uris", type: "string[]" },
    { name: "salt", type: "bytes32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};
/** A fresh random 32-byte salt. */
export function randomSalt(): string {
  return hexlify(globalThis.crypto.getRandomValues(new Uint8Array(32)));
}
/**
 * The commitment a registration reveals, as `ContributionRegistry.commitmentOf` computes it.
 * It binds the contributor, so nobody else can reveal it.
 */
export function computeCommitment(
  contributor: string,
  datanetId: bigint,
  contentHashes: string[],
  salt: string,
): string {
  const digest = keccak256(solidityPacked(Array(contentHashes.length).fill("bytes32"), contentHashes));
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["address", "uint32", "bytes32", "bytes32"],
      [contributor, datanetId, digest, salt],
    ),
  );
}

/** A JSON-RPC provider that accepts raw requests, as ethers' `JsonRpcProvider` and Hardhat's do. */
export interface RawRpcProvider {
  send(method: string, params: unknown[]): Promise<unknown>;
  getBlock(block: "latest"): Promise<{ timestamp: number } | null>;
}

/**
 * A `waitUntil` for dev chains (Hardhat, Anvil) that mine only on demand: it moves the chain's
 * clock forward with `evm_increaseTime` and mines a block. Never use it against a real network.
 * @example
 * await register(tributary, { datanetId: 1, contentHash, uri, waitUntil: devChainWaitUntil(provider) });
 */
export function devChainWaitUntil(provider: RawRpcProvider): (timestamp: bigint) => Promise<void> {
  return async (timestamp) => {
    const latest = BigInt((await provider.getBlock("latest"))?.timestamp ?? 0);
    if (latest >= timestamp) return;
    await provider.send("evm_increaseTime", [Number(timestamp - latest)]);
    await provider.send("evm_mine", []);
  };
}

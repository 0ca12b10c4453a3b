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

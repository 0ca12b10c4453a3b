import { AbiCoder, hexlify, keccak256, solidityPacked } from "ethers";
import { InvalidInputError } from "./errors.js";
import { requireBytes32 } from "./validation.js";

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

/** A gasless registration the contributor has signed; anyone may relay it. */
export interface SignedRegistration {
  request: {
    contributor: string;
    datanetId: bigint;
    contentHashes: string[];
    uris: string[];
    salt: string;
    deadline: bigint;
  };
  nonce: bigint;
  signature: string;
}

/** A batch of contributions to register, as the registration actions take it. */
export interface RegistrationBatch {
  datanetId: bigint | number;
  contentHashes: string[];
  uris: string[];
  /** 32-byte secret; a random one is drawn when omitted. */
  salt?: string;
}

/** Validates a registration batch and draws its salt when none is given. */
export function checkBatch(parameters: RegistrationBatch) {
  const datanetId = BigInt(parameters.datanetId);
  if (datanetId <= 0n || datanetId >= 2n ** 32n)
    throw new InvalidInputError(`datanet id must be a positive uint32, got ${datanetId}`);
  const contentHashes = parameters.contentHashes.map((h, i) => requireBytes32(h, `content hash ${i}`));
  if (contentHashes.length === 0) throw new InvalidInputError("give at least one content hash");
  if (parameters.uris.length !== contentHashes.length) {
    throw new InvalidInputError(`got ${contentHashes.length} content hashes but ${parameters.uris.length} URIs`);
  }
  const salt = parameters.salt === undefined ? randomSalt() : requireBytes32(parameters.salt, "salt");
  return { datanetId, contentHashes, uris: parameters.uris, salt };
}

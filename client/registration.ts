import { AbiCoder, keccak256, solidityPacked, hexlify, type Signer, type ContractTransactionReceipt } from "ethers";
import type { TributaryContracts } from "./contracts.js";
import { InvalidInputError, NotFoundError, wrapCall } from "./errors.js";
import { requireAddress, requireBytes32 } from "./validation.js";

/** Parameters of {@link register} and {@link registerBatch}. */
export interface RegisterBatchParameters {
  datanetId: bigint | number;
  contentHashes: string[];
  uris: string[];
  /** 32-byte secret; a random one is drawn when omitted. */
  salt?: string;
}

/** What a registration produced. */
export interface RegisterResult {
  /** Ids of the new contributions, in the order of the content hashes. */
  ids: bigint[];
  /** The registered content hashes, in the same order. */
  contentHashes: string[];
  commitment: string;
  /** The commitment's transaction, or "" when someone had already posted it. */
  commitTransaction: string;
  registerTransaction: string;
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

/**
 * Registers contributions for the signer: posts the commitment, then reveals it in a later block.
 * @example
 * const { ids } = await registerBatch(tributary, { datanetId: 1, contentHashes: [h1, h2], uris: ["ipfs://a", "ipfs://b"] });
 */
export async function registerBatch(
  tributary: TributaryContracts,
  parameters: RegisterBatchParameters,
): Promise<RegisterResult> {
  const signer = requireSigner(tributary);
  const contributor = await signer.getAddress();
  const { datanetId, contentHashes, uris, salt } = checkBatch(parameters);
  const commitment = computeCommitment(contributor, datanetId, contentHashes, salt);
  const commitTransaction = await postCommitment(tributary, commitment);
  const receipt = await wrapCall("register", async () => {
    const tx =
      contentHashes.length === 1
        ? await tributary.registry.register(datanetId, contentHashes[0]!, uris[0]!, salt)
        : await tributary.registry.registerBatch(datanetId, contentHashes, uris, salt);
    return (await tx.wait())!;
  });
  return {
    ids: registeredIds(tributary, receipt),
    contentHashes,
    commitment,
    commitTransaction,
    registerTransaction: receipt.hash,
  };
}

/** Registers one contribution for the signer (commit, then reveal). */
export async function register(
  tributary: TributaryContracts,
  parameters: { datanetId: bigint | number; contentHash: string; uri: string; salt?: string },
): Promise<RegisterResult> {
  return registerBatch(tributary, {
    datanetId: parameters.datanetId,
    contentHashes: [parameters.contentHash],
    uris: [parameters.uri],
    ...(parameters.salt === undefined ? {} : { salt: parameters.salt }),
  });
}

/**
 * The contributor signs a gasless registration (EIP-712 `Registration`), valid until `deadline`.
 * Works with any Signer that implements `signTypedData`.
 */
export async function signRegistration(
  tributary: TributaryContracts,
  contributorSigner: Signer,
  parameters: RegisterBatchParameters & { deadline: bigint },
): Promise<SignedRegistration> {
  const contributor = await contributorSigner.getAddress();
  return signRegistrationFor(tributary, contributorSigner, contributor, parameters);
}

/** Like {@link signRegistration}, for a contract wallet `contributor` whose owner is `signer` (ERC-1271). */
export async function signRegistrationFor(
  tributary: TributaryContracts,
  signer: Signer,
  contributorAddress: string,
  parameters: RegisterBatchParameters & { deadline: bigint },
): Promise<SignedRegistration> {
  const contributor = requireAddress(contributorAddress, "contributor");
  const { datanetId, contentHashes, uris, salt } = checkBatch(parameters);
  const nonce = await tributary.registry.nonces(contributor);
  const [, name, version, chainId, verifyingContract] = await tributary.registry.eip712Domain();
  const signature = await signer.signTypedData({ name, version, chainId, verifyingContract }, REGISTRATION_TYPES, {
    contributor,
    datanetId,
    contentHashes,
    uris,
    salt,
    nonce,
    deadline: parameters.deadline,
  });
  return {
    request: { contributor, datanetId, contentHashes, uris, salt, deadline: parameters.deadline },
    nonce,
    signature,
  };
}

/** Relays a signed registration: posts its commitment if needed, then reveals it. Anyone may relay. */
export async function relayRegistration(
  tributary: TributaryContracts,
  signed: SignedRegistration,
): Promise<RegisterResult> {
  const { contributor, datanetId, contentHashes, salt } = signed.request;
  const commitment = computeCommitment(contributor, datanetId, contentHashes, salt);
  const commitTransaction = await postCommitment(tributary, commitment);
  const receipt = await wrapCall("registerBySig", async () => {
    const tx = await tributary.registry.registerBySig(signed.request, signed.signature);
    return (await tx.wait())!;
  });
  return {
    ids: registeredIds(tributary, receipt),
    contentHashes: [...contentHashes],
    commitment,
    commitTransaction,
    registerTransaction: receipt.hash,
  };
}

/** Withdraws a Pending contribution of the signer's, named by its content hash. */
export async function withdrawContribution(tributary: TributaryContracts, contentHash: string): Promise<string> {
  const hash = requireBytes32(contentHash, "content hash");
  return wrapCall(
    "withdrawContribution",
    async () => (await (await tributary.registry.withdrawContribution(hash)).wait())!.hash,
  );
}

/** Creates a datanet curated by the signer and returns its id. */
export async function createDatanet(tributary: TributaryContracts, metadataUri: string): Promise<bigint> {
  const receipt = await wrapCall(
    "createDatanet",
    async () => (await (await tributary.registry.createDatanet(metadataUri)).wait())!,
  );
  for (const log of receipt.logs) {
    const parsed = tributary.registry.interface.parseLog(log);
    if (parsed?.name === "DatanetCreated") return parsed.args.datanetId as bigint;
  }
  throw new NotFoundError("the DatanetCreated event is missing from the receipt");
}

async function postCommitment(tributary: TributaryContracts, commitment: string): Promise<string> {
  // Anyone may post a commitment, including someone copying ours from the mempool. It binds our
  // address, so a copy only saves us the transaction: reveal against it.
  if ((await tributary.registry.commitments(commitment)) !== 0n) return "";
  return wrapCall("commit", async () => {
    // Once mined, any later transaction (the reveal) lands in a later block, as the contract requires.
    const receipt = (await (await tributary.registry.commit(commitment)).wait())!;
    return receipt.hash;
  });
}

function registeredIds(tributary: TributaryContracts, receipt: ContractTransactionReceipt): bigint[] {
  const ids: bigint[] = [];
  for (const log of receipt.logs) {
    const parsed = tributary.registry.interface.parseLog(log);
    if (parsed?.name === "ContributionRegistered") ids.push(parsed.args.id as bigint);
  }
  return ids;
}

function checkBatch(parameters: RegisterBatchParameters) {
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

/** The Signer behind the contracts, or a clear error when they are bound to a read-only Provider. */
export function requireSigner(tributary: TributaryContracts): Signer {
  const runner = tributary.runner as Partial<Signer>;
  if (typeof runner.sendTransaction !== "function" || typeof runner.getAddress !== "function") {
    throw new InvalidInputError("this action sends a transaction: connect the client with a Signer, not a Provider");
  }
  return runner as Signer;
}

import type { Signer } from "ethers";
import type { TributaryContracts } from "./contracts.js";
import { requireAddress } from "./validation.js";
import { REGISTRATION_TYPES } from "./commitment.js";
import type { RegisterBatchParameters } from "./registerBatch.js";
import { checkBatch } from "./internal/commitments.js";

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

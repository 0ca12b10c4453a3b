import type { Signer } from "ethers";
import type { TributaryContracts } from "../chain/contracts.js";
import { requireAddress } from "../rules/validation.js";
import {
  checkBatch,
  REGISTRATION_TYPES,
  type RegistrationBatch,
  type SignedRegistration,
} from "../rules/commitment.js";

/** Parameters of {@link signRegistrationFor}. */
export interface SignRegistrationForParameters extends RegistrationBatch {
  /** The owner of the contract wallet, who signs on its behalf (ERC-1271). */
  signer: Signer;
  /** The contract wallet registering. */
  contributor: string;
  /** Unix time (seconds) after which the signature is refused. */
  deadline: bigint;
}

/** What {@link signRegistrationFor} produced. */
export type SignRegistrationForResult = SignedRegistration;

/**
 * Like `signRegistration`, for a contract wallet `contributor` whose owner is `signer` (ERC-1271).
 * @throws {InvalidInputError} a malformed contributor, datanet id, hash, URI list or salt.
 */
export async function signRegistrationFor(
  tributary: TributaryContracts,
  parameters: SignRegistrationForParameters,
): Promise<SignRegistrationForResult> {
  const contributor = requireAddress(parameters.contributor, "contributor");
  const { datanetId, contentHashes, uris, salt } = checkBatch(parameters);
  const nonce = await tributary.registry.nonces(contributor);
  const [, name, version, chainId, verifyingContract] = await tributary.registry.eip712Domain();
  const signature = await parameters.signer.signTypedData(
    { name, version, chainId, verifyingContract },
    REGISTRATION_TYPES,
    { contributor, datanetId, contentHashes, uris, salt, nonce, deadline: parameters.deadline },
  );
  return {
    request: { contributor, datanetId, contentHashes, uris, salt, deadline: parameters.deadline },
    nonce,
    signature,
  };
}

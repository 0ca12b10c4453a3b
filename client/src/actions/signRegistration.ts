import type { Signer } from "ethers";
import type { TributaryContracts } from "../chain/contracts.js";
import type { RegistrationBatch, SignedRegistration } from "../rules/commitment.js";
import { signRegistrationFor } from "./signRegistrationFor.js";

/** Parameters of {@link signRegistration}. */
export interface SignRegistrationParameters extends RegistrationBatch {
  /** The contributor, who signs; any Signer that implements `signTypedData`. */
  signer: Signer;
  /** Unix time (seconds) after which the signature is refused. */
  deadline: bigint;
}

/** What {@link signRegistration} produced. */
export type SignRegistrationResult = SignedRegistration;

/**
 * The contributor signs a gasless registration (EIP-712 `Registration`), valid until `deadline`.
 * @example
 * const signed = await signRegistration(tributary, { signer: contributor, datanetId: 1, contentHashes, uris, deadline });
 * @throws {InvalidInputError} a malformed datanet id, hash, URI list or salt.
 */
export async function signRegistration(
  tributary: TributaryContracts,
  parameters: SignRegistrationParameters,
): Promise<SignRegistrationResult> {
  const contributor = await parameters.signer.getAddress();
  return signRegistrationFor(tributary, { ...parameters, contributor });
}

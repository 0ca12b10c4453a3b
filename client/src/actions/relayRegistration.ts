import type { TributaryContracts } from "../chain/contracts.js";
import { wrapCall } from "../chain/calls.js";
import { computeCommitment, type SignedRegistration } from "../rules/commitment.js";
import type { RegisterBatchResult } from "./registerBatch.js";
import { postCommitment, registeredIds, waitForRevealable, type WaitUntil } from "../chain/commitments.js";

/** Parameters of {@link relayRegistration}. */
export interface RelayRegistrationParameters {
  /** The registration the contributor signed (see `signRegistration`). */
  signed: SignedRegistration;
  /** How to wait for the commitment's age; see `RegisterBatchParameters.waitUntil`. */
  waitUntil?: WaitUntil;
}

/** What {@link relayRegistration} produced. */
export type RelayRegistrationResult = RegisterBatchResult;

/**
 * Relays a signed registration: posts its commitment if needed, waits until it is
 * `commitmentMinAge` old (through `waitUntil` when given, see `registerBatch`), then reveals it.
 * Anyone may relay.
 * @example
 * const { ids } = await relayRegistration(asRelayer, { signed });
 * @throws {ContractRevertError} the registry refused the commitment or the signature (e.g. an expired deadline).
 */
export async function relayRegistration(
  tributary: TributaryContracts,
  parameters: RelayRegistrationParameters,
): Promise<RelayRegistrationResult> {
  const { signed, waitUntil } = parameters;
  const { contributor, datanetId, contentHashes, salt } = signed.request;
  const commitment = computeCommitment(contributor, datanetId, contentHashes, salt);
  const posted = await postCommitment(tributary, commitment);
  await waitForRevealable(tributary, posted.committedAt, waitUntil);
  const commitTransaction = posted.transaction;
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

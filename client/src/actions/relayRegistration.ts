import type { TributaryContracts } from "./contracts.js";
import { wrapCall } from "./errors.js";
import { computeCommitment } from "./commitment.js";
import type { RegisterResult } from "./registerBatch.js";
import type { SignedRegistration } from "./signRegistration.js";
import { postCommitment, registeredIds, waitForRevealable, type WaitUntil } from "./internal/commitments.js";

/**
 * Relays a signed registration: posts its commitment if needed, waits until it is
 * `commitmentMinAge` old (through `waitUntil` when given, see `registerBatch`), then reveals it.
 * Anyone may relay.
 */
export async function relayRegistration(
  tributary: TributaryContracts,
  signed: SignedRegistration,
  waitUntil?: WaitUntil,
): Promise<RegisterResult> {
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

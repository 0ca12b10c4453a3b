import type { TributaryContracts } from "../chain/contracts.js";
import { wrapCall } from "../chain/calls.js";
import { requireSigner } from "../chain/signer.js";
import { checkBatch, computeCommitment, type RegistrationBatch } from "../rules/commitment.js";
import { postCommitment, registeredIds, waitForRevealable, type WaitUntil } from "../chain/commitments.js";

/** Parameters of {@link registerBatch} (and, through `register`, of one registration). */
export interface RegisterBatchParameters extends RegistrationBatch {
  /**
   * Resolves once the chain's time reaches the given timestamp: the reveal waits until the
   * commitment is `commitmentMinAge` old. By default the latest block is polled every two seconds.
   * On a dev chain that mines only on demand, pass {@link devChainWaitUntil}.
   */
  waitUntil?: WaitUntil;
}
/** What a registration produced. */
export interface RegisterBatchResult {
  /** Ids of the new contributions, in the order of the content hashes. */
  ids: bigint[];
  /** The registered content hashes, in the same order. */
  contentHashes: string[];
  commitment: string;
  /** The commitment's transaction, or "" when someone had already posted it. */
  commitTransaction: string;
  registerTransaction: string;
}
/**
 * Registers contributions for the signer: posts the commitment (or uses the same commitment someone
 * else posted, which is harmless since it binds the signer), waits until it is `commitmentMinAge`
 * old, then reveals it.
 * @example
 * const { ids } = await registerBatch(tributary, { datanetId: 1, contentHashes: [h1, h2], uris: ["ipfs://a", "ipfs://b"] });
 * @throws {InvalidInputError} a malformed datanet id, hash, URI list or salt, or a runner without a Signer.
 * @throws {ContractRevertError} the registry refused the commitment or the reveal (e.g. `AlreadyRegistered`).
 */
export async function registerBatch(
  tributary: TributaryContracts,
  parameters: RegisterBatchParameters,
): Promise<RegisterBatchResult> {
  const signer = requireSigner(tributary);
  const contributor = await signer.getAddress();
  const { datanetId, contentHashes, uris, salt } = checkBatch(parameters);
  const commitment = computeCommitment(contributor, datanetId, contentHashes, salt);
  const posted = await postCommitment(tributary, commitment);
  await waitForRevealable(tributary, posted.committedAt, parameters.waitUntil);
  const commitTransaction = posted.transaction;
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

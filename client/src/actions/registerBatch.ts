import type { TributaryContracts } from "./contracts.js";
import { wrapCall } from "./errors.js";
import { requireSigner } from "./signer.js";
import { computeCommitment } from "./commitment.js";
import { register } from "./register.js";
import {
  checkBatch,
  postCommitment,
  registeredIds,
  waitForRevealable,
  type WaitUntil,
} from "./internal/commitments.js";

/** Parameters of {@link register} and {@link registerBatch}. */
export interface RegisterBatchParameters {
  datanetId: bigint | number;
  contentHashes: string[];
  uris: string[];
  /** 32-byte secret; a random one is drawn when omitted. */
  salt?: string;
  /**
   * Resolves once the chain's time reaches the given timestamp: the reveal waits until the
   * commitment is `commitmentMinAge` old. By default the latest block is polled every two seconds.
   * On a dev chain that mines only on demand, pass {@link devChainWaitUntil}.
   */
  waitUntil?: WaitUntil;
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
/**
 * Registers contributions for the signer: posts the commitment (or uses the same commitment someone
 * else posted, which is harmless since it binds the signer), waits until it is `commitmentMinAge`
 * old, then reveals it.
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

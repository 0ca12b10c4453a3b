import type { TributaryContracts } from "./contracts.js";
import { wrapCall } from "./errors.js";
import { requireSigner } from "./signer.js";
import { computeCommitment } from "./commitment.js";
import { register } from "./register.js";
import { checkBatch, postCommitment, registeredIds } from "./internal/commitments.js";

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

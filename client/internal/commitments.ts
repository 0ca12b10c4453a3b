import type { ContractTransactionReceipt } from "ethers";
import type { TributaryContracts } from "../contracts.js";
import { InvalidInputError, wrapCall } from "../errors.js";
import { requireBytes32 } from "../validation.js";
import { randomSalt } from "../commitment.js";
import type { RegisterBatchParameters } from "../registerBatch.js";

/** What the registration actions share: posting a commitment, reading ids, checking input. */
export async function postCommitment(tributary: TributaryContracts, commitment: string): Promise<string> {
  // Anyone may post a commitment, including someone copying ours from the mempool. It binds our
  // address, so a copy only saves us the transaction: reveal against it.
  if ((await tributary.registry.commitments(commitment)) !== 0n) return "";
  return wrapCall("commit", async () => {
    // Once mined, any later transaction (the reveal) lands in a later block, as the contract requires.
    const receipt = (await (await tributary.registry.commit(commitment)).wait())!;
    return receipt.hash;
  });
}
export function registeredIds(tributary: TributaryContracts, receipt: ContractTransactionReceipt): bigint[] {
  const ids: bigint[] = [];
  for (const log of receipt.logs) {
    const parsed = tributary.registry.interface.parseLog(log);
    if (parsed?.name === "ContributionRegistered") ids.push(parsed.args.id as bigint);
  }
  return ids;
}
export function checkBatch(parameters: RegisterBatchParameters) {
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

import type { TributaryContracts } from "./contracts.js";
import { wrapCall } from "./errors.js";
import { requireBytes32 } from "./validation.js";

/** Withdraws a Pending contribution of the signer's, named by its content hash. */
export async function withdrawContribution(tributary: TributaryContracts, contentHash: string): Promise<string> {
  const hash = requireBytes32(contentHash, "content hash");
  return wrapCall(
    "withdrawContribution",
    async () => (await (await tributary.registry.withdrawContribution(hash)).wait())!.hash,
  );
}

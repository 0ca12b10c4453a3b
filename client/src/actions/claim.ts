import type { TributaryContracts } from "./contracts.js";
import { wrapCall } from "./errors.js";
import type { SettlementArtifact } from "./store.js";
import { proofFromArtifact } from "./proof.js";

/**
 * Claims `account`'s entitlement in `token` (anyone may send it) against the active root, using its
 * artifact. To claim every token at once, use {@link claimMany}.
 */
export async function claim(
  tributary: TributaryContracts,
  artifact: SettlementArtifact,
  account: string,
  token: string,
): Promise<{ paid: bigint; transaction: string }> {
  const request = proofFromArtifact(artifact, account, token);
  const receipt = await wrapCall(
    `claim ${request.token} for ${request.account}`,
    async () =>
      (await (
        await tributary.distributor.claim(request.account, request.token, request.cumulativeAmount, request.proof)
      ).wait())!,
  );
  let paid = 0n;
  for (const log of receipt.logs) {
    const parsed = tributary.distributor.interface.parseLog(log);
    if (parsed?.name === "Claimed") paid += parsed.args.amount as bigint;
  }
  return { paid, transaction: receipt.hash };
}

import type { TributaryContracts } from "./contracts.js";
import { wrapCall } from "./errors.js";
import type { SettlementArtifact } from "./store.js";
import { proofFromArtifact } from "./proof.js";

/** Claims for `account` (anyone may send it) against the active root, using its artifact. */
export async function claim(
  tributary: TributaryContracts,
  artifact: SettlementArtifact,
  account: string,
): Promise<{ paid: bigint; transaction: string }> {
  const { cumulativeAmount, proof } = proofFromArtifact(artifact, account);
  const receipt = await wrapCall(
    `claim for ${account}`,
    async () => (await (await tributary.distributor.claim(account, cumulativeAmount, proof)).wait())!,
  );
  let paid = 0n;
  for (const log of receipt.logs) {
    const parsed = tributary.distributor.interface.parseLog(log);
    if (parsed?.name === "Claimed") paid += parsed.args.amount as bigint;
  }
  return { paid, transaction: receipt.hash };
}

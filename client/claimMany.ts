import type { TributaryContracts } from "./contracts.js";
import { wrapCall } from "./errors.js";
import type { SettlementArtifact } from "./store.js";
import { proofFromArtifact } from "./proof.js";

/** Claims for many accounts in one transaction. Accounts with nothing left are skipped by the contract. */
export async function claimMany(
  tributary: TributaryContracts,
  artifact: SettlementArtifact,
  accounts: string[],
): Promise<{ paid: bigint; transaction: string }> {
  const requests = accounts.map((a) => {
    const p = proofFromArtifact(artifact, a);
    return { account: p.account, cumulativeAmount: p.cumulativeAmount, proof: p.proof };
  });
  const receipt = await wrapCall(
    "claimMany",
    async () => (await (await tributary.distributor.claimMany(requests)).wait())!,
  );
  let paid = 0n;
  for (const log of receipt.logs) {
    const parsed = tributary.distributor.interface.parseLog(log);
    if (parsed?.name === "Claimed") paid += parsed.args.amount as bigint;
  }
  return { paid, transaction: receipt.hash };
}

import type { TributaryContracts } from "./contracts.js";
import { SettlementError } from "./errors.js";
import { loadArtifactTree, tokensOf } from "./proof.js";
import type { SettlementArtifact } from "./store.js";
import { requireAddress } from "./validation.js";

/**
 * What `account` can claim now against the active root, per token (checksummed, in allowlist order),
 * given the artifact of that root. Tokens it has nothing left in are left out.
 */
export async function claimable(
  tributary: TributaryContracts,
  artifact: SettlementArtifact,
  accountInput: string,
): Promise<Map<string, bigint>> {
  const account = requireAddress(accountInput, "account");
  const active = await tributary.distributor.activeSettlement();
  if (active.root.toLowerCase() !== artifact.metadata.root.toLowerCase()) {
    throw new SettlementError(`the artifact's root ${artifact.metadata.root} is not the active root ${active.root}`);
  }
  const out = new Map<string, bigint>();
  const tree = loadArtifactTree(artifact);
  for (const token of tokensOf(artifact, account)) {
    const entitled = tree.amountOf(account, token) ?? 0n;
    const claimed = await tributary.distributor.claimedOf(account, token);
    if (entitled > claimed) out.set(token, entitled - claimed);
  }
  return out;
}

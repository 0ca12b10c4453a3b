import type { TributaryContracts } from "./contracts.js";
import { SettlementError } from "./errors.js";
import { SettlementTree } from "./merkle.js";
import type { SettlementArtifact } from "./store.js";
import { requireAddress } from "./validation.js";

/** What `account` can claim now against the active root, given the artifact of that root. */
export async function claimable(
  tributary: TributaryContracts,
  artifact: SettlementArtifact,
  accountInput: string,
): Promise<bigint> {
  const account = requireAddress(accountInput, "account");
  const active = await tributary.distributor.activeSettlement();
  if (active.root.toLowerCase() !== artifact.metadata.root.toLowerCase()) {
    throw new SettlementError(`the artifact's root ${artifact.metadata.root} is not the active root ${active.root}`);
  }
  const entitled = SettlementTree.load(artifact).amountOf(account) ?? 0n;
  const claimed = await tributary.distributor.claimedOf(account);
  return entitled > claimed ? entitled - claimed : 0n;
}

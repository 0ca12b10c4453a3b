import type { TributaryContracts } from "./contracts.js";
import { CONTRIBUTION_STATUS_NAMES, type ContributionStatusName } from "./listContributions.js";

/** Status name of the contribution registered under `contentHash`; Expired once its voting window closed undecided. */
export async function contributionStatus(
  tributary: TributaryContracts,
  contentHash: string,
): Promise<ContributionStatusName> {
  return CONTRIBUTION_STATUS_NAMES[Number(await tributary.registry.statusOf(contentHash))] ?? "None";
}

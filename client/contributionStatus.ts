import type { TributaryContracts } from "./contracts.js";
import { CONTRIBUTION_STATUS_NAMES, type ContributionStatusName } from "./listContributions.js";

/** Status name of the contribution registered under `contentHash`. */
export async function contributionStatus(
  tributary: TributaryContracts,
  contentHash: string,
): Promise<ContributionStatusName> {
  const record = await tributary.registry.contributionOf(contentHash);
  return CONTRIBUTION_STATUS_NAMES[Number(record.status)] ?? "None";
}

import type { TributaryContracts } from "../chain/contracts.js";
import { ContributionStatus } from "../rules/events.js";
import { requireBytes32 } from "../rules/validation.js";
import { CONTRIBUTION_STATUS_NAMES, type ContributionStatusName } from "./listContributions.js";

/** Parameters of {@link contributionStatus}. */
export interface ContributionStatusParameters {
  /** The content hash the contribution was registered under. */
  contentHash: string;
}

/** A contribution's status name; "None" when nothing is registered under the hash. */
export type ContributionStatusResult = ContributionStatusName | "Revoked";

/**
 * Status name of the contribution registered under `contentHash`; Expired once its voting window closed
 * undecided, Revoked once an upheld challenge revoked it.
 * @example
 * await contributionStatus(tributary, { contentHash }); // "Pending"
 * @throws {InvalidInputError} the content hash is not 32 bytes of hex.
 */
export async function contributionStatus(
  tributary: TributaryContracts,
  parameters: ContributionStatusParameters,
): Promise<ContributionStatusResult> {
  const hash = requireBytes32(parameters.contentHash, "content hash");
  const status = Number(await tributary.registry.statusOf(hash));
  if (status === ContributionStatus.Revoked) return "Revoked";
  return CONTRIBUTION_STATUS_NAMES[status] ?? "None";
}

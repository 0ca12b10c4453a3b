import type { TributaryContracts } from "../chain/contracts.js";
import { withRetry } from "../chain/indexer.js";
import { requireAddress } from "../rules/validation.js";

/** Parameters of {@link listContributions}. */
export interface ListContributionsParameters {
  /** Only this contributor's contributions. */
  contributor?: string;
  /** Only contributions in this status. */
  status?: ContributionStatusName;
}

/** Human-readable contribution statuses, indexed by the registry's enum value. */
export const CONTRIBUTION_STATUS_NAMES = [
  "None",
  "Pending",
  "Accepted",
  "Rejected",
  "Withdrawn",
  "Expired",
  "Revoked",
] as const;
export type ContributionStatusName = (typeof CONTRIBUTION_STATUS_NAMES)[number];
/** One contribution, as the registry and its registration event describe it. */
export interface ContributionView {
  id: bigint;
  contributor: string;
  datanetId: bigint;
  contentHash: string;
  uri: string;
  status: ContributionStatusName;
}
/** What {@link listContributions} returns. */
export type ListContributionsResult = ContributionView[];

/**
 * Lists contributions, optionally only `contributor`'s, with their current status.
 * @example
 * const mine = await listContributions(tributary, { contributor: await signer.getAddress() });
 * @throws {InvalidInputError} a malformed contributor address.
 * @throws {RpcError} the node kept failing the log query.
 */
export async function listContributions(
  tributary: TributaryContracts,
  parameters: ListContributionsParameters = {},
): Promise<ListContributionsResult> {
  const contributor = parameters.contributor ? requireAddress(parameters.contributor, "contributor") : undefined;
  const filter = tributary.registry.filters.ContributionRegistered(undefined, contributor);
  const logs = await withRetry("eth_getLogs ContributionRegistered", () =>
    tributary.registry.queryFilter(filter, tributary.deployment.deployBlock),
  );
  const views: ContributionView[] = [];
  for (const log of logs) {
    const record = await tributary.registry.contributionOf(log.args.contentHash);
    // A hash freed by rejection, withdrawal or expiry can be registered again under a new id; the
    // older id is then history, visible in the events only.
    if (record.id !== log.args.id) continue;
    const status = CONTRIBUTION_STATUS_NAMES[Number(await tributary.registry.statusOf(log.args.contentHash))] ?? "None";
    if (parameters.status && status !== parameters.status) continue;
    views.push({
      id: log.args.id,
      contributor: log.args.contributor,
      datanetId: log.args.datanetId,
      contentHash: log.args.contentHash,
      uri: log.args.uri,
      status,
    });
  }
  return views;
}

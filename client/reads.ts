import type { TributaryContracts } from "./contracts.js";
import { ContributionStatus } from "./events.js";
import { indexEvents, withRetry, type IndexEventsParameters } from "./indexer.js";
import type { AttributionRecord } from "./records.js";
import { requireAddress, requireEpoch } from "./validation.js";

/** Human-readable contribution statuses, indexed by the registry's enum value. */
export const CONTRIBUTION_STATUS_NAMES = ["None", "Pending", "Accepted", "Rejected", "Withdrawn"] as const;
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

/**
 * Lists contributions, optionally only `contributor`'s, with their current status.
 * @example
 * const mine = await listContributions(tributary, { contributor: await signer.getAddress() });
 */
export async function listContributions(
  tributary: TributaryContracts,
  parameters: { contributor?: string; status?: ContributionStatusName } = {},
): Promise<ContributionView[]> {
  const contributor = parameters.contributor ? requireAddress(parameters.contributor, "contributor") : undefined;
  const filter = tributary.registry.filters.ContributionRegistered(undefined, contributor);
  const logs = await withRetry("eth_getLogs ContributionRegistered", () =>
    tributary.registry.queryFilter(filter, tributary.deployment.deployBlock),
  );
  const views: ContributionView[] = [];
  for (const log of logs) {
    const record = await tributary.registry.contributionOf(log.args.contentHash);
    const status = CONTRIBUTION_STATUS_NAMES[Number(record.status)] ?? "None";
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

/** Lists contributions still waiting for votes. */
export async function listPendingContributions(tributary: TributaryContracts): Promise<ContributionView[]> {
  return listContributions(tributary, { status: "Pending" });
}

/** An epoch as a dapp shows it. */
export interface EpochView {
  epoch: bigint;
  funded: bigint;
  state: "open" | "closed" | "pending" | "active";
  root?: string;
  activatesAt?: bigint;
}

/** Funding and settlement state of `epoch`. */
export async function readEpoch(
  tributary: TributaryContracts,
  epochInput: bigint | number | string,
): Promise<EpochView> {
  const epoch = requireEpoch(epochInput);
  const { distributor } = tributary;
  const [funded, current, next, latest] = await Promise.all([
    distributor.fundedInEpoch(epoch),
    distributor.currentEpoch(),
    distributor.nextEpochToSettle(),
    distributor.latestSettlement(),
  ]);
  if (epoch >= current) return { epoch, funded, state: "open" };
  if (epoch >= next) return { epoch, funded, state: "closed" };
  const [settlement, pending] = latest;
  if (settlement.epoch === epoch) {
    return {
      epoch,
      funded,
      state: pending ? "pending" : "active",
      root: settlement.root,
      activatesAt: settlement.activatesAt,
    };
  }
  return { epoch, funded, state: "active" };
}

/** Status name of the contribution registered under `contentHash`. */
export async function contributionStatus(
  tributary: TributaryContracts,
  contentHash: string,
): Promise<ContributionStatusName> {
  const record = await tributary.registry.contributionOf(contentHash);
  return CONTRIBUTION_STATUS_NAMES[Number(record.status)] ?? "None";
}

export { ContributionStatus };

/** An attribution batch as the ledger's events describe it. */
export interface AttributionBatchView {
  batchId: bigint;
  proposer: string;
  proposedEpoch: bigint;
  status: "Pending" | "Final" | "Rejected" | "Expired";
  /** The epoch it became Final or Rejected in, if it did. */
  decidedEpoch?: bigint;
  records: AttributionRecord[];
}

const BATCH_STATUS_NAMES = ["None", "Pending", "Final", "Rejected", "Expired"] as const;

/**
 * Lists attribution batches with their records, rebuilt from events alone, and each batch's
 * current status (Expired once its window has passed undecided).
 * @example
 * const finals = (await listAttributionBatches(tributary)).filter((b) => b.status === "Final");
 */
export async function listAttributionBatches(
  tributary: TributaryContracts,
  parameters: { index?: IndexEventsParameters } = {},
): Promise<AttributionBatchView[]> {
  const { events } = await indexEvents(tributary, parameters.index);
  const decided = new Map<bigint, bigint>();
  for (const e of events) if (e.kind === "BatchDecided") decided.set(e.batchId, e.epoch);
  const batches: AttributionBatchView[] = [];
  for (const e of events) {
    if (e.kind !== "BatchProposed") continue;
    const status =
      BATCH_STATUS_NAMES[Number(await withRetry("batchStatus", () => tributary.ledger.batchStatus(e.batchId)))];
    const decidedEpoch = decided.get(e.batchId);
    batches.push({
      batchId: e.batchId,
      proposer: e.proposer,
      proposedEpoch: e.epoch,
      status: status === "None" ? "Pending" : status!,
      ...(decidedEpoch === undefined ? {} : { decidedEpoch }),
      records: e.records,
    });
  }
  return batches;
}

import type { TributaryContracts } from "../chain/contracts.js";
import { listContributions, type ContributionView } from "./listContributions.js";

/** {@link listPendingContributions} takes no parameters. */
export type ListPendingContributionsParameters = Record<string, never>;

/** Contributions still waiting for votes. */
export type ListPendingContributionsResult = ContributionView[];

/**
 * Lists contributions still waiting for votes.
 * @throws {RpcError} the node kept failing the log query.
 */
export async function listPendingContributions(
  tributary: TributaryContracts,
  _parameters: ListPendingContributionsParameters = {},
): Promise<ListPendingContributionsResult> {
  return listContributions(tributary, { status: "Pending" });
}

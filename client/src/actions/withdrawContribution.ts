import type { TributaryContracts } from "../chain/contracts.js";
import { wrapCall } from "../chain/calls.js";
import { requireBytes32 } from "../rules/validation.js";

/** Parameters of {@link withdrawContribution}. */
export interface WithdrawContributionParameters {
  /** The content hash the signer registered. */
  contentHash: string;
}

/** The transaction's hash. */
export type WithdrawContributionResult = string;

/**
 * Withdraws a Pending contribution of the signer's, named by its content hash.
 * @example
 * await withdrawContribution(asContributor, { contentHash });
 * @throws {InvalidInputError} the content hash is not 32 bytes of hex.
 * @throws {ContractRevertError} the registry refused (not the contributor, not Pending).
 */
export async function withdrawContribution(
  tributary: TributaryContracts,
  parameters: WithdrawContributionParameters,
): Promise<WithdrawContributionResult> {
  const hash = requireBytes32(parameters.contentHash, "content hash");
  return wrapCall(
    "withdrawContribution",
    async () => (await (await tributary.registry.withdrawContribution(hash)).wait())!.hash,
  );
}

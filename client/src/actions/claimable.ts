import type { TributaryContracts } from "../chain/contracts.js";
import { SettlementError } from "../rules/errors.js";
import { loadArtifactTree, tokensOf } from "../rules/proof.js";
import type { SettlementArtifact } from "../rules/artifact.js";
import { requireAddress } from "../rules/validation.js";
import { prepareKeccak } from "../rules/merkle.js";

/** Parameters of {@link claimable}. */
export interface ClaimableParameters {
  /** The artifact of the active settlement. */
  artifact: SettlementArtifact;
  account: string;
}

/** Claimable amounts per token (checksummed, in allowlist order); tokens with nothing left are left out. */
export type ClaimableResult = Map<string, bigint>;

/**
 * What `account` can claim now against the active root, per token (checksummed, in allowlist order),
 * given the artifact of that root. Tokens it has nothing left in are left out.
 * @example
 * const owed = await claimable(tributary, { artifact, account });
 * @throws {InvalidInputError} a malformed account, or an artifact whose tree does not load.
 * @throws {SettlementError} the artifact is not the one of the active root.
 */
export async function claimable(
  tributary: TributaryContracts,
  parameters: ClaimableParameters,
): Promise<ClaimableResult> {
  const { artifact } = parameters;
  const account = requireAddress(parameters.account, "account");
  const active = await tributary.distributor.activeSettlement();
  if (active.root.toLowerCase() !== artifact.metadata.root.toLowerCase()) {
    throw new SettlementError(`the artifact's root ${artifact.metadata.root} is not the active root ${active.root}`);
  }
  const out = new Map<string, bigint>();
  await prepareKeccak();
  const tree = loadArtifactTree(artifact);
  for (const token of tokensOf(artifact, account)) {
    const entitled = tree.amountOf(account, token) ?? 0n;
    const claimed = await tributary.distributor.claimedOf(account, token);
    if (entitled > claimed) out.set(token, entitled - claimed);
  }
  return out;
}

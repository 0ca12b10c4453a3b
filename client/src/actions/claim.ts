import type { TributaryContracts } from "../chain/contracts.js";
import { wrapCall } from "../chain/calls.js";
import type { SettlementArtifact } from "../rules/artifact.js";
import { proofFromArtifact, type ProofResult } from "../rules/proof.js";
import { prepareKeccak } from "../rules/merkle.js";

/** Parameters of {@link claim}: an artifact and a leaf of it, or an entitlement already proven. */
export type ClaimParameters = ClaimFromArtifactParameters | ClaimEntitlementParameters;

/** Claims a leaf of an artifact. */
export interface ClaimFromArtifactParameters {
  /** The artifact of the active settlement. */
  artifact: SettlementArtifact;
  /** Whose entitlement to claim; anyone may send the claim. */
  account: string;
  /** The token to claim in. */
  token: string;
}

/** Claims an entitlement with its proof, such as a reward `fetchRewards` verified against the chain. */
export interface ClaimEntitlementParameters {
  entitlement: Pick<ProofResult, "account" | "token" | "cumulativeAmount" | "proof">;
}

/** What {@link claim} produced. */
export interface ClaimResult {
  /** Paid out by this claim, in `token`'s smallest unit. */
  paid: bigint;
  transaction: string;
}

/**
 * Claims `account`'s entitlement in `token` (anyone may send it) against the active root, using its
 * artifact, or an entitlement with its proof. To claim every token at once, use `claimMany`.
 * @example
 * const { paid } = await claim(tributary, { artifact, account, token });
 * const [reward] = (await fetchRewards(tributary, { apiUrl, account })).rewards;
 * await claim(tributary, { entitlement: reward });
 * @throws {InvalidInputError} a malformed account or token, or an artifact whose tree does not load.
 * @throws {NotFoundError} the account has no leaf in `token` in this artifact.
 * @throws {ContractRevertError} the distributor refused the claim (e.g. `InvalidProof` against another root).
 */
export async function claim(tributary: TributaryContracts, parameters: ClaimParameters): Promise<ClaimResult> {
  let request: ClaimEntitlementParameters["entitlement"];
  if ("entitlement" in parameters) {
    request = parameters.entitlement;
  } else {
    await prepareKeccak();
    request = proofFromArtifact(parameters.artifact, parameters.account, parameters.token);
  }
  const receipt = await wrapCall(
    `claim ${request.token} for ${request.account}`,
    async () =>
      (await (
        await tributary.distributor.claim(request.account, request.token, request.cumulativeAmount, request.proof)
      ).wait())!,
  );
  let paid = 0n;
  for (const log of receipt.logs) {
    const parsed = tributary.distributor.interface.parseLog(log);
    if (parsed?.name === "Claimed") paid += parsed.args.amount as bigint;
  }
  return { paid, transaction: receipt.hash };
}

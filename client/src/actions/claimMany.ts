import type { TributaryContracts } from "../chain/contracts.js";
import { InvalidInputError } from "../rules/errors.js";
import { wrapCall } from "../chain/calls.js";
import type { SettlementArtifact } from "../rules/artifact.js";
import { proofFromArtifact, tokensOf } from "../rules/proof.js";
import { requireAddress } from "../rules/validation.js";
import { prepareKeccak } from "../rules/merkle.js";

/** One claim of {@link claimMany}: an account, and a token or (by default) every token it is owed. */
export interface ClaimManyRequest {
  account: string;
  token?: string;
}

/** Parameters of {@link claimMany}. */
export interface ClaimManyParameters {
  /** The artifact of the active settlement. */
  artifact: SettlementArtifact;
  /** Accounts (every token each is owed) or account-and-token requests. */
  requests: (string | ClaimManyRequest)[];
}

/** What {@link claimMany} produced: amounts paid per token (checksummed), and the transaction. */
export interface ClaimManyResult {
  paid: Map<string, bigint>;
  transaction: string;
}

/**
 * Claims for many accounts and tokens in one transaction. A request without a token claims every
 * token the account has a leaf in. Requests with nothing left are skipped by the contract.
 * @example
 * const { paid } = await claimMany(tributary, { artifact, requests: [alice, { account: bob, token: usdc }] });
 * @throws {InvalidInputError} a malformed account or token, or no request names a leaf of the artifact.
 * @throws {NotFoundError} a request names a token the account has no leaf in.
 * @throws {ContractRevertError} the distributor refused the batch.
 */
export async function claimMany(
  tributary: TributaryContracts,
  parameters: ClaimManyParameters,
): Promise<ClaimManyResult> {
  const { artifact } = parameters;
  await prepareKeccak();
  const requests = parameters.requests.flatMap((input) => {
    const request = typeof input === "string" ? { account: input } : input;
    const tokens = request.token ? [requireAddress(request.token, "token")] : tokensOf(artifact, request.account);
    return tokens.map((token) => {
      const p = proofFromArtifact(artifact, request.account, token);
      return { account: p.account, token: p.token, cumulativeAmount: p.cumulativeAmount, proof: p.proof };
    });
  });
  if (requests.length === 0) throw new InvalidInputError("nothing to claim: no request names a leaf of this artifact");
  const receipt = await wrapCall(
    "claimMany",
    async () => (await (await tributary.distributor.claimMany(requests)).wait())!,
  );
  const paid = new Map<string, bigint>();
  for (const log of receipt.logs) {
    const parsed = tributary.distributor.interface.parseLog(log);
    if (parsed?.name === "Claimed") {
      const token = requireAddress(parsed.args.token as string);
      paid.set(token, (paid.get(token) ?? 0n) + (parsed.args.amount as bigint));
    }
  }
  return { paid, transaction: receipt.hash };
}

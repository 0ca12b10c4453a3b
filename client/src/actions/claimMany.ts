import type { TributaryContracts } from "./contracts.js";
import { InvalidInputError, wrapCall } from "./errors.js";
import type { SettlementArtifact } from "./store.js";
import { proofFromArtifact, tokensOf } from "./proof.js";
import { requireAddress } from "./validation.js";

/** One claim of {@link claimMany}: an account, and a token or (by default) every token it is owed. */
export interface ClaimManyRequest {
  account: string;
  token?: string;
}

/**
 * Claims for many accounts and tokens in one transaction. A request without a token claims every
 * token the account has a leaf in. Requests with nothing left are skipped by the contract.
 * @returns Tokens paid per token (checksummed), and the transaction.
 */
export async function claimMany(
  tributary: TributaryContracts,
  artifact: SettlementArtifact,
  requestsInput: (string | ClaimManyRequest)[],
): Promise<{ paid: Map<string, bigint>; transaction: string }> {
  const requests = requestsInput.flatMap((input) => {
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

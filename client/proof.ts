import { NotFoundError } from "./errors.js";
import { SettlementTree } from "./merkle.js";
import type { SettlementArtifact } from "./store.js";
import { requireAddress } from "./validation.js";

/** An account's claim data in one token, from an artifact. */
export interface ProofResult {
  account: string;
  token: string;
  cumulativeAmount: bigint;
  proof: string[];
  root: string;
}
/** The Merkle proof of `account`'s entitlement in `token` in a settlement artifact. */
export function proofFromArtifact(artifact: SettlementArtifact, accountInput: string, tokenInput: string): ProofResult {
  const account = requireAddress(accountInput, "account");
  const token = requireAddress(tokenInput, "token");
  const tree = SettlementTree.load(artifact);
  const cumulativeAmount = tree.amountOf(account, token);
  if (cumulativeAmount === undefined)
    throw new NotFoundError(`${account} has no entitlement in token ${token} in epoch ${artifact.metadata.epoch}`);
  return { account, token, cumulativeAmount, proof: tree.getProof(account, token), root: tree.root };
}

/** The tokens `account` has a leaf in, in artifact order. */
export function tokensOf(artifact: SettlementArtifact, accountInput: string): string[] {
  const account = requireAddress(accountInput, "account").toLowerCase();
  return artifact.values.filter((v) => v.value[0].toLowerCase() === account).map((v) => requireAddress(v.value[1]));
}

import { NotFoundError } from "./errors.js";
import { SettlementTree } from "./merkle.js";
import type { SettlementArtifact } from "./store.js";
import { requireAddress } from "./validation.js";

/** An account's claim data from an artifact. */
export interface ProofResult {
  account: string;
  cumulativeAmount: bigint;
  proof: string[];
  root: string;
}
/** The Merkle proof of `account` in a settlement artifact. */
export function proofFromArtifact(artifact: SettlementArtifact, accountInput: string): ProofResult {
  const account = requireAddress(accountInput, "account");
  const tree = SettlementTree.load(artifact);
  const cumulativeAmount = tree.amountOf(account);
  if (cumulativeAmount === undefined)
    throw new NotFoundError(`${account} has no entitlement in epoch ${artifact.metadata.epoch}`);
  return { account, cumulativeAmount, proof: tree.getProof(account), root: tree.root };
}

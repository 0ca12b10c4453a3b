import { NotFoundError } from "./errors.js";
import { SettlementTree } from "./merkle.js";
import type { SettlementArtifact } from "./artifact.js";
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
  return proofFromTree(loadArtifactTree(artifact), artifact, accountInput, tokenInput);
}

/** Loaded trees, per artifact object: loading rehashes every leaf, so it is done once per artifact. */
const loadedTrees = new WeakMap<SettlementArtifact, SettlementTree>();

/** The artifact's tree, validated and loaded once per artifact object. */
export function loadArtifactTree(artifact: SettlementArtifact): SettlementTree {
  let tree = loadedTrees.get(artifact);
  if (!tree) {
    tree = SettlementTree.load(artifact);
    loadedTrees.set(artifact, tree);
  }
  return tree;
}

function proofFromTree(
  tree: SettlementTree,
  artifact: SettlementArtifact,
  accountInput: string,
  tokenInput: string,
): ProofResult {
  const account = requireAddress(accountInput, "account");
  const token = requireAddress(tokenInput, "token");
  const cumulativeAmount = tree.amountOf(account, token);
  if (cumulativeAmount === undefined)
    throw new NotFoundError(`${account} has no entitlement in token ${token} in epoch ${artifact.metadata.epoch}`);
  return { account, token, cumulativeAmount, proof: tree.getProof(account, token), root: tree.root };
}

/**
 * The tokens `account` has a leaf in, in allowlist order when the artifact's metadata lists its
 * tokens (every artifact `settle` writes does), else in leaf order.
 */
export function tokensOf(artifact: SettlementArtifact, accountInput: string): string[] {
  const account = requireAddress(accountInput, "account").toLowerCase();
  const tokens = artifact.values
    .filter((v) => v.value[0].toLowerCase() === account)
    .map((v) => requireAddress(v.value[1]));
  const order = new Map((artifact.metadata?.tokens ?? []).map((t) => [t.token.toLowerCase(), t.index] as const));
  return tokens.sort((a, b) => (order.get(a.toLowerCase()) ?? Infinity) - (order.get(b.toLowerCase()) ?? Infinity));
}

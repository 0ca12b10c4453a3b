import type { StandardTreeDump } from "./merkle.js";

/** Progress of one epoch's settlement, persisted after every step so `settle` can resume. */
export interface SettleJournal {
  version: 1;
  epoch: string;
  chainId: string;
  distributor: string;
  root: string;
  /** Signed totals per covered token, in allowlist order. */
  cumulativeTotals: string[];
  /** The artifact's content address, which validators sign. */
  dataUri: string;
  /** The artifact's `metadata.attempt`, when settled again after a veto. */
  attempt?: number;
  /** Validators' signatures over `deadline`, sorted by signer address. */
  signatures?: { deadline: string; signers: string[]; signatures: string[] };
  /** The submission: the nonce it was sent with makes at most one of its sends land. */
  submission?: { from: string; nonce: number; txHash?: string };
}

/** Per-(account, token) line of an artifact. */
export interface ArtifactAmount {
  account: string;
  token: string;
  /** Owed in `token` for this epoch (all roles and pools summed). */
  amount: string;
  /** Cumulative entitlement in `token` through this epoch. */
  cumulativeAmount: string;
  roles: ("contributor" | "validator" | "treasury" | "refund")[];
}

/** One token's line of an artifact: its signed total and how it reconciles. */
export interface ArtifactToken {
  token: string;
  index: number;
  cumulativeTotal: string;
  fundedThrough: string;
  carryOut: string;
}

/** One pool's allocation in the artifact's epoch. */
export interface ArtifactPool {
  poolId: string;
  owner: string;
  token: string;
  datanets: string[];
  funded: string;
  carryIn: string;
  fee: string;
  distributable: string;
  validatorPool: string;
  contributorPool: string;
  paid: string;
  refund: string;
  carryOut: string;
  recordCount: number;
  idleEpochs: number;
}

/**
 * Metadata stored next to the tree in a settlement artifact. It holds nothing known only after
 * signing (the data URI is the artifact's own content address, see `artifactDataUri`).
 */
export interface SettlementMetadata {
  epoch: string;
  chainId: string;
  distributor: string;
  root: string;
  /**
   * Present (≥ 2) only when the epoch is settled again after governance vetoed its earlier
   * settlements: the same root then has other content, so another data URI.
   */
  attempt?: number;
  /** The treasury of the epoch's allocation parameters; empty when no pool exists yet. */
  treasury: string;
  /** Covered tokens in allowlist order; their totals are the signed `cumulativeTotals`. */
  tokens: ArtifactToken[];
  pools: ArtifactPool[];
  amounts: ArtifactAmount[];
}

/**
 * A settlement artifact: an OpenZeppelin `standard-v1` tree dump (so `StandardMerkleTree.load`
 * reads it as is) with a `metadata` member.
 */
export type SettlementArtifact = StandardTreeDump & { metadata: SettlementMetadata };

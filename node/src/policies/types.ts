/**
 * Vote and attest policies (docs/policies.md): what a validator node decides about a Pending
 * contribution and a Pending attribution batch. A policy only decides; the duties in voting.ts read the
 * chain, skip what this validator cannot or need not vote on, and send the transactions.
 */
import type { Logger } from "pino";
import type { AttributionBatchView, AttributionRecord, TributaryContracts } from "../../../client/index.js";

/**
 * The only content-hash rule of the suite (docs/content-hash.md): a file hashes as
 * `keccak256(0x00 ‖ bytes)`, a directory as `keccak256(0x01 ‖ …)`. The registry stores no rule per
 * datanet; the field lets a policy abstain on a rule it does not know if a datanet can ever declare one.
 */
export const CONTENT_HASH_RULE = "tributary-content-hash-v1";

/** A Pending contribution, as the policy sees it. */
export interface ContributionInput {
  id: bigint;
  contributor: string;
  datanetId: bigint;
  /** 0x-prefixed, lowercase. */
  contentHash: string;
  /** Where the content can be fetched, as the contributor registered it (emitted, never checked on chain). */
  uri: string;
  /** The content-hash rule the datanet uses: {@link CONTENT_HASH_RULE} for every datanet today. */
  hashRule: string;
  /** Registration time (unix seconds); the vote's snapshot is the second before. */
  registeredAt: bigint;
  /** Votes are refused from this time (unix seconds) on. */
  closesAt: bigint;
}

/** A Pending attribution batch, as the policy sees it. */
export interface BatchInput {
  batchId: bigint;
  proposer: string;
  /** The epoch it was proposed in. */
  epoch: bigint;
  records: AttributionRecord[];
}

/** What every decision is given besides the item. */
export interface PolicyContext {
  /** The suite, bound to a provider: reads only. */
  tributary: TributaryContracts;
  /** This node's validator address. */
  validator: string;
}

/** What a batch decision is given: the batches on chain, as this step read them. */
export interface BatchContext extends PolicyContext {
  /** Every batch proposed so far, with its status (Pending, Final, Rejected or Expired). */
  batches: readonly AttributionBatchView[];
  /** Pending batches this validator proposed or supported, including those supported earlier in this step. */
  supported: ReadonlySet<bigint>;
}

export type ContributionDecision = "accept" | "reject" | "abstain";
export type BatchDecision = "support" | "oppose" | "abstain";

/** A decision and why, in a sentence an operator reads in the node's log. */
export interface Verdict<D extends string> {
  decision: D;
  reason: string;
}

/** Decides how this validator votes on a Pending contribution. */
export interface ContributionPolicy {
  /**
   * `accept` or `reject` casts the vote; `abstain` casts nothing, and the duty asks again after a while.
   * Should not throw: a throw is logged and counted as an abstention.
   */
  decide(contribution: ContributionInput, context: PolicyContext): Promise<Verdict<ContributionDecision>>;
}

/** Decides how this validator attests a Pending attribution batch it did not propose. */
export interface BatchPolicy {
  /**
   * `support` or `oppose` casts the attestation; `abstain` casts nothing, and the duty asks again after
   * a while. Should not throw: a throw is logged and counted as an abstention.
   */
  decide(batch: BatchInput, context: BatchContext): Promise<Verdict<BatchDecision>>;
}

/** What a policy module's factory is given. */
export interface PolicyOptions {
  /** Reads only. */
  tributary: TributaryContracts;
  /** A child logger for the policy. */
  log: Logger;
  /** Gateway for `ipfs://` URIs, ending in `/` (e.g. `https://ipfs.io/ipfs/`); absent to abstain on them. */
  ipfsGateway?: string;
  /** Milliseconds one fetch may take. Default 10 000. */
  fetchTimeoutMs?: number;
  /** Largest content fetched, in bytes. Default 64 MiB. */
  maxContentBytes?: number;
}

export type ContributionPolicyFactory = (options: PolicyOptions) => ContributionPolicy | Promise<ContributionPolicy>;
export type BatchPolicyFactory = (options: PolicyOptions) => BatchPolicy | Promise<BatchPolicy>;

/** The two policies a node runs. */
export interface Policies {
  contribution: ContributionPolicy;
  batch: BatchPolicy;
}

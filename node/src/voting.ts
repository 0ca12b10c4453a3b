/**
 * The vote and attest duty: each step lists the Pending contributions and batches, leaves out what this
 * validator already voted on, cannot vote on (its own item, no power at the snapshot, window closed) or
 * abstained on a short while ago, asks the policy about the rest, and casts the vote or attestation.
 * The chain is the memory: a restarted node reads `hasVoted` / `hasAttested` before sending, so it never
 * votes twice, and waits while one of its transactions is still in flight.
 */
import type { Signer } from "ethers";
import type { Logger } from "pino";
import { Counter, Gauge, type Registry } from "prom-client";
import {
  attestBatch,
  ContractRevertError,
  listAttributionBatches,
  listPendingContributions,
  vote,
  withRunner,
  type AttributionBatchView,
  type ContributionView,
  type TributaryContracts,
} from "../../client/index.js";
import {
  CONTENT_HASH_RULE,
  type BatchContext,
  type ContributionInput,
  type Policies,
  type PolicyContext,
  type Verdict,
} from "./policies/types.js";

/** Metrics of the vote, attest and propose duties. */
export interface VotingMetrics {
  /** `tributary_node_policy_decisions_total{kind, decision}`: kind contribution|batch. */
  decisions: Counter<"kind" | "decision">;
  /** `tributary_node_votes_cast_total{kind, side}`: side accept|reject|support|oppose. */
  cast: Counter<"kind" | "side">;
  /** `tributary_node_vote_errors_total{kind}`: a vote or attestation that failed to send or was refused. */
  errors: Counter<"kind">;
  /** `tributary_node_batches_proposed_total`: batches the proposal duty proposed. */
  proposals: Counter;
  /** `tributary_node_records_proposed_total`: records in those batches. */
  recordsProposed: Counter;
  /** `tributary_node_inbox_records{state}`: inbox rows by state after the last proposal step. */
  inbox: Gauge<"state">;
}

/**
 * Creates the duties' metrics on `registry` (for example `NodeMetrics.registry`). Call once per registry.
 * @example
 * const votingMetrics = registerVotingMetrics(metrics.registry);
 */
export function registerVotingMetrics(registry: Registry): VotingMetrics {
  const registers = [registry];
  return {
    decisions: new Counter({
      name: "tributary_node_policy_decisions_total",
      help: "Policy decisions on Pending items, by kind (contribution, batch) and decision",
      labelNames: ["kind", "decision"],
      registers,
    }),
    cast: new Counter({
      name: "tributary_node_votes_cast_total",
      help: "Votes and attestations this node sent and the chain counted, by kind and side",
      labelNames: ["kind", "side"],
      registers,
    }),
    errors: new Counter({
      name: "tributary_node_vote_errors_total",
      help: "Votes and attestations that failed to send or that the chain refused, by kind",
      labelNames: ["kind"],
      registers,
    }),
    proposals: new Counter({
      name: "tributary_node_batches_proposed_total",
      help: "Attribution batches this node proposed from its record inbox",
      registers,
    }),
    recordsProposed: new Counter({
      name: "tributary_node_records_proposed_total",
      help: "Attribution records this node proposed from its record inbox",
      registers,
    }),
    inbox: new Gauge({
      name: "tributary_node_inbox_records",
      help: "Rows of the record inbox by state (queued, proposed, duplicate, invalid)",
      labelNames: ["state"],
      registers,
    }),
  };
}

export interface VotingDutyOptions {
  /** The suite bound to a provider: reads. */
  tributary: TributaryContracts;
  /** The node's one validator key: it signs the votes and attestations. */
  validator: Signer;
  policies: Policies;
  log: Logger;
  metrics?: VotingMetrics;
  /** How long an abstention stands before the policy is asked again, in ms. Default 5 minutes. */
  abstainRetryMs?: number;
  /** The clock abstentions are timed by (ms). Default `Date.now`. */
  now?: () => number;
}

/** What one step did. */
export interface VotingStepReport {
  votes: { id: bigint; contentHash: string; accept: boolean; transaction: string }[];
  attestations: { batchId: bigint; support: boolean; transaction: string }[];
  abstentions: number;
  errors: number;
  /** Set when the step did nothing because a transaction of this validator is still in flight. */
  waiting?: string;
}

const DEFAULT_ABSTAIN_RETRY_MS = 5 * 60_000;
/** Refusals after which the item needs no further attempt from this validator. */
const FINAL_REFUSALS = new Set([
  "AlreadyVoted",
  "AlreadyAttested",
  "VotingClosed",
  "BatchExpired",
  "NoVotingPower",
  "SelfVote",
  "ContributionNotPending",
  "BatchNotPending",
]);

export class VotingDuty {
  /** Items (`c<id>`, `b<id>`) abstained on, with the time the policy may be asked again. */
  private readonly abstained = new Map<string, number>();
  /** Items this validator voted on or can never vote on; the chain says so too, this saves the reads. */
  private readonly done = new Set<string>();
  private address?: string;

  constructor(private readonly o: VotingDutyOptions) {}

  /** One pass over the Pending contributions, then the Pending batches. */
  async step(): Promise<VotingStepReport> {
    const report: VotingStepReport = { votes: [], attestations: [], abstentions: 0, errors: 0 };
    const me = (this.address ??= await this.o.validator.getAddress());
    const waiting = await inFlight(this.o.validator, me);
    if (waiting) {
      this.o.log.info({ validator: me }, waiting);
      return { ...report, waiting };
    }
    const now = this.o.now ?? Date.now;
    for (const [key, until] of this.abstained) if (until <= now()) this.abstained.delete(key);
    const context: PolicyContext = { tributary: this.o.tributary, validator: me };

    for (const contribution of await listPendingContributions(this.o.tributary)) {
      await this.contribution(contribution, context, report);
    }

    const batches = await listAttributionBatches(this.o.tributary, { index: { confirmations: 0 } });
    const supported = await this.supportedBatches(me, batches);
    const batchContext: BatchContext = { ...context, batches, supported };
    for (const batch of batches) {
      if (batch.status !== "Pending") continue;
      if (await this.batch(batch, batchContext, report)) supported.add(batch.batchId);
    }
    return report;
  }

  private async contribution(c: ContributionView, context: PolicyContext, report: VotingStepReport): Promise<void> {
    const { tributary, log, metrics } = this.o;
    const key = `c${c.id}`;
    if (this.done.has(key) || this.abstained.has(key)) return;
    const me = context.validator;
    if (c.contributor.toLowerCase() === me.toLowerCase()) return this.skip(key, "own contribution");
    if (await tributary.registry.hasVoted(c.id, me)) return this.skip(key, "already voted");
    const stored = await tributary.registry.contributionOf(c.contentHash);
    const registeredAt = BigInt(stored.registeredAt);
    const closesAt = registeredAt + (await tributary.registry.VOTING_PERIOD());
    if ((await tributary.staking.stakeAt(me, registeredAt - 1n)) === 0n) {
      return this.skip(key, "no voting power at the snapshot");
    }
    const input: ContributionInput = {
      id: c.id,
      contributor: c.contributor,
      datanetId: c.datanetId,
      contentHash: c.contentHash.toLowerCase(),
      uri: c.uri,
      hashRule: CONTENT_HASH_RULE,
      registeredAt,
      closesAt,
    };
    const verdict = await ask(() => this.o.policies.contribution.decide(input, context));
    metrics?.decisions.inc({ kind: "contribution", decision: verdict.decision });
    const fields = { kind: "contribution", id: String(c.id), contentHash: input.contentHash, uri: c.uri, ...verdict };
    if (verdict.decision === "abstain") {
      this.abstain(key, report);
      log.info(fields, "abstained");
      return;
    }
    const accept = verdict.decision === "accept";
    try {
      const transaction = await vote(withRunner(tributary, this.o.validator), {
        contentHash: input.contentHash,
        accept,
      });
      this.done.add(key);
      metrics?.cast.inc({ kind: "contribution", side: verdict.decision });
      report.votes.push({ id: c.id, contentHash: input.contentHash, accept, transaction });
      log.info({ ...fields, transaction }, "voted");
    } catch (error) {
      this.failed(key, "contribution", fields, error, report);
    }
  }

  /** Returns true when the step sent a supporting attestation. */
  private async batch(b: AttributionBatchView, context: BatchContext, report: VotingStepReport): Promise<boolean> {
    const { tributary, log, metrics } = this.o;
    const key = `b${b.batchId}`;
    if (this.done.has(key) || this.abstained.has(key)) return false;
    const me = context.validator;
    if (b.proposer.toLowerCase() === me.toLowerCase()) return (this.skip(key, "own batch"), false);
    if (await tributary.ledger.hasAttested(b.batchId, me)) return (this.skip(key, "already attested"), false);
    const stored = await tributary.ledger.batches(b.batchId);
    if ((await tributary.staking.stakeAt(me, BigInt(stored.proposedAt) - 1n)) === 0n) {
      return (this.skip(key, "no voting power at the snapshot"), false);
    }
    const input = { batchId: b.batchId, proposer: b.proposer, epoch: b.proposedEpoch, records: b.records };
    const verdict = await ask(() => this.o.policies.batch.decide(input, context));
    metrics?.decisions.inc({ kind: "batch", decision: verdict.decision });
    const fields = { kind: "batch", batchId: String(b.batchId), proposer: b.proposer, ...verdict };
    if (verdict.decision === "abstain") {
      this.abstain(key, report);
      log.info(fields, "abstained");
      return false;
    }
    const support = verdict.decision === "support";
    try {
      const transaction = await attestBatch(withRunner(tributary, this.o.validator), { batchId: b.batchId, support });
      this.done.add(key);
      metrics?.cast.inc({ kind: "batch", side: verdict.decision });
      report.attestations.push({ batchId: b.batchId, support, transaction });
      log.info({ ...fields, transaction }, "attested");
      return support;
    } catch (error) {
      this.failed(key, "batch", fields, error, report);
      return false;
    }
  }

  /** Pending batches this validator proposed or attested in support of, read from the chain. */
  private async supportedBatches(me: string, batches: readonly AttributionBatchView[]): Promise<Set<bigint>> {
    const { ledger, deployment } = this.o.tributary;
    const pending = new Set(batches.filter((b) => b.status === "Pending").map((b) => b.batchId));
    const supported = new Set<bigint>();
    for (const b of batches)
      if (pending.has(b.batchId) && b.proposer.toLowerCase() === me.toLowerCase()) supported.add(b.batchId);
    const logs = await ledger.queryFilter(ledger.filters.BatchAttested(undefined, me), deployment.deployBlock);
    for (const log of logs) if (log.args.support && pending.has(log.args.batchId)) supported.add(log.args.batchId);
    return supported;
  }

  private skip(key: string, why: string): void {
    this.done.add(key);
    this.o.log.debug({ item: key, why }, "not voting");
  }

  private abstain(key: string, report: VotingStepReport): void {
    const now = this.o.now ?? Date.now;
    this.abstained.set(key, now() + (this.o.abstainRetryMs ?? DEFAULT_ABSTAIN_RETRY_MS));
    report.abstentions += 1;
  }

  private failed(
    key: string,
    kind: "contribution" | "batch",
    fields: Record<string, unknown>,
    error: unknown,
    report: VotingStepReport,
  ): void {
    report.errors += 1;
    this.o.metrics?.errors.inc({ kind });
    // A refusal that no retry can change ends the item; anything else (RPC, gas) is retried next poll.
    if (error instanceof ContractRevertError && FINAL_REFUSALS.has(error.errorName)) this.done.add(key);
    this.o.log.warn({ ...fields, err: (error as Error).message }, "vote not cast");
  }
}

/** Asks a policy, turning a throw or a malformed answer into an abstention. */
async function ask<D extends string>(decide: () => Promise<Verdict<D>>): Promise<Verdict<D | "abstain">> {
  try {
    const verdict = await decide();
    if (typeof verdict?.decision !== "string" || typeof verdict.reason !== "string") {
      return { decision: "abstain", reason: "the policy returned no decision and reason" };
    }
    return verdict;
  } catch (error) {
    return { decision: "abstain", reason: `the policy threw: ${(error as Error).message}` };
  }
}

/**
 * A sentence when `signer` has transactions broadcast but not mined: after a crash, a vote or proposal
 * may still be in the mempool, and the chain's views do not show it yet.
 */
export async function inFlight(signer: Signer, address: string): Promise<string | undefined> {
  const provider = signer.provider;
  if (!provider) throw new Error("the validator signer has no provider");
  const [mined, pending] = await Promise.all([
    provider.getTransactionCount(address, "latest"),
    provider.getTransactionCount(address, "pending"),
  ]);
  return pending > mined
    ? `${pending - mined} transaction(s) of ${address} are not mined yet; waiting before voting or proposing`
    : undefined;
}

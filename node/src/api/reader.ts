/**
 * What the rewards API reads: the node's database (the event index, the allocation states and
 * entitlements, the stored artifacts) and, for what only the chain knows now (the active root, the
 * challenge period, claimed amounts), the chain, each cached for a short while. Settled epochs'
 * artifacts and trees never change, so they are kept in memory.
 */
import { getAddress, ZeroHash } from "ethers";
import {
  BatchStatus,
  ContributionStatus,
  SettlementTree,
  challengesOfContribution,
  connectSettlementBoard,
  disputesOfEpoch,
  emptyAllocationState,
  finalOutputIds,
  onChainSettlement,
  prepareKeccak,
  readPublishedSignatures,
  withRetry,
  type AllocationParams,
  type AllocationState,
  type SettlementArtifact,
  type TributaryContracts,
} from "../../../client/index.js";
import type { ArtifactRepository, StoredArtifact } from "../artifactRepository.js";
import type { Database } from "../db.js";
import type { EventIndex } from "../index/eventIndex.js";
import { deserializeEvent } from "../index/codec.js";
import { allocationParamsAt } from "../compute.js";
import { allocateForExplaining, explainAccount, type Explanation } from "./explain.js";

/** `disputed`: pending, and frozen by an open dispute until governance resolves it (docs/disputes.md). */
export type EpochStatus = "open" | "closed-unsettled" | "pending" | "disputed" | "active" | "vetoed";

/** A settlement dispute of an epoch, as the API shows it. */
export interface DisputeView {
  disputeId: string;
  status: string;
  root: string;
  disputers: number;
  bondToken: string;
  totalBonds: string;
  windowEndsAt: string;
  resolveBy: string;
  bounty: string;
}

/** A challenge of a contribution, as the API shows it. */
export interface ChallengeView {
  challengeId: string;
  status: string;
  challenger: string;
  evidenceUri: string;
  openedAt: string;
  closesAt: string;
  bondToken: string;
  bond: string;
}

/** An API error with a stable code and its HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: 400 | 404 | 503,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface ChainView {
  now: bigint;
  currentEpoch: bigint;
  nextEpochToSettle: bigint;
  latest: { epoch: bigint; root: string; pending: boolean; frozen: boolean };
  active: { epoch: bigint; root: string } | undefined;
  tokens: string[];
}

interface Submission {
  epoch: bigint;
  root: string;
  cumulativeTotals: bigint[];
  dataUri: string;
  activatesAt: bigint;
  transactionHash: string;
}

/** An active epoch's tree with every account's leaves, for proofs in O(log n). */
interface LoadedTree {
  epoch: bigint;
  root: string;
  tree: SettlementTree;
  /** By account in lower case. */
  leaves: Map<string, AccountLeaves>;
  /** The 4-byte selector of the distributor's `claim`. */
  claimSelector: string;
  /** The distributor, checksummed: where claims go. */
  distributor: string;
}

/** One account's leaves, in the artifact's token order. */
interface AccountLeaves {
  /** Checksummed. */
  account: string;
  tokens: { token: string; cumulative: bigint }[];
}

export interface EpochSummary {
  epoch: string;
  status: EpochStatus;
  closesAt: string;
  root: string | null;
  activatesAt: string | null;
}

export interface EpochDetail extends EpochSummary {
  totals: { token: string; cumulativeTotal: string }[];
  dataUri: string | null;
  signers: string[];
  submissionTransaction: string | null;
  artifact: boolean;
  /** Every dispute of the epoch's settlements, oldest first. */
  disputes: DisputeView[];
}

export class ApiReader {
  private readonly cache = new Map<string, { at: number; value: Promise<unknown> }>();
  private readonly trees = new Map<bigint, Promise<LoadedTree>>();
  /** Artifacts by epoch, least recently asked for first. */
  private readonly artifactBytes = new Map<bigint, StoredArtifact>();
  private constants?: Promise<{ genesis: bigint; duration: bigint }>;

  constructor(
    private readonly o: {
      tributary: TributaryContracts;
      db: Database;
      index: EventIndex;
      artifacts: ArtifactRepository;
      /** How long live chain reads are reused. Default 2 000 ms. */
      cacheMs?: number;
    },
  ) {}

  /** `fn()`, reused for `ms` (a failure is not kept). */
  private cached<T>(key: string, fn: () => Promise<T>, ms = this.o.cacheMs ?? 2_000): Promise<T> {
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < ms) return hit.value as Promise<T>;
    const value = fn();
    this.cache.set(key, { at: Date.now(), value });
    value.catch(() => this.cache.delete(key));
    if (this.cache.size > 10_000) this.cache.clear();
    return value;
  }

  private chain(): Promise<ChainView> {
    return this.cached("chain", async () => {
      const { distributor } = this.o.tributary;
      this.constants ??= Promise.all([distributor.GENESIS(), distributor.EPOCH_DURATION()]).then(([g, d]) => ({
        genesis: g,
        duration: d,
      }));
      const { genesis, duration } = await this.constants;
      const provider = distributor.runner!.provider!;
      const [block, next, [latest, pending], active, tokens, frozenAt] = await withRetry("api chain view", () =>
        Promise.all([
          provider.getBlock("latest"),
          distributor.nextEpochToSettle(),
          distributor.latestSettlement(),
          distributor.activeSettlement(),
          distributor.tokens(),
          distributor.FROZEN(),
        ]),
      );
      const now = BigInt(block!.timestamp);
      return {
        now,
        currentEpoch: now < genesis ? -1n : (now - genesis) / duration,
        nextEpochToSettle: next,
        latest: { epoch: BigInt(latest.epoch), root: latest.root, pending, frozen: latest.activatesAt === frozenAt },
        active: active.root === ZeroHash ? undefined : { epoch: BigInt(active.epoch), root: active.root },
        tokens: tokens.map((t) => getAddress(t)),
      };
    });
  }

  private async closesAt(epoch: bigint): Promise<bigint> {
    await this.chain();
    const { genesis, duration } = await this.constants!;
    return genesis + (epoch + 1n) * duration;
  }

  /** The standing submission of every settled epoch, and the epochs whose last word was a veto. */
  private settlements(): Promise<{ standing: Map<bigint, Submission>; vetoed: Set<bigint> }> {
    return this.cached("settlements", async () => {
      const view = await this.chain();
      const { rows } = await this.o.db.query<{ body: object; tx_hash: string }>(
        "SELECT body, tx_hash FROM index_events WHERE kind IN ('SettlementSubmitted', 'SettlementVetoed') " +
          "ORDER BY block_number, log_index",
      );
      const standing = new Map<bigint, Submission>();
      const vetoed = new Set<bigint>();
      for (const row of rows) {
        const e = deserializeEvent(row.body);
        if (e.kind === "SettlementSubmitted") {
          standing.set(e.epoch, { ...e, transactionHash: row.tx_hash });
          vetoed.delete(e.epoch);
        } else if (e.kind === "SettlementVetoed") {
          standing.delete(e.epoch);
          vetoed.add(e.epoch);
        }
      }
      // The index holds confirmed blocks only: a settlement that just landed is read from the chain.
      for (let epoch = view.nextEpochToSettle - 1n; epoch >= 0n && !standing.has(epoch); epoch--) {
        const onChain = await onChainSettlement(this.o.tributary, { epoch });
        if (onChain) standing.set(epoch, { epoch, ...onChain });
        vetoed.delete(epoch);
      }
      for (const epoch of standing.keys()) if (epoch >= view.nextEpochToSettle) standing.delete(epoch);
      return { standing, vetoed };
    });
  }

  private async statusOf(epoch: bigint): Promise<{ status: EpochStatus; submission?: Submission }> {
    const view = await this.chain();
    const { standing, vetoed } = await this.settlements();
    const submission = standing.get(epoch);
    if (epoch < view.nextEpochToSettle && submission) {
      const pending = view.latest.pending && view.latest.epoch === epoch;
      const frozen = pending && view.latest.frozen;
      return { status: frozen ? "disputed" : pending ? "pending" : "active", submission };
    }
    if (epoch >= view.currentEpoch) return { status: "open" };
    return { status: vetoed.has(epoch) ? "vetoed" : "closed-unsettled" };
  }

  /** Every epoch from 0 through the current one, from `from`, at most `limit`. */
  async epochs(from: bigint, limit: number) {
    const view = await this.chain();
    const list: EpochSummary[] = [];
    for (let e = from; e <= view.currentEpoch && list.length < limit; e++) list.push(await this.summary(e));
    return {
      currentEpoch: view.currentEpoch.toString(),
      nextEpochToSettle: view.nextEpochToSettle.toString(),
      activeEpoch: view.active ? view.active.epoch.toString() : null,
      epochs: list,
    };
  }

  private async summary(epoch: bigint): Promise<EpochSummary> {
    const { status, submission } = await this.statusOf(epoch);
    return {
      epoch: epoch.toString(),
      status,
      closesAt: (await this.closesAt(epoch)).toString(),
      root: submission?.root ?? null,
      activatesAt: submission ? submission.activatesAt.toString() : null,
    };
  }

  /** @throws {ApiError} 404 for an epoch that has not started. */
  async epoch(epoch: bigint): Promise<EpochDetail> {
    const view = await this.chain();
    if (epoch > view.currentEpoch) {
      throw new ApiError(
        404,
        "EPOCH_NOT_FOUND",
        `epoch ${epoch} has not started (the current epoch is ${view.currentEpoch})`,
      );
    }
    const summary = await this.summary(epoch);
    const { submission } = await this.statusOf(epoch);
    const signers = submission
      ? await this.cached(`signers:${epoch}:${submission.transactionHash}`, () => this.signersOf(submission), 60_000)
      : [];
    return {
      ...summary,
      totals: submission
        ? submission.cumulativeTotals.map((total, i) => ({ token: view.tokens[i]!, cumulativeTotal: total.toString() }))
        : [],
      dataUri: submission?.dataUri ?? null,
      signers,
      submissionTransaction: submission?.transactionHash ?? null,
      artifact: (await this.o.artifacts.describe(epoch)) !== undefined,
      disputes: await this.disputes(epoch),
    };
  }

  /** Every dispute of `epoch`'s settlements, oldest first (none when the suite has no disputes contract). */
  private disputes(epoch: bigint): Promise<DisputeView[]> {
    if (!this.o.tributary.deployment.settlementDisputes) return Promise.resolve([]);
    return this.cached(`disputes:${epoch}`, async () =>
      (await withRetry("api disputes", () => disputesOfEpoch(this.o.tributary, epoch))).map((d) => ({
        disputeId: d.disputeId.toString(),
        status: d.status,
        root: d.root,
        disputers: d.disputerCount,
        bondToken: d.bondToken,
        totalBonds: d.totalBonds.toString(),
        windowEndsAt: d.windowEndsAt.toString(),
        resolveBy: d.resolveBy.toString(),
        bounty: d.bounty.toString(),
      })),
    );
  }

  /** Every challenge of contribution `id`, oldest first, and the epoch it was revoked in, if it was. */
  private challenges(id: bigint): Promise<{ challenges: ChallengeView[]; revokedEpoch: string | null }> {
    const { tributary } = this.o;
    return this.cached(`challenges:${id}`, async () => {
      const revoked = await withRetry("api revocation", () =>
        tributary.registry.queryFilter(
          tributary.registry.filters.ContributionRevoked(id),
          tributary.deployment.deployBlock,
        ),
      );
      const revokedEpoch = revoked[0] ? revoked[0].args.epoch.toString() : null;
      if (!tributary.deployment.contributionChallenges) return { challenges: [], revokedEpoch };
      const list = await withRetry("api challenges", () => challengesOfContribution(tributary, id));
      return {
        revokedEpoch,
        challenges: list.map((c) => ({
          challengeId: c.challengeId.toString(),
          status: c.status,
          challenger: c.challenger,
          evidenceUri: c.evidenceUri,
          openedAt: c.openedAt.toString(),
          closesAt: c.closesAt.toString(),
          bondToken: c.bondToken,
          bond: c.bond.toString(),
        })),
      };
    });
  }

  /** The board's signers of exactly the landed content. */
  private async signersOf(s: Submission): Promise<string[]> {
    const { tributary } = this.o;
    const board = connectSettlementBoard(tributary.deployment.settlementBoard!, tributary.runner);
    const published = await readPublishedSignatures(tributary, board, s.epoch);
    const same = published.filter(
      (p) =>
        p.settlement.root.toLowerCase() === s.root.toLowerCase() &&
        p.settlement.dataUri === s.dataUri &&
        p.settlement.cumulativeTotals.join(",") === s.cumulativeTotals.join(","),
    );
    return [...new Set(same.map((p) => p.signer))].sort();
  }

  /**
   * The stored artifact of `epoch`. The bytes of the last two epochs asked for are kept in memory and
   * served again while the database holds the same ones (same SHA-256 and data URI): an artifact of
   * 100 000 accounts is tens of megabytes, which the database would otherwise send on every request.
   * @throws {ApiError} 404 when the node stored no artifact for the epoch.
   */
  async artifact(epoch: bigint): Promise<StoredArtifact> {
    const described = await this.o.artifacts.describe(epoch);
    const kept = this.artifactBytes.get(epoch);
    if (described && kept && kept.sha256 === described.sha256 && kept.dataUri === described.dataUri) return kept;
    const stored = described && (await this.o.artifacts.get(epoch));
    if (!stored) throw new ApiError(404, "ARTIFACT_NOT_FOUND", `no artifact is stored for epoch ${epoch}`);
    this.artifactBytes.delete(epoch);
    this.artifactBytes.set(epoch, stored);
    for (const old of this.artifactBytes.keys()) if (this.artifactBytes.size > 2) this.artifactBytes.delete(old);
    return stored;
  }

  private loadTree(epoch: bigint, root: string): Promise<LoadedTree> {
    let loading = this.trees.get(epoch);
    if (!loading) {
      loading = (async () => {
        const stored = await this.artifact(epoch);
        const artifact = JSON.parse(Buffer.from(stored.bytes).toString("utf8")) as SettlementArtifact;
        await prepareKeccak();
        const tree = SettlementTree.load(artifact);
        if (tree.root.toLowerCase() !== root.toLowerCase()) {
          throw new ApiError(
            503,
            "ARTIFACT_MISMATCH",
            `the stored artifact of epoch ${epoch} has root ${tree.root}, the chain ${root}`,
          );
        }
        const order = new Map((artifact.metadata?.tokens ?? []).map((t) => [t.token.toLowerCase(), t.index] as const));
        // Checksummed here, once per account and token, rather than on every request.
        const tokens = new Map<string, string>();
        const leaves = new Map<string, AccountLeaves>();
        for (const [account, token, cumulative] of tree.entries()) {
          const key = account.toLowerCase();
          let entry = leaves.get(key);
          if (!entry) leaves.set(key, (entry = { account: getAddress(account), tokens: [] }));
          let checksummed = tokens.get(token);
          if (checksummed === undefined) tokens.set(token, (checksummed = getAddress(token)));
          entry.tokens.push({ token: checksummed, cumulative });
        }
        for (const { tokens: list } of leaves.values()) {
          list.sort((a, b) => (order.get(a.token.toLowerCase()) ?? 0) - (order.get(b.token.toLowerCase()) ?? 0));
        }
        // The claim calldata is encoded by hand (ethers' encoder took most of a request's time): once per
        // tree, it is checked against the ABI's.
        const claim = this.o.tributary.distributor.interface.getFunction("claim")!;
        const [first] = tree.entries();
        if (first) {
          const [account, token, cumulative] = first;
          const proof = tree.getProof(account, token);
          const expected = this.o.tributary.distributor.interface.encodeFunctionData("claim", [
            account,
            token,
            cumulative,
            proof,
          ]);
          if (claimCalldata(claim.selector, account, token, cumulative, proof) !== expected) {
            throw new Error(`internal: the claim calldata encoded here differs from the ABI's (${claim.format()})`);
          }
        }
        return {
          epoch,
          root: tree.root,
          tree,
          leaves,
          claimSelector: claim.selector,
          distributor: getAddress(this.o.tributary.deployment.distributor),
        };
      })();
      loading.catch(() => this.trees.delete(epoch));
      this.trees.set(epoch, loading);
      // Only the active epoch and the one before it are asked for.
      for (const kept of this.trees.keys()) if (kept < epoch - 1n) this.trees.delete(kept);
    }
    return loading;
  }

  /**
   * What the account can claim against the active root, with proofs and ready-to-send calldata.
   * @param anyCaseAccount an address in any case; the answer names it checksummed.
   */
  async rewards(anyCaseAccount: string) {
    const view = await this.chain();
    if (!view.active) return { account: getAddress(anyCaseAccount), activeEpoch: null, activeRoot: null, rewards: [] };
    const loaded = await this.loadTree(view.active.epoch, view.active.root);
    const key = anyCaseAccount.toLowerCase();
    const leaves = loaded.leaves.get(key);
    // Mixed case other than the checksum goes through getAddress, which refuses a wrong checksum.
    const account =
      leaves && (anyCaseAccount === leaves.account || anyCaseAccount === key)
        ? leaves.account
        : getAddress(anyCaseAccount);
    const rewards = [];
    const claimedTotals = await this.claimedTotals();
    for (const { token, cumulative } of leaves?.tokens ?? []) {
      const claimed = claimedTotals.get(`${key}:${token.toLowerCase()}`) ?? 0n;
      const proof = loaded.tree.getProof(account, token);
      rewards.push({
        token,
        cumulative: cumulative.toString(),
        claimed: claimed.toString(),
        claimable: (cumulative > claimed ? cumulative - claimed : 0n).toString(),
        proof,
        claim: { to: loaded.distributor, data: claimCalldata(loaded.claimSelector, account, token, cumulative, proof) },
      });
    }
    return { account, activeEpoch: view.active.epoch.toString(), activeRoot: view.active.root, rewards };
  }

  /**
   * `claimedOf` of every (account, token) that ever claimed, keyed `account:token` in lower case: the sum
   * of their `Claimed` amounts (each claim raises `claimedOf` by its amount), from the index through its
   * cursor and from the chain's logs after it. One query and one `eth_getLogs` per refresh, where reading
   * `claimedOf` per request made every answer wait on an `eth_call`.
   */
  private claimedTotals(): Promise<Map<string, bigint>> {
    return this.cached("claimed", async () => {
      const { distributor, deployment } = this.o.tributary;
      const provider = distributor.runner!.provider!;
      const [indexed, head] = await Promise.all([
        this.o.index.indexedThrough(),
        withRetry("api head", () => provider.getBlockNumber()),
      ]);
      const through = indexed?.number ?? deployment.deployBlock - 1;
      const { rows } = await this.o.db.query<{ account: string; token: string; amount: string }>(
        "SELECT lower(body->>'account') AS account, lower(body->>'token') AS token, " +
          "sum((body->>'amount')::numeric)::text AS amount FROM index_events " +
          "WHERE kind = 'Claimed' AND block_number <= $1 GROUP BY 1, 2",
        [through],
      );
      const totals = new Map<string, bigint>(rows.map((r) => [`${r.account}:${r.token}`, BigInt(r.amount)]));
      if (head > through) {
        const logs = await withRetry("api Claimed logs", () =>
          distributor.queryFilter(distributor.filters.Claimed(), through + 1, head),
        );
        for (const log of logs) {
          const key = `${log.args.account.toLowerCase()}:${log.args.token.toLowerCase()}`;
          totals.set(key, (totals.get(key) ?? 0n) + log.args.amount);
        }
      }
      return totals;
    });
  }

  /** Earned per epoch and token (entitlement deltas), with the roles the artifact lists. */
  async history(account: string) {
    const { rows } = await this.o.db.query<{ epoch: string; token: string; amount: string }>(
      "SELECT epoch::text AS epoch, token, amount::text AS amount FROM entitlements WHERE account = $1 ORDER BY epoch, token",
      [account],
    );
    const previous = new Map<string, bigint>();
    const epochs = new Map<string, { token: string; amount: string; cumulative: string; roles: string[] }[]>();
    for (const row of rows) {
      const cumulative = BigInt(row.amount);
      const earned = cumulative - (previous.get(row.token) ?? 0n);
      previous.set(row.token, cumulative);
      if (earned === 0n) continue;
      const list = epochs.get(row.epoch) ?? [];
      list.push({ token: row.token, amount: earned.toString(), cumulative: row.amount, roles: [] });
      epochs.set(row.epoch, list);
    }
    const out = [];
    for (const [epoch, tokens] of epochs) {
      const roles = await this.rolesOf(BigInt(epoch), account);
      for (const t of tokens) t.roles = roles.get(t.token.toLowerCase()) ?? [];
      out.push({ epoch, status: (await this.statusOf(BigInt(epoch))).status, tokens });
    }
    return { account, epochs: out };
  }

  /** The roles `account` has per token in the stored artifact of `epoch` (none when there is none). */
  private async rolesOf(epoch: bigint, account: string): Promise<Map<string, string[]>> {
    const byAccount = await this.cached(
      `roles:${epoch}`,
      async () => {
        // Parsed once for every account: an artifact of 100 000 accounts is tens of megabytes.
        const out = new Map<string, Map<string, string[]>>();
        const stored = await this.artifact(epoch).catch((error: unknown) => {
          if (error instanceof ApiError && error.statusCode === 404) return undefined;
          throw error;
        });
        if (!stored) return out;
        const artifact = JSON.parse(Buffer.from(stored.bytes).toString("utf8")) as SettlementArtifact;
        for (const a of artifact.metadata.amounts) {
          const key = a.account.toLowerCase();
          let roles = out.get(key);
          if (!roles) out.set(key, (roles = new Map()));
          roles.set(a.token.toLowerCase(), [...a.roles]);
        }
        return out;
      },
      60_000,
    );
    return byAccount.get(account.toLowerCase()) ?? new Map();
  }

  /** @throws {ApiError} 404 for an epoch not closed or not yet computed by the writer node. */
  async explain(account: string, epoch: bigint): Promise<Explanation & { status: EpochStatus }> {
    const { status } = await this.statusOf(epoch);
    if (status === "open") throw new ApiError(404, "EPOCH_OPEN", `epoch ${epoch} has not closed`);
    const stateBefore = await this.stateAfter(epoch - 1n);
    const computed = await this.o.db.query("SELECT 1 FROM allocation_states WHERE epoch = $1", [epoch.toString()]);
    if (!stateBefore || computed.rows.length === 0) {
      throw new ApiError(404, "EPOCH_NOT_COMPUTED", `the node has not computed epoch ${epoch} yet`);
    }
    const keep = status === "active" ? 600_000 : undefined;
    const explanation = await this.cached(
      `explain:${epoch}:${account}`,
      async () => {
        // The epoch's allocation is the same for every account: read and computed once, not per account.
        const allocated = await this.cached(
          `allocated:${epoch}`,
          async () => {
            const slice = await this.o.index.epochSlice(epoch);
            const countedBefore = await this.o.index.previouslyCountedOutputs(epoch, finalOutputIds(slice));
            return allocateForExplaining({
              epoch,
              slice,
              countedBefore,
              params: await this.paramsAt(epoch),
              stateBefore,
            });
          },
          keep,
        );
        return explainAccount(allocated, account);
      },
      keep,
    );
    return { ...explanation, status };
  }

  private paramsAt(epoch: bigint): Promise<AllocationParams> {
    return this.cached(`params:${epoch}`, () => allocationParamsAt(this.o.tributary, epoch));
  }

  /** The carried state after `epoch` (without entitlements, which explaining does not need). */
  private async stateAfter(epoch: bigint): Promise<AllocationState | undefined> {
    if (epoch < 0n) return emptyAllocationState();
    const carried = await this.carried(epoch);
    if (!carried) return undefined;
    return {
      epoch,
      pools: new Map(carried.pools.map(([id, carry, idle]) => [BigInt(id), { carry: BigInt(carry), idle }])),
      fundedByToken: new Map(carried.fundedByToken.map(([token, amount]) => [token, BigInt(amount)])),
      coveredCount: carried.coveredCount,
      cumulative: new Map(),
    };
  }

  private async carried(epoch: bigint): Promise<Carried | undefined> {
    const { rows } = await this.o.db.query<{ carried: Carried | string }>(
      "SELECT carried FROM allocation_states WHERE epoch = $1",
      [epoch.toString()],
    );
    if (!rows[0]) return undefined;
    return typeof rows[0].carried === "string" ? (JSON.parse(rows[0].carried) as Carried) : rows[0].carried;
  }

  /** @throws {ApiError} 404 for an unknown contribution. */
  async contribution(id: bigint) {
    const events = await this.subjectEvents(
      ["ContributionRegistered", "VoteCast", "ContributionDecided", "ContributionWithdrawn", "ContributionExpired"],
      id,
    );
    const registered = events.find((e) => e.kind === "ContributionRegistered");
    if (!registered || registered.kind !== "ContributionRegistered") {
      throw new ApiError(404, "CONTRIBUTION_NOT_FOUND", `contribution ${id} is not indexed`);
    }
    let status = "Pending";
    let decidedEpoch: string | null = null;
    for (const e of events) {
      if (e.kind === "ContributionDecided") {
        status = e.status === ContributionStatus.Accepted ? "Accepted" : "Rejected";
        decidedEpoch = e.epoch.toString();
      } else if (e.kind === "ContributionWithdrawn") status = "Withdrawn";
      else if (e.kind === "ContributionExpired") status = "Expired";
    }
    const { challenges, revokedEpoch } = await this.challenges(id);
    if (revokedEpoch !== null) status = "Revoked";
    const votes = events.flatMap((e) =>
      e.kind === "VoteCast"
        ? [
            {
              validator: getAddress(e.validator),
              accept: e.accept,
              stake: e.stake.toString(),
              epoch: e.epoch.toString(),
            },
          ]
        : [],
    );
    // Earnings: its share of its contributor's amount in every closed epoch that used it.
    const { rows } = await this.o.db.query<{ epoch: string }>(
      `SELECT DISTINCT d.epoch::text AS epoch FROM index_records r
         JOIN index_events d ON d.kind = 'BatchDecided' AND d.subject = r.batch_id
       WHERE r.contribution_id = $1 AND (d.body->>'status')::int = $2 ORDER BY 1`,
      [id.toString(), BatchStatus.Final],
    );
    const earned = new Map<string, bigint>();
    const epochs = [];
    for (const { epoch } of rows) {
      let explanation;
      try {
        explanation = await this.explain(getAddress(registered.contributor), BigInt(epoch));
      } catch (error) {
        if (error instanceof ApiError && error.statusCode === 404) continue;
        throw error;
      }
      const byToken = new Map<string, bigint>();
      for (const pool of explanation.pools) {
        for (const item of pool.contributor?.items ?? []) {
          if (item.contributionId !== id.toString()) continue;
          byToken.set(pool.token, (byToken.get(pool.token) ?? 0n) + BigInt(item.amount));
        }
      }
      for (const [token, amount] of byToken) earned.set(token, (earned.get(token) ?? 0n) + amount);
      epochs.push({
        epoch,
        status: explanation.status,
        earned: [...byToken].map(([token, amount]) => ({ token, amount: amount.toString() })),
      });
    }
    return {
      id: id.toString(),
      contributor: getAddress(registered.contributor),
      datanetId: registered.datanetId.toString(),
      contentHash: registered.contentHash,
      uri: registered.uri,
      status,
      decidedEpoch,
      revokedEpoch,
      challenges,
      votes,
      earnings: [...earned].map(([token, amount]) => ({ token, amount: amount.toString() })),
      epochs,
    };
  }

  /** @throws {ApiError} 404 for an unknown pool. */
  async pool(id: bigint) {
    const events = await this.subjectEvents(["PoolCreated", "Funded"], id);
    const created = events.find((e) => e.kind === "PoolCreated");
    if (!created || created.kind !== "PoolCreated")
      throw new ApiError(404, "POOL_NOT_FOUND", `pool ${id} is not indexed`);
    const funded = new Map<string, bigint>();
    for (const e of events)
      if (e.kind === "Funded") funded.set(e.epoch.toString(), (funded.get(e.epoch.toString()) ?? 0n) + e.amount);
    const { rows } = await this.o.db.query<{ epoch: string; carried: Carried | string }>(
      "SELECT epoch::text AS epoch, carried FROM allocation_states ORDER BY allocation_states.epoch",
    );
    const carry = new Map<string, { carry: string; idle: number }>();
    for (const row of rows) {
      const c = typeof row.carried === "string" ? (JSON.parse(row.carried) as Carried) : row.carried;
      const mine = c.pools.find(([poolId]) => poolId === id.toString());
      if (mine) carry.set(row.epoch, { carry: mine[1], idle: mine[2] });
    }
    const epochs = [...new Set([...funded.keys(), ...carry.keys()])].sort((a, b) => Number(BigInt(a) - BigInt(b)));
    return {
      id: id.toString(),
      owner: getAddress(created.owner),
      token: getAddress(created.token),
      datanets: created.datanets.map(String),
      epochs: epochs.map((epoch) => ({
        epoch,
        funded: (funded.get(epoch) ?? 0n).toString(),
        carryOut: carry.get(epoch)?.carry ?? null,
        idleEpochs: carry.get(epoch)?.idle ?? null,
      })),
    };
  }

  private async subjectEvents(kinds: string[], subject: bigint) {
    const { rows } = await this.o.db.query<{ body: object }>(
      "SELECT body FROM index_events WHERE kind = ANY(string_to_array($1, ',')) AND subject = $2 ORDER BY block_number, log_index",
      [kinds.join(","), subject.toString()],
    );
    return rows.map((r) => deserializeEvent(r.body));
  }
}

/** `claim(account, token, cumulativeAmount, proof)` ABI-encoded after `selector`. */
function claimCalldata(selector: string, account: string, token: string, cumulative: bigint, proof: string[]): string {
  const word = (hex: string) => hex.padStart(64, "0");
  const head = [
    word(account.slice(2)),
    word(token.slice(2)),
    word(cumulative.toString(16)),
    word((4 * 32).toString(16)), // where the proof array starts, after the four head words
    word(proof.length.toString(16)),
  ];
  return (selector + head.join("") + proof.map((node) => node.slice(2)).join("")).toLowerCase();
}

/** The carried part of a stored allocation state (node/src/allocationStore.ts). */
interface Carried {
  pools: [string, string, number][];
  fundedByToken: [string, string][];
  coveredCount: number;
}

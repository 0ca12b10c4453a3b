/**
 * The settlement duty, one step per poll: bring the index up to the confirmed head (rolling back a
 * reorganisation), check the last settlement on chain against this node's own computation (the watch),
 * and when the next epoch to settle has closed at the indexed block, compute its settlement from the
 * index, write the artifact, sign and publish it on the SettlementBoard (validator nodes, behind the
 * signing protection and the pinned allocation parameters), collect the published signatures and submit
 * once a group reaches quorum. Every step can be re-run: nothing is published twice for one digest, and
 * a submission that loses the race stands down.
 */
import { getAddress, keccak256, toUtf8Bytes, type Signer } from "ethers";
import type { Logger } from "pino";
import {
  artifactBytes,
  artifactDataUri,
  buildArtifact,
  collectPublishedSignatures,
  connectSettlementBoard,
  onChainSettlement,
  publishSettlementSignature,
  disputeSettlement,
  settlementData,
  settlementDisputesOf,
  settlementKey,
  submitCollected,
  attemptOf,
  wasVetoed,
  withRetry,
  withRunner,
  type PublishedSettlement,
  type TributaryContracts,
} from "../../client/index.js";
import { FileSettlementStore } from "../../client/node/index.js";
import type { SettlementBoard } from "../../client/src/generated/typechain/index.js";
import type { Alerts } from "./alerts.js";
import type { AllocationStore } from "./allocationStore.js";
import type { ArtifactRepository } from "./artifactRepository.js";
import type { EpochComputer, NodeIndex, NodeSettlement } from "./compute.js";
import type { NodeConfig } from "./config.js";
import type { SigningProtection } from "./protection.js";
import type { NodeMetrics, Readiness } from "./server.js";

export interface DutiesOptions {
  /** Bound to a provider only: reads. */
  tributary: TributaryContracts;
  /** The validator key, or undefined for a keyless node. */
  validator?: Signer;
  /** Who pays submissions: the validator key, or a keyless node's `submitFrom` account. */
  submitter?: Signer;
  protection: SigningProtection;
  metrics: NodeMetrics;
  log: Logger;
  artifactsDir: string;
  confirmations: number;
  signatureLifetimeSeconds: number;
  index: NodeIndex;
  computer: EpochComputer;
  store: AllocationStore;
  /** Where each computed artifact's bytes are kept for the API (and its replicas). */
  artifacts: ArtifactRepository;
  alerts: Alerts;
  expectAllocation: NodeConfig["expectAllocation"];
  /** The largest bond the watch posts to dispute a pending settlement that differs; 0 never disputes. */
  maxDisputeBond: bigint;
  /**
   * Fault injection for tests of the dispute path (`TRIBUTARY_NODE_FAULT=wrong-root`): the node signs a
   * root that is not the one it computed, as a dishonest validator would. Never set in production.
   */
  fault?: "wrong-root";
}

export class Duties {
  private readonly board: SettlementBoard;
  private readonly store: FileSettlementStore;
  /** The settlement computed for the epoch in progress, so a poll does not compute it again. */
  private computed?: NodeSettlement;
  /** The artifact last written: its epoch, the attempt it carries and its data URI. */
  private written?: { epoch: bigint; attempt: number; dataUri: string };
  /** The last on-chain settlement checked by the watch, as `epoch:root`. */
  private watched?: string;
  readonly readiness: Readiness = {
    connected: false,
    deploymentCode: false,
    caughtUp: false,
    detail: "starting",
  };

  constructor(private readonly o: DutiesOptions) {
    const address = o.tributary.deployment.settlementBoard;
    if (!address) throw new Error("the deployment names no settlementBoard; redeploy or add it to deployment.json");
    this.board = connectSettlementBoard(address, o.tributary.runner);
    this.store = new FileSettlementStore(o.artifactsDir);
  }

  /** Checks that the suite's contracts have code on the chain the RPC serves. */
  async checkDeployment(): Promise<void> {
    const provider = this.provider();
    const { deployment } = this.o.tributary;
    const network = await provider.getNetwork();
    this.readiness.connected = true;
    if (network.chainId !== BigInt(deployment.chainId)) {
      throw new Error(`the RPC serves chain ${network.chainId}, the deployment is on chain ${deployment.chainId}`);
    }
    for (const [name, address] of [
      ["distributor", deployment.distributor],
      ["settlementBoard", deployment.settlementBoard!],
    ] as const) {
      if ((await provider.getCode(address)) === "0x") throw new Error(`no contract code at ${name} ${address}`);
    }
    this.readiness.deploymentCode = true;
  }

  /** One step: sync the index, watch the last settlement, then at most one epoch's compute, sign, publish, collect and submit. */
  async step(): Promise<void> {
    const { tributary, log, metrics } = this.o;
    const provider = this.provider();
    const head = await provider.getBlockNumber();
    this.readiness.connected = true;
    metrics.headBlock.set(head);
    const [genesis, duration] = await Promise.all([
      tributary.distributor.GENESIS(),
      tributary.distributor.EPOCH_DURATION(),
    ]);

    // 0. Index the confirmed blocks; a reorganisation below them drops the states it invalidated.
    const synced = await this.o.index.sync(provider, { confirmations: this.o.confirmations });
    metrics.indexedEvents.inc(synced.events);
    if (synced.rolledBackTo !== undefined) {
      metrics.reorgs.inc();
      const kept = await provider.getBlock(synced.rolledBackTo);
      // Epochs that had not closed at the last block kept were computed from blocks that are gone.
      const from = kept ? (BigInt(kept.timestamp) - genesis) / duration : 0n;
      await this.o.store.dropFrom(from < 0n ? 0n : from);
      if (this.computed && this.computed.epoch >= from) this.computed = undefined;
      log.warn(
        { rolledBackTo: synced.rolledBackTo, droppedFromEpoch: Number(from) },
        "reorganisation: index rolled back",
      );
    }
    const indexed = await this.o.index.indexedThrough();
    if (!indexed) {
      this.done("nothing indexed yet", false);
      return;
    }
    metrics.indexedBlock.set(indexed.number);
    metrics.headLag.set(head - indexed.number);
    const closedThrough = (indexed.timestamp - genesis) / duration - 1n; // the last epoch closed at the indexed block
    const next = await tributary.distributor.nextEpochToSettle();
    metrics.lastSettledEpoch.set(Number(next) - 1);

    // 1. Watch: the last settlement on chain must be what this node computes.
    if (next > 0n && next - 1n <= closedThrough) await this.watch(next - 1n);

    if (next > closedThrough) {
      this.done(
        `epoch ${next} closes at ${genesis + (next + 1n) * duration}; indexed block ${indexed.number} at ${indexed.timestamp}`,
      );
      return;
    }
    this.readiness.caughtUp = false;
    this.readiness.detail = `settling epoch ${next}`;

    // 2. Compute from the index (cached per epoch) and write the artifact whose address is signed. After a
    // veto the same root may return, but never under a vetoed data URI: the artifact carries the attempt
    // (vetoes of the epoch + 1), so every node derives the same new content, hence the same address.
    const fresh = this.computed?.epoch !== next;
    if (fresh) this.computed = await this.o.computer.compute(next);
    const attempt = await attemptOf(tributary, {
      epoch: next,
      root: this.computed!.tree.root,
      cumulativeTotals: this.computed!.computation.cumulativeTotals,
    });
    if (fresh) {
      await this.keep(this.computed!, attempt);
    } else if (this.written?.epoch !== next || this.written.attempt !== attempt) {
      const file = await this.writeArtifact(this.computed!, attempt);
      log.info({ epoch: Number(next), attempt, artifact: file, dataUri: this.written!.dataUri }, "artifact written");
    }
    const settlement = this.computed!;
    const content = {
      epoch: next,
      root: this.o.fault === "wrong-root" ? keccak256(settlement.tree.root) : settlement.tree.root,
      cumulativeTotals: settlement.computation.cumulativeTotals,
      dataUri: this.written!.dataUri,
    };

    // 3. Sign and publish (validator nodes whose pinned parameters hold).
    let groups = await collectPublishedSignatures(tributary, this.board, next);
    if (this.o.validator && (await this.paramsAgree(next))) {
      const me = await this.o.validator.getAddress();
      const joined = groups.find((g) => sameContent(g.settlement, content));
      if (joined?.signers.includes(me)) {
        log.debug({ epoch: Number(next), digest: joined.digest }, "already published for this settlement");
      } else {
        const confirmed = await provider.getBlock(indexed.number);
        const deadline =
          joined?.settlement.deadline ??
          BigInt(confirmed?.timestamp ?? indexed.timestamp) + BigInt(this.o.signatureLifetimeSeconds);
        await this.signAndPublish({ ...content, deadline });
        groups = await collectPublishedSignatures(tributary, this.board, next);
      }
    }

    // 4. Collect and submit at quorum.
    const best = groups.find((g) => g.reachesQuorum);
    if (!best) {
      const top = groups[0];
      this.done(
        top
          ? `epoch ${next}: best group ${top.digest} holds ${top.signedStake} of ${top.quorum} stake (${top.signers.length} signers); waiting`
          : `epoch ${next}: no signatures published yet; waiting`,
        true,
      );
      if (top)
        log.info(
          {
            epoch: Number(next),
            signers: top.signers,
            signedStake: String(top.signedStake),
            quorum: String(top.quorum),
          },
          "waiting for quorum",
        );
      return;
    }
    if (!sameContent(best.settlement, content)) {
      this.o.alerts.raise(
        "settlement_mismatch",
        `${next}:${best.digest}`,
        "a quorum signed a settlement this node did not compute; not submitting it",
        {
          epoch: Number(next),
          quorumDigest: best.digest,
          quorumRoot: best.settlement.root,
          quorumTotals: best.settlement.cumulativeTotals.map(String),
          quorumSigners: best.signers,
          ownRoot: content.root,
          ownTotals: content.cumulativeTotals.map(String),
        },
      );
      this.done(`epoch ${next}: the quorum group differs from this node's settlement`, true);
      return;
    }
    if (!this.o.submitter) {
      log.info(
        { epoch: Number(next), digest: best.digest },
        "quorum reached; no account to submit with, waiting for another node",
      );
      this.done(`epoch ${next}: quorum reached, waiting for a submission`, true);
      return;
    }
    if ((await tributary.distributor.nextEpochToSettle()) !== next) {
      log.info({ epoch: Number(next) }, "another node's submission landed; standing down");
      metrics.submissions.inc({ outcome: "stood_down" });
      this.done(`epoch ${next} was submitted by another node`);
      return;
    }
    log.info({ epoch: Number(next), digest: best.digest, signers: best.signers }, "quorum reached; submitting");
    const result = await submitCollected(withRunner(tributary, this.o.submitter), best);
    this.done(`epoch ${next} submitted`);
    if (result.submitted) {
      metrics.submissions.inc({ outcome: "submitted" });
      metrics.lastSettledEpoch.set(Number(next));
      log.info({ epoch: Number(next), transactionHash: result.transactionHash }, "settlement submitted");
    } else {
      metrics.submissions.inc({ outcome: "stood_down" });
      log.info(
        {
          epoch: Number(next),
          reason: result.reason,
          landed: result.landed.transactionHash,
          sameSettlement: result.sameSettlement,
        },
        "another node's submission landed first; standing down",
      );
    }
  }

  /**
   * Writes the artifact of a settlement just computed as settlement `attempt` of its epoch (file and
   * database, for the API), and logs it.
   */
  private async keep(settlement: NodeSettlement, attempt: number): Promise<void> {
    const epoch = settlement.epoch;
    const file = await this.writeArtifact(settlement, attempt);
    this.o.log.info(
      {
        epoch: Number(epoch),
        root: settlement.tree.root,
        totals: settlement.computation.cumulativeTotals.map(String),
        events: settlement.events,
        foldedEpochs: settlement.folded,
        ms: Math.round(settlement.ms),
        artifact: file,
        dataUri: this.written!.dataUri,
      },
      "settlement computed, artifact written",
    );
  }

  /** Compares the settlement on chain for `epoch` with this node's computation; alerts when they differ. */
  private async watch(epoch: bigint): Promise<void> {
    const { tributary, store, alerts, log } = this.o;
    const onChain = await onChainSettlement(tributary, { epoch });
    if (!onChain) return;
    const key = `${epoch}:${onChain.root}:${onChain.transactionHash}`;
    if (this.watched === key) return;
    let own = await store.computed(epoch);
    // A node that starts after an epoch was settled computes it here: its artifact is kept too, since
    // the API proves claims against the active epoch's artifact.
    if (!own || !(await this.o.artifacts.get(epoch))) {
      const settlement = await this.o.computer.compute(epoch);
      const attempt = await attemptOf(tributary, {
        epoch,
        root: settlement.tree.root,
        cumulativeTotals: settlement.computation.cumulativeTotals,
      });
      await this.keep(settlement, attempt);
      own = (await store.computed(epoch))!;
    }
    if (sameContent(onChain, own) || (await this.isLaterAttempt(epoch, onChain, own))) {
      this.watched = key;
      log.debug({ epoch: Number(epoch), root: own.root }, "the settlement on chain is the one this node computes");
      return;
    }
    alerts.raise(
      "settlement_mismatch",
      `${epoch}:${onChain.transactionHash}`,
      "the settlement on chain differs from this node's computation; it can be disputed during its challenge period",
      {
        epoch: Number(epoch),
        onChainRoot: onChain.root,
        onChainTotals: onChain.cumulativeTotals.map(String),
        onChainDataUri: onChain.dataUri,
        activatesAt: String(onChain.activatesAt),
        transactionHash: onChain.transactionHash,
        ownRoot: own.root,
        ownTotals: own.cumulativeTotals.map(String),
        ownDataUri: own.dataUri,
      },
    );
    // The same root and totals under another data URI pays exactly what this node computed: nothing to
    // dispute (only its artifact's address differs). Otherwise: done once no dispute is to be filed (or
    // one was); a failed attempt is retried on the next poll.
    const samePayout =
      onChain.root === own.root &&
      onChain.cumulativeTotals.length === own.cumulativeTotals.length &&
      onChain.cumulativeTotals.every((t, i) => t === own.cumulativeTotals[i]);
    if (samePayout || (await this.dispute(epoch, onChain, own))) this.watched = key;
  }

  /**
   * Disputes the pending settlement of `epoch`, which differs from this node's `own`, with a bond of at
   * most `maxDisputeBond`, or joins its open dispute; the evidence is this node's own artifact. Never
   * disputes a settlement this node signed. Returns false when it should be tried again.
   */
  private async dispute(
    epoch: bigint,
    onChain: { root: string; cumulativeTotals: bigint[]; dataUri: string },
    own: { dataUri: string },
  ): Promise<boolean> {
    const { tributary, log, alerts, metrics, maxDisputeBond } = this.o;
    const disputer = this.o.submitter ?? this.o.validator;
    if (maxDisputeBond === 0n || !disputer || !tributary.deployment.settlementDisputes) return true;
    const signed = await this.o.protection.get(epoch);
    if (signed && signed.root === onChain.root && signed.dataUri === onChain.dataUri) {
      log.warn(
        { epoch: Number(epoch), root: onChain.root },
        "this node signed the settlement on chain; not disputing it",
      );
      return true;
    }
    const [latest, pending] = await tributary.distributor.latestSettlement();
    if (!pending || latest.epoch !== epoch || latest.root !== onChain.root) return true;
    const disputes = settlementDisputesOf(tributary);
    const me = getAddress(await disputer.getAddress());
    const now = BigInt((await this.provider().getBlock("latest"))!.timestamp);
    const openId = await disputes.openDispute();
    const open = openId === 0n ? undefined : await disputes.disputeOf(openId);
    const joining = open !== undefined && open.epoch === epoch && open.root === onChain.root;
    if (joining) {
      const [bonded] = await disputes.bondOf(openId, me);
      if (bonded > 0n || now >= open.windowEndsAt) return true;
    } else if (now >= latest.activatesAt) {
      return true;
    }
    const bond = joining ? open.bondAmount : await disputes.bondAmount();
    if (bond > maxDisputeBond) {
      alerts.raise(
        "dispute_not_filed",
        `${epoch}:${onChain.root}:bond`,
        "the settlement on chain differs from this node's computation, but the dispute bond is above maxDisputeBond",
        { epoch: Number(epoch), bond: String(bond), maxDisputeBond: String(maxDisputeBond) },
      );
      return true;
    }
    try {
      const result = await disputeSettlement(withRunner(tributary, disputer), {
        epoch,
        root: onChain.root,
        evidenceUri: own.dataUri,
        maxBond: maxDisputeBond,
      });
      metrics.disputes.inc({ outcome: joining ? "joined" : "opened" });
      alerts.raise(
        "settlement_disputed",
        `${epoch}:${onChain.root}`,
        joining
          ? "joined the open dispute of the settlement on chain, which differs from this node's computation"
          : "disputed the settlement on chain, which differs from this node's computation: it is frozen until governance resolves the dispute",
        {
          epoch: Number(epoch),
          disputeId: String(result.disputeId),
          bond: String(result.bond),
          bondToken: result.bondToken,
          evidenceUri: own.dataUri,
          transactionHash: result.transactionHash,
        },
      );
      return true;
    } catch (error) {
      alerts.raise(
        "dispute_not_filed",
        `${epoch}:${onChain.root}:failed`,
        "the settlement on chain differs from this node's computation, and disputing it failed; retrying",
        { epoch: Number(epoch), error: error instanceof Error ? error.message : String(error) },
      );
      return false;
    }
  }

  /** Writes the artifact of `settlement` as settlement `attempt` of its epoch; returns the file. */
  private async writeArtifact(settlement: NodeSettlement, attempt: number): Promise<string> {
    const artifact = buildArtifact(this.o.tributary, settlement, { attempt });
    const file = await this.store.writeArtifact(settlementKey(this.o.tributary, settlement.epoch), artifact);
    const dataUri = artifactDataUri(artifact);
    // The database copy serves the API, and API replicas that never see this node's disk.
    await this.o.artifacts.save(settlement.epoch, dataUri, artifactBytes(artifact));
    this.written = { epoch: settlement.epoch, attempt, dataUri };
    return file;
  }

  /**
   * Whether `onChain` is this node's settlement of `epoch` resubmitted after vetoes: same root and
   * totals, and the address of its artifact as one of the attempts the vetoes allow.
   */
  private async isLaterAttempt(
    epoch: bigint,
    onChain: { root: string; cumulativeTotals: readonly bigint[]; dataUri: string },
    own: { root: string; cumulativeTotals: readonly bigint[]; dataUri: string },
  ): Promise<boolean> {
    if (!sameContent({ ...onChain, dataUri: own.dataUri }, own)) return false;
    const latest = await attemptOf(this.o.tributary, { epoch, root: own.root, cumulativeTotals: own.cumulativeTotals });
    if (latest === 1) return false;
    const settlement = await this.o.computer.compute(epoch);
    for (let attempt = 2; attempt <= latest; attempt++) {
      if (artifactDataUri(buildArtifact(this.o.tributary, settlement, { attempt })) === onChain.dataUri) return true;
    }
    return false;
  }

  /** Whether the chain's allocation parameters for `epoch` match the pinned ones; alerts when not. */
  private async paramsAgree(epoch: bigint): Promise<boolean> {
    const expected = this.o.expectAllocation;
    const fields = Object.keys(expected) as (keyof typeof expected)[];
    if (fields.length === 0) return true;
    const actual = await withRetry(`allocationParamsAt(${epoch})`, () =>
      this.o.tributary.distributor.allocationParamsAt(epoch),
    );
    const differing = fields.filter((f) =>
      f === "treasury"
        ? String(expected.treasury).toLowerCase() !== actual.treasury.toLowerCase()
        : expected[f] !== actual[f],
    );
    if (differing.length === 0) return true;
    this.o.alerts.raise(
      "allocation_params_mismatch",
      String(epoch),
      "refusing to sign: the chain's allocation parameters for this epoch differ from the pinned expectAllocation",
      {
        epoch: Number(epoch),
        fields: differing,
        expected: Object.fromEntries(differing.map((f) => [f, String(expected[f])])),
        actual: Object.fromEntries(differing.map((f) => [f, String(actual[f])])),
      },
    );
    this.done(`epoch ${epoch}: allocation parameters differ from expectAllocation; not signing`, true);
    return false;
  }

  private async signAndPublish(settlement: Omit<PublishedSettlement, "dataUriHash">): Promise<void> {
    const { tributary, validator, protection, metrics, log } = this.o;
    const digest = await tributary.distributor.settlementDigest(
      settlementData({ ...settlement, dataUriHash: keccak256(toUtf8Bytes(settlement.dataUri)) }),
    );
    const claim = await protection.claim({ ...settlement, digest });
    let reason: string = claim.allowed ? claim.reason : "after-veto";
    if (!claim.allowed) {
      // Other content was signed for this epoch. That is allowed only when governance vetoed it.
      const superseded =
        (await wasVetoed(tributary, claim.existing)) &&
        (await protection.supersedeVetoed(claim.existing, { ...settlement, digest }));
      if (!superseded) {
        this.o.alerts.raise(
          "conflicting_signature",
          String(settlement.epoch),
          "refusing to sign: this node already signed other content for this epoch (signing both would be equivocation)",
          {
            epoch: Number(settlement.epoch),
            refusedDigest: digest,
            refusedRoot: settlement.root,
            refusedDataUri: settlement.dataUri,
            signedDigest: claim.existing.digest,
            signedRoot: claim.existing.root,
            signedDataUri: claim.existing.dataUri,
            signedAt: claim.existing.signedAt,
          },
        );
        return;
      }
      reason = "after-veto";
      log.warn(
        { epoch: Number(settlement.epoch), vetoedRoot: claim.existing.root, vetoedDataUri: claim.existing.dataUri },
        "governance vetoed what this node signed for the epoch; signing the new settlement",
      );
    }
    log.info(
      { epoch: Number(settlement.epoch), digest, deadline: String(settlement.deadline), protection: reason },
      "signing",
    );
    const board = this.board.connect(validator!) as SettlementBoard;
    const published = await publishSettlementSignature(
      withRunner(tributary, validator!),
      board,
      validator!,
      settlement,
    );
    metrics.signaturesPublished.inc();
    metrics.lastSignedEpoch.set(Number(settlement.epoch));
    log.info(
      { epoch: Number(settlement.epoch), digest, transactionHash: published.transactionHash },
      "signature published",
    );
  }

  private done(detail: string, caughtUp = true): void {
    this.readiness.caughtUp = caughtUp;
    this.readiness.detail = detail;
  }

  private provider() {
    const provider =
      this.o.tributary.runner.provider ?? (this.o.tributary.runner as unknown as import("ethers").Provider);
    return provider as import("ethers").Provider;
  }
}

function sameContent(
  a: { root: string; cumulativeTotals: readonly bigint[]; dataUri: string },
  b: { root: string; cumulativeTotals: readonly bigint[]; dataUri: string },
): boolean {
  return (
    a.root.toLowerCase() === b.root.toLowerCase() &&
    a.dataUri === b.dataUri &&
    a.cumulativeTotals.length === b.cumulativeTotals.length &&
    a.cumulativeTotals.every((t, i) => t === b.cumulativeTotals[i])
  );
}

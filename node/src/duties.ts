/**
 * The duty loop, one step per poll: when the next epoch to settle has closed at the confirmed head,
 * compute its settlement, write the artifact, sign and publish it on the SettlementBoard (validator
 * nodes, behind the signing protection), collect the published signatures and submit once a group
 * reaches quorum. Every step can be re-run: nothing is published twice for one digest, and a submission
 * that loses the race stands down.
 */
import { keccak256, toUtf8Bytes, type Signer } from "ethers";
import type { Logger } from "pino";
import {
  buildArtifact,
  collectPublishedSignatures,
  computeEpochSettlement,
  connectSettlementBoard,
  defaultDataUri,
  publishSettlementSignature,
  settlementData,
  settlementKey,
  submitCollected,
  withRunner,
  type EpochSettlement,
  type PublishedSettlement,
  type TributaryContracts,
} from "../../client/index.js";
import { FileSettlementStore } from "../../client/node/index.js";
import type { SettlementBoard } from "../../client/src/generated/typechain/index.js";
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
}

export class Duties {
  private readonly board: SettlementBoard;
  private readonly store: FileSettlementStore;
  /** The settlement computed for the epoch in progress, so a poll does not rescan the chain again. */
  private computed?: { epoch: bigint; settlement: EpochSettlement; dataUri: string };
  /** Epochs whose conflict was already alerted, so a refusal is counted once per epoch and process. */
  private readonly alerted = new Set<bigint>();
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

  /** One step: at most one epoch's compute, sign, publish, collect and submit. */
  async step(): Promise<void> {
    const { tributary, log, metrics } = this.o;
    const provider = this.provider();
    const head = await provider.getBlockNumber();
    this.readiness.connected = true;
    metrics.headBlock.set(head);
    const confirmed = await provider.getBlock(Math.max(0, head - this.o.confirmations));
    if (!confirmed) throw new Error(`block ${head - this.o.confirmations} not found`);
    const next = await tributary.distributor.nextEpochToSettle();
    metrics.lastSettledEpoch.set(Number(next) - 1);
    const [genesis, duration] = await Promise.all([
      tributary.distributor.GENESIS(),
      tributary.distributor.EPOCH_DURATION(),
    ]);
    const closesAt = genesis + (next + 1n) * duration;
    if (BigInt(confirmed.timestamp) < closesAt) {
      this.done(`epoch ${next} closes at ${closesAt}; confirmed head ${confirmed.number} at ${confirmed.timestamp}`);
      return;
    }
    this.readiness.caughtUp = false;
    this.readiness.detail = `settling epoch ${next}`;

    // 1. Compute (full rescan from the deployment block; cached per epoch and confirmed head).
    if (this.computed?.epoch !== next) {
      log.info({ epoch: Number(next), confirmedBlock: confirmed.number }, "computing settlement");
      const settlement = await computeEpochSettlement(tributary, {
        epoch: next,
        index: { confirmations: this.o.confirmations },
      });
      const dataUri = defaultDataUri(tributary, next, settlement.tree.root);
      const file = await this.store.writeArtifact(
        settlementKey(tributary, next),
        buildArtifact(tributary, settlement, dataUri, undefined),
      );
      this.computed = { epoch: next, settlement, dataUri };
      log.info(
        {
          epoch: Number(next),
          root: settlement.tree.root,
          totals: settlement.computation.cumulativeTotals.map(String),
          events: settlement.index.events.length,
          artifact: file,
        },
        "settlement computed, artifact written",
      );
    }
    const { settlement, dataUri } = this.computed;
    const content = {
      epoch: next,
      root: settlement.tree.root,
      cumulativeTotals: settlement.computation.cumulativeTotals,
      dataUri,
    };

    // 2. Sign and publish (validator nodes).
    let groups = await collectPublishedSignatures(tributary, this.board, next);
    if (this.o.validator) {
      const me = await this.o.validator.getAddress();
      const joined = groups.find((g) => sameContent(g.settlement, content));
      if (joined?.signers.includes(me)) {
        log.debug({ epoch: Number(next), digest: joined.digest }, "already published for this settlement");
      } else {
        const deadline =
          joined?.settlement.deadline ?? BigInt(confirmed.timestamp) + BigInt(this.o.signatureLifetimeSeconds);
        await this.signAndPublish({ ...content, deadline });
        groups = await collectPublishedSignatures(tributary, this.board, next);
      }
    }

    // 3. Collect and submit at quorum.
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
      log.warn(
        { epoch: Number(next), digest: best.digest, root: best.settlement.root },
        "a quorum signed content this node did not compute; submitting it anyway is left to others",
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

  private async signAndPublish(settlement: Omit<PublishedSettlement, "dataUriHash">): Promise<void> {
    const { tributary, validator, protection, metrics, log } = this.o;
    const digest = await tributary.distributor.settlementDigest(
      settlementData({ ...settlement, dataUriHash: keccak256(toUtf8Bytes(settlement.dataUri)) }),
    );
    const claim = await protection.claim({ ...settlement, digest });
    if (!claim.allowed) {
      if (!this.alerted.has(settlement.epoch)) {
        this.alerted.add(settlement.epoch);
        metrics.alerts.inc({ kind: "conflicting_signature" });
      }
      log.error(
        {
          alert: "conflicting_signature",
          epoch: Number(settlement.epoch),
          refusedDigest: digest,
          refusedRoot: settlement.root,
          refusedDataUri: settlement.dataUri,
          signedDigest: claim.existing.digest,
          signedRoot: claim.existing.root,
          signedDataUri: claim.existing.dataUri,
          signedAt: claim.existing.signedAt,
        },
        "refusing to sign: this node already signed other content for this epoch (signing both would be equivocation)",
      );
      return;
    }
    log.info(
      { epoch: Number(settlement.epoch), digest, deadline: String(settlement.deadline), protection: claim.reason },
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

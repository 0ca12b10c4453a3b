import { getAddress, keccak256, toUtf8Bytes, type Signer } from "ethers";
import type { SettlementComputation } from "../rules/allocation.js";
import type { TributaryContracts } from "../chain/contracts.js";
import { ContractRevertError, InvalidInputError, SettlementError } from "../rules/errors.js";
import { wrapCall } from "../chain/calls.js";
import { providerOf, type IndexEventsParameters } from "../chain/indexer.js";
import type { ArtifactAmount, SettleJournal, SettlementArtifact } from "../rules/artifact.js";
import type { SettlementStore } from "./store.js";
import { artifactDataUri } from "../rules/contentAddress.js";
import { requireEpoch } from "../rules/validation.js";
import { type SettlementMessage, signSettlement } from "../actions/signSettlement.js";
import { type EpochSettlement, computeEpochSettlement } from "./computeEpochSettlement.js";
import { onChainSettlement } from "./onChainSettlement.js";
import { now, rpc } from "../chain/rpc.js";

/** Store key of an epoch's journal and artifact. */
export function settlementKey(tributary: TributaryContracts, epoch: bigint): string {
  const { chainId, distributor } = tributary.deployment;
  return `chain-${chainId}/${distributor.toLowerCase()}/epoch-${epoch}`;
}
/** Steps of {@link settle}, in order. `sent` fires once the submission is broadcast, before it is mined. */
export type SettleStep = "indexed" | "tree" | "signed" | "sent" | "submitted" | "artifact";
/** Parameters of {@link settle}. */
export interface SettleParameters {
  epoch: bigint | number | string;
  /** Validators' signers; enough of them (by stake) are used to reach quorum. */
  validators: Signer[];
  /** Where the journal and artifact are kept. */
  store: SettlementStore;
  /**
   * Which settlement of the epoch this is, when governance vetoed earlier ones: 2 after one veto, and
   * so on (validator nodes sign `vetoes + 1`). It goes into the artifact's `metadata.attempt`, so the
   * same root gets another data URI. Default: the journal's, else 1 (no `attempt` in the artifact).
   */
  attempt?: number;
  /** Lifetime of the validators' signatures. Default one day. */
  signatureLifetimeSeconds?: number;
  index?: IndexEventsParameters;
  onProgress?: (step: SettleStep, detail: string) => void;
  /** Called after each step completes; a throw here behaves like a crash (used by resume tests). */
  afterStep?: (step: SettleStep) => void | Promise<void>;
  /**
   * Runs of the whole, resumable procedure before giving up on transient failures (RPC errors,
   * dropped connections). Default 1. Each run resumes from the journal, so retrying never
   * submits twice.
   */
  attempts?: number;
  /** First delay between attempts, doubled each time. Default 250 ms. */
  retryBackoffMs?: number;
}
/** Result of {@link settle}. */
export interface SettleResult {
  epoch: bigint;
  root: string;
  /** Signed totals per covered token, in allowlist order (`computation.tokens`). */
  cumulativeTotals: bigint[];
  /** The artifact's content address (`ipfs://<CID>`), which validators signed. */
  dataUri: string;
  /** Where the artifact was written. */
  artifactLocation: string;
  artifact: SettlementArtifact;
  /** The transaction that submitted the settlement. */
  submissionTransaction?: string;
  /** False when an earlier run had already submitted it. */
  submittedNow: boolean;
  computation: SettlementComputation;
  /** Wall-clock milliseconds of each stage of this run. */
  timings: {
    indexMs: number;
    allocateMs: number;
    treeMs: number;
    signMs: number;
    submitMs: number;
    artifactMs: number;
  };
}
/**
 * Settles `epoch`: index, allocate, build the tree, gather signatures, submit, write the artifact.
 * Every step is journaled; running it again after a crash at any point resumes, never submits
 * twice (the submission reuses one nonce), and ends with the same root.
 * @example
 * const result = await settle(tributary, { epoch: 0n, validators: [v1, v2, v3], store: new FileSettlementStore("settlements") });
 */
export async function settle(tributary: TributaryContracts, parameters: SettleParameters): Promise<SettleResult> {
  const attempts = Math.max(1, parameters.attempts ?? 1);
  let delay = parameters.retryBackoffMs ?? 250;
  for (let attempt = 1; ; attempt++) {
    try {
      return await settleOnce(tributary, parameters);
    } catch (error) {
      if (attempt >= attempts || !isTransient(error)) throw error;
      parameters.onProgress?.("indexed", `attempt ${attempt} failed (${(error as Error).message}); resuming`);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 5_000);
    }
  }
}
/**
 * Whether a failure may pass on retry: a transport or node error. Refusals (bad input, a contract
 * revert, a settlement that cannot be computed or signed) are final.
 */
function isTransient(error: unknown): boolean {
  if (error instanceof InvalidInputError || error instanceof SettlementError || error instanceof ContractRevertError) {
    return false;
  }
  return true;
}
async function settleOnce(tributary: TributaryContracts, parameters: SettleParameters): Promise<SettleResult> {
  const epoch = requireEpoch(parameters.epoch);
  const { store } = parameters;
  const progress = parameters.onProgress ?? (() => {});
  const after = parameters.afterStep ?? (() => {});
  const key = settlementKey(tributary, epoch);

  const next = await rpc("nextEpochToSettle", () => tributary.distributor.nextEpochToSettle());
  if (epoch > next) throw new SettlementError(`epoch ${next} must be settled before epoch ${epoch}`);

  progress("indexed", `indexing events for epoch ${epoch}`);
  const settlement = await computeEpochSettlement(tributary, {
    epoch,
    ...(parameters.index ? { index: parameters.index } : {}),
  });
  const { computation, tree } = settlement;
  progress(
    "indexed",
    `${settlement.index.events.length} events in blocks ${settlement.index.fromBlock}-${settlement.index.toBlock}`,
  );
  await after("indexed");

  const root = tree.root;
  let journal = await store.readJournal(key);
  // Resuming keeps the attempt already signed unless another one is asked for.
  const attempt = requireAttempt(parameters.attempt ?? (journal?.root === root ? journal.attempt : undefined));
  const artifact = buildArtifact(tributary, settlement, attempt === undefined ? {} : { attempt });
  const dataUri = artifactDataUri(artifact);
  const totals = computation.cumulativeTotals.map(String);
  if (
    journal &&
    (journal.root !== root ||
      JSON.stringify(journal.cumulativeTotals) !== JSON.stringify(totals) ||
      journal.dataUri !== dataUri)
  ) {
    // The journal records signatures over other content. Signing different content for the same
    // epoch is equivocation, unless governance vetoed what was signed: then re-sign, afresh.
    if (!(await wasVetoed(tributary, journal))) {
      throw new SettlementError(
        `the journal for epoch ${epoch} records a signed settlement with root ${journal.root} and data URI ` +
          `${journal.dataUri}, but this run computes root ${root} with data URI ${dataUri}; signing both would be ` +
          `equivocation. A reorg or a different deployment? Inspect ${key}`,
      );
    }
    progress("tree", `the settlement signed earlier for epoch ${epoch} was vetoed; signing the new one`);
    journal = undefined;
  }
  const resumed = journal !== undefined;
  journal ??= {
    version: 1,
    epoch: epoch.toString(),
    chainId: tributary.deployment.chainId.toString(),
    distributor: tributary.deployment.distributor,
    root,
    cumulativeTotals: totals,
    dataUri,
    ...(attempt === undefined ? {} : { attempt }),
  };
  await store.writeJournal(key, journal);
  progress(
    "tree",
    `root ${root} over ${tree.length} leaves, cumulative totals [${totals.join(", ")}] in ${totals.length} token(s)`,
  );
  await after("tree");

  let submittedNow = false;
  let signMs = 0;
  let submitMs = 0;
  let onChain = await onChainSettlement(tributary, { epoch });
  if (onChain && onChain.root !== root) {
    throw new SettlementError(
      `epoch ${epoch} is already settled on chain with root ${onChain.root}, not ${root}; run verify`,
    );
  }
  if (!onChain) {
    if (epoch !== (await rpc("nextEpochToSettle", () => tributary.distributor.nextEpochToSettle()))) {
      throw new SettlementError(`epoch ${epoch} is not the next epoch to settle`);
    }
    if (resumed && (await wasVetoed(tributary, journal))) {
      // Exactly what the journal signed was vetoed: the contract refuses it for good.
      const next = await attemptOf(tributary, { epoch, root, cumulativeTotals: journal.cumulativeTotals.map(BigInt) });
      throw new SettlementError(
        `governance vetoed the settlement of epoch ${epoch} with root ${root} and data URI ${dataUri}, which is ` +
          `what this run would submit again; if it is right, settle again as attempt ${next} ` +
          `(attempt: ${next}, or --attempt ${next} in the CLI), as validator nodes do, otherwise fix the cause of ` +
          `the veto first`,
      );
    }
    const signStarted = now();
    journal = await gatherSignatures(tributary, journal, parameters);
    await store.writeJournal(key, journal);
    signMs = now() - signStarted;
    progress("signed", `${journal.signatures!.signers.length} validator signatures`);
    await after("signed");

    const submitStarted = now();
    journal = await submitOnce(tributary, journal, store, key, progress, parameters.afterStep);
    submitMs = now() - submitStarted;
    submittedNow = true;
    onChain = await onChainSettlement(tributary, { epoch });
    if (!onChain || onChain.root !== root) throw new SettlementError(`the submission for epoch ${epoch} did not land`);
  } else {
    progress("submitted", `epoch ${epoch} was already submitted with this root`);
  }
  await after("submitted");

  const artifactStarted = now();
  const artifactLocation = await store.writeArtifact(key, artifact);
  const artifactMs = now() - artifactStarted;
  progress("artifact", `artifact written to ${artifactLocation}`);
  await after("artifact");
  return {
    epoch,
    root,
    cumulativeTotals: computation.cumulativeTotals,
    dataUri,
    artifactLocation,
    artifact,
    submissionTransaction: onChain.transactionHash,
    submittedNow,
    computation,
    timings: { ...settlement.timings, signMs, submitMs, artifactMs },
  };
}
async function gatherSignatures(
  tributary: TributaryContracts,
  journal: SettleJournal,
  parameters: SettleParameters,
): Promise<SettleJournal> {
  const provider = providerOf(tributary);
  const head = await rpc("eth_getBlockByNumber", () => provider.getBlock("latest"));
  const now = BigInt(head?.timestamp ?? Math.floor(Date.now() / 1000));
  if (journal.signatures && BigInt(journal.signatures.deadline) > now + 300n) return journal;

  const candidates: { signer: Signer; address: string; stake: bigint }[] = [];
  for (const signer of parameters.validators) {
    const address = getAddress(await rpc("getAddress", () => signer.getAddress()));
    const stake = await rpc("activeStakeOf", () => tributary.staking.activeStakeOf(address));
    if (stake > 0n && !candidates.some((c) => c.address === address)) candidates.push({ signer, address, stake });
  }
  const quorum = await rpc("quorumStake", () => tributary.staking.quorumStake());
  candidates.sort((a, b) => (b.stake > a.stake ? 1 : b.stake < a.stake ? -1 : a.address < b.address ? -1 : 1));
  const chosen: typeof candidates = [];
  let signed = 0n;
  for (const c of candidates) {
    if (signed >= quorum && signed > 0n) break;
    chosen.push(c);
    signed += c.stake;
  }
  if (signed < quorum || signed === 0n) {
    throw new SettlementError(`the given validators hold ${signed} active stake, short of the quorum of ${quorum}`);
  }
  chosen.sort((a, b) => (a.address.toLowerCase() < b.address.toLowerCase() ? -1 : 1));
  const deadline = now + BigInt(parameters.signatureLifetimeSeconds ?? 86_400);
  const message: SettlementMessage = {
    epoch: BigInt(journal.epoch),
    root: journal.root,
    cumulativeTotals: journal.cumulativeTotals.map((t) => BigInt(t)),
    dataUriHash: keccak256(toUtf8Bytes(journal.dataUri)),
    deadline,
  };
  const signatures: string[] = [];
  for (const c of chosen)
    signatures.push(await rpc("signTypedData", () => signSettlement(tributary, { signer: c.signer, message })));
  return {
    ...journal,
    signatures: { deadline: deadline.toString(), signers: chosen.map((c) => c.address), signatures },
  };
}
/** Sends the submission with one fixed nonce, so however often this runs, at most one lands. */
async function submitOnce(
  tributary: TributaryContracts,
  journal: SettleJournal,
  store: SettlementStore,
  key: string,
  progress: (step: SettleStep, detail: string) => void,
  afterStep: SettleParameters["afterStep"],
): Promise<SettleJournal> {
  const runner = tributary.runner as Signer;
  if (typeof runner.getAddress !== "function") {
    throw new InvalidInputError("submitting a settlement needs a Signer; connect the client with one");
  }
  const provider = providerOf(tributary);
  const from = getAddress(await rpc("getAddress", () => runner.getAddress()));
  const epoch = BigInt(journal.epoch);

  if (journal.submission) {
    const mined = await rpc("eth_getTransactionCount", () => provider.getTransactionCount(from, "latest"));
    if (journal.submission.from !== from || mined > journal.submission.nonce) {
      // That nonce is spent and the settlement is not on chain: the earlier send failed or was replaced.
      journal = { ...journal, submission: undefined };
    }
  }
  if (!journal.submission) {
    const nonce = await rpc("eth_getTransactionCount", () => provider.getTransactionCount(from, "pending"));
    journal = { ...journal, submission: { from, nonce } };
    await store.writeJournal(key, journal);
  }
  const sigs = journal.signatures!;
  const nonce = journal.submission!.nonce;
  progress("submitted", `submitting epoch ${epoch} from ${from} with nonce ${nonce}`);
  const receipt = await wrapCall(`submit settlement for epoch ${epoch}`, async () => {
    let tx;
    try {
      tx = await tributary.distributor.submitSettlement(
        epoch,
        journal.root,
        journal.cumulativeTotals.map((t) => BigInt(t)),
        journal.dataUri,
        BigInt(sigs.deadline),
        sigs.signatures,
        { nonce },
      );
    } catch (error) {
      // The same transaction may already be in flight from a crashed run: wait for that one instead.
      if (
        journal.submission?.txHash &&
        /already known|nonce too low|nonce has already been used/i.test(String(error))
      ) {
        return provider.waitForTransaction(journal.submission.txHash);
      }
      throw error;
    }
    await afterStep?.("sent");
    journal = { ...journal, submission: { ...journal.submission!, txHash: tx.hash } };
    await store.writeJournal(key, journal);
    return tx.wait();
  });
  if (!receipt || receipt.status !== 1) throw new SettlementError(`the submission of epoch ${epoch} reverted`);
  return journal;
}
/** Options of {@link buildArtifact}. */
export interface BuildArtifactOptions {
  /** The settlement's attempt after vetoes (≥ 2); 1 or undefined for the first. */
  attempt?: number;
}
/**
 * The settlement artifact of a computed epoch: the tree dump and its metadata (what `settle` writes).
 * Its content address, `artifactDataUri(artifact)`, is the data URI validators sign.
 * @example
 * const dataUri = artifactDataUri(buildArtifact(tributary, settlement));
 */
export function buildArtifact(
  tributary: TributaryContracts,
  settlement: Pick<EpochSettlement, "epoch" | "computation" | "tree">,
  options: BuildArtifactOptions = {},
): SettlementArtifact {
  const attempt = requireAttempt(options.attempt);
  const { computation, tree } = settlement;
  const current = computation.pools.map((ledger) => ledger.epochs.at(-1)!);
  const amounts: ArtifactAmount[] = [];
  const treasury = current[0]?.treasury ?? "";
  for (const [account, token, cumulativeAmount] of computation.entries) {
    const roles = new Set<ArtifactAmount["roles"][number]>();
    let amount = 0n;
    for (const allocation of current) {
      if (allocation.token !== token) continue;
      amount += allocation.owed.get(account) ?? 0n;
      if (allocation.contributorAmounts.has(account)) roles.add("contributor");
      if (allocation.validatorAmounts.has(account)) roles.add("validator");
      if (allocation.fee > 0n && account === allocation.treasury) roles.add("treasury");
      if (allocation.refund > 0n && account === allocation.refundTo) roles.add("refund");
    }
    amounts.push({
      account,
      token,
      amount: amount.toString(),
      cumulativeAmount: cumulativeAmount.toString(),
      roles: [...roles],
    });
  }
  return {
    ...tree.dump(),
    metadata: {
      epoch: settlement.epoch.toString(),
      chainId: tributary.deployment.chainId.toString(),
      distributor: tributary.deployment.distributor,
      root: tree.root,
      ...(attempt === undefined ? {} : { attempt }),
      treasury,
      tokens: computation.tokens.map((t) => ({
        token: t.token,
        index: t.index,
        cumulativeTotal: t.cumulativeTotal.toString(),
        fundedThrough: t.fundedThrough.toString(),
        carryOut: t.carryOut.toString(),
      })),
      pools: computation.pools.map(({ pool }, i) => {
        const a = current[i]!;
        return {
          poolId: pool.poolId.toString(),
          owner: pool.owner,
          token: pool.token,
          datanets: pool.datanets.map(String),
          funded: a.funded.toString(),
          carryIn: a.carryIn.toString(),
          fee: a.fee.toString(),
          distributable: a.distributable.toString(),
          validatorPool: a.validatorPool.toString(),
          contributorPool: a.contributorPool.toString(),
          paid: a.paid.toString(),
          refund: a.refund.toString(),
          carryOut: a.carryOut.toString(),
          recordCount: a.recordCount,
          idleEpochs: a.idleEpochs,
        };
      }),
      amounts,
    },
  };
}

/** An attempt number as the artifact carries it: undefined for the first, else a whole number ≥ 2. */
function requireAttempt(attempt: number | undefined): number | undefined {
  if (attempt === undefined || attempt === 1) return undefined;
  if (!Number.isSafeInteger(attempt) || attempt < 1) {
    throw new InvalidInputError(`attempt must be a whole number ≥ 1, got ${attempt}`);
  }
  return attempt;
}

/**
 * The attempt a settlement of `epoch` with this root and these totals is signed as: 1 + how many
 * settlements of the epoch with the same root and totals were dropped (by a veto or an upheld dispute).
 * Each drop forbids that exact content for good, so the same root returns only under a new artifact;
 * a dropped settlement with another root forbids nothing this one would sign, so it does not count.
 * Every node that computes the same root and totals derives the same attempt, hence the same data URI.
 */
export async function attemptOf(
  tributary: TributaryContracts,
  settlement: { epoch: bigint; root: string; cumulativeTotals: readonly bigint[] },
): Promise<number> {
  const { distributor, deployment } = tributary;
  const { epoch } = settlement;
  const [submitted, vetoed] = await Promise.all([
    rpc("eth_getLogs SettlementSubmitted", () =>
      distributor.queryFilter(distributor.filters.SettlementSubmitted(epoch), deployment.deployBlock),
    ),
    rpc("eth_getLogs SettlementVetoed", () =>
      distributor.queryFilter(distributor.filters.SettlementVetoed(epoch), deployment.deployBlock),
    ),
  ]);
  if (vetoed.length === 0) return 1;
  const position = (log: { blockNumber: number; index: number }) => log.blockNumber * 1e6 + log.index;
  const totals = JSON.stringify(settlement.cumulativeTotals.map(String));
  let dropped = 0;
  for (const veto of vetoed) {
    // A drop always hits the latest submission of the epoch before it.
    const hit = submitted.filter((s) => position(s) < position(veto)).at(-1);
    if (
      hit &&
      hit.args.root.toLowerCase() === settlement.root.toLowerCase() &&
      JSON.stringify([...hit.args.cumulativeTotals].map(String)) === totals
    ) {
      dropped += 1;
    }
  }
  return dropped + 1;
}

/** How many times a settlement of `epoch` was dropped (vetoed by governance, or by an upheld dispute). */
export async function vetoesOf(tributary: TributaryContracts, epoch: bigint): Promise<number> {
  const { distributor, deployment } = tributary;
  const vetoed = await rpc("eth_getLogs SettlementVetoed", () =>
    distributor.queryFilter(distributor.filters.SettlementVetoed(epoch), deployment.deployBlock),
  );
  return vetoed.length;
}

/**
 * Whether governance vetoed exactly `settlement` (epoch, root, totals, data URI): it was submitted, and a
 * veto of its root followed. After that, signing other content for the epoch is not equivocation.
 */
export async function wasVetoed(
  tributary: TributaryContracts,
  settlement: {
    epoch: bigint | string;
    root: string;
    cumulativeTotals: readonly (bigint | string)[];
    dataUri: string;
  },
): Promise<boolean> {
  const journal = {
    ...settlement,
    epoch: String(settlement.epoch),
    cumulativeTotals: settlement.cumulativeTotals.map(String),
  };
  const { distributor, deployment } = tributary;
  const epoch = BigInt(journal.epoch);
  const vetoed = await rpc("eth_getLogs SettlementVetoed", () =>
    distributor.queryFilter(distributor.filters.SettlementVetoed(epoch), deployment.deployBlock),
  );
  if (vetoed.length === 0) return false;
  // Every epoch's submissions, filtered here: a request identical to the one `onChainSettlement` makes
  // after submitting would be answered from ethers' 250 ms request cache, without the new event.
  const submitted = (
    await rpc("eth_getLogs SettlementSubmitted", () =>
      distributor.queryFilter(distributor.filters.SettlementSubmitted(), deployment.deployBlock),
    )
  ).filter((log) => log.args.epoch === epoch);
  const position = (log: { blockNumber: number; index: number }) => log.blockNumber * 1e6 + log.index;
  return submitted.some(
    (s) =>
      s.args.root.toLowerCase() === journal.root.toLowerCase() &&
      s.args.dataUri === journal.dataUri &&
      JSON.stringify([...s.args.cumulativeTotals].map(String)) === JSON.stringify(journal.cumulativeTotals) &&
      vetoed.some((v) => v.args.root.toLowerCase() === journal.root.toLowerCase() && position(v) > position(s)),
  );
}

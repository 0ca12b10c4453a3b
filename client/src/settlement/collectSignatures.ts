/**
 * Settlement signatures that meet on chain (docs/signatures.md): validators publish them on the
 * `SettlementBoard`, and any node, with or without a validator key, collects them from the board's
 * events and submits once the signers' active stake reaches quorum.
 */
import { getAddress, keccak256, toUtf8Bytes, type ContractRunner, type Overrides, type Signer } from "ethers";
import { SettlementBoard__factory, type SettlementBoard } from "../generated/typechain/index.js";
import type { TributaryContracts } from "../chain/contracts.js";
import { ContractRevertError, InvalidInputError, SettlementError } from "../rules/errors.js";
import { wrapCall } from "../chain/calls.js";
import { providerOf, withRetry } from "../chain/indexer.js";
import { rpc } from "../chain/rpc.js";
import { onChainSettlement } from "./onChainSettlement.js";
import { signSettlement, type SettlementMessage } from "../actions/signSettlement.js";
import { requireAddress, requireEpoch } from "../rules/validation.js";

/** A settlement as published on the board: the signed message and the data URI whose hash it signs. */
export interface PublishedSettlement extends SettlementMessage {
  dataUri: string;
}
/** One `SignaturePublished` event. */
export interface PublishedSignature {
  /** The distributor's EIP-712 digest of {@link settlement}. */
  digest: string;
  settlement: PublishedSettlement;
  signer: string;
  signature: string;
  blockNumber: number;
  logIndex: number;
  transactionHash: string;
}
/** Published signatures of one settlement (one digest) that can be submitted together. */
export interface SignatureGroup {
  digest: string;
  settlement: PublishedSettlement;
  /** Signers that are active validators now, each once, in strictly increasing address order. */
  signers: string[];
  /** Their signatures, in the same order: what `submitSettlement` takes. */
  signatures: string[];
  /** Σ of the signers' active stake now. */
  signedStake: bigint;
  /** The stake a settlement needs now (`quorumStake`). */
  quorum: bigint;
  reachesQuorum: boolean;
}
/** Two published signatures by one validator over different settlements of one epoch. */
export interface PublishedEquivocation {
  signer: string;
  first: PublishedSignature;
  second: PublishedSignature;
}
/** Where to read the board's events. */
export interface ReadPublishedParameters {
  /** First block to read; defaults to the suite's deployment block. */
  fromBlock?: number;
  /** Last block to read; defaults to the head. */
  toBlock?: number;
  /** Blocks per `eth_getLogs` request. Default 5 000. */
  chunkSize?: number;
}
/** What {@link submitCollected} did. */
export type SubmitCollectedResult =
  | { submitted: true; transactionHash: string }
  | {
      submitted: false;
      /** Why this submission failed: the decoded custom error, usually `SettlementOutOfOrder`. */
      reason: string;
      /** The submission that settled the epoch first. */
      landed: NonNullable<Awaited<ReturnType<typeof onChainSettlement>>>;
      /** Whether what landed is the settlement this collector tried to submit. */
      sameSettlement: boolean;
    };

/** Binds the `SettlementBoard` at `address` to `runner`. */
export function connectSettlementBoard(address: string, runner: ContractRunner): SettlementBoard {
  return SettlementBoard__factory.connect(requireAddress(address, "settlement board address"), runner);
}

/**
 * A validator signs `settlement` (EIP-712) and publishes the signature on the board. The board's runner
 * pays the gas; it need not be the validator.
 * @example
 * await publishSettlementSignature(tributary, board, validatorSigner, { epoch, root, cumulativeTotals, dataUri, deadline });
 */
export async function publishSettlementSignature(
  tributary: TributaryContracts,
  board: SettlementBoard,
  validator: Signer,
  settlement: Omit<PublishedSettlement, "dataUriHash">,
): Promise<{ signer: string; signature: string; transactionHash: string }> {
  const message: SettlementMessage = {
    epoch: settlement.epoch,
    root: settlement.root,
    cumulativeTotals: settlement.cumulativeTotals,
    dataUriHash: keccak256(toUtf8Bytes(settlement.dataUri)),
    deadline: settlement.deadline,
  };
  const signature = await signSettlement(tributary, { signer: validator, message });
  const receipt = await wrapCall(
    `publish the signature of epoch ${settlement.epoch}`,
    async () =>
      (await (
        await board.publish(
          settlement.epoch,
          settlement.root,
          settlement.cumulativeTotals,
          settlement.dataUri,
          settlement.deadline,
          signature,
        )
      ).wait())!,
  );
  return { signer: getAddress(await validator.getAddress()), signature, transactionHash: receipt.hash };
}

/** Every `SignaturePublished` event of `epoch` on the board, in chain order. */
export async function readPublishedSignatures(
  tributary: TributaryContracts,
  board: SettlementBoard,
  epoch: bigint | number | string,
  parameters: ReadPublishedParameters = {},
): Promise<PublishedSignature[]> {
  const e = requireEpoch(epoch);
  const fromBlock = parameters.fromBlock ?? tributary.deployment.deployBlock;
  const toBlock = parameters.toBlock ?? (await rpc("eth_blockNumber", () => providerOf(tributary).getBlockNumber()));
  const chunk = Math.max(1, parameters.chunkSize ?? 5_000);
  const filter = board.filters.SignaturePublished(e);
  const out: PublishedSignature[] = [];
  for (let start = fromBlock; start <= toBlock; start += chunk) {
    const end = Math.min(toBlock, start + chunk - 1);
    const logs = await withRetry(`eth_getLogs SignaturePublished ${start}-${end}`, () =>
      board.queryFilter(filter, start, end),
    );
    for (const log of logs) {
      const { digest, signer, root, cumulativeTotals, dataUri, deadline, signature } = log.args;
      out.push({
        digest,
        settlement: {
          epoch: e,
          root,
          cumulativeTotals: [...cumulativeTotals],
          dataUri,
          dataUriHash: keccak256(toUtf8Bytes(dataUri)),
          deadline,
        },
        signer: getAddress(signer),
        signature,
        blockNumber: log.blockNumber,
        logIndex: log.index,
        transactionHash: log.transactionHash,
      });
    }
  }
  return out;
}

/**
 * Collects the published signatures of `epoch` and groups them by digest: each group is one settlement
 * with its signers (active validators now, each once, sorted as `submitSettlement` wants them), their
 * stake and whether it reaches quorum. Groups the distributor would refuse whatever their stake are left
 * out: those whose deadline has passed, and those whose content (root, totals, data URI) governance
 * vetoed. The best-signed group comes first. Needs no key.
 * @example
 * const [best] = await collectPublishedSignatures(tributary, board, 7n);
 * if (best?.reachesQuorum) await submitCollected(tributary, best);
 */
export async function collectPublishedSignatures(
  tributary: TributaryContracts,
  board: SettlementBoard,
  epoch: bigint | number | string,
  parameters: ReadPublishedParameters = {},
): Promise<SignatureGroup[]> {
  await requireBoardOf(tributary, board);
  const published = await readPublishedSignatures(tributary, board, epoch, parameters);
  const head = await rpc("eth_getBlockByNumber", () => providerOf(tributary).getBlock("latest"));
  const now = BigInt(head?.timestamp ?? Math.floor(Date.now() / 1000));
  const vetoed = await vetoedContents(tributary, requireEpoch(epoch), parameters.fromBlock);
  const byDigest = new Map<string, { settlement: PublishedSettlement; bySigner: Map<string, string> }>();
  for (const p of published) {
    if (p.settlement.deadline < now || vetoed.has(contentKey(p.settlement))) continue;
    let group = byDigest.get(p.digest);
    if (!group) byDigest.set(p.digest, (group = { settlement: p.settlement, bySigner: new Map() }));
    if (!group.bySigner.has(p.signer)) group.bySigner.set(p.signer, p.signature);
  }
  const groups: SignatureGroup[] = [];
  for (const [digest, { settlement, bySigner }] of byDigest) {
    const sorted = [...bySigner.keys()].sort((a, b) => compareAddresses(a, b));
    const [stakes, quorum] = await rpc("activeStakesOf", () => tributary.staking.activeStakesOf(sorted));
    // A signer that has left since it published would make the whole submission fail: drop it.
    const active = sorted.map((signer, i) => ({ signer, stake: stakes[i]! })).filter((s) => s.stake > 0n);
    const signedStake = active.reduce((sum, s) => sum + s.stake, 0n);
    groups.push({
      digest,
      settlement,
      signers: active.map((s) => s.signer),
      signatures: active.map((s) => bySigner.get(s.signer)!),
      signedStake,
      quorum,
      reachesQuorum: signedStake > 0n && signedStake >= quorum,
    });
  }
  return groups.sort((a, b) => (b.signedStake > a.signedStake ? 1 : b.signedStake < a.signedStake ? -1 : 0));
}

/**
 * Submits a group that reaches quorum; the client's runner pays the gas and needs no validator key.
 * When several collectors race, the distributor takes the first and refuses the others
 * (`SettlementOutOfOrder`): a collector whose submission fails because the epoch was settled meanwhile
 * stands down and reports what landed, instead of throwing.
 */
export async function submitCollected(
  tributary: TributaryContracts,
  group: SignatureGroup,
  overrides: Overrides = {},
): Promise<SubmitCollectedResult> {
  const { settlement } = group;
  if (!group.reachesQuorum) {
    throw new InvalidInputError(
      `the signatures for epoch ${settlement.epoch} hold ${group.signedStake} active stake, short of the quorum of ${group.quorum}`,
    );
  }
  try {
    const receipt = await wrapCall(
      `submit settlement for epoch ${settlement.epoch}`,
      async () =>
        (await (
          await tributary.distributor.submitSettlement(
            settlement.epoch,
            settlement.root,
            settlement.cumulativeTotals,
            settlement.dataUri,
            settlement.deadline,
            group.signatures,
            overrides,
          )
        ).wait())!,
    );
    return { submitted: true, transactionHash: receipt.hash };
  } catch (error) {
    // Whatever failed, an epoch that is settled now was settled by someone else: stand down.
    const landed = await onChainSettlement(tributary, { epoch: settlement.epoch });
    if (!landed) throw error;
    const reason = error instanceof ContractRevertError ? error.errorName : (error as Error).message;
    const sameSettlement =
      landed.root === settlement.root &&
      landed.dataUri === settlement.dataUri &&
      landed.cumulativeTotals.length === settlement.cumulativeTotals.length &&
      landed.cumulativeTotals.every((t, i) => t === settlement.cumulativeTotals[i]);
    return { submitted: false, reason, landed, sameSettlement };
  }
}

/**
 * Pairs of published signatures of `epoch` in which one validator signed two different settlements
 * (root, totals or data URI): the evidence `reportEquivocation` takes, one pair per validator. Signatures
 * of one content under two deadlines are not equivocation, and neither is signing again after a veto:
 * signatures of vetoed content are left out, as the distributor refuses them as evidence (`EvidenceVetoed`).
 * Expired signatures and signers that have left since are kept: their stake stays slashable while it
 * unbonds. Needs no key.
 */
export async function findPublishedEquivocations(
  tributary: TributaryContracts,
  board: SettlementBoard,
  epoch: bigint | number | string,
  parameters: ReadPublishedParameters = {},
): Promise<PublishedEquivocation[]> {
  await requireBoardOf(tributary, board);
  const published = await readPublishedSignatures(tributary, board, epoch, parameters);
  const vetoed = await vetoedContents(tributary, requireEpoch(epoch), parameters.fromBlock);
  const firstBySigner = new Map<string, PublishedSignature>();
  const out: PublishedEquivocation[] = [];
  const reported = new Set<string>();
  for (const p of published) {
    if (vetoed.has(contentKey(p.settlement))) continue;
    const first = firstBySigner.get(p.signer);
    if (!first) {
      firstBySigner.set(p.signer, p);
      continue;
    }
    if (contentKey(first.settlement) === contentKey(p.settlement) || reported.has(p.signer)) continue;
    reported.add(p.signer);
    out.push({ signer: p.signer, first, second: p });
  }
  return out;
}

/** The `SettlementData` tuple `reportEquivocation` and `settlementDigest` take. */
export function settlementData(settlement: SettlementMessage): SettlementMessage {
  return {
    epoch: settlement.epoch,
    root: settlement.root,
    cumulativeTotals: settlement.cumulativeTotals,
    dataUriHash: settlement.dataUriHash,
    deadline: settlement.deadline,
  };
}

/** What `reportEquivocation` and a veto compare: epoch, root, totals and data URI, not the deadline. */
function contentKey(s: { epoch: bigint; root: string; cumulativeTotals: readonly bigint[]; dataUri: string }): string {
  return `${s.epoch}|${s.root.toLowerCase()}|${s.cumulativeTotals.join(",")}|${s.dataUri}`;
}

/**
 * The contents of `epoch` governance vetoed: each `SettlementVetoed` drops the submission of the epoch
 * made last before it, and the distributor refuses that content for good.
 */
async function vetoedContents(tributary: TributaryContracts, epoch: bigint, fromBlock?: number): Promise<Set<string>> {
  const { distributor } = tributary;
  const from = fromBlock ?? tributary.deployment.deployBlock;
  const vetoes = await withRetry("eth_getLogs SettlementVetoed", () =>
    distributor.queryFilter(distributor.filters.SettlementVetoed(epoch), from),
  );
  const out = new Set<string>();
  if (vetoes.length === 0) return out;
  const submissions = await withRetry("eth_getLogs SettlementSubmitted", () =>
    distributor.queryFilter(distributor.filters.SettlementSubmitted(epoch), from),
  );
  const before = (a: { blockNumber: number; index: number }, b: { blockNumber: number; index: number }) =>
    a.blockNumber < b.blockNumber || (a.blockNumber === b.blockNumber && a.index < b.index);
  for (const veto of vetoes) {
    const dropped = submissions.filter((s) => before(s, veto)).at(-1);
    if (!dropped) continue;
    const { root, cumulativeTotals, dataUri } = dropped.args;
    out.add(contentKey({ epoch, root, cumulativeTotals: [...cumulativeTotals], dataUri }));
  }
  return out;
}

function compareAddresses(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Refuses a board bound to another suite's distributor: its digests would not verify here. */
async function requireBoardOf(tributary: TributaryContracts, board: SettlementBoard): Promise<void> {
  const distributor = await rpc("DISTRIBUTOR", () => board.DISTRIBUTOR());
  if (getAddress(distributor) !== getAddress(tributary.deployment.distributor)) {
    throw new SettlementError(
      `the settlement board collects for distributor ${distributor}, not ${tributary.deployment.distributor}`,
    );
  }
}

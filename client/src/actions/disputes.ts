/**
 * Settlement disputes (docs/disputes.md): raising or joining one with a bond, reading them, and the
 * governance and permissionless steps that resolve them.
 */
import { getAddress, keccak256, toUtf8Bytes, type ContractRunner } from "ethers";
import { erc20At, type TributaryContracts } from "../chain/contracts.js";
import { requireSigner } from "../chain/signer.js";
import { send } from "../chain/transactions.js";
import { wrapCall } from "../chain/calls.js";
import { InvalidInputError, NotFoundError, SettlementError } from "../rules/errors.js";
import { requireAddress, requireBytes32 } from "../rules/validation.js";
import { SettlementDisputes__factory, type SettlementDisputes } from "../generated/typechain/index.js";

/** Dispute status codes, as `ISettlementDisputes.DisputeStatus`. */
export const DisputeStatus = { None: 0, Open: 1, Upheld: 2, Rejected: 3, Expired: 4 } as const;
const DISPUTE_STATUS_NAMES = ["none", "open", "upheld", "rejected", "expired"] as const;
/** A dispute's status, by name. */
export type DisputeStatusName = (typeof DISPUTE_STATUS_NAMES)[number];

/** The suite's `SettlementDisputes`, bound to the suite's runner (or `runner`). */
export function settlementDisputesOf(tributary: TributaryContracts, runner?: ContractRunner): SettlementDisputes {
  const address = tributary.deployment.settlementDisputes;
  if (!address) {
    throw new InvalidInputError(
      "this deployment has no SettlementDisputes address: redeploy with `tributary:deploy`, or add `settlementDisputes` to the deployment file",
    );
  }
  return SettlementDisputes__factory.connect(
    requireAddress(address, "settlement disputes address"),
    runner ?? tributary.runner,
  );
}

/** One settlement dispute, as the chain holds it. */
export interface SettlementDispute {
  disputeId: bigint;
  epoch: bigint;
  root: string;
  settlementKey: string;
  status: DisputeStatusName;
  /** End of the challenge period (unix seconds): joins are accepted before it. */
  windowEndsAt: bigint;
  /** Governance resolves before this; afterwards anyone may expire the dispute. */
  resolveBy: bigint;
  bondToken: string;
  bondAmount: bigint;
  disputerCount: number;
  totalBonds: bigint;
  /** Stake-token bounty the disputers share (upheld disputes). */
  bounty: bigint;
}

/** Reads dispute `disputeId`. @throws {NotFoundError} no such dispute. */
export async function readDispute(tributary: TributaryContracts, disputeId: bigint): Promise<SettlementDispute> {
  const d = await wrapCall(`read dispute ${disputeId}`, () => settlementDisputesOf(tributary).disputeOf(disputeId));
  if (Number(d.status) === DisputeStatus.None) throw new NotFoundError(`dispute ${disputeId} does not exist`);
  return {
    disputeId,
    epoch: d.epoch,
    root: d.root,
    settlementKey: d.settlementKey,
    status: DISPUTE_STATUS_NAMES[Number(d.status)]!,
    windowEndsAt: d.windowEndsAt,
    resolveBy: d.resolveBy,
    bondToken: getAddress(d.bondToken),
    bondAmount: d.bondAmount,
    disputerCount: Number(d.disputerCount),
    totalBonds: d.totalBonds,
    bounty: d.bounty,
  };
}

/** Every dispute ever opened on a settlement of `epoch`, oldest first. */
export async function disputesOfEpoch(tributary: TributaryContracts, epoch: bigint): Promise<SettlementDispute[]> {
  const disputes = settlementDisputesOf(tributary);
  const logs = await wrapCall(`list the disputes of epoch ${epoch}`, () =>
    disputes.queryFilter(disputes.filters.DisputeOpened(undefined, epoch), tributary.deployment.deployBlock),
  );
  return Promise.all(logs.map((log) => readDispute(tributary, log.args.disputeId)));
}

/** Parameters of {@link disputeSettlement}. */
export interface DisputeSettlementParameters {
  /** Where the evidence is: for example the artifact this disputer computed, by its content address. */
  evidenceUri: string;
  /** The pending settlement's epoch; the latest settlement's by default. */
  epoch?: bigint;
  /** The root disputed; the pending root by default. Naming it makes the call fail if another is pending. */
  root?: string;
  /** Refuse to post a bond above this (bond-token base units). */
  maxBond?: bigint;
}

/** What {@link disputeSettlement} did. */
export interface DisputeSettlementResult {
  disputeId: bigint;
  epoch: bigint;
  root: string;
  bondToken: string;
  bond: bigint;
  transactionHash: string;
}

/**
 * Disputes the pending settlement with the current bond (approving the bond token if needed): opens a
 * dispute, which freezes the settlement, or joins the open one.
 * @example
 * const { disputeId } = await disputeSettlement(tributary, { evidenceUri: "ipfs://bafk…", maxBond: 100n * 10n ** 18n });
 * @throws {InvalidInputError} no pending settlement, the bond exceeds `maxBond`, or no signer.
 * @throws {ContractRevertError} the disputes contract refused (window closed, root mismatch, already disputed).
 */
export async function disputeSettlement(
  tributary: TributaryContracts,
  parameters: DisputeSettlementParameters,
): Promise<DisputeSettlementResult> {
  const signer = requireSigner(tributary);
  const disputes = settlementDisputesOf(tributary, signer);
  let { epoch, root } = parameters;
  if (epoch === undefined || root === undefined) {
    const [latest, pending] = await wrapCall("read the latest settlement", () =>
      tributary.distributor.latestSettlement(),
    );
    const next = await tributary.distributor.nextEpochToSettle();
    if (next === 0n || !pending) throw new InvalidInputError("no settlement is pending: there is nothing to dispute");
    epoch ??= latest.epoch;
    root ??= latest.root;
  }
  root = requireBytes32(root, "root");
  const open = await disputes.openDispute();
  const joining = open !== 0n ? await disputes.disputeOf(open) : undefined;
  const sameDispute = joining && joining.epoch === epoch && joining.root === root;
  const bond = sameDispute ? joining.bondAmount : await disputes.bondAmount();
  const tokenAddress = sameDispute ? joining.bondToken : await disputes.bondToken();
  if (parameters.maxBond !== undefined && bond > parameters.maxBond) {
    throw new InvalidInputError(
      `the dispute bond is ${bond} of ${tokenAddress}, above the maximum of ${parameters.maxBond} you allowed`,
    );
  }
  const token = erc20At(tokenAddress, signer);
  const owner = await signer.getAddress();
  if ((await token.allowance(owner, await disputes.getAddress())) < bond) {
    await send("approve the dispute bond", () => token.approve(disputes.getAddress(), bond));
  }
  const receipt = await send(`dispute the settlement of epoch ${epoch}`, () =>
    disputes.dispute(epoch, root, parameters.evidenceUri),
  );
  // parseLog answers null for the bond token's Transfer and the distributor's SettlementFrozen.
  const joined = receipt.logs
    .map((log) => disputes.interface.parseLog(log))
    .find((parsed) => parsed?.name === "DisputeJoined");
  if (!joined) throw new SettlementError(`the dispute transaction ${receipt.hash} emitted no DisputeJoined`);
  return {
    disputeId: joined.args.disputeId as bigint,
    epoch,
    root,
    bondToken: getAddress(joined.args.token as string),
    bond: joined.args.bond as bigint,
    transactionHash: receipt.hash,
  };
}

/** The disputed settlement as signed, and its signers' signatures: the evidence an upheld dispute slashes on. */
export interface DisputedSettlementEvidence {
  settlement: { epoch: bigint; root: string; cumulativeTotals: bigint[]; dataUriHash: string; deadline: bigint };
  signatures: string[];
}

/**
 * Finds the signatures of dispute `disputeId`'s settlement: decodes the `submitSettlement` transaction
 * that put it on chain.
 * @throws {NotFoundError} the submission was not found or was not a direct `submitSettlement` call
 * (then pass the evidence to {@link upholdDispute} yourself, e.g. from the settlement board).
 */
export async function findDisputedSettlementEvidence(
  tributary: TributaryContracts,
  disputeId: bigint,
): Promise<DisputedSettlementEvidence> {
  const dispute = await readDispute(tributary, disputeId);
  const distributor = tributary.distributor;
  const logs = await distributor.queryFilter(
    distributor.filters.SettlementSubmitted(dispute.epoch),
    tributary.deployment.deployBlock,
  );
  const provider = distributor.runner?.provider;
  if (!provider) throw new InvalidInputError("the client's runner has no provider to read transactions with");
  for (const log of [...logs].reverse()) {
    if (log.args.root !== dispute.root) continue;
    const tx = await provider.getTransaction(log.transactionHash);
    const parsed = tx ? distributor.interface.parseTransaction({ data: tx.data }) : null;
    if (parsed?.name !== "submitSettlement") continue;
    const [epoch, root, totals, dataUri, deadline, signatures] = parsed.args as unknown as [
      bigint,
      string,
      bigint[],
      string,
      bigint,
      string[],
    ];
    return {
      settlement: {
        epoch,
        root,
        cumulativeTotals: [...totals],
        dataUriHash: keccak256(toUtf8Bytes(dataUri)),
        deadline,
      },
      signatures: [...signatures],
    };
  }
  throw new NotFoundError(
    `found no direct submitSettlement transaction of epoch ${dispute.epoch} with root ${dispute.root}: pass the settlement and its signatures explicitly`,
  );
}

/**
 * Upholds dispute `disputeId` (governance): drops the settlement and slashes its signers. Without
 * `evidence`, the signatures are read from the settlement's submission.
 * @throws {ContractRevertError} not governance, the dispute is not open or its time ran out, wrong evidence.
 */
export async function upholdDispute(
  tributary: TributaryContracts,
  parameters: { disputeId: bigint; evidence?: DisputedSettlementEvidence },
): Promise<{ transactionHash: string; slashed: bigint }> {
  const evidence = parameters.evidence ?? (await findDisputedSettlementEvidence(tributary, parameters.disputeId));
  const disputes = settlementDisputesOf(tributary, requireSigner(tributary));
  const receipt = await send(`uphold dispute ${parameters.disputeId}`, () =>
    disputes.uphold(parameters.disputeId, evidence.settlement, evidence.signatures),
  );
  let slashed = 0n;
  for (const log of receipt.logs) {
    const parsed = disputes.interface.parseLog(log);
    if (parsed?.name === "DisputeUpheld") slashed = parsed.args.slashed as bigint;
  }
  return { transactionHash: receipt.hash, slashed };
}

/** Rejects dispute `disputeId` (governance): the settlement activates and the bonds go to the treasury. */
export async function rejectDispute(tributary: TributaryContracts, disputeId: bigint): Promise<string> {
  const disputes = settlementDisputesOf(tributary, requireSigner(tributary));
  return (await send(`reject dispute ${disputeId}`, () => disputes.reject(disputeId))).hash;
}

/** Expires dispute `disputeId` once its resolution period passed (anyone): the settlement activates. */
export async function expireDispute(tributary: TributaryContracts, disputeId: bigint): Promise<string> {
  const disputes = settlementDisputesOf(tributary, requireSigner(tributary));
  return (await send(`expire dispute ${disputeId}`, () => disputes.expire(disputeId))).hash;
}

/**
 * Pays `disputer` (the signer by default) its bond back, plus its bounty share if the dispute was upheld.
 * @throws {ContractRevertError} `NothingToWithdraw`: open, rejected, already paid, or no bond.
 */
export async function withdrawDisputeBond(
  tributary: TributaryContracts,
  parameters: { disputeId: bigint; disputer?: string },
): Promise<string> {
  const signer = requireSigner(tributary);
  const disputer = requireAddress(parameters.disputer ?? (await signer.getAddress()), "disputer");
  const disputes = settlementDisputesOf(tributary, signer);
  return (
    await send(`withdraw the bond of ${disputer} from dispute ${parameters.disputeId}`, () =>
      disputes.withdraw(parameters.disputeId, disputer),
    )
  ).hash;
}

import type { ContractTransactionResponse } from "ethers";
import { erc20At, type TributaryContracts } from "./contracts.js";
import { NotFoundError, wrapCall } from "./errors.js";
import { encodeRecords, type AttributionRecord } from "./records.js";
import { requireSigner } from "./registration.js";
import { requireAmount, requireBytes32 } from "./validation.js";

async function send(action: string, tx: () => Promise<ContractTransactionResponse>) {
  return wrapCall(action, async () => (await (await tx()).wait())!);
}

/**
 * Approves and bonds `amount` of the stake token for the signer.
 * @example
 * await stake(tributary, { amount: 1_000n * 10n ** 18n });
 */
export async function stake(tributary: TributaryContracts, parameters: { amount: bigint | string }): Promise<string> {
  const amount = requireAmount(parameters.amount);
  const signer = requireSigner(tributary);
  const token = erc20At(await tributary.staking.STAKE_TOKEN(), signer);
  const owner = await signer.getAddress();
  if ((await token.allowance(owner, await tributary.staking.getAddress())) < amount) {
    await send("approve stake token", () => token.approve(tributary.staking.getAddress(), amount));
  }
  return (await send("stake", () => tributary.staking.stake(amount))).hash;
}

/** Starts unbonding `amount` of the signer's bonded stake. */
export async function requestUnstake(
  tributary: TributaryContracts,
  parameters: { amount: bigint | string },
): Promise<string> {
  const amount = requireAmount(parameters.amount);
  return (await send("requestUnstake", () => tributary.staking.requestUnstake(amount))).hash;
}

/** Withdraws the signer's unbonded stake once the unbonding period has passed. */
export async function withdrawStake(tributary: TributaryContracts): Promise<string> {
  return (await send("withdraw", () => tributary.staking.withdraw())).hash;
}

/**
 * Votes on a Pending contribution, named by its content hash, with the signer's active stake.
 * @example
 * await vote(tributary, { contentHash, accept: true });
 */
export async function vote(
  tributary: TributaryContracts,
  parameters: { contentHash: string; accept: boolean },
): Promise<string> {
  return (
    await send(`vote on contribution ${parameters.contentHash}`, () =>
      tributary.registry.vote(requireBytes32(parameters.contentHash, "content hash"), parameters.accept),
    )
  ).hash;
}

/** Result of {@link proposeBatch}. */
export interface ProposeBatchResult {
  batchId: bigint;
  transaction: string;
  /** True when the proposer's stake alone reached quorum. */
  final: boolean;
}

/**
 * Proposes an attribution batch. Records are checked locally first (shape rules), then on chain.
 * @example
 * const { batchId } = await proposeBatch(tributary, { records: [{ outputId, value: 100n, vector: [{ contributionId: 1n, weightBps: 10_000 }] }] });
 */
export async function proposeBatch(
  tributary: TributaryContracts,
  parameters: { records: AttributionRecord[] },
): Promise<ProposeBatchResult> {
  const data = encodeRecords(parameters.records);
  const receipt = await send("propose attribution batch", () => tributary.ledger.propose(data));
  let batchId: bigint | undefined;
  let final = false;
  for (const log of receipt.logs) {
    const parsed = tributary.ledger.interface.parseLog(log);
    if (parsed?.name === "BatchProposed") batchId = parsed.args.batchId as bigint;
    if (parsed?.name === "BatchDecided") final = Number(parsed.args.status) === 2;
  }
  if (batchId === undefined) throw new NotFoundError("the BatchProposed event is missing from the receipt");
  return { batchId, transaction: receipt.hash, final };
}

/** Attests (`support`) or rejects a Pending batch with the signer's active stake. */
export async function attestBatch(
  tributary: TributaryContracts,
  parameters: { batchId: bigint; support: boolean },
): Promise<string> {
  return (
    await send(`attest batch ${parameters.batchId}`, () =>
      tributary.ledger.attest(parameters.batchId, parameters.support),
    )
  ).hash;
}

/** Funds `epoch`'s reward pool with `amount` of the reward token (approving it first if needed). */
export async function fundEpoch(
  tributary: TributaryContracts,
  parameters: { epoch: bigint; amount: bigint | string },
): Promise<string> {
  const amount = requireAmount(parameters.amount);
  const signer = requireSigner(tributary);
  const token = erc20At(await tributary.distributor.REWARD_TOKEN(), signer);
  const owner = await signer.getAddress();
  const spender = await tributary.distributor.getAddress();
  if ((await token.allowance(owner, spender)) < amount) {
    await send("approve reward token", () => token.approve(spender, amount));
  }
  return (await send(`fund epoch ${parameters.epoch}`, () => tributary.distributor.fund(parameters.epoch, amount)))
    .hash;
}

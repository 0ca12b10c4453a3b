import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import {
  erc20At,
  fundPool,
  InvalidInputError,
  readPool,
  requireEpoch,
  requireTokenAmount,
  wrapCall,
  type TributaryContracts,
} from "../../client/index.js";
import { formatAmount, open, runAction, tokenInfo } from "./common.js";

/** Mirror `RewardDistributor.MAX_FUNDING_LEAD_EPOCHS` and `MAX_CUMULATIVE_TOTAL`. */
const MAX_FUNDING_LEAD_EPOCHS = 366n;
const MAX_CUMULATIVE_TOTAL = 2n ** 96n - 1n;

/**
 * Funds with an allowance of exactly `amount` when the existing one falls short, and puts the allowance
 * back to what it was afterwards if it changed: after a failed funding (nothing is left approved) and
 * after a successful one that replaced a smaller allowance.
 */
async function fundWithExactAllowance(
  tributary: TributaryContracts,
  p: { poolId: bigint; epoch: bigint; amount: bigint; token: string; funder: string },
): Promise<string> {
  const token = erc20At(p.token, tributary.runner);
  const spender = await tributary.distributor.getAddress();
  const previous = await token.allowance(p.funder, spender);
  const approved = previous < p.amount;
  if (approved) {
    await wrapCall(`approve ${p.token}`, async () => (await token.approve(spender, p.amount)).wait());
  }
  const restore = async () => {
    if (!approved || (await token.allowance(p.funder, spender)) === previous) return;
    await wrapCall(`restore the allowance of ${p.token}`, async () => (await token.approve(spender, previous)).wait());
  };
  let transaction: string;
  try {
    transaction = await fundPool(tributary, { poolId: p.poolId, epoch: p.epoch, amount: p.amount });
  } catch (error) {
    await restore();
    throw error;
  }
  await restore();
  return transaction;
}

export default async function fundTask(
  args: { pool: string; epoch: string; amount: string; deployment: string },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runAction(async () => {
    if (args.amount === "") {
      throw new InvalidInputError("--amount is required, in whole tokens of the pool's token (e.g. 1000 or 12.5)");
    }
    const poolId = requireEpoch(args.pool === "" ? "0" : args.pool, "--pool");
    const requestedEpoch = args.epoch === "" ? undefined : requireEpoch(args.epoch, "--epoch");
    // Refuse a malformed amount before touching the network; its decimals are checked once the pool's
    // token is known.
    requireTokenAmount(args.amount, (args.amount.trim().split(".")[1] ?? "").length, "--amount");
    const { tributary } = await open(hre, args.deployment);
    const pool = await readPool(tributary, { poolId });
    const token = await tokenInfo(tributary, pool.token);
    if (!(await tributary.distributor.isTokenAllowed(pool.token))) {
      throw new InvalidInputError(
        `pool ${poolId} pays in ${token.symbol} (${pool.token}), which governance has disallowed: it takes no new funding`,
      );
    }
    let amount: bigint;
    try {
      amount = requireTokenAmount(args.amount, token.decimals, "--amount");
    } catch (error) {
      if (!(error instanceof InvalidInputError) || !/more than/.test(error.message)) throw error;
      throw new InvalidInputError(
        `--amount ${args.amount} has more decimals than pool ${poolId}'s token ${token.symbol} (${token.decimals} decimals)`,
        { cause: error },
      );
    }
    const signer = tributary.runner as { getAddress?: () => Promise<string> };
    if (typeof signer.getAddress !== "function") {
      throw new InvalidInputError("funding needs an account: configure one for this network in hardhat.config.ts");
    }
    const funder = await signer.getAddress();
    // Everything the contract would refuse is checked before the approval, so that a refusal leaves no
    // allowance behind.
    const [balance, current, paused, funded] = await Promise.all([
      erc20At(pool.token, tributary.runner).balanceOf(funder),
      tributary.distributor.currentEpoch(),
      tributary.distributor.paused(),
      tributary.distributor.totalFundedOf(pool.token),
    ]);
    const epoch = requestedEpoch ?? current;
    if (epoch < current) {
      throw new InvalidInputError(
        `epoch ${epoch} is closed (the current epoch is ${current}); fund epoch ${current} or a later one`,
      );
    }
    if (epoch > current + MAX_FUNDING_LEAD_EPOCHS) {
      throw new InvalidInputError(
        `epoch ${epoch} is too far ahead: pools can be funded up to ${MAX_FUNDING_LEAD_EPOCHS} epochs ahead (epoch ${current + MAX_FUNDING_LEAD_EPOCHS})`,
      );
    }
    if (balance < amount) {
      throw new InvalidInputError(
        `${funder} holds ${formatAmount(balance, token)}, less than the ${formatAmount(amount, token)} to fund pool ${poolId} with`,
      );
    }
    if (paused) throw new InvalidInputError("the distributor is paused: funding resumes once governance unpauses it");
    if (funded + amount > MAX_CUMULATIVE_TOTAL) {
      throw new InvalidInputError(
        `funding ${formatAmount(amount, token)} would take ${token.symbol}'s total funding past what a settlement can carry ` +
          `(${formatAmount(MAX_CUMULATIVE_TOTAL, token)})`,
      );
    }
    const transaction = await fundWithExactAllowance(tributary, { poolId, epoch, amount, token: pool.token, funder });
    console.log(
      `funded pool ${poolId}${poolId === 0n ? " (network)" : ""} for epoch ${epoch} with ${formatAmount(amount, token)} in ${transaction}`,
    );
  });
}

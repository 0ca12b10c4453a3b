import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import {
  erc20At,
  fundPool,
  InvalidInputError,
  readPool,
  requireEpoch,
  requireTokenAmount,
} from "../../client/index.js";
import { formatAmount, open, runAction, tokenInfo } from "./common.js";

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
    if (typeof signer.getAddress === "function") {
      const funder = await signer.getAddress();
      const balance = await erc20At(pool.token, tributary.runner).balanceOf(funder);
      if (balance < amount) {
        throw new InvalidInputError(
          `${funder} holds ${formatAmount(balance, token)}, less than the ${formatAmount(amount, token)} to fund pool ${poolId} with`,
        );
      }
    }
    const epoch = requestedEpoch ?? (await tributary.distributor.currentEpoch());
    const transaction = await fundPool(tributary, { poolId, epoch, amount });
    console.log(
      `funded pool ${poolId}${poolId === 0n ? " (network)" : ""} for epoch ${epoch} with ${formatAmount(amount, token)} in ${transaction}`,
    );
  });
}

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { erc20At, InvalidInputError, stake } from "../../client/index.js";
import { formatAmount, runAction, tokenInfo } from "./common.js";
import { checkAmountShape, checkFrom, openAs, parseAmount, required } from "./roleCommon.js";

export default async function stakeTask(
  args: { amount: string; from: string; deployment: string },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runAction(async () => {
    const text = required(args.amount, "--amount", "the stake to bond, in whole stake tokens (e.g. 1000 or 12.5)");
    checkAmountShape(text);
    checkFrom(args.from);
    const { tributary, address } = await openAs(hre, args.deployment, args.from);
    const token = await tokenInfo(tributary, await tributary.staking.STAKE_TOKEN());
    const amount = parseAmount(text, token);
    const balance = await erc20At(token.address, tributary.runner).balanceOf(address);
    if (balance < amount) {
      throw new InvalidInputError(
        `${address} holds ${formatAmount(balance, token)}, less than the ${formatAmount(amount, token)} to stake`,
      );
    }
    const [validator, minStake] = await Promise.all([
      tributary.staking.validators(address),
      tributary.staking.minStake(),
    ]);
    if (validator.bonded + amount < minStake) {
      throw new InvalidInputError(
        `staking ${formatAmount(amount, token)} would leave ${address} with ${formatAmount(validator.bonded + amount, token)} ` +
          `bonded, below the minimum stake of ${formatAmount(minStake, token)}`,
      );
    }
    const transaction = await stake(tributary, { amount });
    const after = await tributary.staking.validators(address);
    console.log(
      `staked ${formatAmount(amount, token)} for ${address}: bonded ${formatAmount(after.bonded, token)} in ${transaction}`,
    );
  });
}

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { InvalidInputError, requestUnstake } from "../../client/index.js";
import { formatAmount, runAction, tokenInfo } from "./common.js";
import { checkAmountShape, checkFrom, formatTime, openAs, parseAmount, required } from "./roleCommon.js";

export default async function unstakeTask(
  args: { amount: string; from: string; deployment: string },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runAction(async () => {
    const text = required(args.amount, "--amount", "the bonded stake to start unbonding, in whole stake tokens");
    checkAmountShape(text);
    checkFrom(args.from);
    const { tributary, address } = await openAs(hre, args.deployment, args.from);
    const token = await tokenInfo(tributary, await tributary.staking.STAKE_TOKEN());
    const amount = parseAmount(text, token);
    const [validator, minStake] = await Promise.all([
      tributary.staking.validators(address),
      tributary.staking.minStake(),
    ]);
    if (validator.bonded < amount) {
      throw new InvalidInputError(
        `${address} has ${formatAmount(validator.bonded, token)} bonded, less than the ${formatAmount(amount, token)} to unstake`,
      );
    }
    const left = validator.bonded - amount;
    if (left > 0n && left < minStake) {
      throw new InvalidInputError(
        `unstaking ${formatAmount(amount, token)} would leave ${formatAmount(left, token)} bonded, below the minimum ` +
          `stake of ${formatAmount(minStake, token)}; unstake all ${formatAmount(validator.bonded, token)} or at most ` +
          `${formatAmount(validator.bonded - minStake, token)}`,
      );
    }
    const transaction = await requestUnstake(tributary, { amount });
    const after = await tributary.staking.validators(address);
    console.log(
      `${address} started unbonding ${formatAmount(amount, token)} (bonded ${formatAmount(after.bonded, token)}, ` +
        `unbonding ${formatAmount(after.unbonding, token)}, withdrawable from ${formatTime(after.unbondingReleaseAt)}) in ${transaction}`,
    );
  });
}

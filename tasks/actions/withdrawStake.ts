import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { erc20At, InvalidInputError, withdrawStake } from "../../client/index.js";
import { formatAmount, runAction, tokenInfo } from "./common.js";
import { checkFrom, formatDuration, formatTime, openAs } from "./roleCommon.js";

export default async function withdrawStakeTask(
  args: { from: string; deployment: string },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runAction(async () => {
    checkFrom(args.from);
    const { connection, tributary, address } = await openAs(hre, args.deployment, args.from);
    const token = await tokenInfo(tributary, await tributary.staking.STAKE_TOKEN());
    const validator = await tributary.staking.validators(address);
    const now = BigInt((await connection.ethers.provider.getBlock("latest"))!.timestamp);
    const releasedNow =
      validator.released + (validator.unbonding > 0n && validator.unbondingReleaseAt <= now ? validator.unbonding : 0n);
    if (releasedNow === 0n) {
      throw new InvalidInputError(
        validator.unbonding > 0n
          ? `${address} has ${formatAmount(validator.unbonding, token)} unbonding, withdrawable from ` +
            `${formatTime(validator.unbondingReleaseAt)}, in ${formatDuration(validator.unbondingReleaseAt - now)}`
          : `${address} has no stake to withdraw: request it first with tributary:unstake`,
      );
    }
    const stakeToken = erc20At(token.address, tributary.runner);
    const before = await stakeToken.balanceOf(address);
    const transaction = await withdrawStake(tributary);
    const paid = (await stakeToken.balanceOf(address)) - before;
    console.log(`withdrew ${formatAmount(paid, token)} of released stake to ${address} in ${transaction}`);
  });
}

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { erc20At, fundEpoch, InvalidInputError, requireEpoch, requireTokenAmount } from "../../client/index.js";
import { open, runAction } from "./common.js";

export default async function fundTask(
  args: { epoch: string; amount: string; deployment: string },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runAction(async () => {
    if (args.amount === "") throw new InvalidInputError("--amount is required, in whole tokens (e.g. 1000)");
    const requestedEpoch = args.epoch === "" ? undefined : requireEpoch(args.epoch);
    // Refuse a malformed amount before touching the network; decimals are checked once known.
    requireTokenAmount(args.amount, 36, "--amount");
    const { tributary } = await open(hre, args.deployment);
    const token = erc20At(await tributary.distributor.REWARD_TOKEN(), tributary.runner);
    const amount = requireTokenAmount(args.amount, Number(await token.decimals()), "--amount");
    const epoch = requestedEpoch ?? (await tributary.distributor.currentEpoch());
    const transaction = await fundEpoch(tributary, { epoch, amount });
    console.log(`funded epoch ${epoch} with ${args.amount} tokens in ${transaction}`);
  });
}

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { InvalidInputError } from "../../client/index.js";
import { runAction } from "./common.js";
import { formatDuration, formatTime, notLocalDevChain, parseDuration } from "./roleCommon.js";

export default async function timeTask(args: { advance: string }, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runAction(async () => {
    if (args.advance === "") {
      throw new InvalidInputError("--advance is required: how far to move the clock, e.g. 1d, 3h, 90m or 3600");
    }
    const seconds = parseDuration(args.advance);
    const connection = await hre.network.create();
    const refusal = await notLocalDevChain(connection);
    if (refusal !== undefined) {
      throw new InvalidInputError(`tributary:time only moves the clock of a local dev chain: ${refusal}`);
    }
    const provider = connection.ethers.provider;
    const before = (await provider.getBlock("latest"))!.timestamp;
    await provider.send("evm_increaseTime", [seconds]);
    await provider.send("evm_mine", []);
    const after = (await provider.getBlock("latest"))!.timestamp;
    console.log(
      `advanced the chain's clock by ${formatDuration(seconds)}: latest block at ${formatTime(after)}, was ${formatTime(before)}`,
    );
  });
}

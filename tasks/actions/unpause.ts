import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { runAction } from "./common.js";
import { setPaused } from "./pause.js";

export default async function unpauseTask(
  args: { contract: string; from: string; deployment: string },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runAction(() => setPaused(args, hre, false));
}

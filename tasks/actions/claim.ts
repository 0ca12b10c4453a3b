import { formatUnits } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { claim, claimable, requireAddress } from "../../client/index.js";
import { open, readArtifact, runAction } from "./common.js";

export default async function claimTask(
  args: { account: string; artifact: string; deployment: string },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runAction(async () => {
    const account = requireAddress(args.account, "--account");
    const artifact = await readArtifact(args.artifact);
    const { tributary } = await open(hre, args.deployment);
    const available = await claimable(tributary, artifact, account);
    if (available === 0n) {
      console.log(`${account} has nothing left to claim`);
      return;
    }
    const { paid, transaction } = await claim(tributary, artifact, account);
    console.log(`claimed ${formatUnits(paid, 18)} for ${account} in ${transaction}`);
  });
}

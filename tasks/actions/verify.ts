import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { InvalidInputError, requireEpoch, verify } from "../../client/index.js";
import { open, runAction } from "./common.js";

export default async function verifyTask(
  args: { epoch: string; deployment: string; confirmations: number },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runAction(async () => {
    if (args.epoch === "") throw new InvalidInputError("--epoch is required");
    const epoch = requireEpoch(args.epoch);
    if (args.confirmations < -1) throw new InvalidInputError("--confirmations must not be negative");
    const { tributary } = await open(hre, args.deployment);
    const index = args.confirmations >= 0 ? { confirmations: args.confirmations } : {};
    const result = await verify(tributary, { epoch, index });
    console.log(`recomputed root  ${result.computedRoot} (cumulative total ${result.computedTotal})`);
    console.log(
      `on-chain root    ${result.onChainRoot ?? "none"}${result.onChainTotal === undefined ? "" : ` (cumulative total ${result.onChainTotal})`}`,
    );
    if (result.matches) console.log(`epoch ${epoch}: MATCH`);
    else {
      console.error(`tributary: epoch ${epoch} does not match the chain`);
      process.exitCode = 1;
    }
  });
}

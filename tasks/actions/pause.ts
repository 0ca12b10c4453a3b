import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { send } from "../../client/src/chain/transactions.js";
import { runAction } from "./common.js";
import { checkFrom, governed, openAs, parseContracts, requireAdmin } from "./roleCommon.js";

/** Pauses (or, with `pause` false, unpauses) the named contracts, skipping those already so. */
export async function setPaused(
  args: { contract: string; from: string; deployment: string },
  hre: HardhatRuntimeEnvironment,
  pause: boolean,
): Promise<void> {
  const names = parseContracts(args.contract, { pausable: true });
  checkFrom(args.from);
  const { tributary, address } = await openAs(hre, args.deployment, args.from);
  await requireAdmin(tributary, names, address);
  for (const name of names) {
    const contract = governed(tributary, name);
    if ((await contract.paused()) === pause) {
      console.log(`${name} is already ${pause ? "paused" : "unpaused"}`);
      continue;
    }
    const receipt = await send(`${pause ? "pause" : "unpause"} the ${name}`, () =>
      pause ? contract.pause() : contract.unpause(),
    );
    console.log(`${pause ? "paused" : "unpaused"} the ${name} (${await contract.getAddress()}) in ${receipt.hash}`);
  }
}

export default async function pauseTask(
  args: { contract: string; from: string; deployment: string },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runAction(() => setPaused(args, hre, true));
}

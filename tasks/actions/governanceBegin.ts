import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { InvalidInputError, requireAddress } from "../../client/index.js";
import { send } from "../../client/src/chain/transactions.js";
import { runAction } from "./common.js";
import { checkFrom, governed, openAs, parseContracts, requireAdmin } from "./roleCommon.js";
import { describeSchedule } from "./governanceSchedule.js";

export default async function governanceBeginTask(
  args: { to: string; contract: string; from: string; deployment: string },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runAction(async () => {
    if (args.to === "") throw new InvalidInputError("--to is required: the address that will become governance");
    const to = requireAddress(args.to, "--to");
    parseContracts(args.contract);
    checkFrom(args.from);
    const { connection, tributary, address } = await openAs(hre, args.deployment, args.from);
    const names = parseContracts(args.contract, { tributary });
    await requireAdmin(tributary, names, address);
    if (to === address) throw new InvalidInputError(`--to ${to} is already governance: nothing to transfer`);
    for (const name of names) {
      const contract = governed(tributary, name);
      const receipt = await send(`begin the ${name}'s governance transfer`, () =>
        contract.beginDefaultAdminTransfer(to),
      );
      console.log(`began the ${name}'s governance transfer in ${receipt.hash}`);
      console.log(`  ${await describeSchedule(connection, tributary, name)}`);
    }
  });
}

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { ZeroAddress } from "ethers";
import { InvalidInputError } from "../../client/index.js";
import { send } from "../../client/src/chain/transactions.js";
import { runAction } from "./common.js";
import { checkFrom, governed, openAs, parseContracts, requireAdmin } from "./roleCommon.js";
import { describeSchedule } from "./governanceSchedule.js";

export default async function governanceCancelTask(
  args: { contract: string; from: string; deployment: string },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runAction(async () => {
    parseContracts(args.contract);
    checkFrom(args.from);
    const { connection, tributary, address } = await openAs(hre, args.deployment, args.from);
    const names = parseContracts(args.contract, { tributary });
    await requireAdmin(tributary, names, address);
    const pending = [];
    for (const name of names) {
      if ((await governed(tributary, name).pendingDefaultAdmin())[0] !== ZeroAddress) pending.push(name);
    }
    if (pending.length === 0) {
      throw new InvalidInputError(`no governance transfer is pending on the ${names.join(", ")}: nothing to cancel`);
    }
    for (const name of names) {
      if (!pending.includes(name)) {
        console.log(`the ${name} has no governance transfer pending`);
        continue;
      }
      const receipt = await send(`cancel the ${name}'s governance transfer`, () =>
        governed(tributary, name).cancelDefaultAdminTransfer(),
      );
      console.log(`cancelled the ${name}'s governance transfer in ${receipt.hash}`);
      console.log(`  ${await describeSchedule(connection, tributary, name)}`);
    }
  });
}

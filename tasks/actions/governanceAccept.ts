import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { getAddress, ZeroAddress } from "ethers";
import { InvalidInputError } from "../../client/index.js";
import { send } from "../../client/src/chain/transactions.js";
import { runAction } from "./common.js";
import { checkFrom, formatDuration, formatTime, governed, openAs, parseContracts } from "./roleCommon.js";
import { chainTime, describeSchedule } from "./governanceSchedule.js";

export default async function governanceAcceptTask(
  args: { contract: string; from: string; deployment: string },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runAction(async () => {
    parseContracts(args.contract);
    checkFrom(args.from);
    const { connection, tributary, address } = await openAs(hre, args.deployment, args.from);
    const names = parseContracts(args.contract, { tributary });
    const now = await chainTime(connection);
    // Check every contract first, so that a refusal leaves none half-transferred.
    for (const name of names) {
      const [pending, schedule] = await governed(tributary, name).pendingDefaultAdmin();
      if (pending === ZeroAddress) {
        throw new InvalidInputError(`the ${name} has no governance transfer pending; governance begins one first`);
      }
      if (getAddress(pending) !== address) {
        throw new InvalidInputError(
          `the ${name}'s pending governance is ${pending}, not ${address}; pass --from with that account`,
        );
      }
      if (schedule > now) {
        throw new InvalidInputError(
          `the ${name}'s governance transfer can be accepted from ${formatTime(schedule)}, in ${formatDuration(schedule - now)}`,
        );
      }
    }
    for (const name of names) {
      const contract = governed(tributary, name);
      const receipt = await send(`accept the ${name}'s governance`, () => contract.acceptDefaultAdminTransfer());
      console.log(`accepted the ${name}'s governance in ${receipt.hash}`);
      console.log(`  ${await describeSchedule(connection, tributary, name)}`);
    }
  });
}

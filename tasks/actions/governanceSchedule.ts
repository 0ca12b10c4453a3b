import type { NetworkConnection } from "hardhat/types/network";
import { ZeroAddress } from "ethers";
import type { TributaryContracts } from "../../client/index.js";
import { formatDuration, formatTime, governed, type ContractName } from "./roleCommon.js";

/** The chain's latest block time. */
export async function chainTime(connection: NetworkConnection): Promise<bigint> {
  return BigInt((await connection.ethers.provider.getBlock("latest"))!.timestamp);
}

/** One line on a contract's governance: its admin and any pending transfer with its schedule. */
export async function describeSchedule(
  connection: NetworkConnection,
  tributary: TributaryContracts,
  name: ContractName,
): Promise<string> {
  const contract = governed(tributary, name);
  const [admin, [pending, schedule], now] = await Promise.all([
    contract.defaultAdmin(),
    contract.pendingDefaultAdmin(),
    chainTime(connection),
  ]);
  if (pending === ZeroAddress) return `${name}: governance ${admin}, no transfer pending`;
  const when =
    schedule > now
      ? `acceptable from ${formatTime(schedule)}, in ${formatDuration(schedule - now)}`
      : `acceptable now (since ${formatTime(schedule)})`;
  return `${name}: governance ${admin}, transfer to ${pending} pending, ${when}`;
}

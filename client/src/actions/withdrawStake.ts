import type { TributaryContracts } from "./contracts.js";
import { send } from "./internal/transactions.js";

/** Withdraws the signer's unbonded stake once the unbonding period has passed. */
export async function withdrawStake(tributary: TributaryContracts): Promise<string> {
  return (await send("withdraw", () => tributary.staking.withdraw())).hash;
}

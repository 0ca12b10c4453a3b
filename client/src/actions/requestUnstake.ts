import type { TributaryContracts } from "./contracts.js";
import { requireAmount } from "./validation.js";
import { send } from "./internal/transactions.js";

/** Parameters of {@link requestUnstake}. */
export interface RequestUnstakeParameters {
  /** Stake-token base units to move from bonded to unbonding. */
  amount: bigint | string;
}

/** Starts unbonding `amount` of the signer's bonded stake. */
export async function requestUnstake(
  tributary: TributaryContracts,
  parameters: RequestUnstakeParameters,
): Promise<string> {
  const amount = requireAmount(parameters.amount);
  return (await send("requestUnstake", () => tributary.staking.requestUnstake(amount))).hash;
}

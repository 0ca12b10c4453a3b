import type { TributaryContracts } from "../chain/contracts.js";
import { requireAmount } from "../rules/validation.js";
import { send } from "../chain/transactions.js";

/** Parameters of {@link requestUnstake}. */
export interface RequestUnstakeParameters {
  /** Stake-token base units to move from bonded to unbonding. */
  amount: bigint | string;
}

/** The transaction's hash. */
export type RequestUnstakeResult = string;

/**
 * Starts unbonding `amount` of the signer's bonded stake.
 * @throws {InvalidInputError} a malformed amount.
 * @throws {ContractRevertError} the staking contract refused (e.g. more than staked).
 */
export async function requestUnstake(
  tributary: TributaryContracts,
  parameters: RequestUnstakeParameters,
): Promise<RequestUnstakeResult> {
  const amount = requireAmount(parameters.amount);
  return (await send("requestUnstake", () => tributary.staking.requestUnstake(amount))).hash;
}

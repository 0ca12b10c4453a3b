import type { TributaryContracts } from "../chain/contracts.js";
import { send } from "../chain/transactions.js";

/** The transaction's hash. */
export type WithdrawStakeResult = string;

/** {@link withdrawStake} takes no parameters. */
export type WithdrawStakeParameters = Record<string, never>;

/**
 * Withdraws the signer's unbonded stake once the unbonding period has passed.
 * @throws {ContractRevertError} nothing is withdrawable yet.
 */
export async function withdrawStake(
  tributary: TributaryContracts,
  _parameters: WithdrawStakeParameters = {},
): Promise<WithdrawStakeResult> {
  return (await send("withdraw", () => tributary.staking.withdraw())).hash;
}

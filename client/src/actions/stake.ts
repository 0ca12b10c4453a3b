import { erc20At, type TributaryContracts } from "../chain/contracts.js";
import { requireAmount } from "../rules/validation.js";
import { requireSigner } from "../chain/signer.js";
import { send } from "../chain/transactions.js";

/** Parameters of {@link stake}. */
export interface StakeParameters {
  /** Stake-token base units to bond. */
  amount: bigint | string;
}

/** The staking transaction's hash. */
export type StakeResult = string;

/**
 * Approves and bonds `amount` of the stake token for the signer.
 * @example
 * await stake(tributary, { amount: 1_000n * 10n ** 18n });
 * @throws {InvalidInputError} a malformed amount, or a runner without a Signer.
 * @throws {ContractRevertError} the token or the staking contract refused.
 */
export async function stake(tributary: TributaryContracts, parameters: StakeParameters): Promise<StakeResult> {
  const amount = requireAmount(parameters.amount);
  const signer = requireSigner(tributary);
  const token = erc20At(await tributary.staking.STAKE_TOKEN(), signer);
  const owner = await signer.getAddress();
  if ((await token.allowance(owner, await tributary.staking.getAddress())) < amount) {
    await send("approve stake token", () => token.approve(tributary.staking.getAddress(), amount));
  }
  return (await send("stake", () => tributary.staking.stake(amount))).hash;
}

import { erc20At, type TributaryContracts } from "./contracts.js";
import { requireAmount } from "./validation.js";
import { requireSigner } from "./signer.js";
import { send } from "./internal/transactions.js";

/** Parameters of {@link stake}. */
export interface StakeParameters {
  /** Stake-token base units to bond. */
  amount: bigint | string;
}

/**
 * Approves and bonds `amount` of the stake token for the signer.
 * @example
 * await stake(tributary, { amount: 1_000n * 10n ** 18n });
 */
export async function stake(tributary: TributaryContracts, parameters: StakeParameters): Promise<string> {
  const amount = requireAmount(parameters.amount);
  const signer = requireSigner(tributary);
  const token = erc20At(await tributary.staking.STAKE_TOKEN(), signer);
  const owner = await signer.getAddress();
  if ((await token.allowance(owner, await tributary.staking.getAddress())) < amount) {
    await send("approve stake token", () => token.approve(tributary.staking.getAddress(), amount));
  }
  return (await send("stake", () => tributary.staking.stake(amount))).hash;
}

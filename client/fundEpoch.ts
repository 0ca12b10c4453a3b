import { erc20At, type TributaryContracts } from "./contracts.js";
import { requireAmount } from "./validation.js";
import { requireSigner } from "./signer.js";
import { send } from "./internal/transactions.js";

/** Parameters of {@link fundEpoch}. */
export interface FundEpochParameters {
  /** The current epoch or a later one. */
  epoch: bigint;
  /** Reward-token base units. */
  amount: bigint | string;
}

/** Funds `epoch`'s reward pool with `amount` of the reward token (approving it first if needed). */
export async function fundEpoch(tributary: TributaryContracts, parameters: FundEpochParameters): Promise<string> {
  const amount = requireAmount(parameters.amount);
  const signer = requireSigner(tributary);
  const token = erc20At(await tributary.distributor.REWARD_TOKEN(), signer);
  const owner = await signer.getAddress();
  const spender = await tributary.distributor.getAddress();
  if ((await token.allowance(owner, spender)) < amount) {
    await send("approve reward token", () => token.approve(spender, amount));
  }
  return (await send(`fund epoch ${parameters.epoch}`, () => tributary.distributor.fund(parameters.epoch, amount)))
    .hash;
}

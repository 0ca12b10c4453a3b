import { erc20At, type TributaryContracts } from "../chain/contracts.js";
import { InvalidInputError } from "../rules/errors.js";
import { requireAmount, requireEpoch } from "../rules/validation.js";
import { requireSigner } from "../chain/signer.js";
import { send } from "../chain/transactions.js";
import { readPool } from "./readPool.js";

/** Parameters of {@link fundPool}. */
export interface FundPoolParameters {
  /** The pool; 0 is the network pool. */
  poolId: bigint | number | string;
  /** The current epoch or a later one. */
  epoch: bigint | number | string;
  /** Base units of the pool's token. */
  amount: bigint | string;
}

/** The funding transaction's hash. */
export type FundPoolResult = string;

/**
 * Funds pool `poolId` for `epoch` with `amount` of the pool's token, approving it first if needed.
 * Only what the distributor receives is credited (a fee-on-transfer token credits less).
 * @returns The funding transaction's hash.
 * @example
 * await fundPool(asDapp, { poolId: 1n, epoch: 3n, amount: 10n ** 18n });
 * @throws {InvalidInputError} a malformed amount or epoch, a closed epoch, a token closed to funding, or no Signer.
 * @throws {NotFoundError} no pool has this id.
 * @throws {ContractRevertError} the token or the distributor refused the approval or the funding.
 */
export async function fundPool(tributary: TributaryContracts, parameters: FundPoolParameters): Promise<FundPoolResult> {
  const amount = requireAmount(parameters.amount);
  const epoch = requireEpoch(parameters.epoch);
  const signer = requireSigner(tributary);
  const pool = await readPool(tributary, { poolId: parameters.poolId });
  if (!(await tributary.distributor.isTokenAllowed(pool.token))) {
    throw new InvalidInputError(
      `pool ${pool.poolId} pays in ${pool.token}, which governance has closed to funding (disallowToken); ` +
        "fund another pool",
    );
  }
  const current = await tributary.distributor.currentEpoch();
  if (epoch < current) {
    throw new InvalidInputError(
      `epoch ${epoch} is closed (the current epoch is ${current}); fund epoch ${current} or a later one`,
    );
  }
  const token = erc20At(pool.token, signer);
  const owner = await signer.getAddress();
  const spender = await tributary.distributor.getAddress();
  if ((await token.allowance(owner, spender)) < amount) {
    await send(`approve ${pool.token}`, () => token.approve(spender, amount));
  }
  return (
    await send(`fund pool ${pool.poolId} for epoch ${epoch}`, () =>
      tributary.distributor.fund(pool.poolId, epoch, amount),
    )
  ).hash;
}

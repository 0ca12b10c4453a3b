import type { TributaryContracts } from "../chain/contracts.js";
import { InvalidInputError, NotFoundError } from "../rules/errors.js";
import { requireAddress } from "../rules/validation.js";
import { requireSigner } from "../chain/signer.js";
import { send } from "../chain/transactions.js";

/** Most datanets a pool may be limited to; mirrors `RewardDistributor.MAX_POOL_DATANETS`. */
export const MAX_POOL_DATANETS = 8;

/** Parameters of {@link createPool}. */
export interface CreatePoolParameters {
  /** An allowlisted token the pool pays in. */
  token: string;
  /** Datanets the pool's records may draw on; omitted or empty for every datanet. */
  datanets?: (bigint | number)[];
}

/** The new pool's id. */
export type CreatePoolResult = bigint;

/**
 * Creates a pool owned by the signer (a dapp), paying in `token`, and returns its id. Records that
 * name the pool share only its funds; an idle pool's balance is owed back to its owner.
 * @example
 * const poolId = await createPool(asDapp, { token: usdc, datanets: [1n] });
 * @throws {InvalidInputError} a malformed or unlisted token, bad datanets, or a runner without a Signer.
 * @throws {ContractRevertError} the distributor refused.
 */
export async function createPool(
  tributary: TributaryContracts,
  parameters: CreatePoolParameters,
): Promise<CreatePoolResult> {
  requireSigner(tributary);
  const token = requireAddress(parameters.token, "token");
  const datanets = (parameters.datanets ?? []).map((d) => BigInt(d));
  if (datanets.length > MAX_POOL_DATANETS) {
    throw new InvalidInputError(
      `a pool may be limited to at most ${MAX_POOL_DATANETS} datanets, got ${datanets.length}`,
    );
  }
  datanets.forEach((d, i) => {
    if (d <= 0n || d >= 2n ** 24n) throw new InvalidInputError(`datanet ${d} is not a datanet id (1 to 2^24 - 1)`);
    if (i > 0 && d <= datanets[i - 1]!) {
      throw new InvalidInputError("datanets must be listed in strictly increasing order, without repeats");
    }
  });
  if (!(await tributary.distributor.isTokenAllowed(token))) {
    const listed = await tributary.distributor.tokens();
    throw new InvalidInputError(
      `token ${token} is not allowed for new pools; governance lists tokens with allowToken (listed: ${listed.join(", ") || "none"})`,
    );
  }
  const receipt = await send("create pool", () => tributary.distributor.createPool(token, datanets));
  for (const log of receipt.logs) {
    const parsed = tributary.distributor.interface.parseLog(log);
    if (parsed?.name === "PoolCreated") return parsed.args.poolId as bigint;
  }
  throw new NotFoundError("the PoolCreated event is missing from the receipt");
}

import { getAddress } from "ethers";
import type { TributaryContracts } from "../chain/contracts.js";
import { NotFoundError } from "../rules/errors.js";
import { requireEpoch } from "../rules/validation.js";
import type { PoolInfo } from "../rules/allocation.js";

/** Parameters of {@link readPool}. */
export interface ReadPoolParameters {
  /** The pool; 0 is the network pool. */
  poolId: bigint | number | string;
}

/** What {@link readPool} returns. */
export type ReadPoolResult = PoolInfo;

/**
 * Reads pool `poolId`.
 * @example
 * const { owner, token, datanets } = await readPool(tributary, { poolId: 1n });
 * @throws {InvalidInputError} the pool id is not a whole number.
 * @throws {NotFoundError} no pool has this id.
 */
export async function readPool(tributary: TributaryContracts, parameters: ReadPoolParameters): Promise<ReadPoolResult> {
  const poolId = requireEpoch(parameters.poolId, "poolId");
  const count = await tributary.distributor.poolCount();
  if (poolId >= count) {
    throw new NotFoundError(`pool ${poolId} does not exist: pools run from 0 (the network pool) to ${count - 1n}`);
  }
  const pool = await tributary.distributor.poolOf(poolId);
  return {
    poolId,
    owner: getAddress(pool.owner),
    token: getAddress(pool.token),
    datanets: pool.datanets.slice(0, Number(pool.datanetCount)).map((d) => BigInt(d)),
  };
}

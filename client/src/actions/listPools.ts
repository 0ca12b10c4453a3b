import type { TributaryContracts } from "../chain/contracts.js";
import type { PoolInfo } from "../rules/allocation.js";
import { readPool } from "./readPool.js";

/** {@link listPools} takes no parameters. */
export type ListPoolsParameters = Record<string, never>;

/** Every pool, the network pool first. */
export type ListPoolsResult = PoolInfo[];

/**
 * Every pool, the network pool first.
 * @example
 * const pools = await listPools(tributary);
 * @throws {TributaryError} the provider failed.
 */
export async function listPools(
  tributary: TributaryContracts,
  _parameters: ListPoolsParameters = {},
): Promise<ListPoolsResult> {
  const count = await tributary.distributor.poolCount();
  const out: PoolInfo[] = [];
  for (let id = 0n; id < count; id++) out.push(await readPool(tributary, { poolId: id }));
  return out;
}

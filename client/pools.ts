import { getAddress } from "ethers";
import { erc20At, type TributaryContracts } from "./contracts.js";
import { InvalidInputError, NotFoundError } from "./errors.js";
import { requireAddress, requireAmount, requireEpoch } from "./validation.js";
import { requireSigner } from "./signer.js";
import { send } from "./internal/transactions.js";
import type { PoolInfo } from "./allocation.js";

/** Most datanets a pool may be limited to; mirrors `RewardDistributor.MAX_POOL_DATANETS`. */
export const MAX_POOL_DATANETS = 8;

/** Parameters of {@link createPool}. */
export interface CreatePoolParameters {
  /** An allowlisted token the pool pays in. */
  token: string;
  /** Datanets the pool's records may draw on; omitted or empty for every datanet. */
  datanets?: (bigint | number)[];
}

/**
 * Creates a pool owned by the signer (a dapp), paying in `token`, and returns its id. Records that
 * name the pool share only its funds; an idle pool's balance is owed back to its owner.
 * @example
 * const poolId = await createPool(asDapp, { token: usdc, datanets: [1n] });
 */
export async function createPool(tributary: TributaryContracts, parameters: CreatePoolParameters): Promise<bigint> {
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

/** Reads pool `poolId`, or throws a {@link NotFoundError}. */
export async function readPool(
  tributary: TributaryContracts,
  poolIdInput: bigint | number | string,
): Promise<PoolInfo> {
  const poolId = requireEpoch(poolIdInput, "poolId");
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

/** Every pool, the network pool first. */
export async function listPools(tributary: TributaryContracts): Promise<PoolInfo[]> {
  const count = await tributary.distributor.poolCount();
  const out: PoolInfo[] = [];
  for (let id = 0n; id < count; id++) out.push(await readPool(tributary, id));
  return out;
}

/** Parameters of {@link fundPool}. */
export interface FundPoolParameters {
  /** The pool; 0 is the network pool. */
  poolId: bigint | number | string;
  /** The current epoch or a later one. */
  epoch: bigint | number | string;
  /** Base units of the pool's token. */
  amount: bigint | string;
}

/**
 * Funds pool `poolId` for `epoch` with `amount` of the pool's token, approving it first if needed.
 * Only what the distributor receives is credited (a fee-on-transfer token credits less).
 * @returns The funding transaction's hash.
 */
export async function fundPool(tributary: TributaryContracts, parameters: FundPoolParameters): Promise<string> {
  const amount = requireAmount(parameters.amount);
  const epoch = requireEpoch(parameters.epoch);
  const signer = requireSigner(tributary);
  const pool = await readPool(tributary, parameters.poolId);
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

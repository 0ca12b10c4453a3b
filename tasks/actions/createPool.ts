import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { createPool, InvalidInputError, readPool, requireAddress } from "../../client/index.js";
import { open, requireListedToken, runAction, tokenInfo } from "./common.js";

/** Parses `--datanets 1,3` into ids; empty means every datanet. */
export function parseDatanets(text: string): bigint[] {
  if (text.trim() === "") return [];
  return text.split(",").map((part) => {
    const value = part.trim();
    if (!/^\d+$/.test(value) || BigInt(value) === 0n) {
      throw new InvalidInputError(
        `--datanets must be a comma-separated list of datanet ids such as 1,3 (or omitted for every datanet), got "${text}"`,
      );
    }
    return BigInt(value);
  });
}

export default async function createPoolTask(
  args: { token: string; datanets: string; deployment: string },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runAction(async () => {
    if (args.token === "") {
      throw new InvalidInputError("--token is required: the allowlisted ERC-20 the pool pays in");
    }
    requireAddress(args.token, "--token");
    const datanets = parseDatanets(args.datanets);
    const { tributary } = await open(hre, args.deployment);
    const token = await requireListedToken(tributary, args.token);
    if (!(await tributary.distributor.isTokenAllowed(token))) {
      throw new InvalidInputError(`--token ${token} is listed but disallowed by governance: it takes no new pools`);
    }
    const known = BigInt(await tributary.registry.datanetCount());
    const unknown = datanets.find((d) => d > known);
    if (unknown !== undefined) {
      throw new InvalidInputError(
        `datanet ${unknown} does not exist: datanets run from 1 to ${known}; create it first with createDatanet`,
      );
    }
    const info = await tokenInfo(tributary, token);
    const poolId = await createPool(tributary, { token, datanets });
    const pool = await readPool(tributary, { poolId });
    console.log(
      `created pool ${poolId} owned by ${pool.owner}, paying in ${info.symbol} (${token}), ` +
        `for ${pool.datanets.length === 0 ? "every datanet" : `datanets ${pool.datanets.join(", ")}`}`,
    );
  });
}

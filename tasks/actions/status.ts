import { formatUnits, getAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { listPools } from "../../client/index.js";
import { formatAmount, open, runAction, tokenInfos } from "./common.js";

export default async function status(args: { deployment: string }, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runAction(async () => {
    const { tributary } = await open(hre, args.deployment);
    const { distributor, staking, registry, ledger } = tributary;
    const [current, next, [latest, pending], active, tokens, bonded, quorum, contributions, batches] =
      await Promise.all([
        distributor.currentEpoch(),
        distributor.nextEpochToSettle(),
        distributor.latestSettlement(),
        distributor.activeSettlement(),
        distributor.tokens(),
        staking.totalBonded(),
        staking.quorumStake(),
        registry.contributionCount(),
        ledger.batchCount(),
      ]);
    const info = await tokenInfos(tributary, tokens);
    console.log(`current epoch          ${current}`);
    console.log(`next epoch to settle   ${next}`);
    console.log(
      next === 0n
        ? "latest settlement      none"
        : `latest settlement      epoch ${latest.epoch}, root ${latest.root}, ${latest.tokenCount} token(s), ${pending ? `pending until ${latest.activatesAt}` : "active"}`,
    );
    console.log(`active root            ${active.root}`);

    console.log(`tokens (${tokens.length}, in settlement order):`);
    for (const [index, address] of tokens.entries()) {
      const token = info.get(getAddress(address))!;
      const [allowed, funded, fundedNow, claimed, activeTotal, latestTotal] = await Promise.all([
        distributor.isTokenAllowed(address),
        distributor.totalFundedOf(address),
        distributor.fundedInEpoch(current, address),
        distributor.totalClaimedOf(address),
        distributor.activeTotalOf(address),
        distributor.latestTotalOf(address),
      ]);
      console.log(
        `  [${index}] ${token.symbol} ${getAddress(address)} (${token.decimals} decimals${allowed ? "" : ", disallowed"})`,
      );
      console.log(
        `      funded ${formatAmount(funded, token)} (epoch ${current}: ${formatAmount(fundedNow, token)}), ` +
          `entitled ${formatAmount(activeTotal, token)} active / ${formatAmount(latestTotal, token)} latest, ` +
          `claimed ${formatAmount(claimed, token)}`,
      );
    }

    const pools = await listPools(tributary);
    console.log(`pools (${pools.length}):`);
    for (const pool of pools) {
      const token = info.get(pool.token);
      console.log(
        `  pool ${pool.poolId}${pool.poolId === 0n ? " (network)" : ""}  owner ${pool.poolId === 0n ? "none" : pool.owner}  ` +
          `token ${token?.symbol ?? pool.token}  datanets ${pool.datanets.length === 0 ? "all" : pool.datanets.join(",")}`,
      );
    }
    console.log(`bonded stake / quorum  ${formatUnits(bonded, 18)} / ${formatUnits(quorum, 18)}`);
    console.log(`contributions          ${contributions}`);
    console.log(`attribution batches    ${batches}`);
  });
}

import { getAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { listPools } from "../../client/index.js";
import {
  formatAmount,
  formatDuration,
  formatTime,
  isoTime,
  open,
  runAction,
  tokenInfo,
  tokenInfos,
  toJson,
} from "./common.js";

export default async function status(
  args: { deployment: string; json: boolean },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runAction(async () => {
    const { connection, tributary } = await open(hre, args.deployment);
    const { distributor, staking, registry, ledger } = tributary;
    const [current, next, [latest, pending], active, tokens, bonded, quorum, contributions, batches, stakeToken] =
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
        staking.STAKE_TOKEN(),
      ]);
    const [epochStart, epochEnd, block] = await Promise.all([
      distributor.epochStart(current),
      distributor.epochStart(current + 1n),
      connection.ethers.provider.getBlock("latest"),
    ]);
    const now = BigInt(block!.timestamp);
    const info = await tokenInfos(tributary, tokens);
    const stake = await tokenInfo(tributary, stakeToken);
    const tokenRows = [];
    for (const [index, address] of tokens.entries()) {
      const [allowed, funded, fundedNow, claimed, activeTotal, latestTotal] = await Promise.all([
        distributor.isTokenAllowed(address),
        distributor.totalFundedOf(address),
        distributor.fundedInEpoch(current, address),
        distributor.totalClaimedOf(address),
        distributor.activeTotalOf(address),
        distributor.latestTotalOf(address),
      ]);
      tokenRows.push({
        index,
        ...info.get(getAddress(address))!,
        allowed,
        funded,
        fundedThisEpoch: fundedNow,
        entitledActive: activeTotal,
        entitledLatest: latestTotal,
        claimed,
      });
    }
    const pools = await listPools(tributary);
    const settled = next > 0n;
    const frozen = settled && pending && latest.activatesAt === (await tributary.distributor.FROZEN());

    if (args.json) {
      console.log(
        toJson({
          chainId: tributary.deployment.chainId,
          distributor: tributary.deployment.distributor,
          chainTime: isoTime(now),
          currentEpoch: { epoch: current, start: isoTime(epochStart), end: isoTime(epochEnd) },
          nextEpochToSettle: next,
          latestSettlement: settled
            ? {
                epoch: latest.epoch,
                root: latest.root,
                tokenCount: latest.tokenCount,
                activatesAt: frozen ? null : isoTime(latest.activatesAt),
                pending,
                disputed: frozen,
              }
            : null,
          activeRoot: active.root,
          tokens: tokenRows,
          pools: pools.map((p) => ({ ...p, owner: p.poolId === 0n ? null : p.owner })),
          stake: { ...stake, bonded, quorum },
          contributions,
          attributionBatches: batches,
        }),
      );
      return;
    }

    console.log(`chain time             ${formatTime(now, now).replace(" (now)", "")}`);
    console.log(
      `current epoch          ${current}: ${formatTime(epochStart, now)} to ${formatTime(epochEnd, now)}, ` +
        `${formatDuration(epochEnd - epochStart)} long`,
    );
    console.log(`next epoch to settle   ${next}`);
    console.log(
      settled
        ? `latest settlement      epoch ${latest.epoch}, root ${latest.root}, ${latest.tokenCount} token(s), ` +
            (frozen
              ? "disputed: frozen until governance resolves the dispute"
              : pending
                ? `pending until ${formatTime(latest.activatesAt, now)}`
                : "active")
        : "latest settlement      none",
    );
    console.log(`active root            ${active.root}`);

    console.log(`tokens (${tokens.length}, in settlement order):`);
    for (const t of tokenRows) {
      console.log(`  [${t.index}] ${t.symbol} ${t.address} (${t.decimals} decimals${t.allowed ? "" : ", disallowed"})`);
      console.log(
        `      funded ${formatAmount(t.funded, t)} (epoch ${current}: ${formatAmount(t.fundedThisEpoch, t)}), ` +
          `entitled ${formatAmount(t.entitledActive, t)} active / ${formatAmount(t.entitledLatest, t)} latest, ` +
          `claimed ${formatAmount(t.claimed, t)}`,
      );
    }

    console.log(`pools (${pools.length}):`);
    for (const pool of pools) {
      const token = info.get(pool.token);
      console.log(
        `  pool ${pool.poolId}${pool.poolId === 0n ? " (network)" : ""}  owner ${pool.poolId === 0n ? "none" : pool.owner}  ` +
          `token ${token?.symbol ?? pool.token}  datanets ${pool.datanets.length === 0 ? "all" : pool.datanets.join(",")}`,
      );
    }
    console.log(`bonded stake / quorum  ${formatAmount(bonded, stake)} / ${formatAmount(quorum, stake)}`);
    console.log(`contributions          ${contributions}`);
    console.log(`attribution batches    ${batches}`);
  });
}

import { formatUnits } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { open, runAction } from "./common.js";

export default async function status(args: { deployment: string }, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runAction(async () => {
    const { tributary } = await open(hre, args.deployment);
    const { distributor, staking, registry, ledger } = tributary;
    const [current, next, [latest, pending], active, funded, claimed, bonded, quorum, contributions, batches] =
      await Promise.all([
        distributor.currentEpoch(),
        distributor.nextEpochToSettle(),
        distributor.latestSettlement(),
        distributor.activeSettlement(),
        distributor.totalFunded(),
        distributor.totalClaimed(),
        staking.totalBonded(),
        staking.quorumStake(),
        registry.contributionCount(),
        ledger.batchCount(),
      ]);
    const fmt = (v: bigint) => formatUnits(v, 18);
    console.log(`current epoch          ${current}`);
    console.log(`next epoch to settle   ${next}`);
    console.log(
      next === 0n
        ? "latest settlement      none"
        : `latest settlement      epoch ${latest.epoch}, root ${latest.root}, ${pending ? `pending until ${latest.activatesAt}` : "active"}`,
    );
    console.log(`active root            ${active.root}`);
    console.log(`funded / claimed       ${fmt(funded)} / ${fmt(claimed)}`);
    console.log(`bonded stake / quorum  ${fmt(bonded)} / ${fmt(quorum)}`);
    console.log(`contributions          ${contributions}`);
    console.log(`attribution batches    ${batches}`);
  });
}

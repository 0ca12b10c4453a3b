import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { disputeSettlement, InvalidInputError, requireEpoch, settlementDisputesOf } from "../../client/index.js";
import { formatAmount, runAction, tokenInfo } from "./common.js";
import { checkAmountShape, checkFrom, formatTime, openAs, parseAmount, required } from "./roleCommon.js";

/** `tributary:dispute`: disputes the pending settlement with a bond, or joins its open dispute. */
export default async function disputeTask(
  args: { epoch: string; evidence: string; maxBond: string; from: string; deployment: string },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runAction(async () => {
    const evidenceUri = required(args.evidence, "--evidence", "where your evidence is (a URI)");
    if (args.maxBond !== "") checkAmountShape(args.maxBond, "--max-bond");
    checkFrom(args.from);
    const { tributary, address } = await openAs(hre, args.deployment, args.from);
    const [latest, pending] = await tributary.distributor.latestSettlement();
    const next = await tributary.distributor.nextEpochToSettle();
    const epoch = args.epoch === "" ? latest.epoch : requireEpoch(args.epoch, "--epoch");
    if (next === 0n || latest.epoch !== epoch || !pending) {
      throw new InvalidInputError(
        next === 0n
          ? "no settlement has been submitted: there is nothing to dispute"
          : latest.epoch !== epoch
            ? `epoch ${epoch} is not the latest settlement (epoch ${latest.epoch}'s is): only the pending one can be disputed`
            : `epoch ${epoch}'s settlement is active since ${formatTime(latest.activatesAt)}: its challenge period is over`,
      );
    }
    const disputes = settlementDisputesOf(tributary);
    const token = await tokenInfo(tributary, await disputes.bondToken());
    const maxBond = args.maxBond === "" ? undefined : parseAmount(args.maxBond, token, "--max-bond");
    const result = await disputeSettlement(tributary, { epoch, root: latest.root, evidenceUri, maxBond });
    console.log(
      `${address} disputed epoch ${epoch}'s settlement (root ${latest.root}) with a bond of ` +
        `${formatAmount(result.bond, token)}: dispute ${result.disputeId}, in ${result.transactionHash}. ` +
        "The settlement is frozen until governance resolves the dispute.",
    );
  });
}

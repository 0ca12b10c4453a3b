import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { InvalidInputError, requireEpoch } from "../../client/index.js";
import { send } from "../../client/src/chain/transactions.js";
import { runAction } from "./common.js";
import { checkFrom, formatTime, openAs, requireAdmin } from "./roleCommon.js";

export default async function vetoTask(
  args: { epoch: string; from: string; deployment: string },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runAction(async () => {
    if (args.epoch === "")
      throw new InvalidInputError("--epoch is required: the epoch whose pending settlement to veto");
    const epoch = requireEpoch(args.epoch, "--epoch");
    checkFrom(args.from);
    const { tributary, address } = await openAs(hre, args.deployment, args.from);
    await requireAdmin(tributary, ["distributor"], address);
    const next = await tributary.distributor.nextEpochToSettle();
    const [latest, pending] = await tributary.distributor.latestSettlement();
    if (next === 0n || latest.epoch !== epoch || !pending) {
      throw new InvalidInputError(
        next === 0n
          ? `no settlement has been submitted: there is nothing to veto for epoch ${epoch}`
          : latest.epoch === epoch
            ? `epoch ${epoch}'s settlement is already active (since ${formatTime(latest.activatesAt)}): only a pending settlement can be vetoed`
            : `epoch ${epoch} has no pending settlement; the latest settlement is epoch ${latest.epoch}'s` +
              (pending ? `, pending until ${formatTime(latest.activatesAt)}` : ", already active"),
      );
    }
    if (latest.activatesAt === (await tributary.distributor.FROZEN())) {
      throw new InvalidInputError(
        `epoch ${epoch}'s settlement is frozen by an open dispute: decide it with tributary:resolve-dispute ` +
          "(--uphold drops it, as a veto would, and slashes its signers)",
      );
    }
    const receipt = await send(`veto epoch ${epoch}`, () => tributary.distributor.veto(epoch));
    console.log(`vetoed epoch ${epoch}'s settlement (root ${latest.root}) in ${receipt.hash}; settle it again`);
  });
}

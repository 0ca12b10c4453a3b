import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import {
  CONTRIBUTION_STATUS_NAMES,
  InvalidInputError,
  NotFoundError,
  requireBytes32,
  requireEpoch,
  vote,
  type TributaryContracts,
} from "../../client/index.js";
import { runAction } from "./common.js";
import { checkFrom, openAs } from "./roleCommon.js";

/** The content hash of contribution `id`, from its registration event. */
async function contentHashOfId(tributary: TributaryContracts, id: bigint): Promise<string> {
  const count = await tributary.registry.contributionCount();
  if (id === 0n || id > count) {
    throw new NotFoundError(
      count === 0n
        ? `contribution ${id} does not exist: nothing is registered yet`
        : `contribution ${id} does not exist: contributions run from 1 to ${count}`,
    );
  }
  const logs = await tributary.registry.queryFilter(
    tributary.registry.filters.ContributionRegistered(id),
    tributary.deployment.deployBlock,
  );
  const log = logs[0];
  if (!log) throw new NotFoundError(`the registration event of contribution ${id} is missing`);
  return log.args.contentHash.toLowerCase();
}

export default async function voteTask(
  args: { hash: string; id: string; accept: boolean; reject: boolean; from: string; deployment: string },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runAction(async () => {
    if ((args.hash === "") === (args.id === "")) {
      throw new InvalidInputError(
        "name the contribution with exactly one of --hash <content hash> and --id <contribution id>",
      );
    }
    if (args.accept === args.reject) throw new InvalidInputError("pass exactly one of --accept and --reject");
    const byHash = args.hash !== "" ? requireBytes32(args.hash, "--hash") : undefined;
    const byId = args.id !== "" ? requireEpoch(args.id, "--id") : undefined;
    checkFrom(args.from);
    const { tributary, address } = await openAs(hre, args.deployment, args.from);
    const contentHash = byHash ?? (await contentHashOfId(tributary, byId!));
    const record = await tributary.registry.contributionOf(contentHash);
    const status = CONTRIBUTION_STATUS_NAMES[Number(await tributary.registry.statusOf(contentHash))] ?? "None";
    const label = `contribution ${record.id === 0n ? contentHash : `${record.id} (${contentHash})`}`;
    if (status === "None") throw new NotFoundError(`no contribution is registered with content hash ${contentHash}`);
    if (byId !== undefined && BigInt(record.id) !== byId) {
      throw new InvalidInputError(
        `contribution ${byId} is history: its content hash was registered again as contribution ${record.id}`,
      );
    }
    if (status !== "Pending")
      throw new InvalidInputError(`${label} is ${status}: only Pending contributions take votes`);
    if (await tributary.registry.hasVoted(record.id, address)) {
      throw new InvalidInputError(`${address} has already voted on ${label}`);
    }
    const snapshot = BigInt(record.registeredAt) - 1n;
    const [power] = await tributary.staking.votingPowerAt(address, snapshot);
    if (power === 0n) {
      throw new InvalidInputError(
        `${address} had no bonded stake at ${label}'s snapshot (${snapshot}, the second before it was registered), ` +
          "so it cannot vote on it",
      );
    }
    const transaction = await vote(tributary, { contentHash, accept: args.accept });
    const after = CONTRIBUTION_STATUS_NAMES[Number(await tributary.registry.statusOf(contentHash))] ?? "None";
    console.log(
      `${address} voted to ${args.accept ? "accept" : "reject"} ${label} in ${transaction}; it is now ${after}`,
    );
  });
}

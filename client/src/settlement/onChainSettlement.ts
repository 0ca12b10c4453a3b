import type { TributaryContracts } from "./contracts.js";
import { SettlementError } from "./errors.js";
import { withRetry } from "./indexer.js";
import { rpc } from "./internal/rpc.js";

/** The settlement recorded on chain for `epoch` (not vetoed), if any. */
export async function onChainSettlement(
  tributary: TributaryContracts,
  epoch: bigint,
): Promise<
  | { root: string; cumulativeTotals: bigint[]; dataUri: string; activatesAt: bigint; transactionHash: string }
  | undefined
> {
  const next = await rpc("nextEpochToSettle", () => tributary.distributor.nextEpochToSettle());
  if (epoch >= next) return undefined;
  const filter = tributary.distributor.filters.SettlementSubmitted(epoch);
  const logs = await withRetry("eth_getLogs SettlementSubmitted", () =>
    tributary.distributor.queryFilter(filter, tributary.deployment.deployBlock),
  );
  const vetoLogs = await withRetry("eth_getLogs SettlementVetoed", () =>
    tributary.distributor.queryFilter(
      tributary.distributor.filters.SettlementVetoed(epoch),
      tributary.deployment.deployBlock,
    ),
  );
  const last = logs.at(-1);
  if (!last) throw new SettlementError(`epoch ${epoch} is settled but its SettlementSubmitted event was not found`);
  const vetoedAfter = vetoLogs.some(
    (v) => v.blockNumber > last.blockNumber || (v.blockNumber === last.blockNumber && v.index > last.index),
  );
  if (vetoedAfter) return undefined;
  return {
    root: last.args.root,
    cumulativeTotals: [...last.args.cumulativeTotals],
    dataUri: last.args.dataUri,
    activatesAt: last.args.activatesAt,
    transactionHash: last.transactionHash,
  };
}

import type { TributaryContracts } from "../chain/contracts.js";
import { SettlementError } from "../rules/errors.js";
import { withRetry } from "../chain/indexer.js";
import { rpc } from "../chain/rpc.js";
import { requireEpoch } from "../rules/validation.js";

/** Parameters of {@link onChainSettlement}. */
export interface OnChainSettlementParameters {
  epoch: bigint | number | string;
}

/** The settlement recorded on chain for an epoch, or undefined when none stands (unsettled or vetoed). */
export type OnChainSettlementResult =
  | { root: string; cumulativeTotals: bigint[]; dataUri: string; activatesAt: bigint; transactionHash: string }
  | undefined;

/**
 * The settlement recorded on chain for `epoch` (not vetoed), if any.
 * @example
 * const recorded = await onChainSettlement(tributary, { epoch: 0n });
 * @throws {InvalidInputError} the epoch is not a whole number.
 * @throws {SettlementError} the epoch is settled but its event cannot be found.
 * @throws {RpcError} the node kept failing.
 */
export async function onChainSettlement(
  tributary: TributaryContracts,
  parameters: OnChainSettlementParameters,
): Promise<OnChainSettlementResult> {
  const epoch = requireEpoch(parameters.epoch);
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

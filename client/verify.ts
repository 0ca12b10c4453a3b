import type { TributaryContracts } from "./contracts.js";
import type { IndexEventsParameters } from "./indexer.js";
import { requireEpoch } from "./validation.js";
import { computeEpochSettlement } from "./computeEpochSettlement.js";
import { onChainSettlement } from "./onChainSettlement.js";

/** Parameters of {@link verify}. */
export interface VerifyParameters {
  epoch: bigint | number | string;
  index?: IndexEventsParameters;
}

/** Result of {@link verify}. */
export interface VerifyResult {
  epoch: bigint;
  computedRoot: string;
  computedTotal: bigint;
  onChainRoot: string | undefined;
  onChainTotal: bigint | undefined;
  matches: boolean;
}
/**
 * Recomputes `epoch` from the chain and compares it with the root recorded on chain.
 * Anyone can run it: it needs only a Provider.
 */
export async function verify(tributary: TributaryContracts, parameters: VerifyParameters): Promise<VerifyResult> {
  const epoch = requireEpoch(parameters.epoch);
  const { tree, computation } = await computeEpochSettlement(tributary, epoch, parameters.index);
  const onChain = await onChainSettlement(tributary, epoch);
  return {
    epoch,
    computedRoot: tree.root,
    computedTotal: computation.cumulativeTotal,
    onChainRoot: onChain?.root,
    onChainTotal: onChain?.cumulativeTotal,
    matches:
      onChain !== undefined && onChain.root === tree.root && onChain.cumulativeTotal === computation.cumulativeTotal,
  };
}

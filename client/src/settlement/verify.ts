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
  /** Computed totals per covered token, in allowlist order. */
  computedTotals: bigint[];
  tokens: string[];
  onChainRoot: string | undefined;
  onChainTotals: bigint[] | undefined;
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
    computedTotals: computation.cumulativeTotals,
    tokens: computation.tokens.map((t) => t.token),
    onChainRoot: onChain?.root,
    onChainTotals: onChain?.cumulativeTotals,
    matches:
      onChain !== undefined &&
      onChain.root === tree.root &&
      onChain.cumulativeTotals.length === computation.cumulativeTotals.length &&
      onChain.cumulativeTotals.every((total, i) => total === computation.cumulativeTotals[i]),
  };
}

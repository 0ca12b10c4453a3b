import type { TributaryContracts } from "../chain/contracts.js";
import type { IndexEventsParameters } from "../chain/indexer.js";
import { requireEpoch } from "../rules/validation.js";
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
 * @example
 * const { matches } = await verify(tributary, { epoch: 0n });
 * @throws {InvalidInputError} the epoch is not a whole number.
 * @throws {SettlementError} the epoch has not closed, or its recorded settlement cannot be found.
 * @throws {RpcError} the node kept failing.
 */
export async function verify(tributary: TributaryContracts, parameters: VerifyParameters): Promise<VerifyResult> {
  const epoch = requireEpoch(parameters.epoch);
  const { tree, computation } = await computeEpochSettlement(tributary, {
    epoch,
    ...(parameters.index ? { index: parameters.index } : {}),
  });
  const onChain = await onChainSettlement(tributary, { epoch });
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

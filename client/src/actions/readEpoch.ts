import { getAddress } from "ethers";
import type { TributaryContracts } from "../chain/contracts.js";
import { requireEpoch } from "../rules/validation.js";

/** An epoch as a dapp shows it. */
export interface EpochView {
  epoch: bigint;
  /** Σ funded for the epoch per token (checksummed), over every pool; tokens with nothing are left out. */
  funded: Map<string, bigint>;
  /** `disputed`: pending, and frozen by an open dispute until governance resolves it. */
  state: "open" | "closed" | "pending" | "disputed" | "active";
  root?: string;
  activatesAt?: bigint;
}

/** Parameters of {@link readEpoch}. */
export interface ReadEpochParameters {
  epoch: bigint | number | string;
}

/** What {@link readEpoch} returns. */
export type ReadEpochResult = EpochView;

/**
 * Funding and settlement state of `epoch`.
 * @example
 * const { state, funded } = await readEpoch(tributary, { epoch: 0n });
 * @throws {InvalidInputError} the epoch is not a whole number.
 */
export async function readEpoch(
  tributary: TributaryContracts,
  parameters: ReadEpochParameters,
): Promise<ReadEpochResult> {
  const epoch = requireEpoch(parameters.epoch);
  const { distributor } = tributary;
  const [tokens, current, next, latest, frozen] = await Promise.all([
    distributor.tokens(),
    distributor.currentEpoch(),
    distributor.nextEpochToSettle(),
    distributor.latestSettlement(),
    distributor.FROZEN(),
  ]);
  const funded = new Map<string, bigint>();
  for (const token of tokens) {
    const amount = await distributor.fundedInEpoch(epoch, token);
    if (amount > 0n) funded.set(getAddress(token), amount);
  }
  if (epoch >= current) return { epoch, funded, state: "open" };
  if (epoch >= next) return { epoch, funded, state: "closed" };
  const [settlement, pending] = latest;
  if (settlement.epoch === epoch) {
    return {
      epoch,
      funded,
      state: !pending ? "active" : settlement.activatesAt === frozen ? "disputed" : "pending",
      root: settlement.root,
      activatesAt: settlement.activatesAt,
    };
  }
  return { epoch, funded, state: "active" };
}

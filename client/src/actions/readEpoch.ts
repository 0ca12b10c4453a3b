import { getAddress } from "ethers";
import type { TributaryContracts } from "./contracts.js";
import { requireEpoch } from "./validation.js";

/** An epoch as a dapp shows it. */
export interface EpochView {
  epoch: bigint;
  /** Σ funded for the epoch per token (checksummed), over every pool; tokens with nothing are left out. */
  funded: Map<string, bigint>;
  state: "open" | "closed" | "pending" | "active";
  root?: string;
  activatesAt?: bigint;
}
/** Funding and settlement state of `epoch`. */
export async function readEpoch(
  tributary: TributaryContracts,
  epochInput: bigint | number | string,
): Promise<EpochView> {
  const epoch = requireEpoch(epochInput);
  const { distributor } = tributary;
  const [tokens, current, next, latest] = await Promise.all([
    distributor.tokens(),
    distributor.currentEpoch(),
    distributor.nextEpochToSettle(),
    distributor.latestSettlement(),
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
      state: pending ? "pending" : "active",
      root: settlement.root,
      activatesAt: settlement.activatesAt,
    };
  }
  return { epoch, funded, state: "active" };
}

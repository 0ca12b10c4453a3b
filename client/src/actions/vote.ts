import type { TributaryContracts } from "./contracts.js";
import { requireBytes32 } from "./validation.js";
import { send } from "./internal/transactions.js";

/** Parameters of {@link vote}. */
export interface VoteParameters {
  /** The contribution, named by its content hash. */
  contentHash: string;
  accept: boolean;
}

/**
 * Votes on a Pending contribution, named by its content hash, with the signer's active stake.
 * @example
 * await vote(tributary, { contentHash, accept: true });
 */
export async function vote(tributary: TributaryContracts, parameters: VoteParameters): Promise<string> {
  return (
    await send(`vote on contribution ${parameters.contentHash}`, () =>
      tributary.registry.vote(requireBytes32(parameters.contentHash, "content hash"), parameters.accept),
    )
  ).hash;
}

import type { TributaryContracts } from "../chain/contracts.js";
import { requireBytes32 } from "../rules/validation.js";
import { send } from "../chain/transactions.js";

/** Parameters of {@link vote}. */
export interface VoteParameters {
  /** The contribution, named by its content hash. */
  contentHash: string;
  accept: boolean;
}

/** The transaction's hash. */
export type VoteResult = string;

/**
 * Votes on a Pending contribution, named by its content hash, with the signer's active stake.
 * @example
 * await vote(tributary, { contentHash, accept: true });
 * @throws {InvalidInputError} the content hash is not 32 bytes of hex.
 * @throws {ContractRevertError} the registry refused (not a validator, already voted, window closed).
 */
export async function vote(tributary: TributaryContracts, parameters: VoteParameters): Promise<VoteResult> {
  return (
    await send(`vote on contribution ${parameters.contentHash}`, () =>
      tributary.registry.vote(requireBytes32(parameters.contentHash, "content hash"), parameters.accept),
    )
  ).hash;
}

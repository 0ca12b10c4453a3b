import type { TributaryContracts } from "../chain/contracts.js";
import { send } from "../chain/transactions.js";

/** Parameters of {@link attestBatch}. */
export interface AttestBatchParameters {
  batchId: bigint;
  /** True to attest, false to reject. */
  support: boolean;
}

/** The transaction's hash. */
export type AttestBatchResult = string;

/**
 * Attests (`support`) or rejects a Pending batch with the signer's active stake.
 * @throws {ContractRevertError} the ledger refused (not a validator, already attested, window closed).
 */
export async function attestBatch(
  tributary: TributaryContracts,
  parameters: AttestBatchParameters,
): Promise<AttestBatchResult> {
  return (
    await send(`attest batch ${parameters.batchId}`, () =>
      tributary.ledger.attest(parameters.batchId, parameters.support),
    )
  ).hash;
}

import type { TributaryContracts } from "./contracts.js";
import { send } from "./internal/transactions.js";

/** Parameters of {@link attestBatch}. */
export interface AttestBatchParameters {
  batchId: bigint;
  /** True to attest, false to reject. */
  support: boolean;
}

/** Attests (`support`) or rejects a Pending batch with the signer's active stake. */
export async function attestBatch(tributary: TributaryContracts, parameters: AttestBatchParameters): Promise<string> {
  return (
    await send(`attest batch ${parameters.batchId}`, () =>
      tributary.ledger.attest(parameters.batchId, parameters.support),
    )
  ).hash;
}

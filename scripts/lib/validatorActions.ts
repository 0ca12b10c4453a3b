/**
 * The demo validators' on-chain actions (stake, vote, propose, attest), as plain data, carried out in
 * the process that holds the cast's keys: the embedded-network scenario of the tests and the app's
 * seeding. On the networked demo the validator nodes act on their own (docs/node.md).
 */
import {
  attestBatch,
  ContractRevertError,
  proposeBatch,
  stake,
  vote,
  type AttributionRecord,
  type TributaryContracts,
} from "../../client/index.js";

export type ValidatorAction =
  | { kind: "stake"; amount: bigint }
  | { kind: "vote"; contentHash: string; accept: boolean }
  /** `expectRefusal`: the ledger must refuse the batch; its refusal is the result. */
  | { kind: "propose"; records: AttributionRecord[]; expectRefusal?: boolean }
  | { kind: "attest"; batchId: bigint; support: boolean };

export type ValidatorActionResult =
  | { kind: "stake" | "vote" | "attest" }
  | { kind: "propose"; batchId: bigint }
  | { kind: "refused"; message: string };

/**
 * One round of an epoch's validator work: each listed validator (by index into the cast) carries out
 * its actions in order; different validators of a round may act at the same time. Rounds run in order.
 */
export type ValidatorRound = { validator: number; actions: ValidatorAction[] }[];

/** Carries out `action` with `tributary` bound to the validator's signer. */
export async function performValidatorAction(
  tributary: TributaryContracts,
  action: ValidatorAction,
): Promise<ValidatorActionResult> {
  switch (action.kind) {
    case "stake":
      await stake(tributary, { amount: action.amount });
      return { kind: "stake" };
    case "vote":
      await vote(tributary, { contentHash: action.contentHash, accept: action.accept });
      return { kind: "vote" };
    case "attest":
      await attestBatch(tributary, { batchId: action.batchId, support: action.support });
      return { kind: "attest" };
    case "propose": {
      try {
        const { batchId } = await proposeBatch(tributary, { records: action.records });
        if (action.expectRefusal) throw new Error(`batch ${batchId} was accepted but should have been refused`);
        return { kind: "propose", batchId };
      } catch (error) {
        if (!action.expectRefusal || !(error instanceof ContractRevertError)) throw error;
        return { kind: "refused", message: error.message };
      }
    }
  }
}

/**
 * The demo validators' on-chain actions (stake, vote, propose, attest), as plain data so that they can
 * be carried out in the demo's own process (the embedded-network scenario) or handed, as JSON, to a
 * process that holds one validator's key and nothing else (scripts/lib/validatorAct.ts).
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

/** JSON with bigints as decimal strings, for handing actions and results to another process. */
export const toJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));

/** Reads actions written by {@link toJson}. */
export function actionsFromJson(text: string): ValidatorAction[] {
  const raw = JSON.parse(text) as Record<string, unknown>[];
  return raw.map((a) => {
    switch (a.kind) {
      case "stake":
        return { kind: "stake", amount: BigInt(a.amount as string) };
      case "vote":
        return { kind: "vote", contentHash: String(a.contentHash), accept: a.accept === true };
      case "attest":
        return { kind: "attest", batchId: BigInt(a.batchId as string), support: a.support === true };
      case "propose":
        return {
          kind: "propose",
          expectRefusal: a.expectRefusal === true,
          records: (a.records as Record<string, unknown>[]).map((r) => ({
            outputId: String(r.outputId),
            poolId: BigInt(r.poolId as string),
            value: BigInt(r.value as string),
            vector: (r.vector as { contributionId: string; weightBps: number }[]).map((e) => ({
              contributionId: BigInt(e.contributionId),
              weightBps: Number(e.weightBps),
            })),
          })),
        };
      default:
        throw new Error(`unknown validator action ${JSON.stringify(a.kind)}`);
    }
  });
}

/** Reads results written by {@link toJson}. */
export function resultsFromJson(text: string): ValidatorActionResult[] {
  const raw = JSON.parse(text) as Record<string, unknown>[];
  return raw.map((r) =>
    r.kind === "propose"
      ? { kind: "propose", batchId: BigInt(r.batchId as string) }
      : r.kind === "refused"
        ? { kind: "refused", message: String(r.message) }
        : { kind: r.kind as "stake" | "vote" | "attest" },
  );
}

/**
 * The default batch policy: support a batch when every record passes the ledger's rules as the chain
 * stands now and names an output that is neither counted already (in a Final batch) nor in another
 * Pending batch this validator supports; abstain otherwise. It never opposes (docs/policies.md says why).
 */
import {
  encodeRecords,
  InvalidInputError,
  type AttributionRecord,
  type TributaryContracts,
} from "../../../client/index.js";
import type { BatchContext, BatchDecision, BatchInput, BatchPolicy, PolicyOptions, Verdict } from "./types.js";

/** Why a record would not pass the ledger's rules now. */
export interface RecordProblem {
  /** Index of the record in the list checked. */
  index: number;
  /**
   * `shape`: the record itself is malformed; `pool`: its pool does not exist or does not allow a
   * contribution's datanet; `contribution`: a contribution is not Accepted (yet).
   */
  kind: "shape" | "pool" | "contribution";
  reason: string;
}

/**
 * Checks records against the rules `AttributionLedger.propose` enforces: the shape rules (the client's
 * `encodeRecords`: nonzero output id, value, 1 to MAX_ATTRIBUTIONS entries with increasing ids and
 * weights summing to 10 000), that each pool exists, that every contribution is Accepted, and that the
 * pool allows every contribution's datanet. Order across records is not checked: call it per record.
 * @returns one problem per failing record, empty when all pass.
 */
export async function checkRecords(
  tributary: TributaryContracts,
  records: readonly AttributionRecord[],
): Promise<RecordProblem[]> {
  const problems: RecordProblem[] = [];
  const poolCount = await tributary.distributor.poolCount();
  const pools = new Map<bigint, bigint[]>();
  for (const [index, record] of records.entries()) {
    try {
      encodeRecords([record]);
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      problems.push({ index, kind: "shape", reason: error.message.replace(/^record 0: /, "") });
      continue;
    }
    if (record.poolId >= poolCount) {
      problems.push({ index, kind: "pool", reason: `pool ${record.poolId} does not exist` });
      continue;
    }
    let datanets = pools.get(record.poolId);
    if (!datanets) {
      const pool = await tributary.distributor.poolOf(record.poolId);
      datanets = pool.datanets.slice(0, Number(pool.datanetCount)).map((d) => BigInt(d));
      pools.set(record.poolId, datanets);
    }
    for (const { contributionId } of record.vector) {
      if (!(await tributary.registry.isAccepted(contributionId))) {
        problems.push({ index, kind: "contribution", reason: `contribution ${contributionId} is not Accepted` });
        break;
      }
      if (datanets.length > 0) {
        const datanet = await tributary.registry.acceptedDatanetOf(contributionId);
        if (!datanets.includes(datanet)) {
          problems.push({
            index,
            kind: "pool",
            reason: `contribution ${contributionId} is in datanet ${datanet}, which pool ${record.poolId} does not allow`,
          });
          break;
        }
      }
    }
  }
  return problems;
}

/**
 * Where each output id already is: the Final batch that counts it, or failing that, the Pending batches
 * holding it (by batch id, ascending).
 */
export function outputsOnChain(batches: BatchContext["batches"]): {
  counted: Map<string, bigint>;
  pending: Map<string, bigint[]>;
} {
  const counted = new Map<string, bigint>();
  const pending = new Map<string, bigint[]>();
  const ordered = [...batches].sort((a, b) => (a.batchId < b.batchId ? -1 : a.batchId > b.batchId ? 1 : 0));
  for (const batch of ordered) {
    for (const { outputId } of batch.records) {
      const key = outputId.toLowerCase();
      if (batch.status === "Final" && !counted.has(key)) counted.set(key, batch.batchId);
      if (batch.status === "Pending") pending.set(key, [...(pending.get(key) ?? []), batch.batchId]);
    }
  }
  return { counted, pending };
}

/**
 * The default batch policy.
 * @example
 * const policy = onChainRulesPolicy({ tributary, log });
 */
export function onChainRulesPolicy(_options: PolicyOptions): BatchPolicy {
  return {
    async decide(batch: BatchInput, context: BatchContext): Promise<Verdict<BatchDecision>> {
      try {
        if (batch.records.length === 0) return { decision: "abstain", reason: "the batch holds no records" };
        const problems = await checkRecords(context.tributary, batch.records);
        if (problems.length > 0) {
          const first = problems[0]!;
          return {
            decision: "abstain",
            reason:
              `record ${first.index} (output ${batch.records[first.index]!.outputId}): ${first.reason}` +
              (problems.length > 1 ? ` (and ${problems.length - 1} more)` : ""),
          };
        }
        const { counted, pending } = outputsOnChain(context.batches);
        for (const [index, { outputId }] of batch.records.entries()) {
          const key = outputId.toLowerCase();
          const final = counted.get(key);
          if (final !== undefined && final !== batch.batchId) {
            return {
              decision: "abstain",
              reason: `record ${index}: output ${outputId} is already counted in Final batch ${final}`,
            };
          }
          const rival = (pending.get(key) ?? []).find((id) => id !== batch.batchId && context.supported.has(id));
          if (rival !== undefined) {
            return {
              decision: "abstain",
              reason: `record ${index}: output ${outputId} is in Pending batch ${rival}, which this validator supports`,
            };
          }
        }
        return {
          decision: "support",
          reason: `all ${batch.records.length} records pass the ledger's rules and name outputs not counted yet`,
        };
      } catch (error) {
        return { decision: "abstain", reason: `cannot check the batch: ${(error as Error).message}` };
      }
    },
  };
}

export default onChainRulesPolicy;

import type { AttributionRecord } from "./records.js";

/** Where an event sits in the chain; events are ordered by (blockNumber, logIndex). */
export interface EventPosition {
  blockNumber: number;
  logIndex: number;
  transactionHash: string;
}

/** Contribution status codes, as the registry's `ContributionStatus` enum. */
export const ContributionStatus = {
  None: 0,
  Pending: 1,
  Accepted: 2,
  Rejected: 3,
  Withdrawn: 4,
  Expired: 5,
  Revoked: 6,
} as const;
/** Batch status codes, as the ledger's `BatchStatus` enum. */
export const BatchStatus = { None: 0, Pending: 1, Final: 2, Rejected: 3, Expired: 4 } as const;

/** Every event the settlement reads, decoded and typed. */
export type TributaryEvent = EventPosition &
  (
    | {
        kind: "ContributionRegistered";
        id: bigint;
        contributor: string;
        datanetId: bigint;
        contentHash: string;
        uri: string;
      }
    | { kind: "ContributionWithdrawn"; id: bigint; contributor: string; epoch: bigint }
    | { kind: "ContributionExpired"; id: bigint; epoch: bigint }
    | { kind: "VoteCast"; id: bigint; validator: string; accept: boolean; stake: bigint; epoch: bigint }
    | { kind: "ContributionDecided"; id: bigint; status: number; epoch: bigint }
    /** An Accepted contribution revoked in `epoch` (an upheld challenge): it earns nothing after `epoch`. */
    | { kind: "ContributionRevoked"; id: bigint; epoch: bigint }
    | {
        kind: "BatchProposed";
        batchId: bigint;
        proposer: string;
        epoch: bigint;
        stake: bigint;
        records: AttributionRecord[];
      }
    | { kind: "BatchAttested"; batchId: bigint; validator: string; support: boolean; stake: bigint; epoch: bigint }
    | { kind: "BatchDecided"; batchId: bigint; status: number; epoch: bigint }
    | { kind: "TokenAllowed"; token: string; index: number }
    | { kind: "PoolCreated"; poolId: bigint; owner: string; token: string; datanets: bigint[] }
    | { kind: "Funded"; poolId: bigint; epoch: bigint; funder: string; token: string; amount: bigint }
    | {
        kind: "SettlementSubmitted";
        epoch: bigint;
        root: string;
        cumulativeTotals: bigint[];
        dataUri: string;
        activatesAt: bigint;
      }
    | { kind: "SettlementVetoed"; epoch: bigint; root: string }
    | { kind: "Claimed"; account: string; token: string; amount: bigint }
  );

/** Orders events canonically: by block, then by position in the block. */
export function compareEvents(a: EventPosition, b: EventPosition): number {
  return a.blockNumber - b.blockNumber || a.logIndex - b.logIndex;
}

import type { Interface, Log } from "ethers";
import {
  AttributionLedger__factory,
  ContributionRegistry__factory,
  RewardDistributor__factory,
} from "../typechain-types/index.js";
import { decodeRecords, type AttributionRecord } from "./records.js";

/** Where an event sits in the chain; events are ordered by (blockNumber, logIndex). */
export interface EventPosition {
  blockNumber: number;
  logIndex: number;
  transactionHash: string;
}

/** Contribution status codes, as the registry's `ContributionStatus` enum. */
export const ContributionStatus = { None: 0, Pending: 1, Accepted: 2, Rejected: 3, Withdrawn: 4, Expired: 5 } as const;
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

const registryInterface: Interface = ContributionRegistry__factory.createInterface();
const ledgerInterface: Interface = AttributionLedger__factory.createInterface();
const distributorInterface: Interface = RewardDistributor__factory.createInterface();

/** Topic0 of every event {@link decodeEvent} understands, for log filters. */
export const SETTLEMENT_TOPICS: string[] = [
  registryInterface.getEvent("ContributionRegistered")!.topicHash,
  registryInterface.getEvent("ContributionWithdrawn")!.topicHash,
  registryInterface.getEvent("ContributionExpired")!.topicHash,
  registryInterface.getEvent("VoteCast")!.topicHash,
  registryInterface.getEvent("ContributionDecided")!.topicHash,
  ledgerInterface.getEvent("BatchProposed")!.topicHash,
  ledgerInterface.getEvent("BatchAttested")!.topicHash,
  ledgerInterface.getEvent("BatchDecided")!.topicHash,
  distributorInterface.getEvent("TokenAllowed")!.topicHash,
  distributorInterface.getEvent("PoolCreated")!.topicHash,
  distributorInterface.getEvent("Funded")!.topicHash,
  distributorInterface.getEvent("SettlementSubmitted")!.topicHash,
  distributorInterface.getEvent("SettlementVetoed")!.topicHash,
  distributorInterface.getEvent("Claimed")!.topicHash,
];

/** Decodes one raw log into a {@link TributaryEvent}, or undefined if it is not one of ours. */
export function decodeEvent(
  log: Log,
  addresses: { registry: string; ledger: string; distributor: string },
): TributaryEvent | undefined {
  const address = log.address.toLowerCase();
  const position: EventPosition = {
    blockNumber: log.blockNumber,
    logIndex: log.index,
    transactionHash: log.transactionHash,
  };
  const iface =
    address === addresses.registry.toLowerCase()
      ? registryInterface
      : address === addresses.ledger.toLowerCase()
        ? ledgerInterface
        : address === addresses.distributor.toLowerCase()
          ? distributorInterface
          : undefined;
  if (!iface) return undefined;
  const parsed = iface.parseLog({ topics: [...log.topics], data: log.data });
  if (!parsed) return undefined;
  const a = parsed.args;
  switch (parsed.name) {
    case "ContributionRegistered":
      return {
        ...position,
        kind: parsed.name,
        id: a.id,
        contributor: a.contributor,
        datanetId: a.datanetId,
        contentHash: a.contentHash,
        uri: a.uri,
      };
    case "ContributionWithdrawn":
      return { ...position, kind: parsed.name, id: a.id, contributor: a.contributor, epoch: a.epoch };
    case "ContributionExpired":
      return { ...position, kind: parsed.name, id: a.id, epoch: a.epoch };
    case "VoteCast":
      return {
        ...position,
        kind: parsed.name,
        id: a.id,
        validator: a.validator,
        accept: a.accept,
        stake: a.stake,
        epoch: a.epoch,
      };
    case "ContributionDecided":
      return { ...position, kind: parsed.name, id: a.id, status: Number(a.status), epoch: a.epoch };
    case "BatchProposed":
      return {
        ...position,
        kind: parsed.name,
        batchId: a.batchId,
        proposer: a.proposer,
        epoch: a.epoch,
        stake: a.stake,
        records: decodeRecords(a.records),
      };
    case "BatchAttested":
      return {
        ...position,
        kind: parsed.name,
        batchId: a.batchId,
        validator: a.validator,
        support: a.support,
        stake: a.stake,
        epoch: a.epoch,
      };
    case "BatchDecided":
      return { ...position, kind: parsed.name, batchId: a.batchId, status: Number(a.status), epoch: a.epoch };
    case "TokenAllowed":
      return { ...position, kind: parsed.name, token: a.token, index: Number(a.index) };
    case "PoolCreated":
      return {
        ...position,
        kind: parsed.name,
        poolId: a.poolId,
        owner: a.owner,
        token: a.token,
        datanets: [...a.datanets].map((d: bigint) => BigInt(d)),
      };
    case "Funded":
      return {
        ...position,
        kind: parsed.name,
        poolId: a.poolId,
        epoch: a.epoch,
        funder: a.funder,
        token: a.token,
        amount: a.amount,
      };
    case "SettlementSubmitted":
      return {
        ...position,
        kind: parsed.name,
        epoch: a.epoch,
        root: a.root,
        cumulativeTotals: [...a.cumulativeTotals],
        dataUri: a.dataUri,
        activatesAt: a.activatesAt,
      };
    case "SettlementVetoed":
      return { ...position, kind: parsed.name, epoch: a.epoch, root: a.root };
    case "Claimed":
      return {
        ...position,
        kind: parsed.name,
        account: a.account,
        token: a.token,
        amount: a.amount,
      };
    default:
      return undefined;
  }
}

/** Orders events canonically: by block, then by position in the block. */
export function compareEvents(a: EventPosition, b: EventPosition): number {
  return a.blockNumber - b.blockNumber || a.logIndex - b.logIndex;
}

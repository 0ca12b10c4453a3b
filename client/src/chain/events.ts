import type { Interface, Log } from "ethers";
import {
  AttributionLedger__factory,
  ContributionRegistry__factory,
  RewardDistributor__factory,
} from "../generated/typechain/index.js";
import { decodeRecords } from "../rules/records.js";
import type { EventPosition, TributaryEvent } from "../rules/events.js";

/** The three contracts' interfaces, built on first use (nothing runs at import). */
let interfaces: { registry: Interface; ledger: Interface; distributor: Interface } | undefined;
function suiteInterfaces() {
  interfaces ??= {
    registry: ContributionRegistry__factory.createInterface(),
    ledger: AttributionLedger__factory.createInterface(),
    distributor: RewardDistributor__factory.createInterface(),
  };
  return interfaces;
}

let topics: string[] | undefined;
/** Topic0 of every event {@link decodeEvent} understands, for log filters. */
export function settlementTopics(): string[] {
  const { registry: registryInterface, ledger: ledgerInterface, distributor: distributorInterface } = suiteInterfaces();
  topics ??= [
    registryInterface.getEvent("ContributionRegistered")!.topicHash,
    registryInterface.getEvent("ContributionWithdrawn")!.topicHash,
    registryInterface.getEvent("ContributionExpired")!.topicHash,
    registryInterface.getEvent("VoteCast")!.topicHash,
    registryInterface.getEvent("ContributionDecided")!.topicHash,
    registryInterface.getEvent("ContributionRevoked")!.topicHash,
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
  return [...topics];
}

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
  const { registry: registryInterface, ledger: ledgerInterface, distributor: distributorInterface } = suiteInterfaces();
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
    case "ContributionRevoked":
      return { ...position, kind: parsed.name, id: a.id, epoch: a.epoch };
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

/**
 * A lossless JSON form of {@link TributaryEvent}: bigints are written as decimal strings and read back
 * as bigints by field name, so that every other string (a URI, a hash) stays a string.
 */
import { InvalidInputError, type AttributionRecord, type TributaryEvent } from "../../../client/index.js";

export type EventKind = TributaryEvent["kind"];
type EventOf<K extends EventKind> = Extract<TributaryEvent, { kind: K }>;
type BigintKeys<T> = { [F in keyof T]: T[F] extends bigint | bigint[] ? F : never }[keyof T];

/** The fields of each kind that hold a bigint or a list of them; records are read apart. */
const BIGINT_FIELDS: { [K in EventKind]: readonly BigintKeys<EventOf<K>>[] } = {
  ContributionRegistered: ["id", "datanetId"],
  ContributionWithdrawn: ["id", "epoch"],
  ContributionExpired: ["id", "epoch"],
  VoteCast: ["id", "stake", "epoch"],
  ContributionDecided: ["id", "epoch"],
  ContributionRevoked: ["id", "epoch"],
  BatchProposed: ["batchId", "epoch", "stake"],
  BatchAttested: ["batchId", "stake", "epoch"],
  BatchDecided: ["batchId", "epoch"],
  TokenAllowed: [],
  PoolCreated: ["poolId", "datanets"],
  Funded: ["poolId", "epoch", "amount"],
  SettlementSubmitted: ["epoch", "cumulativeTotals", "activatesAt"],
  SettlementVetoed: ["epoch"],
  Claimed: ["amount"],
};

/** Every kind of event the index stores. */
export const EVENT_KINDS = Object.keys(BIGINT_FIELDS) as EventKind[];

/** The event as JSON text, bigints as decimal strings. */
export function serializeEvent(event: TributaryEvent): string {
  return JSON.stringify(event, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
}

/**
 * Reads back what {@link serializeEvent} wrote, as text or as the object a JSONB column returns.
 * @throws {InvalidInputError} the JSON is not a serialized event.
 */
export function deserializeEvent(json: string | object): TributaryEvent {
  const raw = { ...((typeof json === "string" ? JSON.parse(json) : json) as Record<string, unknown>) };
  const kind = raw.kind as EventKind;
  const fields = BIGINT_FIELDS[kind] as readonly string[] | undefined;
  if (!fields) throw new InvalidInputError(`not a serialized Tributary event: unknown kind ${String(raw.kind)}`);
  for (const field of fields) {
    const value = raw[field];
    raw[field] = Array.isArray(value) ? value.map(toBigInt) : toBigInt(value);
  }
  if (kind === "BatchProposed") {
    raw.records = (raw.records as Record<string, unknown>[]).map(
      (record): AttributionRecord => ({
        outputId: String(record.outputId),
        poolId: toBigInt(record.poolId),
        value: toBigInt(record.value),
        vector: (record.vector as Record<string, unknown>[]).map((entry) => ({
          contributionId: toBigInt(entry.contributionId),
          weightBps: Number(entry.weightBps),
        })),
      }),
    );
  }
  return raw as unknown as TributaryEvent;
}

/** The contribution, batch or pool the event is about, if any. */
export function eventSubject(event: TributaryEvent): bigint | undefined {
  if ("id" in event) return event.id;
  if ("batchId" in event) return event.batchId;
  if ("poolId" in event) return event.poolId;
  return undefined;
}

/** The epoch the event carries, if any. */
export function eventEpoch(event: TributaryEvent): bigint | undefined {
  return "epoch" in event ? event.epoch : undefined;
}

function toBigInt(value: unknown): bigint {
  if (typeof value !== "string" || !/^-?\d+$/.test(value)) {
    throw new InvalidInputError(`not a serialized bigint: ${JSON.stringify(value)}`);
  }
  return BigInt(value);
}

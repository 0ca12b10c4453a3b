/**
 * The rewards API's routes and their schemas: epochs, artifacts, an account's rewards (with proofs and
 * claim calldata), history and explanation, contributions and pools (docs/api.md). Every answer is
 * read through {@link ApiReader}; errors are `{code, message}`.
 */
import { createHash } from "node:crypto";
import type { FastifyInstance, FastifyReply } from "fastify";
import { getAddress } from "ethers";
import { ERROR_SCHEMA } from "../server.js";
import { ApiError, type ApiReader } from "./reader.js";

const uint = { type: "string", pattern: "^[0-9]+$" } as const;
const address = { type: "string", pattern: "^0x[0-9a-fA-F]{40}$" } as const;
const bytes32 = { type: "string", pattern: "^0x[0-9a-fA-F]{64}$" } as const;
const hex = { type: "string", pattern: "^0x[0-9a-fA-F]*$" } as const;
const nullable = <T extends object>(schema: T) => ({ anyOf: [schema, { type: "null" }] });
const status = {
  type: "string",
  enum: ["open", "closed-unsettled", "pending", "disputed", "active", "vetoed"],
} as const;
const object = (properties: Record<string, unknown>) => ({
  type: "object",
  required: Object.keys(properties),
  properties,
  additionalProperties: false,
});
const rounding = object({ numerator: uint, denominator: uint, floor: uint });
const tokenAmount = object({ token: address, amount: uint });

const epochSummary = {
  epoch: uint,
  status,
  closesAt: uint,
  root: nullable(bytes32),
  activatesAt: nullable(uint),
};
const schemas = {
  epochList: object({
    currentEpoch: { type: "string", pattern: "^-?[0-9]+$" },
    nextEpochToSettle: uint,
    activeEpoch: nullable(uint),
    epochs: { type: "array", items: object(epochSummary) },
  }),
  epoch: object({
    ...epochSummary,
    totals: { type: "array", items: object({ token: address, cumulativeTotal: uint }) },
    dataUri: nullable({ type: "string" }),
    signers: { type: "array", items: address },
    submissionTransaction: nullable(bytes32),
    artifact: { type: "boolean" },
    disputes: {
      type: "array",
      items: object({
        disputeId: uint,
        status: { type: "string", enum: ["open", "upheld", "rejected", "expired"] },
        root: bytes32,
        disputers: { type: "integer", minimum: 1 },
        bondToken: address,
        totalBonds: uint,
        windowEndsAt: uint,
        resolveBy: uint,
        bounty: uint,
      }),
    },
  }),
  rewards: object({
    account: address,
    activeEpoch: nullable(uint),
    activeRoot: nullable(bytes32),
    rewards: {
      type: "array",
      items: object({
        token: address,
        cumulative: uint,
        claimed: uint,
        claimable: uint,
        proof: { type: "array", items: bytes32 },
        claim: object({ to: address, data: hex }),
      }),
    },
  }),
  history: object({
    account: address,
    epochs: {
      type: "array",
      items: object({
        epoch: uint,
        status,
        tokens: {
          type: "array",
          items: object({
            token: address,
            amount: uint,
            cumulative: uint,
            roles: {
              type: "array",
              items: { type: "string", enum: ["contributor", "validator", "treasury", "refund"] },
            },
          }),
        },
      }),
    },
  }),
  explain: object({
    account: address,
    epoch: uint,
    status,
    pools: {
      type: "array",
      items: object({
        poolId: uint,
        token: address,
        funded: uint,
        carryIn: uint,
        fee: uint,
        distributable: uint,
        contributorPool: uint,
        validatorPool: uint,
        amount: uint,
        contributor: nullable(
          object({
            weight: uint,
            totalWeight: uint,
            amount: uint,
            rounding,
            items: {
              type: "array",
              items: object({
                outputId: bytes32,
                batchId: uint,
                contributionId: uint,
                weightBps: { type: "integer" },
                value: uint,
                weight: uint,
                amount: uint,
                rounding,
              }),
            },
          }),
        ),
        validator: nullable(
          object({
            weight: uint,
            totalWeight: uint,
            amount: uint,
            rounding,
            items: {
              type: "array",
              items: object({
                kind: { type: "string", enum: ["vote", "proposal", "attestation"] },
                contributionId: nullable(uint),
                batchId: nullable(uint),
                agreed: { type: "boolean" },
                stake: uint,
                amount: uint,
                rounding,
              }),
            },
          }),
        ),
        treasuryFee: nullable(uint),
        refund: nullable(uint),
      }),
    },
    totals: { type: "array", items: tokenAmount },
  }),
  contribution: object({
    id: uint,
    contributor: address,
    datanetId: uint,
    contentHash: bytes32,
    uri: { type: "string" },
    status: { type: "string", enum: ["Pending", "Accepted", "Rejected", "Withdrawn", "Expired", "Revoked"] },
    decidedEpoch: nullable(uint),
    revokedEpoch: nullable(uint),
    challenges: {
      type: "array",
      items: object({
        challengeId: uint,
        status: { type: "string", enum: ["open", "upheld", "dismissed", "expired"] },
        challenger: address,
        evidenceUri: { type: "string" },
        openedAt: uint,
        closesAt: uint,
        bondToken: address,
        bond: uint,
      }),
    },
    votes: {
      type: "array",
      items: object({ validator: address, accept: { type: "boolean" }, stake: uint, epoch: uint }),
    },
    earnings: { type: "array", items: tokenAmount },
    epochs: {
      type: "array",
      items: object({ epoch: uint, status, earned: { type: "array", items: tokenAmount } }),
    },
  }),
  pool: object({
    id: uint,
    owner: address,
    token: address,
    datanets: { type: "array", items: uint },
    epochs: {
      type: "array",
      items: object({ epoch: uint, funded: uint, carryOut: nullable(uint), idleEpochs: nullable({ type: "integer" }) }),
    },
  }),
};

const params = (properties: Record<string, unknown>) => ({
  type: "object",
  required: Object.keys(properties),
  properties,
  additionalProperties: false,
});
const noQuery = { type: "object", properties: {}, additionalProperties: false } as const;
const errors = { 400: ERROR_SCHEMA, 404: ERROR_SCHEMA, 429: ERROR_SCHEMA, 503: ERROR_SCHEMA };
const epochParam = params({ epoch: { ...uint, description: "epoch number" } });
const addressParam = params({ address: { ...address, description: "account address, any case" } });
const idParam = params({ id: uint });

/** A JSON route: its schemas, how long its answer may be cached, and how it is read. */
interface JsonRoute<Answer> {
  summary: string;
  params: object;
  querystring?: object;
  response: object;
  /** Seconds a cache may keep the answer. */
  maxAge: (answer: Answer) => number;
  read: (params: Record<string, string>, query: Record<string, string>) => Promise<Answer>;
}

/** Registers the API's routes on `app`. */
export function registerApiRoutes(app: FastifyInstance, reader: ApiReader): void {
  const fail = (reply: FastifyReply, error: unknown) => {
    if (error instanceof ApiError)
      return reply.status(error.statusCode).send({ code: error.code, message: error.message });
    throw error;
  };
  const json = <Answer>(path: string, route: JsonRoute<Answer>) =>
    app.get(
      path,
      {
        schema: {
          summary: route.summary,
          params: route.params,
          querystring: route.querystring ?? noQuery,
          response: { 200: route.response, ...errors },
        },
      },
      async (request, reply) => {
        try {
          const answer = await route.read(
            request.params as Record<string, string>,
            request.query as Record<string, string>,
          );
          reply.header("cache-control", `public, max-age=${route.maxAge(answer)}`);
          return answer;
        } catch (error) {
          return fail(reply, error);
        }
      },
    );
  const live = () => 2;
  const account = (params: Record<string, string>) => getAddress(params.address!);

  json("/v1/epochs", {
    summary: "Every epoch from `from` (default 0) through the current one, with its status",
    params: { type: "object", properties: {} },
    querystring: {
      type: "object",
      properties: { from: uint, limit: { type: "string", pattern: "^[0-9]{1,4}$" } },
      additionalProperties: false,
    },
    response: schemas.epochList,
    maxAge: live,
    read: (_params, query) =>
      reader.epochs(BigInt(query.from ?? 0), Math.min(1_000, Math.max(1, Number(query.limit ?? 100)))),
  });
  json("/v1/epochs/:epoch", {
    summary: "One epoch: status, root, totals per token, data URI, signers, submission, activation",
    params: epochParam,
    response: schemas.epoch,
    maxAge: (epoch: { status: string }) => (epoch.status === "active" ? 60 : 2),
    read: (params) => reader.epoch(BigInt(params.epoch!)),
  });
  json("/v1/accounts/:address/rewards", {
    summary: "What the account can claim against the active root: per token, the proof and the claim calldata",
    params: addressParam,
    response: schemas.rewards,
    maxAge: live,
    // Checksummed by the reader, which knows the tree's accounts so: the commonest cost of a request otherwise.
    read: (params) => reader.rewards(params.address!),
  });
  json("/v1/accounts/:address/history", {
    summary: "What the account earned per epoch and token, with its roles",
    params: addressParam,
    response: schemas.history,
    maxAge: live,
    read: (params) => reader.history(account(params)),
  });
  json("/v1/accounts/:address/explain", {
    summary: "Why the account earned what it did in an epoch: the items behind its weights and the rounding",
    params: addressParam,
    querystring: { type: "object", required: ["epoch"], properties: { epoch: uint }, additionalProperties: false },
    response: schemas.explain,
    maxAge: (explanation: { status: string }) => (explanation.status === "active" ? 60 : 2),
    read: (params, query) => reader.explain(account(params), BigInt(query.epoch!)),
  });
  json("/v1/contributions/:id", {
    summary: "A contribution: status, votes and what it earned its contributor, per epoch",
    params: idParam,
    response: schemas.contribution,
    maxAge: live,
    read: (params) => reader.contribution(BigInt(params.id!)),
  });
  json("/v1/pools/:id", {
    summary: "A pool: owner, token, datanets, and per epoch its funding and carry",
    params: idParam,
    response: schemas.pool,
    maxAge: live,
    read: (params) => reader.pool(BigInt(params.id!)),
  });

  app.get(
    "/v1/epochs/:epoch/artifact",
    {
      schema: {
        summary: "The epoch's settlement artifact, byte for byte as the node stored it",
        params: epochParam,
        querystring: noQuery,
        produces: ["application/json"],
        response: {
          200: {
            description: "the artifact (a standard-v1 tree dump with metadata)",
            type: "object",
            additionalProperties: true,
          },
          304: { description: "not modified (If-None-Match)", type: "null" },
          ...errors,
        },
      },
    },
    async (request, reply) => {
      try {
        const stored = await reader.artifact(BigInt((request.params as { epoch: string }).epoch));
        const etag = `"${artifactTag(stored.dataUri, stored.bytes, stored.sha256)}"`;
        reply.header("etag", etag).header("cache-control", "public, max-age=31536000, immutable");
        const match = request.headers["if-none-match"];
        if (match && match.split(",").some((t) => t.trim().replace(/^W\//, "") === etag)) {
          return reply.status(304).send();
        }
        // Sent as raw bytes: serializing the parsed JSON again could change them.
        return reply
          .type("application/json")
          .serializer((payload: unknown) => payload as string)
          .send(Buffer.from(stored.bytes.buffer, stored.bytes.byteOffset, stored.bytes.byteLength));
      } catch (error) {
        return fail(reply, error);
      }
    },
  );
}

/** The artifact's ETag: the CID of an `ipfs://` data URI, else the SHA-256 of its bytes. */
export function artifactTag(dataUri: string, bytes: Uint8Array, sha256?: string): string {
  const cid = /^ipfs:\/\/([a-zA-Z0-9]+)$/.exec(dataUri)?.[1];
  return cid ?? `sha256-${sha256 ?? createHash("sha256").update(bytes).digest("hex")}`;
}

/**
 * The node's HTTP server (Fastify): /healthz, /readyz, /metrics (Prometheus, prom-client), the record
 * inbox, and the rewards API (node/src/api/routes.ts). Every route declares its schemas, from which
 * `GET /v1/openapi.json` is generated.
 */
import Fastify, { type FastifyInstance } from "fastify";
import cors from "@fastify/cors";
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";
import { ALERT_KINDS } from "./alerts.js";

/** The node's metrics, on their own registry. */
export class NodeMetrics {
  readonly registry = new Registry();
  readonly lastSettledEpoch = new Gauge({
    name: "tributary_node_last_settled_epoch",
    help: "The last epoch settled on chain (nextEpochToSettle - 1); -1 before the first",
    registers: [this.registry],
  });
  readonly lastSignedEpoch = new Gauge({
    name: "tributary_node_last_signed_epoch",
    help: "The last epoch this node signed a settlement for (from its signing-protection database); -1 before the first",
    registers: [this.registry],
  });
  readonly signaturesPublished = new Counter({
    name: "tributary_node_signatures_published_total",
    help: "Settlement signatures this process published on the SettlementBoard",
    registers: [this.registry],
  });
  readonly submissions = new Counter({
    name: "tributary_node_submissions_total",
    help: "Settlement submissions this process attempted, by outcome (submitted, stood_down)",
    labelNames: ["outcome"],
    registers: [this.registry],
  });
  readonly headBlock = new Gauge({
    name: "tributary_node_head_block",
    help: "The chain head last seen",
    registers: [this.registry],
  });
  readonly indexedBlock = new Gauge({
    name: "tributary_node_indexed_block",
    help: "The last confirmed block the node's index holds",
    registers: [this.registry],
  });
  readonly headLag = new Gauge({
    name: "tributary_node_head_lag_blocks",
    help: "Blocks between the chain head and the last indexed block (at least the configured confirmations)",
    registers: [this.registry],
  });
  readonly indexedEvents = new Counter({
    name: "tributary_node_indexed_events_total",
    help: "Suite events this process added to its index",
    registers: [this.registry],
  });
  readonly reorgs = new Counter({
    name: "tributary_node_reorgs_total",
    help: "Reorganisations the index detected and rolled back",
    registers: [this.registry],
  });
  readonly alerts = new Counter({
    name: "tributary_node_alerts_total",
    help:
      "Alerts raised, by kind: conflicting_signature (refused to sign other content for a signed epoch), " +
      "settlement_mismatch (a settlement on chain or signed by a quorum differs from this node's), " +
      "allocation_params_mismatch (the chain's allocation parameters differ from the pinned ones; not signed), " +
      "settlement_disputed (a pending settlement that differs was disputed with a bond), " +
      "dispute_not_filed (it differs, but no dispute could be filed: bond above the maximum, no funds)",
    labelNames: ["kind"],
    registers: [this.registry],
  });
  readonly disputes = new Counter({
    name: "tributary_node_disputes_total",
    help: "Settlement disputes this node filed: opened (froze the settlement) or joined (an open dispute)",
    labelNames: ["outcome"],
    registers: [this.registry],
  });
  readonly stepErrors = new Counter({
    name: "tributary_node_step_errors_total",
    help: "Duty steps that failed (retried on the next poll)",
    registers: [this.registry],
  });

  constructor() {
    this.lastSettledEpoch.set(-1);
    this.lastSignedEpoch.set(-1);
    for (const kind of ALERT_KINDS) this.alerts.inc({ kind }, 0);
    collectDefaultMetrics({ register: this.registry, prefix: "tributary_node_" });
  }
}

/** What /readyz reports. */
export interface Readiness {
  connected: boolean;
  deploymentCode: boolean;
  caughtUp: boolean;
  detail: string;
}

/** The record inbox's handlers (node/src/inbox.ts), absent on a keyless node. */
export interface RecordRoutes {
  post(body: unknown): Promise<{ status: number; json: Record<string, unknown> }>;
  get(outputId: string): Promise<{ status: number; json: Record<string, unknown> }>;
}

/** How the server is reached from browsers and how hard it may be hit. */
export interface ServerOptions {
  /** Origins allowed by CORS; `["*"]` for any. */
  corsOrigins: string[];
  /** Requests per client IP per minute; 0 for no limit. */
  rateLimitPerMinute: number;
  /** Adds the API's routes (they are registered after the plugins, so they get CORS, limits and OpenAPI). */
  routes?: (app: FastifyInstance) => void;
}

/** The running server. */
export interface RunningServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** Largest accepted request body: 1 000 records of 8 entries fit well within it. */
const MAX_BODY_BYTES = 1 << 20;

const error = {
  type: "object",
  required: ["code", "message"],
  properties: { code: { type: "string" }, message: { type: "string" } },
} as const;
/** The JSON schema of every error answer: `{code, message}`. */
export const ERROR_SCHEMA = error;
const free = { type: "object", additionalProperties: true } as const;
const readiness = {
  type: "object",
  properties: {
    ready: { type: "boolean" },
    connected: { type: "boolean" },
    deploymentCode: { type: "boolean" },
    caughtUp: { type: "boolean" },
    detail: { type: "string" },
  },
} as const;

/** Starts the server on `host:port` and resolves once it listens. */
export async function startServer(
  listen: { host: string; port: number },
  metrics: NodeMetrics,
  readinessOf: () => Readiness,
  records: RecordRoutes | undefined,
  options: ServerOptions = { corsOrigins: ["*"], rateLimitPerMinute: 0 },
): Promise<RunningServer> {
  const app = Fastify({
    bodyLimit: MAX_BODY_BYTES,
    // Unknown query parameters are refused (400) rather than ignored.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
  });
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string; validation?: unknown }, _request, reply) => {
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    const code =
      err.validation !== undefined
        ? "INVALID_REQUEST"
        : err.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE"
          ? "UNSUPPORTED_MEDIA_TYPE"
          : err.code === "FST_ERR_CTP_BODY_TOO_LARGE"
            ? "BODY_TOO_LARGE"
            : err.code === "FST_ERR_CTP_INVALID_JSON_BODY" || err.name === "SyntaxError"
              ? "INVALID_JSON"
              : status === 500
                ? "INTERNAL"
                : (err.code ?? "ERROR");
    void reply.status(status).send({ code, message: err.message });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .send({ code: "NOT_FOUND", message: `no route ${request.method} ${request.url.split("?")[0]}` });
  });
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "tributary-node",
        version: "1",
        description: "A Tributary node's rewards API, record inbox and health endpoints (docs/api.md).",
      },
    },
  });
  const anyOrigin = options.corsOrigins.includes("*");
  await app.register(cors, {
    origin: anyOrigin ? "*" : options.corsOrigins,
    methods: anyOrigin ? ["GET", "HEAD"] : ["GET", "HEAD", "POST"],
  });
  if (options.rateLimitPerMinute > 0) {
    await app.register(rateLimit, {
      max: options.rateLimitPerMinute,
      timeWindow: 60_000,
      errorResponseBuilder: (_request, context) => ({
        statusCode: 429,
        code: "RATE_LIMITED",
        message: `more than ${context.max} requests per minute from this address; retry in ${Math.ceil(context.ttl / 1000)} s`,
      }),
    });
  }

  // Load balancers' probes and the metrics scraper are not rate limited.
  const probe = { rateLimit: false } as const;
  app.get(
    "/healthz",
    {
      config: probe,
      schema: {
        summary: "The process runs",
        response: { 200: { type: "object", properties: { status: { type: "string" }, pid: { type: "integer" } } } },
      },
    },
    async () => ({ status: "ok", pid: process.pid }),
  );
  app.get(
    "/readyz",
    {
      config: probe,
      schema: { summary: "Connected, deployment found, caught up", response: { 200: readiness, 503: readiness } },
    },
    async (_request, reply) => {
      const r = readinessOf();
      const ready = r.connected && r.deploymentCode && r.caughtUp;
      return reply.status(ready ? 200 : 503).send({ ready, ...r });
    },
  );
  app.get(
    "/metrics",
    {
      config: probe,
      schema: { summary: "Prometheus metrics", produces: ["text/plain"], response: { 200: { type: "string" } } },
    },
    async (_request, reply) => {
      const text = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(text);
    },
  );
  // The framework's floor: the benchmark (BENCHMARKS.md, "API") compares the API's routes with it. Its
  // answer goes through a response schema like every route's; it is left out of the OpenAPI document.
  app.get(
    "/v1/ping",
    {
      schema: {
        hide: true,
        summary: "An empty answer, for measuring the server itself",
        response: { 200: { type: "object", properties: {}, additionalProperties: false } },
      },
    },
    async () => ({}),
  );
  const noKey = { code: "NO_VALIDATOR_KEY", message: "this node has no validator key; it proposes nothing" };
  app.post(
    "/v1/records",
    {
      schema: {
        summary: "Hand attribution records to this validator to propose (docs/node.md)",
        // Checked by the inbox, which names the record and field at fault.
        body: {
          description: '{"records": [{"outputId", "poolId", "value", "vector": [{"contributionId", "weightBps"}]}]}',
        },
        response: { 202: free, 400: error, 413: error, 415: error, 503: error },
      },
    },
    async (request, reply) => {
      if (!records) return reply.status(503).send(noKey);
      const { status, json } = await records.post(request.body);
      return reply.status(status as 202).send(json);
    },
  );
  app.get(
    "/v1/records/:outputId",
    {
      schema: {
        summary: "Where this node's inbox holds a record",
        params: { type: "object", properties: { outputId: { type: "string" } }, required: ["outputId"] },
        response: { 200: free, 400: error, 404: error, 503: error },
      },
    },
    async (request, reply) => {
      if (!records) return reply.status(503).send(noKey);
      const { status, json } = await records.get((request.params as { outputId: string }).outputId);
      return reply.status(status as 200).send(json);
    },
  );
  options.routes?.(app);
  app.get("/v1/openapi.json", { schema: { hide: true } }, async () => app.swagger());

  const address = await app.listen({ host: listen.host, port: listen.port });
  const port = new URL(address).port || String(listen.port);
  const host = listen.host.includes(":") ? `[${listen.host}]` : listen.host;
  return { app, url: `http://${host}:${port}`, close: () => app.close() };
}

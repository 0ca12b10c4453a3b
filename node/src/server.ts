/** The node's HTTP endpoints (node:http): /healthz, /readyz and /metrics (Prometheus, prom-client). */
import { createServer, type Server } from "node:http";
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
      "allocation_params_mismatch (the chain's allocation parameters differ from the pinned ones; not signed)",
    labelNames: ["kind"],
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

/** Largest accepted request body: 1 000 records of 8 entries fit well within it. */
const MAX_BODY_BYTES = 1 << 20;

/** Starts the server on `host:port` and resolves once it listens. */
export async function startServer(
  listen: { host: string; port: number },
  metrics: NodeMetrics,
  readiness: () => Readiness,
  records?: RecordRoutes,
): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const url = (request.url ?? "/").split("?")[0]!;
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body) + "\n");
    };
    const answer = (promise: Promise<{ status: number; json: Record<string, unknown> }>) =>
      promise.then(
        ({ status, json: body }) => json(status, body),
        (error: Error) => json(500, { code: "INTERNAL", message: error.message }),
      );
    if (url === "/v1/records" || url.startsWith("/v1/records/")) {
      if (!records) {
        return json(503, { code: "NO_VALIDATOR_KEY", message: "this node has no validator key; it proposes nothing" });
      }
      if (request.method === "GET" && url.startsWith("/v1/records/")) {
        return void answer(records.get(decodeURIComponent(url.slice("/v1/records/".length))));
      }
      if (request.method !== "POST" || url !== "/v1/records") {
        return json(405, { code: "METHOD_NOT_ALLOWED", message: "POST /v1/records or GET /v1/records/<outputId>" });
      }
      if (!/^application\/json\b/i.test(request.headers["content-type"] ?? "")) {
        return json(415, { code: "UNSUPPORTED_MEDIA_TYPE", message: "send the records as application/json" });
      }
      const chunks: Buffer[] = [];
      let size = 0;
      request.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          json(413, { code: "BODY_TOO_LARGE", message: `the body exceeds ${MAX_BODY_BYTES} bytes` });
          request.destroy();
        } else chunks.push(chunk);
      });
      request.on("end", () => {
        if (size > MAX_BODY_BYTES) return;
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        } catch (error) {
          return json(400, { code: "INVALID_JSON", message: `the body is not JSON: ${(error as Error).message}` });
        }
        void answer(records.post(body));
      });
      return;
    }
    if (request.method !== "GET" && request.method !== "HEAD") return json(405, { error: "method not allowed" });
    if (url === "/healthz") return json(200, { status: "ok", pid: process.pid });
    if (url === "/readyz") {
      const r = readiness();
      const ready = r.connected && r.deploymentCode && r.caughtUp;
      return json(ready ? 200 : 503, { ready, ...r });
    }
    if (url === "/metrics") {
      metrics.registry.metrics().then(
        (text) => {
          response.writeHead(200, { "content-type": metrics.registry.contentType });
          response.end(text);
        },
        (error: Error) => json(500, { error: error.message }),
      );
      return;
    }
    json(404, { error: "not found", endpoints: ["/healthz", "/readyz", "/metrics", "/v1/records"] });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listen.port, listen.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : listen.port;
  const host = listen.host.includes(":") ? `[${listen.host}]` : listen.host;
  return { server, url: `http://${host}:${port}` };
}

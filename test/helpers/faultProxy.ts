/**
 * A JSON-RPC proxy on 127.0.0.1 that drops, delays and fails a share of requests on their way to
 * a real node, and can replay a short reorg: for a while it reports an older head and hides the
 * logs of the newest blocks, as a node on a briefly reorganized fork would.
 */
import { createServer, request as httpRequest, type Server } from "node:http";

export interface FaultOptions {
  /** Share of requests whose connection is destroyed without an answer. */
  dropRate: number;
  /** Share of requests answered with a JSON-RPC error. */
  errorRate: number;
  /** Maximum extra latency added to every request, in ms. */
  maxDelayMs: number;
  seed: number;
}

export interface FaultProxy {
  url: string;
  counts: { requests: number; dropped: number; errored: number; reorged: number };
  /** For the next `requests` requests, the newest `depth` blocks are hidden. */
  replayReorg(depth: number, requests: number): void;
  /** Turns every fault off (or on again). */
  setFaults(enabled: boolean): void;
  close(): Promise<void>;
}

export async function startFaultProxy(target: string, options: FaultOptions): Promise<FaultProxy> {
  let state = options.seed >>> 0;
  const random = () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    return ((state ^ (state >>> 13)) >>> 0) / 2 ** 32;
  };
  const counts = { requests: 0, dropped: 0, errored: 0, reorged: 0 };
  let reorg = { depth: 0, remaining: 0 };
  let faults = true;
  const upstream = new URL(target);

  const forward = (body: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          hostname: upstream.hostname,
          port: upstream.port,
          path: "/",
          method: "POST",
          headers: { "content-type": "application/json" },
        },
        (res) => {
          let data = "";
          res.on("data", (d) => (data += d));
          res.on("end", () => resolve(data));
        },
      );
      req.on("error", reject);
      req.end(body);
    });

  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", async () => {
      counts.requests++;
      const parsed = JSON.parse(body) as { id: unknown; method: string; params: unknown[] };
      if (faults && options.maxDelayMs > 0)
        await new Promise((r) => setTimeout(r, Math.floor(random() * options.maxDelayMs)));
      if (faults && random() < options.dropRate) {
        counts.dropped++;
        req.socket.destroy();
        return;
      }
      if (faults && random() < options.errorRate) {
        counts.errored++;
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            jsonrpc: "2.0",
            id: parsed.id,
            error: { code: -32603, message: "injected fault: internal error" },
          }),
        );
        return;
      }
      try {
        let answer = await forward(body);
        if (reorg.remaining > 0 && (parsed.method === "eth_blockNumber" || parsed.method === "eth_getLogs")) {
          reorg.remaining--;
          counts.reorged++;
          answer = await rewriteForReorg(parsed, answer, reorg.depth);
        }
        res.writeHead(200, { "content-type": "application/json" });
        res.end(answer);
      } catch {
        req.socket.destroy();
      }
    });
  });

  /** Serves the fork's view: a head `depth` blocks back, and no logs above it. */
  async function rewriteForReorg(
    parsed: { id: unknown; method: string },
    answer: string,
    depth: number,
  ): Promise<string> {
    const head = Number(
      JSON.parse(await forward(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] })))
        .result,
    );
    const forkHead = Math.max(0, head - depth);
    const response = JSON.parse(answer) as { result: unknown };
    if (parsed.method === "eth_blockNumber") response.result = "0x" + forkHead.toString(16);
    else if (Array.isArray(response.result)) {
      response.result = response.result.filter((log: { blockNumber: string }) => Number(log.blockNumber) <= forkHead);
    }
    return JSON.stringify(response);
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    replayReorg(depth, requests) {
      reorg = { depth, remaining: requests };
    },
    setFaults(enabled) {
      faults = enabled;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

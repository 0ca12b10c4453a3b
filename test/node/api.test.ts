/**
 * The rewards API over real processes: one validator node (the writer) on a PostgreSQL 15 server, which
 * votes, proposes, attests and settles an epoch of the demo scenario on its own, and API-only replicas
 * reading the same database. The OpenAPI document is validated and every documented route's answer is
 * checked against its response schema; the rewards proof is checked against the on-chain root and its
 * calldata is sent. Every process is stopped by its pid in `after`, even on failure.
 */
import { expect } from "chai";
import { createRequire } from "node:module";
import { readFile, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseUnits } from "ethers";
import { Validator } from "@seriousme/openapi-schema-validator";
import {
  challengeContribution,
  contributionChallengesOf,
  listContributions,
  settlementKey,
  verifySettlementProof,
  voteOnChallenge,
  withRunner,
} from "../../client/index.js";
import { EPOCH_SECONDS, createDatanetsAndPools, seedEpoch } from "../../scripts/lib/scenario.js";
import { ValidatorNetwork, until, type NodeProcess } from "../../scripts/lib/network.js";
import { actThroughNodes } from "../../scripts/lib/throughNodes.js";
import { validatorKey } from "./validatorKey.js";
import { startPostgres, type RunningPostgres } from "../../scripts/lib/postgres.js";

/** Ajv 8 as Fastify installs it, for JSON Schema 2020-12 (OpenAPI 3.1). */
const Ajv2020 = createRequire(import.meta.resolve("@fastify/ajv-compiler"))("ajv/dist/2020") as {
  default: new (options: object) => {
    compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown };
  };
};

interface OpenApi {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>
  >;
}

describe("tributary-node: the rewards API, on a writer node and API-only replicas over one PostgreSQL", function () {
  this.timeout(120_000);
  let net: ValidatorNetwork;
  let postgres: RunningPostgres;
  let work: string;
  let replicas: NodeProcess[];
  let limited: NodeProcess;
  let contributor: string;
  let validator: string;

  before(async function () {
    this.timeout(240_000);
    work = await mkdtemp(path.join(os.tmpdir(), "tributary-api-"));
    postgres = await startPostgres();
    net = await ValidatorNetwork.launch({
      directory: path.join(work, "network"),
      stakes: [parseUnits("1000", 18)],
      nodeConfig: () => ({ database: postgres.url }),
    });
    const { suite, connection } = net;
    contributor = await suite.cast.contributors[0]!.getAddress();
    validator = net.nodes[0]!.address;
    const pools = await createDatanetsAndPools(suite);
    const epoch = await seedEpoch(connection, suite, pools, 0, () => {}, {
      act: actThroughNodes(net),
      contentDirectory: path.join(work, "content"),
    });
    expect(epoch).to.equal(0n);
    const genesis = await suite.tributary.distributor.GENESIS();
    await connection.networkHelpers.time.increaseTo(genesis + EPOCH_SECONDS + 1n);
    await until("the node to settle epoch 0", async () => (await suite.tributary.distributor.nextEpochToSettle()) > 0n);
    replicas = [await net.startApi({ database: postgres.url }), await net.startApi({ database: postgres.url })];
    limited = await net.startApi({
      database: postgres.url,
      config: { rateLimitPerMinute: 3, corsOrigins: ["https://app.example"] },
    });
  });

  after(async function () {
    this.timeout(60_000);
    await net?.stopAll();
    await postgres?.stop();
    await rm(work, { recursive: true, force: true });
  });

  const api = () => replicas[0]!.url!;
  const get = async (url: string, headers: Record<string, string> = {}) => {
    const response = await fetch(url, { headers });
    const text = await response.text();
    return {
      response,
      status: response.status,
      body: text && response.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text,
    };
  };

  it("serves a valid OpenAPI 3.1 document, and every route answers as it documents", async function () {
    const { body: document } = await get(`${api()}/v1/openapi.json`);
    const result = await new Validator().validate(document);
    expect(result.errors, JSON.stringify(result.errors)).to.equal(undefined);
    expect(result.valid).to.equal(true);
    expect((document as { openapi: string }).openapi).to.match(/^3\.1\./);

    const samples: Record<string, string> = {
      "/v1/epochs": "/v1/epochs",
      "/v1/epochs/{epoch}": "/v1/epochs/0",
      "/v1/epochs/{epoch}/artifact": "/v1/epochs/0/artifact",
      "/v1/accounts/{address}/rewards": `/v1/accounts/${contributor}/rewards`,
      "/v1/accounts/{address}/history": `/v1/accounts/${contributor}/history`,
      "/v1/accounts/{address}/explain": `/v1/accounts/${contributor}/explain?epoch=0`,
      "/v1/contributions/{id}": "/v1/contributions/1",
      "/v1/pools/{id}": "/v1/pools/1",
      "/healthz": "/healthz",
      "/readyz": "/readyz",
      "/metrics": "/metrics",
    };
    const ajv = new Ajv2020.default({ strict: false, allErrors: true });
    const { paths } = document as OpenApi;
    for (const [route, operations] of Object.entries(paths)) {
      if (!operations.get) continue;
      if (route.startsWith("/v1/records")) continue; // the inbox: test/node/node.test.ts
      const sample = samples[route];
      expect(sample, `a sample request for ${route}`).to.not.equal(undefined);
      const { status, body } = await get(`${api()}${sample}`);
      expect(status, `${sample}: ${JSON.stringify(body)}`).to.equal(200);
      const schema = operations.get.responses["200"]!.content?.["application/json"]?.schema;
      if (!schema || route === "/metrics") continue;
      const validate = ajv.compile(schema);
      expect(validate(body), `${sample}: ${JSON.stringify(validate.errors)}`).to.equal(true);
    }
  });

  it("reports the settled epoch as pending during its challenge period, then proves and pays against the active root", async function () {
    const { tributary, cast } = net.suite;
    const { connection } = net;
    let { body: epoch } = await get(`${api()}/v1/epochs/0`);
    expect(epoch.status).to.equal("pending");
    expect(epoch.signers).to.deep.equal([validator]);
    expect(epoch.submissionTransaction).to.match(/^0x[0-9a-f]{64}$/);
    expect((await get(`${api()}/v1/epochs/1`)).body.status).to.equal("open");
    expect((await get(`${api()}/v1/accounts/${contributor}/rewards`)).body).to.deep.equal({
      account: contributor,
      activeEpoch: null,
      activeRoot: null,
      rewards: [],
    });

    await connection.networkHelpers.time.increaseTo(BigInt(epoch.activatesAt) + 1n);
    epoch = await until("epoch 0 to be active", async () => {
      const answer = (await get(`${api()}/v1/epochs/0`)).body;
      return answer.status === "active" ? answer : undefined;
    });
    const { body: rewards } = await get(`${api()}/v1/accounts/${contributor.toLowerCase()}/rewards`);
    const active = await tributary.distributor.activeSettlement();
    expect(rewards.account).to.equal(contributor);
    expect(rewards.activeEpoch).to.equal("0");
    expect(rewards.activeRoot).to.equal(active.root);
    expect(rewards.rewards.length).to.be.greaterThan(0);
    for (const r of rewards.rewards) {
      expect(verifySettlementProof(active.root, contributor, r.token, BigInt(r.cumulative), r.proof)).to.equal(true);
      expect(r.claimed).to.equal("0");
      expect(r.claimable).to.equal(r.cumulative);
      expect(r.claim.to).to.equal(tributary.deployment.distributor);
      const receipt = await (await cast.admin.sendTransaction({ to: r.claim.to, data: r.claim.data })).wait();
      const paid = receipt!.logs
        .map((log) => tributary.distributor.interface.parseLog(log))
        .filter((parsed) => parsed?.name === "Claimed")
        .reduce((sum, parsed) => sum + (parsed!.args.amount as bigint), 0n);
      expect(paid).to.equal(BigInt(r.claimable));
    }
    const after = await until("the claims to show", async () => {
      const answer = (await get(`${api()}/v1/accounts/${contributor}/rewards`)).body;
      return answer.rewards.every((r: { claimable: string }) => r.claimable === "0") ? answer : undefined;
    });
    expect(after.rewards.map((r: { claimed: string }) => r.claimed)).to.deep.equal(
      rewards.rewards.map((r: { cumulative: string }) => r.cumulative),
    );
  });

  it("explains an epoch's amounts: they add up to the history, item by item with the rounding", async function () {
    const { body: history } = await get(`${api()}/v1/accounts/${contributor}/history`);
    expect(history.epochs).to.have.length(1);
    expect(history.epochs[0].tokens.every((t: { roles: string[] }) => t.roles.includes("contributor"))).to.equal(true);
    const { body: explained } = await get(`${api()}/v1/accounts/${contributor}/explain?epoch=0`);
    const earned = Object.fromEntries(
      history.epochs[0].tokens.map((t: { token: string; amount: string }) => [t.token, t.amount]),
    );
    expect(
      Object.fromEntries(explained.totals.map((t: { token: string; amount: string }) => [t.token, t.amount])),
    ).to.deep.equal(earned);
    for (const pool of explained.pools) {
      const part = pool.contributor;
      expect(part.rounding.floor).to.equal(part.amount);
      expect(BigInt(part.rounding.numerator) / BigInt(part.rounding.denominator)).to.equal(BigInt(part.amount));
      const shares = part.items.reduce((sum: bigint, i: { amount: string }) => sum + BigInt(i.amount), 0n);
      expect(shares <= BigInt(part.amount) && BigInt(part.amount) - shares < BigInt(part.items.length)).to.equal(true);
    }
    const { body: theValidator } = await get(`${api()}/v1/accounts/${validator}/explain?epoch=0`);
    const kinds = new Set(
      theValidator.pools.flatMap(
        (p: { validator: { items: { kind: string }[] } | null }) => p.validator?.items.map((i) => i.kind) ?? [],
      ),
    );
    expect([...kinds].sort()).to.deep.equal(["proposal", "vote"]);

    const used = explained.pools[0].contributor.items[0].contributionId;
    const { body: contribution } = await get(`${api()}/v1/contributions/${used}`);
    expect(contribution.contributor).to.equal(contributor);
    expect(contribution.status).to.equal("Accepted");
    expect(contribution.votes).to.have.length(1);
    expect(contribution.earnings.length).to.be.greaterThan(0);
    const { body: pool } = await get(`${api()}/v1/pools/1`);
    expect(pool.epochs[0]).to.include({ epoch: "0", funded: parseUnits("5000", 6).toString() });
  });

  it("answers malformed input with 400 and unknown things with 404, as {code, message}", async function () {
    const cases: [string, number][] = [
      ["/v1/accounts/0x1234/rewards", 400],
      ["/v1/epochs/one", 400],
      ["/v1/epochs/1.5", 400],
      ["/v1/epochs?colour=blue", 400],
      [`/v1/accounts/${contributor}/rewards?proof=1`, 400],
      [`/v1/accounts/${contributor}/explain`, 400],
      ["/v1/epochs/99999", 404],
      ["/v1/epochs/1/artifact", 404],
      ["/v1/contributions/99999", 404],
      ["/v1/pools/99999", 404],
      ["/v1/nothing-here", 404],
    ];
    for (const [url, expected] of cases) {
      const { status, body } = await get(`${api()}${url}`);
      expect(status, url).to.equal(expected);
      expect(body, url).to.have.keys("code", "message");
    }
  });

  it("serves the artifact byte for byte with an immutable ETag, and 304 for If-None-Match", async function () {
    const { tributary } = net.suite;
    const file = path.join(net.nodes[0]!.dataDir, "artifacts", `${settlementKey(tributary, 0n)}.json`);
    const response = await fetch(`${api()}/v1/epochs/0/artifact`);
    expect(response.status).to.equal(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(await readFile(file))).to.equal(true);
    expect(response.headers.get("cache-control")).to.equal("public, max-age=31536000, immutable");
    const etag = response.headers.get("etag")!;
    expect(etag).to.match(/^".+"$/);
    const again = await fetch(`${api()}/v1/epochs/0/artifact`, { headers: { "if-none-match": etag } });
    expect(again.status).to.equal(304);
  });

  it("two API-only replicas and the writer answer the same data", async function () {
    const urls = [net.nodes[0]!.url!, ...replicas.map((r) => r.url!)];
    for (const route of [
      "/v1/epochs",
      "/v1/epochs/0",
      `/v1/accounts/${contributor}/history`,
      `/v1/accounts/${validator}/rewards`,
    ]) {
      const answers = await Promise.all(urls.map(async (url) => (await get(`${url}${route}`)).body));
      expect(answers[1], route).to.deep.equal(answers[0]);
      expect(answers[2], route).to.deep.equal(answers[0]);
    }
    const tags = await Promise.all(
      urls.map(async (url) => (await fetch(`${url}/v1/epochs/0/artifact`)).headers.get("etag")),
    );
    expect(new Set(tags).size).to.equal(1);
    // A replica holds no key: it takes no records.
    expect((await fetch(`${replicas[0]!.url}/v1/records/0x${"00".repeat(32)}`)).status).to.equal(503);
  });

  it("sends CORS headers, and answers 429 past the configured rate limit", async function () {
    const open = await fetch(`${api()}/v1/epochs`, { headers: { origin: "https://anywhere.example" } });
    expect(open.headers.get("access-control-allow-origin")).to.equal("*");
    const statuses: number[] = [];
    let last: { code?: string } = {};
    for (let i = 0; i < 4; i++) {
      const response = await fetch(`${limited.url}/v1/pools/1`, { headers: { origin: "https://app.example" } });
      if (i === 0) expect(response.headers.get("access-control-allow-origin")).to.equal("https://app.example");
      statuses.push(response.status);
      last = (await response.json()) as { code?: string };
    }
    expect(statuses).to.deep.equal([200, 200, 200, 429]);
    // Health probes are not limited.
    expect((await fetch(`${limited.url}/readyz`)).status).to.equal(200);
    expect(last.code).to.equal("RATE_LIMITED");
  });

  it("shows a revoked contribution with its revocation epoch and the upheld challenge's evidence", async function () {
    const { tributary, cast, stakeToken } = net.suite;
    const challenger = cast.admin;
    const listed = await listContributions(tributary, { contributor, status: "Accepted" });
    const target = listed[0]!;
    const challenges = contributionChallengesOf(tributary);
    await (await stakeToken.mint(await challenger.getAddress(), await challenges.bondAmount())).wait();
    const evidenceUri = "https://evidence.example/original-work";
    const { challengeId } = await challengeContribution(withRunner(tributary, challenger), {
      contentHash: target.contentHash,
      evidenceUri,
    });
    // The only validator (whose key its node holds: the test decrypts it) votes to revoke: quorum.
    const key = await validatorKey(net.nodes[0]!, tributary.runner.provider!);
    await voteOnChallenge(withRunner(tributary, key), { challengeId, revoke: true });
    const epoch = (await tributary.distributor.currentEpoch()).toString();
    const answer = await until(`contribution ${target.id} to show as revoked`, async () => {
      const { body } = await get(`${api()}/v1/contributions/${target.id}`);
      return body.status === "Revoked" ? body : undefined;
    });
    expect(answer.revokedEpoch).to.equal(epoch);
    expect(answer.challenges).to.have.length(1);
    expect(answer.challenges[0]).to.include({
      challengeId: challengeId.toString(),
      status: "upheld",
      challenger: await challenger.getAddress(),
      evidenceUri,
    });
    // What it earned before its revocation stays.
    expect(answer.earnings.length).to.be.greaterThan(0);
  });
});

/**
 * The node's vote, attest and propose duties: the default policies on their own (files, a local HTTP
 * server as web host and IPFS gateway), the policy loader, VotingDuty and the record inbox on an
 * in-process chain, each re-run and restarted without voting or proposing twice.
 */
import { expect } from "chai";
import { createServer, type Server } from "node:http";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { network } from "hardhat";
import { id, type Signer } from "ethers";
import { pino, type Logger } from "pino";
import { Registry } from "prom-client";
import {
  attestBatch,
  connectTributary,
  devChainWaitUntil,
  hashFileBytes,
  listAttributionBatches,
  proposeBatch,
  register,
  type AttributionRecord,
  type RawRpcProvider,
  type TributaryContracts,
} from "../../client/index.js";
import { hashPath } from "../../client/node/index.js";
import { openDatabase, type Database } from "../../node/src/db.js";
import { handleRecordGet, handleRecordsPost, ProposalDuty, RecordInbox } from "../../node/src/inbox.js";
import { contentHashPolicy } from "../../node/src/policies/contentHash.js";
import { loadPolicies, PolicyLoadError } from "../../node/src/policies/load.js";
import { onChainRulesPolicy } from "../../node/src/policies/onChainRules.js";
import {
  CONTENT_HASH_RULE,
  type BatchPolicy,
  type ContributionInput,
  type ContributionPolicy,
  type Policies,
} from "../../node/src/policies/types.js";
import { registerVotingMetrics, VotingDuty } from "../../node/src/voting.js";
import { acceptedContribution, deployFixture, type Fixture } from "../helpers/fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;
const silent = pino({ level: "silent" });
const bytes = (text: string) => new TextEncoder().encode(text);

/** A logger whose JSON lines land in `lines`. */
function capture(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return { log: pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line)) }), lines };
}

function contribution(contentHash: string, uri: string, contributor = "0x" + "11".repeat(20)): ContributionInput {
  return {
    id: 1n,
    contributor,
    datanetId: 1n,
    contentHash,
    uri,
    hashRule: CONTENT_HASH_RULE,
    registeredAt: 1n,
    closesAt: 2n,
  };
}

/** Wraps a policy so that a test can count how often it was asked. */
function counted<P extends ContributionPolicy | BatchPolicy>(policy: P): P & { asked: number } {
  const wrapper = {
    asked: 0,
    decide: (item: never, context: never) => {
      wrapper.asked += 1;
      return policy.decide(item, context);
    },
  };
  return wrapper as unknown as P & { asked: number };
}

let work: string;
let server: Server;
let base: string;
const served = new Map<string, Uint8Array>();

before(async function () {
  work = await mkdtemp(path.join(os.tmpdir(), "tributary-policy-"));
  server = createServer((request, response) => {
    const body = served.get(request.url ?? "");
    if (request.url === "/slow") return; // never answers
    if (request.url === "/chunked") return response.writeHead(200).end("chunked, no declared length");
    if (!body) return response.writeHead(404).end("not found");
    response.writeHead(200, { "content-length": body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async function () {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(work, { recursive: true, force: true });
});

describe("contentHash policy (the default contribution policy)", function () {
  const good = bytes("a dataset");
  const goodHash = hashFileBytes(good);
  const context = { tributary: undefined as unknown as TributaryContracts, validator: "0x" + "22".repeat(20) };
  let goodFile: string;

  before(async function () {
    goodFile = path.join(work, "dataset.bin");
    await writeFile(goodFile, good);
    served.set("/files/dataset.bin", good);
    served.set("/ipfs/bafyGood/data/dataset.bin", good);
  });

  it("accepts a file:// whose bytes hash to the registered hash, and a directory by the directory rule", async function () {
    const policy = contentHashPolicy({ tributary: context.tributary, log: silent });
    const verdict = await policy.decide(contribution(goodHash, pathToFileURL(goodFile).href), context);
    expect(verdict.decision).to.equal("accept");
    const directory = path.join(work, "corpus");
    await mkdir(path.join(directory, "a"), { recursive: true });
    await writeFile(path.join(directory, "a", "one.txt"), "one");
    await writeFile(path.join(directory, "two.txt"), "two");
    const directoryHash = await hashPath(directory);
    expect(
      (await policy.decide(contribution(directoryHash, pathToFileURL(directory).href), context)).decision,
    ).to.equal("accept");
  });

  it("rejects a file:// and an http:// whose bytes hash to something else, naming both hashes", async function () {
    const policy = contentHashPolicy({ tributary: context.tributary, log: silent });
    const other = hashFileBytes(bytes("other content"));
    const local = await policy.decide(contribution(other, pathToFileURL(goodFile).href), context);
    expect(local.decision).to.equal("reject");
    expect(local.reason).to.contain(goodHash).and.to.contain(other);
    const remote = await policy.decide(contribution(other, `${base}/files/dataset.bin`), context);
    expect(remote.decision).to.equal("reject");
  });

  it("accepts over http:// and over ipfs:// through the configured gateway", async function () {
    const policy = contentHashPolicy({ tributary: context.tributary, log: silent, ipfsGateway: `${base}/ipfs` });
    expect((await policy.decide(contribution(goodHash, `${base}/files/dataset.bin`), context)).decision).to.equal(
      "accept",
    );
    const ipfs = await policy.decide(contribution(goodHash, "ipfs://bafyGood/data/dataset.bin"), context);
    expect(ipfs).to.deep.equal({
      decision: "accept",
      reason: "the content at ipfs://bafyGood/data/dataset.bin hashes to the registered hash",
    });
  });

  it("abstains when the content cannot be had: missing file, 404, refused port, timeout, size cap, no gateway, unknown scheme or rule", async function () {
    const policy = contentHashPolicy({
      tributary: context.tributary,
      log: silent,
      fetchTimeoutMs: 300,
      maxContentBytes: 4,
    });
    const spare = createServer();
    await new Promise<void>((resolve) => spare.listen(0, "127.0.0.1", resolve));
    const closedPort = (spare.address() as AddressInfo).port;
    await new Promise<void>((resolve) => spare.close(() => resolve()));
    const cases: [string, RegExp][] = [
      [pathToFileURL(path.join(work, "missing.bin")).href, /cannot read .*ENOENT/],
      [`${base}/files/missing.bin`, /answered HTTP 404/],
      [`http://127.0.0.1:${closedPort}/x`, /cannot fetch .*ECONNREFUSED/],
      [`${base}/slow`, /cannot fetch/],
      [`${base}/files/dataset.bin`, /declares 9 bytes, over the 4-byte limit/],
      [`${base}/chunked`, /sent more than the 4-byte limit/],
      ["ipfs://bafyGood/data/dataset.bin", /no IPFS gateway is configured/],
      ["ftp://example.com/x", /scheme "ftp:" is not supported/],
      ["not a uri", /is not a URL/],
      [`${base}/files/`, /names a directory/],
    ];
    for (const [uri, reason] of cases) {
      const verdict = await policy.decide(contribution(goodHash, uri), context);
      expect(verdict.decision, uri).to.equal("abstain");
      expect(verdict.reason, `${uri}: ${verdict.reason}`).to.match(reason);
    }
    const unknownRule = await policy.decide(
      { ...contribution(goodHash, pathToFileURL(goodFile).href), hashRule: "sha256" },
      context,
    );
    expect(unknownRule).to.deep.equal({ decision: "abstain", reason: 'unknown content-hash rule "sha256"' });
  });
});

describe("loadPolicies", function () {
  const options = () => ({ tributary: undefined as unknown as TributaryContracts, log: silent });

  it("gives the defaults when no module is configured", async function () {
    const policies = await loadPolicies({}, options());
    expect(policies.contribution.decide).to.be.a("function");
    expect(policies.batch.decide).to.be.a("function");
  });

  it("loads the example allowlist module from a relative and an absolute path", async function () {
    const allowed = "0x" + "ab".repeat(20);
    process.env.TRIBUTARY_ALLOWLIST = allowed;
    try {
      const file = path.join(work, "listed.bin");
      await writeFile(file, "listed");
      const item = (contributor: string) =>
        contribution(hashFileBytes(bytes("listed")), pathToFileURL(file).href, contributor);
      const context = { tributary: options().tributary, validator: allowed };
      for (const modulePath of ["./examples/policies/allowlist.ts", path.resolve("examples/policies/allowlist.ts")]) {
        const { contribution: policy } = await loadPolicies({ contribution: modulePath }, options());
        expect((await policy.decide(item(allowed), context)).decision).to.equal("accept");
        const stranger = await policy.decide(item("0x" + "cd".repeat(20)), context);
        expect(stranger.decision).to.equal("reject");
        expect(stranger.reason).to.match(/is not on the allowlist/);
      }
    } finally {
      delete process.env.TRIBUTARY_ALLOWLIST;
    }
  });

  it("throws a PolicyLoadError naming the path for a missing module, a wrong export and a factory without decide", async function () {
    const wrongShape = path.join(work, "wrong.mjs");
    await writeFile(wrongShape, "export const threshold = 3;\n");
    const noDecide = path.join(work, "nodecide.mjs");
    await writeFile(noDecide, "export default () => ({ choose() {} });\n");
    const cases: [{ contribution?: string; batch?: string }, string, RegExp][] = [
      [{ contribution: "./examples/policies/missing.ts" }, "./examples/policies/missing.ts", /does not exist/],
      [{ batch: "tributary-no-such-policy-package" }, "tributary-no-such-policy-package", /does not exist/],
      [
        { batch: wrongShape },
        wrongShape,
        /must export a factory function as "default" or "batchPolicy"; it exports threshold/,
      ],
      [{ contribution: noDecide }, noDecide, /must return an object with a decide\(item, context\) method/],
    ];
    for (const [paths, modulePath, message] of cases) {
      try {
        await loadPolicies(paths, options());
        expect.fail(`${modulePath} loaded`);
      } catch (error) {
        expect(error).to.be.instanceOf(PolicyLoadError);
        expect((error as PolicyLoadError).modulePath).to.equal(modulePath);
        expect((error as PolicyLoadError).kind).to.equal(paths.contribution ? "contribution" : "batch");
        expect((error as Error).message)
          .to.contain(modulePath)
          .and.to.match(message);
      }
    }
  });
});

/** A record of output `label` paying pool 0 for contribution `contributionId`. */
function record(label: string, contributionId: bigint, poolId = 0n): AttributionRecord {
  return { outputId: id(label), poolId, value: 1_000n, vector: [{ contributionId, weightBps: 10_000 }] };
}

describe("on chain: the batch policy, VotingDuty and the record inbox", function () {
  let f: Fixture;
  let reader: TributaryContracts;
  let node: Signer;
  let accepted: bigint;
  const as = (signer: Signer) => f.as(signer);

  async function deployed(): Promise<Fixture> {
    const fixture = await deployFixture(connection);
    // Accepted by validators 1-3 (validator 1 is the node under test), for the records to name.
    await acceptedContribution(fixture, fixture.contributors[0]!, "accepted-work");
    return fixture;
  }

  beforeEach(async function () {
    f = await networkHelpers.loadFixture(deployed);
    reader = connectTributary(f.deployment, f.tributary.runner.provider!);
    node = f.validators[0]!;
    accepted = 1n;
  });

  /** Registers `contentHash` with `uri` for contributor 2; returns its id. */
  async function registerContent(contentHash: string, uri: string): Promise<bigint> {
    const waitUntil = devChainWaitUntil(f.tributary.runner.provider as unknown as RawRpcProvider);
    const { ids } = await register(as(f.contributors[1]!), { datanetId: f.datanetId, contentHash, uri, waitUntil });
    return ids[0]!;
  }

  it("the batch policy supports a valid batch and abstains on one re-using a counted output", async function () {
    const [, v2, v3] = f.validators as [Signer, Signer, Signer];
    const final = await proposeBatch(as(v2), { records: [record("counted", accepted)] });
    await attestBatch(as(node), { batchId: final.batchId, support: true });
    await attestBatch(as(v3), { batchId: final.batchId, support: true });
    expect(await reader.ledger.batchStatus(final.batchId)).to.equal(2n); // Final
    const policy = onChainRulesPolicy({ tributary: reader, log: silent });
    const context = {
      tributary: reader,
      validator: await node.getAddress(),
      batches: await listAttributionBatches(reader),
      supported: new Set<bigint>(),
    };
    const item = (records: AttributionRecord[]) => ({ batchId: 99n, proposer: "", epoch: 0n, records });
    expect(await policy.decide(item([record("fresh", accepted)]), context)).to.deep.equal({
      decision: "support",
      reason: "all 1 records pass the ledger's rules and name outputs not counted yet",
    });
    const reused = await policy.decide(item([record("counted", accepted)]), context);
    expect(reused.decision).to.equal("abstain");
    expect(reused.reason).to.equal(
      `record 0: output ${id("counted")} is already counted in Final batch ${final.batchId}`,
    );
    const notAccepted = await policy.decide(item([record("other", 7n)]), context);
    expect(notAccepted).to.deep.equal({
      decision: "abstain",
      reason: `record 0 (output ${id("other")}): contribution 7 is not Accepted`,
    });
  });

  it("VotingDuty votes and attests by policy, once, across re-runs and a restart", async function () {
    const [, v2, v3, v4] = f.validators as [Signer, Signer, Signer, Signer];
    const me = await node.getAddress();
    // Contributions: content that matches, content that does not, content that cannot be had.
    const goodFile = path.join(work, "good.bin");
    const badFile = path.join(work, "bad.bin");
    await writeFile(goodFile, "good content");
    await writeFile(badFile, "not what was registered");
    const good = await registerContent(hashFileBytes(bytes("good content")), pathToFileURL(goodFile).href);
    const bad = await registerContent(hashFileBytes(bytes("registered content")), pathToFileURL(badFile).href);
    const gone = await registerContent(hashFileBytes(bytes("gone")), pathToFileURL(path.join(work, "gone")).href);
    // Batches: one Final; one fresh (support); one re-using the counted output and one rivalling the
    // fresh batch's output (abstain on both).
    const final = await proposeBatch(as(v2), { records: [record("counted", accepted)] });
    await attestBatch(as(node), { batchId: final.batchId, support: true });
    await attestBatch(as(v3), { batchId: final.batchId, support: true });
    const fresh = await proposeBatch(as(v2), { records: [record("fresh", accepted)] });
    const reused = await proposeBatch(as(v3), { records: [record("counted", accepted)] });
    const rival = await proposeBatch(as(v4), { records: [record("fresh", accepted)] });

    const metrics = registerVotingMetrics(new Registry());
    let clock = 1_000_000;
    const { log, lines } = capture();
    const policies = {
      contribution: counted(contentHashPolicy({ tributary: reader, log: silent })),
      batch: counted(onChainRulesPolicy({ tributary: reader, log: silent })),
    };
    const duty = () =>
      new VotingDuty({
        tributary: reader,
        validator: node,
        policies,
        log,
        metrics,
        abstainRetryMs: 60_000,
        now: () => clock,
      });

    const first = duty();
    const one = await first.step();
    expect(one.votes.map((v) => [v.id, v.accept])).to.deep.equal([
      [good, true],
      [bad, false],
    ]);
    expect(one.attestations.map((a) => [a.batchId, a.support])).to.deep.equal([[fresh.batchId, true]]);
    expect(one.abstentions).to.equal(3);
    expect(one.errors).to.equal(0);
    expect(policies.contribution.asked).to.equal(3);
    expect(policies.batch.asked).to.equal(3);
    const decisions = lines.filter((l) => ["voted", "attested", "abstained"].includes(l.msg as string));
    expect(decisions).to.have.length(6);
    for (const line of decisions) expect(line.reason).to.be.a("string").and.not.equal("");
    const abstained = decisions.filter((l) => l.msg === "abstained").map((l) => [l.kind, l.id ?? l.batchId, l.reason]);
    expect(abstained).to.deep.equal([
      ["contribution", String(gone), `cannot read ${path.join(work, "gone")}: ENOENT`],
      [
        "batch",
        String(reused.batchId),
        `record 0: output ${id("counted")} is already counted in Final batch ${final.batchId}`,
      ],
      [
        "batch",
        String(rival.batchId),
        `record 0: output ${id("fresh")} is in Pending batch ${fresh.batchId}, which this validator supports`,
      ],
    ]);

    // Re-run: nothing to send, and abstentions are not asked again until they age.
    const two = await first.step();
    expect(two).to.deep.equal({ votes: [], attestations: [], abstentions: 0, errors: 0 });
    expect(policies.contribution.asked + policies.batch.asked).to.equal(6);
    clock += 60_001;
    expect((await first.step()).abstentions).to.equal(3);

    // Restart: a fresh duty reads what was cast from the chain, and asks only about the abstentions.
    const restarted = await duty().step();
    expect(restarted.votes).to.deep.equal([]);
    expect(restarted.attestations).to.deep.equal([]);
    expect(restarted.abstentions).to.equal(3);

    const votes = await reader.registry.queryFilter(
      reader.registry.filters.VoteCast(undefined, me),
      f.deployment.deployBlock,
    );
    expect(votes.map((e) => e.args.id).filter((i) => i !== accepted)).to.deep.equal([good, bad]);
    const attestations = await reader.ledger.queryFilter(
      reader.ledger.filters.BatchAttested(undefined, me),
      f.deployment.deployBlock,
    );
    expect(attestations.map((e) => e.args.batchId)).to.deep.equal([final.batchId, fresh.batchId]);
    const text = await metrics.cast.get();
    expect(text.values.map((v) => [v.labels.kind, v.labels.side, v.value])).to.deep.equal([
      ["contribution", "accept", 1],
      ["contribution", "reject", 1],
      ["batch", "support", 1],
    ]);
  });

  it("VotingDuty asks nothing for a validator without power at the snapshots", async function () {
    await registerContent(hashFileBytes(bytes("x")), "ipfs://x");
    await proposeBatch(as(f.validators[1]!), { records: [record("fresh", accepted)] });
    const policies = {
      contribution: counted(contentHashPolicy({ tributary: reader, log: silent })),
      batch: counted(onChainRulesPolicy({ tributary: reader, log: silent })),
    } satisfies Policies;
    const report = await new VotingDuty({ tributary: reader, validator: f.cast.admin, policies, log: silent }).step();
    expect(report).to.deep.equal({ votes: [], attestations: [], abstentions: 0, errors: 0 });
    expect(policies.contribution.asked + policies.batch.asked).to.equal(0);
  });

  describe("the record inbox", function () {
    let db: Database;
    let inbox: RecordInbox;

    beforeEach(async function () {
      db = await openDatabase({ dataDir: await mkdtemp(path.join(work, "db-")), name: "db" });
      inbox = await RecordInbox.open(db);
    });
    afterEach(async function () {
      await db.close();
    });

    it("checks each record's shape at the door, with the index and field in the message", async function () {
      const ok = {
        outputId: id("o1"),
        poolId: "0",
        value: "1000",
        vector: [{ contributionId: "1", weightBps: 10_000 }],
      };
      const cases: [unknown, string][] = [
        [{}, 'the body must be a JSON object {"records": [...]}'],
        [{ records: [] }, "records is empty"],
        [{ records: [ok, { ...ok, outputId: "0x12" }] }, "record 1: outputId must be 0x followed by 64 hex digits"],
        [{ records: [{ ...ok, value: -1 }] }, "record 0: value must be a non-negative whole number"],
        [
          { records: [{ ...ok, vector: [{ contributionId: 1, weightBps: 9_000 }] }] },
          "record 0: weights sum to 9000 bps, not 10000",
        ],
        [{ records: [ok, ok] }, `record 1: output ${id("o1")} appears twice`],
      ];
      for (const [body, message] of cases) {
        const answer = await handleRecordsPost(inbox, body);
        expect(answer.status, message).to.equal(400);
        expect(answer.json.code).to.equal("INVALID_RECORDS");
        expect(answer.json.message).to.contain(message);
      }
      expect(await handleRecordsPost(inbox, { records: [ok] })).to.deep.equal({
        status: 202,
        json: { queued: [id("o1")], alreadyQueued: [] },
      });
      // A retried request is harmless; the same output id with other content is refused.
      expect((await handleRecordsPost(inbox, { records: [ok] })).json).to.deep.equal({
        queued: [],
        alreadyQueued: [id("o1")],
      });
      const conflict = await handleRecordsPost(inbox, { records: [{ ...ok, value: "5" }] });
      expect(conflict.status).to.equal(400);
      expect(conflict.json.message).to.contain("is already in the inbox with another pool, value or vector");
      expect((await handleRecordGet(inbox, id("o1"))).json).to.deep.equal({ outputId: id("o1"), state: "queued" });
      expect((await handleRecordGet(inbox, id("nope"))).status).to.equal(404);
    });

    it("proposes queued records in batches of at most the limit, once, and keeps what cannot pass yet", async function () {
      const waiting = await registerContent(hashFileBytes(bytes("pending work")), "ipfs://pending");
      const outputs = ["a", "b", "c"]
        .map((l) => record(l, accepted))
        .sort((x, y) => (x.outputId < y.outputId ? -1 : 1));
      await inbox.enqueue([...outputs, record("waits", waiting), record("bad-pool", accepted, 42n)]);
      const metrics = registerVotingMetrics(new Registry());
      const duty = new ProposalDuty({
        tributary: reader,
        validator: node,
        inbox,
        log: silent,
        metrics,
        maxRecordsPerBatch: 2,
      });
      const report = await duty.step();
      expect(report.proposed.map((p) => p.outputIds)).to.deep.equal([
        [outputs[0]!.outputId, outputs[1]!.outputId],
        [outputs[2]!.outputId],
      ]);
      expect(report.invalid).to.deep.equal([id("bad-pool")]);
      for (const [i, r] of outputs.entries()) {
        const entry = await inbox.get(r.outputId);
        expect(entry?.state).to.equal("proposed");
        expect(entry?.batchId).to.equal(report.proposed[i < 2 ? 0 : 1]!.batchId);
      }
      expect((await inbox.get(id("bad-pool")))?.detail).to.equal("pool 42 does not exist");
      expect((await inbox.get(id("waits")))?.detail).to.equal(`waiting: contribution ${waiting} is not Accepted`);
      const count = await reader.ledger.batchCount();
      expect(await duty.step()).to.deep.equal({ proposed: [], foundOnChain: [], invalid: [] });
      expect(await reader.ledger.batchCount()).to.equal(count);
      expect(await inbox.counts()).to.deep.equal({ queued: 1, proposed: 3, duplicate: 0, invalid: 1 });
    });

    it("does not propose twice after a crash between sending the batch and marking its rows", async function () {
      await inbox.enqueue([record("x", accepted), record("y", accepted)]);
      // The database fails on the first transaction of the step, the marking after the proposal.
      const crashing: Database = {
        ...db,
        description: db.description,
        query: (sql, params) => db.query(sql, params),
        exec: (sql) => db.exec(sql),
        close: () => db.close(),
        transaction: () => Promise.reject(new Error("simulated crash")),
      };
      const before = await reader.ledger.batchCount();
      const crashed = new ProposalDuty({
        tributary: reader,
        validator: node,
        inbox: await RecordInbox.open(crashing),
        log: silent,
      });
      await crashed.step().then(
        () => expect.fail("the step did not fail"),
        (error: Error) => expect(error.message).to.equal("simulated crash"),
      );
      expect(await reader.ledger.batchCount()).to.equal(before + 1n);
      expect((await inbox.get(id("x")))?.state).to.equal("queued");

      const report = await new ProposalDuty({ tributary: reader, validator: node, inbox, log: silent }).step();
      expect(report.proposed).to.deep.equal([]);
      expect(report.foundOnChain.map((r) => r.batchId)).to.deep.equal([before + 1n, before + 1n]);
      expect(await reader.ledger.batchCount()).to.equal(before + 1n);
      expect((await inbox.get(id("x")))?.state).to.equal("proposed");
      expect((await inbox.get(id("y")))?.batchId).to.equal(before + 1n);
    });
  });
});

import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ConfigError, loadConfig } from "../../node/src/config.js";

describe("tributary-node: configuration", function () {
  let work: string;
  let file: string;
  const base = { rpcUrl: "http://127.0.0.1:8545", deployment: "deployment.json", dataDir: "data" };
  const write = (fields: Record<string, unknown>) => writeFile(file, JSON.stringify({ ...base, ...fields }));
  const refused = async (env: NodeJS.ProcessEnv, pattern: RegExp) => {
    const error = await loadConfig(file, env).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, `expected ${pattern}`).to.be.instanceOf(ConfigError);
    expect((error as Error).message).to.match(pattern);
  };
  before(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), "tributary-config-"));
    file = path.join(work, "node.json");
  });
  after(() => rm(work, { recursive: true, force: true }));

  it("defaults: embedded database, default policies, nothing pinned", async function () {
    await write({});
    const config = await loadConfig(file, {});
    expect(config.database).to.equal(undefined);
    expect(config.policies).to.deep.equal({});
    expect(config.expectAllocation).to.deep.equal({});
    expect(config.dataDir).to.equal(path.join(work, "data"));
  });

  it("reads the database, policies, gateway, webhook and pinned parameters, from the file or the environment", async function () {
    await write({
      database: "postgres://tributary:secret@127.0.0.1:5432/node",
      contributionPolicy: "./policies/mine.mjs",
      batchPolicy: "some-package/policy",
      ipfsGateway: "http://127.0.0.1:8080/ipfs/",
      alertWebhook: "https://alerts.example/hook",
      expectAllocation: { protocolFeeBps: 500, treasury: "0x00000000000000000000000000000000000000aa" },
    });
    const config = await loadConfig(file, { TRIBUTARY_NODE_EXPECT_ALLOCATION: '{"validatorShareBps":"2000"}' });
    expect(config.database).to.equal("postgres://tributary:secret@127.0.0.1:5432/node");
    expect(config.policies).to.deep.equal({
      contribution: path.join(work, "policies", "mine.mjs"),
      batch: "some-package/policy",
    });
    expect(config.ipfsGateway).to.equal("http://127.0.0.1:8080/ipfs/");
    expect(config.alertWebhook).to.equal("https://alerts.example/hook");
    // The environment replaces the whole field.
    expect(config.expectAllocation).to.deep.equal({ validatorShareBps: 2000n });
  });

  it("reads the API's role, CORS origins and rate limit; an api replica needs PostgreSQL and no key", async function () {
    await write({});
    expect(await loadConfig(file, {})).to.include({ role: "node", rateLimitPerMinute: 600 });
    expect((await loadConfig(file, {})).corsOrigins).to.deep.equal(["*"]);
    await write({ role: "api", database: "postgres://127.0.0.1/tributary", corsOrigins: ["https://app.example"] });
    const api = await loadConfig(file, { TRIBUTARY_NODE_RATE_LIMIT_PER_MINUTE: "0" });
    expect(api).to.include({ role: "api", rateLimitPerMinute: 0 });
    expect(api.corsOrigins).to.deep.equal(["https://app.example"]);
    const env = { TRIBUTARY_NODE_CORS_ORIGINS: "https://a.example, https://b.example" };
    expect((await loadConfig(file, env)).corsOrigins).to.deep.equal(["https://a.example", "https://b.example"]);
    await refused({ TRIBUTARY_NODE_CORS_ORIGINS: "app.example" }, /^corsOrigins \(\$TRIBUTARY_NODE_CORS_ORIGINS\)/);
    await refused({ TRIBUTARY_NODE_ROLE: "writer" }, /^role \(\$TRIBUTARY_NODE_ROLE\) must be "node" or "api"/);
    await refused({ TRIBUTARY_NODE_RATE_LIMIT_PER_MINUTE: "-1" }, /^rateLimitPerMinute/);
    await write({ role: "api" });
    await refused({}, /^role api serves another node's PostgreSQL database/);
    await write({ role: "api", database: "postgres://127.0.0.1/tributary", submitFrom: `0x${"11".repeat(20)}` });
    await refused({}, /^role api holds no key/);
  });

  it("refuses bad values with a line naming the field", async function () {
    await write({ database: "mysql://x" });
    await refused({}, /database \(config\) must be a postgres:\/\/ URL/);
    await write({ alertWebhook: "ftp://x" });
    await refused({}, /alertWebhook \(config\) must be an http\(s\) URL/);
    await write({ expectAllocation: { protocolFeeBps: -1 } });
    await refused({}, /expectAllocation\.protocolFeeBps \(config\) must be a whole number/);
    await write({ expectAllocation: { feeBps: 1 } });
    await refused({}, /unknown field expectAllocation\.feeBps/);
    await write({});
    await refused(
      { TRIBUTARY_NODE_EXPECT_ALLOCATION: "{not json" },
      /\$TRIBUTARY_NODE_EXPECT_ALLOCATION\) must be a JSON object/,
    );
    await write({ signerUrl: "http://127.0.0.1:8550" });
    await refused({}, /an external signer needs both signerUrl and signerAddress/);
    await write({ signerUrl: "http://127.0.0.1:8550", signerAddress: "0x1234" });
    await refused({}, /signerAddress \(config\) must be an address/);
    await write({
      signerUrl: "http://127.0.0.1:8550",
      signerAddress: "0x00000000000000000000000000000000000000aa",
      keystore: "k.json",
    });
    await refused({ TRIBUTARY_KEYSTORE_PASSWORD: "x" }, /either a keystore or an external signer, not both/);
    await write({ gossip: true });
    await refused({}, /unknown config field "gossip"/);
  });
});

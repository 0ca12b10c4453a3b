/**
 * End-to-end: the dapp in Debian's Chromium (driven by playwright-core) against a seeded
 * `hardhat node` running the three-pool demo (rewards in TRWD, TUSD with 6 decimals, and TSRC), reading
 * rewards from a keyless tributary-node's API. Shows the chain and the epoch clock, rewards per token,
 * claims one token and then all of them with the API's proofs, explains an epoch's reward output by
 * output, registers, votes, settles with the operator CLI while the page is open, chooses a recipient per
 * token, resets everything on a change of account, refuses an API answer that is not the chain's
 * settlement, and says so, claiming nothing, when the API is down; shows a disputed epoch as disputed and
 * why a revoked contribution was revoked;
 * asserts what a person sees and saves a screenshot of each screen, 1280 and 390 px wide, under
 * app/e2e-screenshots/.
 */
import { expect } from "chai";
import { createReadStream } from "node:fs";
import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { createServer, request as httpRequest, type Server } from "node:http";
import os from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { formatUnits, getAddress, id, parseUnits } from "ethers";
import {
  attestBatch,
  challengeContribution,
  disputeSettlement,
  fundPool,
  listAttributionBatches,
  listContributions,
  proposeBatch,
  readChallenge,
  settlementKey,
  voteOnChallenge,
  withRunner,
  type SettlementArtifact,
} from "../../client/index.js";
import { FileSettlementStore } from "../../client/node/index.js";
import { EPOCH_SECONDS, type Connection, type DemoNetwork, type DemoSuite } from "../../scripts/lib/scenario.js";
import { startApiNode, waitForActiveArtifact, type ApiNode } from "../../scripts/lib/apiNode.js";
import { freePort, runHardhat, startHardhatNode, type RunningNode } from "../../scripts/lib/node.js";
import { GENERATED_DIRECTORY, SETTLEMENTS_DIRECTORY, seedApp } from "../../scripts/lib/seedApp.js";

const APP = path.resolve("app");
const SCREENSHOTS = path.join(APP, "e2e-screenshots");
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const TYPES: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
};

/** Runs `hardhat <args> --network localhost` against the node, as an operator would. */
async function hardhat(nodeUrl: string, args: string[]): Promise<{ code: number | null; output: string }> {
  const run = await runHardhat([...args, "--network", "localhost"], { TRIBUTARY_RPC_URL: nodeUrl });
  return { code: run.code, output: run.stdout + run.stderr };
}

/**
 * Serves the built app, the live generated files, any `mounts` (URL prefix → directory), proxies /rpc
 * to the node, and serves at /lying-api/ the API at `apiUrl` with one unit more in every reward than it
 * proves.
 */
async function serveApp(
  nodeUrl: string,
  apiUrl: () => string,
  mounts: Record<string, string>,
): Promise<{ url: string; server: Server }> {
  const upstream = new URL(nodeUrl);
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname.startsWith("/lying-api/")) {
      const answer = await fetch(`${apiUrl()}/${url.pathname.slice("/lying-api/".length)}${url.search}`);
      const body = (await answer.json()) as { rewards?: { cumulative: string; claimable: string }[] };
      for (const r of body.rewards ?? []) {
        r.cumulative = (BigInt(r.cumulative) + 1n).toString();
        r.claimable = (BigInt(r.claimable) + 1n).toString();
      }
      res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(body));
      return;
    }
    if (url.pathname === "/rpc") {
      const proxied = httpRequest(
        {
          hostname: upstream.hostname,
          port: upstream.port,
          path: "/",
          method: "POST",
          headers: { "content-type": "application/json" },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, { "content-type": "application/json" });
          answer.pipe(res);
        },
      );
      proxied.on("error", () => res.writeHead(502).end());
      req.pipe(proxied);
      return;
    }
    const mount = Object.keys(mounts).find((prefix) => url.pathname.startsWith(prefix));
    const file = mount
      ? path.join(mounts[mount]!, decodeURIComponent(url.pathname.slice(mount.length)))
      : path.join(APP, "dist", url.pathname === "/" ? "index.html" : url.pathname);
    try {
      if (!(await stat(file)).isFile()) throw new Error("not a file");
      res.writeHead(200, {
        "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
        "cache-control": "no-store",
      });
      createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return { url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`, server };
}

describe("reference dapp in Chromium", function () {
  this.timeout(600_000);
  let node: RunningNode;
  /** The keyless tributary-node whose API the app reads, and where it keeps its data. */
  let api: ApiNode;
  let apiDirectory: string;
  let apiListen: string;
  let suite: DemoSuite;
  let net: DemoNetwork;
  let connection: Connection;
  /** Token address (checksummed) → symbol and decimals, for the demo's three tokens. */
  const tokens = new Map<string, { symbol: string; decimals: number }>();
  let browser: BrowserContext;
  let page: Page;
  let app: { url: string; server: Server };
  let profile: string;
  let shot = 0;

  /** The document's and the viewport's widths: a page that fits has no horizontal scroll. */
  const widths = () =>
    page.evaluate(() => ({
      document: document.documentElement.scrollWidth,
      body: document.body.scrollWidth,
      viewport: window.innerWidth,
      overflowing: Array.from(document.querySelectorAll("body *"))
        .filter(
          (e) => e.getBoundingClientRect().right > window.innerWidth + 0.5 && !e.closest(".table-wrap, .chart-wrap"),
        )
        .map((e) => e.id || e.className || e.tagName)
        .slice(0, 5),
    }));
  /** Saves the page as it is, 1280 px and then 390 px wide, and checks that it fits a phone's width. */
  async function screenshot(name: string) {
    shot += 1;
    const file = (width: string) => path.join(SCREENSHOTS, `${String(shot).padStart(2, "0")}-${name}-${width}.png`);
    await page.screenshot({ path: file("desktop"), fullPage: true });
    await page.setViewportSize(PHONE);
    try {
      const w = await widths();
      expect(w.viewport).to.equal(PHONE.width);
      expect(w.document, `document wider than the phone screen: ${JSON.stringify(w)}`).to.be.at.most(w.viewport);
      expect(w.body, `body wider than the phone screen: ${JSON.stringify(w)}`).to.be.at.most(w.viewport);
      await page.screenshot({ path: file("phone"), fullPage: true });
    } finally {
      await page.setViewportSize(DESKTOP);
    }
  }
  async function as(name: string) {
    const value = await page.locator(`#account-select option`, { hasText: name }).first().getAttribute("value");
    await page.selectOption("#account-select", value!);
    // Once every view shows the account, not just its address.
    await page.waitForFunction((address) => document.body.dataset.account === address, getAddress(value!));
  }
  const epochRow = (epoch: number) => page.locator(`#epoch-rows tr[data-epoch="${epoch}"]`);
  const rewardRow = (symbol: string) => page.locator(`#reward-rows tr[data-symbol="${symbol}"]`);
  /** An amount as the app shows it: the token's decimals, grouped, at most 4 fraction digits. */
  const shown = (value: bigint, decimals: number) =>
    Number(formatUnits(value, decimals)).toLocaleString("en-US", { maximumFractionDigits: 4 });
  /** The artifact of `epoch`, as the seed or the CLI wrote it to the served settlements directory. */
  async function artifactOf(epoch: bigint): Promise<SettlementArtifact> {
    const artifact = await new FileSettlementStore(SETTLEMENTS_DIRECTORY).readArtifact(
      settlementKey(suite.tributary, epoch),
    );
    expect(artifact, `no artifact of epoch ${epoch}`).to.not.equal(undefined);
    return artifact!;
  }

  before(async function () {
    node = await startHardhatNode();
    connection = await network.create({ network: "localhost", override: { url: node.url } });
    ({ suite, net } = await seedApp(connection));
    for (const token of [suite.rewardToken, suite.stableToken, suite.creditToken]) {
      tokens.set(getAddress(await token.getAddress()), {
        symbol: await token.symbol(),
        decimals: Number(await token.decimals()),
      });
    }
    apiDirectory = await mkdtemp(path.join(os.tmpdir(), "tributary-e2e-node-"));
    // A fixed port, so that the node can be stopped and started again where the built app looks for it.
    apiListen = `127.0.0.1:${await freePort()}`;
    api = await startApiNode({
      rpcUrl: node.url,
      deployment: path.join(GENERATED_DIRECTORY, "deployment.json"),
      directory: apiDirectory,
      listen: apiListen,
    });
    await waitForActiveArtifact(api.url);
    process.env.VITE_TRIBUTARY_API_URL = api.url;
    const { build } = await import("vite");
    await build({ configFile: path.join(APP, "vite.config.ts"), logLevel: "warn" });
    app = await serveApp(node.url, () => api.url, { "/generated/": GENERATED_DIRECTORY });
    await rm(SCREENSHOTS, { recursive: true, force: true });
    await mkdir(SCREENSHOTS, { recursive: true });
    profile = await mkdtemp(path.join(os.tmpdir(), "tributary-chromium-"));
    // A fresh user-data directory for every run.
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: "/usr/bin/chromium",
      headless: true,
      viewport: DESKTOP,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = await browser.newPage();
    await page.goto(app.url);
    await page.waitForSelector("body[data-ready=true]", { timeout: 60_000 });
  });

  after(async function () {
    await browser?.close();
    app?.server.close();
    await api?.stop();
    await node?.stop();
    if (profile) await rm(profile, { recursive: true, force: true });
    if (apiDirectory) await rm(apiDirectory, { recursive: true, force: true });
  });

  it("shows the chain, the current epoch with a countdown to its end, what datanets and epochs are, and a favicon", async function () {
    await expect0(page.locator("#chain-name"), "Hardhat (local node)");
    await expect0(page.locator("#chain-id"), "31337");
    const current = await suite.tributary.distributor.currentEpoch();
    await expect0(page.locator("#current-epoch"), current.toString());
    const countdown = async () => {
      const text = (await page.textContent("#epoch-countdown"))!;
      const match = /^(\d+)h (\d\d)m (\d\d)s$/.exec(text);
      expect(match, `countdown "${text}"`).to.not.equal(null);
      return Number(match![1]) * 3600 + Number(match![2]) * 60 + Number(match![3]);
    };
    const first = await countdown();
    // The epoch ends at most one epoch from now, measured on the chain's clock.
    const end = Number(await suite.tributary.distributor.epochStart(current + 1n));
    const chainNow = (await connection.ethers.provider.getBlock("latest"))!.timestamp;
    expect(first).to.be.greaterThan(0).and.at.most(Number(EPOCH_SECONDS));
    expect(Math.abs(first - (end - chainNow))).to.be.at.most(30);
    await new Promise((r) => setTimeout(r, 2_100));
    expect(await countdown()).to.be.lessThan(first);

    const about = (await page.textContent("#about"))!.replace(/\s+/g, " ").trim();
    expect(about).to.match(/A datanet is [^.;]+; an epoch is [^.;]+\.$/);
    const favicon = await page.evaluate(async () => {
      const link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
      if (!link) return undefined;
      const answer = await fetch(link.href);
      return { status: answer.status, type: answer.headers.get("content-type"), body: await answer.text() };
    });
    expect(favicon?.status).to.equal(200);
    expect(favicon?.type).to.equal("image/svg+xml");
    expect(favicon?.body).to.contain("<svg");

    await as("treasury");
    const roles = (await page.textContent("#account-roles"))!;
    expect(roles).to.contain("treasury (receives protocol fees and slashed stake)");
    await as("contributor-1");
    expect(await page.textContent("#account-roles")).to.not.contain("treasury");
    await screenshot("chain-and-epoch");
  });

  it("shows a contributor's rewards per token with each token's decimals, claims one token, then all", async function () {
    await as("contributor-1");
    const me = getAddress((await page.textContent("#account-address"))!);
    expect(await page.textContent("#account-roles")).to.contain("contributor");
    await expect0(epochRow(0).locator(".state"), "active");

    // What the settlement owes contributor-1, per token, from the artifact the app reads.
    const artifact = await artifactOf(0n);
    const owed = new Map<string, bigint>();
    for (const a of artifact.metadata.amounts) {
      if (getAddress(a.account) === me) owed.set(getAddress(a.token), BigInt(a.cumulativeAmount));
    }
    const symbols = [...owed.keys()].map((t) => tokens.get(t)!.symbol);
    // The demo pays contributor-1 from all three pools, TUSD with 6 decimals among them.
    expect(symbols).to.have.members(["TRWD", "TUSD", "TSRC"]);
    for (const [token, amount] of owed) {
      const { symbol, decimals } = tokens.get(token)!;
      await expect0(rewardRow(symbol).locator(".symbol"), symbol);
      await expect0(rewardRow(symbol).locator(".claimable"), shown(amount, decimals));
      await expect0(rewardRow(symbol).locator(".entitled"), shown(amount, decimals));
      await expect0(rewardRow(symbol).locator(".claimed"), "0");
    }
    expect(await epochRow(0).locator(".reward").textContent()).to.contain("TUSD");
    await screenshot("rewards-per-token");

    // Claim TUSD alone: the others stay claimable.
    const tusd = getAddress(await suite.stableToken.getAddress());
    const tusdOwed = owed.get(tusd)!;
    await rewardRow("TUSD").locator("button.claim").click();
    await expect0(page.locator("#claim-status"), `Claimed ${shown(tusdOwed, 6)} TUSD.`);
    await expect0(rewardRow("TUSD").locator(".claimable"), "0");
    await expect0(rewardRow("TUSD").locator(".claimed"), shown(tusdOwed, 6));
    expect(await suite.tributary.distributor.claimedOf(me, tusd)).to.equal(tusdOwed);
    expect(await suite.stableToken.balanceOf(me)).to.equal(tusdOwed);
    await expect0(page.locator('#account-balance .balance[data-symbol="TUSD"]'), `${shown(tusdOwed, 6)} TUSD`);
    for (const [token, amount] of owed) {
      if (token === tusd) continue;
      expect(await suite.tributary.distributor.claimedOf(me, token)).to.equal(0n);
      await expect0(rewardRow(tokens.get(token)!.symbol).locator(".claimable"), shown(amount, 18));
    }
    await screenshot("claimed-one-token");

    // Claim all: the remaining tokens in one transaction.
    await page.click("#claim-all");
    await page.waitForFunction(() => document.getElementById("claim-status")?.textContent?.startsWith("Claimed"));
    const status = (await page.textContent("#claim-status"))!;
    expect(status).to.contain("TRWD").and.to.contain("TSRC").and.not.to.contain("TUSD");
    for (const [token, amount] of owed) {
      await expect0(rewardRow(tokens.get(token)!.symbol).locator(".claimable"), "0");
      expect(await suite.tributary.distributor.claimedOf(me, token)).to.equal(amount);
    }
    expect(await page.locator("#claim-all").isDisabled()).to.equal(true);
    await screenshot("claimed-all");
  });

  it("explains epoch 0 output by output: the seeded outputs that used the contributor's files, their weights, values, pools and amounts", async function () {
    await as("contributor-1");
    const me = getAddress((await page.textContent("#account-address"))!);
    const mine = new Set((await listContributions(suite.tributary, { contributor: me })).map((c) => c.id));
    const records = (await listAttributionBatches(suite.tributary))
      .filter((b) => b.status === "Final")
      .flatMap((b) => b.records)
      .flatMap((r) => r.vector.filter((v) => mine.has(v.contributionId)).map((v) => ({ ...r, ...v })));
    expect(records.length).to.be.greaterThan(0);
    expect(await page.inputValue("#why-epoch")).to.equal("0");
    await page.locator("#why-rows tr.item").first().waitFor();
    for (const r of records) {
      // The record's own pool pays for it, and so does the network pool (0), over every record.
      for (const pool of new Set([r.poolId, 0n])) {
        const row = page.locator(`#why-rows tr.item[data-pool="${pool}"][data-output="${r.outputId}"]`);
        expect(await row.count(), `output ${r.outputId} in pool ${pool}`).to.equal(1);
        expect(await row.locator(".contribution").textContent()).to.equal(`#${r.contributionId}`);
        expect(await row.locator(".weight").textContent()).to.match(new RegExp(`^${r.weightBps / 100}% → `));
        expect(await row.locator(".value").textContent()).to.equal(shown(r.value, 18));
        expect(await row.locator(".pool").textContent()).to.match(new RegExp(`^#${pool} \\(T[A-Z]+\\)$`));
        expect(await row.locator(".amount").textContent()).to.match(/^[\d,.]+ T[A-Z]+$/);
        expect(await row.locator(".rounding").textContent()).to.match(/^(exact|−0\.\d+ base unit)$/);
      }
    }
    const outputs = await page
      .locator("#why-rows tr.item")
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-output")));
    expect(outputs.every((o) => records.some((r) => r.outputId === o))).to.equal(true);
    // Per pool, the account's share is what the settlement owes it in that pool's token.
    const artifact = await artifactOf(0n);
    const totals = await page.locator("#why-rows tr.pool-total .amount").allTextContents();
    for (const a of artifact.metadata.amounts.filter((a) => getAddress(a.account) === me)) {
      const { symbol, decimals } = tokens.get(getAddress(a.token))!;
      expect(totals).to.include(`${shown(BigInt(a.amount), decimals)} ${symbol}`);
      expect(await page.textContent("#why-status")).to.contain(`${shown(BigInt(a.amount), decimals)} ${symbol}`);
    }
    await screenshot("why");
  });

  it("disabled buttons look disabled, whatever their colour when enabled", async function () {
    await as("contributor-1");
    const look = (selector: string) =>
      page
        .locator(selector)
        .first()
        .evaluate((e) => {
          const style = getComputedStyle(e);
          return {
            disabled: (e as HTMLButtonElement).disabled,
            background: style.backgroundColor,
            cursor: style.cursor,
          };
        });
    // contributor-1 has no stake: it cannot vote, and it has claimed everything.
    const accept = await look("#pending-contributions button.accept");
    const reject = await look("#pending-contributions button.reject");
    const claimAll = await look("#claim-all");
    const enabled = await look("#recipient-button");
    expect([accept.disabled, reject.disabled, claimAll.disabled, enabled.disabled]).to.deep.equal([
      true,
      true,
      true,
      false,
    ]);
    for (const disabled of [accept, reject, claimAll]) {
      expect(disabled.background).to.not.equal(enabled.background);
      expect(disabled.background).to.equal(accept.background);
      expect(disabled.cursor).to.equal("not-allowed");
    }
    expect(enabled.cursor).to.equal("pointer");
    await as("validator-1");
    const enabledReject = await look("#pending-contributions button.reject");
    expect(enabledReject.disabled).to.equal(false);
    expect(enabledReject.background).to.not.equal(reject.background);
    await as("contributor-1");
  });

  it("hashes a file in the browser and registers it (commit, then reveal)", async function () {
    const content = Buffer.from("Tributary e2e dataset, rows 1-1000\n");
    await page.setInputFiles("#file", { name: "dataset.csv", mimeType: "text/csv", buffer: content });
    await page.waitForFunction(() => document.getElementById("content-hash")?.textContent?.startsWith("0x"));
    await page.click("#register-button");
    await page.waitForFunction(
      () => /Registered as contribution #\d+/.test(document.getElementById("register-status")?.textContent ?? ""),
      undefined,
      { timeout: 60_000 },
    );
    const mine = await page.textContent("#my-contributions");
    expect(mine).to.contain("file://dataset.csv");
    expect(mine).to.contain("Pending");
    await screenshot("registered");

    // Another file: the status and the URI filled in for the first one go.
    const hash = await page.textContent("#content-hash");
    await page.setInputFiles("#file", { name: "other.csv", mimeType: "text/csv", buffer: Buffer.from("other\n") });
    await page.waitForFunction(
      (previous) =>
        /^0x/.test(document.getElementById("content-hash")?.textContent ?? "") &&
        document.getElementById("content-hash")?.textContent !== previous,
      hash,
    );
    expect(await page.textContent("#register-status")).to.equal("");
    expect(await page.inputValue("#uri")).to.equal("file://other.csv");
    expect(await page.locator("#register-button").isDisabled()).to.equal(false);
    // A URI typed by hand stays when the file changes.
    await page.fill("#uri", "ipfs://typed");
    await page.setInputFiles("#file", { name: "third.csv", mimeType: "text/csv", buffer: Buffer.from("third\n") });
    await page.waitForFunction(() => document.getElementById("content-hash")?.textContent?.startsWith("0x"));
    expect(await page.inputValue("#uri")).to.equal("ipfs://typed");
    await page.setInputFiles("#file", []);
    await expect0(page.locator("#content-hash"), "pick a file");
    expect(await page.locator("#register-button").isDisabled()).to.equal(true);
  });

  it("validators see the pending contribution and vote it Accepted", async function () {
    for (const validator of ["validator-1", "validator-2", "validator-3"]) {
      await as(validator);
      const row = page.locator("#pending-contributions tr", { hasText: "file://dataset.csv" });
      await row.locator("button.accept").click();
      await page.waitForFunction(() => document.getElementById("vote-status")?.textContent === "Voted to accept.");
      if (validator === "validator-1") await screenshot("validator-voting");
    }
    await as("contributor-1");
    const mine = page.locator("#my-contributions tr", { hasText: "file://dataset.csv" });
    expect(await mine.locator("td").nth(3).textContent()).to.equal("Accepted");
    await screenshot("accepted");
  });

  it("an epoch settled with the CLI while the page is open appears after a refresh, with its Claim buttons; the contributor claims it in every token and sees the chart", async function () {
    const { tributary, cast } = suite;
    const contributionId = await tributary.registry.contributionIdOf(
      (await tributary.registry.queryFilter(tributary.registry.filters.ContributionRegistered(), 0)).find(
        (l) => l.args.uri === "file://dataset.csv",
      )!.args.contentHash,
    );
    const epoch = await tributary.distributor.currentEpoch();
    // A chat output (paid by the chat dapp's TUSD pool) drawing on the new file; the network pool (TRWD)
    // pays over every record.
    const { batchId } = await proposeBatch(withRunner(tributary, cast.validators[0]!), {
      records: [
        {
          outputId: id("e2e-output"),
          poolId: net.chatPool,
          value: parseUnits("5", 18),
          vector: [{ contributionId, weightBps: 10_000 }],
        },
      ],
    });
    await attestBatch(withRunner(tributary, cast.validators[1]!), { batchId, support: true });
    await attestBatch(withRunner(tributary, cast.validators[2]!), { batchId, support: true });
    await (await suite.stableToken.mint(await cast.dapp.getAddress(), parseUnits("1000", 6))).wait();
    await fundPool(withRunner(tributary, cast.dapp), { poolId: net.chatPool, epoch, amount: parseUnits("1000", 6) });
    await (await suite.rewardToken.mint(await cast.admin.getAddress(), parseUnits("1000", 18))).wait();
    await fundPool(withRunner(tributary, cast.admin), { poolId: 0n, epoch, amount: parseUnits("1000", 18) });
    const genesis = await tributary.distributor.GENESIS();
    await connection.networkHelpers.time.increaseTo(genesis + (epoch + 1n) * EPOCH_SECONDS + 1n);
    // The page, loaded before, knows nothing of it yet.
    await as("contributor-1");
    expect(await epochRow(Number(epoch)).locator(".state").textContent()).to.not.equal("in challenge");
    // An operator settles with the CLI into the directory the app serves; nothing else tells the app.
    const run = await hardhat(node.url, [
      "tributary:settle",
      "--epoch",
      epoch.toString(),
      "--deployment",
      path.join(GENERATED_DIRECTORY, "deployment.json"),
      "--out",
      SETTLEMENTS_DIRECTORY,
    ]);
    expect(run.code, run.output).to.equal(0);
    expect(run.output).to.contain(`epoch ${epoch} settled`);
    const artifact = await artifactOf(epoch);

    await page.reload();
    await page.waitForSelector("body[data-ready=true]");
    await as("contributor-1");
    await expect0(epochRow(Number(epoch)).locator(".state"), "in challenge");
    await screenshot("in-challenge");
    await connection.networkHelpers.time.increase(3_600);
    await page.reload();
    await page.waitForSelector("body[data-ready=true]");
    await as("contributor-1");
    await expect0(epochRow(Number(epoch)).locator(".state"), "active");
    await expect0(page.locator("#rewards-epoch"), `as of epoch ${epoch}, proofs checked against the chain`);

    const me = getAddress((await page.textContent("#account-address"))!);
    const newly = artifact.metadata.amounts.filter((a) => getAddress(a.account) === me && BigInt(a.amount) > 0n);
    const newSymbols = newly.map((a) => tokens.get(getAddress(a.token))!.symbol);
    expect(newSymbols).to.include.members(["TUSD", "TRWD"]);
    for (const a of newly) {
      const { symbol, decimals } = tokens.get(getAddress(a.token))!;
      await expect0(rewardRow(symbol).locator(".claimable"), shown(BigInt(a.amount), decimals));
      const button = rewardRow(symbol).locator("button.claim");
      await expect0(button, `Claim ${symbol}`);
      expect(await button.isEnabled()).to.equal(true);
    }
    await screenshot("settled-with-the-cli");
    await page.click("#claim-all");
    await page.waitForFunction(() => document.getElementById("claim-status")?.textContent?.startsWith("Claimed"));
    for (const a of newly) {
      const { symbol } = tokens.get(getAddress(a.token))!;
      await expect0(rewardRow(symbol).locator(".claimable"), "0");
      expect(await tributary.distributor.claimedOf(me, a.token)).to.equal(BigInt(a.cumulativeAmount));
    }
    // One bar per token earned, per epoch.
    expect(await page.locator(`#chart rect.bar[data-epoch="0"]`).count()).to.equal(3);
    expect(await page.locator(`#chart rect.bar[data-epoch="${epoch}"]`).count()).to.equal(newly.length);
    await screenshot("rewards-chart");
    // The why view now explains the new epoch: the chat output, paid by the chat pool and the network pool.
    expect(await page.inputValue("#why-epoch")).to.equal(epoch.toString());
    const output = page.locator(`#why-rows tr.item[data-output="${id("e2e-output")}"]`);
    await output.first().waitFor();
    expect(await output.count()).to.equal(2);
    expect(await output.locator(".contribution").allTextContents()).to.deep.equal([
      `#${contributionId}`,
      `#${contributionId}`,
    ]);
  });

  it("a contributor chooses where its claims of a token pay, is told when an address is malformed, and resets it", async function () {
    await as("contributor-1");
    const me = (await page.textContent("#account-address"))!;
    const tusd = getAddress(await suite.stableToken.getAddress());
    await page.selectOption("#recipient-token", tusd);
    await expect0(page.locator("#recipient-token-symbol"), "TUSD");
    const other = (await page
      .locator("#account-select option", { hasText: "contributor-2" })
      .first()
      .getAttribute("value"))!;
    const status = page.locator("#recipient-status");

    await page.fill("#recipient", "0x1234");
    await page.click("#recipient-button");
    await page.waitForFunction(() => document.getElementById("recipient-status")?.classList.contains("error"));
    expect(await status.textContent()).to.contain('recipient must be a 0x-prefixed 20-byte hex address, got "0x1234"');

    await page.fill("#recipient", other);
    await page.click("#recipient-button");
    await expect0(status, `Your TUSD claims now pay ${other}.`);
    await expect0(page.locator("#recipient-current"), other);
    expect(await suite.tributary.distributor.recipientOf(me, tusd)).to.equal(other);
    // Recipients are per token: TRWD claims still pay the account itself.
    expect(BigInt(await suite.tributary.distributor.recipientOf(me, await suite.rewardToken.getAddress()))).to.equal(
      0n,
    );
    await screenshot("recipient");

    await page.fill("#recipient", "");
    await page.click("#recipient-button");
    await expect0(status, "Your TUSD claims pay this account again.");
    await expect0(page.locator("#recipient-current"), "this account");
    expect(BigInt(await suite.tributary.distributor.recipientOf(me, tusd))).to.equal(0n);
  });

  it("switching account clears a typed recipient, a picked file and every status, so nothing typed for one account is applied to another", async function () {
    await as("contributor-1");
    const typedFor = (await page.textContent("#account-address"))!;
    const tusd = getAddress(await suite.stableToken.getAddress());
    const elsewhere = getAddress(id("somewhere else").slice(0, 42));
    await page.selectOption("#recipient-token", tusd);
    await page.fill("#recipient", "0x1234");
    await page.click("#recipient-button");
    await page.waitForFunction(() => document.getElementById("recipient-status")?.classList.contains("error"));
    await page.fill("#recipient", elsewhere);
    await page.setInputFiles("#file", { name: "mine.csv", mimeType: "text/csv", buffer: Buffer.from("mine\n") });
    await page.waitForFunction(() => document.getElementById("content-hash")?.textContent?.startsWith("0x"));
    await page.fill("#datanet", "7");
    await screenshot("typed-before-switching");

    await as("contributor-3");
    const other = (await page.textContent("#account-address"))!;
    expect(await page.inputValue("#recipient")).to.equal("");
    expect(await page.inputValue("#uri")).to.equal("");
    expect(await page.inputValue("#datanet")).to.equal("1");
    expect(await page.locator("#file").evaluate((e) => (e as HTMLInputElement).files?.length ?? 0)).to.equal(0);
    expect(await page.textContent("#content-hash")).to.equal("pick a file");
    expect(await page.locator("#register-button").isDisabled()).to.equal(true);
    for (const status of ["#recipient-status", "#register-status", "#claim-status", "#vote-status"]) {
      expect(await page.textContent(status), status).to.equal("");
    }
    // Setting the recipient now is about contributor-3's own field, which is empty: it pays itself.
    await page.click("#recipient-button");
    await expect0(page.locator("#recipient-status"), "Your TRWD claims pay this account again.");
    for (const token of tokens.keys()) {
      expect(BigInt(await suite.tributary.distributor.recipientOf(other, token))).to.equal(0n);
      expect(BigInt(await suite.tributary.distributor.recipientOf(typedFor, token))).to.equal(0n);
    }
    await screenshot("after-switching");
  });

  it("refuses an API answer that is not the settlement on chain, from an API URL given in the address, and claims nothing", async function () {
    const other = await browser.newPage();
    try {
      await other.goto(`${app.url}/?api=/lying-api`);
      await other.waitForSelector("body[data-ready=true]", { timeout: 60_000 });
      // contributor-2 has claimed nothing: with a true answer it would have Claim buttons to press.
      const contributor2 = getAddress(
        (await other.locator("#account-select option", { hasText: "contributor-2" }).first().getAttribute("value"))!,
      );
      await other.selectOption("#account-select", contributor2);
      await other.waitForFunction((address) => document.body.dataset.account === address, contributor2);
      const status = other.locator("#api-status");
      await other.waitForFunction(() => document.getElementById("api-status")?.textContent !== "");
      const text = (await status.textContent())!;
      expect(text).to.contain("/lying-api does not agree with the chain");
      expect(text).to.contain("does not hold against the active root");
      expect(text).to.contain("nothing was claimed");
      expect(await other.locator("#rewards-epoch").textContent()).to.equal("unavailable");
      expect(await other.locator("#reward-rows button.claim").count()).to.equal(0);
      expect(await other.locator("#claim-all").isDisabled()).to.equal(true);
      await other.screenshot({
        path: path.join(SCREENSHOTS, `${String(++shot).padStart(2, "0")}-refused-api-answer-desktop.png`),
        fullPage: true,
      });
    } finally {
      await other.close();
    }
    // The same account, from the true API, can claim.
    await as("contributor-2");
    expect(await page.locator("#reward-rows button.claim:enabled").count()).to.be.greaterThan(0);
  });

  it("when the API is down the page says so and sends nothing: at load (a closed port), and on a claim after it stopped", async function () {
    const contributor2 = getAddress(
      (await page.locator("#account-select option", { hasText: "contributor-2" }).first().getAttribute("value"))!,
    );
    const down = await browser.newPage();
    try {
      await down.goto(`${app.url}/?api=http://127.0.0.1:${await freePort()}`);
      await down.waitForSelector("body[data-ready=true]", { timeout: 60_000 });
      await down.selectOption("#account-select", contributor2);
      await down.waitForFunction((address) => document.body.dataset.account === address, contributor2);
      await down.waitForFunction(() => document.getElementById("api-status")?.textContent !== "");
      expect(await down.textContent("#api-status")).to.match(
        /^The rewards API at http:\/\/127\.0\.0\.1:\d+ cannot be reached; nothing can be claimed until it answers\.$/,
      );
      expect(await down.locator("#api-status").evaluate((e) => e.classList.contains("error"))).to.equal(true);
      expect(await down.locator("#reward-rows button.claim").count()).to.equal(0);
      expect(await down.locator("#claim-all").isDisabled()).to.equal(true);
      expect(await down.locator('#epoch-rows tr[data-epoch="0"] .reward').textContent()).to.equal("API unavailable");
      expect(await down.textContent("#why-status")).to.contain("cannot be reached");
      await down.screenshot({
        path: path.join(SCREENSHOTS, `${String(++shot).padStart(2, "0")}-api-down-desktop.png`),
        fullPage: true,
      });
    } finally {
      await down.close();
    }

    // The page was loaded with the API up; it stops; pressing Claim sends no transaction.
    await as("contributor-2");
    const button = page.locator("#reward-rows button.claim:enabled").first();
    const token = (await button.getAttribute("data-token"))!;
    const block = await connection.ethers.provider.getBlockNumber();
    await api.stop();
    try {
      await button.click();
      await page.waitForFunction(() => document.getElementById("claim-status")?.classList.contains("error"));
      expect(await page.textContent("#claim-status")).to.contain("cannot be reached; nothing can be claimed");
      expect(await page.textContent("#api-status")).to.contain("cannot be reached");
      expect(await connection.ethers.provider.getBlockNumber()).to.equal(block);
      expect(await suite.tributary.distributor.claimedOf(contributor2, token)).to.equal(0n);
      await screenshot("api-stopped");
    } finally {
      api = await startApiNode({
        rpcUrl: node.url,
        deployment: path.join(GENERATED_DIRECTORY, "deployment.json"),
        directory: apiDirectory,
        listen: apiListen,
      });
    }
    // Back up, the same button claims.
    await as("contributor-2");
    await page.locator(`#reward-rows button.claim[data-token="${token}"]`).click();
    await page.waitForFunction(() => document.getElementById("claim-status")?.textContent?.startsWith("Claimed"));
    expect(await suite.tributary.distributor.claimedOf(contributor2, token)).to.be.greaterThan(0n);
  });

  it("fits a 390 px wide phone screen: no horizontal scroll, tables scroll inside their container", async function () {
    await as("validator-1");
    await page.setViewportSize(PHONE);
    try {
      const w = await widths();
      expect(w.viewport).to.equal(390);
      expect(w.document, JSON.stringify(w)).to.be.at.most(390);
      expect(w.body, JSON.stringify(w)).to.be.at.most(390);
      expect(w.overflowing, "elements reaching past the right edge").to.deep.equal([]);
      const containers = await page
        .locator(".table-wrap, .chart-wrap")
        .evaluateAll((elements) =>
          elements.map((e) => ({ right: e.getBoundingClientRect().right, overflowX: getComputedStyle(e).overflowX })),
        );
      expect(containers.length).to.be.greaterThan(4);
      for (const c of containers) {
        expect(c.right).to.be.at.most(390);
        expect(c.overflowX).to.equal("auto");
      }
      // A horizontal scroll attempt moves nothing.
      await page.evaluate(() => window.scrollTo(200, 0));
      expect(await page.evaluate(() => window.scrollX)).to.equal(0);
    } finally {
      await page.setViewportSize(DESKTOP);
    }
    await screenshot("validator");
  });

  it("shows a disputed epoch as disputed, and why a revoked contribution was revoked", async function () {
    const { tributary, cast } = suite;
    const admin = withRunner(tributary, cast.admin);
    await (await suite.stakeToken.mint(await cast.admin.getAddress(), parseUnits("200", 18))).wait();

    // The contributor's accepted file is challenged with a link to the original; the validators revoke it.
    const dataset = (await listContributions(tributary, { status: "Accepted" })).find(
      (c) => c.uri === "file://dataset.csv",
    )!;
    const evidenceUri = "https://evidence.example/original-dataset";
    const { challengeId } = await challengeContribution(admin, { contentHash: dataset.contentHash, evidenceUri });
    for (const validator of cast.validators) {
      if ((await readChallenge(tributary, challengeId)).status !== "open") break;
      await voteOnChallenge(withRunner(tributary, validator), { challengeId, revoke: true });
    }
    expect((await readChallenge(tributary, challengeId)).status).to.equal("upheld");

    // The current epoch is closed and settled with the CLI, then disputed while pending.
    const epoch = await tributary.distributor.currentEpoch();
    const genesis = await tributary.distributor.GENESIS();
    await connection.networkHelpers.time.increaseTo(genesis + (epoch + 1n) * EPOCH_SECONDS + 1n);
    const run = await hardhat(node.url, [
      "tributary:settle",
      "--epoch",
      epoch.toString(),
      "--deployment",
      path.join(GENERATED_DIRECTORY, "deployment.json"),
      "--out",
      SETTLEMENTS_DIRECTORY,
    ]);
    expect(run.code, run.output).to.equal(0);
    await disputeSettlement(admin, { evidenceUri: "https://evidence.example/recomputed" });

    await page.reload();
    await page.waitForSelector("body[data-ready=true]");
    await as("contributor-1");
    await expect0(epochRow(Number(epoch)).locator(".state"), "disputed: frozen until governance resolves the dispute");
    expect(await epochRow(Number(epoch)).getAttribute("data-state")).to.equal("disputed");
    const revoked = page.locator("#my-contributions tr", { hasText: "file://dataset.csv" }).locator("td").nth(3);
    await revoked.locator("small.revocation").waitFor();
    const why = (await revoked.textContent())!;
    expect(why).to.match(new RegExp(`^Revoked in epoch \\d+: challenge #${challengeId} by 0x[0-9a-fA-F]{4}`));
    expect(why).to.contain("It earns nothing from the next epoch on; what it earned stays yours.");
    expect(await revoked.locator("a").getAttribute("href")).to.equal(evidenceUri);
    await screenshot("disputed-and-revoked");
  });

  /** Waits until `locator`'s text equals `text`. */
  async function expect0(locator: ReturnType<Page["locator"]>, text: string) {
    await locator.first().waitFor();
    const deadline = Date.now() + 30_000;
    while ((await locator.first().textContent())?.trim() !== text) {
      if (Date.now() > deadline) throw new Error(`expected "${text}", saw "${await locator.first().textContent()}"`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
});

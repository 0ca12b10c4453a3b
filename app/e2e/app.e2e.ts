/**
 * End-to-end: the dapp in Debian's Chromium (driven by playwright-core) against a seeded
 * `hardhat node` running the three-pool demo (rewards in TRWD, TUSD with 6 decimals, and TSRC). Shows
 * rewards per token, claims one token and then all of them, registers, votes, settles through the
 * client, chooses a recipient per token; asserts what a person sees and saves a screenshot of each
 * screen under app/e2e-screenshots/.
 */
import { expect } from "chai";
import { createReadStream } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { createServer, request as httpRequest, type Server } from "node:http";
import os from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { formatUnits, getAddress, id, parseUnits } from "ethers";
import {
  attestBatch,
  fundPool,
  proposeBatch,
  settle,
  withRunner,
  type SettlementArtifact,
} from "../../client/index.js";
import { FileSettlementStore } from "../../client/node/index.js";
import { EPOCH_SECONDS, type Connection, type DemoNetwork, type DemoSuite } from "../../scripts/lib/scenario.js";
import { startHardhatNode, type RunningNode } from "../../scripts/lib/node.js";
import { GENERATED_DIRECTORY, recordSettlement, seedApp } from "../../scripts/lib/seedApp.js";

const APP = path.resolve("app");
const SCREENSHOTS = path.join(APP, "e2e-screenshots");
const TYPES: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
};

/** Serves the built app, the live generated files, and proxies /rpc to the node. */
async function serveApp(nodeUrl: string): Promise<{ url: string; server: Server }> {
  const upstream = new URL(nodeUrl);
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
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
    const file = url.pathname.startsWith("/generated/")
      ? path.join(GENERATED_DIRECTORY, url.pathname.slice("/generated/".length))
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

  async function screenshot(name: string) {
    shot += 1;
    await page.screenshot({
      path: path.join(SCREENSHOTS, `${String(shot).padStart(2, "0")}-${name}.png`),
      fullPage: true,
    });
  }
  async function as(name: string) {
    const value = await page.locator(`#account-select option`, { hasText: name }).first().getAttribute("value");
    await page.selectOption("#account-select", value!);
    await page.waitForFunction((address) => document.getElementById("account-address")?.textContent === address, value);
  }
  const epochRow = (epoch: number) => page.locator(`#epoch-rows tr[data-epoch="${epoch}"]`);
  const rewardRow = (symbol: string) => page.locator(`#reward-rows tr[data-symbol="${symbol}"]`);
  /** An amount as the app shows it: the token's decimals, grouped, at most 4 fraction digits. */
  const shown = (value: bigint, decimals: number) =>
    Number(formatUnits(value, decimals)).toLocaleString("en-US", { maximumFractionDigits: 4 });
  /** The artifact of the latest recorded settlement. */
  async function latestArtifact(): Promise<SettlementArtifact> {
    const list = JSON.parse(await readFile(path.join(GENERATED_DIRECTORY, "settlements", "index.json"), "utf8"));
    const entry = list.at(-1) as { path: string };
    return JSON.parse(await readFile(path.join(GENERATED_DIRECTORY, "..", entry.path), "utf8"));
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
    const { build } = await import("vite");
    await build({ configFile: path.join(APP, "vite.config.ts"), logLevel: "warn" });
    app = await serveApp(node.url);
    await rm(SCREENSHOTS, { recursive: true, force: true });
    await mkdir(SCREENSHOTS, { recursive: true });
    profile = await mkdtemp(path.join(os.tmpdir(), "tributary-chromium-"));
    // A fresh user-data directory for every run.
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: "/usr/bin/chromium",
      headless: true,
      viewport: { width: 1280, height: 900 },
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
    await node?.stop();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it("shows a contributor's rewards per token with each token's decimals, claims one token, then all", async function () {
    await as("contributor-1");
    const me = getAddress((await page.textContent("#account-address"))!);
    expect(await page.textContent("#account-roles")).to.contain("contributor");
    await expect0(epochRow(0).locator(".state"), "active");

    // What the settlement owes contributor-1, per token, from the artifact the app reads.
    const artifact = await latestArtifact();
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

  it("after a settlement through the client, the contributor claims the new epoch in every token and sees the chart", async function () {
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
    const result = await settle(withRunner(tributary, cast.admin), {
      epoch,
      validators: cast.validators,
      store: new FileSettlementStore(path.join(GENERATED_DIRECTORY, "settlements")),
    });
    await recordSettlement(result);

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

    const me = getAddress((await page.textContent("#account-address"))!);
    const newly = result.artifact.metadata.amounts.filter((a) => getAddress(a.account) === me && BigInt(a.amount) > 0n);
    const newSymbols = newly.map((a) => tokens.get(getAddress(a.token))!.symbol);
    expect(newSymbols).to.include.members(["TUSD", "TRWD"]);
    for (const a of newly) {
      const { symbol, decimals } = tokens.get(getAddress(a.token))!;
      await expect0(rewardRow(symbol).locator(".claimable"), shown(BigInt(a.amount), decimals));
    }
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

import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { parseDeployment } from "../../client/index.js";
import { castFrom, EPOCH_SECONDS, seedEpoch, setupNetwork, type DemoSuite } from "../../scripts/lib/scenario.js";
import { MockERC20__factory } from "../../typechain-types/index.js";
import { connectTributary } from "../../client/index.js";
import { startHardhatNode, type RunningNode } from "../../scripts/lib/node.js";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `hardhat <args>` against the test node, as an operator would. */
function hardhat(node: RunningNode, args: string[]): Promise<Run> {
  const cli = path.resolve("node_modules", "hardhat", "dist", "src", "cli.js");
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args, "--network", "localhost"], {
      env: { ...process.env, TRIBUTARY_RPC_URL: node.url, FORCE_COLOR: "0", CI: "true" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const errorLines = (run: Run) => run.stderr.split("\n").filter((l) => l.startsWith("tributary:"));

describe("operator CLI (hardhat tributary:* tasks) against a hardhat node", function () {
  this.timeout(300_000);
  let node: RunningNode;
  let work: string;
  let deploymentFile: string;
  const deploymentId = `cli-test-${process.pid}`;

  before(async function () {
    node = await startHardhatNode();
    work = await mkdtemp(path.join(os.tmpdir(), "tributary-cli-"));
    deploymentFile = path.join(work, "deployment.json");
  });
  after(async function () {
    await node?.stop();
    await rm(path.resolve("deploy", "deployments", deploymentId), { recursive: true, force: true });
  });

  it("deploys, settles, verifies, proves and claims an epoch", async function () {
    const deployed = await hardhat(node, [
      "tributary:deploy",
      "--demo-tokens",
      "--parameters",
      "deploy/parameters/localhost.json",
      "--deployment-id",
      deploymentId,
      "--out",
      deploymentFile,
    ]);
    expect(deployed.code, deployed.stderr).to.equal(0);
    const deployment = parseDeployment(JSON.parse(await readFile(deploymentFile, "utf8")));

    // Seed one epoch of activity through the client, then let the epoch close.
    const connection = await network.create({ network: "localhost", override: { url: node.url } });
    const cast = castFrom(await connection.ethers.getSigners());
    const tributary = connectTributary(deployment, cast.admin);
    const stakeToken = MockERC20__factory.connect(await tributary.staking.STAKE_TOKEN(), cast.admin);
    const rewardToken = MockERC20__factory.connect(await tributary.distributor.REWARD_TOKEN(), cast.admin);
    const suite: DemoSuite = { tributary, deployment, stakeToken, rewardToken, cast };
    await seedEpoch(connection, suite, await setupNetwork(suite), 0);
    const genesis = await tributary.distributor.GENESIS();
    await connection.networkHelpers.time.increaseTo(genesis + EPOCH_SECONDS + 1n);

    const status = await hardhat(node, ["tributary:status", "--deployment", deploymentFile]);
    expect(status.code).to.equal(0);
    expect(status.stdout).to.match(/next epoch to settle\s+0/);

    const out = path.join(work, "settlements");
    const settled = await hardhat(node, [
      "tributary:settle",
      "--epoch",
      "0",
      "--deployment",
      deploymentFile,
      "--out",
      out,
    ]);
    expect(settled.code, settled.stderr).to.equal(0);
    expect(settled.stdout)
      .to.match(/\[indexed\]/)
      .and.to.match(/\[signed\]/)
      .and.to.match(/epoch 0 settled: root 0x[0-9a-f]{64}/);
    const artifactPath = /artifact: (.*)/.exec(settled.stdout)![1]!.trim();

    const verified = await hardhat(node, ["tributary:verify", "--epoch", "0", "--deployment", deploymentFile]);
    expect(verified.code).to.equal(0);
    expect(verified.stdout).to.match(/epoch 0: MATCH/);

    // Governance vetoes it (say its data URI pointed nowhere): the operator re-runs settle with the
    // same store and a new data URI, as docs/operations.md says, and validators re-sign.
    await (await tributary.distributor.veto(0n)).wait();
    const resettled = await hardhat(node, [
      "tributary:settle",
      "--epoch",
      "0",
      "--deployment",
      deploymentFile,
      "--out",
      out,
      "--data-uri",
      "ipfs://corrected",
    ]);
    expect(resettled.code, resettled.stderr).to.equal(0);
    expect(resettled.stdout).to.match(/was vetoed; signing the new one/);
    const resubmitted = await tributary.distributor.queryFilter(tributary.distributor.filters.SettlementSubmitted(0n));
    expect(resubmitted.map((e) => e.args.dataUri).at(-1)).to.equal("ipfs://corrected");

    const account = await cast.contributors[0]!.getAddress();
    const proof = await hardhat(node, ["tributary:proof", "--account", account, "--artifact", artifactPath]);
    expect(proof.code).to.equal(0);
    expect(JSON.parse(proof.stdout).account).to.equal(account);

    await connection.networkHelpers.time.increase(3_600);
    const claimed = await hardhat(node, [
      "tributary:claim",
      "--account",
      account,
      "--artifact",
      artifactPath,
      "--deployment",
      deploymentFile,
    ]);
    expect(claimed.code, claimed.stderr).to.equal(0);
    expect(claimed.stdout).to.match(new RegExp(`claimed [0-9.]+ for ${account}`));
    expect(await rewardToken.balanceOf(account)).to.be.greaterThan(0n);
  });

  const badInputs: [string, () => string[], RegExp][] = [
    ["a missing epoch", () => ["tributary:settle", "--deployment", deploymentFile], /--epoch is required/],
    [
      "a malformed epoch",
      () => ["tributary:settle", "--epoch", "-3", "--deployment", deploymentFile],
      /epoch must be a non-negative whole number/,
    ],
    [
      "a malformed address",
      () => ["tributary:proof", "--account", "0x1234", "--artifact", "package.json"],
      /--account must be a 0x-prefixed 20-byte hex address/,
    ],
    [
      "a missing artifact",
      () => [
        "tributary:claim",
        "--account",
        "0x00000000000000000000000000000000000000c1",
        "--artifact",
        "nope.json",
        "--deployment",
        deploymentFile,
      ],
      /does not exist/,
    ],
    [
      "a missing deployment",
      () => ["tributary:status", "--deployment", "nowhere.json"],
      /no deployment at .*nowhere.json/,
    ],
    [
      "a malformed amount",
      () => ["tributary:fund", "--amount", "12,5", "--deployment", deploymentFile],
      /--amount must be a positive token amount/,
    ],
    [
      "a zero amount",
      () => ["tributary:fund", "--amount", "0", "--deployment", deploymentFile],
      /--amount must be greater than zero/,
    ],
    [
      "a parameter file with placeholder addresses",
      () => [
        "tributary:deploy",
        "--parameters",
        "deploy/parameters/sepolia.json",
        "--out",
        path.join(work, "never.json"),
      ],
      /set Tributary\.treasury to a nonzero address/,
    ],
  ];
  for (const [what, args, message] of badInputs) {
    it(`refuses ${what} with one line, exit code 1, and writes nothing`, async function () {
      const before = await readdir(work);
      const run = await hardhat(node, args());
      expect(run.code).to.equal(1);
      const lines = errorLines(run);
      expect(lines, run.stderr).to.have.length(1);
      expect(lines[0]).to.match(message);
      expect(await readdir(work)).to.deep.equal(before);
    });
  }

  it("refuses an unknown network name with one line and exit code 1", async function () {
    const cli = path.resolve("node_modules", "hardhat", "dist", "src", "cli.js");
    const run = await new Promise<Run>((resolve) => {
      const child = spawn(process.execPath, [cli, "tributary:status", "--network", "nowhere"], {
        env: { ...process.env, CI: "true" },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
    expect(run.code).to.equal(1);
    const lines = (run.stdout + run.stderr).split("\n").filter((l) => l.startsWith("Error"));
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/network "nowhere" is not defined/);
  });

  it("funds an epoch in whole tokens", async function () {
    const connection = await network.create({ network: "localhost", override: { url: node.url } });
    const [admin] = await connection.ethers.getSigners();
    const deployment = parseDeployment(JSON.parse(await readFile(deploymentFile, "utf8")));
    const token = MockERC20__factory.connect(
      await connectTributary(deployment, admin!).distributor.REWARD_TOKEN(),
      admin!,
    );
    await (await token.mint(admin!.address, 13n * 10n ** 18n)).wait();
    const run = await hardhat(node, ["tributary:fund", "--amount", "12.5", "--deployment", deploymentFile]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/funded epoch \d+ with 12.5 tokens/);
  });

  it("refuses a malformed artifact file", async function () {
    const bogus = path.join(work, "bogus.json");
    await writeFile(bogus, "{ not json");
    const run = await hardhat(node, [
      "tributary:proof",
      "--account",
      "0x00000000000000000000000000000000000000c1",
      "--artifact",
      bogus,
    ]);
    expect(run.code).to.equal(1);
    expect(errorLines(run)).to.have.length(1);
    expect(errorLines(run)[0]).to.match(/is not valid JSON/);
  });
});

import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { formatUnits } from "ethers";
import { parseDeployment, SettlementTree, verifySettlementProof, type SettlementArtifact } from "../../client/index.js";
import { castFrom, EPOCH_SECONDS, seedEpoch, setupNetwork, type DemoSuite } from "../../scripts/lib/scenario.js";
import { MockERC20__factory, type MockERC20 } from "../../typechain-types/index.js";
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
  // Set by the first test, which the bad-input tests below build on.
  let artifactPath = "";
  let zeroIdleParameters = "";
  let stakeTokenAddress = "";
  let listedTokens: string[] = [];
  const listedToken = (i: number) => listedTokens[i] ?? "";
  const deploymentId = `cli-test-${process.pid}`;

  before(async function () {
    node = await startHardhatNode();
    work = await mkdtemp(path.join(os.tmpdir(), "tributary-cli-"));
    deploymentFile = path.join(work, "deployment.json");
    // Outside `work`, which the bad-input tests check stays untouched.
    const parameters = JSON.parse(await readFile("deploy/parameters/localhost.json", "utf8"));
    parameters.TributaryDemo.idleRefundEpochs = 0;
    zeroIdleParameters = path.join(await mkdtemp(path.join(os.tmpdir(), "tributary-params-")), "zero-idle.json");
    await writeFile(zeroIdleParameters, JSON.stringify(parameters));
  });
  after(async function () {
    await node?.stop();
    await rm(path.resolve("deploy", "deployments", deploymentId), { recursive: true, force: true });
  });

  it("deploys, creates and funds pools, settles, verifies, proves and claims an epoch in every token", async function () {
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

    const connection = await network.create({ network: "localhost", override: { url: node.url } });
    const cast = castFrom(await connection.ethers.getSigners());
    const tributary = connectTributary(deployment, cast.admin);
    const listed = await tributary.distributor.tokens();
    expect(listed).to.have.length(3);
    listedTokens = listed;
    expect(deployed.stdout).to.contain(`Allowlisted tokens (settlement order): ${listed.join(", ")}`);
    const [rewardToken, stableToken, creditToken] = listed.map((t) => MockERC20__factory.connect(t, cast.admin)) as [
      MockERC20,
      MockERC20,
      MockERC20,
    ];
    expect(await stableToken.decimals()).to.equal(6n);
    const stakeToken = MockERC20__factory.connect(await tributary.staking.STAKE_TOKEN(), cast.admin);
    stakeTokenAddress = await stakeToken.getAddress();
    const suite: DemoSuite = { tributary, deployment, stakeToken, rewardToken, stableToken, creditToken, cast };
    const net = await setupNetwork(suite);
    const admin = await cast.admin.getAddress();

    // The operator creates a third pool, in TUSD, limited to the corpus datanet, and funds the chat
    // pool with 12.5 TUSD on top of what the dapp funds: amounts are in the pool token's decimals.
    const created = await hardhat(node, [
      "tributary:create-pool",
      "--token",
      await stableToken.getAddress(),
      "--datanets",
      String(net.corpusDatanet),
      "--deployment",
      deploymentFile,
    ]);
    expect(created.code, created.stderr).to.equal(0);
    expect(created.stdout).to.contain(
      `created pool 3 owned by ${admin}, paying in TUSD (${await stableToken.getAddress()}), for datanets ${net.corpusDatanet}`,
    );
    const pool = await tributary.distributor.poolOf(3n);
    expect([pool.owner, pool.token, pool.datanetCount]).to.deep.equal([admin, await stableToken.getAddress(), 1n]);
    const everywhere = await hardhat(node, [
      "tributary:create-pool",
      "--token",
      (await creditToken.getAddress()).toLowerCase(),
      "--deployment",
      deploymentFile,
    ]);
    expect(everywhere.code, everywhere.stderr).to.equal(0);
    expect(everywhere.stdout).to.match(/created pool 4 owned by .* paying in TSRC .* for every datanet/);

    await (await stableToken.mint(admin, 20n * 10n ** 6n)).wait();
    const fundedChat = await hardhat(node, [
      "tributary:fund",
      "--pool",
      String(net.chatPool),
      "--amount",
      "12.5",
      "--deployment",
      deploymentFile,
    ]);
    expect(fundedChat.code, fundedChat.stderr).to.equal(0);
    expect(fundedChat.stdout).to.match(new RegExp(`funded pool ${net.chatPool} for epoch 0 with 12.5 TUSD in 0x`));
    expect(await tributary.distributor.fundedInEpoch(0n, await stableToken.getAddress())).to.equal(12_500_000n);

    // Seed one epoch of activity through the client, then let the epoch close.
    await seedEpoch(connection, suite, net, 0);
    const genesis = await tributary.distributor.GENESIS();
    await connection.networkHelpers.time.increaseTo(genesis + EPOCH_SECONDS + 1n);

    const status = await hardhat(node, ["tributary:status", "--deployment", deploymentFile]);
    expect(status.code, status.stderr).to.equal(0);
    expect(status.stdout).to.match(/next epoch to settle\s+0/);
    expect(status.stdout).to.contain("tokens (3, in settlement order):");
    expect(status.stdout).to.contain(`[1] TUSD ${await stableToken.getAddress()} (6 decimals)`);
    // 5000 TUSD from the chat dapp, 12.5 from the operator.
    expect(status.stdout).to.match(/funded 5012\.5 TUSD \(epoch 1: 0\.0 TUSD\)/);
    expect(status.stdout).to.match(/funded 10000\.0 TRWD/);
    expect(status.stdout).to.contain("pools (5):");
    expect(status.stdout).to.match(/pool 0 \(network\)\s+owner none\s+token TRWD\s+datanets all/);
    expect(status.stdout).to.match(
      new RegExp(
        `pool ${net.chatPool}\\s+owner ${await cast.dapp.getAddress()}\\s+token TUSD\\s+datanets ${net.corpusDatanet}\n`,
      ),
    );
    expect(status.stdout).to.match(new RegExp(`pool 3\\s+owner ${admin}\\s+token TUSD\\s+datanets 1\n`));

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
      .and.to.match(/epoch 0 settled: root 0x[0-9a-f]{64}/)
      .and.to.match(/\[0\] TRWD: cumulative total [0-9.]+ TRWD, funded 10000\.0 TRWD, carried [0-9.]+ TRWD/)
      .and.to.match(/\[1\] TUSD: cumulative total [0-9.]+ TUSD, funded 5012\.5 TUSD/)
      .and.to.match(/\[2\] TSRC: cumulative total/);
    artifactPath = /artifact: (.*)/.exec(settled.stdout)![1]!.trim();

    const verified = await hardhat(node, ["tributary:verify", "--epoch", "0", "--deployment", deploymentFile]);
    expect(verified.code, verified.stderr).to.equal(0);
    expect(verified.stdout).to.match(/epoch 0: MATCH/);
    const onChain = (await tributary.distributor.queryFilter(tributary.distributor.filters.SettlementSubmitted(0n)))[0]!
      .args.cumulativeTotals;
    const totalLine = (index: number, symbol: string, amount: string) =>
      new RegExp(
        `\\[${index}\\] ${symbol} 0x[0-9a-fA-F]{40}: recomputed ${amount.replace(".", "\\.")} ${symbol}, on chain ${amount.replace(".", "\\.")} ${symbol}\n`,
      );
    expect(verified.stdout).to.match(totalLine(0, "TRWD", formatUnits(onChain[0]!, 18)));
    expect(verified.stdout).to.match(totalLine(1, "TUSD", formatUnits(onChain[1]!, 6)));
    expect(verified.stdout).to.match(totalLine(2, "TSRC", formatUnits(onChain[2]!, 18)));
    expect(verified.stdout).to.not.contain("MISMATCH");

    // Governance vetoes it (say its data URI pointed nowhere): the operator re-runs settle with the
    // same store and a new data URI, as docs/operations.md says, and validators re-sign.
    await (await tributary.distributor.veto(0n)).wait();
    // Re-running without a new data URI would submit the vetoed settlement again: refused, with the fix.
    const unchanged = await hardhat(node, [
      "tributary:settle",
      "--epoch",
      "0",
      "--deployment",
      deploymentFile,
      "--out",
      out,
    ]);
    expect(unchanged.code).to.equal(1);
    const [refusal, ...more] = errorLines(unchanged);
    expect(more).to.deep.equal([]);
    expect(refusal).to.match(/^tributary: governance vetoed the settlement of epoch 0 with root 0x[0-9a-f]{64} /);
    expect(refusal).to.contain("settle again with a new data URI (dataUri, or --data-uri in the CLI)");
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

    // Contributor 1's dataset is used by chat, search and (as every record is) network records: it
    // has a leaf in each of the three tokens.
    const account = await cast.contributors[0]!.getAddress();
    const artifact = JSON.parse(await readFile(artifactPath, "utf8")) as SettlementArtifact;
    const tree = SettlementTree.load(artifact);
    const proof = await hardhat(node, ["tributary:proof", "--account", account, "--artifact", artifactPath]);
    expect(proof.code, proof.stderr).to.equal(0);
    const proven = JSON.parse(proof.stdout);
    expect(proven.account).to.equal(account);
    expect(proven.epoch).to.equal("0");
    expect(proven.root).to.equal(tree.root);
    expect(proven.claims.map((c: { token: string }) => c.token)).to.deep.equal(listed);
    for (const c of proven.claims as { token: string; cumulativeAmount: string; proof: string[] }[]) {
      expect(BigInt(c.cumulativeAmount)).to.equal(tree.amountOf(account, c.token));
      expect(verifySettlementProof(tree.root, account, c.token, BigInt(c.cumulativeAmount), c.proof)).to.equal(true);
    }
    const oneToken = await hardhat(node, [
      "tributary:proof",
      "--account",
      account.toLowerCase(),
      "--artifact",
      artifactPath,
      "--token",
      (await stableToken.getAddress()).toLowerCase(),
    ]);
    expect(oneToken.code, oneToken.stderr).to.equal(0);
    expect(JSON.parse(oneToken.stdout).claims).to.deep.equal([proven.claims[1]]);

    await connection.networkHelpers.time.increase(3_600);
    const claimArgs = ["--account", account, "--artifact", artifactPath, "--deployment", deploymentFile];
    const claimedStable = await hardhat(node, [
      "tributary:claim",
      ...claimArgs,
      "--token",
      await stableToken.getAddress(),
    ]);
    expect(claimedStable.code, claimedStable.stderr).to.equal(0);
    const stableOwed = tree.amountOf(account, await stableToken.getAddress())!;
    expect(claimedStable.stdout).to.contain(`claimed ${formatUnits(stableOwed, 6)} TUSD for ${account}`);
    expect(await stableToken.balanceOf(account)).to.equal(stableOwed);
    expect(await rewardToken.balanceOf(account)).to.equal(0n);

    // Without --token: every token left, in one claimMany transaction.
    const claimedRest = await hardhat(node, ["tributary:claim", ...claimArgs]);
    expect(claimedRest.code, claimedRest.stderr).to.equal(0);
    const rewardOwed = tree.amountOf(account, await rewardToken.getAddress())!;
    const creditOwed = tree.amountOf(account, await creditToken.getAddress())!;
    expect(claimedRest.stdout)
      .to.contain(`claimed ${formatUnits(rewardOwed, 18)} TRWD for ${account}`)
      .and.to.contain(`nothing left to claim in TUSD for ${account}`)
      .and.to.contain(`claimed ${formatUnits(creditOwed, 18)} TSRC for ${account}`);
    const transaction = /transaction (0x[0-9a-f]{64})/.exec(claimedRest.stdout)![1]!;
    const sent = await connection.ethers.provider.getTransaction(transaction);
    expect(tributary.distributor.interface.parseTransaction(sent!)!.name).to.equal("claimMany");
    expect(await rewardToken.balanceOf(account)).to.equal(rewardOwed);
    expect(await creditToken.balanceOf(account)).to.equal(creditOwed);
    expect(await stableToken.balanceOf(account)).to.equal(stableOwed);

    const again = await hardhat(node, ["tributary:claim", ...claimArgs]);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.contain(`${account} has nothing left to claim in TRWD, TUSD, TSRC`);
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
    [
      "an idle-refund delay of zero epochs",
      () => [
        "tributary:deploy",
        "--demo-tokens",
        "--parameters",
        zeroIdleParameters,
        "--out",
        path.join(work, "never.json"),
      ],
      /TributaryDemo\.idleRefundEpochs must be a whole number of epochs from 1 to 366 .*got "0"/,
    ],
    [
      "an unknown pool",
      () => ["tributary:fund", "--pool", "9", "--amount", "1", "--deployment", deploymentFile],
      /pool 9 does not exist: pools run from 0 \(the network pool\) to 4/,
    ],
    [
      "a malformed pool id",
      () => ["tributary:fund", "--pool", "chat", "--amount", "1", "--deployment", deploymentFile],
      /--pool must be a non-negative whole number, got "chat"/,
    ],
    [
      "more decimals than the pool's token has",
      () => ["tributary:fund", "--pool", "1", "--amount", "1.1234567", "--deployment", deploymentFile],
      /--amount 1\.1234567 has more decimals than pool 1's token TUSD \(6 decimals\)/,
    ],
    [
      "funding beyond the funder's balance",
      () => ["tributary:fund", "--pool", "2", "--amount", "1000000000", "--deployment", deploymentFile],
      /holds [0-9.]+ TSRC, less than the 1000000000\.0 TSRC to fund pool 2 with/,
    ],
    [
      "a pool without a token",
      () => ["tributary:create-pool", "--deployment", deploymentFile],
      /--token is required: the allowlisted ERC-20 the pool pays in/,
    ],
    [
      "a pool in an unlisted token",
      () => ["tributary:create-pool", "--token", stakeTokenAddress, "--deployment", deploymentFile],
      /--token 0x[0-9a-fA-F]{40} is not on the distributor's allowlist; listed tokens: .*allowToken/,
    ],
    [
      "a malformed datanet list",
      () => [
        "tributary:create-pool",
        "--token",
        stakeTokenAddress,
        "--datanets",
        "1,x",
        "--deployment",
        deploymentFile,
      ],
      /--datanets must be a comma-separated list of datanet ids such as 1,3/,
    ],
    [
      "a datanet that does not exist",
      () => ["tributary:create-pool", "--token", listedToken(1), "--datanets", "1,7", "--deployment", deploymentFile],
      /datanet 7 does not exist: datanets run from 1 to 2/,
    ],
    [
      "datanets out of order",
      () => ["tributary:create-pool", "--token", listedToken(1), "--datanets", "2,1", "--deployment", deploymentFile],
      /datanets must be listed in strictly increasing order/,
    ],
    [
      "a proof in a token the settlement does not cover",
      () => [
        "tributary:proof",
        "--account",
        "0x00000000000000000000000000000000000000c1",
        "--artifact",
        artifactPath,
        "--token",
        stakeTokenAddress,
      ],
      /--token 0x[0-9a-fA-F]{40} is not among the tokens the epoch 0 settlement covers/,
    ],
    [
      "a proof for an account owed nothing",
      () => ["tributary:proof", "--account", "0x00000000000000000000000000000000000000c1", "--artifact", artifactPath],
      /0x00000000000000000000000000000000000000C1 has no entitlement in epoch 0 in any token/,
    ],
    [
      "a claim with a malformed token",
      () => [
        "tributary:claim",
        "--account",
        "0x00000000000000000000000000000000000000c1",
        "--artifact",
        artifactPath,
        "--token",
        "0x12",
        "--deployment",
        deploymentFile,
      ],
      /--token must be a 0x-prefixed 20-byte hex address, got "0x12"/,
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

  it("funds the network pool by default, in whole tokens of its token", async function () {
    const connection = await network.create({ network: "localhost", override: { url: node.url } });
    const [admin] = await connection.ethers.getSigners();
    const deployment = parseDeployment(JSON.parse(await readFile(deploymentFile, "utf8")));
    const distributor = connectTributary(deployment, admin!).distributor;
    const token = MockERC20__factory.connect(await distributor.REWARD_TOKEN(), admin!);
    await (await token.mint(admin!.address, 13n * 10n ** 18n)).wait();
    const before = await distributor.totalFundedOf(token);
    const run = await hardhat(node, ["tributary:fund", "--amount", "12.5", "--deployment", deploymentFile]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/funded pool 0 \(network\) for epoch \d+ with 12\.5 TRWD in 0x/);
    expect(await distributor.totalFundedOf(token)).to.equal(before + 125n * 10n ** 17n);
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

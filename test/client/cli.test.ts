import { expect } from "chai";
import { access, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { formatUnits } from "ethers";
import {
  bytesCid,
  parseDeployment,
  SettlementTree,
  verifySettlementProof,
  type SettlementArtifact,
} from "../../client/index.js";
import { castFrom, EPOCH_SECONDS, seedEpoch, setupNetwork, type DemoSuite } from "../../scripts/lib/scenario.js";
import { MockERC20__factory, type MockERC20 } from "../../typechain-types/index.js";
import { connectTributary } from "../../client/index.js";
import {
  freePort,
  runHardhat,
  startHardhatNode,
  tributaryErrorLines,
  type HardhatRun,
  type RunningNode,
} from "../../scripts/lib/node.js";
import { DEPLOY_BOUNDS } from "../../tasks/actions/deployParameters.js";

type Run = HardhatRun;

interface RunOptions {
  /** Whether to pass `--network localhost` (default: true), as a new operator might forget to. */
  network?: boolean;
  /** Extra environment variables, e.g. TRIBUTARY_RPC_URL pointing nowhere. */
  env?: Record<string, string>;
}

/** Runs `hardhat <args>` against the test node, as an operator would. */
function hardhat(node: RunningNode, args: string[], options: RunOptions = {}): Promise<Run> {
  const network = options.network === false ? [] : ["--network", "localhost"];
  return runHardhat([...args, ...network], { TRIBUTARY_RPC_URL: node.url, ...options.env });
}

const errorLines = tributaryErrorLines;
const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );
/** Every non-empty stderr line, whatever it starts with. */
const stderrLines = (run: Run) => run.stderr.split("\n").filter((l) => l.trim() !== "");

describe("operator CLI (hardhat tributary:* tasks) against a hardhat node", function () {
  this.timeout(300_000);
  let node: RunningNode;
  let work: string;
  let deploymentFile: string;
  // Set by the first test, which the bad-input tests below build on.
  let artifactPath = "";
  let zeroIdleParameters = "";
  // Bad files a new operator might pass, outside `work`.
  let elsewhere = "";
  let missingFieldDeployment = "";
  let codelessDeployment = "";
  let longChallengeParameters = "";
  let manyProblemsParameters = "";
  let absentTokenParameters = "";
  let deadUrl = "";
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

    elsewhere = await mkdtemp(path.join(os.tmpdir(), "tributary-bad-"));
    const write = async (name: string, value: unknown) => {
      const file = path.join(elsewhere, name);
      await writeFile(file, JSON.stringify(value));
      return file;
    };
    const someAddress = (n: number) => `0x${n.toString(16).padStart(40, "0")}`;
    missingFieldDeployment = await write("missing-field.json", {
      chainId: "31337",
      staking: someAddress(1),
      registry: someAddress(2),
      ledger: someAddress(3),
      deployBlock: 1,
    });
    codelessDeployment = await write("codeless.json", {
      chainId: "31337",
      staking: someAddress(1),
      registry: someAddress(2),
      ledger: someAddress(3),
      distributor: someAddress(4),
      deployBlock: 1,
    });
    const demo = JSON.parse(await readFile("deploy/parameters/localhost.json", "utf8")).TributaryDemo;
    longChallengeParameters = await write("long-challenge.json", {
      TributaryDemo: { ...demo, epochDuration: 7_200, challengePeriod: 3_601 },
    });
    manyProblemsParameters = await write("many-problems.json", {
      TributaryDemo: {
        ...demo,
        quorumBps: 5_000,
        protocolFeeBps: 2_001,
        votingPeriod: 8 * 86_400,
        commitmentMaxAge: 60,
      },
    });
    absentTokenParameters = await write("absent-token.json", {
      Tributary: { ...demo, stakeToken: someAddress(0xdead), rewardToken: someAddress(0xbeef) },
    });
    deadUrl = `http://127.0.0.1:${await freePort()}`;
  });
  after(async function () {
    await node?.stop();
    await rm(path.resolve("deploy", "deployments", deploymentId), { recursive: true, force: true });
    await rm(path.resolve("deploy", "deployments", `${deploymentId}-stale`), { recursive: true, force: true });
    if (elsewhere) await rm(elsewhere, { recursive: true, force: true });
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
    // Times as ISO dates with durations, stake in the stake token's decimals and symbol.
    expect(status.stdout).to.match(
      /current epoch\s+1: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(.* ago\) to \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(in 23 h 59 min\), 1 d long/,
    );
    expect(status.stdout).to.match(/bonded stake \/ quorum\s+2800\.0 TSTK \/ [0-9.]+ TSTK/);
    const statusJson = await hardhat(node, ["tributary:status", "--deployment", deploymentFile, "--json"]);
    expect(statusJson.code, statusJson.stderr).to.equal(0);
    const state = JSON.parse(statusJson.stdout);
    expect(state.currentEpoch.epoch).to.equal("1");
    expect(state.currentEpoch.start).to.equal(
      new Date(Number(genesis + EPOCH_SECONDS) * 1000).toISOString().replace(".000Z", "Z"),
    );
    expect(state.nextEpochToSettle).to.equal("0");
    expect(state.latestSettlement).to.equal(null);
    expect(state.tokens.map((t: { symbol: string }) => t.symbol)).to.deep.equal(["TRWD", "TUSD", "TSRC"]);
    expect(state.tokens[1]).to.include({ address: await stableToken.getAddress(), decimals: 6, funded: "5012500000" });
    expect(state.pools).to.have.length(5);
    expect(state.pools[0]).to.include({ poolId: "0", owner: null });
    expect(state.stake).to.include({ symbol: "TSTK", decimals: 18, bonded: (2800n * 10n ** 18n).toString() });

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
    const verifiedJson = await hardhat(node, [
      "tributary:verify",
      "--epoch",
      "0",
      "--deployment",
      deploymentFile,
      "--json",
    ]);
    expect(verifiedJson.code, verifiedJson.stderr).to.equal(0);
    const verdict = JSON.parse(verifiedJson.stdout);
    expect(verdict).to.include({ epoch: "0", matches: true });
    expect(verdict.computedRoot).to.equal(verdict.onChainRoot);
    expect(verdict.tokens.map((t: { onChainTotal: string }) => t.onChainTotal)).to.deep.equal(
      onChain.map((v) => v.toString()),
    );
    expect(verdict.tokens.map((t: { symbol: string; decimals: number }) => [t.symbol, t.decimals])).to.deep.equal([
      ["TRWD", 18],
      ["TUSD", 6],
      ["TSRC", 18],
    ]);

    // Governance vetoes it (say its artifact was never published): the operator re-runs settle with the
    // same store as attempt 2, as docs/operations.md says, and validators re-sign a new artifact.
    await (await tributary.distributor.veto(0n)).wait();
    // Re-running without a new attempt would submit the vetoed settlement again: refused, with the fix.
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
    expect(refusal).to.contain("settle again as attempt 2 (attempt: 2, or --attempt 2 in the CLI)");
    const resettled = await hardhat(node, [
      "tributary:settle",
      "--epoch",
      "0",
      "--deployment",
      deploymentFile,
      "--out",
      out,
      "--attempt",
      "2",
    ]);
    expect(resettled.code, resettled.stderr).to.equal(0);
    expect(resettled.stdout).to.match(/was vetoed; signing the new one/);
    const resubmitted = await tributary.distributor.queryFilter(tributary.distributor.filters.SettlementSubmitted(0n));
    const resigned = resubmitted.map((e) => e.args.dataUri).at(-1)!;
    expect(resigned).to.not.equal(resubmitted[0]!.args.dataUri);
    expect(resettled.stdout).to.contain(`data URI: ${resigned}`);
    // The artifact file is the signed content, byte for byte.
    expect(bytesCid(new Uint8Array(await readFile(artifactPath)))).to.equal(resigned.slice("ipfs://".length));

    // Contributor 1's dataset is used by chat, search and (as every record is) network records: it
    // has a leaf in each of the three tokens.
    const account = await cast.contributors[0]!.getAddress();
    const artifact = JSON.parse(await readFile(artifactPath, "utf8")) as SettlementArtifact;
    const tree = SettlementTree.load(artifact);
    const proof = await hardhat(node, ["tributary:proof", "--account", account, "--artifact", artifactPath, "--json"]);
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
      "--json",
    ]);
    expect(oneToken.code, oneToken.stderr).to.equal(0);
    expect(JSON.parse(oneToken.stdout).claims).to.deep.equal([proven.claims[1]]);
    // Without --json, the same proof for people: each token's cumulative amount and its proof.
    const readable = await hardhat(node, ["tributary:proof", "--account", account, "--artifact", artifactPath]);
    expect(readable.code, readable.stderr).to.equal(0);
    expect(readable.stdout).to.contain(`${account} in the epoch 0 settlement (root ${tree.root}):`);
    for (const c of proven.claims as { token: string; cumulativeAmount: string; proof: string[] }[]) {
      expect(readable.stdout).to.contain(`token ${c.token}: cumulative amount ${c.cumulativeAmount} base units`);
      expect(readable.stdout).to.contain(`proof [${c.proof.join(", ")}]`);
    }

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

  const badInputs: [string, () => string[], RegExp, (() => RunOptions)?][] = [
    [
      "a task run without --network (Hardhat's in-process chain)",
      () => ["tributary:status", "--deployment", deploymentFile],
      /no --network given.*start a node with `npx hardhat node` and pass --network localhost/,
      () => ({ network: false }),
    ],
    [
      "a settlement without --network",
      () => ["tributary:settle", "--epoch", "0"],
      /no --network given/,
      () => ({ network: false }),
    ],
    [
      "a deployment without --network",
      () => ["tributary:deploy", "--demo-tokens", "--out", path.join(work, "never.json")],
      /no --network given/,
      () => ({ network: false }),
    ],
    [
      "a node that does not answer",
      () => ["tributary:status", "--deployment", deploymentFile],
      /cannot reach localhost at http:\/\/127\.0\.0\.1:\d+ \(connection refused\): start a node with `npx hardhat node`/,
      () => ({ env: { TRIBUTARY_RPC_URL: deadUrl } }),
    ],
    [
      "a deployment file missing a field",
      () => ["tributary:status", "--deployment", missingFieldDeployment],
      /missing-field\.json is not a valid deployment file: distributor is missing/,
    ],
    [
      "a deployment file for contracts this chain does not have",
      () => ["tributary:fund", "--amount", "1", "--deployment", codelessDeployment],
      /no contract at the distributor address 0x0+4 of .*codeless\.json on localhost at http:\/\/127\.0\.0\.1:\d+ \(chain 31337\)/,
    ],
    [
      "a non-JSON deployment file",
      () => ["tributary:verify", "--epoch", "0", "--deployment", "README.md"],
      /README\.md is not valid JSON/,
    ],
    [
      "verifying an epoch not settled yet",
      () => ["tributary:verify", "--epoch", "1", "--deployment", deploymentFile],
      /^tributary: epoch 1 is not settled yet \(next to settle: 1\)/,
    ],
    [
      "verifying a malformed epoch",
      () => ["tributary:verify", "--epoch", "one", "--deployment", deploymentFile, "--json"],
      /--epoch must be a non-negative whole number, got "one"/,
    ],
    [
      "settling an epoch out of order",
      () => ["tributary:settle", "--epoch", "5", "--deployment", deploymentFile, "--out", work],
      /epoch 1 must be settled before epoch 5/,
    ],
    [
      "funding a closed epoch",
      () => ["tributary:fund", "--amount", "1", "--epoch", "0", "--deployment", deploymentFile],
      /epoch 0 is closed \(the current epoch is \d+\)/,
    ],
    [
      "a challenge period longer than half an epoch",
      () => [
        "tributary:deploy",
        "--demo-tokens",
        "--parameters",
        longChallengeParameters,
        "--out",
        path.join(work, "never.json"),
      ],
      /TributaryDemo\.challengePeriod must be a whole number of seconds from 3600 \(1 h\) to 3600 \(1 h\) \(at most half an epoch\), got "3601"/,
    ],
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
  for (const [what, args, message, options] of badInputs) {
    it(`refuses ${what} with one line, exit code 1, and writes nothing`, async function () {
      const before = await readdir(work);
      const run = await hardhat(node, args(), options?.());
      expect(run.code, run.stdout + run.stderr).to.equal(1);
      const lines = errorLines(run);
      expect(lines, run.stderr).to.have.length(1);
      expect(stderrLines(run), run.stderr).to.have.length(1);
      expect(lines[0]).to.match(message);
      expect(run.stderr).to.not.match(/\s+at .*\(.*:\d+:\d+\)/);
      expect(await readdir(work)).to.deep.equal(before);
    });
  }

  it("lists every out-of-range deploy parameter, one line each, before sending any transaction", async function () {
    const connection = await network.create({ network: "localhost", override: { url: node.url } });
    const [deployer] = await connection.ethers.getSigners();
    const nonce = await connection.ethers.provider.getTransactionCount(deployer!.address);
    const run = await hardhat(node, [
      "tributary:deploy",
      "--demo-tokens",
      "--parameters",
      manyProblemsParameters,
      "--out",
      path.join(work, "never.json"),
    ]);
    expect(run.code).to.equal(1);
    const lines = stderrLines(run);
    expect(lines, run.stderr).to.have.length(4);
    expect(
      lines.every((l) => l.startsWith("tributary: ") && l.includes("many-problems.json: TributaryDemo.")),
    ).to.equal(true);
    expect(lines.join("\n"))
      .to.match(/quorumBps must be a whole number of basis points from 5001 to 10000 .*got "5000"/)
      .and.to.match(/protocolFeeBps must be a whole number of basis points from 0 to 2000, got "2001"/)
      .and.to.match(/votingPeriod must be a whole number of seconds from 3600 \(1 h\) to 604800 \(7 d\).*got "691200"/)
      .and.to.match(
        /commitmentMaxAge must be a whole number of seconds from 7200 \(2 h\) to 2592000 \(30 d\), got "60"/,
      );
    expect(await connection.ethers.provider.getTransactionCount(deployer!.address)).to.equal(nonce);
    expect(await exists(path.join(work, "never.json"))).to.equal(false);
  });

  it("refuses placeholder and absent token addresses, one line each", async function () {
    const placeholders = await hardhat(node, [
      "tributary:deploy",
      "--parameters",
      "deploy/parameters/sepolia.json",
      "--out",
      path.join(work, "never.json"),
    ]);
    expect(placeholders.code).to.equal(1);
    expect(stderrLines(placeholders), placeholders.stderr).to.deep.equal(
      ["treasury", "stakeToken", "rewardToken"].map(
        (key) =>
          `tributary: ${path.resolve("deploy/parameters/sepolia.json")}: set Tributary.${key} to a nonzero address ` +
          `(got "0x0000000000000000000000000000000000000000")`,
      ),
    );
    const absent = await hardhat(node, [
      "tributary:deploy",
      "--parameters",
      absentTokenParameters,
      "--out",
      path.join(work, "never.json"),
    ]);
    expect(absent.code).to.equal(1);
    const lines = stderrLines(absent);
    expect(lines, absent.stderr).to.have.length(2);
    expect(lines[0]).to.match(
      /Tributary\.stakeToken 0x0+dead has no contract on localhost at http:\/\/127\.0\.0\.1:\d+ \(chain 31337\)$/,
    );
    expect(lines[1]).to.match(/Tributary\.rewardToken 0x0+beef has no contract on localhost/);
    expect(await exists(path.join(work, "never.json"))).to.equal(false);
  });

  it("checks deploy parameters against the same bounds as the deployed contracts", async function () {
    const connection = await network.create({ network: "localhost", override: { url: node.url } });
    const deployment = parseDeployment(JSON.parse(await readFile(deploymentFile, "utf8")));
    const { staking, registry, distributor } = connectTributary(deployment, connection.ethers.provider);
    const onChain = {
      MIN_EPOCH_DURATION: await staking.MIN_EPOCH_DURATION(),
      MAX_EPOCH_DURATION: await staking.MAX_EPOCH_DURATION(),
      MIN_STAKE_LOWER: await staking.MIN_STAKE_LOWER(),
      MIN_STAKE_UPPER: await staking.MIN_STAKE_UPPER(),
      MIN_UNBONDING_PERIOD: await staking.MIN_UNBONDING_PERIOD(),
      MAX_UNBONDING_PERIOD: await staking.MAX_UNBONDING_PERIOD(),
      MIN_QUORUM_BPS: await staking.MIN_QUORUM_BPS(),
      MAX_QUORUM_BPS: await staking.MAX_QUORUM_BPS(),
      MIN_VOTING_PERIOD: await registry.MIN_VOTING_PERIOD(),
      MAX_VOTING_PERIOD: await staking.MAX_VOTING_PERIOD(),
      MIN_COMMITMENT_MIN_AGE: await registry.MIN_COMMITMENT_MIN_AGE(),
      MAX_COMMITMENT_MIN_AGE: await registry.MAX_COMMITMENT_MIN_AGE(),
      MIN_COMMITMENT_MAX_AGE: await registry.MIN_COMMITMENT_MAX_AGE(),
      MAX_COMMITMENT_MAX_AGE: await registry.MAX_COMMITMENT_MAX_AGE(),
      MAX_PROTOCOL_FEE_BPS: await distributor.MAX_PROTOCOL_FEE_BPS(),
      MAX_VALIDATOR_SHARE_BPS: await distributor.MAX_VALIDATOR_SHARE_BPS(),
      MIN_IDLE_REFUND_EPOCHS: await distributor.MIN_IDLE_REFUND_EPOCHS(),
      MAX_IDLE_REFUND_EPOCHS: await distributor.MAX_IDLE_REFUND_EPOCHS(),
      MIN_CHALLENGE_PERIOD: await distributor.MIN_CHALLENGE_PERIOD(),
      MAX_CHALLENGE_PERIOD: await distributor.MAX_CHALLENGE_PERIOD(),
    };
    expect(DEPLOY_BOUNDS).to.deep.equal(onChain);
  });

  it("re-runs a deployment with the same id without deploying again", async function () {
    const before = JSON.parse(await readFile(deploymentFile, "utf8"));
    const rerun = path.join(elsewhere, "rerun.json");
    const run = await hardhat(node, [
      "tributary:deploy",
      "--demo-tokens",
      "--parameters",
      "deploy/parameters/localhost.json",
      "--deployment-id",
      deploymentId,
      "--out",
      rerun,
    ]);
    expect(run.code, run.stderr).to.equal(0);
    const after = JSON.parse(await readFile(rerun, "utf8"));
    expect(after).to.deep.equal({ ...before });
    expect(after).to.include({ deploymentId, module: "TributaryDemo" });
    expect(after.genesis).to.match(/^\d+$/);
  });

  it("refuses an Ignition journal of another chain in one line, and deploys afresh with --reset", async function () {
    // A journal whose transactions the node does not have, as after a node restart.
    const stale = `${deploymentId}-stale`;
    const journal = path.resolve("deploy", "deployments", stale);
    await mkdir(journal, { recursive: true });
    const lines = [
      { chainId: 31337, type: "DEPLOYMENT_INITIALIZE" },
      {
        futureId: "TributaryDemo#StakeToken",
        hash: `0x${"11".repeat(32)}`,
        networkInteractionId: 1,
        receipt: {
          blockHash: `0x${"22".repeat(32)}`,
          blockNumber: 1,
          contractAddress: `0x${"33".repeat(20)}`,
          status: "SUCCESS",
          logs: [],
        },
        type: "TRANSACTION_CONFIRM",
      },
    ];
    await writeFile(path.join(journal, "journal.jsonl"), lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
    const out = path.join(elsewhere, "fresh.json");
    const args = ["tributary:deploy", "--demo-tokens", "--parameters", "deploy/parameters/localhost.json"];
    const refused = await hardhat(node, [...args, "--deployment-id", stale, "--out", out]);
    expect(refused.code).to.equal(1);
    expect(stderrLines(refused), refused.stderr).to.have.length(1);
    expect(errorLines(refused)[0]).to.match(
      new RegExp(
        `the Ignition journal deploy/deployments/${stale} records transactions that localhost .* does not have .*pass --reset`,
      ),
    );
    expect(await exists(out)).to.equal(false);
    const reset = await hardhat(node, [...args, "--deployment-id", stale, "--out", out, "--reset"]);
    expect(reset.code, reset.stderr).to.equal(0);
    expect(reset.stdout).to.contain(`Discarded the Ignition journal deploy/deployments/${stale} (--reset).`);
    const fresh = parseDeployment(JSON.parse(await readFile(out, "utf8")));
    const connection = await network.create({ network: "localhost", override: { url: node.url } });
    expect(await connection.ethers.provider.getCode(fresh.distributor)).to.not.equal("0x");
  });

  it("agrees between proof and claim for an account owed nothing: a line on stdout, exit code 0", async function () {
    const nobody = "0x00000000000000000000000000000000000000C1";
    const proof = await hardhat(node, ["tributary:proof", "--account", nobody, "--artifact", artifactPath]);
    expect(proof.code, proof.stderr).to.equal(0);
    expect(proof.stdout).to.contain(`${nobody} has no entitlement in epoch 0 in any token: nothing to prove`);
    const json = await hardhat(node, ["tributary:proof", "--account", nobody, "--artifact", artifactPath, "--json"]);
    expect(json.code, json.stderr).to.equal(0);
    expect(JSON.parse(json.stdout)).to.deep.include({ account: nobody, epoch: "0", claims: [] });
    const claimed = await hardhat(node, [
      "tributary:claim",
      "--account",
      nobody,
      "--artifact",
      artifactPath,
      "--deployment",
      deploymentFile,
    ]);
    expect(claimed.code, claimed.stderr).to.equal(0);
    expect(claimed.stdout).to.contain(`${nobody} has no entitlement in epoch 0 in any token: nothing to claim`);
    expect(claimed.stderr).to.equal("");
  });

  it("refuses an unknown network name with one line and exit code 1", async function () {
    const run = await runHardhat(["tributary:status", "--network", "nowhere"]);
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
    // A smaller allowance given earlier is put back once the funding has used an exact approval.
    await (await token.approve(await distributor.getAddress(), 3n)).wait();
    const run = await hardhat(node, ["tributary:fund", "--amount", "12.5", "--deployment", deploymentFile]);
    expect(run.code, run.stderr).to.equal(0);
    expect(await token.allowance(admin!.address, await distributor.getAddress())).to.equal(3n);
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

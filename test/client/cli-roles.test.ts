import { expect } from "chai";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { ZeroAddress } from "ethers";
import {
  connectTributary,
  erc20At,
  hashFileBytes,
  parseDeployment,
  type TributaryContracts,
} from "../../client/index.js";
import {
  runHardhat,
  startHardhatNode,
  tributaryErrorLines,
  type HardhatRun,
  type RunningNode,
} from "../../scripts/lib/node.js";

type Run = HardhatRun;
const run = runHardhat;
const errorLines = tributaryErrorLines;

// Hardhat's default accounts.
const ACCOUNT = [
  "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
  "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
  "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
  "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
  "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
  "0x976EA74026E726554dB657fA54763abd0C3a0aa9",
];

describe("role tasks (tributary:stake, register, vote, propose, governance, …) against a hardhat node", function () {
  this.timeout(600_000);
  let node: RunningNode;
  let work: string;
  let deploymentFile: string;
  let tributary: TributaryContracts;
  const deploymentId = `cli-roles-test-${process.pid}`;

  /** Runs a task on the test node's deployment. */
  const task = (name: string, ...args: string[]) =>
    run([name, ...args, "--network", "localhost", "--deployment", deploymentFile], { TRIBUTARY_RPC_URL: node.url });
  const ok = async (name: string, ...args: string[]) => {
    const r = await task(name, ...args);
    expect(r.code, `${name} ${args.join(" ")}\n${r.stdout}\n${r.stderr}`).to.equal(0);
    return r.stdout;
  };
  /** Expects exactly one `tributary: …` line matching `message`, and exit code 1. */
  const refused = async (message: RegExp, name: string, ...args: string[]) => {
    const r = await task(name, ...args);
    expect(r.code, `${name} ${args.join(" ")}\n${r.stdout}\n${r.stderr}`).to.equal(1);
    const lines = errorLines(r);
    expect(lines, r.stderr).to.have.length(1);
    expect(lines[0]).to.match(message);
  };
  const timeAdvance = (duration: string) =>
    run(["tributary:time", "--advance", duration, "--network", "localhost"], { TRIBUTARY_RPC_URL: node.url });

  before(async function () {
    node = await startHardhatNode();
    work = await mkdtemp(path.join(os.tmpdir(), "tributary-roles-"));
    deploymentFile = path.join(work, "deployment.json");
    const deployed = await run(
      [
        "tributary:deploy",
        "--demo-tokens",
        "--parameters",
        "deploy/parameters/localhost.json",
        "--deployment-id",
        deploymentId,
        "--out",
        deploymentFile,
        "--network",
        "localhost",
      ],
      { TRIBUTARY_RPC_URL: node.url },
    );
    expect(deployed.code, deployed.stderr).to.equal(0);
    const connection = await network.create({ network: "localhost", override: { url: node.url } });
    tributary = connectTributary(
      parseDeployment(JSON.parse(await readFile(deploymentFile, "utf8"))),
      connection.ethers.provider,
    );
  });
  after(async function () {
    await node?.stop();
    await rm(path.resolve("deploy", "deployments", deploymentId), { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });

  it("mint and stake: amounts in the stake token's decimals, signed by --from", async function () {
    expect(await ok("tributary:mint", "--token", "TSTK", "--amount", "3000.5", "--from", "3")).to.match(
      new RegExp(`minted 3000\\.5 TSTK to ${ACCOUNT[3]} \\(balance 3000\\.5 TSTK\\)`),
    );
    const stakeToken = await tributary.staking.STAKE_TOKEN();
    expect(await ok("tributary:mint", "--token", stakeToken, "--amount", "1000", "--to", ACCOUNT[4]!)).to.contain(
      `minted 1000.0 TSTK to ${ACCOUNT[4]}`,
    );
    expect(await ok("tributary:stake", "--amount", "3000.5", "--from", ACCOUNT[3]!.toLowerCase())).to.match(
      new RegExp(`staked 3000\\.5 TSTK for ${ACCOUNT[3]}: bonded 3000\\.5 TSTK in 0x`),
    );
    expect(await ok("tributary:stake", "--amount", "1000", "--from", "4")).to.contain("bonded 1000.0 TSTK");
    expect((await tributary.staking.validators(ACCOUNT[3]!)).bonded).to.equal(30005n * 10n ** 17n);

    await refused(/--amount is required/, "tributary:stake");
    await refused(
      /--amount must be a positive token amount such as 1000 or 12\.5, got "1,5"/,
      "tributary:stake",
      "--amount",
      "1,5",
    );
    await refused(/--amount must be greater than zero/, "tributary:stake", "--amount", "0");
    await refused(
      /--amount 1\.0000000000000000001 has more decimals than TSTK has \(18 decimals\)/,
      "tributary:stake",
      "--amount",
      "1.0000000000000000001",
      "--from",
      "3",
    );
    await refused(
      new RegExp(`${ACCOUNT[5]} holds 0\\.0 TSTK, less than the 100\\.0 TSTK to stake`),
      "tributary:stake",
      "--amount",
      "100",
      "--from",
      "5",
    );
    await ok("tributary:mint", "--token", "TSTK", "--amount", "50", "--from", "5");
    await refused(
      /would leave .* with 50\.0 TSTK bonded, below the minimum stake of 100\.0 TSTK/,
      "tributary:stake",
      "--amount",
      "50",
      "--from",
      "5",
    );
    await refused(
      /--from must be an account index such as 0 or 3, or a 0x-prefixed 20-byte hex address, got "bob"/,
      "tributary:stake",
      "--amount",
      "1",
      "--from",
      "bob",
    );
    await refused(
      /--from 99 is out of range: network localhost has 20 account\(s\), 0 to 19/,
      "tributary:stake",
      "--amount",
      "1",
      "--from",
      "99",
    );
    await refused(
      /--from 0x00000000000000000000000000000000000000C1 is not one of network localhost's 20 account\(s\)/,
      "tributary:stake",
      "--amount",
      "1",
      "--from",
      "0x00000000000000000000000000000000000000c1",
    );
    await refused(
      /--token "NOPE" is neither an address nor the symbol of one of the suite's tokens \(TSTK, TRWD, TUSD, TSRC\)/,
      "tributary:mint",
      "--token",
      "NOPE",
      "--amount",
      "1",
    );
    await refused(
      /does not answer decimals\(\)/,
      "tributary:mint",
      "--token",
      tributary.deployment.registry,
      "--amount",
      "1",
    );
  });

  it("create-datanet, then register a directory, a file and a list file (commit, then reveal)", async function () {
    expect(await ok("tributary:create-datanet", "--uri", "ipfs://corpus")).to.contain(
      `created datanet 1 curated by ${ACCOUNT[0]} (metadata ipfs://corpus)`,
    );
    const dir = path.join(work, "corpus");
    await mkdir(path.join(dir, "sub"), { recursive: true });
    await writeFile(path.join(dir, "b.txt"), "bravo");
    await writeFile(path.join(dir, "sub", "a.txt"), "alpha");
    const out = await ok(
      "tributary:register",
      "--datanet",
      "1",
      "--path",
      dir,
      "--uri-prefix",
      "ipfs://c/",
      "--from",
      "2",
    );
    const hashB = hashFileBytes(new TextEncoder().encode("bravo"));
    const hashA = hashFileBytes(new TextEncoder().encode("alpha"));
    expect(out).to.contain(`contribution 1  ${hashB}`).and.to.contain("ipfs://c/b.txt");
    expect(out).to.contain(`contribution 2  ${hashA}`).and.to.contain("ipfs://c/sub/a.txt");
    expect(out).to.match(new RegExp(`registered 2 contribution\\(s\\) in datanet 1 for ${ACCOUNT[2]} in 0x`));
    const single = path.join(work, "single.txt");
    await writeFile(single, "charlie");
    expect(await ok("tributary:register", "--datanet", "1", "--path", single, "--from", "2")).to.contain(
      `contribution 3  ${hashFileBytes(new TextEncoder().encode("charlie"))}`,
    );
    const list = path.join(work, "list.txt");
    const listed = ["0x" + "11".repeat(32), "0x" + "22".repeat(32)];
    await writeFile(list, `# hashes\n${listed[0]} ipfs://x\n\n${listed[1]}\n`);
    const fromList = await ok("tributary:register", "--datanet", "1", "--list", list, "--from", "2");
    expect(fromList).to.contain(`contribution 4  ${listed[0]}`).and.to.contain(`contribution 5  ${listed[1]}`);
    expect(await tributary.registry.contributionCount()).to.equal(5n);
    const record = await tributary.registry.contributionOf(hashA);
    expect([record.contributor, record.id]).to.deep.equal([ACCOUNT[2], 2n]);

    await refused(/--uri is required/, "tributary:create-datanet");
    await refused(/--datanet is required/, "tributary:register", "--path", single);
    await refused(/pass exactly one of --path .* and --list/, "tributary:register", "--datanet", "1");
    await refused(
      /pass exactly one of --path .* and --list/,
      "tributary:register",
      "--datanet",
      "1",
      "--path",
      single,
      "--list",
      list,
    );
    await refused(
      /--path .*nowhere does not exist/,
      "tributary:register",
      "--datanet",
      "1",
      "--path",
      path.join(work, "nowhere"),
    );
    await refused(
      /datanet 7 does not exist: datanets run from 1 to 1/,
      "tributary:register",
      "--datanet",
      "7",
      "--path",
      single,
    );
    await refused(
      /single\.txt \(0x[0-9a-f]{64}\) is already registered as contribution 3, Pending/,
      "tributary:register",
      "--datanet",
      "1",
      "--path",
      single,
    );
    const bad = path.join(work, "bad-list.txt");
    await writeFile(bad, `${"0x" + "33".repeat(32)}\nnot-a-hash ipfs://y\n`);
    await refused(
      /bad-list\.txt line 2: expected "<content hash> \[<uri>\]"/,
      "tributary:register",
      "--datanet",
      "1",
      "--list",
      bad,
    );
    const twins = path.join(work, "twins");
    await mkdir(twins);
    await writeFile(path.join(twins, "one"), "same");
    await writeFile(path.join(twins, "two"), "same");
    await refused(
      /twins\/one and .*twins\/two have the same content hash/,
      "tributary:register",
      "--datanet",
      "1",
      "--path",
      twins,
    );
  });

  it("vote by id or content hash, accepting or rejecting", async function () {
    const hashB = hashFileBytes(new TextEncoder().encode("bravo"));
    expect(await ok("tributary:vote", "--id", "1", "--accept", "--from", "3")).to.match(
      new RegExp(`${ACCOUNT[3]} voted to accept contribution 1 \\(${hashB}\\) in 0x[0-9a-f]{64}; it is now Accepted`),
    );
    await ok("tributary:vote", "--id", "2", "--accept", "--from", "3");
    await ok("tributary:vote", "--id", "3", "--accept", "--from", "3");
    expect(await ok("tributary:vote", "--hash", "0x" + "22".repeat(32), "--reject", "--from", "4")).to.contain(
      "it is now Pending",
    );
    expect(await ok("tributary:vote", "--id", "5", "--reject", "--from", "3")).to.contain("it is now Rejected");

    await refused(/pass exactly one of --accept and --reject/, "tributary:vote", "--id", "4");
    await refused(/pass exactly one of --accept and --reject/, "tributary:vote", "--id", "4", "--accept", "--reject");
    await refused(/exactly one of --hash <content hash> and --id/, "tributary:vote", "--accept");
    await refused(/--hash must be 0x followed by 64 hex digits/, "tributary:vote", "--hash", "0x12", "--accept");
    await refused(
      /contribution 9 does not exist: contributions run from 1 to 5/,
      "tributary:vote",
      "--id",
      "9",
      "--accept",
      "--from",
      "3",
    );
    await refused(
      /contribution 1 \(0x[0-9a-f]{64}\) is Accepted: only Pending contributions take votes/,
      "tributary:vote",
      "--id",
      "1",
      "--accept",
      "--from",
      "4",
    );
    await refused(
      /no contribution is registered with content hash 0x4444/,
      "tributary:vote",
      "--hash",
      "0x" + "44".repeat(32),
      "--accept",
    );
    await refused(
      new RegExp(`${ACCOUNT[2]} had no bonded stake at contribution 4 .*snapshot`),
      "tributary:vote",
      "--id",
      "4",
      "--accept",
      "--from",
      "2",
    );
  });

  it("propose from CSV and JSON, attest and reject batches, with clear errors naming the line or record", async function () {
    const csv = path.join(work, "records.csv");
    await writeFile(csv, "outputId,poolId,value,vector\nout-b,0,2,1:2500 3:7500\nout-a,0,1.5,2:10000\n");
    expect(await ok("tributary:propose", "--records", csv, "--from", "4")).to.match(
      new RegExp(`${ACCOUNT[4]} proposed batch 1 with 2 record\\(s\\) in 0x[0-9a-f]{64}; it is Pending`),
    );
    const json = path.join(work, "records.json");
    await writeFile(
      json,
      JSON.stringify([
        { outputId: "0x" + "ab".repeat(32), poolId: 0, value: "4", vector: [{ contributionId: 1, weightBps: 10000 }] },
      ]),
    );
    await ok("tributary:propose", "--records", json, "--from", "4");
    expect(await ok("tributary:attest", "--batch", "1", "--support", "--from", "3")).to.match(
      new RegExp(`${ACCOUNT[3]} attested batch 1 in 0x[0-9a-f]{64}; it is now Final`),
    );
    expect(await ok("tributary:attest", "--batch", "2", "--reject", "--from", "3")).to.contain("it is now Rejected");

    const write = async (name: string, text: string) => {
      const file = path.join(work, name);
      await writeFile(file, text);
      return file;
    };
    const header = "outputId,poolId,value,vector\n";
    await refused(/--records is required/, "tributary:propose");
    await refused(
      /--records .*none\.csv cannot be read/,
      "tributary:propose",
      "--records",
      path.join(work, "none.csv"),
    );
    await refused(
      /w1\.csv line 3: weights sum to 9000 bps, not 10000/,
      "tributary:propose",
      "--records",
      await write("w1.csv", `${header}x,0,1,1:10000\ny,0,1,1:4000 2:5000\n`),
    );
    await refused(
      /w2\.csv line 2: vector entry "1-10000" must be contributionId:weightBps/,
      "tributary:propose",
      "--records",
      await write("w2.csv", `${header}x,0,1,1-10000\n`),
    );
    await refused(
      /w3\.csv line 1: the header must name the columns outputId,poolId,value,vector/,
      "tributary:propose",
      "--records",
      await write("w3.csv", "id,pool,value,vector\n"),
    );
    await refused(
      /w4\.csv line 2: value must be a positive number/,
      "tributary:propose",
      "--records",
      await write("w4.csv", `${header}x,0,-1,1:10000\n`),
    );
    await refused(
      /w5\.csv line 3: same outputId as line 2/,
      "tributary:propose",
      "--records",
      await write("w5.csv", `${header}x,0,1,1:10000\nx,0,2,2:10000\n`),
    );
    await refused(
      /w6\.csv line 2: pool 9 does not exist: pools run from 0 \(the network pool\) to 0/,
      "tributary:propose",
      "--records",
      await write("w6.csv", `${header}x,9,1,1:10000\n`),
      "--from",
      "4",
    );
    await refused(
      /w7\.csv line 2: contribution 4 is not Accepted/,
      "tributary:propose",
      "--records",
      await write("w7.csv", `${header}x,0,1,4:10000\n`),
      "--from",
      "4",
    );
    await refused(
      /w8\.json record 2: poolId is missing/,
      "tributary:propose",
      "--records",
      await write(
        "w8.json",
        JSON.stringify([
          { outputId: "a", poolId: 0, value: 1, vector: "1:10000" },
          { outputId: "b", value: 1, vector: "1:10000" },
        ]),
      ),
    );
    await refused(/w9\.json is not valid JSON/, "tributary:propose", "--records", await write("w9.json", "[{"));
    await refused(
      /w10\.csv line 2: contribution 1 appears twice/,
      "tributary:propose",
      "--records",
      await write("w10.csv", `${header}x,0,1,1:5000 1:5000\n`),
    );
    await refused(/--batch is required/, "tributary:attest", "--support");
    await refused(/pass exactly one of --support and --reject/, "tributary:attest", "--batch", "1");
    await refused(/batch 7 does not exist: batches run from 1 to 2/, "tributary:attest", "--batch", "7", "--support");
    await refused(
      /batch 1 is Final: only Pending batches take attestations/,
      "tributary:attest",
      "--batch",
      "1",
      "--support",
      "--from",
      "4",
    );
  });

  it("set-recipient by token symbol or address, and reset", async function () {
    const tusd = (await tributary.distributor.tokens())[1]!;
    expect(
      await ok("tributary:set-recipient", "--token", "TUSD", "--recipient", ACCOUNT[6]!, "--from", "2"),
    ).to.contain(`claims of TUSD for ${ACCOUNT[2]} now pay ${ACCOUNT[6]}`);
    expect(await tributary.distributor.recipientOf(ACCOUNT[2]!, tusd)).to.equal(ACCOUNT[6]);
    expect(await ok("tributary:set-recipient", "--token", tusd, "--reset", "--from", "2")).to.contain(
      `claims of TUSD for ${ACCOUNT[2]} pay ${ACCOUNT[2]} itself again`,
    );
    expect(await tributary.distributor.recipientOf(ACCOUNT[2]!, tusd)).to.equal(ZeroAddress);

    await refused(/--token is required/, "tributary:set-recipient", "--reset");
    await refused(/pass exactly one of --recipient <0x…> and --reset/, "tributary:set-recipient", "--token", "TUSD");
    await refused(
      /pass exactly one of --recipient <0x…> and --reset/,
      "tributary:set-recipient",
      "--token",
      "TUSD",
      "--reset",
      "--recipient",
      ACCOUNT[6]!,
    );
    await refused(
      /--recipient must be a 0x-prefixed 20-byte hex address/,
      "tributary:set-recipient",
      "--token",
      "TUSD",
      "--recipient",
      "0x12",
    );
    await refused(
      /--token 0x[0-9a-fA-F]{40} is not on the distributor's allowlist/,
      "tributary:set-recipient",
      "--token",
      "TSTK",
      "--reset",
    );
    await refused(
      /is the distributor: tokens paid there would be stuck/,
      "tributary:set-recipient",
      "--token",
      "TUSD",
      "--recipient",
      tributary.deployment.distributor,
    );
  });

  it("veto a pending settlement (governance only), after time moved the epoch on", async function () {
    await ok("tributary:mint", "--token", "TRWD", "--amount", "100");
    await ok("tributary:fund", "--amount", "100");
    await refused(
      /no settlement has been submitted: there is nothing to veto for epoch 0/,
      "tributary:veto",
      "--epoch",
      "0",
    );
    const advanced = await timeAdvance("1d");
    expect(advanced.code, advanced.stderr).to.equal(0);
    expect(advanced.stdout).to.match(/advanced the chain's clock by 1d: latest block at .*Z \(\d+\), was/);
    await ok("tributary:settle", "--epoch", "0", "--out", path.join(work, "settlements"));
    await refused(
      new RegExp(`${ACCOUNT[3]} is not governance of the distributor: its admin is ${ACCOUNT[0]}`),
      "tributary:veto",
      "--epoch",
      "0",
      "--from",
      "3",
    );
    await refused(
      /epoch 1 has no pending settlement; the latest settlement is epoch 0's, pending until/,
      "tributary:veto",
      "--epoch",
      "1",
    );
    await refused(/--epoch is required/, "tributary:veto");
    expect(await ok("tributary:veto", "--epoch", "0")).to.match(/vetoed epoch 0's settlement \(root 0x[0-9a-f]{64}\)/);
    expect(await tributary.distributor.nextEpochToSettle()).to.equal(0n);
  });

  it("dispute a pending settlement, resolve it (governance, once the window closed), and settle the bonds", async function () {
    // Epoch 0 was vetoed above: it is settled again as its second attempt, then disputed.
    await ok("tributary:settle", "--epoch", "0", "--attempt", "2", "--out", path.join(work, "settlements"));
    await ok("tributary:mint", "--token", "TSTK", "--amount", "150", "--to", ACCOUNT[5]!);
    await refused(/--evidence is required/, "tributary:dispute", "--from", "5");
    await refused(
      /the dispute bond is 100000000000000000000 of 0x[0-9a-fA-F]{40}, above the maximum of 10000000000000000000 you allowed/,
      "tributary:dispute",
      "--evidence",
      "https://evidence.example/epoch-0",
      "--max-bond",
      "10",
      "--from",
      "5",
    );
    expect(await ok("tributary:dispute", "--evidence", "https://evidence.example/epoch-0", "--from", "5")).to.match(
      /disputed epoch 0's settlement \(root 0x[0-9a-f]{64}\) with a bond of 100\.0 TSTK: dispute 1, in 0x/,
    );
    await refused(
      /dispute 1's challenge window is open until/,
      "tributary:resolve-dispute",
      "--dispute",
      "1",
      "--reject",
    );
    await refused(/epoch 0's settlement is frozen by an open dispute/, "tributary:veto", "--epoch", "0");
    expect((await timeAdvance("2h")).code).to.equal(0);
    await refused(
      new RegExp(`${ACCOUNT[5]} is not governance of the settlement disputes`),
      "tributary:resolve-dispute",
      "--dispute",
      "1",
      "--reject",
      "--from",
      "5",
    );
    expect(await ok("tributary:resolve-dispute", "--dispute", "1", "--reject")).to.match(
      /rejected dispute 1: epoch 0's settlement is active and the bonds went to the treasury/,
    );
    await refused(
      /dispute 1 was rejected: its bonds were forfeited to the treasury/,
      "tributary:withdraw-bond",
      "--dispute",
      "1",
      "--from",
      "5",
    );
    const [active] = await tributary.distributor.latestSettlement();
    expect((await tributary.distributor.activeSettlement()).root).to.equal(active.root);
  });

  it("unstake and withdraw after the unbonding period", async function () {
    await refused(
      /has 1000\.0 TSTK bonded, less than the 2000\.0 TSTK to unstake/,
      "tributary:unstake",
      "--amount",
      "2000",
      "--from",
      "4",
    );
    await refused(
      /would leave 50\.0 TSTK bonded, below the minimum stake of 100\.0 TSTK/,
      "tributary:unstake",
      "--amount",
      "950",
      "--from",
      "4",
    );
    await refused(
      /has no stake to withdraw: request it first with tributary:unstake/,
      "tributary:withdraw",
      "--from",
      "4",
    );
    expect(await ok("tributary:unstake", "--amount", "400", "--from", "4")).to.match(
      /started unbonding 400\.0 TSTK \(bonded 600\.0 TSTK, unbonding 400\.0 TSTK, withdrawable from .*\)/,
    );
    await refused(/has 400\.0 TSTK unbonding, withdrawable from .* in 7d/, "tributary:withdraw", "--from", "4");
    expect((await timeAdvance("7d")).code).to.equal(0);
    const before = await erc20At(await tributary.staking.STAKE_TOKEN(), tributary.runner).balanceOf(ACCOUNT[4]!);
    expect(await ok("tributary:withdraw", "--from", "4")).to.contain(
      `withdrew 400.0 TSTK of released stake to ${ACCOUNT[4]}`,
    );
    expect(await erc20At(await tributary.staking.STAKE_TOKEN(), tributary.runner).balanceOf(ACCOUNT[4]!)).to.equal(
      before + 400n * 10n ** 18n,
    );
  });

  it("pause and unpause one contract or all", async function () {
    expect(await ok("tributary:pause", "--contract", "registry")).to.match(
      /paused the registry \(0x[0-9a-fA-F]{40}\) in 0x/,
    );
    expect(await tributary.registry.paused()).to.equal(true);
    const all = await ok("tributary:pause");
    expect(all)
      .to.contain("registry is already paused")
      .and.to.contain("paused the ledger")
      .and.to.contain("paused the staking");
    for (const name of ["registry", "ledger", "distributor", "staking"] as const) {
      expect(await tributary[name].paused(), name).to.equal(true);
    }
    await ok("tributary:unpause", "--contract", "all");
    for (const name of ["registry", "ledger", "distributor", "staking"] as const) {
      expect(await tributary[name].paused(), name).to.equal(false);
    }
    await refused(
      /--contract must be one of registry, ledger, distributor, staking or all, got "vault"/,
      "tributary:pause",
      "--contract",
      "vault",
    );
    await refused(/is not governance of the registry/, "tributary:unpause", "--from", "3");
  });

  it("transfer governance: begin (with its schedule), cancel, accept once the delay has passed", async function () {
    await refused(/--to is required/, "tributary:governance-begin");
    await refused(
      /the ledger has no governance transfer pending/,
      "tributary:governance-accept",
      "--contract",
      "ledger",
      "--from",
      "6",
    );
    await refused(
      /no governance transfer is pending on the registry, ledger, distributor, staking, disputes, challenges: nothing to cancel/,
      "tributary:governance-cancel",
    );
    expect(await ok("tributary:governance-begin", "--to", ACCOUNT[6]!, "--contract", "registry")).to.match(
      new RegExp(`registry: governance ${ACCOUNT[0]}, transfer to ${ACCOUNT[6]} pending, acceptable from .*, in 2d`),
    );
    expect(await ok("tributary:governance-cancel", "--contract", "registry")).to.contain(
      `registry: governance ${ACCOUNT[0]}, no transfer pending`,
    );
    const begun = await ok("tributary:governance-begin", "--to", ACCOUNT[6]!);
    for (const name of ["registry", "ledger", "distributor", "staking", "disputes", "challenges"])
      expect(begun).to.contain(`began the ${name}'s`);
    await refused(
      /the ledger's governance transfer can be accepted from .*, in (1d|2d)/,
      "tributary:governance-accept",
      "--contract",
      "ledger",
      "--from",
      "6",
    );
    await refused(
      new RegExp(`the registry's pending governance is ${ACCOUNT[6]}, not ${ACCOUNT[5]}`),
      "tributary:governance-accept",
      "--from",
      "5",
    );
    expect((await timeAdvance("2d1m")).code).to.equal(0);
    expect(await ok("tributary:governance-accept", "--contract", "ledger", "--from", "6")).to.contain(
      `ledger: governance ${ACCOUNT[6]}, no transfer pending`,
    );
    expect(await tributary.ledger.defaultAdmin()).to.equal(ACCOUNT[6]);
    expect(await tributary.registry.defaultAdmin()).to.equal(ACCOUNT[0]);
    await ok("tributary:governance-accept", "--contract", "registry", "--from", "6");
    expect(await tributary.registry.defaultAdmin()).to.equal(ACCOUNT[6]);
  });

  it("time: refuses bad durations and any chain but a local node, with one line", async function () {
    const expectOne = (r: Run, message: RegExp) => {
      expect(r.code).to.equal(1);
      expect(errorLines(r), r.stderr).to.have.length(1);
      expect(errorLines(r)[0]).to.match(message);
    };
    const local = (args: string[]) => run([...args, "--network", "localhost"], { TRIBUTARY_RPC_URL: node.url });
    expectOne(await local(["tributary:time"]), /--advance is required/);
    expectOne(
      await local(["tributary:time", "--advance", "soon"]),
      /--advance must be a positive duration such as 3600 \(seconds\), 90m, 3h, 1d or 1d12h, got "soon"/,
    );
    expectOne(await local(["tributary:time", "--advance", "0"]), /--advance must be a positive duration/);
    expectOne(
      await run(["tributary:time", "--advance", "1h"]),
      /tributary:time only moves the clock of a local dev chain: network default is simulated inside this process/,
    );
    const before = (await tributary.runner.provider!.getBlock("latest"))!.timestamp;
    const moved = await local(["tributary:time", "--advance", "90m"]);
    expect(moved.code, moved.stderr).to.equal(0);
    expect(moved.stdout).to.contain("advanced the chain's clock by 1h 30m");
    expect((await tributary.runner.provider!.getBlock("latest"))!.timestamp).to.be.at.least(before + 5_400);
  });
});

import { expect } from "chai";
import { access, readFile, rename, rm, rmdir } from "node:fs/promises";
import path from "node:path";
import { network } from "hardhat";
import { parseUnits } from "ethers";
import { connectTributary, erc20At, parseDeployment } from "../../client/index.js";
import { runHardhat, startHardhatNode, type HardhatRun, type RunningNode } from "../../scripts/lib/node.js";

type Run = HardhatRun;

/** The commands of README.md's `sh cli-walkthrough` block, one argument list each. */
export async function walkthroughCommands(): Promise<string[][]> {
  const readme = await readFile("README.md", "utf8");
  const match = /^```sh cli-walkthrough\n([\s\S]*?)^```$/m.exec(readme);
  if (!match) throw new Error("README.md has no ```sh cli-walkthrough block");
  return match[1]!
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      // Run without a shell: the block must hold plain commands.
      if (/["'`$|&;<>\\]/.test(line)) throw new Error(`not a plain command: ${line}`);
      const words = line.split(/\s+/);
      if (words[0] !== "npx" || words[1] !== "hardhat") throw new Error(`not an npx hardhat command: ${line}`);
      return words.slice(2);
    });
}

/** Runs `npx hardhat <args>` as its own process, with --network localhost pointed at `node`. */
function hardhat(node: RunningNode, args: string[]): Promise<Run> {
  return runHardhat(args, { TRIBUTARY_RPC_URL: node.url });
}

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

describe("README walkthrough: an epoch with the CLI alone, against a hardhat node", function () {
  this.timeout(600_000);
  // The walkthrough writes the local chain's default deployment and settlement store; whatever an
  // earlier local node left there is set aside and put back afterwards.
  const localState = [path.resolve("deploy", "deployments", "chain-31337"), path.resolve("settlements", "chain-31337")];
  const stash = (dir: string) => `${dir}.walkthrough-stash-${process.pid}`;
  // Their parents too, when the walkthrough is what creates them.
  const parents = [path.resolve("deploy", "deployments"), path.resolve("settlements")];
  const createdParents: string[] = [];
  let node: RunningNode | undefined;

  before(async function () {
    for (const dir of parents) if (!(await exists(dir))) createdParents.push(dir);
    for (const dir of localState) if (await exists(dir)) await rename(dir, stash(dir));
  });
  after(async function () {
    await node?.stop();
    for (const dir of localState) {
      await rm(dir, { recursive: true, force: true });
      if (await exists(stash(dir))) await rename(stash(dir), dir);
    }
    for (const dir of createdParents) await rmdir(dir).catch(() => {});
  });

  it("extracts the block: plain npx hardhat tributary:* commands on --network localhost", async function () {
    const commands = await walkthroughCommands();
    expect(commands.length).to.be.greaterThan(10);
    for (const args of commands) {
      expect(args[0]).to.match(/^tributary:/);
      expect(args.join(" ")).to.contain("--network localhost");
    }
    expect(commands.at(-1)![0]).to.equal("tributary:claim");
  });

  it("runs every command of the block in order; each exits 0 and the final claim pays tokens", async function () {
    const commands = await walkthroughCommands();
    node = await startHardhatNode();
    let last: Run | undefined;
    for (const args of commands) {
      last = await hardhat(node, args);
      expect(last.code, `${args.join(" ")}\n${last.stdout}\n${last.stderr}`).to.equal(0);
    }
    const claim = commands.at(-1)!;
    const account = claim[claim.indexOf("--account") + 1]!;
    const paid = [...last!.stdout.matchAll(/claimed ([0-9.]+) (\w+) for (0x[0-9a-fA-F]{40})/g)];
    expect(paid.map((m) => m[2])).to.have.members(["TRWD", "TUSD"]);

    const connection = await network.create({ network: "localhost", override: { url: node.url } });
    const deployment = parseDeployment(
      JSON.parse(await readFile(path.resolve("deploy", "deployments", "chain-31337", "tributary.json"), "utf8")),
    );
    const tributary = connectTributary(deployment, connection.ethers.provider);
    for (const [, amount, symbol, who] of paid) {
      expect(who!.toLowerCase()).to.equal(account.toLowerCase());
      const listed = await tributary.distributor.tokens();
      let matched = false;
      for (const address of listed) {
        const erc20 = erc20At(address, connection.ethers.provider);
        if ((await erc20.symbol()) !== symbol) continue;
        matched = true;
        const units = parseUnits(amount!, Number(await erc20.decimals()));
        expect(units > 0n, `${symbol} paid`).to.equal(true);
        // The contributor held none before: its balance is exactly what the claim paid.
        expect(await erc20.balanceOf(account)).to.equal(units);
      }
      expect(matched, symbol).to.equal(true);
    }
  });
});

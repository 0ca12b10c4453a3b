import { expect } from "chai";
import { mkdtemp, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { deployDemoSuite, runScenario } from "../../scripts/lib/scenario.js";

describe("demo scenario (in-process network)", function () {
  it("settles two epochs of three pools in three tokens, everyone claims exactly what they are owed in each, artifacts load with OpenZeppelin", async function () {
    const connection = await network.create();
    const directory = await mkdtemp(path.join(os.tmpdir(), "tributary-scenario-"));
    const suite = await deployDemoSuite(connection);
    const reports = await runScenario(connection, suite, { artifactsDirectory: directory });

    expect(reports).to.have.length(2);
    for (const report of reports) {
      expect(report.problems).to.deep.equal([]);
      const dump = JSON.parse(await readFile(report.settlement.artifactLocation, "utf8"));
      const tree = StandardMerkleTree.load(dump);
      expect(tree.root).to.equal(report.settlement.root);
      expect(dump.metadata.root).to.equal(report.settlement.root);
    }
    // Epoch 1: the network pool carries epoch 0's dust in; the idle search pool is refunded to its owner.
    const second = reports[1]!.settlement.artifact.metadata;
    expect(BigInt(second.pools.find((p) => p.poolId === "0")!.carryIn)).to.be.greaterThan(0n);
    const searchOwner = await suite.cast.searchDapp.getAddress();
    const search = second.pools.find((p) => p.owner === searchOwner)!;
    expect(BigInt(search.refund)).to.be.greaterThan(0n);
    // Per token: the distributor holds exactly what was funded and not yet claimed, and everything
    // entitled was claimed.
    const distributor = suite.tributary.distributor;
    const tokens = [suite.rewardToken, suite.stableToken, suite.creditToken];
    expect(second.tokens.map((t) => t.token)).to.deep.equal(await Promise.all(tokens.map((t) => t.getAddress())));
    for (const token of tokens) {
      const address = await token.getAddress();
      const funded = await distributor.totalFundedOf(address);
      const claimed = await distributor.totalClaimedOf(address);
      expect(funded).to.be.greaterThan(0n);
      expect(await token.balanceOf(suite.deployment.distributor)).to.equal(funded - claimed);
      expect(claimed).to.equal(await distributor.activeTotalOf(address));
      expect(claimed).to.equal(BigInt(second.tokens.find((t) => t.token === address)!.cumulativeTotal));
    }
  });
});

import { expect } from "chai";
import { mkdtemp, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { deployDemoSuite, runScenario } from "../../scripts/lib/scenario.js";

describe("demo scenario (in-process network)", function () {
  it("settles two epochs, everyone claims exactly what they are owed, artifacts load with OpenZeppelin", async function () {
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
    expect(BigInt(reports[1]!.settlement.artifact.metadata.carryIn)).to.be.greaterThan(0n);
    const distributor = suite.tributary.distributor;
    expect(await suite.rewardToken.balanceOf(suite.deployment.distributor)).to.equal(
      (await distributor.totalFunded()) - (await distributor.totalClaimed()),
    );
  });
});

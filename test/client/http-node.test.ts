import { expect } from "chai";
import { mkdtemp, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { connectTributary, listAttributionBatches, listContributions, readEpoch, verify } from "../../client/index.js";
import { deployDemoSuite, runScenario } from "../../scripts/lib/scenario.js";
import { startHardhatNode, type RunningNode } from "../../scripts/lib/node.js";

describe("client against a real hardhat node over HTTP", function () {
  this.timeout(180_000);
  let node: RunningNode;

  before(async function () {
    node = await startHardhatNode();
  });
  after(async function () {
    await node?.stop();
  });

  it("runs both epochs end to end over JSON-RPC, and a read-only provider verifies them", async function () {
    const connection = await network.create({ network: "localhost", override: { url: node.url } });
    const directory = await mkdtemp(path.join(os.tmpdir(), "tributary-http-"));
    const suite = await deployDemoSuite(connection);
    const reports = await runScenario(connection, suite, { artifactsDirectory: directory });
    for (const report of reports) {
      expect(report.problems).to.deep.equal([]);
      const artifact = JSON.parse(await readFile(report.settlement.artifactLocation, "utf8"));
      expect(StandardMerkleTree.load(artifact).root).to.equal(report.settlement.root);
    }

    // Anyone with only a provider can recompute and check every epoch.
    const readOnly = connectTributary(suite.deployment, connection.ethers.provider);
    const tokens = await Promise.all(
      [suite.rewardToken, suite.stableToken, suite.creditToken].map((t) => t.getAddress()),
    );
    for (const epoch of [0n, 1n]) {
      const check = await verify(readOnly, { epoch, index: { chunkSize: 16 } });
      const settlement = reports[Number(epoch)]!.settlement;
      expect(check.matches).to.equal(true);
      expect(check.onChainRoot).to.equal(settlement.root);
      expect(check.tokens).to.deep.equal(tokens);
      expect(check.computedTotals).to.deep.equal(settlement.cumulativeTotals);
      expect(check.onChainTotals).to.deep.equal(settlement.cumulativeTotals);
      const view = await readEpoch(readOnly, { epoch });
      expect(view.state).to.equal("active");
      // Every pool was funded in both epochs, each in its own token.
      expect([...view.funded.keys()]).to.deep.equal(tokens);
      for (const token of tokens) {
        expect(view.funded.get(token)).to.equal(await readOnly.distributor.fundedInEpoch(epoch, token));
      }
    }
    const contributor = await suite.cast.contributors[0]!.getAddress();
    const mine = await listContributions(readOnly, { contributor });
    expect(mine.map((c) => c.status)).to.deep.equal(["Accepted", "Accepted"]);
    const batches = await listAttributionBatches(readOnly);
    expect(batches.map((b) => [b.status, b.decidedEpoch])).to.deep.equal([
      ["Final", 0n],
      ["Final", 1n],
    ]);
    expect(batches[0]!.records).to.have.length(4);
  });
});

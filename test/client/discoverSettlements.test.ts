import { expect } from "chai";
import { network } from "hardhat";
import {
  artifactBytes,
  artifactDataUri,
  checkSettlementArtifact,
  discoverSettlements,
  fetchSettlementArtifact,
  MemorySettlementStore,
  settle,
  settlementArtifactPath,
  settlementArtifactUrl,
  SettlementArtifactMismatchError,
  SettlementArtifactUnavailableError,
  withRunner,
  type DiscoveredSettlement,
  type SettlementArtifact,
} from "../../client/index.js";
import { deployDemoSuite, EPOCH_SECONDS, seedEpoch, setupNetwork, type DemoSuite } from "../../scripts/lib/scenario.js";

const connection = await network.create();
const { networkHelpers } = connection;

async function closedEpochZero(): Promise<DemoSuite> {
  const suite = await deployDemoSuite(connection);
  const net = await setupNetwork(suite);
  await seedEpoch(connection, suite, net, 0);
  const genesis = await suite.tributary.distributor.GENESIS();
  await networkHelpers.time.increaseTo(genesis + EPOCH_SECONDS + 1n);
  return suite;
}

/** A fetch that serves `files` (URL → artifact, as canonical bytes) and answers 404 to anything else, recording what was asked. */
function fakeFetch(files: Record<string, SettlementArtifact>) {
  const asked: string[] = [];
  const fetch = async (url: string) => {
    asked.push(url);
    return url in files
      ? new Response(artifactBytes(files[url]!), { status: 200 })
      : new Response("not found", { status: 404 });
  };
  return { fetch, asked };
}

const copy = (artifact: SettlementArtifact): SettlementArtifact => JSON.parse(JSON.stringify(artifact));

describe("discoverSettlements and fetchSettlementArtifact", function () {
  it("find each settled epoch's settlement on chain, pending then active, and fetch its artifact from the settlements directory", async function () {
    const suite = await networkHelpers.loadFixture(closedEpochZero);
    const tributary = withRunner(suite.tributary, suite.cast.admin);
    expect(await discoverSettlements(tributary)).to.deep.equal([]);
    const result = await settle(tributary, {
      epoch: 0n,
      validators: suite.cast.validators,
      store: new MemorySettlementStore(),
    });

    const [pending, ...none] = await discoverSettlements(suite.tributary);
    expect(none).to.deep.equal([]);
    expect(pending!.epoch).to.equal(0n);
    expect(pending!.root).to.equal(result.root);
    expect(pending!.cumulativeTotals).to.deep.equal(result.cumulativeTotals);
    expect(pending!.tokens).to.deep.equal(result.computation.tokens.map((t) => t.token));
    expect(pending!.dataUri).to.equal(result.dataUri);
    expect(pending!.dataUri).to.equal(artifactDataUri(result.artifact));
    expect(pending!.dataUri).to.match(/^ipfs:\/\/bafkrei[a-z2-7]{52}$/);
    expect(pending!.state).to.equal("pending");
    expect(pending!.transactionHash).to.equal(result.submissionTransaction);

    const directory = "http://settlements.test/served/";
    const url = `${directory}chain-31337/${suite.deployment.distributor.toLowerCase()}/epoch-0.json`;
    expect(settlementArtifactUrl(pending!, { resolve: directory })).to.equal(url);
    // A directory without its trailing slash, and one relative to a base, name the same place.
    expect(settlementArtifactUrl(pending!, { resolve: "http://settlements.test/served" })).to.equal(url);
    expect(settlementArtifactUrl(pending!, { resolve: "/served/", base: "http://settlements.test/app/" })).to.equal(
      url,
    );
    const served = fakeFetch({ [url]: result.artifact });
    const artifact = await fetchSettlementArtifact(pending!, { resolve: directory, fetch: served.fetch });
    expect(artifact.metadata.root).to.equal(result.root);
    expect(served.asked).to.deep.equal([url]);

    const [latest] = await suite.tributary.distributor.latestSettlement();
    await networkHelpers.time.increaseTo(latest.activatesAt);
    const [active] = await discoverSettlements(suite.tributary);
    expect(active!.state).to.equal("active");
  });

  it("refuse an artifact whose root, totals, tokens, epoch or tree differ from the chain, with a typed error", async function () {
    const suite = await networkHelpers.loadFixture(closedEpochZero);
    const tributary = withRunner(suite.tributary, suite.cast.admin);
    const { artifact } = await settle(tributary, {
      epoch: 0n,
      validators: suite.cast.validators,
      store: new MemorySettlementStore(),
    });
    const [settlement] = await discoverSettlements(suite.tributary);
    checkSettlementArtifact(settlement!, artifact);

    const refusal = (edit: (a: SettlementArtifact) => void, on: DiscoveredSettlement = settlement!) => {
      const edited = copy(artifact);
      edit(edited);
      try {
        checkSettlementArtifact(on, edited);
      } catch (error) {
        expect(error).to.be.instanceOf(SettlementArtifactMismatchError);
        expect((error as SettlementArtifactMismatchError).code).to.equal("ARTIFACT_MISMATCH");
        return error as SettlementArtifactMismatchError;
      }
      throw new Error("the edited artifact was accepted");
    };
    expect(refusal((a) => (a.metadata.root = "0x" + "11".repeat(32))).field).to.equal("root");
    expect(refusal((a) => (a.metadata.epoch = "1")).field).to.equal("epoch");
    expect(refusal((a) => (a.metadata.chainId = "1")).field).to.equal("chainId");
    const total = refusal((a) => (a.metadata.tokens[1]!.cumulativeTotal = "1"));
    expect(total.field).to.equal("cumulativeTotal[1]");
    expect(total.expected).to.equal(settlement!.cumulativeTotals[1]!.toString());
    expect(total.message).to.contain("does not match the settlement on chain");
    expect(refusal((a) => a.metadata.tokens.pop()).field).to.equal("token count");
    expect(refusal((a) => (a.metadata.tokens[0]!.token = a.metadata.tokens[1]!.token)).field).to.equal("token[0]");
    // A leaf paying more than it should: its values no longer hash to the root.
    expect(refusal((a) => (a.values[0]!.value[2] = (BigInt(a.values[0]!.value[2]) + 1n).toString())).field).to.equal(
      "tree",
    );
    // Totals on chain that the tree's leaves do not sum to (and metadata that agrees with the chain).
    const inflated = {
      ...settlement!,
      cumulativeTotals: settlement!.cumulativeTotals.map((t, i) => (i === 0 ? t + 1n : t)),
    };
    const sum = refusal(
      (a) => (a.metadata.tokens[0]!.cumulativeTotal = inflated.cumulativeTotals[0]!.toString()),
      inflated,
    );
    expect(sum.field).to.equal("Σ leaves[0]");

    // Fetched, a tampered copy is refused before it is even read: its bytes are not the signed address.
    const url = "https://artifacts.test/epoch-0.json";
    const tampered = copy(artifact);
    tampered.metadata.tokens[0]!.cumulativeTotal = "7";
    const error = await fetchSettlementArtifact(settlement!, {
      resolve: () => url,
      fetch: fakeFetch({ [url]: tampered }).fetch,
    }).catch((e) => e);
    expect(error).to.be.instanceOf(SettlementArtifactMismatchError);
    expect(error.field).to.equal("content address");
    expect(error.expected).to.equal(settlement!.dataUri);
    expect(error.actual).to.equal(artifactDataUri(tampered));
  });

  it("say why an artifact is unavailable: no settlements directory, a missing file", async function () {
    const suite = await networkHelpers.loadFixture(closedEpochZero);
    const tributary = withRunner(suite.tributary, suite.cast.admin);
    await settle(tributary, { epoch: 0n, validators: suite.cast.validators, store: new MemorySettlementStore() });
    const [settlement] = await discoverSettlements(suite.tributary);

    const noDirectory = await fetchSettlementArtifact(settlement!).catch((e) => e);
    expect(noDirectory).to.be.instanceOf(SettlementArtifactUnavailableError);
    expect(noDirectory.code).to.equal("ARTIFACT_UNAVAILABLE");
    expect(noDirectory.message).to.contain("give the URL where the settlements directory is served");

    const missing = await fetchSettlementArtifact(settlement!, {
      resolve: "http://settlements.test/",
      fetch: fakeFetch({}).fetch,
    }).catch((e) => e);
    expect(missing).to.be.instanceOf(SettlementArtifactUnavailableError);
    expect(missing.message).to.contain("HTTP 404");
  });

  it("leave out a vetoed settlement, and find the one submitted after it as attempt 2, under a new content address", async function () {
    const suite = await networkHelpers.loadFixture(closedEpochZero);
    const tributary = withRunner(suite.tributary, suite.cast.admin);
    const first = await settle(tributary, {
      epoch: 0n,
      validators: suite.cast.validators,
      store: new MemorySettlementStore(),
    });
    await (await tributary.distributor.veto(0n)).wait();
    expect(await discoverSettlements(suite.tributary)).to.deep.equal([]);

    const second = await settle(tributary, {
      epoch: 0n,
      validators: suite.cast.validators,
      store: new MemorySettlementStore(),
      attempt: 2,
    });
    expect(second.artifact.metadata.attempt).to.equal(2);
    expect(second.root).to.equal(first.root);
    expect(second.dataUri).to.not.equal(first.dataUri);
    const found = await discoverSettlements(suite.tributary);
    expect(found.map((s) => [s.epoch, s.dataUri, s.root])).to.deep.equal([[0n, second.dataUri, second.root]]);
    const url = `http://settlements.test/${settlementArtifactPath(found[0]!)}`;
    // The vetoed attempt's artifact, still served there, is refused: it is not the signed content.
    const stale = await fetchSettlementArtifact(found[0]!, {
      resolve: "http://settlements.test/",
      fetch: fakeFetch({ [url]: first.artifact }).fetch,
    }).catch((e) => e);
    expect(stale).to.be.instanceOf(SettlementArtifactMismatchError);
    expect(stale.field).to.equal("content address");
    const served = fakeFetch({ [url]: second.artifact });
    const fetched = await fetchSettlementArtifact(found[0]!, {
      resolve: "http://settlements.test/",
      fetch: served.fetch,
    });
    expect(fetched).to.deep.equal(second.artifact);
  });
});

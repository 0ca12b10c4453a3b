import { expect } from "chai";
import { createServer, type Server } from "node:http";
import { mkdtemp, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { network } from "hardhat";
import {
  RewardsApiUnavailableError,
  SettlementArtifactMismatchError,
  SettlementTree,
  UntrustedResponseError,
  InvalidInputError,
  artifactBytes,
  bytesCid,
  claim,
  fetchArtifact,
  fetchRewards,
  settle,
  settlementKey,
  tokensOf,
  withRunner,
  type RewardsApiResponse,
  type SettlementArtifact,
  type TributaryContracts,
} from "../../client/index.js";
import { FileSettlementStore } from "../../client/node/index.js";
import { deployDemoSuite, EPOCH_SECONDS, seedEpoch, setupNetwork, type DemoSuite } from "../../scripts/lib/scenario.js";
import { startHardhatNode, type RunningNode } from "../../scripts/lib/node.js";

/** How the server lies: it edits the honest answer (JSON or artifact bytes) before sending it. */
interface Lies {
  rewards?: (honest: RewardsApiResponse) => RewardsApiResponse;
  artifact?: (epoch: bigint, honest: Uint8Array) => Uint8Array;
  status?: number;
  body?: string;
}

describe("a client that never trusts a node's API", function () {
  this.timeout(300_000);
  let node: RunningNode;
  let server: Server;
  let apiUrl: string;
  let suite: DemoSuite;
  let tributary: TributaryContracts;
  let store: FileSettlementStore;
  let lies: Lies = {};

  /** The honest answer for `account`, built from the active settlement's artifact and the chain. */
  async function honestRewards(account: string): Promise<RewardsApiResponse> {
    const active = await tributary.distributor.activeSettlement();
    const artifact = (await store.readArtifact(settlementKey(tributary, active.epoch)))!;
    const tree = SettlementTree.load(artifact);
    const rewards = [];
    for (const token of tokensOf(artifact, account)) {
      const cumulative = tree.amountOf(account, token)!;
      const claimed = await tributary.distributor.claimedOf(account, token);
      const proof = tree.getProof(account, token);
      rewards.push({
        token,
        cumulative: cumulative.toString(),
        claimed: claimed.toString(),
        claimable: (cumulative - claimed).toString(),
        proof,
        claim: {
          to: tributary.deployment.distributor,
          data: tributary.distributor.interface.encodeFunctionData("claim", [account, token, cumulative, proof]),
        },
      });
    }
    return { account, activeEpoch: active.epoch.toString(), activeRoot: active.root, rewards };
  }

  async function serve(url: string): Promise<{ status: number; type: string; body: Uint8Array | string }> {
    if (lies.status) return { status: lies.status, type: "text/plain", body: lies.body ?? "" };
    const artifact = /^\/v1\/epochs\/(\d+)\/artifact$/.exec(url);
    if (artifact) {
      const epoch = BigInt(artifact[1]!);
      // The very file the store wrote: it is the signed content, byte for byte.
      const bytes = new Uint8Array(await readFile(store.artifactPath(settlementKey(tributary, epoch))));
      return { status: 200, type: "application/json", body: lies.artifact ? lies.artifact(epoch, bytes) : bytes };
    }
    // An IPFS gateway: the artifact whose bytes have that CID.
    const ipfs = /^\/gateway\/ipfs\/(\w+)$/.exec(url);
    for (const epoch of ipfs ? [0n, 1n] : []) {
      const bytes = new Uint8Array(await readFile(store.artifactPath(settlementKey(tributary, epoch))));
      if (bytesCid(bytes) === ipfs![1]) return { status: 200, type: "application/octet-stream", body: bytes };
    }
    const rewards = /^\/v1\/accounts\/(0x[0-9a-fA-F]{40})\/rewards$/.exec(url);
    if (rewards) {
      const honest = await honestRewards(rewards[1]!);
      return {
        status: 200,
        type: "application/json",
        body: lies.body ?? JSON.stringify(lies.rewards ? lies.rewards(honest) : honest),
      };
    }
    return { status: 404, type: "text/plain", body: "not found" };
  }

  before(async function () {
    node = await startHardhatNode();
    const connection = await network.create({ network: "localhost", override: { url: node.url } });
    suite = await deployDemoSuite(connection);
    tributary = withRunner(suite.tributary, suite.cast.admin);
    store = new FileSettlementStore(await mkdtemp(path.join(os.tmpdir(), "tributary-lying-")));
    const net = await setupNetwork(suite);
    const genesis = await tributary.distributor.GENESIS();
    for (const epoch of [0, 1]) {
      await seedEpoch(connection, suite, net, epoch);
      await connection.networkHelpers.time.increaseTo(genesis + BigInt(epoch + 1) * EPOCH_SECONDS + 1n);
      await settle(tributary, { epoch, validators: suite.cast.validators, store });
    }
    const [latest] = await tributary.distributor.latestSettlement();
    await connection.networkHelpers.time.increaseTo(latest.activatesAt);
    await connection.networkHelpers.mine();

    server = createServer((request, response) => {
      serve(request.url ?? "/").then(
        ({ status, type, body }) => {
          response.writeHead(status, { "content-type": type });
          response.end(body);
        },
        (error: Error) => {
          response.writeHead(500);
          response.end(error.message);
        },
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    apiUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });
  beforeEach(function () {
    lies = {};
  });
  after(async function () {
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    await node?.stop();
  });

  const source = (epoch: bigint | number) => `${apiUrl}/v1/epochs/${epoch}/artifact`;
  const contributor = async () => suite.cast.contributors[0]!.getAddress();

  async function untrusted(account: string): Promise<UntrustedResponseError> {
    const error = await fetchRewards(tributary, { apiUrl, account }).catch((e) => e);
    expect(error).to.be.instanceOf(UntrustedResponseError);
    expect(error.code).to.equal("UNTRUSTED_RESPONSE");
    return error;
  }

  it("accepts the honest artifact, checked against the signed content address and the chain", async function () {
    for (const epoch of [0n, 1n]) {
      const artifact = await fetchArtifact(tributary, { epoch, source: source(epoch) });
      expect(artifact).to.deep.equal(await store.readArtifact(settlementKey(tributary, epoch)));
      expect(artifact.metadata.epoch).to.equal(epoch.toString());
      const viaGateway = await fetchArtifact(tributary, { epoch, gateway: `${apiUrl}/gateway/` });
      expect(viaGateway).to.deep.equal(artifact);
    }
    const neither = await fetchArtifact(tributary, { epoch: 1n }).catch((e) => e);
    expect(neither).to.be.instanceOf(InvalidInputError);
    expect(neither.message).to.contain("give a source");
  });

  it("refuses tampered artifact bytes, and the artifact of another epoch, with ArtifactMismatch", async function () {
    const signed = (await tributary.distributor.queryFilter(tributary.distributor.filters.SettlementSubmitted(1n)))[0]!
      .args.dataUri;
    lies.artifact = (_epoch, bytes) => {
      const artifact = JSON.parse(new TextDecoder().decode(bytes)) as SettlementArtifact;
      const line = artifact.metadata.amounts[0]!;
      line.amount = (BigInt(line.amount) + 1n).toString();
      return artifactBytes(artifact);
    };
    const tampered = await fetchArtifact(tributary, { epoch: 1n, source: source(1) }).catch((e) => e);
    expect(tampered).to.be.instanceOf(SettlementArtifactMismatchError);
    expect(tampered.field).to.equal("content address");
    expect(tampered.expected).to.equal(signed);

    // One byte appended (a newline, say) is other content too.
    lies.artifact = (_epoch, bytes) => new Uint8Array([...bytes, 0x0a]);
    const appended = await fetchArtifact(tributary, { epoch: 1n, source: source(1) }).catch((e) => e);
    expect(appended).to.be.instanceOf(SettlementArtifactMismatchError);
    expect(appended.field).to.equal("content address");

    lies = {};
    const otherEpoch = await fetchArtifact(tributary, { epoch: 1n, source: source(0) }).catch((e) => e);
    expect(otherEpoch).to.be.instanceOf(SettlementArtifactMismatchError);
    expect(otherEpoch.field).to.equal("content address");
  });

  it("accepts the honest rewards, and a claim made with them pays exactly what is owed", async function () {
    const account = await contributor();
    const active = await tributary.distributor.activeSettlement();
    const result = await fetchRewards(tributary, { apiUrl, account });
    expect(result.activeEpoch).to.equal(1n);
    expect(result.activeRoot).to.equal(active.root);
    expect(result.rewards.length).to.be.greaterThan(1);
    const artifact = await fetchArtifact(tributary, { epoch: 1n, source: source(1) });
    const tree = SettlementTree.load(artifact);
    const [reward] = result.rewards;
    expect(reward!.cumulativeAmount).to.equal(tree.amountOf(account, reward!.token));
    expect(reward!.claimed).to.equal(0n);
    expect(reward!.claimable).to.equal(reward!.cumulativeAmount);

    const erc20 = suite.rewardToken.attach(reward!.token) as typeof suite.rewardToken;
    const before = await erc20.balanceOf(account);
    const { paid } = await claim(tributary, { entitlement: reward! });
    expect(paid).to.equal(reward!.claimable);
    expect((await erc20.balanceOf(account)) - before).to.equal(reward!.claimable);

    const after = await fetchRewards(tributary, { apiUrl, account });
    expect(after.rewards[0]!.claimed).to.equal(reward!.cumulativeAmount);
    expect(after.rewards[0]!.claimable).to.equal(0n);
  });

  it("refuses each lie about rewards with UntrustedResponseError naming the field, never returning a claim", async function () {
    const account = await contributor();
    const other = await suite.cast.contributors[1]!.getAddress();
    const epochZero = (
      await tributary.distributor.queryFilter(tributary.distributor.filters.SettlementSubmitted(0n))
    )[0]!.args.root;
    const lie = async (edit: (r: RewardsApiResponse) => void) => {
      lies.rewards = (honest) => {
        const copy = JSON.parse(JSON.stringify(honest)) as RewardsApiResponse;
        edit(copy);
        return copy;
      };
      return untrusted(account);
    };
    const second = (r: RewardsApiResponse) => r.rewards[1]!;

    // A tampered amount: the proof no longer proves the leaf.
    const inflated = await lie((r) => {
      second(r).cumulative = (BigInt(second(r).cumulative) + 1n).toString();
      second(r).claimable = (BigInt(second(r).claimable) + 1n).toString();
    });
    expect(inflated.field).to.equal("rewards[1].proof");
    // Only the claimable amount inflated.
    expect((await lie((r) => (second(r).claimable = (BigInt(second(r).claimable) + 1n).toString()))).field).to.equal(
      "rewards[1].claimable",
    );
    // A tampered proof.
    const tamperedProof = await lie((r) => (second(r).proof[0] = "0x" + "ab".repeat(32)));
    expect(tamperedProof.field).to.equal("rewards[1].proof");
    // Another root (the settlement before the active one), with its own valid-looking data.
    const wrongRoot = await lie((r) => (r.activeRoot = epochZero));
    expect(wrongRoot.field).to.equal("activeRoot");
    expect(wrongRoot.expected).to.equal((await tributary.distributor.activeSettlement()).root);
    expect((await lie((r) => (r.activeEpoch = "0"))).field).to.equal("activeEpoch");
    // A stale claimed amount: the first token was claimed in the test before.
    const stale = await lie((r) => {
      r.rewards[0]!.claimed = "0";
      r.rewards[0]!.claimable = r.rewards[0]!.cumulative;
    });
    expect(stale.field).to.equal("rewards[0].claimed");
    expect(stale.actual).to.equal("0");
    // Calldata that claims for another account, or sends the claim elsewhere.
    const forOther = await lie((r) => {
      const { token, cumulative, proof } = second(r);
      second(r).claim.data = tributary.distributor.interface.encodeFunctionData("claim", [
        other,
        token,
        cumulative,
        proof,
      ]);
    });
    expect(forOther.field).to.equal("rewards[1].claim.data");
    expect(forOther.actual).to.contain(other);
    expect((await lie((r) => (second(r).claim.to = other))).field).to.equal("rewards[1].claim.to");
    // Rewards of another account, and malformed members.
    expect((await lie((r) => (r.account = other))).field).to.equal("account");
    expect((await lie((r) => (second(r).cumulative = "1e3"))).field).to.equal("rewards[1].cumulative");
    expect((await lie((r) => r.rewards.splice(1, 0, r.rewards[0]!))).field).to.equal("rewards[1].token");
  });

  it("says what failed when the API is down, errs, or does not answer JSON", async function () {
    const account = await contributor();
    lies = { status: 503, body: "maintenance" };
    const down = await fetchRewards(tributary, { apiUrl, account }).catch((e) => e);
    expect(down).to.be.instanceOf(RewardsApiUnavailableError);
    expect(down.status).to.equal(503);
    expect(down.message).to.contain("HTTP 503");

    lies = { body: "<html>" };
    const html = await fetchRewards(tributary, { apiUrl, account }).catch((e) => e);
    expect(html).to.be.instanceOf(RewardsApiUnavailableError);
    expect(html.message).to.contain("did not answer JSON");

    const refused = await fetchRewards(tributary, { apiUrl: "http://127.0.0.1:1", account }).catch((e) => e);
    expect(refused).to.be.instanceOf(RewardsApiUnavailableError);
    expect(refused.message).to.contain("cannot reach the rewards API");
  });
});

/**
 * A wrong settlement, disputed by an honest node, upheld by governance, and its signers slashed: real
 * node processes over a real `hardhat node`. Validator 1's node is honest and disputes within its
 * maximum bond; validator 2's node signs roots it did not compute (fault injection); validators 3 and 4
 * run no node: the test holds their keys and has them sign what validator 2 published, so that the wrong
 * settlement reaches quorum and validator 2's node submits it. Every process is stopped by its pid in
 * `after`, even on failure.
 */
import { expect } from "chai";
import os from "node:os";
import path from "node:path";
import { mkdtemp, rm } from "node:fs/promises";
import { parseUnits } from "ethers";
import {
  connectSettlementBoard,
  fundPool,
  publishSettlementSignature,
  readDispute,
  readPublishedSignatures,
  settlementDisputesOf,
  upholdDispute,
  withRunner,
  withdrawDisputeBond,
} from "../../client/index.js";
import { EPOCH_SECONDS } from "../../scripts/lib/scenario.js";
import { ValidatorNetwork, until } from "../../scripts/lib/network.js";
import { validatorKey } from "./validatorKey.js";

const TOKEN = (n: number) => parseUnits(String(n), 18);
/**
 * The honest validator alone (600 of 3 000) cannot settle; the other three (2 400) reach the 2/3 quorum.
 * After the 10 % slash of those three, the honest validator with validators 3 and 4 (1 860 of 2 760) can.
 */
const STAKES = [TOKEN(600), TOKEN(1_000), TOKEN(800), TOKEN(600)];
const CONFIRMATIONS = 1;
const MAX_DISPUTE_BOND = TOKEN(150);

describe("tributary-node: an honest node disputes a wrong settlement and its signers are slashed", function () {
  this.timeout(240_000);
  let net: ValidatorNetwork;
  let work: string;

  before(async function () {
    this.timeout(240_000);
    work = await mkdtemp(path.join(os.tmpdir(), "tributary-disputes-"));
    net = await ValidatorNetwork.launch({
      directory: path.join(work, "network"),
      stakes: STAKES,
      nodeConfig: () => ({ confirmations: CONFIRMATIONS, maxDisputeBond: MAX_DISPUTE_BOND.toString() }),
      nodeEnv: (i): Record<string, string> => (i === 1 ? { TRIBUTARY_NODE_FAULT: "wrong-root" } : {}),
      startNodes: [0, 1],
    });
  });

  after(async function () {
    this.timeout(60_000);
    await net?.stopAll();
    await rm(work, { recursive: true, force: true });
  });

  const tributary = () => net.suite.tributary;
  const provider = () => net.connection.ethers.provider;

  /** Validator `i`'s key, decrypted by the test: the colluders run no node. */
  const colluder = (i: number) => validatorKey(net.nodes[i]!, provider());

  it("the wrong root lands, the honest node disputes it (the wrong node does not), governance upholds, every signer is slashed", async function () {
    const admin = net.suite.cast.admin;
    const honest = net.nodes[0]!.address;
    // The honest node pays its bond in the stake token.
    await (await net.suite.stakeToken.mint(honest, TOKEN(200))).wait();
    const epoch = await tributary().distributor.currentEpoch();
    await (await net.suite.rewardToken.mint(await admin.getAddress(), TOKEN(1_000))).wait();
    await fundPool(withRunner(tributary(), admin), { poolId: 0n, epoch, amount: TOKEN(1_000) });
    const genesis = await tributary().distributor.GENESIS();
    await net.connection.networkHelpers.time.increaseTo(genesis + (epoch + 1n) * EPOCH_SECONDS + 1n);
    await provider().send("hardhat_mine", ["0x" + (CONFIRMATIONS + 1).toString(16)]);

    // Both nodes publish: the honest root, and validator 2's wrong one.
    const board = connectSettlementBoard(net.suite.deployment.settlementBoard!, tributary().runner);
    const published = () => readPublishedSignatures(tributary(), board, epoch);
    await until("both nodes to publish", async () => new Set((await published()).map((p) => p.signer)).size === 2);
    const all = await published();
    const wrong = all.find((p) => p.signer === net.nodes[1]!.address)!;
    const right = all.find((p) => p.signer === honest)!;
    expect(wrong.settlement.root).to.not.equal(right.settlement.root);

    // The colluders sign exactly what validator 2 published; its node collects the quorum and submits.
    for (const i of [2, 3]) {
      const key = await colluder(i);
      const own = connectSettlementBoard(net.suite.deployment.settlementBoard!, key);
      await publishSettlementSignature(tributary(), own, key, wrong.settlement);
    }
    await until(
      "the wrong settlement to land",
      async () => (await tributary().distributor.nextEpochToSettle()) > epoch,
    );
    const [latest] = await tributary().distributor.latestSettlement();
    expect(latest.root).to.equal(wrong.settlement.root);

    // The honest node's watch disputes it within its maximum bond and alerts; the settlement freezes.
    const disputes = settlementDisputesOf(tributary());
    await until("the honest node to dispute", async () => (await disputes.openDispute()) !== 0n);
    const disputeId = await disputes.openDispute();
    const dispute = await readDispute(tributary(), disputeId);
    expect(dispute.epoch).to.equal(epoch);
    expect(dispute.root).to.equal(wrong.settlement.root);
    expect((await tributary().distributor.latestSettlement())[0].activatesAt).to.equal(
      await tributary().distributor.FROZEN(),
    );
    const [honestBond] = await disputes.bondOf(disputeId, honest);
    expect(honestBond).to.equal(await disputes.bondAmount());
    expect(honestBond <= MAX_DISPUTE_BOND).to.equal(true);
    const DISPUTED =
      "disputed the settlement on chain, which differs from this node's computation: it is frozen until governance resolves the dispute";
    await until("the dispute alert", async () => net.logLines(0, DISPUTED).length > 0);
    const alert = net.logLines(0, DISPUTED)[0]!;
    expect(alert.alert).to.equal("settlement_disputed");
    expect(alert.evidenceUri).to.equal(right.settlement.dataUri);

    // The honest node's API shows the epoch as disputed, with its dispute.
    const epochAnswer = async () =>
      (await (await fetch(`${net.nodes[0]!.url}/v1/epochs/${epoch}`)).json()) as {
        status: string;
        disputes: { disputeId: string; status: string; disputers: number; root: string }[];
      };
    const disputedView = await until("the API to show the dispute", async () => {
      const answer = await epochAnswer();
      return answer.status === "disputed" ? answer : undefined;
    });
    expect(disputedView.disputes).to.deep.equal([
      {
        ...disputedView.disputes[0]!,
        disputeId: disputeId.toString(),
        status: "open",
        disputers: 1,
        root: wrong.settlement.root,
      },
    ]);

    // The wrong node never disputes a root it signed, though its config would let it.
    await until(
      "the wrong node to decline",
      async () => net.logLines(1, "this node signed the settlement on chain; not disputing it").length > 0,
    );
    expect((await disputes.bondOf(disputeId, net.nodes[1]!.address))[0]).to.equal(0n);
    expect((await readDispute(tributary(), disputeId)).disputerCount).to.equal(1);

    // Governance upholds once the challenge window has closed (no one can join on seeing it coming),
    // with the signatures read from the submission: every signer is slashed.
    await net.connection.networkHelpers.time.increaseTo(dispute.windowEndsAt);
    const signers = [1, 2, 3].map((i) => net.nodes[i]!.address);
    const before = await Promise.all(signers.map((v) => tributary().staking.validators(v)));
    const honestBefore = await tributary().staking.validators(honest);
    const { slashed } = await upholdDispute(withRunner(tributary(), admin), { disputeId });
    const slashBps = await tributary().distributor.equivocationSlashBps();
    const bountyBps = await tributary().staking.reporterBountyBps();
    let expected = 0n;
    let bounty = 0n;
    for (const [i, v] of signers.entries()) {
      const after = await tributary().staking.validators(v);
      const cut = ((before[i]!.bonded + before[i]!.unbonding) * slashBps) / 10_000n;
      expect(before[i]!.bonded + before[i]!.unbonding - (after.bonded + after.unbonding)).to.equal(cut);
      expected += cut;
      bounty += (cut * bountyBps) / 10_000n;
    }
    expect(slashed).to.equal(expected);
    expect((await tributary().staking.validators(honest)).bonded).to.equal(honestBefore.bonded);
    expect(await tributary().distributor.nextEpochToSettle()).to.equal(epoch);
    expect((await readDispute(tributary(), disputeId)).status).to.equal("upheld");

    const droppedView = await until("the API to show the upheld dispute", async () => {
      const answer = await epochAnswer();
      return answer.status === "vetoed" && answer.disputes[0]?.status === "upheld" ? answer : undefined;
    });
    expect(droppedView.disputes.map((d) => d.status)).to.deep.equal(["upheld"]);

    // The honest validator gets its bond back and the whole bounty (the only disputer).
    const stakeToken = net.suite.stakeToken;
    const balanceBefore = await stakeToken.balanceOf(honest);
    await withdrawDisputeBond(withRunner(tributary(), admin), { disputeId, disputer: honest });
    expect(bounty > 0n).to.equal(true);
    expect((await stakeToken.balanceOf(honest)) - balanceBefore).to.equal(honestBond + bounty);

    // The epoch settles again with the honest content: a dropped settlement with another root forbids
    // nothing the honest node signed, so it keeps its first attempt (the same data URI) and its signature.
    // Validators 3 and 4, slashed, now sign what the honest node published; it collects and submits.
    for (const i of [2, 3]) {
      const key = await colluder(i);
      await publishSettlementSignature(
        tributary(),
        connectSettlementBoard(net.suite.deployment.settlementBoard!, key),
        key,
        right.settlement,
      );
    }
    await until(
      "the honest settlement to land",
      async () => (await tributary().distributor.nextEpochToSettle()) > epoch,
    );
    const [resettled] = await tributary().distributor.latestSettlement();
    expect(resettled.root).to.equal(right.settlement.root);
    expect(net.nodes[0]!.output).to.not.contain('"alert":"conflicting_signature"');
  });
});

import { expect } from "chai";
import { network } from "hardhat";
import { AbiCoder, encodeBytes32String, keccak256, parseUnits, toUtf8Bytes, type Signer } from "ethers";
import type { SettlementMessage, SettlementTree } from "../../client/index.js";
import {
  FeeOnTransferToken__factory,
  MockERC20Decimals__factory,
  SettlementDisputes__factory,
  type SettlementDisputes,
} from "../../typechain-types/index.js";
import {
  deployFixture,
  latestTimestamp,
  sendAt,
  SETTLEMENT_URI,
  settlementMessage,
  settlementTree,
  signSorted,
  stakeFor,
  TOKEN,
  type Fixture,
} from "../helpers/fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;

const DAY = 86_400n;
const URI = SETTLEMENT_URI;
const EVIDENCE = "ipfs://evidence";
/** The demo module's dispute bond (in the stake token) and resolution period. */
const BOND = TOKEN(100);
const RESOLUTION = 3n * DAY;
/** `RewardDistributor.FROZEN`: the activation time of a disputed settlement. */
const FROZEN = 2n ** 40n - 1n;
const DEFAULT_ADMIN_ROLE = ethers.ZeroHash;
const DISPUTE_ROLE = keccak256(toUtf8Bytes("DISPUTE_ROLE"));
/** The distributor's default equivocation slash and the staking contract's default reporter bounty. */
const SLASH_BPS = 1_000n;
const BOUNTY_BPS = 500n;
const USD = (n: number | string) => parseUnits(String(n), 6);

enum DisputeStatus {
  None,
  Open,
  Upheld,
  Rejected,
  Expired,
}

/** A submitted settlement as its signers signed it, which is the evidence `uphold` takes. */
interface Submission {
  message: SettlementMessage;
  signatures: string[];
}

interface Suite {
  f: Fixture;
  disputes: SettlementDisputes;
  /** Four accounts holding stake tokens, each having approved the disputes contract. */
  disputers: Signer[];
  /** An account with no role and no tokens. */
  outsider: Signer;
}

interface PendingSuite extends Suite {
  /** Epoch 0: alice 600, bob 400 of the reward token; active. */
  first: SettlementTree;
  /** Epoch 1, pending: the same plus 1000 for mallory, who earned nothing. */
  bad: SettlementTree;
  badSubmission: Submission;
  /** What epoch 1 should have been: alice 1100, bob 900. */
  good: SettlementTree;
}

/** `keccak256(abi.encodePacked(cumulativeTotals))`. */
function totalsHash(totals: bigint[]): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      totals.map(() => "uint256"),
      totals,
    ),
  );
}

/** The distributor's key of a settlement: `keccak256(abi.encode(epoch, root, totalsHash, dataUriHash))`. */
function settlementKey(m: SettlementMessage): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["uint256", "bytes32", "bytes32", "bytes32"],
      [m.epoch, m.root, totalsHash(m.cumulativeTotals), m.dataUriHash],
    ),
  );
}

async function toEpoch(f: Fixture, epoch: bigint, offset = 10n) {
  await time.increaseTo((await f.tributary.distributor.GENESIS()) + epoch * DAY + offset);
}

/** Submits `epoch` with one total (the reward token's), signed by validators 1-3 unless told otherwise. */
async function submit(
  f: Fixture,
  epoch: bigint,
  tree: SettlementTree,
  total: bigint,
  uri = URI,
  signers = f.validators.slice(0, 3),
): Promise<Submission> {
  const message = await settlementMessage(f, epoch, tree.root, [total], uri);
  const signatures = await signSorted(f, message, signers);
  await (
    await f.tributary.distributor.submitSettlement(epoch, tree.root, [total], uri, message.deadline, signatures)
  ).wait();
  return { message, signatures };
}

async function activateLatest(f: Fixture) {
  const [latest] = await f.tributary.distributor.latestSettlement();
  await time.increaseTo(latest.activatesAt);
}

/** The demo suite with 1000 reward tokens funded into the network pool for each of epochs 0 to 3. */
async function base(): Promise<Suite> {
  const f = await deployFixture(connection);
  const signers = (await ethers.getSigners()) as unknown as Signer[];
  const disputers = signers.slice(14, 18);
  const outsider = signers[18]!;
  const disputes = SettlementDisputes__factory.connect(f.deployment.settlementDisputes!, f.cast.admin);
  for (const d of disputers) {
    await (await f.stakeToken.mint(await d.getAddress(), TOKEN(1_000))).wait();
    await (await f.stakeToken.connect(d).approve(f.deployment.settlementDisputes!, ethers.MaxUint256)).wait();
  }
  const dapp = f.cast.dapp;
  await (await f.rewardToken.mint(await dapp.getAddress(), TOKEN(4_000))).wait();
  await (await f.rewardToken.connect(dapp).approve(f.deployment.distributor, TOKEN(4_000))).wait();
  for (const epoch of [0n, 1n, 2n, 3n]) await (await f.as(dapp).distributor.fund(0, epoch, TOKEN(1_000))).wait();
  return { f, disputes, disputers, outsider };
}

/** Epoch 0 settled and active; epoch 1 submitted wrong and pending, a minute into its challenge period. */
async function pendingEpochOne(): Promise<PendingSuite> {
  const s = await base();
  const { f } = s;
  const R = await f.rewardToken.getAddress();
  const [alice, bob, , , mallory] = await Promise.all(f.contributors.map((c) => c.getAddress()));
  const first = settlementTree([
    [alice!, R, TOKEN(600)],
    [bob!, R, TOKEN(400)],
  ]);
  const bad = settlementTree([
    [alice!, R, TOKEN(600)],
    [bob!, R, TOKEN(400)],
    [mallory!, R, TOKEN(1_000)],
  ]);
  const good = settlementTree([
    [alice!, R, TOKEN(1_100)],
    [bob!, R, TOKEN(900)],
  ]);
  await toEpoch(f, 1n);
  await submit(f, 0n, first, TOKEN(1_000));
  await activateLatest(f);
  await toEpoch(f, 2n);
  const badSubmission = await submit(f, 1n, bad, TOKEN(2_000));
  await time.increase(60);
  return { ...s, first, bad, badSubmission, good };
}

/** Epoch 1's pending settlement disputed by disputers 1 and 2 (dispute 1). */
async function disputedEpochOne(): Promise<PendingSuite> {
  const s = await pendingEpochOne();
  for (const d of s.disputers.slice(0, 2)) {
    await (await s.disputes.connect(d).dispute(1, s.bad.root, EVIDENCE)).wait();
  }
  return s;
}

/** Dispute 1 of {@link disputedEpochOne} once its challenge window closed: governance may resolve it. */
async function resolvableEpochOne(): Promise<PendingSuite> {
  const s = await disputedEpochOne();
  await time.increaseTo((await s.disputes.disputeOf(1)).windowEndsAt);
  return s;
}

describe("SettlementDisputes", function () {
  let s: PendingSuite;
  let f: Fixture;
  let disputes: SettlementDisputes;
  let distributor: Fixture["tributary"]["distributor"];
  let staking: Fixture["tributary"]["staking"];
  let d1: Signer, d2: Signer, d3: Signer, d4: Signer;
  let D1: string, D2: string, D3: string;
  let STK: string, R: string;
  let alice: string, mallory: string;

  async function use(fixture: () => Promise<PendingSuite>) {
    s = await networkHelpers.loadFixture(fixture);
    ({ f, disputes } = s);
    distributor = f.tributary.distributor;
    staking = f.tributary.staking;
    [d1, d2, d3, d4] = s.disputers as [Signer, Signer, Signer, Signer];
    [D1, D2, D3] = (await Promise.all([d1, d2, d3].map((d) => d.getAddress()))) as [string, string, string];
    STK = await f.stakeToken.getAddress();
    R = await f.rewardToken.getAddress();
    alice = await f.contributors[0]!.getAddress();
    mallory = await f.contributors[4]!.getAddress();
  }
  const stakeBalance = (account: string) => f.stakeToken.balanceOf(account);
  const badKey = () => settlementKey(s.badSubmission.message);
  const epochOneActivatesAt = async () => {
    const [latest] = await distributor.latestSettlement();
    return latest.activatesAt;
  };

  describe("deployment", function () {
    beforeEach(async function () {
      await use(pendingEpochOne);
    });

    it("exposes its bounds, its suite and the demo's bond and resolution period; the suite grants it its roles", async function () {
      expect(await disputes.MIN_BOND_TOKENS()).to.equal(1n);
      expect(await disputes.MAX_BOND_TOKENS()).to.equal(1_000_000n);
      expect(await disputes.MAX_BOND_DECIMALS()).to.equal(22n);
      expect(await disputes.MIN_RESOLUTION_PERIOD()).to.equal(DAY);
      expect(await disputes.MAX_RESOLUTION_PERIOD()).to.equal(14n * DAY);
      expect(await disputes.DISTRIBUTOR()).to.equal(f.deployment.distributor);
      expect(await disputes.STAKING()).to.equal(f.deployment.staking);
      expect(await disputes.bondToken()).to.equal(STK);
      expect(await disputes.bondAmount()).to.equal(BOND);
      expect(await disputes.resolutionPeriod()).to.equal(RESOLUTION);
      expect(await disputes.openDispute()).to.equal(0n);
      expect(await disputes.disputeCount()).to.equal(0n);
      expect(await distributor.DISPUTE_ROLE()).to.equal(DISPUTE_ROLE);
      expect(await distributor.FROZEN()).to.equal(FROZEN);
      expect(await distributor.hasRole(DISPUTE_ROLE, f.deployment.settlementDisputes!)).to.equal(true);
      expect(await staking.isSlasher(f.deployment.settlementDisputes!)).to.equal(true);
    });

    it("refuses a bond or a resolution period outside its bounds at deployment: ParameterOutOfBounds", async function () {
      const factory = new SettlementDisputes__factory(f.cast.admin);
      const admin = await f.cast.admin.getAddress();
      await expect(factory.deploy(f.deployment.distributor, admin, STK, TOKEN(1) - 1n, RESOLUTION))
        .to.be.revertedWithCustomError(factory, "ParameterOutOfBounds")
        .withArgs(encodeBytes32String("bondAmount"), TOKEN(1) - 1n, TOKEN(1), TOKEN(1_000_000));
      await expect(factory.deploy(f.deployment.distributor, admin, STK, BOND, 14n * DAY + 1n))
        .to.be.revertedWithCustomError(factory, "ParameterOutOfBounds")
        .withArgs(encodeBytes32String("resolutionPeriod"), 14n * DAY + 1n, DAY, 14n * DAY);
    });
  });

  describe("dispute: opening", function () {
    beforeEach(async function () {
      await use(pendingEpochOne);
    });

    it("opens a dispute on the pending settlement: the bond moves, the settlement freezes and stays the latest, pending", async function () {
      const activatesAt = await epochOneActivatesAt();
      const before = await stakeBalance(D1);
      const at = (await latestTimestamp(f)) + 5n;
      const tx = sendAt(f, at, () => disputes.connect(d1).dispute(1, s.bad.root, EVIDENCE));
      await expect(tx).to.emit(distributor, "SettlementFrozen").withArgs(1, s.bad.root);
      await expect(tx)
        .to.emit(disputes, "DisputeOpened")
        .withArgs(1, 1, s.bad.root, badKey(), activatesAt, activatesAt + RESOLUTION);
      await expect(tx).to.emit(disputes, "DisputeJoined").withArgs(1, D1, STK, BOND, EVIDENCE);

      expect(await stakeBalance(D1)).to.equal(before - BOND);
      expect(await stakeBalance(f.deployment.settlementDisputes!)).to.equal(BOND);
      const [latest, pending] = await distributor.latestSettlement();
      expect(pending).to.equal(true);
      expect(latest.epoch).to.equal(1n);
      expect(latest.root).to.equal(s.bad.root);
      expect(latest.activatesAt).to.equal(FROZEN);
      expect(await distributor.nextEpochToSettle()).to.equal(2n);

      const d = await disputes.disputeOf(1);
      expect(d.epoch).to.equal(1n);
      expect(d.windowEndsAt).to.equal(activatesAt);
      expect(d.resolveBy).to.equal(activatesAt + RESOLUTION);
      expect(d.status).to.equal(DisputeStatus.Open);
      expect(d.disputerCount).to.equal(1n);
      expect(d.withdrawnCount).to.equal(0n);
      expect(d.root).to.equal(s.bad.root);
      expect(d.settlementKey).to.equal(badKey());
      expect(d.bondToken).to.equal(STK);
      expect(d.bondAmount).to.equal(BOND);
      expect(d.totalBonds).to.equal(BOND);
      expect(d.bounty).to.equal(0n);
      expect(d.bountyPaid).to.equal(0n);
      expect(await disputes.openDispute()).to.equal(1n);
      expect(await disputes.disputeCount()).to.equal(1n);
      expect([...(await disputes.bondOf(1, D1))]).to.deep.equal([BOND, false]);
      expect([...(await disputes.bondTotalsOf(STK))]).to.deep.equal([BOND, 0n, 0n]);
    });

    it("refuses an epoch that is not the latest settlement, or none at all: NotLatestSettlement", async function () {
      await expect(disputes.connect(d1).dispute(0, s.first.root, EVIDENCE))
        .to.be.revertedWithCustomError(disputes, "NotLatestSettlement")
        .withArgs(0, 2);
      await expect(disputes.connect(d1).dispute(2, s.bad.root, EVIDENCE))
        .to.be.revertedWithCustomError(disputes, "NotLatestSettlement")
        .withArgs(2, 2);
      const fresh = await base();
      await expect(fresh.disputes.connect(fresh.disputers[0]!).dispute(0, ethers.ZeroHash, EVIDENCE))
        .to.be.revertedWithCustomError(fresh.disputes, "NotLatestSettlement")
        .withArgs(0, 0);
    });

    it("refuses a root other than the pending one: RootMismatch", async function () {
      await expect(disputes.connect(d1).dispute(1, s.good.root, EVIDENCE))
        .to.be.revertedWithCustomError(disputes, "RootMismatch")
        .withArgs(1, s.good.root, s.bad.root);
      await expect(disputes.connect(d1).dispute(1, ethers.ZeroHash, EVIDENCE))
        .to.be.revertedWithCustomError(disputes, "RootMismatch")
        .withArgs(1, ethers.ZeroHash, s.bad.root);
    });

    it("accepts a dispute at the last second of the challenge period, activatesAt − 1", async function () {
      const activatesAt = await epochOneActivatesAt();
      await expect(sendAt(f, activatesAt - 1n, () => disputes.connect(d1).dispute(1, s.bad.root, EVIDENCE)))
        .to.emit(disputes, "DisputeOpened")
        .withArgs(1, 1, s.bad.root, badKey(), activatesAt, activatesAt + RESOLUTION);
      const [latest, pending] = await distributor.latestSettlement();
      expect(latest.activatesAt).to.equal(FROZEN);
      expect(pending).to.equal(true);
      // Frozen past its activation time: still pending, and the previous settlement is still the active one.
      await time.increaseTo(activatesAt + 10n);
      expect((await distributor.latestSettlement())[1]).to.equal(true);
      expect((await distributor.activeSettlement()).root).to.equal(s.first.root);
    });

    it("refuses a dispute at activatesAt and after: ChallengeWindowClosed(epoch, activatesAt)", async function () {
      const activatesAt = await epochOneActivatesAt();
      await expect(sendAt(f, activatesAt, () => disputes.connect(d1).dispute(1, s.bad.root, EVIDENCE)))
        .to.be.revertedWithCustomError(disputes, "ChallengeWindowClosed")
        .withArgs(1, activatesAt);
      await expect(sendAt(f, activatesAt + 1n, () => disputes.connect(d1).dispute(1, s.bad.root, EVIDENCE)))
        .to.be.revertedWithCustomError(disputes, "ChallengeWindowClosed")
        .withArgs(1, activatesAt);
      await time.increase(DAY);
      await expect(disputes.connect(d1).dispute(1, s.bad.root, EVIDENCE))
        .to.be.revertedWithCustomError(disputes, "ChallengeWindowClosed")
        .withArgs(1, activatesAt);
      expect(await disputes.disputeCount()).to.equal(0n);
      expect(await stakeBalance(D1)).to.equal(TOKEN(1_000));
      expect((await distributor.activeSettlement()).root).to.equal(s.bad.root);
    });

    it("credits only what a fee-on-transfer bond token delivers, and returns exactly that", async function () {
      const token = await new FeeOnTransferToken__factory(f.cast.admin).deploy();
      const address = await token.getAddress();
      await (await disputes.setBond(address, TOKEN(100))).wait();
      await (await token.mint(D1, TOKEN(100))).wait();
      await (await token.connect(d1).approve(f.deployment.settlementDisputes!, TOKEN(100))).wait();
      await expect(disputes.connect(d1).dispute(1, s.bad.root, EVIDENCE))
        .to.emit(disputes, "DisputeJoined")
        .withArgs(1, D1, address, TOKEN(99), EVIDENCE);
      expect([...(await disputes.bondOf(1, D1))]).to.deep.equal([TOKEN(99), false]);
      expect((await disputes.disputeOf(1)).totalBonds).to.equal(TOKEN(99));
      expect([...(await disputes.bondTotalsOf(address))]).to.deep.equal([TOKEN(99), 0n, 0n]);
      const { resolveBy } = await disputes.disputeOf(1);
      await time.increaseTo(resolveBy);
      await (await disputes.expire(1)).wait();
      await expect(disputes.withdraw(1, D1)).to.emit(disputes, "BondReturned").withArgs(1, D1, TOKEN(99), 0);
      expect(await token.balanceOf(f.deployment.settlementDisputes!)).to.equal(0n);
      expect([...(await disputes.bondTotalsOf(address))]).to.deep.equal([TOKEN(99), TOKEN(99), 0n]);
    });
  });

  describe("dispute: joining", function () {
    beforeEach(async function () {
      await use(pendingEpochOne);
    });

    it("later disputers join the open dispute, each bond accounted for on its own", async function () {
      await (await disputes.connect(d1).dispute(1, s.bad.root, "ipfs://one")).wait();
      for (const [d, uri] of [
        [d2, "ipfs://two"],
        [d3, "ipfs://three"],
      ] as const) {
        const tx = disputes.connect(d).dispute(1, s.bad.root, uri);
        await expect(tx)
          .to.emit(disputes, "DisputeJoined")
          .withArgs(1, await d.getAddress(), STK, BOND, uri);
        await expect(tx).not.to.emit(disputes, "DisputeOpened");
        await expect(tx).not.to.emit(distributor, "SettlementFrozen");
      }
      for (const account of [D1, D2, D3]) {
        expect([...(await disputes.bondOf(1, account))]).to.deep.equal([BOND, false]);
        expect(await stakeBalance(account)).to.equal(TOKEN(900));
      }
      expect([...(await disputes.bondOf(1, await d4.getAddress()))]).to.deep.equal([0n, false]);
      const d = await disputes.disputeOf(1);
      expect(d.disputerCount).to.equal(3n);
      expect(d.totalBonds).to.equal(3n * BOND);
      expect(await disputes.disputeCount()).to.equal(1n);
      expect(await disputes.openDispute()).to.equal(1n);
      expect([...(await disputes.bondTotalsOf(STK))]).to.deep.equal([3n * BOND, 0n, 0n]);
      expect(await stakeBalance(f.deployment.settlementDisputes!)).to.equal(3n * BOND);
    });

    it("refuses a second bond from the same disputer, opener or joiner: AlreadyDisputed", async function () {
      await (await disputes.connect(d1).dispute(1, s.bad.root, EVIDENCE)).wait();
      await (await disputes.connect(d2).dispute(1, s.bad.root, EVIDENCE)).wait();
      await expect(disputes.connect(d1).dispute(1, s.bad.root, EVIDENCE))
        .to.be.revertedWithCustomError(disputes, "AlreadyDisputed")
        .withArgs(1, D1);
      await expect(disputes.connect(d2).dispute(1, s.bad.root, "ipfs://again"))
        .to.be.revertedWithCustomError(disputes, "AlreadyDisputed")
        .withArgs(1, D2);
      expect((await disputes.disputeOf(1)).totalBonds).to.equal(2n * BOND);
    });

    it("takes joins until the second before the window ends; at windowEndsAt and after: ChallengeWindowClosed", async function () {
      const windowEndsAt = await epochOneActivatesAt();
      await (await disputes.connect(d1).dispute(1, s.bad.root, EVIDENCE)).wait();
      await expect(sendAt(f, windowEndsAt - 1n, () => disputes.connect(d2).dispute(1, s.bad.root, EVIDENCE)))
        .to.emit(disputes, "DisputeJoined")
        .withArgs(1, D2, STK, BOND, EVIDENCE);
      await expect(sendAt(f, windowEndsAt, () => disputes.connect(d3).dispute(1, s.bad.root, EVIDENCE)))
        .to.be.revertedWithCustomError(disputes, "ChallengeWindowClosed")
        .withArgs(1, windowEndsAt);
      await time.increase(DAY);
      await expect(disputes.connect(d3).dispute(1, s.bad.root, EVIDENCE))
        .to.be.revertedWithCustomError(disputes, "ChallengeWindowClosed")
        .withArgs(1, windowEndsAt);
      expect((await disputes.disputeOf(1)).disputerCount).to.equal(2n);
    });

    it("a frozen settlement cannot be disputed under another root or epoch: RootMismatch, NotLatestSettlement", async function () {
      await (await disputes.connect(d1).dispute(1, s.bad.root, EVIDENCE)).wait();
      await expect(disputes.connect(d2).dispute(1, s.good.root, EVIDENCE))
        .to.be.revertedWithCustomError(disputes, "RootMismatch")
        .withArgs(1, s.good.root, s.bad.root);
      await expect(disputes.connect(d2).dispute(0, s.first.root, EVIDENCE))
        .to.be.revertedWithCustomError(disputes, "NotLatestSettlement")
        .withArgs(0, 2);
      expect(await disputes.disputeCount()).to.equal(1n);
    });

    it("a dispute keeps the bond set when it opened; governance's new bond applies to the next dispute", async function () {
      await (await disputes.connect(d1).dispute(1, s.bad.root, EVIDENCE)).wait();
      const stable = await f.stableToken.getAddress();
      await expect(disputes.setBond(stable, USD(50)))
        .to.emit(disputes, "BondSet")
        .withArgs(stable, USD(50));
      expect(await disputes.bondToken()).to.equal(stable);
      expect(await disputes.bondAmount()).to.equal(USD(50));
      await expect(disputes.connect(d2).dispute(1, s.bad.root, EVIDENCE))
        .to.emit(disputes, "DisputeJoined")
        .withArgs(1, D2, STK, BOND, EVIDENCE);
      const d = await disputes.disputeOf(1);
      expect(d.bondToken).to.equal(STK);
      expect(d.bondAmount).to.equal(BOND);
      expect(d.totalBonds).to.equal(2n * BOND);

      // Rejected once the window closed, so epoch 1 activates; epoch 2 is then disputed with the new bond.
      await time.increaseTo(d.windowEndsAt);
      await (await disputes.reject(1)).wait();
      await toEpoch(f, 3n);
      await submit(f, 2n, s.good, TOKEN(2_000));
      await (await f.stableToken.mint(D3, USD(50))).wait();
      await (await f.stableToken.connect(d3).approve(f.deployment.settlementDisputes!, USD(50))).wait();
      await expect(disputes.connect(d3).dispute(2, s.good.root, EVIDENCE))
        .to.emit(disputes, "DisputeJoined")
        .withArgs(2, D3, stable, USD(50), EVIDENCE);
      expect(await stakeBalance(D3)).to.equal(TOKEN(1_000));
      expect([...(await disputes.bondTotalsOf(stable))]).to.deep.equal([USD(50), 0n, 0n]);
    });
  });

  describe("while a settlement is frozen", function () {
    beforeEach(async function () {
      await use(disputedEpochOne);
    });

    it("claims keep working against the previous active settlement; the disputed root pays nothing", async function () {
      const activatesAt = (await disputes.disputeOf(1)).windowEndsAt;
      // Past the time it would have activated, the disputed settlement still pays nothing.
      await time.increaseTo(activatesAt + 60n);
      const active = await distributor.activeSettlement();
      expect(active.epoch).to.equal(0n);
      expect(active.root).to.equal(s.first.root);
      expect(await distributor.activeTotalOf(R)).to.equal(TOKEN(1_000));
      await expect(distributor.claim(alice, R, TOKEN(600), s.first.getProof(alice, R)))
        .to.emit(distributor, "Claimed")
        .withArgs(alice, R, TOKEN(600));
      await expect(distributor.claim(mallory, R, TOKEN(1_000), s.bad.getProof(mallory, R)))
        .to.be.revertedWithCustomError(distributor, "InvalidProof")
        .withArgs(mallory, R, TOKEN(1_000));
      await expect(distributor.claim(alice, R, TOKEN(600), s.bad.getProof(alice, R)))
        .to.be.revertedWithCustomError(distributor, "InvalidProof")
        .withArgs(alice, R, TOKEN(600));
      expect(await f.rewardToken.balanceOf(mallory)).to.equal(0n);
    });

    it("the next epoch cannot be submitted: PreviousSettlementPending(epoch, FROZEN)", async function () {
      await toEpoch(f, 3n);
      const m = await settlementMessage(f, 2n, s.good.root, [TOKEN(3_000)]);
      const signatures = await signSorted(f, m, f.validators.slice(0, 3));
      await expect(distributor.submitSettlement(2, s.good.root, [TOKEN(3_000)], URI, m.deadline, signatures))
        .to.be.revertedWithCustomError(distributor, "PreviousSettlementPending")
        .withArgs(1, FROZEN);
    });

    it("governance resolves only once the window closed (no join can follow a resolution): ChallengeWindowOpen", async function () {
      const { windowEndsAt } = await disputes.disputeOf(1);
      await expect(sendAt(f, windowEndsAt - 1n, () => disputes.reject(1)))
        .to.be.revertedWithCustomError(disputes, "ChallengeWindowOpen")
        .withArgs(1, windowEndsAt);
      await expect(disputes.uphold(1, s.badSubmission.message, s.badSubmission.signatures))
        .to.be.revertedWithCustomError(disputes, "ChallengeWindowOpen")
        .withArgs(1, windowEndsAt);
      await expect(sendAt(f, windowEndsAt, () => disputes.reject(1))).to.emit(disputes, "DisputeRejected");
    });

    it("governance cannot veto it: SettlementIsFrozen", async function () {
      await expect(distributor.veto(1)).to.be.revertedWithCustomError(distributor, "SettlementIsFrozen").withArgs(1);
    });

    it("only DISPUTE_ROLE freezes, releases or drops, not even governance: AccessControlUnauthorizedAccount", async function () {
      const outsider = await s.outsider.getAddress();
      const admin = await f.cast.admin.getAddress();
      for (const [caller, address] of [
        [s.outsider, outsider],
        [f.cast.admin, admin],
      ] as const) {
        const as = f.as(caller).distributor;
        await expect(as.freezeSettlement(1))
          .to.be.revertedWithCustomError(distributor, "AccessControlUnauthorizedAccount")
          .withArgs(address, DISPUTE_ROLE);
        await expect(as.releaseSettlement(1))
          .to.be.revertedWithCustomError(distributor, "AccessControlUnauthorizedAccount")
          .withArgs(address, DISPUTE_ROLE);
        await expect(as.dropSettlement(1))
          .to.be.revertedWithCustomError(distributor, "AccessControlUnauthorizedAccount")
          .withArgs(address, DISPUTE_ROLE);
      }
    });

    it("a second freeze of the frozen settlement is refused: SettlementIsFrozen", async function () {
      await (await distributor.grantRole(DISPUTE_ROLE, await s.outsider.getAddress())).wait();
      await expect(f.as(s.outsider).distributor.freezeSettlement(1))
        .to.be.revertedWithCustomError(distributor, "SettlementIsFrozen")
        .withArgs(1);
    });
  });

  describe("distributor: freeze, release and drop without a dispute", function () {
    beforeEach(async function () {
      await use(pendingEpochOne);
      await (await distributor.grantRole(DISPUTE_ROLE, await s.outsider.getAddress())).wait();
    });

    it("release and drop refuse a settlement that is not frozen: SettlementNotFrozen", async function () {
      const as = f.as(s.outsider).distributor;
      await expect(as.releaseSettlement(1))
        .to.be.revertedWithCustomError(distributor, "SettlementNotFrozen")
        .withArgs(1);
      await expect(as.dropSettlement(1)).to.be.revertedWithCustomError(distributor, "SettlementNotFrozen").withArgs(1);
    });

    it("freeze, release and drop name the latest pending settlement only: NoPendingSettlement", async function () {
      const as = f.as(s.outsider).distributor;
      for (const epoch of [0n, 2n]) {
        await expect(as.freezeSettlement(epoch))
          .to.be.revertedWithCustomError(distributor, "NoPendingSettlement")
          .withArgs(epoch);
        await expect(as.releaseSettlement(epoch))
          .to.be.revertedWithCustomError(distributor, "NoPendingSettlement")
          .withArgs(epoch);
        await expect(as.dropSettlement(epoch))
          .to.be.revertedWithCustomError(distributor, "NoPendingSettlement")
          .withArgs(epoch);
      }
      await activateLatest(f);
      await expect(as.freezeSettlement(1))
        .to.be.revertedWithCustomError(distributor, "NoPendingSettlement")
        .withArgs(1);
    });
  });

  describe("uphold", function () {
    beforeEach(async function () {
      await use(resolvableEpochOne);
    });

    /** Validators 1-3, who signed the wrong settlement, sorted by address as the evidence must be. */
    async function sortedSigners(): Promise<string[]> {
      const addresses = await Promise.all(f.validators.slice(0, 3).map((v) => v.getAddress()));
      return addresses.sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
    }

    it("refuses evidence of another settlement: EvidenceNotDisputedSettlement names the key shown", async function () {
      const { message, signatures } = s.badSubmission;
      const otherUri = { ...message, dataUriHash: keccak256(toUtf8Bytes("ipfs://other")) };
      await expect(disputes.uphold(1, otherUri, signatures))
        .to.be.revertedWithCustomError(disputes, "EvidenceNotDisputedSettlement")
        .withArgs(1, settlementKey(otherUri));
      const otherRoot = { ...message, root: s.good.root };
      await expect(disputes.uphold(1, otherRoot, signatures))
        .to.be.revertedWithCustomError(disputes, "EvidenceNotDisputedSettlement")
        .withArgs(1, settlementKey(otherRoot));
      const otherTotals = { ...message, cumulativeTotals: [TOKEN(2_000), 0n] };
      await expect(disputes.uphold(1, otherTotals, signatures))
        .to.be.revertedWithCustomError(disputes, "EvidenceNotDisputedSettlement")
        .withArgs(1, settlementKey(otherTotals));
    });

    it("refuses no signatures (NoSignatures) and unsorted or repeated signers (SignersNotSorted)", async function () {
      const { message, signatures } = s.badSubmission;
      const signers = await sortedSigners();
      await expect(disputes.uphold(1, message, [])).to.be.revertedWithCustomError(disputes, "NoSignatures");
      await expect(disputes.uphold(1, message, [...signatures].reverse()))
        .to.be.revertedWithCustomError(disputes, "SignersNotSorted")
        .withArgs(1, signers[1], signers[2]);
      await expect(disputes.uphold(1, message, [signatures[0]!, signatures[0]!]))
        .to.be.revertedWithCustomError(disputes, "SignersNotSorted")
        .withArgs(1, signers[0], signers[0]);
      expect((await disputes.disputeOf(1)).status).to.equal(DisputeStatus.Open);
    });

    it("governance only: AccessControlUnauthorizedAccount", async function () {
      const { message, signatures } = s.badSubmission;
      await expect(disputes.connect(d1).uphold(1, message, signatures))
        .to.be.revertedWithCustomError(disputes, "AccessControlUnauthorizedAccount")
        .withArgs(D1, DEFAULT_ADMIN_ROLE);
    });

    it("refuses an unknown dispute: DisputeNotOpen(id, None)", async function () {
      const { message, signatures } = s.badSubmission;
      await expect(disputes.uphold(2, message, signatures))
        .to.be.revertedWithCustomError(disputes, "DisputeNotOpen")
        .withArgs(2, DisputeStatus.None);
    });

    it("drops the settlement even when staking refuses the slashes (the contract no longer a slasher)", async function () {
      await (await staking.removeSlasher(f.deployment.settlementDisputes!)).wait();
      const signers = await sortedSigners();
      const before = await Promise.all(signers.map((v) => staking.validators(v)));
      const tx = disputes.uphold(1, s.badSubmission.message, s.badSubmission.signatures);
      await expect(tx).to.emit(distributor, "SettlementVetoed").withArgs(1, s.bad.root);
      for (const signer of signers) await expect(tx).to.emit(disputes, "SignerSlashed").withArgs(1, signer, 0n);
      await expect(tx).to.emit(disputes, "DisputeUpheld").withArgs(1, 1, signers.length, 0n, 0n);
      for (const [i, v] of signers.entries()) {
        expect((await staking.validators(v)).bonded).to.equal(before[i]!.bonded);
      }
      expect(await distributor.nextEpochToSettle()).to.equal(1n);
      // The disputers get their bonds back, with no bounty.
      await expect(disputes.withdraw(1, D1)).to.emit(disputes, "BondReturned").withArgs(1, D1, BOND, 0n);
    });

    it("until resolveBy − 1; at resolveBy it is refused: ResolutionPeriodOver", async function () {
      const { message, signatures } = s.badSubmission;
      const { resolveBy } = await disputes.disputeOf(1);
      await expect(sendAt(f, resolveBy, () => disputes.uphold(1, message, signatures)))
        .to.be.revertedWithCustomError(disputes, "ResolutionPeriodOver")
        .withArgs(1, resolveBy);
      await expect(sendAt(f, resolveBy - 1n, () => disputes.uphold(1, message, signatures)))
        .to.emit(disputes, "DisputeUpheld")
        .withArgs(1, 1, 3, TOKEN(240), TOKEN(12));
    });

    it("drops the settlement, slashes every signer, and pays the disputers their bonds and the reporter bounty", async function () {
      const { message, signatures } = s.badSubmission;
      const signers = await sortedSigners();
      const bonded = new Map<string, bigint>();
      for (const v of signers) bonded.set(v, (await staking.validators(v)).bonded);
      const treasury = await staking.treasury();
      const treasuryBefore = await stakeBalance(treasury);
      const slashes = signers.map((v) => (bonded.get(v)! * SLASH_BPS) / 10_000n);
      const bounties = slashes.map((x) => (x * BOUNTY_BPS) / 10_000n);
      const slashed = slashes.reduce((a, b) => a + b, 0n);
      const bounty = bounties.reduce((a, b) => a + b, 0n);
      expect(slashed).to.equal(TOKEN(240));
      expect(bounty).to.equal(TOKEN(12));

      const tx = disputes.uphold(1, message, signatures);
      await expect(tx).to.emit(distributor, "SettlementVetoed").withArgs(1, s.bad.root);
      await expect(tx).to.emit(disputes, "DisputeUpheld").withArgs(1, 1, 3, slashed, bounty);
      for (const [i, v] of signers.entries()) {
        await expect(tx).to.emit(disputes, "SignerSlashed").withArgs(1, v, slashes[i]);
        await expect(tx)
          .to.emit(staking, "Slashed")
          .withArgs(v, f.deployment.settlementDisputes!, slashes[i], 0, bounties[i]);
      }
      for (const [i, v] of signers.entries()) {
        expect((await staking.validators(v)).bonded).to.equal(bonded.get(v)! - slashes[i]!);
      }
      expect(await stakeBalance(treasury)).to.equal(treasuryBefore + slashed - bounty);
      // The bond token is the stake token here: bonds plus the unpaid bounty.
      expect(await stakeBalance(f.deployment.settlementDisputes!)).to.equal(2n * BOND + bounty);

      // The epoch is to be settled again; the settlement before it is the latest, and active.
      expect(await distributor.nextEpochToSettle()).to.equal(1n);
      const [latest, pending] = await distributor.latestSettlement();
      expect(latest.epoch).to.equal(0n);
      expect(latest.root).to.equal(s.first.root);
      expect(pending).to.equal(false);
      expect((await distributor.activeSettlement()).root).to.equal(s.first.root);
      const d = await disputes.disputeOf(1);
      expect(d.status).to.equal(DisputeStatus.Upheld);
      expect(d.bounty).to.equal(bounty);
      expect(await disputes.openDispute()).to.equal(0n);

      // Anyone may withdraw for a disputer; the tokens go to the disputer.
      await expect(disputes.connect(s.outsider).withdraw(1, D1))
        .to.emit(disputes, "BondReturned")
        .withArgs(1, D1, BOND, bounty / 2n);
      await expect(disputes.withdraw(1, D2))
        .to.emit(disputes, "BondReturned")
        .withArgs(1, D2, BOND, bounty / 2n);
      expect(await stakeBalance(D1)).to.equal(TOKEN(1_000) + bounty / 2n);
      expect(await stakeBalance(D2)).to.equal(TOKEN(1_000) + bounty / 2n);
      expect(await stakeBalance(f.deployment.settlementDisputes!)).to.equal(0n);
      expect([...(await disputes.bondOf(1, D1))]).to.deep.equal([BOND, true]);
      const after = await disputes.disputeOf(1);
      expect(after.withdrawnCount).to.equal(2n);
      expect(after.bountyPaid).to.equal(bounty);
      expect([...(await disputes.bondTotalsOf(STK))]).to.deep.equal([2n * BOND, 2n * BOND, 0n]);

      await expect(disputes.withdraw(1, D1))
        .to.be.revertedWithCustomError(disputes, "NothingToWithdraw")
        .withArgs(1, D1);
      await expect(disputes.withdraw(1, D3))
        .to.be.revertedWithCustomError(disputes, "NothingToWithdraw")
        .withArgs(1, D3);
      await expect(disputes.uphold(1, message, signatures))
        .to.be.revertedWithCustomError(disputes, "DisputeNotOpen")
        .withArgs(1, DisputeStatus.Upheld);
      await expect(disputes.expire(1))
        .to.be.revertedWithCustomError(disputes, "DisputeNotOpen")
        .withArgs(1, DisputeStatus.Upheld);
    });

    it("shares the bounty in proportion to bonds, rounding down, and the last disputer paid takes the dust", async function () {
      // A third disputer joins before the window closes.
      await use(disputedEpochOne);
      await (await disputes.connect(d3).dispute(1, s.bad.root, EVIDENCE)).wait();
      await time.increaseTo((await disputes.disputeOf(1)).windowEndsAt);
      // 200 wei more for validator 1 makes its slash 100 tokens + 20 wei and the bounty 12 tokens + 1 wei,
      // which three equal bonds do not divide.
      await stakeFor(f, f.validators[0]!, 200n);
      const bounty = TOKEN(12) + 1n;
      await expect(disputes.uphold(1, s.badSubmission.message, s.badSubmission.signatures))
        .to.emit(disputes, "DisputeUpheld")
        .withArgs(1, 1, 3, TOKEN(240) + 20n, bounty);
      const share = bounty / 3n;
      expect(share * 3n).to.be.lessThan(bounty);
      let paid = 0n;
      for (const [d, expected] of [
        [D3, share],
        [D1, share],
        [D2, bounty - 2n * share],
      ] as const) {
        const before = await stakeBalance(d);
        await expect(disputes.withdraw(1, d)).to.emit(disputes, "BondReturned").withArgs(1, d, BOND, expected);
        expect(await stakeBalance(d)).to.equal(before + BOND + expected);
        paid += expected;
      }
      expect(paid).to.equal(bounty);
      expect((await disputes.disputeOf(1)).bountyPaid).to.equal(bounty);
      expect(await stakeBalance(f.deployment.settlementDisputes!)).to.equal(0n);
    });

    it("the epoch is resubmitted under a new data URI, and the resubmission can be disputed afresh", async function () {
      await (await disputes.uphold(1, s.badSubmission.message, s.badSubmission.signatures)).wait();
      // The dropped settlement cannot return as it was signed.
      const m = s.badSubmission.message;
      await expect(
        distributor.submitSettlement(1, s.bad.root, m.cumulativeTotals, URI, m.deadline, s.badSubmission.signatures),
      )
        .to.be.revertedWithCustomError(distributor, "SettlementWasVetoed")
        .withArgs(1, s.bad.root, totalsHash(m.cumulativeTotals), m.dataUriHash);
      // Resubmitted under a new URI (the same wrong root, as validators might), then disputed again.
      const again = await submit(f, 1n, s.bad, TOKEN(2_000), "ipfs://settlement-2");
      const [latest] = await distributor.latestSettlement();
      expect(latest.epoch).to.equal(1n);
      expect(latest.activatesAt).to.not.equal(FROZEN);
      const at = (await latestTimestamp(f)) + 1n;
      const tx = sendAt(f, at, () => disputes.connect(d1).dispute(1, s.bad.root, EVIDENCE));
      await expect(tx)
        .to.emit(disputes, "DisputeOpened")
        .withArgs(2, 1, s.bad.root, settlementKey(again.message), latest.activatesAt, latest.activatesAt + RESOLUTION);
      await expect(tx).to.emit(distributor, "SettlementFrozen").withArgs(1, s.bad.root);
      expect(await disputes.openDispute()).to.equal(2n);
      expect(await disputes.disputeCount()).to.equal(2n);
      expect([...(await disputes.bondOf(2, D1))]).to.deep.equal([BOND, false]);
      // Dispute 1's bonds are still owed to their disputers, apart from dispute 2's.
      expect([...(await disputes.bondOf(1, D1))]).to.deep.equal([BOND, false]);
      await expect(disputes.withdraw(2, D1))
        .to.be.revertedWithCustomError(disputes, "NothingToWithdraw")
        .withArgs(2, D1);
      await expect(disputes.withdraw(1, D1)).to.emit(disputes, "BondReturned").withArgs(1, D1, BOND, TOKEN(6));
      // Upheld again once its window closed, with the resubmission's own signatures; then the right
      // settlement goes through.
      await time.increaseTo(latest.activatesAt);
      await expect(disputes.uphold(2, again.message, again.signatures)).to.emit(disputes, "DisputeUpheld");
      await submit(f, 1n, s.good, TOKEN(2_000), "ipfs://settlement-3");
      await activateLatest(f);
      await expect(distributor.claim(alice, R, TOKEN(1_100), s.good.getProof(alice, R)))
        .to.emit(distributor, "Claimed")
        .withArgs(alice, R, TOKEN(1_100));
    });
  });

  describe("reject", function () {
    beforeEach(async function () {
      await use(resolvableEpochOne);
    });

    it("activates the settlement at once and sends the bonds to the treasury in force for the epoch", async function () {
      // A treasury change made now applies from epoch 3; epoch 1's treasury is the deployment's.
      const later = await s.outsider.getAddress();
      await (await distributor.setAllocationParams(500, 1_000, 1, later)).wait();
      const treasury = (await distributor.allocationParamsAt(1)).treasury;
      expect(treasury).to.equal(await f.cast.treasury.getAddress());
      expect((await distributor.allocationParamsAt(3)).treasury).to.equal(later);
      const before = await stakeBalance(treasury);

      const at = (await latestTimestamp(f)) + 1n;
      const tx = sendAt(f, at, () => disputes.reject(1));
      await expect(tx).to.emit(distributor, "SettlementReleased").withArgs(1, s.bad.root, at);
      await expect(tx)
        .to.emit(disputes, "DisputeRejected")
        .withArgs(1, 1, treasury, 2n * BOND);
      expect(await stakeBalance(treasury)).to.equal(before + 2n * BOND);
      expect(await stakeBalance(later)).to.equal(0n);
      expect(await stakeBalance(f.deployment.settlementDisputes!)).to.equal(0n);
      expect([...(await disputes.bondTotalsOf(STK))]).to.deep.equal([2n * BOND, 0n, 2n * BOND]);

      const [latest, pending] = await distributor.latestSettlement();
      expect(latest.activatesAt).to.equal(at);
      expect(pending).to.equal(false);
      expect((await distributor.activeSettlement()).root).to.equal(s.bad.root);
      expect((await disputes.disputeOf(1)).status).to.equal(DisputeStatus.Rejected);
      expect(await disputes.openDispute()).to.equal(0n);
      await expect(distributor.claim(mallory, R, TOKEN(1_000), s.bad.getProof(mallory, R)))
        .to.emit(distributor, "Claimed")
        .withArgs(mallory, R, TOKEN(1_000));

      for (const d of [D1, D2]) {
        await expect(disputes.withdraw(1, d))
          .to.be.revertedWithCustomError(disputes, "NothingToWithdraw")
          .withArgs(1, d);
      }
      await expect(disputes.reject(1))
        .to.be.revertedWithCustomError(disputes, "DisputeNotOpen")
        .withArgs(1, DisputeStatus.Rejected);
      await expect(disputes.uphold(1, s.badSubmission.message, s.badSubmission.signatures))
        .to.be.revertedWithCustomError(disputes, "DisputeNotOpen")
        .withArgs(1, DisputeStatus.Rejected);
      await expect(disputes.expire(1))
        .to.be.revertedWithCustomError(disputes, "DisputeNotOpen")
        .withArgs(1, DisputeStatus.Rejected);
      // Active now, so the challenge period is over for a new dispute too.
      await expect(disputes.connect(d3).dispute(1, s.bad.root, EVIDENCE))
        .to.be.revertedWithCustomError(disputes, "ChallengeWindowClosed")
        .withArgs(1, at);
      // And the next epoch may be submitted.
      await toEpoch(f, 3n);
      await submit(f, 2n, s.good, TOKEN(2_000));
      expect(await distributor.nextEpochToSettle()).to.equal(3n);
    });

    it("governance only, until resolveBy − 1: AccessControlUnauthorizedAccount, ResolutionPeriodOver", async function () {
      await expect(disputes.connect(d1).reject(1))
        .to.be.revertedWithCustomError(disputes, "AccessControlUnauthorizedAccount")
        .withArgs(D1, DEFAULT_ADMIN_ROLE);
      const { resolveBy } = await disputes.disputeOf(1);
      await expect(sendAt(f, resolveBy, () => disputes.reject(1)))
        .to.be.revertedWithCustomError(disputes, "ResolutionPeriodOver")
        .withArgs(1, resolveBy);
      await expect(sendAt(f, resolveBy - 1n, () => disputes.reject(1)))
        .to.emit(disputes, "DisputeRejected")
        .withArgs(1, 1, await f.cast.treasury.getAddress(), 2n * BOND);
    });
  });

  describe("expire", function () {
    beforeEach(async function () {
      await use(disputedEpochOne);
    });

    it("refused before resolveBy (ResolutionPeriodNotOver); from resolveBy anyone expires it and the bonds return", async function () {
      const { resolveBy } = await disputes.disputeOf(1);
      await expect(sendAt(f, resolveBy - 1n, () => disputes.connect(s.outsider).expire(1)))
        .to.be.revertedWithCustomError(disputes, "ResolutionPeriodNotOver")
        .withArgs(1, resolveBy);
      const tx = sendAt(f, resolveBy, () => disputes.connect(s.outsider).expire(1));
      await expect(tx).to.emit(disputes, "DisputeExpired").withArgs(1, 1);
      await expect(tx).to.emit(distributor, "SettlementReleased").withArgs(1, s.bad.root, resolveBy);
      const [latest, pending] = await distributor.latestSettlement();
      expect(latest.activatesAt).to.equal(resolveBy);
      expect(pending).to.equal(false);
      expect((await distributor.activeSettlement()).root).to.equal(s.bad.root);
      expect((await disputes.disputeOf(1)).status).to.equal(DisputeStatus.Expired);
      expect(await disputes.openDispute()).to.equal(0n);

      for (const d of [D1, D2]) {
        await expect(disputes.withdraw(1, d)).to.emit(disputes, "BondReturned").withArgs(1, d, BOND, 0);
        expect(await stakeBalance(d)).to.equal(TOKEN(1_000));
      }
      await expect(disputes.withdraw(1, D2))
        .to.be.revertedWithCustomError(disputes, "NothingToWithdraw")
        .withArgs(1, D2);
      expect((await disputes.disputeOf(1)).bountyPaid).to.equal(0n);
      expect([...(await disputes.bondTotalsOf(STK))]).to.deep.equal([2n * BOND, 2n * BOND, 0n]);
      await expect(disputes.expire(1))
        .to.be.revertedWithCustomError(disputes, "DisputeNotOpen")
        .withArgs(1, DisputeStatus.Expired);
    });

    it("governance can no longer resolve once resolveBy has passed: ResolutionPeriodOver", async function () {
      const { resolveBy } = await disputes.disputeOf(1);
      await time.increaseTo(resolveBy);
      await expect(disputes.uphold(1, s.badSubmission.message, s.badSubmission.signatures))
        .to.be.revertedWithCustomError(disputes, "ResolutionPeriodOver")
        .withArgs(1, resolveBy);
      await expect(disputes.reject(1))
        .to.be.revertedWithCustomError(disputes, "ResolutionPeriodOver")
        .withArgs(1, resolveBy);
    });

    it("refuses an unknown dispute: DisputeNotOpen(id, None)", async function () {
      await expect(disputes.expire(9))
        .to.be.revertedWithCustomError(disputes, "DisputeNotOpen")
        .withArgs(9, DisputeStatus.None);
      await expect(disputes.withdraw(9, D1))
        .to.be.revertedWithCustomError(disputes, "NothingToWithdraw")
        .withArgs(9, D1);
    });

    it("an open dispute's bonds cannot be withdrawn: NothingToWithdraw", async function () {
      await expect(disputes.withdraw(1, D1))
        .to.be.revertedWithCustomError(disputes, "NothingToWithdraw")
        .withArgs(1, D1);
    });
  });

  describe("governance setters", function () {
    beforeEach(async function () {
      await use(pendingEpochOne);
    });

    it("setBond takes MIN_BOND_TOKENS to MAX_BOND_TOKENS whole tokens of the token's decimals: ParameterOutOfBounds", async function () {
      const bondAmount = encodeBytes32String("bondAmount");
      const stable = await f.stableToken.getAddress();
      await expect(disputes.setBond(stable, USD(1)))
        .to.emit(disputes, "BondSet")
        .withArgs(stable, USD(1));
      await expect(disputes.setBond(stable, USD(1_000_000)))
        .to.emit(disputes, "BondSet")
        .withArgs(stable, USD(1_000_000));
      await expect(disputes.setBond(stable, USD(1) - 1n))
        .to.be.revertedWithCustomError(disputes, "ParameterOutOfBounds")
        .withArgs(bondAmount, USD(1) - 1n, USD(1), USD(1_000_000));
      await expect(disputes.setBond(stable, USD(1_000_000) + 1n))
        .to.be.revertedWithCustomError(disputes, "ParameterOutOfBounds")
        .withArgs(bondAmount, USD(1_000_000) + 1n, USD(1), USD(1_000_000));
      await expect(disputes.setBond(STK, TOKEN(1) - 1n))
        .to.be.revertedWithCustomError(disputes, "ParameterOutOfBounds")
        .withArgs(bondAmount, TOKEN(1) - 1n, TOKEN(1), TOKEN(1_000_000));
      await expect(disputes.setBond(STK, TOKEN(1_000_000) + 1n))
        .to.be.revertedWithCustomError(disputes, "ParameterOutOfBounds")
        .withArgs(bondAmount, TOKEN(1_000_000) + 1n, TOKEN(1), TOKEN(1_000_000));
      // 22 decimals is the most: 10^28, a million such tokens, still fits the 96 bits a bond is stored in.
      const big = await new MockERC20Decimals__factory(f.cast.admin).deploy("Big", "BIG", 22);
      const bigAddress = await big.getAddress();
      await expect(disputes.setBond(bigAddress, 10n ** 28n))
        .to.emit(disputes, "BondSet")
        .withArgs(bigAddress, 10n ** 28n);
      expect(10n ** 28n).to.be.lessThan(2n ** 96n);
      await expect(disputes.connect(d1).setBond(STK, BOND))
        .to.be.revertedWithCustomError(disputes, "AccessControlUnauthorizedAccount")
        .withArgs(D1, DEFAULT_ADMIN_ROLE);
    });

    it("setBond refuses an account without code, a contract without decimals() and over 22 decimals: InvalidBondToken", async function () {
      const eoa = await s.outsider.getAddress();
      await expect(disputes.setBond(eoa, BOND))
        .to.be.revertedWithCustomError(disputes, "InvalidBondToken")
        .withArgs(eoa);
      const noDecimals = f.deployment.distributor;
      await expect(disputes.setBond(noDecimals, BOND))
        .to.be.revertedWithCustomError(disputes, "InvalidBondToken")
        .withArgs(noDecimals);
      const tooFine = await new MockERC20Decimals__factory(f.cast.admin).deploy("Fine", "FINE", 23);
      const tooFineAddress = await tooFine.getAddress();
      await expect(disputes.setBond(tooFineAddress, 10n ** 23n))
        .to.be.revertedWithCustomError(disputes, "InvalidBondToken")
        .withArgs(tooFineAddress);
      expect(await disputes.bondToken()).to.equal(STK);
      expect(await disputes.bondAmount()).to.equal(BOND);
    });

    it("setResolutionPeriod takes 1 to 14 days, for disputes opened from then on: ParameterOutOfBounds", async function () {
      const resolutionPeriod = encodeBytes32String("resolutionPeriod");
      await expect(disputes.setResolutionPeriod(DAY - 1n))
        .to.be.revertedWithCustomError(disputes, "ParameterOutOfBounds")
        .withArgs(resolutionPeriod, DAY - 1n, DAY, 14n * DAY);
      await expect(disputes.setResolutionPeriod(14n * DAY + 1n))
        .to.be.revertedWithCustomError(disputes, "ParameterOutOfBounds")
        .withArgs(resolutionPeriod, 14n * DAY + 1n, DAY, 14n * DAY);
      await expect(disputes.connect(d1).setResolutionPeriod(DAY))
        .to.be.revertedWithCustomError(disputes, "AccessControlUnauthorizedAccount")
        .withArgs(D1, DEFAULT_ADMIN_ROLE);
      await expect(disputes.setResolutionPeriod(14n * DAY))
        .to.emit(disputes, "ResolutionPeriodSet")
        .withArgs(14n * DAY);
      await expect(disputes.setResolutionPeriod(DAY)).to.emit(disputes, "ResolutionPeriodSet").withArgs(DAY);
      await (await disputes.connect(d1).dispute(1, s.bad.root, EVIDENCE)).wait();
      const windowEndsAt = (await disputes.disputeOf(1)).windowEndsAt;
      expect((await disputes.disputeOf(1)).resolveBy).to.equal(windowEndsAt + DAY);
      // A change after the dispute opened leaves its deadline alone.
      await (await disputes.setResolutionPeriod(7n * DAY)).wait();
      expect((await disputes.disputeOf(1)).resolveBy).to.equal(windowEndsAt + DAY);
      await time.increaseTo(windowEndsAt + DAY);
      await expect(disputes.expire(1)).to.emit(disputes, "DisputeExpired").withArgs(1, 1);
    });
  });
});

import { expect } from "chai";
import { network } from "hardhat";
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { AbiCoder, getCreateAddress, keccak256, parseUnits, toUtf8Bytes, TypedDataEncoder, type Signer } from "ethers";
import { SETTLEMENT_TYPES, type SettlementMessage, type SettlementTree } from "../../client/index.js";
import {
  FeeOnTransferToken__factory,
  MockERC20__factory,
  ReentrantToken__factory,
  RewardDistributor__factory,
  ValidatorStaking__factory,
} from "../../typechain-types/index.js";
import {
  deployFixture,
  SETTLEMENT_URI,
  settlementMessage,
  settlementTree,
  signSorted,
  TOKEN,
  type Fixture,
} from "../helpers/fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const DAY = 86_400n;
const URI = SETTLEMENT_URI;
const MAX_CUMULATIVE_TOTAL = 2n ** 96n - 1n;
/** The stable token has 6 decimals. */
const USD = (n: number | string) => parseUnits(String(n), 6);
/** Pools the fixture below creates besides the network pool (0): one in the stable token, one in the credit token. */
const STABLE_POOL = 1n;
const CREDIT_POOL = 2n;

/** `keccak256(abi.encodePacked(cumulativeTotals))`, as `SettlementWasVetoed` reports it. */
function totalsHash(totals: bigint[]): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      totals.map(() => "uint256"),
      totals,
    ),
  );
}

async function deployed() {
  const f = await deployFixture(connection);
  const dapp = f.cast.dapp;
  for (const token of [f.rewardToken, f.stableToken, f.creditToken]) {
    await token.mint(await dapp.getAddress(), TOKEN(1_000_000));
    await token.connect(dapp).approve(f.deployment.distributor, TOKEN(1_000_000));
  }
  await f.as(dapp).distributor.createPool(await f.stableToken.getAddress(), []);
  await f.as(dapp).distributor.createPool(await f.creditToken.getAddress(), []);
  return f;
}

describe("RewardDistributor", function () {
  let f: Fixture;
  let distributor: Fixture["tributary"]["distributor"];
  let alice: string, bob: string, carol: string, dapp: string;
  /** The reward (network pool, index 0), stable (index 1, 6 decimals) and credit (index 2) tokens. */
  let R: string, S: string, C: string;
  beforeEach(async function () {
    f = await networkHelpers.loadFixture(deployed);
    distributor = f.tributary.distributor;
    [alice, bob, carol] = (await Promise.all(f.contributors.slice(0, 3).map((s) => s.getAddress()))) as [
      string,
      string,
      string,
    ];
    dapp = await f.cast.dapp.getAddress();
    [R, S, C] = await Promise.all([f.rewardToken, f.stableToken, f.creditToken].map((t) => t.getAddress()));
  });

  const genesis = async () => distributor.GENESIS();
  /** A distributor over `token` (no fee, no validator share), for token-behaviour tests. */
  async function distributorFor(token: string) {
    const admin = await f.cast.admin.getAddress();
    return new RewardDistributor__factory(f.cast.admin).deploy(
      token,
      f.deployment.staking,
      admin,
      await f.cast.treasury.getAddress(),
      0,
      0,
      4,
      3_600,
    );
  }
  /** Deploys a distributor over the fixture's staking contract and reward token, overriding some arguments. */
  async function deployDistributor(
    overrides: { staking?: string; treasury?: string; challengePeriod?: bigint; idleRefundEpochs?: bigint } = {},
  ) {
    return new RewardDistributor__factory(f.cast.admin).deploy(
      await f.rewardToken.getAddress(),
      overrides.staking ?? f.deployment.staking,
      await f.cast.admin.getAddress(),
      overrides.treasury ?? (await f.cast.treasury.getAddress()),
      500,
      1_000,
      overrides.idleRefundEpochs ?? 4n,
      overrides.challengePeriod ?? 3_600n,
    );
  }
  /** A staking contract of the given epoch length, with no stake. */
  async function stakingWithEpoch(epochDuration: bigint) {
    return new ValidatorStaking__factory(f.cast.admin).deploy(
      await f.stakeToken.getAddress(),
      await f.cast.admin.getAddress(),
      await f.cast.treasury.getAddress(),
      await networkHelpers.time.latest(),
      epochDuration,
      TOKEN(100),
      7n * DAY,
      6_667,
    );
  }
  async function toEpoch(epoch: bigint, offset = 10n) {
    await networkHelpers.time.increaseTo((await genesis()) + epoch * DAY + offset);
  }
  /** The dapp funds `poolId` (the network pool by default) for `epoch`. */
  async function fund(epoch: bigint, amount: bigint, poolId = 0n) {
    await f.as(f.cast.dapp).distributor.fund(poolId, epoch, amount);
  }
  /** A tree of `(account, token, amount)` leaves; two-element entries are in the reward token. */
  function tree(entries: ([string, bigint] | [string, string, bigint])[]): SettlementTree {
    return settlementTree(entries.map((e) => (e.length === 2 ? [e[0], R, e[1]] : e)));
  }
  /** `account`'s proof in `token` (the reward token by default). */
  function proof(t: SettlementTree, account: string, token = R) {
    return t.getProof(account, token);
  }
  const totalsOf = (totals: bigint | bigint[]) => (Array.isArray(totals) ? totals : [totals]);
  async function message(
    epoch: bigint,
    root: string,
    totals: bigint | bigint[],
    uri = URI,
  ): Promise<SettlementMessage> {
    return settlementMessage(f, epoch, root, totalsOf(totals), uri);
  }
  async function sign(m: SettlementMessage, signers: Signer[]) {
    return signSorted(f, m, signers);
  }
  /** Submits `epoch` with one total (the reward token only) or one per covered token. */
  async function submit(
    epoch: bigint,
    root: string,
    totals: bigint | bigint[],
    signers = f.validators.slice(0, 3),
    uri = URI,
  ) {
    const m = await message(epoch, root, totals, uri);
    return distributor.submitSettlement(epoch, root, m.cumulativeTotals, uri, m.deadline, await sign(m, signers));
  }
  async function activate() {
    const [latest] = await distributor.latestSettlement();
    await networkHelpers.time.increaseTo(latest.activatesAt);
  }

  describe("fund", function () {
    it("credits the current or a later epoch in the pool's token and emits Funded", async function () {
      await expect(f.as(f.cast.dapp).distributor.fund(0, 0, TOKEN(10)))
        .to.emit(distributor, "Funded")
        .withArgs(0, 0, dapp, R, TOKEN(10));
      await fund(5n, TOKEN(3));
      expect(await distributor.fundedInEpoch(5, R)).to.equal(TOKEN(3));
      expect(await distributor.totalFundedOf(R)).to.equal(TOKEN(13));
      await expect(f.as(f.cast.dapp).distributor.fund(STABLE_POOL, 5, USD(7)))
        .to.emit(distributor, "Funded")
        .withArgs(STABLE_POOL, 5, dapp, S, USD(7));
      expect(await f.stableToken.balanceOf(f.deployment.distributor)).to.equal(USD(7));
      expect(await distributor.fundedInEpoch(5, S)).to.equal(USD(7));
      expect(await distributor.fundedInEpoch(5, R)).to.equal(TOKEN(3));
      expect(await distributor.totalFundedOf(S)).to.equal(USD(7));
      expect(await distributor.totalFundedOf(C)).to.equal(0);
    });

    it("refuses a closed epoch (FundingEpochClosed), one too far ahead (FundingEpochTooFar) and zero (FundingAmountZero)", async function () {
      await toEpoch(2n);
      await expect(f.as(f.cast.dapp).distributor.fund(0, 1, TOKEN(1)))
        .to.be.revertedWithCustomError(distributor, "FundingEpochClosed")
        .withArgs(1, 2);
      const lastFundable = 2n + (await distributor.MAX_FUNDING_LEAD_EPOCHS());
      await fund(lastFundable, TOKEN(1));
      await expect(f.as(f.cast.dapp).distributor.fund(CREDIT_POOL, lastFundable + 1n, TOKEN(1)))
        .to.be.revertedWithCustomError(distributor, "FundingEpochTooFar")
        .withArgs(lastFundable + 1n, lastFundable);
      await expect(f.as(f.cast.dapp).distributor.fund(0, 2, 0)).to.be.revertedWithCustomError(
        distributor,
        "FundingAmountZero",
      );
    });

    it("refuses a pool that does not exist: PoolNotFound", async function () {
      const count = await distributor.poolCount();
      expect(count).to.equal(3n);
      await expect(f.as(f.cast.dapp).distributor.fund(count, 0, TOKEN(1)))
        .to.be.revertedWithCustomError(distributor, "PoolNotFound")
        .withArgs(count);
      await expect(distributor.poolOf(count))
        .to.be.revertedWithCustomError(distributor, "PoolNotFound")
        .withArgs(count);
      await expect(f.as(f.cast.dapp).distributor.fund(2n ** 256n - 1n, 0, TOKEN(1)))
        .to.be.revertedWithCustomError(distributor, "PoolNotFound")
        .withArgs(2n ** 256n - 1n);
    });

    it("an epoch closes to funding once it ends, so a settled epoch never changes: FundingEpochClosed", async function () {
      await fund(0n, TOKEN(10));
      await toEpoch(1n);
      await submit(0n, tree([[alice, TOKEN(10)]]).root, TOKEN(10));
      await activate();
      for (const poolId of [0n, STABLE_POOL, CREDIT_POOL]) {
        await expect(f.as(f.cast.dapp).distributor.fund(poolId, 0, 1))
          .to.be.revertedWithCustomError(distributor, "FundingEpochClosed")
          .withArgs(0, 1);
      }
      expect(await distributor.fundedInEpoch(0, R)).to.equal(TOKEN(10));
    });

    it("refuses funding while paused", async function () {
      await distributor.pause();
      await expect(f.as(f.cast.dapp).distributor.fund(0, 0, 1)).to.be.revertedWithCustomError(
        distributor,
        "EnforcedPause",
      );
    });

    it("accepts funding up to exactly MAX_CUMULATIVE_TOTAL per token and refuses one token more: FundingExceedsLimit", async function () {
      expect(await distributor.MAX_CUMULATIVE_TOTAL()).to.equal(MAX_CUMULATIVE_TOTAL);
      const funder = f.cast.admin;
      await f.rewardToken.mint(await funder.getAddress(), MAX_CUMULATIVE_TOTAL + 1n);
      await f.rewardToken.connect(funder).approve(f.deployment.distributor, MAX_CUMULATIVE_TOTAL + 1n);
      await distributor.fund(0, 0, MAX_CUMULATIVE_TOTAL - 1n);
      await expect(distributor.fund(0, 1, 2))
        .to.be.revertedWithCustomError(distributor, "FundingExceedsLimit")
        .withArgs(R, MAX_CUMULATIVE_TOTAL + 1n, MAX_CUMULATIVE_TOTAL);
      await expect(distributor.fund(0, 1, 1))
        .to.emit(distributor, "Funded")
        .withArgs(0, 1, await funder.getAddress(), R, 1);
      expect(await distributor.totalFundedOf(R)).to.equal(MAX_CUMULATIVE_TOTAL);
      await expect(distributor.fund(0, 0, 1))
        .to.be.revertedWithCustomError(distributor, "FundingExceedsLimit")
        .withArgs(R, MAX_CUMULATIVE_TOTAL + 1n, MAX_CUMULATIVE_TOTAL);
      // The limit is per token: another token's pool is still open.
      await expect(f.as(f.cast.dapp).distributor.fund(STABLE_POOL, 0, USD(1)))
        .to.emit(distributor, "Funded")
        .withArgs(STABLE_POOL, 0, dapp, S, USD(1));
    });

    it("credits only what a fee-on-transfer token delivers", async function () {
      const token = await new FeeOnTransferToken__factory(f.cast.admin).deploy();
      const address = await token.getAddress();
      await expect(distributor.allowToken(address)).to.emit(distributor, "TokenAllowed").withArgs(address, 3);
      await f.as(f.cast.dapp).distributor.createPool(address, []);
      const poolId = (await distributor.poolCount()) - 1n;
      await token.mint(dapp, TOKEN(100));
      await token.connect(f.cast.dapp).approve(f.deployment.distributor, TOKEN(100));
      await expect(f.as(f.cast.dapp).distributor.fund(poolId, 0, TOKEN(100)))
        .to.emit(distributor, "Funded")
        .withArgs(poolId, 0, dapp, address, TOKEN(99));
      expect(await distributor.totalFundedOf(address)).to.equal(TOKEN(99));
      expect(await distributor.fundedInEpoch(0, address)).to.equal(TOKEN(99));
      expect(await token.balanceOf(f.deployment.distributor)).to.equal(TOKEN(99));
      // A settlement can distribute what arrived, and no more.
      await toEpoch(1n);
      await expect(submit(0n, tree([[alice, address, TOKEN(100)]]).root, [0n, 0n, 0n, TOKEN(100)]))
        .to.be.revertedWithCustomError(distributor, "SettlementOverBudget")
        .withArgs(address, TOKEN(100), TOKEN(99));
      const t = tree([[alice, address, TOKEN(99)]]);
      await submit(0n, t.root, [0n, 0n, 0n, TOKEN(99)]);
      await activate();
      await expect(distributor.claim(alice, address, TOKEN(99), proof(t, alice, address)))
        .to.emit(distributor, "Claimed")
        .withArgs(alice, address, TOKEN(99));
    });
  });

  describe("submitSettlement", function () {
    beforeEach(async function () {
      await fund(0n, TOKEN(1_000));
      await toEpoch(1n);
    });

    it("accepts quorum signatures, stays pending for the challenge period, then activates by itself", async function () {
      const t = tree([
        [alice, TOKEN(600)],
        [bob, TOKEN(400)],
      ]);
      await expect(submit(0n, t.root, TOKEN(1_000))).to.emit(distributor, "SettlementSubmitted");
      const [latest, pending] = await distributor.latestSettlement();
      expect(pending).to.equal(true);
      expect(latest.root).to.equal(t.root);
      expect((await distributor.activeSettlement()).root).to.equal(ethers.ZeroHash);
      expect(await distributor.nextEpochToSettle()).to.equal(1);
      await activate();
      expect((await distributor.activeSettlement()).root).to.equal(t.root);
    });

    it("refuses an epoch out of order (SettlementOutOfOrder) and an open one (EpochNotClosed)", async function () {
      const t = tree([[alice, 1n]]);
      await expect(submit(1n, t.root, 1n))
        .to.be.revertedWithCustomError(distributor, "SettlementOutOfOrder")
        .withArgs(1, 0);
      await submit(0n, t.root, 1n);
      await activate();
      await expect(submit(1n, t.root, 1n))
        .to.be.revertedWithCustomError(distributor, "EpochNotClosed")
        .withArgs(1, 1);
    });

    it("refuses the next epoch while the previous one is pending: PreviousSettlementPending", async function () {
      const t = tree([[alice, 1n]]);
      // A backlog: epochs 0 and 1 are both closed, and settle one after the other.
      await toEpoch(2n);
      await submit(0n, t.root, 1n);
      const [pendingOne] = await distributor.latestSettlement();
      await expect(submit(1n, t.root, 1n))
        .to.be.revertedWithCustomError(distributor, "PreviousSettlementPending")
        .withArgs(0, pendingOne.activatesAt);
      await activate();
      await expect(submit(1n, t.root, 1n)).to.emit(distributor, "SettlementSubmitted");
    });

    it("refuses more than everything funded through the epoch: SettlementOverBudget", async function () {
      const t = tree([[alice, TOKEN(1_001)]]);
      await fund(1n, TOKEN(5)); // funded for a later epoch does not count
      await expect(submit(0n, t.root, TOKEN(1_001)))
        .to.be.revertedWithCustomError(distributor, "SettlementOverBudget")
        .withArgs(R, TOKEN(1_001), TOKEN(1_000));
    });

    it("refuses a cumulative total lower than the previous one: CumulativeTotalDecreased", async function () {
      await submit(0n, tree([[alice, 10n]]).root, 10n);
      await activate();
      await toEpoch(2n);
      await expect(submit(1n, tree([[alice, 9n]]).root, 9n))
        .to.be.revertedWithCustomError(distributor, "CumulativeTotalDecreased")
        .withArgs(R, 9, 10);
    });

    it("refuses expired signatures: SignatureExpired", async function () {
      const t = tree([[alice, 1n]]);
      const m = await message(0n, t.root, 1n);
      const sigs = await sign(m, f.validators.slice(0, 3));
      await networkHelpers.time.setNextBlockTimestamp(m.deadline + 1n);
      await expect(distributor.submitSettlement(0, t.root, [1], URI, m.deadline, sigs))
        .to.be.revertedWithCustomError(distributor, "SignatureExpired")
        .withArgs(m.deadline, m.deadline + 1n);
    });

    it("refuses no signatures, duplicates or unsorted signers, and short quorum", async function () {
      const t = tree([[alice, 1n]]);
      const m = await message(0n, t.root, 1n);
      await expect(distributor.submitSettlement(0, t.root, [1], URI, m.deadline, [])).to.be.revertedWithCustomError(
        distributor,
        "NoSignatures",
      );
      const [s1] = await sign(m, [f.validators[0]!]);
      const signer = await f.validators[0]!.getAddress();
      await expect(distributor.submitSettlement(0, t.root, [1], URI, m.deadline, [s1!, s1!]))
        .to.be.revertedWithCustomError(distributor, "SignersNotSorted")
        .withArgs(1, signer, signer);
      const sorted = await sign(m, f.validators.slice(0, 2));
      const addresses = (await Promise.all(f.validators.slice(0, 2).map((v) => v.getAddress()))).sort((a, b) =>
        a.toLowerCase() < b.toLowerCase() ? -1 : 1,
      );
      await expect(distributor.submitSettlement(0, t.root, [1], URI, m.deadline, [...sorted].reverse()))
        .to.be.revertedWithCustomError(distributor, "SignersNotSorted")
        .withArgs(1, addresses[0], addresses[1]);
      await expect(distributor.submitSettlement(0, t.root, [1], URI, m.deadline, sorted))
        .to.be.revertedWithCustomError(distributor, "QuorumNotReached")
        .withArgs(TOKEN(1_800), (TOKEN(2_800) * 6_667n + 9_999n) / 10_000n);
    });

    it("refuses a non-validator signer, an unbonding one and one slashed below the minimum: SignerNotActive", async function () {
      const t = tree([[alice, 1n]]);
      const outsider = f.contributors[0]!;
      await expect(submit(0n, t.root, 1n, [...f.validators.slice(0, 3), outsider]))
        .to.be.revertedWithCustomError(distributor, "SignerNotActive")
        .withArgs(await outsider.getAddress());
      const v4 = f.validators[3]!;
      await f.as(v4).staking.requestUnstake(TOKEN(400));
      await expect(submit(0n, t.root, 1n, [...f.validators.slice(0, 3), v4]))
        .to.be.revertedWithCustomError(distributor, "SignerNotActive")
        .withArgs(await v4.getAddress());
      // An equivocation slash of 10 % leaves validator 3 with 540, below a 550 minimum: it is ejected.
      const v3 = f.validators[2]!;
      await f.tributary.staking.setMinStake(TOKEN(550));
      const a = await message(5n, tree([[alice, 1n]]).root, 1n);
      const b = await message(5n, tree([[bob, 1n]]).root, 1n);
      const [sa] = await sign(a, [v3]);
      const [sb] = await sign(b, [v3]);
      const at = BigInt(await networkHelpers.time.latest()) + 1n;
      await networkHelpers.time.setNextBlockTimestamp(at);
      await expect(distributor.reportEquivocation(a, sa!, b, sb!))
        .to.emit(f.tributary.staking, "Ejected")
        .withArgs(await v3.getAddress(), TOKEN(540), at + (await f.tributary.staking.unbondingPeriod()));
      await expect(submit(0n, t.root, 1n, f.validators.slice(0, 3)))
        .to.be.revertedWithCustomError(distributor, "SignerNotActive")
        .withArgs(await v3.getAddress());
    });

    it("refuses settlement while paused", async function () {
      await distributor.pause();
      await expect(submit(0n, tree([[alice, 1n]]).root, 1n)).to.be.revertedWithCustomError(
        distributor,
        "EnforcedPause",
      );
    });
  });

  describe("veto", function () {
    beforeEach(async function () {
      await fund(0n, TOKEN(1_000));
      await toEpoch(1n);
    });

    it("governance vetoes a pending settlement, which pays nothing; the epoch is resubmitted with other content", async function () {
      const bad = tree([[alice, TOKEN(1_000)]]);
      await submit(0n, bad.root, TOKEN(1_000));
      await expect(distributor.veto(0)).to.emit(distributor, "SettlementVetoed").withArgs(0, bad.root);
      expect(await distributor.nextEpochToSettle()).to.equal(0);
      await networkHelpers.time.increase(2n * DAY);
      expect((await distributor.activeSettlement()).root).to.equal(ethers.ZeroHash);
      await expect(distributor.claim(alice, R, TOKEN(1_000), proof(bad, alice)))
        .to.be.revertedWithCustomError(distributor, "NoActiveSettlement")
        .withArgs(R);
      await expect(submit(0n, bad.root, TOKEN(1_000)))
        .to.be.revertedWithCustomError(distributor, "SettlementWasVetoed")
        .withArgs(0, bad.root, totalsHash([TOKEN(1_000)]), keccak256(toUtf8Bytes(URI)));
      const good = tree([
        [alice, TOKEN(500)],
        [bob, TOKEN(500)],
      ]);
      await submit(0n, good.root, TOKEN(1_000));
      await activate();
      expect((await distributor.activeSettlement()).root).to.equal(good.root);
    });

    it("a vetoed root can return under a new data URI, so one veto never blocks a correct root forever", async function () {
      const correct = tree([
        [alice, TOKEN(600)],
        [bob, TOKEN(400)],
      ]);
      await submit(0n, correct.root, TOKEN(1_000));
      await distributor.veto(0);
      await expect(submit(0n, correct.root, TOKEN(1_000), f.validators.slice(0, 3), URI + "#resubmitted")).to.emit(
        distributor,
        "SettlementSubmitted",
      );
      await activate();
      expect((await distributor.activeSettlement()).root).to.equal(correct.root);
    });

    it("a veto of a later epoch brings back the one before it: its root, its total as the cap, its activation", async function () {
      // Epoch 0's tree overpays its total, so the cap is what stops bob below.
      const greedy = tree([
        [alice, TOKEN(900)],
        [bob, TOKEN(900)],
      ]);
      await submit(0n, greedy.root, TOKEN(1_000));
      await activate();
      await fund(1n, TOKEN(900));
      await toEpoch(2n);
      const [previous] = await distributor.latestSettlement();
      const vetoed = tree([
        [alice, TOKEN(900)],
        [bob, TOKEN(1_000)],
      ]);
      await submit(1n, vetoed.root, TOKEN(1_900));
      await distributor.veto(1);

      const [latest, pending] = await distributor.latestSettlement();
      expect([latest.epoch, latest.root, latest.tokenCount, latest.activatesAt, pending]).to.deep.equal([
        0n,
        greedy.root,
        1n,
        previous.activatesAt,
        false,
      ]);
      expect(await distributor.latestTotalOf(R)).to.equal(TOKEN(1_000));
      expect(await distributor.activeTotalOf(R)).to.equal(TOKEN(1_000));
      expect(await distributor.nextEpochToSettle()).to.equal(1);
      expect((await distributor.activeSettlement()).root).to.equal(greedy.root);
      await expect(distributor.claim(bob, R, TOKEN(1_000), proof(vetoed, bob)))
        .to.be.revertedWithCustomError(distributor, "InvalidProof")
        .withArgs(bob, R, TOKEN(1_000));
      await distributor.claim(alice, R, TOKEN(900), proof(greedy, alice));
      await expect(distributor.claim(bob, R, TOKEN(900), proof(greedy, bob)))
        .to.be.revertedWithCustomError(distributor, "ClaimExceedsActiveTotal")
        .withArgs(R, TOKEN(1_800), TOKEN(1_000));
      await expect(submit(1n, vetoed.root, TOKEN(999)))
        .to.be.revertedWithCustomError(distributor, "CumulativeTotalDecreased")
        .withArgs(R, TOKEN(999), TOKEN(1_000));
      await expect(submit(1n, tree([[bob, TOKEN(1_000)]]).root, TOKEN(1_900))).to.emit(
        distributor,
        "SettlementSubmitted",
      );
    });

    it("refuses to veto an active or a missing settlement (NoPendingSettlement), and non-admins", async function () {
      await expect(distributor.veto(0)).to.be.revertedWithCustomError(distributor, "NoPendingSettlement").withArgs(0);
      await submit(0n, tree([[alice, 1n]]).root, 1n);
      await expect(f.as(f.contributors[0]!).distributor.veto(0)).to.be.revertedWithCustomError(
        distributor,
        "AccessControlUnauthorizedAccount",
      );
      await activate();
      await expect(distributor.veto(0)).to.be.revertedWithCustomError(distributor, "NoPendingSettlement").withArgs(0);
    });
  });

  describe("claim", function () {
    let t: SettlementTree;
    beforeEach(async function () {
      await fund(0n, TOKEN(1_000));
      await toEpoch(1n);
      t = tree([
        [alice, TOKEN(600)],
        [bob, TOKEN(300)],
        [carol, TOKEN(100)],
      ]);
      await submit(0n, t.root, TOKEN(1_000));
    });
    const proofOf = (account: string) => ({ amount: t.amountOf(account, R)!, proof: proof(t, account) });

    it("refuses claims before activation: NoActiveSettlement", async function () {
      const p = proofOf(alice);
      await expect(distributor.claim(alice, R, p.amount, p.proof))
        .to.be.revertedWithCustomError(distributor, "NoActiveSettlement")
        .withArgs(R);
    });

    it("pays the account, by anyone's call, proofs from @openzeppelin/merkle-tree; then later claims pay the difference", async function () {
      await activate();
      const p = proofOf(alice);
      await expect(f.as(f.contributors[3]!).distributor.claim(alice, R, p.amount, p.proof))
        .to.emit(distributor, "Claimed")
        .withArgs(alice, R, TOKEN(600));
      expect(await f.rewardToken.balanceOf(alice)).to.equal(TOKEN(600));
      await expect(distributor.claim(alice, R, p.amount, p.proof))
        .to.be.revertedWithCustomError(distributor, "NothingToClaim")
        .withArgs(alice, R, TOKEN(600), TOKEN(600));
      // Epoch 1: alice is owed 50 more.
      await fund(1n, TOKEN(100));
      await toEpoch(2n);
      const t2 = tree([
        [alice, TOKEN(650)],
        [bob, TOKEN(300)],
        [carol, TOKEN(100)],
      ]);
      await submit(1n, t2.root, TOKEN(1_050));
      await activate();
      await expect(distributor.claim(alice, R, TOKEN(650), proof(t2, alice)))
        .to.emit(distributor, "Claimed")
        .withArgs(alice, R, TOKEN(50));
      expect(await distributor.claimedOf(alice, R)).to.equal(TOKEN(650));
      expect(await distributor.claimedOf(alice, S)).to.equal(0);
    });

    it("refuses a forged proof or an inflated amount: InvalidProof", async function () {
      await activate();
      const p = proofOf(alice);
      await expect(distributor.claim(alice, R, p.amount + 1n, p.proof))
        .to.be.revertedWithCustomError(distributor, "InvalidProof")
        .withArgs(alice, R, p.amount + 1n);
      await expect(distributor.claim(bob, R, p.amount, p.proof))
        .to.be.revertedWithCustomError(distributor, "InvalidProof")
        .withArgs(bob, R, p.amount);
      // A token the settlement does not cover has nothing active to verify against.
      await expect(distributor.claim(alice, C, p.amount, p.proof))
        .to.be.revertedWithCustomError(distributor, "NoActiveSettlement")
        .withArgs(C);
    });

    it("pays the recipient the account chose; a stranger cannot redirect it", async function () {
      await activate();
      const recipient = await f.validators[3]!.getAddress();
      await expect(f.as(f.contributors[1]!).distributor.setRecipient(R, recipient))
        .to.emit(distributor, "RecipientSet")
        .withArgs(bob, R, recipient);
      await f.as(f.contributors[3]!).distributor.setRecipient(R, await f.contributors[3]!.getAddress()); // only sets its own
      const before = await f.rewardToken.balanceOf(recipient);
      const p = proofOf(bob);
      await expect(distributor.claim(bob, R, p.amount, p.proof))
        .to.emit(distributor, "Claimed")
        .withArgs(bob, R, TOKEN(300));
      expect(await f.rewardToken.balanceOf(recipient)).to.equal(before + TOKEN(300));
      expect(await distributor.recipientOf(bob, R)).to.equal(recipient);
      expect(await distributor.recipientOf(bob, S)).to.equal(ethers.ZeroAddress);
      const pc = proofOf(carol);
      await distributor.claim(carol, R, pc.amount, pc.proof);
      expect(await f.rewardToken.balanceOf(carol)).to.equal(TOKEN(100));
    });

    it("refuses a recipient where tokens would be stuck (InvalidRecipient); zero resets to the account", async function () {
      const bobs = f.as(f.contributors[1]!).distributor;
      for (const stuck of [f.deployment.distributor, await f.rewardToken.getAddress()]) {
        await expect(bobs.setRecipient(R, stuck))
          .to.be.revertedWithCustomError(distributor, "InvalidRecipient")
          .withArgs(stuck);
      }
      await bobs.setRecipient(R, carol);
      await expect(bobs.setRecipient(R, ethers.ZeroAddress))
        .to.emit(distributor, "RecipientSet")
        .withArgs(bob, R, ethers.ZeroAddress);
      await activate();
      const p = proofOf(bob);
      await expect(distributor.claim(bob, R, p.amount, p.proof))
        .to.emit(distributor, "Claimed")
        .withArgs(bob, R, TOKEN(300));
    });

    it("keeps working while paused", async function () {
      await activate();
      await distributor.pause();
      const p = proofOf(alice);
      await expect(distributor.claim(alice, R, p.amount, p.proof))
        .to.emit(distributor, "Claimed")
        .withArgs(alice, R, TOKEN(600));
    });

    it("claimMany pays several accounts and skips those with nothing left", async function () {
      await activate();
      const pa = proofOf(alice);
      await distributor.claim(alice, R, pa.amount, pa.proof);
      const requests = [alice, bob, carol].map((a) => ({
        account: a,
        token: R,
        cumulativeAmount: proofOf(a).amount,
        proof: proofOf(a).proof,
      }));
      await expect(distributor.claimMany(requests)).to.emit(distributor, "Claimed").withArgs(carol, R, TOKEN(100));
      expect(await distributor.totalClaimedOf(R)).to.equal(TOKEN(1_000));
      await expect(distributor.claimMany([{ ...requests[0]!, cumulativeAmount: 1n }]))
        .to.be.revertedWithCustomError(distributor, "InvalidProof")
        .withArgs(alice, R, 1n);
    });

    it("never pays beyond the active cumulative total, even if a quorum signed a tree whose leaves exceed it", async function () {
      await distributor.veto(0);
      const greedy = tree([
        [alice, TOKEN(900)],
        [bob, TOKEN(900)],
      ]);
      await submit(0n, greedy.root, TOKEN(1_000));
      await activate();
      await distributor.claim(alice, R, TOKEN(900), proof(greedy, alice));
      await expect(distributor.claim(bob, R, TOKEN(900), proof(greedy, bob)))
        .to.be.revertedWithCustomError(distributor, "ClaimExceedsActiveTotal")
        .withArgs(R, TOKEN(1_800), TOKEN(1_000));
    });
  });

  describe("reportEquivocation", function () {
    beforeEach(async function () {
      await fund(0n, TOKEN(1_000));
      await toEpoch(1n);
    });

    it("slashes a validator who signed two different settlements of one epoch, pays the reporter, once", async function () {
      const v1 = f.validators[0]!;
      const a = await message(0n, tree([[alice, 1n]]).root, 1n);
      const b = await message(0n, tree([[bob, 1n]]).root, 1n);
      const [sa] = await sign(a, [v1]);
      const [sb] = await sign(b, [v1]);
      const reporter = f.contributors[4]!;
      await expect(f.as(reporter).distributor.reportEquivocation(a, sa!, b, sb!))
        .to.emit(distributor, "EquivocationSlashed")
        .withArgs(await v1.getAddress(), 0, await reporter.getAddress(), TOKEN(100));
      expect(await f.stakeToken.balanceOf(await reporter.getAddress())).to.equal(TOKEN(5));
      expect((await f.tributary.staking.validators(await v1.getAddress())).bonded).to.equal(TOKEN(900));
      await expect(distributor.reportEquivocation(a, sa!, b, sb!))
        .to.be.revertedWithCustomError(distributor, "EquivocationAlreadySlashed")
        .withArgs(await v1.getAddress(), 0);
    });

    it("passes staking the configured fraction, up to the largest staking accepts", async function () {
      expect(await distributor.MAX_EQUIVOCATION_SLASH_BPS()).to.be.at.most(await f.tributary.staking.MAX_SLASH_BPS());
      await distributor.setEquivocationSlashBps(await distributor.MAX_EQUIVOCATION_SLASH_BPS());
      const v1 = f.validators[0]!;
      const a = await message(0n, tree([[alice, 1n]]).root, 1n);
      const b = await message(0n, tree([[bob, 1n]]).root, 1n);
      const [sa] = await sign(a, [v1]);
      const [sb] = await sign(b, [v1]);
      const reporter = f.contributors[4]!;
      await expect(f.as(reporter).distributor.reportEquivocation(a, sa!, b, sb!))
        .to.emit(f.tributary.staking, "Slashed")
        .withArgs(await v1.getAddress(), await reporter.getAddress(), TOKEN(500), 0, TOKEN(25));
      expect((await f.tributary.staking.validators(await v1.getAddress())).bonded).to.equal(TOKEN(500));
    });

    it("slashes stake still unbonding, but an equivocator whose release time passed loses nothing: NothingToSlash", async function () {
      const [, , v3, v4] = f.validators as [Signer, Signer, Signer, Signer];
      const [v3Address, v4Address] = [await v3.getAddress(), await v4.getAddress()];
      const reporter = f.contributors[4]!;
      const evidence = async (signer: Signer) => {
        const a = await message(0n, tree([[alice, 1n]]).root, 1n);
        const b = await message(0n, tree([[bob, 1n]]).root, 1n);
        const [sa] = await sign(a, [signer]);
        const [sb] = await sign(b, [signer]);
        return [a, sa!, b, sb!] as const;
      };
      await f.as(v4).staking.requestUnstake(TOKEN(400));
      await networkHelpers.time.increase(7n * DAY - 100n);
      // Validator 3 unbonds later, so its stake is still unbonding when validator 4's is released.
      await f.as(v3).staking.requestUnstake(TOKEN(600));
      await networkHelpers.time.increase(100n);

      const totalSlashed = await f.tributary.staking.totalSlashed();
      await expect(f.as(reporter).distributor.reportEquivocation(...(await evidence(v4))))
        .to.be.revertedWithCustomError(distributor, "NothingToSlash")
        .withArgs(v4Address);
      expect(await f.tributary.staking.totalSlashed()).to.equal(totalSlashed);
      await expect(f.as(v4).staking.withdraw())
        .to.emit(f.tributary.staking, "Withdrawn")
        .withArgs(v4Address, TOKEN(400));

      await expect(f.as(reporter).distributor.reportEquivocation(...(await evidence(v3))))
        .to.emit(f.tributary.staking, "Slashed")
        .withArgs(v3Address, await reporter.getAddress(), 0, TOKEN(60), TOKEN(3));
    });

    it("pays no bounty to a validator reporting its own equivocation; the treasury receives it all", async function () {
      const v1 = f.validators[0]!;
      const v1Address = await v1.getAddress();
      const treasury = await f.tributary.staking.treasury();
      const a = await message(0n, tree([[alice, 1n]]).root, 1n);
      const b = await message(0n, tree([[bob, 1n]]).root, 1n);
      const [sa] = await sign(a, [v1]);
      const [sb] = await sign(b, [v1]);
      const ownBefore = await f.stakeToken.balanceOf(v1Address);
      const treasuryBefore = await f.stakeToken.balanceOf(treasury);
      await expect(f.as(v1).distributor.reportEquivocation(a, sa!, b, sb!))
        .to.emit(distributor, "EquivocationSlashed")
        .withArgs(v1Address, 0, v1Address, TOKEN(100))
        .and.to.emit(f.tributary.staking, "Slashed")
        .withArgs(v1Address, v1Address, TOKEN(100), 0, 0);
      expect(await f.stakeToken.balanceOf(v1Address)).to.equal(ownBefore);
      expect(await f.stakeToken.balanceOf(treasury)).to.equal(treasuryBefore + TOKEN(100));
    });

    it("refuses evidence that is not equivocation", async function () {
      const [v1, v2] = f.validators as [Signer, Signer];
      const a = await message(0n, tree([[alice, 1n]]).root, 1n);
      const b = await message(0n, tree([[bob, 1n]]).root, 1n);
      const other = { ...b, epoch: 1n };
      const [sa] = await sign(a, [v1]);
      const [sb2] = await sign(b, [v2]);
      const [so] = await sign(other, [v1]);
      await expect(distributor.reportEquivocation(a, sa!, other, so!))
        .to.be.revertedWithCustomError(distributor, "EvidenceEpochMismatch")
        .withArgs(0, 1);
      const sameContent = { ...a, deadline: a.deadline + 1n };
      const [ss] = await sign(sameContent, [v1]);
      await expect(distributor.reportEquivocation(a, sa!, sameContent, ss!)).to.be.revertedWithCustomError(
        distributor,
        "EvidenceNotConflicting",
      );
      await expect(distributor.reportEquivocation(a, sa!, b, sb2!))
        .to.be.revertedWithCustomError(distributor, "EvidenceSignerMismatch")
        .withArgs(await v1.getAddress(), await v2.getAddress());
    });

    it("signing again after a veto is not equivocation: EvidenceVetoed", async function () {
      const v1 = f.validators[0]!;
      const badTree = tree([[alice, 1n]]);
      await submit(0n, badTree.root, 1n);
      await distributor.veto(0);
      const a = await message(0n, badTree.root, 1n);
      const b = await message(0n, tree([[bob, 1n]]).root, 1n);
      const [sa] = await sign(a, [v1]);
      const [sb] = await sign(b, [v1]);
      await expect(distributor.reportEquivocation(a, sa!, b, sb!))
        .to.be.revertedWithCustomError(distributor, "EvidenceVetoed")
        .withArgs(0);
    });

    it("refuses when the validator has no stake left: NothingToSlash", async function () {
      const outsider = f.contributors[0]!;
      const a = await message(0n, tree([[alice, 1n]]).root, 1n);
      const b = await message(0n, tree([[bob, 1n]]).root, 1n);
      const [sa] = await sign(a, [outsider]);
      const [sb] = await sign(b, [outsider]);
      await expect(distributor.reportEquivocation(a, sa!, b, sb!))
        .to.be.revertedWithCustomError(distributor, "NothingToSlash")
        .withArgs(await outsider.getAddress());
    });
  });

  describe("governance", function () {
    it("setters enforce bounds with ParameterOutOfBounds and emit", async function () {
      const b32 = ethers.encodeBytes32String;
      await expect(distributor.setChallengePeriod(60))
        .to.be.revertedWithCustomError(distributor, "ParameterOutOfBounds")
        .withArgs(b32("challengePeriod"), 60, 3_600, DAY / 2n);
      await expect(distributor.setChallengePeriod(7_200)).to.emit(distributor, "ChallengePeriodSet").withArgs(7_200);
      await expect(distributor.setEquivocationSlashBps(5_001))
        .to.be.revertedWithCustomError(distributor, "ParameterOutOfBounds")
        .withArgs(b32("equivocationSlashBps"), 5_001, 100, 5_000);
      await expect(distributor.setEquivocationSlashBps(200))
        .to.emit(distributor, "EquivocationSlashBpsSet")
        .withArgs(200);
      await expect(distributor.setAllocationParams(2_001, 0, 4, alice))
        .to.be.revertedWithCustomError(distributor, "ParameterOutOfBounds")
        .withArgs(b32("protocolFeeBps"), 2_001, 0, 2_000);
      await expect(distributor.setAllocationParams(0, 5_001, 4, alice))
        .to.be.revertedWithCustomError(distributor, "ParameterOutOfBounds")
        .withArgs(b32("validatorShareBps"), 5_001, 0, 5_000);
      await expect(distributor.setAllocationParams(0, 0, 4, ethers.ZeroAddress)).to.be.revertedWithCustomError(
        distributor,
        "ZeroAddress",
      );
    });

    it("the idle-refund delay is within [MIN_IDLE_REFUND_EPOCHS, MAX_IDLE_REFUND_EPOCHS]: ParameterOutOfBounds", async function () {
      const b32 = ethers.encodeBytes32String;
      expect(await distributor.MIN_IDLE_REFUND_EPOCHS()).to.equal(1n);
      expect(await distributor.MAX_IDLE_REFUND_EPOCHS()).to.equal(366n);
      for (const idle of [0n, 367n, 2n ** 16n + 4n]) {
        await expect(distributor.setAllocationParams(0, 0, idle, alice))
          .to.be.revertedWithCustomError(distributor, "ParameterOutOfBounds")
          .withArgs(b32("idleRefundEpochs"), idle, 1, 366);
        await expect(deployDistributor({ idleRefundEpochs: idle }))
          .to.be.revertedWithCustomError(distributor, "ParameterOutOfBounds")
          .withArgs(b32("idleRefundEpochs"), idle, 1, 366);
      }
      for (const idle of [1n, 366n]) {
        await expect(distributor.setAllocationParams(0, 0, idle, alice))
          .to.emit(distributor, "AllocationParamsSet")
          .withArgs(1, 0, 0, idle, alice);
        expect((await distributor.allocationParamsAt(1)).idleRefundEpochs).to.equal(idle);
        const d = await deployDistributor({ idleRefundEpochs: idle });
        expect((await d.allocationParamsAt(0)).idleRefundEpochs).to.equal(idle);
      }
      expect((await distributor.allocationParamsAt(0)).idleRefundEpochs).to.equal(1n);
    });

    it("the challenge period is at most half an epoch, so a backlog drains: maxChallengePeriod", async function () {
      const b32 = ethers.encodeBytes32String;
      expect(await distributor.maxChallengePeriod()).to.equal(DAY / 2n);
      await expect(distributor.setChallengePeriod(DAY / 2n + 1n))
        .to.be.revertedWithCustomError(distributor, "ParameterOutOfBounds")
        .withArgs(b32("challengePeriod"), DAY / 2n + 1n, 3_600, DAY / 2n);
      await expect(distributor.setChallengePeriod(DAY / 2n))
        .to.emit(distributor, "ChallengePeriodSet")
        .withArgs(DAY / 2n);
      await expect(deployDistributor({ challengePeriod: DAY / 2n + 1n }))
        .to.be.revertedWithCustomError(distributor, "ParameterOutOfBounds")
        .withArgs(b32("challengePeriod"), DAY / 2n + 1n, 3_600, DAY / 2n);
    });

    it("with long epochs the bound is MAX_CHALLENGE_PERIOD; an epoch shorter than two minimum periods is refused", async function () {
      const b32 = ethers.encodeBytes32String;
      const week = 7n * DAY;
      expect(await distributor.MAX_CHALLENGE_PERIOD()).to.equal(week);
      const monthly = await stakingWithEpoch(30n * DAY);
      const d = await deployDistributor({ staking: await monthly.getAddress(), challengePeriod: week });
      expect(await d.maxChallengePeriod()).to.equal(week);
      await expect(deployDistributor({ staking: await monthly.getAddress(), challengePeriod: week + 1n }))
        .to.be.revertedWithCustomError(distributor, "ParameterOutOfBounds")
        .withArgs(b32("challengePeriod"), week + 1n, 3_600, week);

      const shortest = await stakingWithEpoch(2n * 3_600n);
      const s = await deployDistributor({ staking: await shortest.getAddress(), challengePeriod: 3_600n });
      expect(await s.maxChallengePeriod()).to.equal(3_600n);
      const tooShort = await stakingWithEpoch(2n * 3_600n - 1n);
      await expect(deployDistributor({ staking: await tooShort.getAddress() }))
        .to.be.revertedWithCustomError(distributor, "EpochDurationOutOfBounds")
        .withArgs(2n * 3_600n - 1n, 2n * 3_600n, 30n * DAY);
    });

    it("the treasury is never the distributor, the staking contract or a listed token: InvalidTreasury", async function () {
      const stuck = [f.deployment.distributor, f.deployment.staking, R, S, C];
      for (const account of stuck) {
        await expect(distributor.setAllocationParams(0, 0, 4, account))
          .to.be.revertedWithCustomError(distributor, "InvalidTreasury")
          .withArgs(account);
      }
      const admin = await f.cast.admin.getAddress();
      const nextAddress = getCreateAddress({ from: admin, nonce: await ethers.provider.getTransactionCount(admin) });
      await expect(deployDistributor({ treasury: nextAddress }))
        .to.be.revertedWithCustomError(distributor, "InvalidTreasury")
        .withArgs(nextAddress);
      // A new distributor lists only its network pool's token.
      for (const account of [f.deployment.staking, R]) {
        await expect(deployDistributor({ treasury: account }))
          .to.be.revertedWithCustomError(distributor, "InvalidTreasury")
          .withArgs(account);
      }
    });

    it("allocation parameters change from the next epoch on, keeping history", async function () {
      await expect(distributor.setAllocationParams(100, 2_000, 3, alice))
        .to.emit(distributor, "AllocationParamsSet")
        .withArgs(1, 100, 2_000, 3, alice);
      const p0 = await distributor.allocationParamsAt(0);
      const p1 = await distributor.allocationParamsAt(1);
      expect([p0.protocolFeeBps, p0.validatorShareBps]).to.deep.equal([500n, 1_000n]);
      expect([p1.protocolFeeBps, p1.validatorShareBps, p1.idleRefundEpochs, p1.treasury]).to.deep.equal([
        100n,
        2_000n,
        3n,
        alice,
      ]);
      expect(p0.idleRefundEpochs).to.equal(1n);
      expect((await distributor.allocationParamsAt(99)).treasury).to.equal(alice);
    });

    it("governance has no path to funds: only claims move reward tokens out", async function () {
      const abi: readonly { type: string; name?: string; stateMutability?: string }[] = RewardDistributor__factory.abi;
      const outflows = abi
        .filter((x) => x.type === "function" && x.stateMutability !== "view" && x.stateMutability !== "pure")
        .map((x) => x.name ?? "");
      expect(outflows.sort()).to.deep.equal(
        [
          "acceptDefaultAdminTransfer",
          "allowToken",
          "createPool",
          "disallowToken",
          "dropSettlement",
          "freezeSettlement",
          "releaseSettlement",
          "beginDefaultAdminTransfer",
          "cancelDefaultAdminTransfer",
          "changeDefaultAdminDelay",
          "claim",
          "claimMany",
          "fund",
          "grantRole",
          "pause",
          "renounceRole",
          "reportEquivocation",
          "revokeRole",
          "rollbackDefaultAdminDelay",
          "setAllocationParams",
          "setChallengePeriod",
          "setEquivocationSlashBps",
          "setRecipient",
          "submitSettlement",
          "unpause",
          "veto",
        ].sort(),
      );
    });
  });

  describe("allowlist and pools", function () {
    /** A fresh mintable token, not listed. */
    async function newToken(symbol = "XTR") {
      return new MockERC20__factory(f.cast.admin).deploy(`Extra ${symbol}`, symbol);
    }

    it("governance lists tokens in order (TokenAllowed); listing one twice: TokenAlreadyAllowed; only the admin", async function () {
      expect(await distributor.tokens()).to.deep.equal([R, S, C]);
      for (const token of [R, S, C]) {
        expect(await distributor.isTokenAllowed(token)).to.equal(true);
        await expect(distributor.allowToken(token))
          .to.be.revertedWithCustomError(distributor, "TokenAlreadyAllowed")
          .withArgs(token);
      }
      const extra = await (await newToken()).getAddress();
      expect(await distributor.isTokenAllowed(extra)).to.equal(false);
      await expect(f.as(f.cast.dapp).distributor.allowToken(extra)).to.be.revertedWithCustomError(
        distributor,
        "AccessControlUnauthorizedAccount",
      );
      await expect(distributor.allowToken(extra)).to.emit(distributor, "TokenAllowed").withArgs(extra, 3);
      expect(await distributor.tokens()).to.deep.equal([R, S, C, extra]);
      expect(await distributor.isTokenAllowed(extra)).to.equal(true);
    });

    it("refuses to list the zero address, the distributor, the staking contract, an account without code or the treasury: InvalidToken", async function () {
      for (const token of [ethers.ZeroAddress, f.deployment.distributor, f.deployment.staking, alice]) {
        await expect(distributor.allowToken(token))
          .to.be.revertedWithCustomError(distributor, "InvalidToken")
          .withArgs(token);
      }
      // A treasury with code: fees owed to it must never be claimed to a listed token.
      const treasury = await (await newToken("TRS")).getAddress();
      await distributor.setAllocationParams(500, 1_000, 1, treasury);
      await expect(distributor.allowToken(treasury))
        .to.be.revertedWithCustomError(distributor, "InvalidToken")
        .withArgs(treasury);
      expect(await distributor.tokens()).to.deep.equal([R, S, C]);
    });

    it("lists at most MAX_TOKENS tokens (TokenLimitReached), even after a disallow; a settlement carries all of them", async function () {
      const max = await distributor.MAX_TOKENS();
      expect(max).to.equal(16n);
      const listed = [R, S, C];
      for (let i = 3n; i < max; i++) {
        const token = await (await newToken(`T${i}`)).getAddress();
        await expect(distributor.allowToken(token)).to.emit(distributor, "TokenAllowed").withArgs(token, i);
        listed.push(token);
      }
      expect(await distributor.tokens()).to.deep.equal(listed);
      const extra = await (await newToken()).getAddress();
      await expect(distributor.allowToken(extra))
        .to.be.revertedWithCustomError(distributor, "TokenLimitReached")
        .withArgs(max);
      // Listings are permanent: a disallowed token keeps its place.
      const last = listed[15]!;
      await distributor.disallowToken(last);
      await expect(distributor.allowToken(extra))
        .to.be.revertedWithCustomError(distributor, "TokenLimitReached")
        .withArgs(max);
      await expect(distributor.allowToken(last)).to.emit(distributor, "TokenAllowed").withArgs(last, 15);

      // The sixteenth token works end to end.
      const lastToken = MockERC20__factory.connect(last, f.cast.dapp);
      await lastToken.mint(dapp, TOKEN(50));
      await lastToken.approve(f.deployment.distributor, TOKEN(50));
      await f.as(f.cast.dapp).distributor.createPool(last, []);
      await fund(0n, TOKEN(50), (await distributor.poolCount()) - 1n);
      await toEpoch(1n);
      const t = tree([[alice, last, TOKEN(50)]]);
      const totals = listed.map((_, i) => (i === 15 ? TOKEN(50) : 0n));
      await submit(0n, t.root, totals);
      expect(await distributor.latestTokenCount()).to.equal(16n);
      await activate();
      await expect(distributor.claim(alice, last, TOKEN(50), proof(t, alice, last)))
        .to.emit(distributor, "Claimed")
        .withArgs(alice, last, TOKEN(50));
    });

    it("disallowToken closes a token to new pools and funding (TokenNotAllowed); it stays listed, settled and claimable", async function () {
      await fund(0n, USD(100), STABLE_POOL);
      await expect(f.as(f.cast.dapp).distributor.disallowToken(S)).to.be.revertedWithCustomError(
        distributor,
        "AccessControlUnauthorizedAccount",
      );
      await expect(distributor.disallowToken(S)).to.emit(distributor, "TokenDisallowed").withArgs(S);
      expect(await distributor.isTokenAllowed(S)).to.equal(false);
      expect(await distributor.tokens()).to.deep.equal([R, S, C]);
      await expect(distributor.disallowToken(S))
        .to.be.revertedWithCustomError(distributor, "TokenNotAllowed")
        .withArgs(S);
      await expect(f.as(f.cast.dapp).distributor.createPool(S, []))
        .to.be.revertedWithCustomError(distributor, "TokenNotAllowed")
        .withArgs(S);
      await expect(f.as(f.cast.dapp).distributor.fund(STABLE_POOL, 0, USD(1)))
        .to.be.revertedWithCustomError(distributor, "TokenNotAllowed")
        .withArgs(S);
      // Recipients can still be set, and what was funded must still be settled.
      await f.as(f.contributors[0]!).distributor.setRecipient(S, carol);
      await toEpoch(1n);
      const t = tree([[alice, S, USD(100)]]);
      await expect(submit(0n, t.root, [0n]))
        .to.be.revertedWithCustomError(distributor, "FundedTokenOmitted")
        .withArgs(S, USD(100));
      await submit(0n, t.root, [0n, USD(100)]);
      await activate();
      await expect(distributor.claim(alice, S, USD(100), proof(t, alice, S)))
        .to.emit(distributor, "Claimed")
        .withArgs(alice, S, USD(100));
      expect(await f.stableToken.balanceOf(carol)).to.equal(USD(100));
      // Allowed again, at its old index.
      await expect(distributor.allowToken(S)).to.emit(distributor, "TokenAllowed").withArgs(S, 1);
      await expect(f.as(f.cast.dapp).distributor.fund(STABLE_POOL, 1, USD(1)))
        .to.emit(distributor, "Funded")
        .withArgs(STABLE_POOL, 1, dapp, S, USD(1));
    });

    it("refuses tokens that are not listed: TokenNotListed (disallowToken, createPool, setRecipient)", async function () {
      const unlisted = await (await newToken()).getAddress();
      await expect(distributor.disallowToken(unlisted))
        .to.be.revertedWithCustomError(distributor, "TokenNotListed")
        .withArgs(unlisted);
      for (const token of [unlisted, alice, ethers.ZeroAddress]) {
        await expect(f.as(f.cast.dapp).distributor.createPool(token, []))
          .to.be.revertedWithCustomError(distributor, "TokenNotListed")
          .withArgs(token);
        await expect(f.as(f.contributors[0]!).distributor.setRecipient(token, carol))
          .to.be.revertedWithCustomError(distributor, "TokenNotListed")
          .withArgs(token);
      }
    });

    it("anyone creates a pool in an allowed token, for every datanet or strictly increasing ones (PoolCreated, poolOf)", async function () {
      const maker = f.as(f.contributors[0]!).distributor;
      await expect(maker.createPool(C, [1, 5, 9]))
        .to.emit(distributor, "PoolCreated")
        .withArgs(3, alice, C, [1, 5, 9]);
      const pool = await distributor.poolOf(3);
      expect([pool.owner, pool.token, pool.datanetCount, [...pool.datanets]]).to.deep.equal([
        alice,
        C,
        3n,
        [1n, 5n, 9n, 0n, 0n, 0n, 0n, 0n],
      ]);
      const max = await distributor.MAX_POOL_DATANETS();
      expect(max).to.equal(8n);
      const eight = [1, 2, 3, 4, 5, 6, 7, 2 ** 24 - 1];
      await expect(maker.createPool(R, eight)).to.emit(distributor, "PoolCreated").withArgs(4, alice, R, eight);
      expect((await distributor.poolOf(4)).datanetCount).to.equal(8n);
      await expect(maker.createPool(S, [])).to.emit(distributor, "PoolCreated").withArgs(5, alice, S, []);
      expect(await distributor.poolCount()).to.equal(6n);
      const stablePool = await distributor.poolOf(STABLE_POOL);
      expect([stablePool.owner, stablePool.token, stablePool.datanetCount]).to.deep.equal([dapp, S, 0n]);
    });

    it("refuses datanets that are zero, repeated, out of order or more than MAX_POOL_DATANETS: InvalidPoolDatanets", async function () {
      const maker = f.as(f.contributors[0]!).distributor;
      const cases: [number[], number][] = [
        [[0], 0],
        [[0, 1], 0],
        [[3, 3], 1],
        [[1, 4, 2], 2],
        [[1, 2, 3, 4, 5, 6, 7, 8, 9], 9],
      ];
      for (const [datanets, position] of cases) {
        await expect(maker.createPool(C, datanets))
          .to.be.revertedWithCustomError(distributor, "InvalidPoolDatanets")
          .withArgs(position);
      }
      expect(await distributor.poolCount()).to.equal(3n);
    });

    it("refuses new pools while paused", async function () {
      await distributor.pause();
      await expect(f.as(f.cast.dapp).distributor.createPool(S, [])).to.be.revertedWithCustomError(
        distributor,
        "EnforcedPause",
      );
    });

    it("setRecipient is per token and refuses the distributor and the token itself: InvalidRecipient", async function () {
      const bobs = f.as(f.contributors[1]!).distributor;
      for (const token of [R, S, C]) {
        for (const stuck of [f.deployment.distributor, token]) {
          await expect(bobs.setRecipient(token, stuck))
            .to.be.revertedWithCustomError(distributor, "InvalidRecipient")
            .withArgs(stuck);
        }
      }
      await expect(bobs.setRecipient(S, carol)).to.emit(distributor, "RecipientSet").withArgs(bob, S, carol);
      expect(await distributor.recipientOf(bob, S)).to.equal(carol);
      expect(await distributor.recipientOf(bob, R)).to.equal(ethers.ZeroAddress);
      expect(await distributor.recipientOf(bob, C)).to.equal(ethers.ZeroAddress);
    });
  });

  describe("multi-token settlements", function () {
    const totals0 = () => [TOKEN(1_000), USD(500), TOKEN(200)];
    /** Epoch 0's entitlements: exactly what was funded in each token. */
    const tree0 = () =>
      tree([
        [alice, R, TOKEN(600)],
        [bob, R, TOKEN(400)],
        [alice, S, USD(300)],
        [carol, S, USD(200)],
        [bob, C, TOKEN(200)],
      ]);
    async function fundAll() {
      await fund(0n, TOKEN(1_000));
      await fund(0n, USD(500), STABLE_POOL);
      await fund(0n, TOKEN(200), CREDIT_POOL);
      await toEpoch(1n);
    }

    it("covers every funded token in allowlist order; each (account, token) leaf claims on its own", async function () {
      await fundAll();
      const t = tree0();
      await expect(submit(0n, t.root, totals0()))
        .to.emit(distributor, "SettlementSubmitted")
        .withArgs(0, t.root, totals0(), URI, anyValue, await f.cast.admin.getAddress());
      const [latest, pending] = await distributor.latestSettlement();
      expect([latest.root, latest.tokenCount, pending]).to.deep.equal([t.root, 3n, true]);
      expect(await distributor.latestTokenCount()).to.equal(3n);
      expect(await Promise.all([R, S, C].map((x) => distributor.latestTotalOf(x)))).to.deep.equal(totals0());
      expect(await Promise.all([R, S, C].map((x) => distributor.activeTotalOf(x)))).to.deep.equal([0n, 0n, 0n]);
      await expect(distributor.claim(alice, S, USD(300), proof(t, alice, S)))
        .to.be.revertedWithCustomError(distributor, "NoActiveSettlement")
        .withArgs(S);
      await activate();
      expect(await Promise.all([R, S, C].map((x) => distributor.activeTotalOf(x)))).to.deep.equal(totals0());
      expect((await distributor.activeSettlement()).tokenCount).to.equal(3n);
      await expect(distributor.claim(alice, S, USD(300), proof(t, alice, S)))
        .to.emit(distributor, "Claimed")
        .withArgs(alice, S, USD(300));
      await expect(distributor.claim(alice, R, TOKEN(600), proof(t, alice, R)))
        .to.emit(distributor, "Claimed")
        .withArgs(alice, R, TOKEN(600));
      await expect(distributor.claim(bob, C, TOKEN(200), proof(t, bob, C)))
        .to.emit(distributor, "Claimed")
        .withArgs(bob, C, TOKEN(200));
      // A leaf proves one token only.
      await expect(distributor.claim(carol, R, USD(200), proof(t, carol, S)))
        .to.be.revertedWithCustomError(distributor, "InvalidProof")
        .withArgs(carol, R, USD(200));
      expect(await f.stableToken.balanceOf(alice)).to.equal(USD(300));
      expect(await f.rewardToken.balanceOf(alice)).to.equal(TOKEN(600));
      expect(await f.creditToken.balanceOf(bob)).to.equal(TOKEN(200));
      expect(await distributor.claimedOf(alice, R)).to.equal(TOKEN(600));
      expect(await distributor.claimedOf(alice, S)).to.equal(USD(300));
      expect(await distributor.claimedOf(alice, C)).to.equal(0n);
      expect(await Promise.all([R, S, C].map((x) => distributor.totalClaimedOf(x)))).to.deep.equal([
        TOKEN(600),
        USD(300),
        TOKEN(200),
      ]);
    });

    it("a token funded in the epoch must be covered (FundedTokenOmitted); the count is bounded (TokenCountOutOfRange)", async function () {
      await fundAll();
      const t = tree0();
      await expect(submit(0n, t.root, [TOKEN(1_000)]))
        .to.be.revertedWithCustomError(distributor, "FundedTokenOmitted")
        .withArgs(S, USD(500));
      await expect(submit(0n, t.root, [TOKEN(1_000), USD(500)]))
        .to.be.revertedWithCustomError(distributor, "FundedTokenOmitted")
        .withArgs(C, TOKEN(200));
      await expect(submit(0n, t.root, [...totals0(), 0n]))
        .to.be.revertedWithCustomError(distributor, "TokenCountOutOfRange")
        .withArgs(4, 0, 3);
      await submit(0n, t.root, totals0());
      await activate();
      await fund(1n, TOKEN(10));
      await toEpoch(2n);
      // Only the reward token was funded in epoch 1, but the count never shrinks.
      for (const totals of [[TOKEN(1_010)], [TOKEN(1_010), USD(500)]]) {
        await expect(submit(1n, t.root, totals))
          .to.be.revertedWithCustomError(distributor, "TokenCountOutOfRange")
          .withArgs(totals.length, 3, 3);
      }
      await expect(submit(1n, t.root, [TOKEN(1_010), USD(500), TOKEN(200)])).to.emit(
        distributor,
        "SettlementSubmitted",
      );
    });

    it("a settlement may cover a prefix of the listed tokens, then grow to cover more", async function () {
      await fund(0n, TOKEN(1_000));
      await toEpoch(1n);
      const t0 = tree([[alice, R, TOKEN(1_000)]]);
      await submit(0n, t0.root, [TOKEN(1_000)]);
      expect(await distributor.latestTokenCount()).to.equal(1n);
      await activate();
      expect(await distributor.activeTotalOf(S)).to.equal(0n);
      await expect(distributor.claim(carol, S, 1, []))
        .to.be.revertedWithCustomError(distributor, "NoActiveSettlement")
        .withArgs(S);

      await fund(1n, USD(500), STABLE_POOL);
      await toEpoch(2n);
      const t1 = tree([
        [alice, R, TOKEN(1_000)],
        [carol, S, USD(500)],
      ]);
      await expect(submit(1n, t1.root, [TOKEN(1_000)]))
        .to.be.revertedWithCustomError(distributor, "FundedTokenOmitted")
        .withArgs(S, USD(500));
      await submit(1n, t1.root, [TOKEN(1_000), USD(500)]);
      expect(await distributor.latestTokenCount()).to.equal(2n);
      expect(await distributor.latestTotalOf(S)).to.equal(USD(500));
      // While epoch 1 is pending, epoch 0's tree (which has no stable leaf) is the active one.
      await expect(distributor.claim(carol, S, USD(500), proof(t1, carol, S)))
        .to.be.revertedWithCustomError(distributor, "InvalidProof")
        .withArgs(carol, S, USD(500));
      await activate();
      await expect(distributor.claim(carol, S, USD(500), proof(t1, carol, S)))
        .to.emit(distributor, "Claimed")
        .withArgs(carol, S, USD(500));

      // Nothing funded in epoch 2; a settlement may still take in the last listed token, at zero.
      await toEpoch(3n);
      await expect(submit(2n, t1.root, [TOKEN(1_000)]))
        .to.be.revertedWithCustomError(distributor, "TokenCountOutOfRange")
        .withArgs(1, 2, 3);
      await submit(2n, t1.root, [TOKEN(1_000), USD(500), 0n]);
      expect(await distributor.latestTokenCount()).to.equal(3n);
      await activate();
      await toEpoch(4n);
      await expect(submit(3n, t1.root, [TOKEN(1_000), USD(500)]))
        .to.be.revertedWithCustomError(distributor, "TokenCountOutOfRange")
        .withArgs(2, 3, 3);
    });

    it("caps claims per token: leaves over one token's total stop there (ClaimExceedsActiveTotal) while other tokens pay", async function () {
      await fundAll();
      // A quorum signed a tree whose stable leaves sum to 800 against a stable total of 500.
      const greedy = tree([
        [alice, R, TOKEN(600)],
        [bob, R, TOKEN(400)],
        [alice, S, USD(400)],
        [carol, S, USD(400)],
        [bob, C, TOKEN(200)],
      ]);
      await submit(0n, greedy.root, totals0());
      await activate();
      await distributor.claim(alice, S, USD(400), proof(greedy, alice, S));
      await expect(distributor.claim(carol, S, USD(400), proof(greedy, carol, S)))
        .to.be.revertedWithCustomError(distributor, "ClaimExceedsActiveTotal")
        .withArgs(S, USD(800), USD(500));
      await expect(
        distributor.claimMany([
          { account: bob, token: R, cumulativeAmount: TOKEN(400), proof: proof(greedy, bob, R) },
          { account: carol, token: S, cumulativeAmount: USD(400), proof: proof(greedy, carol, S) },
        ]),
      )
        .to.be.revertedWithCustomError(distributor, "ClaimExceedsActiveTotal")
        .withArgs(S, USD(800), USD(500));
      await expect(distributor.claim(alice, R, TOKEN(600), proof(greedy, alice, R)))
        .to.emit(distributor, "Claimed")
        .withArgs(alice, R, TOKEN(600));
      await distributor.claim(bob, R, TOKEN(400), proof(greedy, bob, R));
      await distributor.claim(bob, C, TOKEN(200), proof(greedy, bob, C));
      expect(await Promise.all([R, S, C].map((x) => distributor.totalClaimedOf(x)))).to.deep.equal([
        TOKEN(1_000),
        USD(400),
        TOKEN(200),
      ]);
    });

    it("refuses a total over one token's budget, naming that token: SettlementOverBudget", async function () {
      await fundAll();
      await fund(1n, USD(10), STABLE_POOL); // a later epoch's funding does not count
      const t = tree0();
      await expect(submit(0n, t.root, [TOKEN(1_000), USD(500) + 1n, TOKEN(200)]))
        .to.be.revertedWithCustomError(distributor, "SettlementOverBudget")
        .withArgs(S, USD(500) + 1n, USD(500));
      await expect(submit(0n, t.root, [TOKEN(1_000), USD(500), TOKEN(200) + 1n]))
        .to.be.revertedWithCustomError(distributor, "SettlementOverBudget")
        .withArgs(C, TOKEN(200) + 1n, TOKEN(200));
      await submit(0n, t.root, totals0());
    });

    it("a token's cumulative total never decreases while others grow: CumulativeTotalDecreased", async function () {
      await fundAll();
      await submit(0n, tree0().root, totals0());
      await activate();
      await fund(1n, TOKEN(100));
      await fund(1n, USD(100), STABLE_POOL);
      await toEpoch(2n);
      const t = tree0();
      await expect(submit(1n, t.root, [TOKEN(1_100), USD(499), TOKEN(200)]))
        .to.be.revertedWithCustomError(distributor, "CumulativeTotalDecreased")
        .withArgs(S, USD(499), USD(500));
      await expect(submit(1n, t.root, [TOKEN(1_100), USD(600), TOKEN(199)]))
        .to.be.revertedWithCustomError(distributor, "CumulativeTotalDecreased")
        .withArgs(C, TOKEN(199), TOKEN(200));
      await submit(1n, t.root, [TOKEN(1_100), USD(600), TOKEN(200)]);
    });

    it("a veto restores every token's totals and budgets to the settlement before it", async function () {
      await fundAll();
      await submit(0n, tree0().root, totals0());
      await activate();
      await fund(1n, TOKEN(500));
      await fund(1n, USD(200), STABLE_POOL);
      await toEpoch(2n);
      const vetoed = tree([
        [alice, R, TOKEN(1_500)],
        [carol, S, USD(700)],
        [bob, C, TOKEN(200)],
      ]);
      await submit(1n, vetoed.root, [TOKEN(1_500), USD(700), TOKEN(200)]);
      expect(await distributor.latestTotalOf(S)).to.equal(USD(700));
      expect(await distributor.activeTotalOf(S)).to.equal(USD(500));
      await expect(distributor.veto(1)).to.emit(distributor, "SettlementVetoed").withArgs(1, vetoed.root);
      expect(await Promise.all([R, S, C].map((x) => distributor.latestTotalOf(x)))).to.deep.equal(totals0());
      expect(await Promise.all([R, S, C].map((x) => distributor.activeTotalOf(x)))).to.deep.equal(totals0());
      expect(await distributor.latestTokenCount()).to.equal(3n);
      expect(await distributor.nextEpochToSettle()).to.equal(1n);
      // Epoch 1's funding is counted once in the budget of the resubmission, not twice.
      const fixed = tree([
        [alice, R, TOKEN(1_500)],
        [carol, S, USD(600)],
        [bob, C, TOKEN(200)],
      ]);
      await expect(submit(1n, fixed.root, [TOKEN(1_500), USD(700) + 1n, TOKEN(200)]))
        .to.be.revertedWithCustomError(distributor, "SettlementOverBudget")
        .withArgs(S, USD(700) + 1n, USD(700));
      await expect(submit(1n, fixed.root, [TOKEN(1_500) + 1n, USD(600), TOKEN(200)]))
        .to.be.revertedWithCustomError(distributor, "SettlementOverBudget")
        .withArgs(R, TOKEN(1_500) + 1n, TOKEN(1_500));
      await expect(submit(1n, vetoed.root, [TOKEN(1_500), USD(700), TOKEN(200)]))
        .to.be.revertedWithCustomError(distributor, "SettlementWasVetoed")
        .withArgs(1, vetoed.root, totalsHash([TOKEN(1_500), USD(700), TOKEN(200)]), keccak256(toUtf8Bytes(URI)));
      await submit(1n, fixed.root, [TOKEN(1_500), USD(600), TOKEN(200)]);
      await activate();
      await expect(distributor.claim(carol, S, USD(600), proof(fixed, carol, S)))
        .to.emit(distributor, "Claimed")
        .withArgs(carol, S, USD(600));
    });

    it("claimMany pays several accounts in two tokens, and skips what is already claimed", async function () {
      await fundAll();
      const t = tree0();
      await submit(0n, t.root, totals0());
      await activate();
      const request = (account: string, token: string) => ({
        account,
        token,
        cumulativeAmount: t.amountOf(account, token)!,
        proof: proof(t, account, token),
      });
      await distributor.claim(alice, R, TOKEN(600), proof(t, alice, R));
      const requests = [request(alice, R), request(alice, S), request(bob, R), request(carol, S)];
      // The sum runs over tokens: 400 reward tokens and 500 stable ones (6 decimals).
      expect(await distributor.claimMany.staticCall(requests)).to.equal(TOKEN(400) + USD(500));
      const tx = distributor.claimMany(requests);
      await expect(tx).to.emit(distributor, "Claimed").withArgs(alice, S, USD(300));
      await expect(tx).to.emit(distributor, "Claimed").withArgs(bob, R, TOKEN(400));
      await expect(tx).to.emit(distributor, "Claimed").withArgs(carol, S, USD(200));
      const receipt = await (await tx).wait();
      const claimed = receipt!.logs.map((l) => distributor.interface.parseLog(l)).filter((e) => e?.name === "Claimed");
      expect(claimed).to.have.length(3);
      expect(await f.stableToken.balanceOf(carol)).to.equal(USD(200));
      expect(await f.rewardToken.balanceOf(bob)).to.equal(TOKEN(400));
      expect(await distributor.totalClaimedOf(R)).to.equal(TOKEN(1_000));
      expect(await distributor.totalClaimedOf(S)).to.equal(USD(500));
      expect(await distributor.claimMany.staticCall(requests)).to.equal(0n);
      await expect(distributor.claimMany(requests)).not.to.emit(distributor, "Claimed");
    });

    it("a recipient set for one token receives that token only", async function () {
      await fundAll();
      const t = tree0();
      await submit(0n, t.root, totals0());
      await activate();
      const recipient = await f.validators[3]!.getAddress();
      await f.as(f.contributors[0]!).distributor.setRecipient(S, recipient);
      await expect(distributor.claim(alice, S, USD(300), proof(t, alice, S)))
        .to.emit(distributor, "Claimed")
        .withArgs(alice, S, USD(300));
      await expect(distributor.claim(alice, R, TOKEN(600), proof(t, alice, R)))
        .to.emit(distributor, "Claimed")
        .withArgs(alice, R, TOKEN(600));
      expect(await f.stableToken.balanceOf(recipient)).to.equal(USD(300));
      expect(await f.stableToken.balanceOf(alice)).to.equal(0n);
      expect(await f.rewardToken.balanceOf(alice)).to.equal(TOKEN(600));
      expect(await f.rewardToken.balanceOf(recipient)).to.equal(0n);
    });

    it("claims in every token keep working while paused; funding, pools and settlements stop", async function () {
      await fundAll();
      const t = tree0();
      await submit(0n, t.root, totals0());
      await activate();
      await distributor.pause();
      await expect(distributor.claim(alice, S, USD(300), proof(t, alice, S)))
        .to.emit(distributor, "Claimed")
        .withArgs(alice, S, USD(300));
      await expect(
        distributor.claimMany([
          { account: bob, token: R, cumulativeAmount: TOKEN(400), proof: proof(t, bob, R) },
          { account: bob, token: C, cumulativeAmount: TOKEN(200), proof: proof(t, bob, C) },
        ]),
      )
        .to.emit(distributor, "Claimed")
        .withArgs(bob, C, TOKEN(200));
      expect(await f.rewardToken.balanceOf(bob)).to.equal(TOKEN(400));
      await expect(f.as(f.cast.dapp).distributor.fund(STABLE_POOL, 1, 1)).to.be.revertedWithCustomError(
        distributor,
        "EnforcedPause",
      );
      await toEpoch(2n);
      await expect(submit(1n, t.root, totals0())).to.be.revertedWithCustomError(distributor, "EnforcedPause");
    });

    it("a token never covered, or never listed, has no active settlement: NoActiveSettlement(token)", async function () {
      await expect(distributor.claim(alice, R, 1, []))
        .to.be.revertedWithCustomError(distributor, "NoActiveSettlement")
        .withArgs(R);
      await fundAll();
      await submit(0n, tree0().root, totals0());
      await activate();
      const unlisted = await (await new MockERC20__factory(f.cast.admin).deploy("Unlisted", "UNL")).getAddress();
      for (const token of [unlisted, alice]) {
        await expect(distributor.claim(alice, token, 1, []))
          .to.be.revertedWithCustomError(distributor, "NoActiveSettlement")
          .withArgs(token);
        await expect(distributor.claimMany([{ account: alice, token, cumulativeAmount: 1, proof: [] }]))
          .to.be.revertedWithCustomError(distributor, "NoActiveSettlement")
          .withArgs(token);
      }
      expect(await distributor.activeTotalOf(unlisted)).to.equal(0n);
      expect(await distributor.claimedOf(alice, unlisted)).to.equal(0n);
    });

    it("validators sign the totals array: settlements that differ only in their totals are equivocation", async function () {
      const [v1, v2] = f.validators as [Signer, Signer];
      const root = tree0().root;
      const a = await message(0n, root, totals0());
      expect(await distributor.settlementDigest(a)).to.equal(
        TypedDataEncoder.hash(
          {
            name: "Tributary RewardDistributor",
            version: "1",
            chainId: 31337n,
            verifyingContract: f.deployment.distributor,
          },
          SETTLEMENT_TYPES,
          a,
        ),
      );
      const b = { ...a, cumulativeTotals: [TOKEN(1_000), USD(499), TOKEN(200)] };
      const [sa] = await sign(a, [v1]);
      const [sb] = await sign(b, [v1]);
      await expect(distributor.reportEquivocation(a, sa!, b, sb!))
        .to.emit(distributor, "EquivocationSlashed")
        .withArgs(await v1.getAddress(), 0, await f.cast.admin.getAddress(), TOKEN(100));
      // A prefix and its extension by a zero total are different settlements too.
      const prefix = { ...a, cumulativeTotals: [TOKEN(1_000)] };
      const extended = { ...a, cumulativeTotals: [TOKEN(1_000), 0n] };
      const [sp] = await sign(prefix, [v2]);
      const [se] = await sign(extended, [v2]);
      await expect(distributor.reportEquivocation(prefix, sp!, extended, se!))
        .to.emit(distributor, "EquivocationSlashed")
        .withArgs(await v2.getAddress(), 0, await f.cast.admin.getAddress(), TOKEN(80));
      // The same totals under another deadline are not.
      const later = { ...a, deadline: a.deadline + 1n };
      const [sl] = await sign(later, [v2]);
      const [sa2] = await sign(a, [v2]);
      await expect(distributor.reportEquivocation(a, sa2!, later, sl!)).to.be.revertedWithCustomError(
        distributor,
        "EvidenceNotConflicting",
      );
    });
  });

  describe("reentrancy", function () {
    it("a reward token that re-enters fund or claim cannot double-count or double-pay", async function () {
      const token = await new ReentrantToken__factory(f.cast.admin).deploy();
      const address = await token.getAddress();
      const d = await distributorFor(address);
      await token.mint(await f.cast.admin.getAddress(), TOKEN(101));
      await token.approve(await d.getAddress(), TOKEN(101));
      // Funding: the token re-enters fund while pulling the tokens in; only the outer call counts.
      await token.arm(await d.getAddress(), d.interface.encodeFunctionData("fund", [0, 0, 1]));
      await d.fund(0, await d.currentEpoch(), TOKEN(100));
      expect(await token.reentrySucceeded()).to.equal(false);
      expect(await token.reentryError()).to.equal(d.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []));
      expect(await d.totalFundedOf(address)).to.equal(TOKEN(100));
      await toEpoch(1n);
      const t = tree([
        [alice, address, TOKEN(60)],
        [bob, address, TOKEN(40)],
      ]);
      const m = await message(0n, t.root, TOKEN(100));
      const sigs = await signSorted(f, m, f.validators.slice(0, 3), d);
      await d.submitSettlement(0, t.root, [TOKEN(100)], URI, m.deadline, sigs);
      await networkHelpers.time.increase(3_600);
      const aliceProof = proof(t, alice, address);
      await token.arm(
        await d.getAddress(),
        d.interface.encodeFunctionData("claim", [alice, address, TOKEN(60), aliceProof]),
      );
      await d.claim(alice, address, TOKEN(60), aliceProof);
      expect(await token.reentrySucceeded()).to.equal(false);
      expect(await token.reentryError()).to.equal(d.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []));
      expect(await token.balanceOf(alice)).to.equal(TOKEN(60));
      expect(await d.totalClaimedOf(address)).to.equal(TOKEN(60));
      // Re-entering fund during a claim is refused the same way.
      await token.arm(await d.getAddress(), d.interface.encodeFunctionData("fund", [0, 5, 1]));
      await d.claim(bob, address, TOKEN(40), proof(t, bob, address));
      expect(await token.reentrySucceeded()).to.equal(false);
      expect(await d.totalClaimedOf(address)).to.equal(TOKEN(100));
    });
  });
});

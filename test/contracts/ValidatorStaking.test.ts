import { expect } from "chai";
import { network } from "hardhat";
import type { Signer } from "ethers";
import {
  deployFixture,
  fundStake,
  latestTimestamp,
  sendAt,
  stakeFor,
  TOKEN,
  type Fixture,
} from "../helpers/fixture.js";
import {
  FeeOnTransferToken__factory,
  MockERC20__factory,
  ReentrantToken__factory,
  ValidatorStaking__factory,
} from "../../typechain-types/index.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;

const DAY = 86_400n;
const GOVERNANCE_DELAY = 61n * DAY;
const DEFAULT_ADMIN_ROLE = ethers.ZeroHash;

describe("ValidatorStaking", function () {
  let f: Fixture;
  let staking: Fixture["tributary"]["staking"];
  /** An account made a slasher at deployment, so tests can slash directly. */
  let slasher: Signer;
  let outsider: Signer;
  beforeEach(async function () {
    f = await networkHelpers.loadFixture(deployWithSlasher);
    staking = f.tributary.staking;
    const signers = await ethers.getSigners();
    slasher = signers[13]!;
    outsider = signers[14]!;
  });

  const addressOf = (signer: Signer) => signer.getAddress();
  const slashAs = (validator: Signer | string, bps: bigint | number, reporter: string) =>
    f.as(slasher).staking.slash(validator, bps, reporter);
  const now = () => latestTimestamp(f);

  describe("stake", function () {
    it("bonds the amount, updates totals and emits Staked", async function () {
      const newcomer = (await ethers.getSigners())[15]!;
      await fundStake(f, newcomer, TOKEN(150));
      await expect(f.as(newcomer).staking.stake(TOKEN(150)))
        .to.emit(staking, "Staked")
        .withArgs(newcomer.address, TOKEN(150), TOKEN(150));
      expect(await staking.totalBonded()).to.equal(TOKEN(2950));
      expect(await staking.activeStakeOf(newcomer.address)).to.equal(TOKEN(150));
    });

    it("reverts on zero with StakeAmountZero", async function () {
      await expect(f.as(f.validators[0]!).staking.stake(0)).to.be.revertedWithCustomError(staking, "StakeAmountZero");
    });

    it("reverts below the minimum with StakeBelowMinimum", async function () {
      const newcomer = (await ethers.getSigners())[16]!;
      await fundStake(f, newcomer, TOKEN(50));
      await expect(f.as(newcomer).staking.stake(TOKEN(50)))
        .to.be.revertedWithCustomError(staking, "StakeBelowMinimum")
        .withArgs(newcomer.address, TOKEN(50), TOKEN(100));
    });

    it("refuses while paused with EnforcedPause", async function () {
      await staking.pause();
      await expect(f.as(f.validators[0]!).staking.stake(1)).to.be.revertedWithCustomError(staking, "EnforcedPause");
    });

    it("credits only what a fee-on-transfer token delivers", async function () {
      const [admin, treasury, validator] = await ethers.getSigners();
      const token = await new FeeOnTransferToken__factory(admin).deploy();
      const standalone = await stakingFor(await token.getAddress(), admin!.address, treasury!.address);
      await token.mint(validator!.address, TOKEN(100));
      await token.connect(validator!).approve(await standalone.getAddress(), TOKEN(100));
      await expect(standalone.connect(validator!).stake(TOKEN(100)))
        .to.emit(standalone, "Staked")
        .withArgs(validator!.address, TOKEN(99), TOKEN(99));
      expect(await standalone.totalDeposited()).to.equal(TOKEN(99));
    });
  });

  describe("requestUnstake and withdraw", function () {
    it("moves stake to unbonding, then releases it after the unbonding period", async function () {
      const v = f.validators[0]!;
      const address = await addressOf(v);
      const period = await staking.unbondingPeriod();
      const requestedAt = (await now()) + 10n;
      await expect(sendAt(f, requestedAt, () => f.as(v).staking.requestUnstake(TOKEN(400))))
        .to.emit(staking, "UnstakeRequested")
        .withArgs(address, TOKEN(400), TOKEN(600), requestedAt + period);
      const state = await staking.validators(address);
      expect([state.bonded, state.unbonding, state.unbondingReleaseAt]).to.deep.equal([
        TOKEN(600),
        TOKEN(400),
        requestedAt + period,
      ]);
      await expect(sendAt(f, requestedAt + period - 1n, () => f.as(v).staking.withdraw()))
        .to.be.revertedWithCustomError(staking, "UnbondingNotFinished")
        .withArgs(address, requestedAt + period, requestedAt + period - 1n);
      await expect(sendAt(f, requestedAt + period, () => f.as(v).staking.withdraw()))
        .to.emit(staking, "Withdrawn")
        .withArgs(address, TOKEN(400));
      expect(await f.stakeToken.balanceOf(address)).to.equal(TOKEN(400));
      expect(period).to.equal(7n * DAY);
    });

    it("reverts beyond the bonded stake with InsufficientBondedStake", async function () {
      const v = f.validators[3]!;
      await expect(f.as(v).staking.requestUnstake(TOKEN(401)))
        .to.be.revertedWithCustomError(staking, "InsufficientBondedStake")
        .withArgs(await addressOf(v), TOKEN(401), TOKEN(400));
    });

    it("reverts when the rest would fall below the minimum", async function () {
      const v = f.validators[3]!;
      await expect(f.as(v).staking.requestUnstake(TOKEN(350)))
        .to.be.revertedWithCustomError(staking, "StakeBelowMinimum")
        .withArgs(await addressOf(v), TOKEN(50), TOKEN(100));
    });

    it("reverts on zero with StakeAmountZero", async function () {
      await expect(f.as(f.validators[0]!).staking.requestUnstake(0)).to.be.revertedWithCustomError(
        staking,
        "StakeAmountZero",
      );
    });

    it("reverts with NothingToWithdraw when nothing is unbonding", async function () {
      const v = f.validators[0]!;
      await expect(f.as(v).staking.withdraw())
        .to.be.revertedWithCustomError(staking, "NothingToWithdraw")
        .withArgs(await addressOf(v));
    });

    it("lets validators leave while paused: unstake and withdraw still work", async function () {
      const v = f.validators[1]!;
      await staking.pause();
      await f.as(v).staking.requestUnstake(TOKEN(800));
      await time.increase(7 * 86_400);
      await expect(f.as(v).staking.withdraw())
        .to.emit(staking, "Withdrawn")
        .withArgs(await addressOf(v), TOKEN(800));
    });
  });

  describe("slash", function () {
    it("takes a fraction of bonded plus unbonding stake, bonded first, and pays the bounty and the treasury", async function () {
      const v = f.validators[0]!;
      const address = await addressOf(v);
      const reporter = (await ethers.getSigners())[17]!;
      const treasury = await f.cast.treasury.getAddress();
      await f.as(v).staking.requestUnstake(TOKEN(900)); // bonded 100, unbonding 900
      const treasuryBefore = await f.stakeToken.balanceOf(treasury);
      // MAX_SLASH_BPS of 1000: 100 from bonded, the other 400 from unbonding; bounty 5 % of 500.
      await slashAs(v, 5_000, reporter.address);
      expect(await staking.totalSlashed()).to.equal(TOKEN(500));
      const state = await staking.validators(address);
      expect([state.bonded, state.unbonding]).to.deep.equal([0n, TOKEN(500)]);
      expect(await f.stakeToken.balanceOf(reporter.address)).to.equal(TOKEN(25));
      expect((await f.stakeToken.balanceOf(treasury)) - treasuryBefore).to.equal(TOKEN(475));
      expect(await staking.totalBonded()).to.equal(TOKEN(1800));
      expect(await staking.totalUnbonding()).to.equal(TOKEN(500));
      await expectStakeConserved();
    });

    it("emits Slashed with the split and returns the amount taken", async function () {
      const v = f.validators[0]!;
      const address = await addressOf(v);
      const reporter = (await ethers.getSigners())[17]!;
      await f.as(v).staking.requestUnstake(TOKEN(900));
      expect(await f.as(slasher).staking.slash.staticCall(address, 5_000, reporter.address)).to.equal(TOKEN(500));
      await expect(slashAs(v, 5_000, reporter.address))
        .to.emit(staking, "Slashed")
        .withArgs(address, reporter.address, TOKEN(100), TOKEN(400), TOKEN(25));
    });

    it("refuses a fraction of zero or above MAX_SLASH_BPS: SlashFractionOutOfBounds", async function () {
      const v = await addressOf(f.validators[0]!);
      expect(await staking.MAX_SLASH_BPS()).to.equal(5_000n);
      await expect(slashAs(v, 0, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(staking, "SlashFractionOutOfBounds")
        .withArgs(0, 5_000);
      await expect(slashAs(v, 5_001, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(staking, "SlashFractionOutOfBounds")
        .withArgs(5_001, 5_000);
    });

    it("ejects a validator slashed below the minimum: the rest unbonds and leaves the quorum total", async function () {
      const v = f.validators[3]!; // 400 bonded, minimum 100
      const address = await addressOf(v);
      await f.as(v).staking.requestUnstake(TOKEN(250)); // bonded 150, unbonding 250
      const totalBefore = await staking.totalBonded();
      const unbondingBefore = await staking.totalUnbonding();
      const slashedAt = (await now()) + 10n;
      const releaseAt = slashedAt + (await staking.unbondingPeriod());
      // 30 % of 400 is 120, all from bonded; the 30 left are below the minimum.
      const tx = sendAt(f, slashedAt, () => slashAs(v, 3_000, ethers.ZeroAddress));
      await expect(tx)
        .to.emit(staking, "Slashed")
        .withArgs(address, ethers.ZeroAddress, TOKEN(120), 0, 0)
        .and.to.emit(staking, "Ejected")
        .withArgs(address, TOKEN(30), releaseAt);
      const state = await staking.validators(address);
      expect([state.bonded, state.unbonding, state.unbondingReleaseAt]).to.deep.equal([0n, TOKEN(280), releaseAt]);
      expect(await staking.totalBonded()).to.equal(totalBefore - TOKEN(150));
      expect(await staking.totalUnbonding()).to.equal(unbondingBefore + TOKEN(30));
      expect(await staking.activeStakeOf(address)).to.equal(0n);
      await time.increase(1);
      expect(await staking.stakeAt(address, slashedAt)).to.equal(0n);
      expect(await staking.totalStakeAt(slashedAt)).to.equal(totalBefore - TOKEN(150));

      // A slash that leaves the minimum or more ejects nothing.
      const big = await addressOf(f.validators[0]!); // 1000 bonded
      await expect(slashAs(big, 5_000, ethers.ZeroAddress)).not.to.emit(staking, "Ejected");
      expect((await staking.validators(big)).bonded).to.equal(TOKEN(500));

      await expect(sendAt(f, releaseAt - 1n, () => f.as(v).staking.withdraw()))
        .to.be.revertedWithCustomError(staking, "UnbondingNotFinished")
        .withArgs(address, releaseAt, releaseAt - 1n);
      await expect(sendAt(f, releaseAt, () => f.as(v).staking.withdraw()))
        .to.emit(staking, "Withdrawn")
        .withArgs(address, TOKEN(280));
      await expectStakeConserved();
    });

    it("never slashes released stake: once its release time passed only bonded stake is taken", async function () {
      const v = f.validators[1]!; // 800 bonded
      const address = await addressOf(v);
      const reporter = (await ethers.getSigners())[17]!;
      await f.as(v).staking.requestUnstake(TOKEN(300));
      await time.increaseTo((await staking.validators(address)).unbondingReleaseAt);
      // Half of the 500 still bonded; the 300 released are out of reach.
      await expect(slashAs(v, 5_000, reporter.address))
        .to.emit(staking, "Slashed")
        .withArgs(address, reporter.address, TOKEN(250), 0, TOKEN("12.5"));
      const state = await staking.validators(address);
      expect([state.bonded, state.unbonding, state.released]).to.deep.equal([TOKEN(250), 0n, TOKEN(300)]);
      await expect(f.as(v).staking.withdraw()).to.emit(staking, "Withdrawn").withArgs(address, TOKEN(300));
      await expectStakeConserved();
    });

    it("takes nothing and returns zero when all of a validator's stake is released", async function () {
      const v = f.validators[2]!; // 600 bonded
      const address = await addressOf(v);
      const reporter = (await ethers.getSigners())[17]!;
      const treasury = await f.cast.treasury.getAddress();
      await f.as(v).staking.requestUnstake(TOKEN(600));
      await time.increaseTo((await staking.validators(address)).unbondingReleaseAt);
      expect(await f.as(slasher).staking.slash.staticCall(address, 5_000, reporter.address)).to.equal(0n);
      const treasuryBefore = await f.stakeToken.balanceOf(treasury);
      await expect(slashAs(v, 5_000, reporter.address))
        .to.emit(staking, "Slashed")
        .withArgs(address, reporter.address, 0, 0, 0);
      expect(await staking.totalSlashed()).to.equal(0n);
      expect(await f.stakeToken.balanceOf(treasury)).to.equal(treasuryBefore);
      await expect(f.as(v).staking.withdraw()).to.emit(staking, "Withdrawn").withArgs(address, TOKEN(600));
    });

    it("an ejection never delays released stake: it stays withdrawable at once", async function () {
      const v = f.validators[3]!; // 400 bonded
      const address = await addressOf(v);
      await f.as(v).staking.requestUnstake(TOKEN(250));
      await time.increaseTo((await staking.validators(address)).unbondingReleaseAt);
      const slashedAt = (await now()) + 10n;
      const releaseAt = slashedAt + (await staking.unbondingPeriod());
      // Half of the 150 bonded is 75; the 75 left are below the minimum and start a new unbonding clock.
      await expect(sendAt(f, slashedAt, () => slashAs(v, 5_000, ethers.ZeroAddress)))
        .to.emit(staking, "Ejected")
        .withArgs(address, TOKEN(75), releaseAt);
      const state = await staking.validators(address);
      expect([state.bonded, state.unbonding, state.released]).to.deep.equal([0n, TOKEN(75), TOKEN(250)]);
      await expect(f.as(v).staking.withdraw()).to.emit(staking, "Withdrawn").withArgs(address, TOKEN(250));
      await expect(sendAt(f, slashedAt + 20n, () => f.as(v).staking.withdraw()))
        .to.be.revertedWithCustomError(staking, "UnbondingNotFinished")
        .withArgs(address, releaseAt, slashedAt + 20n);
      await expectStakeConserved();
    });

    it("pays no bounty to a validator reporting itself", async function () {
      const v = f.validators[0]!;
      const address = await addressOf(v);
      const treasury = await f.cast.treasury.getAddress();
      const treasuryBefore = await f.stakeToken.balanceOf(treasury);
      await expect(slashAs(v, 1_000, address))
        .to.emit(staking, "Slashed")
        .withArgs(address, address, TOKEN(100), 0, 0);
      expect(await f.stakeToken.balanceOf(address)).to.equal(0n);
      expect((await f.stakeToken.balanceOf(treasury)) - treasuryBefore).to.equal(TOKEN(100));
    });

    it("only a slasher may slash: NotSlasher", async function () {
      await expect(f.as(outsider).staking.slash(await addressOf(f.validators[0]!), 1, await addressOf(outsider)))
        .to.be.revertedWithCustomError(staking, "NotSlasher")
        .withArgs(await addressOf(outsider));
    });
  });

  describe("slashers", function () {
    it("the deployment made the distributor a slasher", async function () {
      expect(await staking.isSlasher(f.deployment.distributor)).to.equal(true);
      expect(await staking.isSlasher(await addressOf(slasher))).to.equal(true);
    });

    it("scheduleSlasher applies at once while nothing is bonded or unbonding", async function () {
      const [admin, treasury, validator, account, later, third] = await ethers.getSigners();
      const token = await new MockERC20__factory(admin).deploy("Stake", "STK");
      const standalone = await stakingFor(await token.getAddress(), admin!.address, treasury!.address);
      const immediate = await standalone.scheduleSlasher(account!.address);
      await expect(immediate).to.emit(standalone, "SlasherSet").withArgs(account!.address, true);
      await expect(immediate).not.to.emit(standalone, "SlasherScheduled");
      expect(await standalone.isSlasher(account!.address)).to.equal(true);
      expect(await standalone.pendingSlasherAt(account!.address)).to.equal(0n);

      // Once stake is bonded, and still while it only unbonds, the same change waits.
      await token.mint(validator!.address, TOKEN(10));
      await token.connect(validator!).approve(await standalone.getAddress(), TOKEN(10));
      await standalone.connect(validator!).stake(TOKEN(10));
      await standalone.connect(validator!).requestUnstake(TOKEN(10));
      expect(await standalone.totalBonded()).to.equal(0n);
      const scheduledAt = (await now()) + 10n;
      await expect(sendAt(f, scheduledAt, () => standalone.scheduleSlasher(later!.address)))
        .to.emit(standalone, "SlasherScheduled")
        .withArgs(later!.address, scheduledAt + GOVERNANCE_DELAY);
      expect(await standalone.isSlasher(later!.address)).to.equal(false);

      // After everyone has left, nothing is at risk again.
      await time.increase(7 * 86_400);
      await standalone.connect(validator!).withdraw();
      await expect(standalone.scheduleSlasher(third!.address))
        .to.emit(standalone, "SlasherSet")
        .withArgs(third!.address, true);
    });

    it("once stake exists, scheduleSlasher waits GOVERNANCE_DELAY; then anyone activates it", async function () {
      const account = await addressOf(outsider);
      expect(await staking.GOVERNANCE_DELAY()).to.equal(GOVERNANCE_DELAY);
      // Longer than the longest unbonding period: a validator who disagrees can leave first.
      expect(GOVERNANCE_DELAY).to.be.greaterThan(await staking.MAX_UNBONDING_PERIOD());
      const scheduledAt = (await now()) + 10n;
      const effectiveAt = scheduledAt + GOVERNANCE_DELAY;
      const tx = await sendAt(f, scheduledAt, () => staking.scheduleSlasher(account));
      await expect(tx).to.emit(staking, "SlasherScheduled").withArgs(account, effectiveAt);
      await expect(tx).not.to.emit(staking, "SlasherSet");
      expect(await staking.isSlasher(account)).to.equal(false);
      expect(await staking.pendingSlasherAt(account)).to.equal(effectiveAt);

      const anyone = f.contributors[0]!;
      await expect(sendAt(f, effectiveAt - 1n, () => f.as(anyone).staking.activateSlasher(account)))
        .to.be.revertedWithCustomError(staking, "ChangeNotReady")
        .withArgs(account, effectiveAt, effectiveAt - 1n);
      await expect(sendAt(f, effectiveAt, () => f.as(anyone).staking.activateSlasher(account)))
        .to.emit(staking, "SlasherSet")
        .withArgs(account, true);
      expect(await staking.isSlasher(account)).to.equal(true);
      expect(await staking.pendingSlasherAt(account)).to.equal(0n);
      await expect(f.as(outsider).staking.slash(await addressOf(f.validators[0]!), 100, ethers.ZeroAddress)).to.emit(
        staking,
        "Slashed",
      );
    });

    it("activateSlasher refuses an account never scheduled: ChangeNotReady", async function () {
      const account = await addressOf(outsider);
      const attemptAt = (await now()) + 10n;
      await expect(sendAt(f, attemptAt, () => staking.activateSlasher(account)))
        .to.be.revertedWithCustomError(staking, "ChangeNotReady")
        .withArgs(account, 0, attemptAt);
    });

    it("cancelSlasher drops a pending slasher; cancelling nothing reverts with ChangeNotReady", async function () {
      const account = await addressOf(outsider);
      await staking.scheduleSlasher(account);
      await expect(staking.cancelSlasher(account)).to.emit(staking, "SlasherCancelled").withArgs(account);
      expect(await staking.pendingSlasherAt(account)).to.equal(0n);
      const attemptAt = (await now()) + GOVERNANCE_DELAY + 10n;
      await expect(sendAt(f, attemptAt, () => staking.activateSlasher(account)))
        .to.be.revertedWithCustomError(staking, "ChangeNotReady")
        .withArgs(account, 0, attemptAt);
      await expect(sendAt(f, attemptAt + 1n, () => staking.cancelSlasher(account)))
        .to.be.revertedWithCustomError(staking, "ChangeNotReady")
        .withArgs(account, 0, attemptAt + 1n);
    });

    it("removeSlasher applies at once; removing a non-slasher reverts with NotSlasher", async function () {
      const account = await addressOf(slasher);
      await expect(staking.removeSlasher(account)).to.emit(staking, "SlasherSet").withArgs(account, false);
      expect(await staking.isSlasher(account)).to.equal(false);
      await expect(slashAs(f.validators[0]!, 100, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(staking, "NotSlasher")
        .withArgs(account);
      await expect(staking.removeSlasher(account))
        .to.be.revertedWithCustomError(staking, "NotSlasher")
        .withArgs(account);
    });

    it("refuses the staking contract, the stake token, the treasury or a slasher as a slasher: InvalidRoleAccount", async function () {
      const refused = [
        f.deployment.staking,
        await f.stakeToken.getAddress(),
        await f.cast.treasury.getAddress(),
        f.deployment.distributor,
        await addressOf(slasher),
      ];
      for (const account of refused) {
        await expect(staking.scheduleSlasher(account))
          .to.be.revertedWithCustomError(staking, "InvalidRoleAccount")
          .withArgs(account);
      }
      await expect(staking.scheduleSlasher(ethers.ZeroAddress)).to.be.revertedWithCustomError(staking, "ZeroAddress");
    });

    it("a slasher scheduled while it was the pending treasury cannot activate once it is the treasury", async function () {
      const account = await addressOf(outsider);
      await staking.scheduleTreasury(account);
      await staking.scheduleSlasher(account);
      await time.increase(GOVERNANCE_DELAY);
      await staking.activateTreasury();
      await expect(staking.activateSlasher(account))
        .to.be.revertedWithCustomError(staking, "InvalidRoleAccount")
        .withArgs(account);
    });
  });

  describe("treasury", function () {
    it("scheduleTreasury applies at once while nothing is bonded or unbonding", async function () {
      const [admin, treasury, replacement] = await ethers.getSigners();
      const token = await new MockERC20__factory(admin).deploy("Stake", "STK");
      const standalone = await stakingFor(await token.getAddress(), admin!.address, treasury!.address);
      const tx = await standalone.scheduleTreasury(replacement!.address);
      await expect(tx).to.emit(standalone, "TreasurySet").withArgs(replacement!.address);
      await expect(tx).not.to.emit(standalone, "TreasuryScheduled");
      expect(await standalone.treasury()).to.equal(replacement!.address);
      expect([...(await standalone.pendingTreasury())]).to.deep.equal([ethers.ZeroAddress, 0n]);
    });

    it("once stake exists, scheduleTreasury waits GOVERNANCE_DELAY; then anyone activates it and slashes pay it", async function () {
      const replacement = await addressOf(outsider);
      const current = await staking.treasury();
      const scheduledAt = (await now()) + 10n;
      const effectiveAt = scheduledAt + GOVERNANCE_DELAY;
      const tx = await sendAt(f, scheduledAt, () => staking.scheduleTreasury(replacement));
      await expect(tx).to.emit(staking, "TreasuryScheduled").withArgs(replacement, effectiveAt);
      await expect(tx).not.to.emit(staking, "TreasurySet");
      expect(await staking.treasury()).to.equal(current);
      expect([...(await staking.pendingTreasury())]).to.deep.equal([replacement, effectiveAt]);

      const anyone = f.contributors[0]!;
      await expect(sendAt(f, effectiveAt - 1n, () => f.as(anyone).staking.activateTreasury()))
        .to.be.revertedWithCustomError(staking, "ChangeNotReady")
        .withArgs(replacement, effectiveAt, effectiveAt - 1n);
      await expect(sendAt(f, effectiveAt, () => f.as(anyone).staking.activateTreasury()))
        .to.emit(staking, "TreasurySet")
        .withArgs(replacement);
      expect(await staking.treasury()).to.equal(replacement);
      expect([...(await staking.pendingTreasury())]).to.deep.equal([ethers.ZeroAddress, 0n]);
      await expect(sendAt(f, effectiveAt + 1n, () => staking.activateTreasury()))
        .to.be.revertedWithCustomError(staking, "ChangeNotReady")
        .withArgs(ethers.ZeroAddress, 0, effectiveAt + 1n);

      await slashAs(f.validators[0]!, 1_000, ethers.ZeroAddress);
      expect(await f.stakeToken.balanceOf(replacement)).to.equal(TOKEN(100));
    });

    it("refuses the staking contract, the stake token, a slasher or the treasury itself: InvalidRoleAccount", async function () {
      const refused = [
        f.deployment.staking,
        await f.stakeToken.getAddress(),
        f.deployment.distributor,
        await addressOf(slasher),
        await f.cast.treasury.getAddress(),
      ];
      for (const account of refused) {
        await expect(staking.scheduleTreasury(account))
          .to.be.revertedWithCustomError(staking, "InvalidRoleAccount")
          .withArgs(account);
      }
      await expect(staking.scheduleTreasury(ethers.ZeroAddress)).to.be.revertedWithCustomError(staking, "ZeroAddress");
    });

    it("a treasury scheduled before its account became a slasher cannot activate", async function () {
      const account = await addressOf(outsider);
      await staking.scheduleTreasury(account);
      await staking.scheduleSlasher(account);
      await time.increase(GOVERNANCE_DELAY);
      await staking.activateSlasher(account);
      await expect(staking.activateTreasury())
        .to.be.revertedWithCustomError(staking, "InvalidRoleAccount")
        .withArgs(account);
    });
  });

  describe("checkpoints", function () {
    it("stakeAt, totalStakeAt and votingPowerAt read bonded stake at any past second", async function () {
      const v = f.validators[0]!;
      const address = await addressOf(v);
      await fundStake(f, v, TOKEN(200));
      const bondedAt = (await now()) + 10n;
      await sendAt(f, bondedAt, () => f.as(v).staking.stake(TOKEN(200)));
      const unbondedAt = bondedAt + 10n;
      await sendAt(f, unbondedAt, () => f.as(v).staking.requestUnstake(TOKEN(500)));
      await time.increase(1);

      const expected: [bigint, bigint, bigint][] = [
        [bondedAt - 1n, TOKEN(1000), TOKEN(2800)],
        [bondedAt, TOKEN(1200), TOKEN(3000)],
        [unbondedAt - 1n, TOKEN(1200), TOKEN(3000)],
        [unbondedAt, TOKEN(700), TOKEN(2500)],
      ];
      for (const [timepoint, stake, total] of expected) {
        expect(await staking.stakeAt(address, timepoint)).to.equal(stake);
        expect(await staking.totalStakeAt(timepoint)).to.equal(total);
        // quorumBps 6 667 of the total at that second, rounded up.
        const quorum = (total * 6_667n + 9_999n) / 10_000n;
        expect([...(await staking.votingPowerAt(address, timepoint))]).to.deep.equal([stake, quorum]);
      }
      expect(await staking.stakeAt(address, 0)).to.equal(0n);
      expect(await staking.stakeAt(await addressOf(outsider), unbondedAt)).to.equal(0n);
    });

    it("rounds the quorum up, so a side never decides with less than its share", async function () {
      const newcomer = (await ethers.getSigners())[15]!;
      await stakeFor(f, newcomer, TOKEN(100) + 1n);
      await time.increase(1);
      const timepoint = (await now()) - 1n;
      const total = TOKEN(2900) + 1n;
      expect(await staking.totalStakeAt(timepoint)).to.equal(total);
      const [, quorum] = await staking.votingPowerAt(newcomer.address, timepoint);
      expect(quorum * 10_000n).to.be.greaterThan(total * 6_667n);
      expect((quorum - 1n) * 10_000n).to.be.lessThan(total * 6_667n);
    });

    it("refuses the current second or later: FutureLookup", async function () {
      const address = await addressOf(f.validators[0]!);
      const current = await now();
      await expect(staking.stakeAt(address, current))
        .to.be.revertedWithCustomError(staking, "FutureLookup")
        .withArgs(current, current);
      await expect(staking.totalStakeAt(current + 5n))
        .to.be.revertedWithCustomError(staking, "FutureLookup")
        .withArgs(current + 5n, current);
      await expect(staking.votingPowerAt(address, current))
        .to.be.revertedWithCustomError(staking, "FutureLookup")
        .withArgs(current, current);
    });

    it("keeps an ERC-6372 timestamp clock", async function () {
      expect(await staking.CLOCK_MODE()).to.equal("mode=timestamp");
      expect(await staking.clock()).to.equal(await now());
      await time.increase(100);
      expect(await staking.clock()).to.equal(await now());
    });
  });

  describe("governance", function () {
    const cases: [string, string, bigint, bigint, bigint][] = [
      ["setMinStake", "minStake", 0n, 1n, 10n ** 27n],
      ["setUnbondingPeriod", "unbondingPeriod", 86_400n, 7n * 86_400n, 60n * 86_400n],
      ["setQuorumBps", "quorumBps", 5_000n, 5_001n, 10_000n],
      ["setReporterBountyBps", "reporterBountyBps", 1_001n, 0n, 1_000n],
    ];
    for (const [setter, parameter, bad, min, max] of cases) {
      it(`${setter} enforces its bounds with ParameterOutOfBounds and emits on change`, async function () {
        const setters = staking as unknown as Record<string, (v: bigint) => Promise<unknown>>;
        await expect(setters[setter]!(bad))
          .to.be.revertedWithCustomError(staking, "ParameterOutOfBounds")
          .withArgs(ethers.encodeBytes32String(parameter), bad, min, max);
        await expect(setters[setter]!(max))
          .to.emit(staking, `${parameter[0]!.toUpperCase()}${parameter.slice(1)}Set`)
          .withArgs(max);
      });
    }

    it("the unbonding period never drops below the longest voting window", async function () {
      expect(await staking.MIN_UNBONDING_PERIOD()).to.equal(7n * DAY);
      expect(await staking.MAX_VOTING_PERIOD()).to.equal(await staking.MIN_UNBONDING_PERIOD());
    });

    it("only the admin sets parameters, pauses, or changes slashers and the treasury", async function () {
      const caller = await addressOf(outsider);
      const account = await addressOf(f.contributors[0]!);
      const calls: [string, () => Promise<unknown>][] = [
        ["setMinStake", () => f.as(outsider).staking.setMinStake(5)],
        ["pause", () => f.as(outsider).staking.pause()],
        ["scheduleSlasher", () => f.as(outsider).staking.scheduleSlasher(account)],
        ["cancelSlasher", () => f.as(outsider).staking.cancelSlasher(account)],
        ["removeSlasher", () => f.as(outsider).staking.removeSlasher(f.deployment.distributor)],
        ["scheduleTreasury", () => f.as(outsider).staking.scheduleTreasury(account)],
      ];
      for (const [name, call] of calls) {
        await expect(call(), name)
          .to.be.revertedWithCustomError(staking, "AccessControlUnauthorizedAccount")
          .withArgs(caller, DEFAULT_ADMIN_ROLE);
      }
    });
  });

  describe("reentrancy", function () {
    it("a token that re-enters during stake and during withdraw is stopped by the guard", async function () {
      const [admin, treasury, validator] = await ethers.getSigners();
      const token = await new ReentrantToken__factory(admin).deploy();
      const standalone = await stakingFor(await token.getAddress(), admin!.address, treasury!.address);
      await token.mint(validator!.address, TOKEN(100));
      await token.connect(validator!).approve(await standalone.getAddress(), TOKEN(100));
      await token.arm(await standalone.getAddress(), standalone.interface.encodeFunctionData("withdraw"));
      await standalone.connect(validator!).stake(TOKEN(10));
      expect(await token.attacked()).to.equal(true);
      expect(await token.reentrySucceeded()).to.equal(false);
      expect(await token.reentryError()).to.equal(
        standalone.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []),
      );
      expect(await standalone.totalBonded()).to.equal(TOKEN(10));

      // Withdrawal: the token re-enters withdraw while paying out; the validator is paid once.
      await standalone.connect(validator!).requestUnstake(TOKEN(10));
      await time.increase(7 * 86_400);
      await token.arm(await standalone.getAddress(), standalone.interface.encodeFunctionData("withdraw"));
      const before = await token.balanceOf(validator!.address);
      await standalone.connect(validator!).withdraw();
      expect(await token.attacked()).to.equal(true);
      expect(await token.reentrySucceeded()).to.equal(false);
      expect(await token.reentryError()).to.equal(
        standalone.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []),
      );
      expect((await token.balanceOf(validator!.address)) - before).to.equal(TOKEN(10));
      expect(await standalone.totalWithdrawn()).to.equal(TOKEN(10));
    });
  });

  /** deposited = bonded + unbonding (released included) + withdrawn + slashed. */
  async function expectStakeConserved() {
    const [deposited, bonded, unbonding, withdrawn, slashed] = await Promise.all([
      staking.totalDeposited(),
      staking.totalBonded(),
      staking.totalUnbonding(),
      staking.totalWithdrawn(),
      staking.totalSlashed(),
    ]);
    expect(deposited).to.equal(bonded + unbonding + withdrawn + slashed);
    expect(await f.stakeToken.balanceOf(f.deployment.staking)).to.equal(bonded + unbonding);
  }
});

/** A standalone staking contract over `token` (minimum stake 1 token), for token-behaviour tests. */
async function stakingFor(token: string, admin: string, treasury: string) {
  const [deployer] = await ethers.getSigners();
  const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  return new ValidatorStaking__factory(deployer).deploy(
    token,
    admin,
    treasury,
    now,
    86_400,
    TOKEN(1),
    7 * 86_400,
    6_667,
  );
}

async function deployWithSlasher() {
  const slasher = (await ethers.getSigners())[13]!;
  return deployFixture(connection, { slashers: [slasher] });
}

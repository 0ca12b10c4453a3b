import { expect } from "chai";
import { network } from "hardhat";
import { deployFixture, TOKEN, type Fixture } from "../helpers/fixture.js";
import {
  FeeOnTransferToken__factory,
  ReentrantToken__factory,
  ValidatorStaking__factory,
} from "../../typechain-types/index.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

describe("ValidatorStaking", function () {
  let f: Fixture;
  beforeEach(async function () {
    f = await networkHelpers.loadFixture(deployFixtureNamed);
  });

  describe("stake", function () {
    it("bonds the amount, updates totals and emits Staked", async function () {
      const [, , , , , , , , , , , , , , , newcomer] = await ethers.getSigners();
      await f.stakeToken.mint(newcomer!.address, TOKEN(150));
      await f.stakeToken.connect(newcomer!).approve(f.deployment.staking, TOKEN(150));
      await expect(f.as(newcomer!).staking.stake(TOKEN(150)))
        .to.emit(f.tributary.staking, "Staked")
        .withArgs(newcomer!.address, TOKEN(150), TOKEN(150));
      expect(await f.tributary.staking.totalBonded()).to.equal(TOKEN(2950));
      expect(await f.tributary.staking.activeStakeOf(newcomer!.address)).to.equal(TOKEN(150));
    });

    it("reverts on zero with StakeAmountZero", async function () {
      await expect(f.as(f.validators[0]!).staking.stake(0)).to.be.revertedWithCustomError(
        f.tributary.staking,
        "StakeAmountZero",
      );
    });

    it("reverts below the minimum with StakeBelowMinimum", async function () {
      const newcomer = (await ethers.getSigners())[16]!;
      await f.stakeToken.mint(newcomer.address, TOKEN(50));
      await f.stakeToken.connect(newcomer).approve(f.deployment.staking, TOKEN(50));
      await expect(f.as(newcomer).staking.stake(TOKEN(50)))
        .to.be.revertedWithCustomError(f.tributary.staking, "StakeBelowMinimum")
        .withArgs(newcomer.address, TOKEN(50), TOKEN(100));
    });

    it("refuses while paused with EnforcedPause", async function () {
      await f.tributary.staking.pause();
      await expect(f.as(f.validators[0]!).staking.stake(1)).to.be.revertedWithCustomError(
        f.tributary.staking,
        "EnforcedPause",
      );
    });

    it("credits only what a fee-on-transfer token delivers", async function () {
      const [admin, treasury, validator] = await ethers.getSigners();
      const token = await new FeeOnTransferToken__factory(admin).deploy();
      const staking = await stakingFor(await token.getAddress(), admin!.address, treasury!.address);
      await token.mint(validator!.address, TOKEN(100));
      await token.connect(validator!).approve(await staking.getAddress(), TOKEN(100));
      await expect(staking.connect(validator!).stake(TOKEN(100)))
        .to.emit(staking, "Staked")
        .withArgs(validator!.address, TOKEN(99), TOKEN(99));
      expect(await staking.totalDeposited()).to.equal(TOKEN(99));
    });
  });

  describe("requestUnstake and withdraw", function () {
    it("moves stake to unbonding, then releases it after the unbonding period", async function () {
      const v = f.validators[0]!;
      const address = await v.getAddress();
      const period = await f.tributary.staking.unbondingPeriod();
      const tx = f.as(v).staking.requestUnstake(TOKEN(400));
      await expect(tx).to.emit(f.tributary.staking, "UnstakeRequested");
      const state = await f.tributary.staking.validators(address);
      expect(state.bonded).to.equal(TOKEN(600));
      expect(state.unbonding).to.equal(TOKEN(400));
      await expect(f.as(v).staking.withdraw())
        .to.be.revertedWithCustomError(f.tributary.staking, "UnbondingNotFinished")
        .withArgs(address, state.unbondingReleaseAt, (await networkHelpers.time.latest()) + 1);
      await networkHelpers.time.increaseTo(state.unbondingReleaseAt);
      await expect(f.as(v).staking.withdraw()).to.emit(f.tributary.staking, "Withdrawn").withArgs(address, TOKEN(400));
      expect(await f.stakeToken.balanceOf(address)).to.equal(TOKEN(400));
      expect(period).to.equal(7n * 86_400n);
    });

    it("reverts beyond the bonded stake with InsufficientBondedStake", async function () {
      const v = f.validators[3]!;
      await expect(f.as(v).staking.requestUnstake(TOKEN(401)))
        .to.be.revertedWithCustomError(f.tributary.staking, "InsufficientBondedStake")
        .withArgs(await v.getAddress(), TOKEN(401), TOKEN(400));
    });

    it("reverts when the rest would fall below the minimum", async function () {
      const v = f.validators[3]!;
      await expect(f.as(v).staking.requestUnstake(TOKEN(350)))
        .to.be.revertedWithCustomError(f.tributary.staking, "StakeBelowMinimum")
        .withArgs(await v.getAddress(), TOKEN(50), TOKEN(100));
    });

    it("reverts on zero with StakeAmountZero", async function () {
      await expect(f.as(f.validators[0]!).staking.requestUnstake(0)).to.be.revertedWithCustomError(
        f.tributary.staking,
        "StakeAmountZero",
      );
    });

    it("reverts with NothingToWithdraw when nothing is unbonding", async function () {
      const v = f.validators[0]!;
      await expect(f.as(v).staking.withdraw())
        .to.be.revertedWithCustomError(f.tributary.staking, "NothingToWithdraw")
        .withArgs(await v.getAddress());
    });

    it("lets validators leave while paused: unstake and withdraw still work", async function () {
      const v = f.validators[1]!;
      await f.tributary.staking.pause();
      await f.as(v).staking.requestUnstake(TOKEN(800));
      await networkHelpers.time.increase(7 * 86_400);
      await expect(f.as(v).staking.withdraw()).to.emit(f.tributary.staking, "Withdrawn");
    });
  });

  describe("slash", function () {
    /** Makes the admin a slasher the way governance must once stake exists: schedule, wait, activate. */
    async function adminSlasher() {
      const staking = f.tributary.staking;
      const [admin] = await ethers.getSigners();
      await staking.scheduleSlasher(admin!.address);
      await networkHelpers.time.increase(await staking.GOVERNANCE_DELAY());
      await staking.activateSlasher(admin!.address);
      return admin!;
    }

    it("takes a fraction of bonded stake first, then unbonding, and pays the bounty and the treasury", async function () {
      await adminSlasher();
      const v = f.validators[3]!; // 400 bonded
      const address = await v.getAddress();
      await f.as(v).staking.requestUnstake(TOKEN(300)); // 100 bonded, 300 unbonding
      const reporter = (await ethers.getSigners())[17]!;
      // 50 % of the 400 slashable: 100 from the bond, 100 from unbonding; 5 % of it to the reporter.
      await expect(f.tributary.staking.slash(address, 5_000, reporter.address))
        .to.emit(f.tributary.staking, "Slashed")
        .withArgs(address, reporter.address, TOKEN(100), TOKEN(100), TOKEN(10));
      const state = await f.tributary.staking.validators(address);
      expect([state.bonded, state.unbonding]).to.deep.equal([0n, TOKEN(200)]);
      expect(await f.stakeToken.balanceOf(reporter.address)).to.equal(TOKEN(10));
      expect(await f.stakeToken.balanceOf(await f.cast.treasury.getAddress())).to.equal(TOKEN(190));
    });

    it("refuses a fraction of zero or above MAX_SLASH_BPS with SlashFractionOutOfBounds", async function () {
      await adminSlasher();
      const staking = f.tributary.staking;
      const v = await f.validators[0]!.getAddress();
      await expect(staking.slash(v, 0, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(staking, "SlashFractionOutOfBounds")
        .withArgs(0, 5_000);
      await expect(staking.slash(v, 5_001, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(staking, "SlashFractionOutOfBounds")
        .withArgs(5_001, 5_000);
    });

    it("never touches stake whose release time has passed, and an ejection never delays it", async function () {
      await adminSlasher();
      const staking = f.tributary.staking;
      const v = f.validators[3]!; // 400 bonded
      const address = await v.getAddress();
      await f.as(v).staking.requestUnstake(TOKEN(250)); // 150 bonded, 250 unbonding
      const released = (await staking.validators(address)).unbondingReleaseAt;
      await networkHelpers.time.increaseTo(released);
      // 50 % of the 150 still bonded: 75 taken, 75 left below the minimum and ejected; the 250
      // released stays released and is withdrawable at once.
      const tx = staking.slash(address, 5_000, ethers.ZeroAddress);
      await expect(tx).to.emit(staking, "Slashed").withArgs(address, ethers.ZeroAddress, TOKEN(75), 0, 0);
      await expect(tx).to.emit(staking, "Ejected");
      const state = await staking.validators(address);
      expect([state.bonded, state.unbonding, state.released]).to.deep.equal([0n, TOKEN(75), TOKEN(250)]);
      await expect(f.as(v).staking.withdraw()).to.emit(staking, "Withdrawn").withArgs(address, TOKEN(250));
      expect(
        (await staking.totalBonded()) +
          (await staking.totalUnbonding()) +
          (await staking.totalWithdrawn()) +
          (await staking.totalSlashed()),
      ).to.equal(await staking.totalDeposited());
    });

    it("ejects a validator slashed below the minimum: the rest unbonds and leaves the quorum total", async function () {
      await adminSlasher();
      const staking = f.tributary.staking;
      const newcomer = (await ethers.getSigners())[16]!;
      await f.stakeToken.mint(newcomer.address, TOKEN(150));
      await f.stakeToken.connect(newcomer).approve(f.deployment.staking, TOKEN(150));
      await f.as(newcomer).staking.stake(TOKEN(150));
      const totalBefore = await staking.totalBonded();
      const tx = staking.slash(newcomer.address, 5_000, ethers.ZeroAddress);
      const releaseAt = BigInt(await networkHelpers.time.latest()) + 1n + (await staking.unbondingPeriod());
      await expect(tx)
        .to.emit(staking, "Slashed")
        .withArgs(newcomer.address, ethers.ZeroAddress, TOKEN(75), 0, 0)
        .and.to.emit(staking, "Ejected")
        .withArgs(newcomer.address, TOKEN(75), releaseAt);
      expect(await staking.totalBonded()).to.equal(totalBefore - TOKEN(150));
      expect(await staking.activeStakeOf(newcomer.address)).to.equal(0n);
      // A slash that leaves the minimum or more ejects nothing.
      await expect(staking.slash(await f.validators[0]!.getAddress(), 5_000, ethers.ZeroAddress)).not.to.emit(
        staking,
        "Ejected",
      );
    });

    it("pays no bounty to a validator that reports itself", async function () {
      await adminSlasher();
      const v = await f.validators[0]!.getAddress();
      await expect(f.tributary.staking.slash(v, 1_000, v))
        .to.emit(f.tributary.staking, "Slashed")
        .withArgs(v, v, TOKEN(100), 0, 0);
    });

    it("is refused to anyone who is not a slasher, with NotSlasher", async function () {
      const outsider = f.contributors[0]!;
      await expect(f.as(outsider).staking.slash(await f.validators[0]!.getAddress(), 1, outsider))
        .to.be.revertedWithCustomError(f.tributary.staking, "NotSlasher")
        .withArgs(await outsider.getAddress());
    });
  });

  describe("slashers and treasury", function () {
    it("apply at once while no stake exists, and only after GOVERNANCE_DELAY once it does", async function () {
      const [admin, treasury, validator, other] = await ethers.getSigners();
      const staking = await stakingFor(await f.stakeToken.getAddress(), admin!.address, treasury!.address);
      await expect(staking.scheduleSlasher(other!.address))
        .to.emit(staking, "SlasherSet")
        .withArgs(other!.address, true);
      expect(await staking.isSlasher(other!.address)).to.equal(true);

      await f.stakeToken.mint(validator!.address, TOKEN(10));
      await f.stakeToken.connect(validator!).approve(await staking.getAddress(), TOKEN(10));
      await staking.connect(validator!).stake(TOKEN(10));
      const delay = await staking.GOVERNANCE_DELAY();
      expect(delay).to.equal((await staking.MAX_UNBONDING_PERIOD()) + 86_400n);

      const newcomer = (await ethers.getSigners())[18]!;
      const scheduled = BigInt(await networkHelpers.time.latest()) + 1n + delay;
      await expect(staking.scheduleSlasher(newcomer.address))
        .to.emit(staking, "SlasherScheduled")
        .withArgs(newcomer.address, scheduled);
      expect(await staking.isSlasher(newcomer.address)).to.equal(false);
      await expect(staking.activateSlasher(newcomer.address))
        .to.be.revertedWithCustomError(staking, "ChangeNotReady")
        .withArgs(newcomer.address, scheduled, (await networkHelpers.time.latest()) + 1);
      // The validator sees the schedule and leaves in time: its stake is released before the slasher applies.
      await staking.connect(validator!).requestUnstake(TOKEN(10));
      const releaseAt = (await staking.validators(validator!.address)).unbondingReleaseAt;
      expect(releaseAt < scheduled).to.equal(true);
      await networkHelpers.time.increaseTo(scheduled);
      await expect(staking.connect(other!).activateSlasher(newcomer.address))
        .to.emit(staking, "SlasherSet")
        .withArgs(newcomer.address, true);
      expect(await staking.connect(newcomer).slash.staticCall(validator!.address, 5_000, ethers.ZeroAddress)).to.equal(
        0n,
      );

      // Cancelling and removing apply at once.
      const third = (await ethers.getSigners())[19]!;
      await staking.scheduleSlasher(third.address);
      await expect(staking.cancelSlasher(third.address)).to.emit(staking, "SlasherCancelled").withArgs(third.address);
      await expect(staking.cancelSlasher(third.address))
        .to.be.revertedWithCustomError(staking, "ChangeNotReady")
        .withArgs(third.address, 0, (await networkHelpers.time.latest()) + 1);
      await expect(staking.removeSlasher(newcomer.address))
        .to.emit(staking, "SlasherSet")
        .withArgs(newcomer.address, false);
      await expect(staking.removeSlasher(newcomer.address))
        .to.be.revertedWithCustomError(staking, "NotSlasher")
        .withArgs(newcomer.address);
    });

    it("changes the treasury only after the delay once stake exists; never to where tokens would be stuck", async function () {
      const staking = f.tributary.staking;
      const [, , , , , , , , , , , , , , , , , , , fresh] = await ethers.getSigners();
      const delay = await staking.GOVERNANCE_DELAY();
      const effectiveAt = BigInt(await networkHelpers.time.latest()) + 1n + delay;
      await expect(staking.scheduleTreasury(fresh!.address))
        .to.emit(staking, "TreasuryScheduled")
        .withArgs(fresh!.address, effectiveAt);
      expect(await staking.pendingTreasury()).to.deep.equal([fresh!.address, effectiveAt]);
      await expect(staking.activateTreasury())
        .to.be.revertedWithCustomError(staking, "ChangeNotReady")
        .withArgs(fresh!.address, effectiveAt, (await networkHelpers.time.latest()) + 1);
      await networkHelpers.time.increaseTo(effectiveAt);
      await expect(staking.activateTreasury()).to.emit(staking, "TreasurySet").withArgs(fresh!.address);
      expect(await staking.treasury()).to.equal(fresh!.address);

      await expect(staking.scheduleTreasury(ethers.ZeroAddress)).to.be.revertedWithCustomError(staking, "ZeroAddress");
      for (const stuck of [f.deployment.staking, await f.stakeToken.getAddress(), f.deployment.distributor]) {
        await expect(staking.scheduleTreasury(stuck))
          .to.be.revertedWithCustomError(staking, "InvalidRoleAccount")
          .withArgs(stuck);
      }
      // Nor can the treasury become a slasher.
      await expect(staking.scheduleSlasher(fresh!.address))
        .to.be.revertedWithCustomError(staking, "InvalidRoleAccount")
        .withArgs(fresh!.address);
      await expect(f.as(f.contributors[0]!).staking.scheduleTreasury(fresh!.address)).to.be.revertedWithCustomError(
        staking,
        "AccessControlUnauthorizedAccount",
      );
    });
  });

  describe("checkpoints", function () {
    it("reads bonded stake and its total at past timepoints on a timestamp clock; the present is refused", async function () {
      const staking = f.tributary.staking;
      const v = f.validators[0]!;
      const address = await v.getAddress();
      expect(await staking.CLOCK_MODE()).to.equal("mode=timestamp");
      const before = BigInt(await networkHelpers.time.latest());
      await networkHelpers.time.increase(10);
      await f.as(v).staking.requestUnstake(TOKEN(400));
      const after = BigInt(await networkHelpers.time.latest());
      await networkHelpers.time.increase(10);
      expect(await staking.clock()).to.equal(after + 10n);
      expect(await staking.stakeAt(address, before)).to.equal(TOKEN(1000));
      expect(await staking.stakeAt(address, after)).to.equal(TOKEN(600));
      expect(await staking.totalStakeAt(before)).to.equal(TOKEN(2800));
      expect(await staking.totalStakeAt(after)).to.equal(TOKEN(2400));
      const [power, quorum] = await staking.votingPowerAt(address, before);
      expect([power, quorum]).to.deep.equal([TOKEN(1000), (TOKEN(2800) * 6_667n + 9_999n) / 10_000n]);
      const now = await staking.clock();
      await expect(staking.stakeAt(address, now))
        .to.be.revertedWithCustomError(staking, "FutureLookup")
        .withArgs(now, now);
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
        const staking = f.tributary.staking as unknown as Record<string, (v: bigint) => Promise<unknown>>;
        await expect(staking[setter]!(bad))
          .to.be.revertedWithCustomError(f.tributary.staking, "ParameterOutOfBounds")
          .withArgs(ethers.encodeBytes32String(parameter), bad, min, max);
        await expect(staking[setter]!(max)).to.emit(
          f.tributary.staking,
          `${parameter[0]!.toUpperCase()}${parameter.slice(1)}Set`,
        );
      });
    }

    it("only the admin sets parameters or pauses", async function () {
      const outsider = f.contributors[0]!;
      await expect(f.as(outsider).staking.setMinStake(5)).to.be.revertedWithCustomError(
        f.tributary.staking,
        "AccessControlUnauthorizedAccount",
      );
      await expect(f.as(outsider).staking.pause()).to.be.revertedWithCustomError(
        f.tributary.staking,
        "AccessControlUnauthorizedAccount",
      );
    });
  });

  describe("reentrancy", function () {
    it("a token that re-enters during stake and during withdraw is stopped by the guard", async function () {
      const [admin, treasury, validator] = await ethers.getSigners();
      const token = await new ReentrantToken__factory(admin).deploy();
      const staking = await stakingFor(await token.getAddress(), admin!.address, treasury!.address);
      await token.mint(validator!.address, TOKEN(100));
      await token.connect(validator!).approve(await staking.getAddress(), TOKEN(100));
      await token.arm(await staking.getAddress(), staking.interface.encodeFunctionData("withdraw"));
      await staking.connect(validator!).stake(TOKEN(10));
      expect(await token.attacked()).to.equal(true);
      expect(await token.reentrySucceeded()).to.equal(false);
      expect(await token.reentryError()).to.equal(
        staking.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []),
      );
      expect(await staking.totalBonded()).to.equal(TOKEN(10));

      // Withdrawal: the token re-enters withdraw while paying out; the validator is paid once.
      await staking.connect(validator!).requestUnstake(TOKEN(10));
      await networkHelpers.time.increase(7 * 86_400);
      await token.arm(await staking.getAddress(), staking.interface.encodeFunctionData("withdraw"));
      const before = await token.balanceOf(validator!.address);
      await staking.connect(validator!).withdraw();
      expect(await token.attacked()).to.equal(true);
      expect(await token.reentrySucceeded()).to.equal(false);
      expect(await token.reentryError()).to.equal(
        staking.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []),
      );
      expect((await token.balanceOf(validator!.address)) - before).to.equal(TOKEN(10));
      expect(await staking.totalWithdrawn()).to.equal(TOKEN(10));
    });
  });
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

async function deployFixtureNamed() {
  return deployFixture(connection);
}

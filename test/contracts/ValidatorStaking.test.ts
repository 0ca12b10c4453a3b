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
    it("takes bonded stake first, then unbonding, pays the bounty and the treasury", async function () {
      const [admin] = await ethers.getSigners();
      const v = f.validators[0]!;
      const address = await v.getAddress();
      await f.tributary.staking.grantRole(await f.tributary.staking.SLASHER_ROLE(), admin!.address);
      await f.as(v).staking.requestUnstake(TOKEN(300));
      const reporter = (await ethers.getSigners())[17]!;
      await expect(f.tributary.staking.slash(address, TOKEN(800), reporter.address))
        .to.emit(f.tributary.staking, "Slashed")
        .withArgs(address, reporter.address, TOKEN(700), TOKEN(100), TOKEN(40));
      const state = await f.tributary.staking.validators(address);
      expect(state.bonded).to.equal(0n);
      expect(state.unbonding).to.equal(TOKEN(200));
      expect(await f.stakeToken.balanceOf(reporter.address)).to.equal(TOKEN(40));
      expect(await f.stakeToken.balanceOf(await f.cast.treasury.getAddress())).to.equal(TOKEN(760));
    });

    it("ejects a validator slashed below the minimum: the rest unbonds and leaves the quorum total", async function () {
      const [admin] = await ethers.getSigners();
      const staking = f.tributary.staking;
      await staking.grantRole(await staking.SLASHER_ROLE(), admin!.address);
      const v = f.validators[3]!; // 400 bonded, minimum 100
      const address = await v.getAddress();
      const totalBefore = await staking.totalBonded();
      const unbondingBefore = await staking.totalUnbonding();
      const tx = staking.slash(address, TOKEN(350), ethers.ZeroAddress);
      const releaseAt = BigInt(await networkHelpers.time.latest()) + 1n + (await staking.unbondingPeriod());
      await expect(tx)
        .to.emit(staking, "Slashed")
        .withArgs(address, ethers.ZeroAddress, TOKEN(350), 0, 0)
        .and.to.emit(staking, "Ejected")
        .withArgs(address, TOKEN(50), releaseAt);
      const state = await staking.validators(address);
      expect([state.bonded, state.unbonding, state.unbondingReleaseAt]).to.deep.equal([0n, TOKEN(50), releaseAt]);
      expect(await staking.totalBonded()).to.equal(totalBefore - TOKEN(400));
      expect(await staking.totalUnbonding()).to.equal(unbondingBefore + TOKEN(50));
      expect((await staking.votingPower(address))[0]).to.equal(0n);

      // A slash that leaves the minimum or more ejects nothing.
      const big = await f.validators[0]!.getAddress(); // 1000 bonded
      await expect(staking.slash(big, TOKEN(900), ethers.ZeroAddress)).not.to.emit(staking, "Ejected");
      expect((await staking.validators(big)).bonded).to.equal(TOKEN(100));

      await networkHelpers.time.increaseTo(releaseAt);
      await expect(f.as(v).staking.withdraw()).to.emit(staking, "Withdrawn").withArgs(address, TOKEN(50));
    });

    it("is restricted to the SLASHER role", async function () {
      const outsider = f.contributors[0]!;
      await expect(f.as(outsider).staking.slash(await f.validators[0]!.getAddress(), 1, outsider))
        .to.be.revertedWithCustomError(f.tributary.staking, "AccessControlUnauthorizedAccount")
        .withArgs(await outsider.getAddress(), await f.tributary.staking.SLASHER_ROLE());
    });

    it("reverts on zero with StakeAmountZero", async function () {
      const [admin] = await ethers.getSigners();
      await f.tributary.staking.grantRole(await f.tributary.staking.SLASHER_ROLE(), admin!.address);
      await expect(f.tributary.staking.slash(admin!.address, 0, admin!.address)).to.be.revertedWithCustomError(
        f.tributary.staking,
        "StakeAmountZero",
      );
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

    it("setTreasury refuses zero with ZeroAddress", async function () {
      await expect(f.tributary.staking.setTreasury(ethers.ZeroAddress)).to.be.revertedWithCustomError(
        f.tributary.staking,
        "ZeroAddress",
      );
      await expect(f.tributary.staking.setTreasury(await f.validators[0]!.getAddress())).to.emit(
        f.tributary.staking,
        "TreasurySet",
      );
    });

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

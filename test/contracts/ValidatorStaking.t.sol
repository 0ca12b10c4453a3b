// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TributaryFixture} from "../utils/TributaryFixture.sol";
import {VotingFixture} from "../utils/VotingFixture.sol";
import {IValidatorStaking} from "../../contracts/interfaces/IValidatorStaking.sol";

contract ValidatorStaking_stake is TributaryFixture {
    address internal alice = makeAddr("alice");

    function testFuzz_stake_accumulatesBondedAndTotals(uint256 first, uint256 second) public {
        first = bound(first, MIN_STAKE, 1e27);
        second = bound(second, 1, 1e27);
        _stake(alice, first);
        _stake(alice, second);
        assertEq(staking.validators(alice).bonded, first + second, "bonded");
        assertEq(staking.totalBonded(), first + second, "total bonded");
        assertEq(staking.totalDeposited(), first + second, "deposited");
        assertEq(staking.activeStakeOf(alice), first + second, "active");
    }

    function test_RevertWhen_stakeBelowMinimum() public {
        stakeToken.mint(alice, MIN_STAKE - 1);
        vm.startPrank(alice);
        stakeToken.approve(address(staking), MIN_STAKE - 1);
        vm.expectRevert(
            abi.encodeWithSelector(IValidatorStaking.StakeBelowMinimum.selector, alice, MIN_STAKE - 1, MIN_STAKE)
        );
        staking.stake(MIN_STAKE - 1);
        vm.stopPrank();
    }
}

contract ValidatorStaking_requestUnstake is TributaryFixture {
    address internal alice = makeAddr("alice");

    function testFuzz_requestUnstake_partialKeepsMinimumOrZero(uint256 staked, uint256 unstaked) public {
        staked = bound(staked, MIN_STAKE, 1e27);
        unstaked = bound(unstaked, 1, staked);
        _stake(alice, staked);
        uint256 remaining = staked - unstaked;
        vm.prank(alice);
        if (remaining != 0 && remaining < MIN_STAKE) {
            vm.expectRevert(
                abi.encodeWithSelector(IValidatorStaking.StakeBelowMinimum.selector, alice, remaining, MIN_STAKE)
            );
            staking.requestUnstake(unstaked);
            return;
        }
        staking.requestUnstake(unstaked);
        IValidatorStaking.Validator memory v = staking.validators(alice);
        assertEq(v.bonded, remaining, "bonded");
        assertEq(v.unbonding, unstaked, "unbonding");
        assertEq(v.unbondingReleaseAt, block.timestamp + UNBONDING, "release");
        assertEq(staking.totalBonded(), remaining, "total bonded");
        assertEq(staking.totalUnbonding(), unstaked, "total unbonding");

        vm.warp(block.timestamp + UNBONDING);
        vm.prank(alice);
        staking.withdraw();
        assertEq(stakeToken.balanceOf(alice), unstaked, "withdrawn to validator");
        assertEq(staking.totalWithdrawn(), unstaked, "total withdrawn");
    }
}

contract ValidatorStaking_slash is TributaryFixture {
    address internal alice = makeAddr("alice");
    address internal reporter = makeAddr("reporter");

    function testFuzz_slash_takesBondedBeforeUnbonding(uint256 staked, uint256 unstaked, uint256 slashBps) public {
        staked = bound(staked, MIN_STAKE, 1e27);
        unstaked = bound(unstaked, 0, staked - MIN_STAKE);
        slashBps = bound(slashBps, 1, staking.MAX_SLASH_BPS());
        _stake(alice, staked);
        if (unstaked > 0) {
            vm.prank(alice);
            staking.requestUnstake(unstaked);
        }
        uint256 bondedBefore = staked - unstaked;
        vm.prank(admin);
        uint256 slashed = staking.slash(alice, slashBps, reporter);

        uint256 amount = (staked * slashBps) / 10_000;
        uint256 fromBonded = amount < bondedBefore ? amount : bondedBefore;
        uint256 fromUnbonding = amount - fromBonded;
        // Bonded stake left above zero but below the minimum is ejected into unbonding.
        uint256 bondedLeft = bondedBefore - fromBonded;
        uint256 ejected = bondedLeft != 0 && bondedLeft < MIN_STAKE ? bondedLeft : 0;
        IValidatorStaking.Validator memory v = staking.validators(alice);
        assertEq(slashed, amount, "slashed");
        assertLe(slashed * 10_000, staked * staking.MAX_SLASH_BPS(), "at most the bounded fraction");
        assertEq(v.bonded, bondedLeft - ejected, "bonded after");
        assertEq(v.unbonding, unstaked - fromUnbonding + ejected, "unbonding after");
        assertTrue(v.bonded == 0 || v.bonded >= MIN_STAKE, "bonded is zero or at least the minimum");
        assertEq(staking.totalBonded(), v.bonded, "only alice's bonded stake counts toward quorum");
        uint256 bounty = (slashed * staking.reporterBountyBps()) / 10_000;
        assertEq(stakeToken.balanceOf(reporter), bounty, "bounty");
        assertEq(stakeToken.balanceOf(treasury), slashed - bounty, "treasury");
        assertEq(
            staking.totalDeposited(),
            staking.totalBonded() + staking.totalUnbonding() + staking.totalWithdrawn() + staking.totalSlashed(),
            "conservation"
        );
    }

    function test_RevertWhen_slashFractionIsZero() public {
        _stake(alice, MIN_STAKE);
        uint256 maximum = staking.MAX_SLASH_BPS();
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(IValidatorStaking.SlashFractionOutOfBounds.selector, 0, maximum));
        staking.slash(alice, 0, reporter);
    }

    function testFuzz_slash_refusesFractionsAboveTheMaximum(uint256 slashBps) public {
        uint256 maximum = staking.MAX_SLASH_BPS();
        slashBps = bound(slashBps, maximum + 1, type(uint256).max);
        _stake(alice, MIN_STAKE);
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(IValidatorStaking.SlashFractionOutOfBounds.selector, slashBps, maximum));
        staking.slash(alice, slashBps, reporter);
    }

    function test_RevertWhen_callerIsNotASlasher() public {
        _stake(alice, MIN_STAKE);
        vm.prank(reporter);
        vm.expectRevert(abi.encodeWithSelector(IValidatorStaking.NotSlasher.selector, reporter));
        staking.slash(alice, 1, reporter);
    }

    /// @notice Stake whose release time has passed is out of reach: the slash takes its fraction of the
    /// bonded stake only, and the released stake is withdrawn in full.
    function testFuzz_slash_neverTakesReleasedStake(
        uint256 staked,
        uint256 unstaked,
        uint256 wait,
        uint256 slashBps
    ) public {
        staked = bound(staked, 2 * MIN_STAKE, 1e27);
        unstaked = bound(unstaked, 1, staked - MIN_STAKE);
        wait = bound(wait, UNBONDING, 365 days);
        slashBps = bound(slashBps, 1, staking.MAX_SLASH_BPS());
        _stake(alice, staked);
        vm.prank(alice);
        staking.requestUnstake(unstaked);
        vm.warp(block.timestamp + wait);

        vm.prank(admin);
        uint256 slashed = staking.slash(alice, slashBps, address(0));
        uint256 bonded = staked - unstaked;
        assertEq(slashed, (bonded * slashBps) / 10_000, "a fraction of the bonded stake only");
        IValidatorStaking.Validator memory v = staking.validators(alice);
        assertEq(v.released, unstaked, "released stake untouched");
        vm.prank(alice);
        staking.withdraw();
        assertEq(stakeToken.balanceOf(alice), unstaked, "released stake withdrawn in full");
    }

    /// @notice A slash that leaves the bond below the minimum ejects the rest into unbonding with a fresh
    /// release time; stake released before the slash keeps its release and is withdrawable at once.
    function test_slash_ejectionDoesNotDelayReleasedStake() public {
        _stake(alice, 250e18);
        vm.prank(alice);
        staking.requestUnstake(100e18);
        vm.warp(block.timestamp + UNBONDING);

        // Half of the 150 bonded is taken; the 75 left is below the 100 minimum and is ejected.
        uint256 releaseAt = block.timestamp + UNBONDING;
        vm.expectEmit();
        emit IValidatorStaking.Ejected(alice, 75e18, releaseAt);
        vm.prank(admin);
        assertEq(staking.slash(alice, 5_000, address(0)), 75e18, "slashed");

        IValidatorStaking.Validator memory v = staking.validators(alice);
        assertEq(v.bonded, 0, "bond ejected");
        assertEq(v.unbonding, 75e18, "ejected stake unbonds");
        assertEq(v.unbondingReleaseAt, releaseAt, "on a fresh clock");
        assertEq(v.released, 100e18, "released stake kept");
        vm.prank(alice);
        staking.withdraw();
        assertEq(stakeToken.balanceOf(alice), 100e18, "released stake withdrawn at once");
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IValidatorStaking.UnbondingNotFinished.selector, alice, releaseAt, block.timestamp)
        );
        staking.withdraw();
    }

    function test_slash_takesNothingWhenAllStakeIsReleased() public {
        _stake(alice, 200e18);
        vm.prank(alice);
        staking.requestUnstake(200e18);
        vm.warp(block.timestamp + UNBONDING);
        uint256 maximum = staking.MAX_SLASH_BPS();
        vm.prank(admin);
        assertEq(staking.slash(alice, maximum, reporter), 0, "nothing slashable");
        assertEq(staking.totalSlashed(), 0, "total slashed");
        assertEq(stakeToken.balanceOf(treasury) + stakeToken.balanceOf(reporter), 0, "nothing paid out");
        assertEq(staking.validators(alice).released, 200e18, "all released");
    }

    function test_slash_paysNoBountyWhenTheValidatorReportsItself() public {
        _stake(alice, 1_000e18);
        vm.prank(admin);
        uint256 slashed = staking.slash(alice, 1_000, alice);
        assertEq(slashed, 100e18, "slashed");
        assertEq(stakeToken.balanceOf(alice), 0, "no bounty for oneself");
        assertEq(stakeToken.balanceOf(treasury), slashed, "all to the treasury");
    }
}

contract ValidatorStaking_scheduleSlasher is TributaryFixture {
    address internal alice = makeAddr("alice");
    address internal newSlasher = makeAddr("newSlasher");

    function test_scheduleSlasher_appliesAtOnceBeforeAnyStake() public {
        vm.prank(admin);
        uint256 effectiveAt = staking.scheduleSlasher(newSlasher);
        assertEq(effectiveAt, block.timestamp, "effective now");
        assertTrue(staking.isSlasher(newSlasher), "slasher");
        assertEq(staking.pendingSlasherAt(newSlasher), 0, "nothing pending");
    }

    function test_scheduleSlasher_waitsForTheGovernanceDelayOnceStakeIsBonded() public {
        _stake(alice, MIN_STAKE);
        vm.prank(admin);
        uint256 effectiveAt = staking.scheduleSlasher(newSlasher);
        assertEq(effectiveAt, block.timestamp + staking.GOVERNANCE_DELAY(), "effective after the delay");
        assertTrue(!staking.isSlasher(newSlasher), "not yet a slasher");
        assertEq(staking.pendingSlasherAt(newSlasher), effectiveAt, "pending");

        vm.warp(effectiveAt - 1);
        vm.expectRevert(
            abi.encodeWithSelector(IValidatorStaking.ChangeNotReady.selector, newSlasher, effectiveAt, effectiveAt - 1)
        );
        staking.activateSlasher(newSlasher);

        vm.warp(effectiveAt);
        // Anyone may apply it once due.
        vm.prank(alice);
        staking.activateSlasher(newSlasher);
        assertTrue(staking.isSlasher(newSlasher), "slasher");
        assertEq(staking.pendingSlasherAt(newSlasher), 0, "nothing pending");
    }

    function test_scheduleSlasher_waitsWhileStakeIsOnlyUnbonding() public {
        _stake(alice, MIN_STAKE);
        vm.prank(alice);
        staking.requestUnstake(MIN_STAKE);
        vm.prank(admin);
        assertEq(
            staking.scheduleSlasher(newSlasher),
            block.timestamp + staking.GOVERNANCE_DELAY(),
            "unbonding stake is still at risk"
        );
    }

    /// @notice The delay outlasts the longest unbonding period: a validator who disagrees leaves with all
    /// its stake before the new slasher can act.
    function test_scheduleSlasher_validatorCanLeaveBeforeItApplies() public {
        uint256 longest = staking.MAX_UNBONDING_PERIOD();
        vm.prank(admin);
        staking.setUnbondingPeriod(longest);
        _stake(alice, 1_000e18);
        vm.prank(admin);
        uint256 effectiveAt = staking.scheduleSlasher(newSlasher);
        vm.prank(alice);
        staking.requestUnstake(1_000e18);

        vm.warp(staking.validators(alice).unbondingReleaseAt);
        assertTrue(block.timestamp < effectiveAt, "released before the slasher applies");
        vm.prank(alice);
        staking.withdraw();
        assertEq(stakeToken.balanceOf(alice), 1_000e18, "left with everything");

        vm.warp(effectiveAt);
        staking.activateSlasher(newSlasher);
        uint256 maximum = staking.MAX_SLASH_BPS();
        vm.prank(newSlasher);
        assertEq(staking.slash(alice, maximum, address(0)), 0, "nothing left to slash");
    }

    function test_RevertWhen_activatingAnUnscheduledSlasher() public {
        vm.expectRevert(
            abi.encodeWithSelector(IValidatorStaking.ChangeNotReady.selector, newSlasher, 0, block.timestamp)
        );
        staking.activateSlasher(newSlasher);
    }

    function test_RevertWhen_activatingACancelledSlasher() public {
        _stake(alice, MIN_STAKE);
        vm.startPrank(admin);
        uint256 effectiveAt = staking.scheduleSlasher(newSlasher);
        staking.cancelSlasher(newSlasher);
        vm.stopPrank();
        vm.warp(effectiveAt);
        vm.expectRevert(
            abi.encodeWithSelector(IValidatorStaking.ChangeNotReady.selector, newSlasher, 0, block.timestamp)
        );
        staking.activateSlasher(newSlasher);
    }

    function test_RevertWhen_schedulingTheTreasuryAsSlasher() public {
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(IValidatorStaking.InvalidRoleAccount.selector, treasury));
        staking.scheduleSlasher(treasury);
    }

    function test_removeSlasher_appliesAtOnce() public {
        _stake(alice, MIN_STAKE);
        vm.prank(admin);
        staking.removeSlasher(admin);
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(IValidatorStaking.NotSlasher.selector, admin));
        staking.slash(alice, 1, address(0));
    }
}

contract ValidatorStaking_scheduleTreasury is TributaryFixture {
    address internal alice = makeAddr("alice");
    address internal newTreasury = makeAddr("newTreasury");

    function test_scheduleTreasury_appliesAtOnceBeforeAnyStake() public {
        vm.prank(admin);
        assertEq(staking.scheduleTreasury(newTreasury), block.timestamp, "effective now");
        assertEq(staking.treasury(), newTreasury, "treasury");
        (address pending, uint256 effectiveAt) = staking.pendingTreasury();
        assertEq(pending, address(0), "nothing pending");
        assertEq(effectiveAt, 0, "no pending time");
    }

    function test_scheduleTreasury_waitsForTheGovernanceDelayOnceStakeIsBonded() public {
        _stake(alice, 1_000e18);
        vm.prank(admin);
        uint256 effectiveAt = staking.scheduleTreasury(newTreasury);
        assertEq(effectiveAt, block.timestamp + staking.GOVERNANCE_DELAY(), "effective after the delay");
        assertEq(staking.treasury(), treasury, "unchanged meanwhile");
        (address pending, uint256 pendingAt) = staking.pendingTreasury();
        assertEq(pending, newTreasury, "pending treasury");
        assertEq(pendingAt, effectiveAt, "pending time");

        vm.warp(effectiveAt - 1);
        vm.expectRevert(
            abi.encodeWithSelector(IValidatorStaking.ChangeNotReady.selector, newTreasury, effectiveAt, effectiveAt - 1)
        );
        staking.activateTreasury();

        vm.warp(effectiveAt);
        staking.activateTreasury();
        assertEq(staking.treasury(), newTreasury, "treasury");
        vm.prank(admin);
        uint256 slashed = staking.slash(alice, 1_000, address(0));
        assertEq(stakeToken.balanceOf(newTreasury), slashed, "slashes pay the new treasury");
    }

    function test_RevertWhen_activatingWithNoTreasuryPending() public {
        vm.expectRevert(
            abi.encodeWithSelector(IValidatorStaking.ChangeNotReady.selector, address(0), 0, block.timestamp)
        );
        staking.activateTreasury();
    }

    function test_RevertWhen_schedulingASlasherAsTreasury() public {
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(IValidatorStaking.InvalidRoleAccount.selector, admin));
        staking.scheduleTreasury(admin);
    }

    /// @notice Both changes were scheduled for one account; whichever applies first, the other is refused.
    function test_RevertWhen_activatingATreasuryThatBecameASlasher() public {
        _stake(alice, MIN_STAKE);
        vm.startPrank(admin);
        uint256 effectiveAt = staking.scheduleTreasury(newTreasury);
        staking.scheduleSlasher(newTreasury);
        vm.stopPrank();
        vm.warp(effectiveAt);
        staking.activateSlasher(newTreasury);
        vm.expectRevert(abi.encodeWithSelector(IValidatorStaking.InvalidRoleAccount.selector, newTreasury));
        staking.activateTreasury();
    }
}

contract ValidatorStaking_stakeAt is VotingFixture {
    address internal alice = makeAddr("alice");

    function test_RevertWhen_lookingUpTheCurrentSecond() public {
        vm.expectRevert(
            abi.encodeWithSelector(IValidatorStaking.FutureLookup.selector, block.timestamp, uint48(block.timestamp))
        );
        staking.stakeAt(alice, block.timestamp);
    }

    /// @notice Unbonding lowers stake from now on; the past, which open items read, stays as it was.
    function test_stakeAt_keepsThePastWhenStakeLeaves() public {
        _stake(alice, 500e18);
        uint256 before = block.timestamp - 1;
        _unstake(alice, 500e18);
        vm.warp(block.timestamp + 1);
        assertEq(staking.stakeAt(alice, before), 500e18, "stake then");
        assertEq(staking.totalStakeAt(before), 500e18, "total then");
        assertEq(staking.stakeAt(alice, block.timestamp - 1), 0, "stake now");
        assertEq(staking.totalStakeAt(block.timestamp - 1), 0, "total now");
    }

    /// @notice A timepoint's value is the stake at the end of that second.
    function test_stakeAt_readsTheEndOfTheSecond() public {
        _stakeNow(alice, 300e18);
        _stakeNow(alice, 200e18);
        uint256 second = block.timestamp;
        vm.warp(second + 1);
        assertEq(staking.stakeAt(alice, second - 1), 0, "before");
        assertEq(staking.stakeAt(alice, second), 500e18, "end of the second");
    }
}

contract ValidatorStaking_votingPowerAt is TributaryFixture {
    function testFuzz_votingPowerAt_quorumIsCeilOfShareAtTheSnapshot(uint256 a, uint256 b, uint256 quorumBps) public {
        a = bound(a, MIN_STAKE, 1e27);
        b = bound(b, MIN_STAKE, 1e27);
        quorumBps = bound(quorumBps, staking.MIN_QUORUM_BPS(), staking.MAX_QUORUM_BPS());
        vm.prank(admin);
        staking.setQuorumBps(quorumBps);
        _stake(makeAddr("a"), a);
        _stake(makeAddr("b"), b);
        uint256 snapshot = block.timestamp - 1;
        // Stake bonded after the snapshot changes neither the power nor the quorum there.
        _stake(makeAddr("late"), b);
        (uint256 stake, uint256 quorum) = staking.votingPowerAt(makeAddr("a"), snapshot);
        uint256 total = a + b;
        assertEq(stake, a, "stake");
        assertEq(staking.totalStakeAt(snapshot), total, "total at the snapshot");
        // quorum is the smallest q with q * 10_000 >= total * quorumBps.
        assertGe(quorum * 10_000, total * quorumBps, "quorum reaches the share");
        assertTrue((quorum - 1) * 10_000 < total * quorumBps, "quorum is the smallest such stake");
    }
}

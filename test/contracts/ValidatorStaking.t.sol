// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TributaryFixture} from "../utils/TributaryFixture.sol";
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

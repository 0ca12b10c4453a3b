// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TributaryFixture} from "../utils/TributaryFixture.sol";
import {ValidatorStaking} from "../../contracts/ValidatorStaking.sol";
import {RewardDistributor} from "../../contracts/RewardDistributor.sol";
import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {IEpochClock} from "../../contracts/interfaces/IEpochClock.sol";
import {IGoverned} from "../../contracts/interfaces/IGoverned.sol";

/// @notice Shared setup: three validators, one funded epoch, and helpers to settle a two-account tree.
abstract contract DistributorFixture is TributaryFixture {
    uint256[3] internal keys = [uint256(0xA1), uint256(0xA2), uint256(0xA3)];
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");

    function setUp() public virtual override {
        super.setUp();
        for (uint256 i; i < 3; ++i) _stake(vm.addr(keys[i]), 1_000e18);
        rewardToken.mint(address(this), 1_000e18);
        rewardToken.approve(address(distributor), type(uint256).max);
        distributor.fund(0, 1_000e18);
    }

    function _leaf(address account, uint256 amount) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(account, amount))));
    }

    function _root(uint256 a, uint256 b) internal view returns (bytes32) {
        bytes32 la = _leaf(alice, a);
        bytes32 lb = _leaf(bob, b);
        return la < lb ? keccak256(abi.encodePacked(la, lb)) : keccak256(abi.encodePacked(lb, la));
    }

    /// @dev Settles `epoch` with entitlements (a, b) and waits out the challenge period.
    function _settle(uint256 epoch, uint256 a, uint256 b) internal {
        vm.warp(distributor.epochStart(epoch + 1) + 1);
        _submit(distributor, epoch, _root(a, b), a + b);
        vm.warp(block.timestamp + CHALLENGE);
    }

    /// @dev Submits `epoch` to `target` now, signed by the three validators in address order.
    function _submit(RewardDistributor target, uint256 epoch, bytes32 root, uint256 total) internal {
        uint256 deadline = block.timestamp + 1 days;
        bytes32 digest = target.settlementDigest(
            IRewardDistributor.SettlementData(epoch, root, total, keccak256(""), deadline)
        );
        address[3] memory signers;
        for (uint256 i; i < 3; ++i) signers[i] = vm.addr(keys[i]);
        uint256[3] memory order = [uint256(0), 1, 2];
        for (uint256 i; i < 3; ++i) {
            for (uint256 j = i + 1; j < 3; ++j) {
                if (signers[order[j]] < signers[order[i]]) (order[i], order[j]) = (order[j], order[i]);
            }
        }
        bytes[] memory signatures = new bytes[](3);
        for (uint256 i; i < 3; ++i) {
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(keys[order[i]], digest);
            signatures[i] = abi.encodePacked(r, s, v);
        }
        target.submitSettlement(epoch, root, total, "", deadline, signatures);
    }

    /// @dev A suite whose epochs last `epochDuration`, with the three validators bonded in it and a
    /// distributor at the shortest challenge period (zero for the distributor if it cannot be built).
    function _suiteWithEpoch(uint256 epochDuration) internal returns (ValidatorStaking s, RewardDistributor d) {
        s = new ValidatorStaking(
            address(stakeToken),
            admin,
            treasury,
            block.timestamp,
            epochDuration,
            MIN_STAKE,
            UNBONDING,
            QUORUM_BPS
        );
        for (uint256 i; i < 3; ++i) {
            address validator = vm.addr(keys[i]);
            stakeToken.mint(validator, 1_000e18);
            vm.startPrank(validator);
            stakeToken.approve(address(s), 1_000e18);
            s.stake(1_000e18);
            vm.stopPrank();
        }
        d = new RewardDistributor(
            address(rewardToken),
            address(s),
            admin,
            treasury,
            FEE_BPS,
            VALIDATOR_SHARE_BPS,
            CHALLENGE
        );
    }

    function _proofFor(address account, uint256 a, uint256 b) internal view returns (bytes32[] memory proof) {
        proof = new bytes32[](1);
        proof[0] = account == alice ? _leaf(bob, b) : _leaf(alice, a);
    }
}

contract RewardDistributor_claim is DistributorFixture {
    function testFuzz_claim_paysTheDifferenceAcrossSettlements(uint256 a0, uint256 b0, uint256 extraA) public {
        a0 = bound(a0, 1, 500e18);
        b0 = bound(b0, 1, 500e18);
        _settle(0, a0, b0);
        distributor.claim(alice, a0, _proofFor(alice, a0, b0));
        assertEq(rewardToken.balanceOf(alice), a0, "first claim");

        extraA = bound(extraA, 1, 1_000e18 - a0 - b0 + 1);
        rewardToken.mint(address(this), extraA);
        distributor.fund(distributor.currentEpoch(), extraA);
        uint256 a1 = a0 + extraA;
        _settle(1, a1, b0);
        distributor.claim(alice, a1, _proofFor(alice, a1, b0));
        assertEq(rewardToken.balanceOf(alice), a1, "later claim pays the difference");
        assertEq(distributor.claimedOf(alice), a1, "claimed");
        assertEq(
            rewardToken.balanceOf(address(distributor)),
            distributor.totalFunded() - distributor.totalClaimed(),
            "balance == funded - claimed"
        );
    }

    function test_RevertWhen_claimingTwice() public {
        _settle(0, 10, 20);
        distributor.claim(bob, 20, _proofFor(bob, 10, 20));
        bytes32[] memory proof = _proofFor(bob, 10, 20);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.NothingToClaim.selector, bob, 20, 20));
        distributor.claim(bob, 20, proof);
    }
}

contract RewardDistributor_submitSettlement is DistributorFixture {
    function testFuzz_submitSettlement_refusesAnythingOverBudget(uint256 a, uint256 b) public {
        a = bound(a, 0, 2_000e18);
        b = bound(b, 0, 2_000e18);
        vm.assume(a + b > 1_000e18);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.SettlementOverBudget.selector, a + b, 1_000e18));
        this.settleExternally(0, a, b);
    }

    /// @dev Epoch e is submitted only once e - 1 is active, so each settlement costs one challenge
    /// period. At the widest bound, half an epoch, two fit in every epoch: a settler who submits each
    /// epoch as soon as it may shrinks the backlog by at least one epoch per epoch until nothing but the
    /// epoch that just closed is waiting.
    function testFuzz_submitSettlement_backlogDrainsAtTheWidestChallengePeriod(
        uint256 epochDuration,
        uint256 backlog,
        uint256 offset
    ) public {
        epochDuration = bound(epochDuration, 2 * distributor.MIN_CHALLENGE_PERIOD(), staking.MAX_EPOCH_DURATION());
        backlog = bound(backlog, 2, 12);
        (, RewardDistributor d) = _suiteWithEpoch(epochDuration);
        uint256 widest = d.maxChallengePeriod();
        vm.prank(admin);
        d.setChallengePeriod(widest);
        assertEq(d.challengePeriod(), widest, "challenge period at its bound");

        uint256 start = d.epochStart(backlog) + bound(offset, 0, epochDuration - 1);
        vm.warp(start);
        uint256 waiting = d.currentEpoch() - d.nextEpochToSettle();
        assertEq(waiting, backlog, "nothing settled yet");
        for (uint256 n = 1; n <= backlog; ++n) {
            _settleAsSoonAsAllowed(d, start + n * epochDuration);
            vm.warp(start + n * epochDuration);
            uint256 previous = waiting;
            waiting = d.currentEpoch() - d.nextEpochToSettle();
            assertLe(waiting, previous > 1 ? previous - 1 : 1, "the backlog shrinks by an epoch per epoch");
        }
        assertLe(waiting, 1, "drained: at most the epoch that just closed is waiting");
    }

    /// @dev Submits every epoch at the first moment it may be, until `until` (exclusive).
    function _settleAsSoonAsAllowed(RewardDistributor d, uint256 until) internal {
        while (true) {
            uint256 next = d.nextEpochToSettle();
            uint256 readyAt = d.epochStart(next + 1);
            (IRewardDistributor.Settlement memory latest, ) = d.latestSettlement();
            if (next > 0 && latest.activatesAt > readyAt) readyAt = latest.activatesAt;
            if (readyAt >= until) return;
            if (readyAt > block.timestamp) vm.warp(readyAt);
            _submit(d, next, keccak256(abi.encode(next)), 0);
        }
    }

    /// @dev External so that expectRevert can watch the whole settlement call.
    function settleExternally(uint256 epoch, uint256 a, uint256 b) external {
        _settle(epoch, a, b);
    }
}

contract RewardDistributor_challengePeriod is DistributorFixture {
    function testFuzz_setChallengePeriod_acceptsExactlyUpToHalfAnEpoch(uint256 value) public {
        value = bound(value, 0, 2 * distributor.MAX_CHALLENGE_PERIOD());
        uint256 minimum = distributor.MIN_CHALLENGE_PERIOD();
        uint256 maximum = EPOCH / 2;
        assertEq(distributor.maxChallengePeriod(), maximum, "half a one-day epoch");
        vm.prank(admin);
        if (value < minimum || value > maximum) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IGoverned.ParameterOutOfBounds.selector,
                    bytes32("challengePeriod"),
                    value,
                    minimum,
                    maximum
                )
            );
            distributor.setChallengePeriod(value);
            return;
        }
        distributor.setChallengePeriod(value);
        assertEq(distributor.challengePeriod(), value, "set");
    }

    function test_RevertWhen_challengePeriodExceedsHalfAnEpoch() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IGoverned.ParameterOutOfBounds.selector,
                bytes32("challengePeriod"),
                EPOCH / 2 + 1,
                CHALLENGE,
                EPOCH / 2
            )
        );
        vm.prank(admin);
        distributor.setChallengePeriod(EPOCH / 2 + 1);
    }

    /// @dev The constructor applies the same bound, which depends on the epoch: half of it, capped at
    /// `MAX_CHALLENGE_PERIOD`; an epoch shorter than two minimum challenge periods admits none.
    function testFuzz_constructor_boundsTheChallengePeriodByTheEpoch(uint256 epochDuration, uint256 value) public {
        epochDuration = bound(epochDuration, staking.MIN_EPOCH_DURATION(), staking.MAX_EPOCH_DURATION());
        value = bound(value, 0, 2 * distributor.MAX_CHALLENGE_PERIOD());
        ValidatorStaking s = new ValidatorStaking(
            address(stakeToken),
            admin,
            treasury,
            block.timestamp,
            epochDuration,
            MIN_STAKE,
            UNBONDING,
            QUORUM_BPS
        );
        uint256 minimum = distributor.MIN_CHALLENGE_PERIOD();
        uint256 half = epochDuration / 2;
        uint256 maximum = half < distributor.MAX_CHALLENGE_PERIOD() ? half : distributor.MAX_CHALLENGE_PERIOD();
        if (epochDuration < 2 * minimum) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IEpochClock.EpochDurationOutOfBounds.selector,
                    epochDuration,
                    2 * minimum,
                    staking.MAX_EPOCH_DURATION()
                )
            );
        } else if (value < minimum || value > maximum) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IGoverned.ParameterOutOfBounds.selector,
                    bytes32("challengePeriod"),
                    value,
                    minimum,
                    maximum
                )
            );
        }
        RewardDistributor d = new RewardDistributor(
            address(rewardToken),
            address(s),
            admin,
            treasury,
            FEE_BPS,
            VALIDATOR_SHARE_BPS,
            value
        );
        if (epochDuration >= 2 * minimum && value >= minimum && value <= maximum) {
            assertEq(d.challengePeriod(), value, "set");
            assertEq(d.maxChallengePeriod(), maximum, "bound");
        }
    }
}

contract RewardDistributor_fund is DistributorFixture {
    function test_fund_acceptsExactlyTheMaximumAndAllOfItCanBeSettled() public {
        uint256 maximum = distributor.MAX_CUMULATIVE_TOTAL();
        uint256 rest = maximum - distributor.totalFunded();
        rewardToken.mint(address(this), rest);
        distributor.fund(0, rest);
        assertEq(distributor.totalFunded(), maximum, "funded up to the maximum");
        _settle(0, maximum - 1, 1);
        distributor.claim(alice, maximum - 1, _proofFor(alice, maximum - 1, 1));
        distributor.claim(bob, 1, _proofFor(bob, maximum - 1, 1));
        assertEq(distributor.totalClaimed(), maximum, "every funded token claimed");
        assertEq(rewardToken.balanceOf(address(distributor)), 0, "nothing left behind");
    }

    function test_RevertWhen_fundingExceedsTheMaximum() public {
        uint256 maximum = distributor.MAX_CUMULATIVE_TOTAL();
        uint256 rest = maximum - distributor.totalFunded();
        rewardToken.mint(address(this), rest + 1);
        distributor.fund(1, rest);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.FundingExceedsLimit.selector, maximum + 1, maximum));
        distributor.fund(1, 1);
    }

    function testFuzz_fund_totalFundedNeverExceedsTheMaximum(uint256 first, uint256 second) public {
        uint256 maximum = distributor.MAX_CUMULATIVE_TOTAL();
        uint256 already = distributor.totalFunded();
        first = bound(first, 1, maximum - already);
        second = bound(second, 1, maximum);
        rewardToken.mint(address(this), first + second);
        distributor.fund(0, first);
        uint256 after_ = already + first + second;
        if (after_ > maximum) {
            vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.FundingExceedsLimit.selector, after_, maximum));
        }
        distributor.fund(1, second);
        assertLe(distributor.totalFunded(), maximum, "within the maximum");
    }
}

contract RewardDistributor_treasury is DistributorFixture {
    function test_RevertWhen_treasuryIsTheDistributor() public {
        _expectInvalidTreasuryFromSetter(address(distributor));
    }

    function test_RevertWhen_treasuryIsTheStakingContract() public {
        _expectInvalidTreasuryFromSetter(address(staking));
    }

    function test_RevertWhen_treasuryIsTheRewardToken() public {
        _expectInvalidTreasuryFromSetter(address(rewardToken));
    }

    function test_RevertWhen_constructorTreasuryIsTheStakingContract() public {
        _expectInvalidTreasuryFromConstructor(address(staking));
    }

    function test_RevertWhen_constructorTreasuryIsTheRewardToken() public {
        _expectInvalidTreasuryFromConstructor(address(rewardToken));
    }

    function _expectInvalidTreasuryFromSetter(address account) internal {
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.InvalidTreasury.selector, account));
        vm.prank(admin);
        distributor.setAllocationParams(FEE_BPS, VALIDATOR_SHARE_BPS, account);
    }

    function _expectInvalidTreasuryFromConstructor(address account) internal {
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.InvalidTreasury.selector, account));
        new RewardDistributor(
            address(rewardToken),
            address(staking),
            admin,
            account,
            FEE_BPS,
            VALIDATOR_SHARE_BPS,
            CHALLENGE
        );
    }
}

contract RewardDistributor_reportEquivocation is DistributorFixture {
    address internal reporter = makeAddr("reporter");

    /// @dev Two signatures by `key` over different settlements of epoch 0.
    function _evidence(
        uint256 key
    )
        internal
        view
        returns (
            IRewardDistributor.SettlementData memory a,
            bytes memory signatureA,
            IRewardDistributor.SettlementData memory b,
            bytes memory signatureB
        )
    {
        a = IRewardDistributor.SettlementData(0, keccak256("a"), 1, keccak256(""), block.timestamp + 1 days);
        b = IRewardDistributor.SettlementData(0, keccak256("b"), 1, keccak256(""), block.timestamp + 1 days);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, distributor.settlementDigest(a));
        signatureA = abi.encodePacked(r, s, v);
        (v, r, s) = vm.sign(key, distributor.settlementDigest(b));
        signatureB = abi.encodePacked(r, s, v);
    }

    function _report(uint256 key, address caller) internal returns (uint256 slashed) {
        (
            IRewardDistributor.SettlementData memory a,
            bytes memory signatureA,
            IRewardDistributor.SettlementData memory b,
            bytes memory signatureB
        ) = _evidence(key);
        vm.prank(caller);
        slashed = distributor.reportEquivocation(a, signatureA, b, signatureB);
    }

    /// @dev The distributor passes a fraction; staking applies it to bonded stake and to unbonding
    /// stake whose release time is still ahead, never to stake already released.
    function testFuzz_reportEquivocation_slashesTheFractionOfStakeNotYetReleased(
        uint256 slashBps,
        uint256 unstaked,
        uint256 elapsed
    ) public {
        slashBps = bound(slashBps, distributor.MIN_EQUIVOCATION_SLASH_BPS(), distributor.MAX_EQUIVOCATION_SLASH_BPS());
        unstaked = bound(unstaked, 0, 1_000e18 - MIN_STAKE);
        elapsed = bound(elapsed, 0, 2 * UNBONDING);
        address validator = vm.addr(keys[0]);
        if (unstaked > 0) {
            vm.prank(validator);
            staking.requestUnstake(unstaked);
        }
        vm.warp(block.timestamp + elapsed);
        vm.prank(admin);
        distributor.setEquivocationSlashBps(slashBps);

        bool released = elapsed >= UNBONDING;
        uint256 slashable = 1_000e18 - (released ? unstaked : 0);
        uint256 expected = (slashable * slashBps) / 10_000;
        uint256 slashed = _report(keys[0], reporter);
        assertEq(slashed, expected, "slashed the fraction of slashable stake");
        assertEq(staking.totalSlashed(), expected, "total slashed");
        assertEq(
            stakeToken.balanceOf(reporter),
            (expected * staking.reporterBountyBps()) / 10_000,
            "bounty to the reporter"
        );
        if (released && unstaked > 0) {
            vm.prank(validator);
            staking.withdraw();
            assertEq(stakeToken.balanceOf(validator), unstaked, "released stake is withdrawn in full");
        }
    }

    function test_reportEquivocation_takesNothingFromStakeWhoseReleaseTimePassed() public {
        address validator = vm.addr(keys[0]);
        vm.prank(validator);
        staking.requestUnstake(1_000e18);
        vm.warp(block.timestamp + UNBONDING);
        (
            IRewardDistributor.SettlementData memory a,
            bytes memory signatureA,
            IRewardDistributor.SettlementData memory b,
            bytes memory signatureB
        ) = _evidence(keys[0]);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.NothingToSlash.selector, validator));
        vm.prank(reporter);
        distributor.reportEquivocation(a, signatureA, b, signatureB);

        assertEq(staking.totalSlashed(), 0, "nothing slashed");
        vm.prank(validator);
        staking.withdraw();
        assertEq(stakeToken.balanceOf(validator), 1_000e18, "the whole stake is withdrawn");
    }

    function test_reportEquivocation_paysNoBountyWhenTheEquivocatorReportsItself() public {
        address validator = vm.addr(keys[0]);
        uint256 treasuryBefore = stakeToken.balanceOf(treasury);
        uint256 slashed = _report(keys[0], validator);
        assertEq(slashed, (1_000e18 * distributor.equivocationSlashBps()) / 10_000, "slashed");
        assertEq(stakeToken.balanceOf(validator), 0, "no bounty for reporting oneself");
        assertEq(stakeToken.balanceOf(treasury) - treasuryBefore, slashed, "the treasury receives all of it");
    }

    function test_reportEquivocation_slashesAtTheLargestFractionStakingAccepts() public {
        assertLe(
            distributor.MAX_EQUIVOCATION_SLASH_BPS(),
            staking.MAX_SLASH_BPS(),
            "bounds within the staking contract's"
        );
        uint256 largest = distributor.MAX_EQUIVOCATION_SLASH_BPS();
        vm.prank(admin);
        distributor.setEquivocationSlashBps(largest);
        uint256 slashed = _report(keys[0], reporter);
        assertEq(slashed, (1_000e18 * staking.MAX_SLASH_BPS()) / 10_000, "half the stake");
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TributaryFixture} from "../utils/TributaryFixture.sol";
import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";

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
        bytes32 root = _root(a, b);
        uint256 deadline = block.timestamp + 1 days;
        bytes32 digest = distributor.settlementDigest(
            IRewardDistributor.SettlementData(epoch, root, a + b, keccak256(""), deadline)
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
        distributor.submitSettlement(epoch, root, a + b, "", deadline, signatures);
        vm.warp(block.timestamp + CHALLENGE);
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

    /// @dev External so that expectRevert can watch the whole settlement call.
    function settleExternally(uint256 epoch, uint256 a, uint256 b) external {
        _settle(epoch, a, b);
    }
}

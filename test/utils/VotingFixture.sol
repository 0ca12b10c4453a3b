// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TributaryFixture} from "./TributaryFixture.sol";

/// @notice Helpers for tests of snapshot voting: unbonding, recycling stake through a new address, and
/// one-record batches.
abstract contract VotingFixture is TributaryFixture {
    address internal attacker = makeAddr("attacker");
    address internal honest = makeAddr("honest");
    address internal small = makeAddr("small");

    /// @dev 40 % for the attacker, q / (1 + q) at the fixture's 66.67 % quorum: once its own stake left the
    /// live total, that plus the small validator's 10 % would reach a quorum read from the live total.
    function _stakeAttackSplit() internal {
        _stake(attacker, 400e18);
        _stake(honest, 500e18);
        _stake(small, 100e18);
    }

    function _unstake(address validator, uint256 amount) internal {
        vm.prank(validator);
        staking.requestUnstake(amount);
    }

    /// @dev Withdraws `from`'s released stake and bonds the same tokens from `to`, without moving the clock:
    /// the recycled stake exists from this second on.
    function _restake(address from, address to) internal returns (uint256 amount) {
        vm.prank(from);
        staking.withdraw();
        amount = stakeToken.balanceOf(from);
        vm.prank(from);
        stakeToken.transfer(to, amount);
        vm.startPrank(to);
        stakeToken.approve(address(staking), amount);
        staking.stake(amount);
        vm.stopPrank();
    }

    /// @dev Bonds `amount` for `validator` without moving the clock, unlike `_stake`.
    function _stakeNow(address validator, uint256 amount) internal {
        stakeToken.mint(validator, amount);
        vm.startPrank(validator);
        stakeToken.approve(address(staking), amount);
        staking.stake(amount);
        vm.stopPrank();
    }

    /// @dev Posts the commitment `_register` would, and waits until it can be revealed, so a test can set
    /// its expectations right before `register`.
    function _commitAged(address contributor, uint32 datanetId, bytes32 contentHash) internal {
        bytes32[] memory hashes = new bytes32[](1);
        hashes[0] = contentHash;
        registry.commit(registry.commitmentOf(contributor, datanetId, hashes, bytes32(0)));
        vm.warp(block.timestamp + COMMITMENT_MIN_AGE);
        vm.roll(block.number + 1);
    }

    /// @dev One record for output `outputId` giving all its weight to contribution `contributionId`.
    function _singleRecord(uint256 outputId, uint256 contributionId) internal pure returns (bytes memory) {
        return
            abi.encodePacked(
                bytes32(outputId),
                uint32(0),
                uint128(1),
                uint8(1),
                uint32(contributionId),
                uint16(10_000)
            );
    }

    /// @dev The stake a side needs on an item whose snapshot total is `total`, at the fixture's quorum.
    function _quorumOf(uint256 total) internal pure returns (uint256) {
        return (total * QUORUM_BPS + 9_999) / 10_000;
    }
}

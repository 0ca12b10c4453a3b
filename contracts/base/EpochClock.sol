// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IEpochClock} from "../interfaces/IEpochClock.sol";

/// @title EpochClock
/// @notice Fixed-length epochs counted from an immutable genesis: `epoch(t) = (t - genesis) / duration`.
/// @dev Every Tributary contract inherits the same clock, copied from the staking contract at
/// deployment, so that an event's epoch means the same thing whichever contract emitted it.
abstract contract EpochClock is IEpochClock {
    /// @inheritdoc IEpochClock
    uint256 public constant override MIN_EPOCH_DURATION = 5 minutes;
    /// @inheritdoc IEpochClock
    uint256 public constant override MAX_EPOCH_DURATION = 30 days;

    /// @inheritdoc IEpochClock
    uint256 public immutable override GENESIS;
    /// @inheritdoc IEpochClock
    uint256 public immutable override EPOCH_DURATION;

    constructor(uint256 genesis, uint256 epochDuration) {
        require(
            epochDuration >= MIN_EPOCH_DURATION && epochDuration <= MAX_EPOCH_DURATION,
            EpochDurationOutOfBounds(epochDuration, MIN_EPOCH_DURATION, MAX_EPOCH_DURATION)
        );
        GENESIS = genesis;
        EPOCH_DURATION = epochDuration;
    }

    /// @inheritdoc IEpochClock
    function epochAt(uint256 timestamp) public view override returns (uint256) {
        require(timestamp >= GENESIS, BeforeGenesis(timestamp, GENESIS));
        return (timestamp - GENESIS) / EPOCH_DURATION;
    }

    /// @inheritdoc IEpochClock
    function currentEpoch() public view override returns (uint256) {
        return epochAt(block.timestamp);
    }

    /// @inheritdoc IEpochClock
    function epochStart(uint256 epoch) public view override returns (uint256) {
        return GENESIS + epoch * EPOCH_DURATION;
    }
}

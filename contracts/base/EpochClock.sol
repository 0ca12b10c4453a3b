// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title EpochClock
/// @notice Fixed-length epochs counted from an immutable genesis: `epoch(t) = (t - genesis) / duration`.
/// @dev Every Tributary contract inherits the same clock, copied from the staking contract at
/// deployment, so that an event's epoch means the same thing whichever contract emitted it.
abstract contract EpochClock {
    /// @notice Shortest allowed epoch.
    uint256 public constant MIN_EPOCH_DURATION = 5 minutes;
    /// @notice Longest allowed epoch.
    uint256 public constant MAX_EPOCH_DURATION = 30 days;

    /// @notice Start of epoch 0, in seconds since the Unix epoch.
    uint256 public immutable GENESIS;
    /// @notice Length of every epoch, in seconds.
    uint256 public immutable EPOCH_DURATION;

    /// @notice The epoch duration is outside `[MIN_EPOCH_DURATION, MAX_EPOCH_DURATION]`.
    error EpochDurationOutOfBounds(uint256 duration, uint256 minimum, uint256 maximum);
    /// @notice The clock is read before genesis.
    error BeforeGenesis(uint256 timestamp, uint256 genesis);

    constructor(uint256 genesis, uint256 epochDuration) {
        require(
            epochDuration >= MIN_EPOCH_DURATION && epochDuration <= MAX_EPOCH_DURATION,
            EpochDurationOutOfBounds(epochDuration, MIN_EPOCH_DURATION, MAX_EPOCH_DURATION)
        );
        GENESIS = genesis;
        EPOCH_DURATION = epochDuration;
    }

    /// @notice The epoch that contains `timestamp`.
    function epochAt(uint256 timestamp) public view returns (uint256) {
        require(timestamp >= GENESIS, BeforeGenesis(timestamp, GENESIS));
        return (timestamp - GENESIS) / EPOCH_DURATION;
    }

    /// @notice The epoch that contains the current block.
    function currentEpoch() public view returns (uint256) {
        return epochAt(block.timestamp);
    }

    /// @notice First second of `epoch`.
    function epochStart(uint256 epoch) public view returns (uint256) {
        return GENESIS + epoch * EPOCH_DURATION;
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IEpochClock
/// @notice Fixed-length epochs counted from an immutable genesis: `epoch(t) = (t - genesis) / duration`.
/// Every Tributary contract carries the same clock, so an event's epoch means the same thing whichever
/// contract emitted it.
interface IEpochClock {
    /// @notice The epoch duration is outside `[MIN_EPOCH_DURATION, MAX_EPOCH_DURATION]`.
    /// @param duration The duration given, in seconds.
    /// @param minimum The shortest allowed duration.
    /// @param maximum The longest allowed duration.
    error EpochDurationOutOfBounds(uint256 duration, uint256 minimum, uint256 maximum);
    /// @notice The clock was read before genesis.
    /// @param timestamp The time asked about.
    /// @param genesis The start of epoch 0.
    error BeforeGenesis(uint256 timestamp, uint256 genesis);

    /// @notice Shortest allowed epoch.
    /// @return The duration, in seconds.
    function MIN_EPOCH_DURATION() external view returns (uint256);

    /// @notice Longest allowed epoch.
    /// @return The duration, in seconds.
    function MAX_EPOCH_DURATION() external view returns (uint256);

    /// @notice Start of epoch 0.
    /// @return Seconds since the Unix epoch.
    function GENESIS() external view returns (uint256);

    /// @notice Length of every epoch.
    /// @return The duration, in seconds.
    function EPOCH_DURATION() external view returns (uint256);

    /// @notice The epoch that contains `timestamp`. Reverts with `BeforeGenesis` before genesis.
    /// @param timestamp Seconds since the Unix epoch.
    /// @return The epoch number.
    function epochAt(uint256 timestamp) external view returns (uint256);

    /// @notice The epoch that contains the current block.
    /// @return The epoch number.
    function currentEpoch() external view returns (uint256);

    /// @notice First second of `epoch`.
    /// @param epoch The epoch number.
    /// @return Seconds since the Unix epoch.
    function epochStart(uint256 epoch) external view returns (uint256);
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice The test runner's log-recording cheatcodes, at the same address as `Vm`. Kept apart from `Vm` so
/// suites that never read events do not depend on them.
interface VmLogs {
    struct Log {
        bytes32[] topics;
        bytes data;
        address emitter;
    }

    function recordLogs() external;
    function getRecordedLogs() external returns (Log[] memory logs);
}

/// @notice Reads the stake a vote counted from the event the voting contract emitted, so a suite checks the
/// power the contract says it used rather than recomputing it the same way.
library RecordedLogs {
    /// @notice No log from `emitter` with first topic `selector` was recorded.
    error EventNotRecorded(address emitter, bytes32 selector);

    VmLogs internal constant VM = VmLogs(address(uint160(uint256(keccak256("hevm cheat code")))));

    /// @dev The `stake` field of the last log from `emitter` whose first topic is `selector`, an event laid out
    /// as `(indexed id, indexed voter, bool side, uint256 stake, ...)`. Reverts with `EventNotRecorded` when none was.
    function votePower(address emitter, bytes32 selector) internal returns (uint256 power) {
        VmLogs.Log[] memory logs = VM.getRecordedLogs();
        for (uint256 i = logs.length; i > 0; --i) {
            VmLogs.Log memory log = logs[i - 1];
            if (log.emitter == emitter && log.topics.length != 0 && log.topics[0] == selector) {
                (, power) = abi.decode(log.data, (bool, uint256));
                return power;
            }
        }
        revert EventNotRecorded(emitter, selector);
    }

    /// @dev The `stake` field of the last `BatchProposed`-shaped log: `(indexed id, indexed proposer, uint256
    /// epoch, uint256 stake, ...)`.
    function proposalPower(address emitter, bytes32 selector) internal returns (uint256 power) {
        VmLogs.Log[] memory logs = VM.getRecordedLogs();
        for (uint256 i = logs.length; i > 0; --i) {
            VmLogs.Log memory log = logs[i - 1];
            if (log.emitter == emitter && log.topics.length != 0 && log.topics[0] == selector) {
                (, power) = abi.decode(log.data, (uint256, uint256));
                return power;
            }
        }
        revert EventNotRecorded(emitter, selector);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

/// @title Governed
/// @notice Governance shared by every Tributary contract: one admin with a delayed two-step
/// transfer (`AccessControlDefaultAdminRules`) who may pause and unpause.
/// @dev Pausing stops registration, voting, attribution, funding and settlement. Each contract
/// leaves its exits (claims against active roots, withdrawal of unbonded stake) unpaused.
abstract contract Governed is AccessControlDefaultAdminRules, Pausable {
    /// @notice Delay before a scheduled admin transfer can be accepted.
    uint48 public constant ADMIN_TRANSFER_DELAY = 2 days;

    /// @notice A parameter was set outside its hard bounds.
    error ParameterOutOfBounds(bytes32 parameter, uint256 value, uint256 minimum, uint256 maximum);
    /// @notice An address argument was zero.
    error ZeroAddress();

    constructor(address admin) AccessControlDefaultAdminRules(ADMIN_TRANSFER_DELAY, admin) {}

    /// @notice Stops every state-changing path except the exits.
    function pause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _pause();
    }

    /// @notice Resumes normal operation.
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }

    function _checkBounds(bytes32 parameter, uint256 value, uint256 minimum, uint256 maximum) internal pure {
        require(value >= minimum && value <= maximum, ParameterOutOfBounds(parameter, value, minimum, maximum));
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {IGoverned} from "../interfaces/IGoverned.sol";

/// @title Governed
/// @notice Governance shared by every Tributary contract: one admin with a delayed two-step
/// transfer (`AccessControlDefaultAdminRules`) who may pause and unpause.
/// @dev Pausing stops registration, voting, attribution, funding and settlement. Each contract
/// leaves its exits (claims against active roots, withdrawal of unbonded stake) unpaused.
abstract contract Governed is IGoverned, AccessControlDefaultAdminRules, Pausable {
    /// @inheritdoc IGoverned
    uint48 public constant override ADMIN_TRANSFER_DELAY = 2 days;

    constructor(address admin) AccessControlDefaultAdminRules(ADMIN_TRANSFER_DELAY, admin) {}

    /// @inheritdoc IGoverned
    function pause() external override onlyRole(DEFAULT_ADMIN_ROLE) {
        _pause();
    }

    /// @inheritdoc IGoverned
    function unpause() external override onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }

    function _checkBounds(bytes32 parameter, uint256 value, uint256 minimum, uint256 maximum) internal pure {
        require(value >= minimum && value <= maximum, ParameterOutOfBounds(parameter, value, minimum, maximum));
    }
}

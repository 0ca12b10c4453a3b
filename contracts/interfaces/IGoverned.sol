// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/IAccessControlDefaultAdminRules.sol";

/// @title IGoverned
/// @notice Governance shared by every Tributary contract: one admin (`DEFAULT_ADMIN_ROLE`) with a
/// delayed two-step transfer, who may pause and unpause. The admin functions inherited from
/// OpenZeppelin's `IAccessControlDefaultAdminRules` (`beginDefaultAdminTransfer`,
/// `acceptDefaultAdminTransfer`, `owner`, `defaultAdmin`, `grantRole`, …) are part of this interface, as are
/// OpenZeppelin `Pausable`'s view `paused()`, its events `Paused(account)` and `Unpaused(account)` and its errors `EnforcedPause()`
/// and `ExpectedPause()`, which every contract that implements it declares.
interface IGoverned is IAccessControlDefaultAdminRules {
    /// @notice A parameter was set outside its hard bounds.
    /// @param parameter The parameter's name, as a short string.
    /// @param value The value given.
    /// @param minimum The smallest allowed value.
    /// @param maximum The largest allowed value.
    error ParameterOutOfBounds(bytes32 parameter, uint256 value, uint256 minimum, uint256 maximum);
    /// @notice An address argument was zero.
    error ZeroAddress();

    /// @notice Delay before a scheduled admin transfer can be accepted.
    /// @return The delay, in seconds.
    function ADMIN_TRANSFER_DELAY() external view returns (uint48);

    /// @notice Stops every state-changing path except the exits (claims against active roots,
    /// withdrawal of unbonded stake). Admin only.
    function pause() external;

    /// @notice Resumes normal operation. Admin only.
    function unpause() external;
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";

/// @title BondBounds
/// @notice The hard bounds of a dispute or challenge bond, shared by `SettlementDisputes` and
/// `ContributionChallenges`: between `MIN_BOND_TOKENS` and `MAX_BOND_TOKENS` whole tokens of an ERC-20
/// that reports at most `MAX_BOND_DECIMALS` decimals.
library BondBounds {
    /// @notice Lowest bond, in whole tokens (`10 ** decimals` units).
    uint256 internal constant MIN_BOND_TOKENS = 1;
    /// @notice Highest bond, in whole tokens.
    uint256 internal constant MAX_BOND_TOKENS = 1_000_000;
    /// @notice Most decimals a bond token may have: 10^22 × MAX_BOND_TOKENS = 10^28 < 2^96, so every
    /// bond fits 96 bits.
    uint256 internal constant MAX_BOND_DECIMALS = 22;

    /// @notice `token` cannot be a bond token: no code, or no `decimals()` at most `MAX_BOND_DECIMALS`.
    error InvalidBondToken(address token);
    /// @notice A parameter was set outside its hard bounds (as `IGoverned.ParameterOutOfBounds`).
    error ParameterOutOfBounds(bytes32 parameter, uint256 value, uint256 minimum, uint256 maximum);

    /// @notice Reverts unless `amount` of `token` is a bond within the hard bounds.
    /// @param token The bond token.
    /// @param amount The bond, in the token's smallest unit.
    function check(address token, uint256 amount) internal view {
        require(token.code.length > 0, InvalidBondToken(token));
        // A low-level call, so that a token answering nothing, too little or an out-of-range value is
        // refused with InvalidBondToken rather than with empty revert data.
        (bool answered, bytes memory data) = token.staticcall(abi.encodeCall(IERC20Metadata.decimals, ()));
        require(answered && data.length >= 32, InvalidBondToken(token));
        uint256 decimals = abi.decode(data, (uint256));
        require(decimals <= MAX_BOND_DECIMALS, InvalidBondToken(token));
        uint256 unit = 10 ** decimals;
        require(
            amount >= MIN_BOND_TOKENS * unit && amount <= MAX_BOND_TOKENS * unit,
            ParameterOutOfBounds("bondAmount", amount, MIN_BOND_TOKENS * unit, MAX_BOND_TOKENS * unit)
        );
    }
}

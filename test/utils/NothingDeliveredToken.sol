// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice A token that reports 18 decimals and answers every transfer with success while moving
/// nothing: what arrives from it is always zero.
contract NothingDeliveredToken {
    function decimals() external pure returns (uint8) {
        return 18;
    }

    function balanceOf(address) external pure returns (uint256) {
        return 0;
    }

    function approve(address, uint256) external pure returns (bool) {
        return true;
    }

    function transfer(address, uint256) external pure returns (bool) {
        return true;
    }

    function transferFrom(address, address, uint256) external pure returns (bool) {
        return true;
    }
}

/// @notice A contract that answers every call, `decimals()` included, with success and no data.
contract SilentToken {
    fallback() external {}
}

/// @notice A contract whose `decimals()` answers a word no `uint8` holds.
contract HugeDecimalsToken {
    function decimals() external pure returns (uint256) {
        return 256;
    }
}

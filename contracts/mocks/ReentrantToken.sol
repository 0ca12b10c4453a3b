// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice On every transfer, calls `reentryTarget` with `payload` once, recording whether the re-entry succeeded.
contract ReentrantToken is ERC20 {
    address public reentryTarget;
    bytes public payload;
    bool public attacked;
    bool public reentrySucceeded;
    bytes public reentryError;

    constructor() ERC20("Reentrant Token", "REENT") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function arm(address target_, bytes calldata payload_) external {
        reentryTarget = target_;
        payload = payload_;
        attacked = false;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (reentryTarget != address(0) && !attacked && from != address(0)) {
            attacked = true;
            // solhint-disable-next-line avoid-low-level-calls
            (bool ok, bytes memory ret) = reentryTarget.call(payload);
            reentrySucceeded = ok;
            reentryError = ret;
        }
    }
}

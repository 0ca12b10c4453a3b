// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TestBase} from "./TestBase.sol";
import {ValidatorStaking} from "../../contracts/ValidatorStaking.sol";

/// @notice What the invariant suites share: a staking contract with the suite's standard parameters
/// (1-day epochs from now, 100-token minimum, 7-day unbonding, 66.67 % quorum).
abstract contract InvariantBase is TestBase {
    function _newStaking(address stakeToken, address admin) internal returns (ValidatorStaking) {
        return
            new ValidatorStaking(
                stakeToken,
                admin,
                makeAddr("treasury"),
                block.timestamp,
                1 days,
                100e18,
                7 days,
                6_667
            );
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TestBase} from "../utils/TestBase.sol";
import {InvariantBase} from "../utils/InvariantBase.sol";
import {Vm} from "../utils/Vm.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {ValidatorStaking} from "../../contracts/ValidatorStaking.sol";

/// @notice Drives staking with bounded random actions from a fixed set of validators.
contract StakingHandler is TestBase {
    ValidatorStaking internal immutable staking;
    MockERC20 internal immutable token;
    address internal immutable slasher;
    address[] internal actors;

    constructor(ValidatorStaking staking_, MockERC20 token_, address slasher_) {
        staking = staking_;
        token = token_;
        slasher = slasher_;
        for (uint256 i; i < 4; ++i) actors.push(vm.addr(i + 1));
    }

    function actorsOf() external view returns (address[] memory) {
        return actors;
    }

    function stake(uint256 actorSeed, uint256 amount) external {
        address actor = actors[actorSeed % actors.length];
        amount = bound(amount, staking.minStake(), 1e24);
        token.mint(actor, amount);
        vm.startPrank(actor);
        token.approve(address(staking), amount);
        staking.stake(amount);
        vm.stopPrank();
    }

    function requestUnstake(uint256 actorSeed, uint256 amount) external {
        address actor = actors[actorSeed % actors.length];
        uint256 bonded = staking.validators(actor).bonded;
        if (bonded == 0) return;
        amount = bound(amount, 1, bonded);
        uint256 remaining = bonded - amount;
        if (remaining != 0 && remaining < staking.minStake()) amount = bonded;
        vm.prank(actor);
        staking.requestUnstake(amount);
    }

    function withdraw(uint256 actorSeed, uint256 waitSeconds) external {
        address actor = actors[actorSeed % actors.length];
        vm.warp(block.timestamp + bound(waitSeconds, 0, 10 days));
        ValidatorStaking.Validator memory v = staking.validators(actor);
        if (v.released == 0 && (v.unbonding == 0 || block.timestamp < v.unbondingReleaseAt)) return;
        vm.prank(actor);
        staking.withdraw();
    }

    function slash(uint256 actorSeed, uint256 slashBps) external {
        address actor = actors[actorSeed % actors.length];
        slashBps = bound(slashBps, 1, staking.MAX_SLASH_BPS());
        vm.prank(slasher);
        staking.slash(actor, slashBps, address(0));
    }
}

contract StakeConservationInvariant is InvariantBase {
    MockERC20 internal token;
    ValidatorStaking internal staking;
    StakingHandler internal handler;

    function setUp() public {
        vm.warp(1_700_000_000);
        address admin = makeAddr("admin");
        token = new MockERC20("Stake", "STK");
        staking = _newStaking(address(token), admin);
        handler = new StakingHandler(staking, token, admin);
        vm.prank(admin);
        staking.scheduleSlasher(admin);
        targetContract(address(handler));
    }

    /// @notice deposited = bonded + unbonding + withdrawn + slashed.
    function invariant_stakeIsConserved() public view {
        assertEq(
            staking.totalDeposited(),
            staking.totalBonded() + staking.totalUnbonding() + staking.totalWithdrawn() + staking.totalSlashed(),
            "deposited == bonded + unbonding + withdrawn + slashed"
        );
    }

    /// @notice No validator is left between zero and the minimum, and the quorum total is exactly
    /// the validators' bonded stake: a slash below the minimum ejects the rest into unbonding.
    function invariant_bondedIsZeroOrActiveAndSumsToTotal() public view {
        address[] memory actors = handler.actorsOf();
        uint256 minimum = staking.minStake();
        uint256 sum;
        for (uint256 i; i < actors.length; ++i) {
            uint256 bonded = staking.validators(actors[i]).bonded;
            assertTrue(bonded == 0 || bonded >= minimum, "bonded is zero or at least minStake");
            sum += bonded;
        }
        assertEq(staking.totalBonded(), sum, "totalBonded == sum of bonded");
    }

    /// @notice The contract holds exactly the stake that is still bonded or unbonding.
    function invariant_balanceMatchesLockedStake() public view {
        assertEq(
            token.balanceOf(address(staking)),
            staking.totalBonded() + staking.totalUnbonding(),
            "balance == bonded + unbonding"
        );
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TestBase} from "../utils/TestBase.sol";
import {InvariantBase} from "../utils/InvariantBase.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {ValidatorStaking} from "../../contracts/ValidatorStaking.sol";
import {IValidatorStaking} from "../../contracts/interfaces/IValidatorStaking.sol";

/// @notice Drives staking with bounded random actions from a fixed set of validators, and keeps, per
/// validator, what it deposited, withdrew and lost to slashes, and the bonded stake at the end of every
/// second in which something changed.
contract StakingHandler is TestBase {
    uint256 internal constant BPS = 10_000;

    ValidatorStaking internal immutable staking;
    MockERC20 internal immutable token;
    address internal immutable slasher;
    address[] internal actors;

    mapping(address actor => uint256) public deposited;
    mapping(address actor => uint256) public withdrawn;
    mapping(address actor => uint256) public slashed;
    /// @dev Seconds in which bonded stake may have changed, and each actor's bonded stake at their end.
    uint256[] internal _timepoints;
    mapping(uint256 timepoint => mapping(address actor => uint256)) public bondedAt;
    mapping(uint256 timepoint => uint256) public totalBondedAt;
    /// @dev Slashes that took more than `MAX_SLASH_BPS` of the slashable stake, or not exactly the fraction asked.
    uint256 public slashesOutOfBounds;
    /// @dev Actions after which stake whose release time had passed was no longer released (withdrawable now).
    uint256 public releasedStakeReduced;

    constructor(ValidatorStaking staking_, MockERC20 token_, address slasher_) {
        staking = staking_;
        token = token_;
        slasher = slasher_;
        for (uint256 i; i < 4; ++i) actors.push(vm.addr(i + 1));
    }

    function actorsOf() external view returns (address[] memory) {
        return actors;
    }

    function timepoints() external view returns (uint256[] memory) {
        return _timepoints;
    }

    function stake(uint256 actorSeed, uint256 amount) external {
        address actor = actors[actorSeed % actors.length];
        amount = bound(amount, staking.minStake(), 1e24);
        token.mint(actor, amount);
        vm.startPrank(actor);
        token.approve(address(staking), amount);
        staking.stake(amount);
        vm.stopPrank();
        deposited[actor] += amount;
        _recordBonded();
    }

    function requestUnstake(uint256 actorSeed, uint256 amount) external {
        address actor = actors[actorSeed % actors.length];
        uint256 bonded = staking.validators(actor).bonded;
        if (bonded == 0) return;
        amount = bound(amount, 1, bonded);
        uint256 remaining = bonded - amount;
        if (remaining != 0 && remaining < staking.minStake()) amount = bonded;
        uint256 releasable = _releasable(actor);
        vm.prank(actor);
        staking.requestUnstake(amount);
        // A new unbonding clock restarts only stake still unbonding.
        if (staking.validators(actor).released < releasable) ++releasedStakeReduced;
        _recordBonded();
    }

    function withdraw(uint256 actorSeed, uint256 waitSeconds) external {
        address actor = actors[actorSeed % actors.length];
        vm.warp(block.timestamp + bound(waitSeconds, 0, 10 days));
        IValidatorStaking.Validator memory v = staking.validators(actor);
        if (v.released == 0 && (v.unbonding == 0 || block.timestamp < v.unbondingReleaseAt)) return;
        uint256 balanceBefore = token.balanceOf(actor);
        vm.prank(actor);
        staking.withdraw();
        withdrawn[actor] += token.balanceOf(actor) - balanceBefore;
    }

    function slash(uint256 actorSeed, uint256 slashBps) external {
        address actor = actors[actorSeed % actors.length];
        slashBps = bound(slashBps, 1, staking.MAX_SLASH_BPS());
        IValidatorStaking.Validator memory v = staking.validators(actor);
        bool matured = block.timestamp >= v.unbondingReleaseAt;
        uint256 slashable = uint256(v.bonded) + (matured ? 0 : v.unbonding);
        uint256 releasable = _releasable(actor);
        vm.prank(slasher);
        uint256 taken = staking.slash(actor, slashBps, address(0));
        slashed[actor] += taken;
        if (taken * BPS > slashable * staking.MAX_SLASH_BPS() || taken != (slashable * slashBps) / BPS) {
            ++slashesOutOfBounds;
        }
        // Released stake is neither taken nor, through an ejection's new unbonding clock, delayed.
        if (staking.validators(actor).released < releasable) ++releasedStakeReduced;
        _recordBonded();
    }

    function advanceTime(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 3 days));
    }

    /// @dev Stake the actor could withdraw now: released, plus unbonding stake whose release time passed.
    function _releasable(address actor) internal view returns (uint256) {
        IValidatorStaking.Validator memory v = staking.validators(actor);
        return v.released + (block.timestamp >= v.unbondingReleaseAt ? v.unbonding : 0);
    }

    function _recordBonded() internal {
        uint256 n = _timepoints.length;
        if (n == 0 || _timepoints[n - 1] != block.timestamp) _timepoints.push(block.timestamp);
        for (uint256 i; i < actors.length; ++i) {
            bondedAt[block.timestamp][actors[i]] = staking.validators(actors[i]).bonded;
        }
        totalBondedAt[block.timestamp] = staking.totalBonded();
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

    /// @notice deposited = bonded + unbonding + withdrawn + slashed, in total and per validator, where each
    /// validator's unbonding stake is split between what still unbonds and what is already released.
    function invariant_stakeIsConserved() public view {
        assertEq(
            staking.totalDeposited(),
            staking.totalBonded() + staking.totalUnbonding() + staking.totalWithdrawn() + staking.totalSlashed(),
            "deposited == bonded + unbonding + withdrawn + slashed"
        );
        address[] memory actors = handler.actorsOf();
        uint256 held;
        for (uint256 i; i < actors.length; ++i) {
            address actor = actors[i];
            IValidatorStaking.Validator memory v = staking.validators(actor);
            uint256 locked = uint256(v.bonded) + v.unbonding + v.released;
            assertEq(
                handler.deposited(actor),
                locked + handler.withdrawn(actor) + handler.slashed(actor),
                "validator: deposited == bonded + unbonding + released + withdrawn + slashed"
            );
            held += locked;
        }
        assertEq(held, staking.totalBonded() + staking.totalUnbonding(), "sum over validators == totals");
    }

    /// @notice No slash takes more than `MAX_SLASH_BPS` of the stake it may reach (bonded, and unbonding
    /// whose release time has not passed), and none, nor any unstake request, touches or delays released stake.
    function invariant_slashesAreBoundedAndSpareReleasedStake() public view {
        assertEq(handler.slashesOutOfBounds(), 0, "slash outside its bound");
        assertEq(handler.releasedStakeReduced(), 0, "released stake reduced or delayed");
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

    /// @notice At every past second, each validator's checkpoint is the bonded stake it had at the end of
    /// that second, and the validators' checkpoints sum to the total checkpoint, also in the second before
    /// each change.
    function invariant_checkpointsMatchHistory() public view {
        address[] memory actors = handler.actorsOf();
        uint256[] memory times = handler.timepoints();
        for (uint256 i; i < times.length; ++i) {
            uint256 t = times[i];
            if (t >= block.timestamp) continue;
            uint256 sum;
            uint256 sumBefore;
            for (uint256 j; j < actors.length; ++j) {
                uint256 bonded = staking.stakeAt(actors[j], t);
                assertEq(bonded, handler.bondedAt(t, actors[j]), "validator checkpoint == bonded then");
                sum += bonded;
                sumBefore += staking.stakeAt(actors[j], t - 1);
            }
            assertEq(staking.totalStakeAt(t), handler.totalBondedAt(t), "total checkpoint == total bonded then");
            assertEq(staking.totalStakeAt(t), sum, "validator checkpoints sum to the total");
            assertEq(
                staking.totalStakeAt(t - 1),
                sumBefore,
                "validator checkpoints sum to the total, a second earlier"
            );
        }
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

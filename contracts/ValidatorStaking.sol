// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IValidatorStaking} from "./interfaces/IValidatorStaking.sol";
import {EpochClock} from "./base/EpochClock.sol";
import {Governed} from "./base/Governed.sol";

/// @title ValidatorStaking
/// @notice Holds validators' stake: bonding, unbonding, withdrawal and slashing, and the quorum rule
/// every other Tributary contract uses. It also carries the suite's epoch clock.
contract ValidatorStaking is IValidatorStaking, EpochClock, Governed, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    bytes32 public constant override SLASHER_ROLE = keccak256("SLASHER_ROLE");

    uint256 public constant MIN_STAKE_LOWER = 1;
    uint256 public constant MIN_STAKE_UPPER = 1e27;
    /// @dev Never shorter than `RewardDistributor.MAX_CHALLENGE_PERIOD`, so a validator cannot leave
    /// before a settlement it signed can be challenged and its equivocation slashed.
    uint256 public constant MIN_UNBONDING_PERIOD = 7 days;
    uint256 public constant MAX_UNBONDING_PERIOD = 60 days;
    /// @dev Above one half, so accept and reject can never both reach quorum on the same stake.
    uint256 public constant MIN_QUORUM_BPS = 5_001;
    uint256 public constant MAX_QUORUM_BPS = 10_000;
    uint256 public constant MAX_REPORTER_BOUNTY_BPS = 1_000;
    uint256 internal constant BPS = 10_000;

    address public immutable override STAKE_TOKEN;

    /// @dev Slot layout: minStake (96) | totalBonded (96) | unbondingPeriod (32) | quorumBps (16) |
    /// reporterBountyBps (16). Everything a vote or a quorum check reads sits in this one slot.
    struct Config {
        uint96 minStake;
        uint96 totalBonded;
        uint32 unbondingPeriod;
        uint16 quorumBps;
        uint16 reporterBountyBps;
    }

    Config internal _config;
    address public override treasury;
    uint256 public override totalUnbonding;
    uint256 public override totalDeposited;
    uint256 public override totalWithdrawn;
    uint256 public override totalSlashed;
    mapping(address validator => Validator) internal _validators;

    /// @param stakeToken The ERC20 validators stake.
    /// @param admin Governance: the default admin.
    /// @param treasury_ Receives slashed stake.
    /// @param genesis Start of epoch 0.
    /// @param epochDuration Length of an epoch, in seconds.
    /// @param minStake_ Smallest bonded stake that makes a validator active.
    /// @param unbondingPeriod_ Seconds between an unstake request and withdrawal.
    /// @param quorumBps_ Share of total bonded stake a side needs, in basis points.
    constructor(
        address stakeToken,
        address admin,
        address treasury_,
        uint256 genesis,
        uint256 epochDuration,
        uint256 minStake_,
        uint256 unbondingPeriod_,
        uint256 quorumBps_
    ) EpochClock(genesis, epochDuration) Governed(admin) {
        require(stakeToken != address(0) && treasury_ != address(0), ZeroAddress());
        STAKE_TOKEN = stakeToken;
        treasury = treasury_;
        emit TreasurySet(treasury_);
        _setMinStake(minStake_);
        _setUnbondingPeriod(unbondingPeriod_);
        _setQuorumBps(quorumBps_);
        _setReporterBountyBps(500);
    }

    // ------------------------------------------------------------------ staking

    /// @inheritdoc IValidatorStaking
    function stake(uint256 amount) external override nonReentrant whenNotPaused {
        require(amount > 0, StakeAmountZero());
        IERC20 token = IERC20(STAKE_TOKEN);
        uint256 balanceBefore = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        // Credit only what arrived, so fee-on-transfer tokens cannot inflate stake.
        uint256 received = token.balanceOf(address(this)) - balanceBefore;
        require(received > 0, StakeAmountZero());

        Validator storage v = _validators[msg.sender];
        uint256 bonded = v.bonded + received;
        Config memory config = _config;
        require(bonded >= config.minStake, StakeBelowMinimum(msg.sender, bonded, config.minStake));
        v.bonded = bonded.toUint96();
        _config.totalBonded = (config.totalBonded + received).toUint96();
        totalDeposited += received;
        emit Staked(msg.sender, received, bonded);
    }

    /// @inheritdoc IValidatorStaking
    /// @dev Allowed while paused: users can always leave.
    function requestUnstake(uint256 amount) external override {
        require(amount > 0, StakeAmountZero());
        Validator storage v = _validators[msg.sender];
        uint256 bonded = v.bonded;
        require(amount <= bonded, InsufficientBondedStake(msg.sender, amount, bonded));
        Config memory config = _config;
        uint256 remaining = bonded - amount;
        require(
            remaining == 0 || remaining >= config.minStake,
            StakeBelowMinimum(msg.sender, remaining, config.minStake)
        );
        uint256 releaseAt = block.timestamp + config.unbondingPeriod;
        // remaining < bonded <= type(uint96).max and unbonding + amount <= totalDeposited, which fits uint96 sums.
        v.bonded = uint96(remaining);
        v.unbonding = (uint256(v.unbonding) + amount).toUint96();
        v.unbondingReleaseAt = uint64(releaseAt);
        _config.totalBonded = config.totalBonded - uint96(amount);
        totalUnbonding += amount;
        emit UnstakeRequested(msg.sender, amount, remaining, releaseAt);
    }

    /// @inheritdoc IValidatorStaking
    /// @dev Deliberately not `whenNotPaused`: unbonded stake can always be withdrawn.
    function withdraw() external override nonReentrant {
        Validator storage v = _validators[msg.sender];
        uint256 amount = v.unbonding;
        require(amount > 0, NothingToWithdraw(msg.sender));
        require(
            block.timestamp >= v.unbondingReleaseAt,
            UnbondingNotFinished(msg.sender, v.unbondingReleaseAt, block.timestamp)
        );
        v.unbonding = 0;
        v.unbondingReleaseAt = 0;
        totalUnbonding -= amount;
        totalWithdrawn += amount;
        emit Withdrawn(msg.sender, amount);
        IERC20(STAKE_TOKEN).safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IValidatorStaking
    function slash(
        address validator,
        uint256 amount,
        address reporter
    ) external override nonReentrant onlyRole(SLASHER_ROLE) returns (uint256 slashed) {
        require(amount > 0, StakeAmountZero());
        Validator memory v = _validators[validator];
        Config memory config = _config;
        uint256 fromBonded = Math.min(amount, v.bonded);
        uint256 fromUnbonding = Math.min(amount - fromBonded, v.unbonding);
        slashed = fromBonded + fromUnbonding;
        // Every difference below is bounded by the stored uint96 value it is taken from.
        uint256 bondedAfter = v.bonded - fromBonded;
        uint256 unbondingAfter = v.unbonding - fromUnbonding;
        // Below the minimum a validator can neither sign nor vote, so what is left of its bond stops
        // counting toward quorum and starts unbonding, still slashable until it is withdrawn.
        uint256 ejected = bondedAfter != 0 && bondedAfter < config.minStake ? bondedAfter : 0;
        if (ejected != 0) v.unbondingReleaseAt = uint64(block.timestamp + config.unbondingPeriod);
        _validators[validator] = Validator({
            bonded: uint96(bondedAfter - ejected),
            unbonding: (unbondingAfter + ejected).toUint96(),
            unbondingReleaseAt: v.unbondingReleaseAt
        });
        _config.totalBonded = config.totalBonded - uint96(fromBonded + ejected);
        totalUnbonding = totalUnbonding + ejected - fromUnbonding;
        totalSlashed += slashed;

        uint256 bounty = reporter == address(0) ? 0 : (slashed * config.reporterBountyBps) / BPS;
        emit Slashed(validator, reporter, fromBonded, fromUnbonding, bounty);
        if (ejected != 0) emit Ejected(validator, ejected, v.unbondingReleaseAt);

        IERC20 token = IERC20(STAKE_TOKEN);
        if (bounty > 0) token.safeTransfer(reporter, bounty);
        if (slashed > bounty) token.safeTransfer(treasury, slashed - bounty);
    }

    // --------------------------------------------------------------- governance

    /// @inheritdoc IValidatorStaking
    function setMinStake(uint256 minStake_) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        _setMinStake(minStake_);
    }

    /// @inheritdoc IValidatorStaking
    function setUnbondingPeriod(uint256 unbondingPeriod_) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        _setUnbondingPeriod(unbondingPeriod_);
    }

    /// @inheritdoc IValidatorStaking
    function setQuorumBps(uint256 quorumBps_) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        _setQuorumBps(quorumBps_);
    }

    /// @inheritdoc IValidatorStaking
    function setReporterBountyBps(uint256 bountyBps) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        _setReporterBountyBps(bountyBps);
    }

    /// @inheritdoc IValidatorStaking
    function setTreasury(address treasury_) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        require(treasury_ != address(0), ZeroAddress());
        treasury = treasury_;
        emit TreasurySet(treasury_);
    }

    // -------------------------------------------------------------------- views

    /// @inheritdoc IValidatorStaking
    function validators(address validator) external view override returns (Validator memory) {
        return _validators[validator];
    }

    /// @inheritdoc IValidatorStaking
    function activeStakeOf(address validator) public view override returns (uint256) {
        uint256 bonded = _validators[validator].bonded;
        return bonded >= _config.minStake ? bonded : 0;
    }

    /// @inheritdoc IValidatorStaking
    function votingPower(address validator) external view override returns (uint256 stake_, uint256 quorumStake_) {
        Config memory config = _config;
        uint256 bonded = _validators[validator].bonded;
        stake_ = bonded >= config.minStake ? bonded : 0;
        quorumStake_ = Math.mulDiv(config.totalBonded, config.quorumBps, BPS, Math.Rounding.Ceil);
    }

    /// @inheritdoc IValidatorStaking
    function activeStakesOf(
        address[] calldata accounts
    ) external view override returns (uint256[] memory stakes, uint256 quorumStake_) {
        Config memory config = _config;
        stakes = new uint256[](accounts.length);
        for (uint256 i; i < accounts.length; ++i) {
            uint256 bonded = _validators[accounts[i]].bonded;
            stakes[i] = bonded >= config.minStake ? bonded : 0;
        }
        quorumStake_ = Math.mulDiv(config.totalBonded, config.quorumBps, BPS, Math.Rounding.Ceil);
    }

    /// @inheritdoc IValidatorStaking
    function quorumStake() external view override returns (uint256) {
        Config memory config = _config;
        return Math.mulDiv(config.totalBonded, config.quorumBps, BPS, Math.Rounding.Ceil);
    }

    function minStake() external view override returns (uint256) {
        return _config.minStake;
    }

    function unbondingPeriod() external view override returns (uint256) {
        return _config.unbondingPeriod;
    }

    function quorumBps() external view override returns (uint256) {
        return _config.quorumBps;
    }

    function reporterBountyBps() external view override returns (uint256) {
        return _config.reporterBountyBps;
    }

    function totalBonded() external view override returns (uint256) {
        return _config.totalBonded;
    }

    // ----------------------------------------------------------------- internal

    function _setMinStake(uint256 value) internal {
        _checkBounds("minStake", value, MIN_STAKE_LOWER, MIN_STAKE_UPPER);
        _config.minStake = uint96(value); // MIN_STAKE_UPPER < type(uint96).max
        emit MinStakeSet(value);
    }

    function _setUnbondingPeriod(uint256 value) internal {
        _checkBounds("unbondingPeriod", value, MIN_UNBONDING_PERIOD, MAX_UNBONDING_PERIOD);
        _config.unbondingPeriod = uint32(value); // MAX_UNBONDING_PERIOD < type(uint32).max
        emit UnbondingPeriodSet(value);
    }

    function _setQuorumBps(uint256 value) internal {
        _checkBounds("quorumBps", value, MIN_QUORUM_BPS, MAX_QUORUM_BPS);
        _config.quorumBps = uint16(value);
        emit QuorumBpsSet(value);
    }

    function _setReporterBountyBps(uint256 value) internal {
        _checkBounds("reporterBountyBps", value, 0, MAX_REPORTER_BOUNTY_BPS);
        _config.reporterBountyBps = uint16(value);
        emit ReporterBountyBpsSet(value);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IERC6372} from "@openzeppelin/contracts/interfaces/IERC6372.sol";

import {IValidatorStaking} from "./interfaces/IValidatorStaking.sol";
import {EpochClock} from "./base/EpochClock.sol";
import {Governed} from "./base/Governed.sol";

/// @title ValidatorStaking
/// @notice Holds validators' stake: bonding, unbonding, withdrawal and slashing, checkpoints of bonded
/// stake for snapshot voting, and the quorum rule every other Tributary contract uses. It also carries
/// the suite's epoch clock.
contract ValidatorStaking is IValidatorStaking, EpochClock, Governed, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;
    using Checkpoints for Checkpoints.Trace208;

    /// @inheritdoc IValidatorStaking
    uint256 public constant override MIN_STAKE_LOWER = 1;
    /// @inheritdoc IValidatorStaking
    uint256 public constant override MIN_STAKE_UPPER = 1e27;
    /// @inheritdoc IValidatorStaking
    /// @dev Never shorter than `RewardDistributor.MAX_CHALLENGE_PERIOD` or `MAX_VOTING_PERIOD`, so a
    /// validator cannot leave before a settlement it signed can be challenged, or while it can vote.
    uint256 public constant override MIN_UNBONDING_PERIOD = 7 days;
    /// @inheritdoc IValidatorStaking
    uint256 public constant override MAX_UNBONDING_PERIOD = 60 days;
    /// @inheritdoc IValidatorStaking
    uint256 public constant override MIN_QUORUM_BPS = 5_001;
    /// @inheritdoc IValidatorStaking
    uint256 public constant override MAX_QUORUM_BPS = 10_000;
    /// @inheritdoc IValidatorStaking
    uint256 public constant override MAX_REPORTER_BOUNTY_BPS = 1_000;
    /// @inheritdoc IValidatorStaking
    uint256 public constant override MAX_SLASH_BPS = 5_000;
    /// @inheritdoc IValidatorStaking
    uint256 public constant override MAX_VOTING_PERIOD = MIN_UNBONDING_PERIOD;
    /// @inheritdoc IValidatorStaking
    uint256 public constant override GOVERNANCE_DELAY = MAX_UNBONDING_PERIOD + 1 days;
    uint256 internal constant BPS = 10_000;

    /// @inheritdoc IValidatorStaking
    address public immutable override STAKE_TOKEN;

    /// @dev Slot layout: minStake (96) | totalBonded (96) | unbondingPeriod (32) | quorumBps (16) |
    /// reporterBountyBps (16). `totalBonded` is the running sum a settlement's quorum reads; its
    /// history is in `_totalCheckpoints`.
    struct Config {
        uint96 minStake;
        uint96 totalBonded;
        uint32 unbondingPeriod;
        uint16 quorumBps;
        uint16 reporterBountyBps;
    }

    /// @dev A treasury waiting for its delay. Slot layout: account (160) | effectiveAt (64).
    struct PendingTreasury {
        address account;
        uint64 effectiveAt;
    }

    Config internal _config;
    /// @inheritdoc IValidatorStaking
    address public override treasury;
    /// @inheritdoc IValidatorStaking
    uint256 public override totalUnbonding;
    /// @inheritdoc IValidatorStaking
    uint256 public override totalDeposited;
    /// @inheritdoc IValidatorStaking
    uint256 public override totalWithdrawn;
    /// @inheritdoc IValidatorStaking
    uint256 public override totalSlashed;
    mapping(address validator => Validator) internal _validators;
    /// @dev Bonded stake per validator and in total, keyed by `clock()`.
    mapping(address validator => Checkpoints.Trace208) internal _stakeCheckpoints;
    Checkpoints.Trace208 internal _totalCheckpoints;
    /// @inheritdoc IValidatorStaking
    mapping(address account => bool) public override isSlasher;
    /// @inheritdoc IValidatorStaking
    mapping(address account => uint256 effectiveAt) public override pendingSlasherAt;
    PendingTreasury internal _pendingTreasury;

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
        require(stakeToken != address(0), ZeroAddress());
        STAKE_TOKEN = stakeToken;
        _setTreasury(treasury_);
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
        uint256 total = config.totalBonded + received;
        v.bonded = bonded.toUint96();
        _config.totalBonded = total.toUint96();
        totalDeposited += received;
        _checkpoint(msg.sender, bonded, total);
        emit Staked(msg.sender, received, bonded);
    }

    /// @inheritdoc IValidatorStaking
    /// @dev Allowed while paused: users can always leave.
    function requestUnstake(uint256 amount) external override {
        require(amount > 0, StakeAmountZero());
        Validator memory v = _validators[msg.sender];
        require(amount <= v.bonded, InsufficientBondedStake(msg.sender, amount, v.bonded));
        Config memory config = _config;
        uint256 remaining = v.bonded - amount;
        require(
            remaining == 0 || remaining >= config.minStake,
            StakeBelowMinimum(msg.sender, remaining, config.minStake)
        );
        uint256 releaseAt = block.timestamp + config.unbondingPeriod;
        _releaseMatured(v);
        // remaining < bonded <= type(uint96).max; unbonding + amount <= totalDeposited fits 96 bits.
        v.bonded = uint96(remaining);
        v.unbonding = (uint256(v.unbonding) + amount).toUint96();
        v.unbondingReleaseAt = uint64(releaseAt);
        _validators[msg.sender] = v;
        uint256 total = config.totalBonded - amount;
        _config.totalBonded = uint96(total);
        totalUnbonding += amount;
        _checkpoint(msg.sender, remaining, total);
        emit UnstakeRequested(msg.sender, amount, remaining, releaseAt);
    }

    /// @inheritdoc IValidatorStaking
    /// @dev Deliberately not `whenNotPaused`: released stake can always be withdrawn.
    function withdraw() external override nonReentrant {
        Validator memory v = _validators[msg.sender];
        _releaseMatured(v);
        uint256 amount = v.released;
        if (amount == 0) {
            require(v.unbonding > 0, NothingToWithdraw(msg.sender));
            revert UnbondingNotFinished(msg.sender, v.unbondingReleaseAt, block.timestamp);
        }
        v.released = 0;
        _validators[msg.sender] = v;
        totalUnbonding -= amount;
        totalWithdrawn += amount;
        emit Withdrawn(msg.sender, amount);
        IERC20(STAKE_TOKEN).safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IValidatorStaking
    function slash(
        address validator,
        uint256 slashBps,
        address reporter
    ) external override nonReentrant returns (uint256 slashed) {
        require(isSlasher[msg.sender], NotSlasher(msg.sender));
        require(slashBps > 0 && slashBps <= MAX_SLASH_BPS, SlashFractionOutOfBounds(slashBps, MAX_SLASH_BPS));
        Validator memory v = _validators[validator];
        Config memory config = _config;
        // Released stake is out of reach: only stake whose release time has not passed is slashable.
        _releaseMatured(v);
        slashed = Math.mulDiv(uint256(v.bonded) + v.unbonding, slashBps, BPS);
        uint256 fromBonded = Math.min(slashed, v.bonded);
        uint256 fromUnbonding = slashed - fromBonded;
        // Both differences are bounded by the stored values they are taken from: slashed ≤ bonded + unbonding.
        uint256 bondedAfter = v.bonded - fromBonded;
        uint256 unbondingAfter = v.unbonding - fromUnbonding;
        // Below the minimum a validator can neither sign nor vote on new items, so what is left of its
        // bond stops counting toward quorum and starts unbonding, still slashable until released.
        uint256 ejected = bondedAfter != 0 && bondedAfter < config.minStake ? bondedAfter : 0;
        if (ejected != 0) v.unbondingReleaseAt = uint64(block.timestamp + config.unbondingPeriod);
        v.bonded = uint96(bondedAfter - ejected);
        v.unbonding = uint96(unbondingAfter + ejected);
        _validators[validator] = v;
        uint256 total = config.totalBonded - fromBonded - ejected;
        _config.totalBonded = uint96(total);
        totalUnbonding = totalUnbonding + ejected - fromUnbonding;
        totalSlashed += slashed;
        if (fromBonded + ejected != 0) _checkpoint(validator, v.bonded, total);

        // No bounty for reporting oneself: that would only be a discount on one's own slash.
        uint256 bounty = reporter == address(0) || reporter == validator
            ? 0
            : (slashed * config.reporterBountyBps) / BPS;
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
    function scheduleTreasury(
        address treasury_
    ) external override onlyRole(DEFAULT_ADMIN_ROLE) returns (uint256 effectiveAt) {
        _checkRoleAccount(treasury_);
        if (_noStakeAtRisk()) {
            delete _pendingTreasury;
            _setTreasury(treasury_);
            return block.timestamp;
        }
        effectiveAt = block.timestamp + GOVERNANCE_DELAY;
        _pendingTreasury = PendingTreasury({account: treasury_, effectiveAt: uint64(effectiveAt)});
        emit TreasuryScheduled(treasury_, effectiveAt);
    }

    /// @inheritdoc IValidatorStaking
    function activateTreasury() external override {
        PendingTreasury memory pending = _pendingTreasury;
        require(
            pending.account != address(0) && block.timestamp >= pending.effectiveAt,
            ChangeNotReady(pending.account, pending.effectiveAt, block.timestamp)
        );
        // A slasher added since scheduling must not become the treasury.
        _checkRoleAccount(pending.account);
        delete _pendingTreasury;
        _setTreasury(pending.account);
    }

    /// @inheritdoc IValidatorStaking
    function scheduleSlasher(
        address account
    ) external override onlyRole(DEFAULT_ADMIN_ROLE) returns (uint256 effectiveAt) {
        _checkRoleAccount(account);
        if (_noStakeAtRisk()) {
            delete pendingSlasherAt[account];
            _setSlasher(account, true);
            return block.timestamp;
        }
        effectiveAt = block.timestamp + GOVERNANCE_DELAY;
        pendingSlasherAt[account] = effectiveAt;
        emit SlasherScheduled(account, effectiveAt);
    }

    /// @inheritdoc IValidatorStaking
    function activateSlasher(address account) external override {
        uint256 effectiveAt = pendingSlasherAt[account];
        require(
            effectiveAt != 0 && block.timestamp >= effectiveAt,
            ChangeNotReady(account, effectiveAt, block.timestamp)
        );
        // The treasury may have changed since scheduling.
        _checkRoleAccount(account);
        delete pendingSlasherAt[account];
        _setSlasher(account, true);
    }

    /// @inheritdoc IValidatorStaking
    function cancelSlasher(address account) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        uint256 effectiveAt = pendingSlasherAt[account];
        require(effectiveAt != 0, ChangeNotReady(account, 0, block.timestamp));
        delete pendingSlasherAt[account];
        emit SlasherCancelled(account);
    }

    /// @inheritdoc IValidatorStaking
    function removeSlasher(address account) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        require(isSlasher[account], NotSlasher(account));
        _setSlasher(account, false);
    }

    // -------------------------------------------------------------------- views

    /// @inheritdoc IERC6372
    function clock() public view override returns (uint48) {
        return uint48(block.timestamp);
    }

    /// @inheritdoc IERC6372
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() external pure override returns (string memory) {
        return "mode=timestamp";
    }

    /// @inheritdoc IValidatorStaking
    function stakeAt(address validator, uint256 timepoint) external view override returns (uint256) {
        return _lookup(_stakeCheckpoints[validator], _past(timepoint));
    }

    /// @inheritdoc IValidatorStaking
    function totalStakeAt(uint256 timepoint) external view override returns (uint256) {
        return _lookup(_totalCheckpoints, _past(timepoint));
    }

    /// @inheritdoc IValidatorStaking
    function votingPowerAt(
        address validator,
        uint256 timepoint
    ) external view override returns (uint256 power, uint256 quorumStake_) {
        uint48 past = _past(timepoint);
        power = _lookup(_stakeCheckpoints[validator], past);
        quorumStake_ = Math.mulDiv(_lookup(_totalCheckpoints, past), _config.quorumBps, BPS, Math.Rounding.Ceil);
    }

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

    /// @inheritdoc IValidatorStaking
    function pendingTreasury() external view override returns (address, uint256) {
        PendingTreasury memory pending = _pendingTreasury;
        return (pending.account, pending.effectiveAt);
    }

    /// @inheritdoc IValidatorStaking
    function minStake() external view override returns (uint256) {
        return _config.minStake;
    }

    /// @inheritdoc IValidatorStaking
    function unbondingPeriod() external view override returns (uint256) {
        return _config.unbondingPeriod;
    }

    /// @inheritdoc IValidatorStaking
    function quorumBps() external view override returns (uint256) {
        return _config.quorumBps;
    }

    /// @inheritdoc IValidatorStaking
    function reporterBountyBps() external view override returns (uint256) {
        return _config.reporterBountyBps;
    }

    /// @inheritdoc IValidatorStaking
    function totalBonded() external view override returns (uint256) {
        return _config.totalBonded;
    }

    // ----------------------------------------------------------------- internal

    /// @dev Moves unbonding stake whose release time has passed to `released`, in memory: from then on
    /// no slash can touch it and no new unbonding clock can delay it.
    function _releaseMatured(Validator memory v) internal view {
        if (v.unbonding != 0 && block.timestamp >= v.unbondingReleaseAt) {
            // released + unbonding <= totalDeposited, which fits 96 bits.
            v.released += v.unbonding;
            v.unbonding = 0;
        }
    }

    function _checkpoint(address validator, uint256 bonded, uint256 total) internal {
        uint48 timepoint = clock();
        // Both values are below 2^96, far inside the trace's 208 bits.
        _stakeCheckpoints[validator].push(timepoint, uint208(bonded));
        _totalCheckpoints.push(timepoint, uint208(total));
    }

    /// @dev The value at `timepoint`, checking the latest checkpoint first: votes on recent items
    /// (the usual case) then read two slots instead of binary-searching the history.
    function _lookup(Checkpoints.Trace208 storage trace, uint48 timepoint) internal view returns (uint256) {
        (bool exists, uint48 key, uint208 value) = trace.latestCheckpoint();
        if (!exists) return 0;
        if (key <= timepoint) return value;
        return trace.upperLookupRecent(timepoint);
    }

    function _past(uint256 timepoint) internal view returns (uint48) {
        uint48 now_ = clock();
        require(timepoint < now_, FutureLookup(timepoint, now_));
        return uint48(timepoint);
    }

    /// @dev No stake is bonded or unbonding: a new slasher or treasury exposes nobody, as at deployment.
    function _noStakeAtRisk() internal view returns (bool) {
        return _config.totalBonded == 0 && totalUnbonding == 0;
    }

    /// @dev The treasury and the slashers are distinct, and never an address where tokens would be stuck.
    function _checkRoleAccount(address account) internal view {
        require(account != address(0), ZeroAddress());
        require(
            account != address(this) && account != STAKE_TOKEN && account != treasury && !isSlasher[account],
            InvalidRoleAccount(account)
        );
    }

    function _setTreasury(address treasury_) internal {
        require(treasury_ != address(0), ZeroAddress());
        require(
            treasury_ != address(this) && treasury_ != STAKE_TOKEN && !isSlasher[treasury_],
            InvalidRoleAccount(treasury_)
        );
        treasury = treasury_;
        emit TreasurySet(treasury_);
    }

    function _setSlasher(address account, bool allowed) internal {
        isSlasher[account] = allowed;
        emit SlasherSet(account, allowed);
    }

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

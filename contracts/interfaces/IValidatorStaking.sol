// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IValidatorStaking
/// @notice Validators bond the stake token to vote, attest and co-sign settlements.
/// @dev A validator's *bonded* stake counts toward the total used for quorum. A validator is
/// *active*, and may vote, attest or sign, only while its bonded stake is at least `minStake`.
/// Bonded stake is zero or at least `minStake` (staking, unstaking and slashing keep it so), so the
/// quorum total is active stake alone, unless governance raises `minStake` above a validator's bond.
/// Stake conservation: `totalDeposited == totalBonded + totalUnbonding + totalWithdrawn + totalSlashed`.
interface IValidatorStaking {
    /// @notice One validator's stake. Slot layout: bonded (96) | unbonding (96) | unbondingReleaseAt (64).
    struct Validator {
        uint96 bonded;
        uint96 unbonding;
        uint64 unbondingReleaseAt;
    }

    /// @notice `validator` bonded `amount` (as received), reaching `bonded`.
    event Staked(address indexed validator, uint256 amount, uint256 bonded);
    /// @notice `validator` moved `amount` from bonded to unbonding, withdrawable at `releaseAt`.
    event UnstakeRequested(address indexed validator, uint256 amount, uint256 bonded, uint256 releaseAt);
    /// @notice `validator` withdrew `amount` of unbonded stake.
    event Withdrawn(address indexed validator, uint256 amount);
    /// @notice `validator` lost `fromBonded + fromUnbonding`; `bounty` of it went to `reporter`, the rest to the treasury.
    event Slashed(
        address indexed validator,
        address indexed reporter,
        uint256 fromBonded,
        uint256 fromUnbonding,
        uint256 bounty
    );
    /// @notice A slash left `validator` with bonded stake below the minimum: that `amount` moved to
    /// unbonding, withdrawable at `releaseAt`, and no longer counts toward quorum.
    event Ejected(address indexed validator, uint256 amount, uint256 releaseAt);
    event MinStakeSet(uint256 minStake);
    event UnbondingPeriodSet(uint256 unbondingPeriod);
    event QuorumBpsSet(uint256 quorumBps);
    event ReporterBountyBpsSet(uint256 reporterBountyBps);
    event TreasurySet(address treasury);

    /// @notice A zero amount was given where a positive one is required.
    error StakeAmountZero();
    /// @notice The operation would leave `validator` with bonded stake `stake`, below `minimum` and above zero.
    error StakeBelowMinimum(address validator, uint256 stake, uint256 minimum);
    /// @notice `validator` asked to unstake `requested` but has only `bonded`.
    error InsufficientBondedStake(address validator, uint256 requested, uint256 bonded);
    /// @notice `validator`'s unbonding stake is locked until `releaseAt`.
    error UnbondingNotFinished(address validator, uint256 releaseAt, uint256 nowTimestamp);
    /// @notice `validator` has nothing unbonding.
    error NothingToWithdraw(address validator);

    /// @notice Role allowed to slash.
    function SLASHER_ROLE() external view returns (bytes32);
    /// @notice Token that validators stake.
    function STAKE_TOKEN() external view returns (address);

    /// @notice Bonds `amount` of the stake token. Only what the contract actually receives is credited.
    /// The resulting bonded stake must be at least `minStake`.
    /// @param amount Tokens to transfer from the caller.
    function stake(uint256 amount) external;

    /// @notice Moves `amount` of bonded stake to unbonding. The remaining bonded stake must be
    /// zero or at least `minStake`. Restarts the unbonding clock for everything unbonding.
    function requestUnstake(uint256 amount) external;

    /// @notice Withdraws all unbonding stake once `unbondingPeriod` has passed. Works while paused.
    function withdraw() external;

    /// @notice Slashes `amount` from `validator`: bonded stake first, then unbonding stake. Bonded stake
    /// left above zero but below `minStake` moves to unbonding (`Ejected`), restarting its clock.
    /// If `reporter` is nonzero it receives `reporterBountyBps` of what was slashed; the treasury gets the rest.
    /// @return slashed What was actually taken (at most `amount`).
    function slash(address validator, uint256 amount, address reporter) external returns (uint256 slashed);

    /// @notice Governance sets the smallest bonded stake that makes a validator active, within
    /// `[MIN_STAKE_LOWER, MIN_STAKE_UPPER]`. Bonded stake below it still counts toward the total.
    function setMinStake(uint256 minStake) external;
    /// @notice Governance sets the unbonding period, within `[MIN_UNBONDING_PERIOD, MAX_UNBONDING_PERIOD]`.
    /// It applies to later unstake requests.
    function setUnbondingPeriod(uint256 unbondingPeriod) external;
    /// @notice Governance sets the quorum, within `[MIN_QUORUM_BPS, MAX_QUORUM_BPS]` of total bonded stake.
    function setQuorumBps(uint256 quorumBps) external;
    /// @notice Governance sets the reporter's share of a slash, at most `MAX_REPORTER_BOUNTY_BPS`.
    function setReporterBountyBps(uint256 reporterBountyBps) external;
    /// @notice Governance sets where slashed stake goes.
    function setTreasury(address treasury) external;

    /// @notice `validator`'s bonded and unbonding stake and when its unbonding stake is released.
    function validators(address validator) external view returns (Validator memory);
    /// @notice Bonded stake of `validator` if it is active (bonded ≥ `minStake`), else 0.
    function activeStakeOf(address validator) external view returns (uint256);
    /// @notice `validator`'s active stake and the stake a side needs to reach quorum now.
    function votingPower(address validator) external view returns (uint256 stake, uint256 quorumStake);
    /// @notice Active stake of each of `accounts` (0 for an inactive one) and the quorum stake, in one call.
    function activeStakesOf(
        address[] calldata accounts
    ) external view returns (uint256[] memory stakes, uint256 quorumStake);
    /// @notice Stake a side needs to reach quorum now: `ceil(totalBonded × quorumBps / 10 000)`.
    function quorumStake() external view returns (uint256);

    function minStake() external view returns (uint256);
    function unbondingPeriod() external view returns (uint256);
    function quorumBps() external view returns (uint256);
    function reporterBountyBps() external view returns (uint256);
    function treasury() external view returns (address);
    function totalBonded() external view returns (uint256);
    function totalUnbonding() external view returns (uint256);
    function totalDeposited() external view returns (uint256);
    function totalWithdrawn() external view returns (uint256);
    function totalSlashed() external view returns (uint256);
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC6372} from "@openzeppelin/contracts/interfaces/IERC6372.sol";

import {IEpochClock} from "./IEpochClock.sol";
import {IGoverned} from "./IGoverned.sol";

/// @title IValidatorStaking
/// @notice Validators bond the stake token to vote, attest and co-sign settlements.
/// @dev A validator's *bonded* stake is checkpointed, per validator and in total, on an ERC-6372
/// timestamp clock, so the registry and the ledger can read voting power at a past timepoint
/// (`stakeAt`, `totalStakeAt`): an item's voting power is fixed when it opens, and stake bonded,
/// unbonded or recycled later cannot change it. A validator is *active*, and may sign settlements,
/// while its bonded stake is at least `minStake`.
/// Stake conservation: `totalDeposited == totalBonded + totalUnbonding + totalWithdrawn + totalSlashed`,
/// where `totalUnbonding` counts both stake whose unbonding clock runs and stake already released.
/// Released stake (its release time passed) can never be slashed or delayed. The set of slashers
/// and the treasury change only after `GOVERNANCE_DELAY`, longer than any unbonding period, so a
/// validator who disagrees with a change can leave before it applies.
interface IValidatorStaking is IEpochClock, IGoverned, IERC6372 {
    /// @notice One validator's stake. Slot layout: bonded (96) | unbonding (96) | unbondingReleaseAt (64);
    /// then released (96), stake whose release time had passed when more stake started unbonding.
    struct Validator {
        uint96 bonded;
        uint96 unbonding;
        uint64 unbondingReleaseAt;
        uint96 released;
    }

    /// @notice `validator` bonded `amount` (as received), reaching `bonded`.
    /// @param validator The staker.
    /// @param amount Tokens received.
    /// @param bonded The validator's bonded stake after this.
    event Staked(address indexed validator, uint256 amount, uint256 bonded);
    /// @notice `validator` moved `amount` from bonded to unbonding, withdrawable at `releaseAt`.
    /// @param validator The staker.
    /// @param amount Tokens that started unbonding.
    /// @param bonded The validator's bonded stake after this.
    /// @param releaseAt When the validator's unbonding stake can be withdrawn.
    event UnstakeRequested(address indexed validator, uint256 amount, uint256 bonded, uint256 releaseAt);
    /// @notice `validator` withdrew `amount` of released stake.
    /// @param validator The staker.
    /// @param amount Tokens paid out.
    event Withdrawn(address indexed validator, uint256 amount);
    /// @notice `validator` lost `fromBonded + fromUnbonding`; `bounty` of it went to `reporter`, the rest
    /// to the treasury.
    /// @param validator The slashed validator.
    /// @param reporter Who reported the offence (zero for none); no bounty when it is the validator.
    /// @param fromBonded Taken from bonded stake.
    /// @param fromUnbonding Taken from stake still unbonding.
    /// @param bounty Paid to the reporter.
    event Slashed(
        address indexed validator,
        address indexed reporter,
        uint256 fromBonded,
        uint256 fromUnbonding,
        uint256 bounty
    );
    /// @notice A slash left `validator` with bonded stake below the minimum: that `amount` moved to
    /// unbonding, withdrawable at `releaseAt`, and no longer counts toward quorum.
    /// @param validator The slashed validator.
    /// @param amount Tokens moved to unbonding.
    /// @param releaseAt When they can be withdrawn.
    event Ejected(address indexed validator, uint256 amount, uint256 releaseAt);
    /// @notice Governance set the minimum stake.
    /// @param minStake The new minimum.
    event MinStakeSet(uint256 minStake);
    /// @notice Governance set the unbonding period for later unstake requests.
    /// @param unbondingPeriod The new period, in seconds.
    event UnbondingPeriodSet(uint256 unbondingPeriod);
    /// @notice Governance set the quorum.
    /// @param quorumBps The new quorum, in basis points of total bonded stake.
    event QuorumBpsSet(uint256 quorumBps);
    /// @notice Governance set the reporter's share of a slash.
    /// @param reporterBountyBps The new share, in basis points.
    event ReporterBountyBpsSet(uint256 reporterBountyBps);
    /// @notice Governance scheduled `treasury` to receive slashed stake from `effectiveAt`.
    /// @param treasury The scheduled treasury.
    /// @param effectiveAt When `activateTreasury` may apply it.
    event TreasuryScheduled(address indexed treasury, uint256 effectiveAt);
    /// @notice Slashed stake now goes to `treasury`.
    /// @param treasury The new treasury.
    event TreasurySet(address indexed treasury);
    /// @notice Governance scheduled `account` to become a slasher at `effectiveAt`.
    /// @param account The scheduled slasher.
    /// @param effectiveAt When `activateSlasher` may apply it.
    event SlasherScheduled(address indexed account, uint256 effectiveAt);
    /// @notice Governance withdrew the pending schedule of `account`.
    /// @param account The slasher that will not be added.
    event SlasherCancelled(address indexed account);
    /// @notice `account` became a slasher (`allowed`) or stopped being one.
    /// @param account The slasher.
    /// @param allowed Whether it may slash from now on.
    event SlasherSet(address indexed account, bool allowed);

    /// @notice A zero amount was given where a positive one is required.
    error StakeAmountZero();
    /// @notice The operation would leave `validator` with bonded stake `stake`, below `minimum` and above zero.
    /// @param validator The staker.
    /// @param stake The bonded stake it would have.
    /// @param minimum The minimum stake.
    error StakeBelowMinimum(address validator, uint256 stake, uint256 minimum);
    /// @notice `validator` asked to unstake `requested` but has only `bonded`.
    /// @param validator The staker.
    /// @param requested The amount asked for.
    /// @param bonded The validator's bonded stake.
    error InsufficientBondedStake(address validator, uint256 requested, uint256 bonded);
    /// @notice `validator`'s unbonding stake is locked until `releaseAt`, and nothing else is released.
    /// @param validator The staker.
    /// @param releaseAt When its unbonding stake is released.
    /// @param nowTimestamp The current time.
    error UnbondingNotFinished(address validator, uint256 releaseAt, uint256 nowTimestamp);
    /// @notice `validator` has nothing unbonding or released.
    /// @param validator The staker.
    error NothingToWithdraw(address validator);
    /// @notice The caller is not a slasher.
    /// @param caller The caller.
    error NotSlasher(address caller);
    /// @notice A slash asked for `slashBps`, outside `(0, MAX_SLASH_BPS]`.
    /// @param slashBps The fraction asked for, in basis points.
    /// @param maximum `MAX_SLASH_BPS`.
    error SlashFractionOutOfBounds(uint256 slashBps, uint256 maximum);
    /// @notice A timepoint at or after the current clock was looked up; only the past is fixed.
    /// @param timepoint The timepoint asked about.
    /// @param clock The current clock.
    error FutureLookup(uint256 timepoint, uint48 clock);
    /// @notice `account` cannot be the treasury or a slasher: tokens sent there would be stuck, or it is
    /// already in the other role.
    /// @param account The refused address.
    error InvalidRoleAccount(address account);
    /// @notice `account` has no pending change, or its delay has not passed.
    /// @param account The account of the change.
    /// @param effectiveAt When the change may apply (zero if none is pending).
    /// @param nowTimestamp The current time.
    error ChangeNotReady(address account, uint256 effectiveAt, uint256 nowTimestamp);

    /// @notice The token validators stake.
    /// @return The ERC-20 address.
    function STAKE_TOKEN() external view returns (address);
    /// @notice The largest fraction of a validator's slashable stake one slash may take.
    /// @return The fraction, in basis points.
    function MAX_SLASH_BPS() external view returns (uint256);
    /// @notice The longest voting window of any item; at most `MIN_UNBONDING_PERIOD`, so a validator
    /// stays slashable for every vote it can still cast.
    /// @return The window, in seconds.
    function MAX_VOTING_PERIOD() external view returns (uint256);
    /// @notice How long a new slasher or treasury waits before it applies: longer than the longest
    /// unbonding period, so validators can leave first.
    /// @return The delay, in seconds.
    function GOVERNANCE_DELAY() external view returns (uint256);
    /// @notice Smallest value `setMinStake` accepts.
    /// @return The bound, in stake-token units.
    function MIN_STAKE_LOWER() external view returns (uint256);
    /// @notice Largest value `setMinStake` accepts.
    /// @return The bound, in stake-token units.
    function MIN_STAKE_UPPER() external view returns (uint256);
    /// @notice Shortest unbonding period.
    /// @return The bound, in seconds.
    function MIN_UNBONDING_PERIOD() external view returns (uint256);
    /// @notice Longest unbonding period.
    /// @return The bound, in seconds.
    function MAX_UNBONDING_PERIOD() external view returns (uint256);
    /// @notice Smallest quorum: above one half, so both sides can never reach it on the same stake.
    /// @return The bound, in basis points.
    function MIN_QUORUM_BPS() external view returns (uint256);
    /// @notice Largest quorum.
    /// @return The bound, in basis points.
    function MAX_QUORUM_BPS() external view returns (uint256);
    /// @notice Largest reporter bounty.
    /// @return The bound, in basis points of what is slashed.
    function MAX_REPORTER_BOUNTY_BPS() external view returns (uint256);

    /// @notice Bonds `amount` of the stake token. Only what the contract actually receives is credited.
    /// The resulting bonded stake must be at least `minStake`. It has no voting power on items that
    /// opened before now.
    /// @param amount Tokens to transfer from the caller.
    function stake(uint256 amount) external;

    /// @notice Moves `amount` of bonded stake to unbonding. The remaining bonded stake must be zero or
    /// at least `minStake`. Restarts the unbonding clock of stake still unbonding; stake already
    /// released stays released.
    /// @param amount Tokens to unbond.
    function requestUnstake(uint256 amount) external;

    /// @notice Withdraws all released stake. Works while paused.
    function withdraw() external;

    /// @notice Slashes `slashBps` of `validator`'s slashable stake (bonded, then unbonding whose release
    /// time has not passed). Bonded stake left above zero but below `minStake` moves to unbonding
    /// (`Ejected`). A `reporter` other than zero and the validator receives `reporterBountyBps` of what
    /// was slashed; the treasury gets the rest. Slashers only.
    /// @param validator The validator to slash.
    /// @param slashBps The fraction to take, at most `MAX_SLASH_BPS`.
    /// @param reporter Who reported the offence, or zero.
    /// @return slashed What was taken.
    function slash(address validator, uint256 slashBps, address reporter) external returns (uint256 slashed);

    /// @notice Governance sets the smallest bonded stake that makes a validator active, within
    /// `[MIN_STAKE_LOWER, MIN_STAKE_UPPER]`. Bonded stake below it still counts toward the total.
    /// @param minStake The new minimum.
    function setMinStake(uint256 minStake) external;
    /// @notice Governance sets the unbonding period for later unstake requests, within
    /// `[MIN_UNBONDING_PERIOD, MAX_UNBONDING_PERIOD]`.
    /// @param unbondingPeriod The new period, in seconds.
    function setUnbondingPeriod(uint256 unbondingPeriod) external;
    /// @notice Governance sets the quorum, within `[MIN_QUORUM_BPS, MAX_QUORUM_BPS]` of total bonded stake.
    /// @param quorumBps The new quorum.
    function setQuorumBps(uint256 quorumBps) external;
    /// @notice Governance sets the reporter's share of a slash, at most `MAX_REPORTER_BOUNTY_BPS`.
    /// @param reporterBountyBps The new share.
    function setReporterBountyBps(uint256 reporterBountyBps) external;

    /// @notice Governance schedules a new treasury for slashed stake. It applies at once while no stake
    /// is bonded or unbonding (at deployment), otherwise after `GOVERNANCE_DELAY` through
    /// `activateTreasury`. Refuses this contract, the stake token and slashers.
    /// @param treasury The new treasury.
    /// @return effectiveAt When it applies.
    function scheduleTreasury(address treasury) external returns (uint256 effectiveAt);
    /// @notice Applies the scheduled treasury once its delay has passed. Anyone may call.
    function activateTreasury() external;
    /// @notice Governance schedules `account` as a slasher: the suite's own contracts, such as the
    /// distributor. It applies at once while no stake is bonded or unbonding (at deployment), otherwise
    /// after `GOVERNANCE_DELAY` through `activateSlasher`. Refuses this contract, the stake token and the
    /// treasury.
    /// @param account The contract that may slash.
    /// @return effectiveAt When it applies.
    function scheduleSlasher(address account) external returns (uint256 effectiveAt);
    /// @notice Applies a scheduled slasher once its delay has passed. Anyone may call.
    /// @param account The scheduled slasher.
    function activateSlasher(address account) external;
    /// @notice Governance withdraws a pending slasher schedule.
    /// @param account The scheduled slasher.
    function cancelSlasher(address account) external;
    /// @notice Governance removes a slasher, at once: removing one never puts stake at risk.
    /// @param account The slasher.
    function removeSlasher(address account) external;

    /// @notice `validator`'s stake.
    /// @param validator The staker.
    /// @return Bonded, unbonding and released stake, and when the unbonding stake is released.
    function validators(address validator) external view returns (Validator memory);
    /// @notice Bonded stake of `validator` if it is active (bonded ≥ `minStake`), else 0.
    /// @param validator The staker.
    /// @return Its active stake now.
    function activeStakeOf(address validator) external view returns (uint256);
    /// @notice Active stake of each of `accounts` (0 for an inactive one) and the quorum stake now, in one
    /// call. Settlements are signed and counted at one instant, so they use current stake.
    /// @param accounts The signers.
    /// @return stakes Each account's active stake.
    /// @return quorumStake The stake a settlement needs now.
    function activeStakesOf(
        address[] calldata accounts
    ) external view returns (uint256[] memory stakes, uint256 quorumStake);
    /// @notice Stake a side needs to reach quorum now: `ceil(totalBonded × quorumBps / 10 000)`.
    /// @return The quorum stake.
    function quorumStake() external view returns (uint256);

    /// @notice `validator`'s bonded stake at `timepoint` (seconds), which must be in the past.
    /// @param validator The staker.
    /// @param timepoint A timestamp before the current block's.
    /// @return The bonded stake then.
    function stakeAt(address validator, uint256 timepoint) external view returns (uint256);
    /// @notice Total bonded stake at `timepoint` (seconds), which must be in the past.
    /// @param timepoint A timestamp before the current block's.
    /// @return The total bonded stake then.
    function totalStakeAt(uint256 timepoint) external view returns (uint256);
    /// @notice `validator`'s voting power at `timepoint` and the stake a side needs on an item whose
    /// snapshot is `timepoint`: `ceil(totalStakeAt(timepoint) × quorumBps / 10 000)`.
    /// @param validator The voter.
    /// @param timepoint The item's snapshot, before the current block's timestamp.
    /// @return power The voter's bonded stake then.
    /// @return quorumStake The stake a side needs on the item.
    function votingPowerAt(
        address validator,
        uint256 timepoint
    ) external view returns (uint256 power, uint256 quorumStake);

    /// @notice Whether `account` may slash.
    /// @param account The address asked about.
    /// @return True for a slasher.
    function isSlasher(address account) external view returns (bool);
    /// @notice When a scheduled slasher may be activated.
    /// @param account The scheduled slasher.
    /// @return The time, or zero if none is scheduled.
    function pendingSlasherAt(address account) external view returns (uint256);
    /// @notice The treasury waiting for its delay, and when it may be applied.
    /// @return treasury The scheduled treasury, or zero.
    /// @return effectiveAt When it applies.
    function pendingTreasury() external view returns (address treasury, uint256 effectiveAt);

    /// @notice Smallest bonded stake that makes a validator active.
    /// @return The minimum, in stake-token units.
    function minStake() external view returns (uint256);
    /// @notice Unbonding period of new unstake requests.
    /// @return The period, in seconds.
    function unbondingPeriod() external view returns (uint256);
    /// @notice Share of total bonded stake a side needs.
    /// @return The quorum, in basis points.
    function quorumBps() external view returns (uint256);
    /// @notice Reporter's share of a slash.
    /// @return The share, in basis points.
    function reporterBountyBps() external view returns (uint256);
    /// @notice Where slashed stake goes.
    /// @return The treasury.
    function treasury() external view returns (address);
    /// @notice Σ bonded stake now.
    /// @return The total.
    function totalBonded() external view returns (uint256);
    /// @notice Σ stake unbonding or released and not yet withdrawn.
    /// @return The total.
    function totalUnbonding() external view returns (uint256);
    /// @notice Σ stake ever received.
    /// @return The total.
    function totalDeposited() external view returns (uint256);
    /// @notice Σ stake ever withdrawn.
    /// @return The total.
    function totalWithdrawn() external view returns (uint256);
    /// @notice Σ stake ever slashed.
    /// @return The total.
    function totalSlashed() external view returns (uint256);
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {StakeVote} from "../libraries/StakeVote.sol";
import {IEpochClock} from "./IEpochClock.sol";
import {IGoverned} from "./IGoverned.sol";

/// @title IAttributionLedger
/// @notice Attribution batches: validators propose many attribution records at once; other
/// validators attest or reject them; a batch is final once attesting stake reaches quorum.
/// @dev Record encoding (tightly packed, records back to back in one `bytes`):
/// `outputId (bytes32) | poolId (uint32) | value (uint128) | n (uint8) | n × (contributionId (uint32) | weightBps (uint16))`.
/// Within a batch output ids are strictly increasing; every record names an existing pool of the
/// distributor, which pays for its output; within a record contribution ids are strictly increasing,
/// every contribution is Accepted and belongs to a datanet the pool allows, every weight is positive and
/// the weights sum to 10 000.
/// Everything a settlement needs is in the events: `BatchProposed` carries the raw records.
/// Votes on a batch are fixed at its snapshot, the second before it was proposed (see `StakeVote`).
/// A batch is open for attestations for `VOTING_PERIOD` after its proposal; undecided after that, it
/// has expired and counts for nothing.
interface IAttributionLedger is IEpochClock, IGoverned {
    /// @notice A batch's status. `Expired` is never stored: `batchStatus` reports it for a Pending batch
    /// whose window has closed.
    enum BatchStatus {
        None,
        Pending,
        Final,
        Rejected,
        Expired
    }

    /// @notice Slot layout: proposer (160) | proposedAt (40) | status (8) | recordCount (32).
    struct Batch {
        address proposer;
        uint40 proposedAt;
        BatchStatus status;
        uint32 recordCount;
    }

    /// @notice Batch `batchId` was proposed. `stake` counts as the proposer's attestation.
    /// @param batchId The new batch.
    /// @param proposer The proposing validator.
    /// @param epoch The epoch of the proposal.
    /// @param stake The proposer's bonded stake at the batch's snapshot.
    /// @param recordCount How many records the batch holds.
    /// @param records The encoded records.
    event BatchProposed(
        uint256 indexed batchId,
        address indexed proposer,
        uint256 epoch,
        uint256 stake,
        uint256 recordCount,
        bytes records
    );
    /// @notice `validator` attested (`support`) or rejected batch `batchId` with `stake`.
    /// @param batchId The batch.
    /// @param validator The attesting validator.
    /// @param support The side.
    /// @param stake Its bonded stake at the batch's snapshot.
    /// @param epoch The epoch of the attestation.
    event BatchAttested(uint256 indexed batchId, address indexed validator, bool support, uint256 stake, uint256 epoch);
    /// @notice Batch `batchId` became Final or Rejected in `epoch`.
    /// @param batchId The batch.
    /// @param status Final or Rejected.
    /// @param epoch The epoch of the deciding vote.
    event BatchDecided(uint256 indexed batchId, BatchStatus status, uint256 epoch);

    /// @notice `validator` had no bonded stake at the batch's snapshot.
    /// @param validator The caller.
    /// @param snapshot The snapshot timepoint.
    error NoVotingPower(address validator, uint256 snapshot);
    /// @notice The batch holds no record.
    error EmptyBatch();
    /// @notice The batch holds `recordCount` records, more than `maximum`.
    /// @param recordCount How many it holds.
    /// @param maximum `MAX_RECORDS_PER_BATCH`.
    error BatchTooLarge(uint256 recordCount, uint256 maximum);
    /// @notice The records end in the middle of record `recordIndex`, at byte `offset`.
    /// @param recordIndex The record.
    /// @param offset The byte where the data ran out.
    error MalformedRecords(uint256 recordIndex, uint256 offset);
    /// @notice Record `recordIndex` has output id zero.
    /// @param recordIndex The record.
    error OutputIdZero(uint256 recordIndex);
    /// @notice Record `recordIndex`'s output id is not above the previous record's.
    /// @param recordIndex The record.
    /// @param outputId Its output id.
    error OutputIdsNotIncreasing(uint256 recordIndex, bytes32 outputId);
    /// @notice Record `recordIndex` has value zero.
    /// @param recordIndex The record.
    error ValueZero(uint256 recordIndex);
    /// @notice Record `recordIndex` has `length` entries, outside `[1, maximum]`.
    /// @param recordIndex The record.
    /// @param length Its number of entries.
    /// @param maximum `MAX_ATTRIBUTIONS`.
    error VectorLengthOutOfBounds(uint256 recordIndex, uint256 length, uint256 maximum);
    /// @notice Entry `position` of record `recordIndex` names a contribution id not above the previous one.
    /// @param recordIndex The record.
    /// @param position The entry.
    /// @param contributionId The id it names.
    error ContributionIdsNotIncreasing(uint256 recordIndex, uint256 position, uint256 contributionId);
    /// @notice Record `recordIndex` names contribution `contributionId`, which is not Accepted.
    /// @param recordIndex The record.
    /// @param contributionId The contribution.
    error ContributionNotAccepted(uint256 recordIndex, uint256 contributionId);
    /// @notice Entry `position` of record `recordIndex` has weight zero.
    /// @param recordIndex The record.
    /// @param position The entry.
    error WeightZero(uint256 recordIndex, uint256 position);
    /// @notice Record `recordIndex`'s weights sum to `sumBps`, not 10 000.
    /// @param recordIndex The record.
    /// @param sumBps Their sum.
    error WeightsSumMismatch(uint256 recordIndex, uint256 sumBps);
    /// @notice Record `recordIndex` names pool `poolId`, which does not exist.
    /// @param recordIndex The record.
    /// @param poolId The pool it names.
    error PoolNotFound(uint256 recordIndex, uint256 poolId);
    /// @notice Record `recordIndex` draws on contribution `contributionId`, of datanet `datanetId`, which
    /// pool `poolId` does not allow.
    /// @param recordIndex The record.
    /// @param contributionId The contribution.
    /// @param datanetId Its datanet.
    /// @param poolId The record's pool.
    error DatanetNotInPool(uint256 recordIndex, uint256 contributionId, uint256 datanetId, uint256 poolId);
    /// @notice No batch `batchId` exists.
    /// @param batchId The batch asked for.
    error BatchNotFound(uint256 batchId);
    /// @notice Batch `batchId` is `status`, not Pending.
    /// @param batchId The batch.
    /// @param status Its status.
    error BatchNotPending(uint256 batchId, BatchStatus status);
    /// @notice Batch `batchId`'s window closed at `closedAt`.
    /// @param batchId The batch.
    /// @param closedAt `proposedAt + VOTING_PERIOD`.
    error BatchExpired(uint256 batchId, uint256 closedAt);
    /// @notice `validator` already attested batch `batchId` (a proposal counts as an attestation).
    /// @param batchId The batch.
    /// @param validator The caller.
    error AlreadyAttested(uint256 batchId, address validator);
    /// @notice The voting period given at deployment is outside `[MIN_VOTING_PERIOD, MAX_VOTING_PERIOD]`.
    /// @param votingPeriod The period given.
    /// @param minimum The shortest allowed.
    /// @param maximum The staking contract's `MAX_VOTING_PERIOD`.
    error VotingPeriodOutOfBounds(uint256 votingPeriod, uint256 minimum, uint256 maximum);

    /// @notice Most (contribution, weight) entries in one record's vector.
    /// @return The maximum.
    function MAX_ATTRIBUTIONS() external view returns (uint256);
    /// @notice Most records in one batch.
    /// @return The maximum.
    function MAX_RECORDS_PER_BATCH() external view returns (uint256);
    /// @notice Shortest voting period a deployment may choose.
    /// @return Seconds.
    function MIN_VOTING_PERIOD() external view returns (uint256);
    /// @notice How long a batch is open for attestations after its proposal; at most the staking
    /// contract's `MAX_VOTING_PERIOD`, itself at most the shortest unbonding period.
    /// @return Seconds.
    function VOTING_PERIOD() external view returns (uint256);
    /// @notice The suite's staking contract, whose checkpoints give voting power.
    /// @return Its address.
    function STAKING() external view returns (address);
    /// @notice The suite's registry, whose Accepted bitmap records are checked against.
    /// @return Its address.
    function REGISTRY() external view returns (address);
    /// @notice The suite's distributor, whose pools records name.
    /// @return Its address.
    function DISTRIBUTOR() external view returns (address);

    /// @notice Proposes a batch of encoded records in the current epoch. Any invalid record refuses the
    /// whole batch with an error naming its index. The proposal counts as the proposer's attestation,
    /// with its bonded stake at the batch's snapshot (the second before now).
    /// @param records The encoded records.
    /// @return batchId The new batch.
    function propose(bytes calldata records) external returns (uint256 batchId);

    /// @notice Attests (`support = true`) or rejects a Pending batch with the caller's bonded stake at
    /// the batch's snapshot, until `VOTING_PERIOD` after its proposal.
    /// @param batchId The batch.
    /// @param support The side.
    function attest(uint256 batchId, bool support) external;

    /// @notice Batch `batchId` as stored.
    /// @param batchId The batch.
    /// @return Its proposer, proposal time, stored status and record count.
    function batches(uint256 batchId) external view returns (Batch memory);
    /// @notice Status, reporting Expired for a Pending batch whose window has closed.
    /// @param batchId The batch.
    /// @return The status.
    function batchStatus(uint256 batchId) external view returns (BatchStatus);
    /// @notice Number of batches ever proposed; ids run from 1.
    /// @return The count.
    function batchCount() external view returns (uint256);
    /// @notice What each side of batch `batchId`'s vote still needs to reach quorum.
    /// @param batchId The batch.
    /// @return The tally.
    function tallies(uint256 batchId) external view returns (StakeVote.Tally memory);
    /// @notice Whether `validator` attested or proposed batch `batchId`.
    /// @param batchId The batch.
    /// @param validator The validator.
    /// @return True once it did.
    function hasAttested(uint256 batchId, address validator) external view returns (bool);
}

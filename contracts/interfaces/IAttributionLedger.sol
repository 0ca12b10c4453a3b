// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IAttributionLedger
/// @notice Attribution batches: validators propose many attribution records at once; other
/// validators attest or reject them; a batch is final once attesting stake reaches quorum.
/// @dev Record encoding (tightly packed, records back to back in one `bytes`):
/// `outputId (bytes32) | value (uint128) | n (uint8) | n × (contributionId (uint32) | weightBps (uint16))`.
/// Within a batch output ids are strictly increasing; within a record contribution ids are strictly
/// increasing, every contribution is Accepted, every weight is positive and the weights sum to 10 000.
/// Everything a settlement needs is in the events: `BatchProposed` carries the raw records.
interface IAttributionLedger {
    enum BatchStatus {
        None,
        Pending,
        Final,
        Rejected,
        Expired
    }

    /// @notice Slot layout: proposer (160) | proposedEpoch (32) | status (8) | recordCount (32).
    struct Batch {
        address proposer;
        uint32 proposedEpoch;
        BatchStatus status;
        uint32 recordCount;
    }

    /// @notice Slot layout: attestStake (128) | rejectStake (128).
    struct Tally {
        uint128 attestStake;
        uint128 rejectStake;
    }

    /// @notice Batch `batchId` was proposed. `stake` counts as the proposer's attestation.
    event BatchProposed(
        uint256 indexed batchId,
        address indexed proposer,
        uint256 epoch,
        uint256 stake,
        uint256 recordCount,
        bytes records
    );
    /// @notice `validator` attested (`support`) or rejected batch `batchId` with `stake`.
    event BatchAttested(uint256 indexed batchId, address indexed validator, bool support, uint256 stake, uint256 epoch);
    /// @notice Batch `batchId` became Final or Rejected in `epoch`.
    event BatchDecided(uint256 indexed batchId, BatchStatus status, uint256 epoch);

    error NotActiveValidator(address validator);
    error EmptyBatch();
    error BatchTooLarge(uint256 recordCount, uint256 maximum);
    /// @notice The records end in the middle of record `recordIndex`, at byte `offset`.
    error MalformedRecords(uint256 recordIndex, uint256 offset);
    error OutputIdZero(uint256 recordIndex);
    error OutputIdsNotIncreasing(uint256 recordIndex, bytes32 outputId);
    error ValueZero(uint256 recordIndex);
    error VectorLengthOutOfBounds(uint256 recordIndex, uint256 length, uint256 maximum);
    error ContributionIdsNotIncreasing(uint256 recordIndex, uint256 position, uint256 contributionId);
    error ContributionNotAccepted(uint256 recordIndex, uint256 contributionId);
    error WeightZero(uint256 recordIndex, uint256 position);
    error WeightsSumMismatch(uint256 recordIndex, uint256 sumBps);
    error BatchNotFound(uint256 batchId);
    error BatchNotPending(uint256 batchId, BatchStatus status);
    error BatchExpired(uint256 batchId, uint256 lastEpoch);
    error AlreadyAttested(uint256 batchId, address validator);

    /// @notice Most (contribution, weight) entries in one record's vector.
    function MAX_ATTRIBUTIONS() external view returns (uint256);
    /// @notice Most records in one batch.
    function MAX_RECORDS_PER_BATCH() external view returns (uint256);

    /// @notice Proposes a batch of encoded records in the current epoch. Any invalid record refuses
    /// the whole batch with an error naming its index. The proposal counts as the proposer's attestation.
    function propose(bytes calldata records) external returns (uint256 batchId);

    /// @notice Attests (`support = true`) or rejects a Pending batch with the caller's active stake.
    /// Allowed until the end of the epoch after the batch's own; after that the batch is Expired.
    function attest(uint256 batchId, bool support) external;

    function batches(uint256 batchId) external view returns (Batch memory);
    /// @notice Status, reporting Expired for a Pending batch past its last epoch.
    function batchStatus(uint256 batchId) external view returns (BatchStatus);
    function batchCount() external view returns (uint256);
    function tallies(uint256 batchId) external view returns (Tally memory);
    function hasAttested(uint256 batchId, address validator) external view returns (bool);
    function STAKING() external view returns (address);
    function REGISTRY() external view returns (address);
}

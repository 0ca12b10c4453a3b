// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IAttributionLedger} from "./interfaces/IAttributionLedger.sol";
import {IContributionRegistry} from "./interfaces/IContributionRegistry.sol";
import {IRewardDistributor} from "./interfaces/IRewardDistributor.sol";
import {IValidatorStaking} from "./interfaces/IValidatorStaking.sol";
import {StakeVote} from "./libraries/StakeVote.sol";
import {EpochClock} from "./base/EpochClock.sol";
import {Governed} from "./base/Governed.sol";

/// @title AttributionLedger
/// @notice Holds attribution batches and validators' attestations of them.
contract AttributionLedger is IAttributionLedger, EpochClock, Governed {
    /// @inheritdoc IAttributionLedger
    uint256 public constant override MAX_ATTRIBUTIONS = 32;
    /// @inheritdoc IAttributionLedger
    uint256 public constant override MAX_RECORDS_PER_BATCH = 1_000;
    /// @inheritdoc IAttributionLedger
    uint256 public constant override MIN_VOTING_PERIOD = 1 hours;

    uint256 internal constant BPS = 10_000;
    /// @dev outputId (32) + poolId (4) + value (16) + vector length (1).
    uint256 internal constant RECORD_HEADER_BYTES = 53;
    /// @dev contributionId (4) + weightBps (2).
    uint256 internal constant ENTRY_BYTES = 6;

    /// @inheritdoc IAttributionLedger
    address public immutable override STAKING;
    /// @inheritdoc IAttributionLedger
    address public immutable override REGISTRY;
    /// @inheritdoc IAttributionLedger
    address public immutable override DISTRIBUTOR;
    /// @inheritdoc IAttributionLedger
    uint256 public immutable override VOTING_PERIOD;

    uint256 internal _batchCount;
    mapping(uint256 batchId => Batch) internal _batches;
    mapping(uint256 batchId => StakeVote.Tally) internal _tallies;
    /// @dev Per validator, bit `batchId % 256` of word `batchId / 256` is set once it attested or proposed.
    mapping(address validator => mapping(uint256 wordIndex => uint256 bits)) internal _attestedWords;

    /// @param staking The suite's ValidatorStaking; its epoch clock is copied.
    /// @param registry The suite's ContributionRegistry.
    /// @param distributor The suite's RewardDistributor, whose pools records name.
    /// @param admin Governance: the default admin.
    /// @param votingPeriod Seconds a batch is open for attestations, within
    /// `[MIN_VOTING_PERIOD, staking.MAX_VOTING_PERIOD()]`.
    constructor(
        address staking,
        address registry,
        address distributor,
        address admin,
        uint256 votingPeriod
    ) EpochClock(EpochClock(staking).GENESIS(), EpochClock(staking).EPOCH_DURATION()) Governed(admin) {
        require(registry != address(0) && distributor != address(0), ZeroAddress());
        uint256 maxVotingPeriod = IValidatorStaking(staking).MAX_VOTING_PERIOD();
        require(
            votingPeriod >= MIN_VOTING_PERIOD && votingPeriod <= maxVotingPeriod,
            VotingPeriodOutOfBounds(votingPeriod, MIN_VOTING_PERIOD, maxVotingPeriod)
        );
        STAKING = staking;
        REGISTRY = registry;
        DISTRIBUTOR = distributor;
        VOTING_PERIOD = votingPeriod;
    }

    /// @inheritdoc IAttributionLedger
    function propose(bytes calldata records) external override whenNotPaused returns (uint256 batchId) {
        // The snapshot is the second before the proposal, so stake bonded in the same block has no power.
        uint256 snapshot = block.timestamp - 1;
        StakeVote.Tally memory tally;
        uint256 power = StakeVote.powerOf(tally, IValidatorStaking(STAKING), msg.sender, snapshot);
        require(power > 0, NoVotingPower(msg.sender, snapshot));
        uint256 recordCount = _validateRecords(records);

        bool decided = StakeVote.count(tally, power, true);
        batchId = ++_batchCount;
        uint256 epoch = currentEpoch();
        BatchStatus status = decided ? BatchStatus.Final : BatchStatus.Pending;
        // recordCount <= MAX_RECORDS_PER_BATCH.
        _batches[batchId] = Batch({
            proposer: msg.sender,
            proposedAt: SafeCast.toUint40(block.timestamp),
            status: status,
            recordCount: uint32(recordCount)
        });
        _tallies[batchId] = tally;
        StakeVote.markVoted(_attestedWords[msg.sender], batchId);

        emit BatchProposed(batchId, msg.sender, epoch, power, recordCount, records);
        if (decided) emit BatchDecided(batchId, status, epoch);
    }

    /// @inheritdoc IAttributionLedger
    function attest(uint256 batchId, bool support) external override whenNotPaused {
        Batch memory batch = _batches[batchId];
        require(batch.status != BatchStatus.None, BatchNotFound(batchId));
        require(batch.status == BatchStatus.Pending, BatchNotPending(batchId, batch.status));
        uint256 closesAt = uint256(batch.proposedAt) + VOTING_PERIOD;
        require(block.timestamp < closesAt, BatchExpired(batchId, closesAt));
        mapping(uint256 => uint256) storage attested = _attestedWords[msg.sender];
        require(!StakeVote.hasVoted(attested, batchId), AlreadyAttested(batchId, msg.sender));

        uint256 snapshot = uint256(batch.proposedAt) - 1;
        StakeVote.Tally memory tally = _tallies[batchId];
        uint256 power = StakeVote.powerOf(tally, IValidatorStaking(STAKING), msg.sender, snapshot);
        require(power > 0, NoVotingPower(msg.sender, snapshot));
        bool decided = StakeVote.count(tally, power, support);

        StakeVote.markVoted(attested, batchId);
        _tallies[batchId] = tally;
        uint256 epoch = currentEpoch();
        emit BatchAttested(batchId, msg.sender, support, power, epoch);

        if (decided) {
            BatchStatus outcome = support ? BatchStatus.Final : BatchStatus.Rejected;
            _batches[batchId].status = outcome;
            emit BatchDecided(batchId, outcome, epoch);
        }
    }

    // -------------------------------------------------------------------- views

    /// @inheritdoc IAttributionLedger
    function batches(uint256 batchId) external view override returns (Batch memory) {
        return _batches[batchId];
    }

    /// @inheritdoc IAttributionLedger
    function batchStatus(uint256 batchId) external view override returns (BatchStatus) {
        Batch memory batch = _batches[batchId];
        if (batch.status == BatchStatus.Pending && block.timestamp >= uint256(batch.proposedAt) + VOTING_PERIOD) {
            return BatchStatus.Expired;
        }
        return batch.status;
    }

    /// @inheritdoc IAttributionLedger
    function batchCount() external view override returns (uint256) {
        return _batchCount;
    }

    /// @inheritdoc IAttributionLedger
    function tallies(uint256 batchId) external view override returns (StakeVote.Tally memory) {
        return _tallies[batchId];
    }

    /// @inheritdoc IAttributionLedger
    function hasAttested(uint256 batchId, address validator) external view override returns (bool) {
        return StakeVote.hasVoted(_attestedWords[validator], batchId);
    }

    // ----------------------------------------------------------------- internal

    /// @dev The registry words last read: a record's sorted ids usually share one.
    struct WordCache {
        uint256 acceptedIndex;
        uint256 accepted;
        uint256 datanetIndex;
        uint256 datanets;
    }

    /// @dev The pool of the previous record; consecutive records usually share one. `datanetCount == 0`
    /// means every datanet.
    struct PoolCache {
        uint256 id;
        uint256 datanetCount;
        uint24[8] datanets;
    }

    /// @dev Walks the packed records once, checking every rule, and returns how many there are.
    function _validateRecords(bytes calldata records) internal view returns (uint256 recordCount) {
        uint256 length = records.length;
        uint256 offset;
        uint256 previousOutputId;
        WordCache memory cache = WordCache({
            acceptedIndex: type(uint256).max,
            accepted: 0,
            datanetIndex: type(uint256).max,
            datanets: 0
        });
        PoolCache memory pool;
        pool.id = type(uint256).max;
        uint256 poolCount = IRewardDistributor(DISTRIBUTOR).poolCount();

        while (offset < length) {
            require(length - offset >= RECORD_HEADER_BYTES, MalformedRecords(recordCount, offset));
            uint256 outputId;
            uint256 poolId;
            uint256 value;
            uint256 n;
            assembly ("memory-safe") {
                let p := add(records.offset, offset)
                outputId := calldataload(p)
                poolId := shr(224, calldataload(add(p, 32)))
                value := shr(128, calldataload(add(p, 36)))
                n := byte(0, calldataload(add(p, 52)))
            }
            require(outputId != 0, OutputIdZero(recordCount));
            require(outputId > previousOutputId, OutputIdsNotIncreasing(recordCount, bytes32(outputId)));
            require(value != 0, ValueZero(recordCount));
            require(n > 0 && n <= MAX_ATTRIBUTIONS, VectorLengthOutOfBounds(recordCount, n, MAX_ATTRIBUTIONS));
            if (poolId != pool.id) {
                require(poolId < poolCount, PoolNotFound(recordCount, poolId));
                IRewardDistributor.Pool memory p = IRewardDistributor(DISTRIBUTOR).poolOf(poolId);
                pool.id = poolId;
                pool.datanetCount = p.datanetCount;
                pool.datanets = p.datanets;
            }
            offset += RECORD_HEADER_BYTES;
            require(length - offset >= n * ENTRY_BYTES, MalformedRecords(recordCount, offset));
            offset = _validateVector(records, offset, n, recordCount, cache, pool);
            previousOutputId = outputId;
            ++recordCount;
        }
        require(recordCount > 0, EmptyBatch());
        require(recordCount <= MAX_RECORDS_PER_BATCH, BatchTooLarge(recordCount, MAX_RECORDS_PER_BATCH));
    }

    /// @dev Checks the `n` entries of record `recordIndex` starting at `offset`; returns the offset after them.
    function _validateVector(
        bytes calldata records,
        uint256 offset,
        uint256 n,
        uint256 recordIndex,
        WordCache memory cache,
        PoolCache memory pool
    ) internal view returns (uint256) {
        uint256 previousId;
        uint256 sumBps;
        for (uint256 j; j < n; ++j) {
            uint256 entry;
            assembly ("memory-safe") {
                entry := calldataload(add(records.offset, offset))
            }
            uint256 id = entry >> 224;
            uint256 weight = (entry >> 208) & 0xffff;
            require(id > previousId, ContributionIdsNotIncreasing(recordIndex, j, id));
            require(weight > 0, WeightZero(recordIndex, j));
            uint256 wordIndex = id >> 8;
            if (wordIndex != cache.acceptedIndex) {
                cache.accepted = IContributionRegistry(REGISTRY).acceptedWord(wordIndex);
                cache.acceptedIndex = wordIndex;
            }
            require(cache.accepted & (1 << (id & 0xff)) != 0, ContributionNotAccepted(recordIndex, id));
            if (pool.datanetCount > 0) _checkDatanet(id, recordIndex, cache, pool);
            // At most MAX_ATTRIBUTIONS weights of 16 bits each, and offset is bounded by calldata size.
            unchecked {
                sumBps += weight;
                offset += ENTRY_BYTES;
            }
            previousId = id;
        }
        require(sumBps == BPS, WeightsSumMismatch(recordIndex, sumBps));
        return offset;
    }

    /// @dev Requires Accepted contribution `id` to belong to one of `pool`'s datanets.
    function _checkDatanet(
        uint256 id,
        uint256 recordIndex,
        WordCache memory cache,
        PoolCache memory pool
    ) internal view {
        uint256 wordIndex = id >> 3;
        if (wordIndex != cache.datanetIndex) {
            cache.datanets = IContributionRegistry(REGISTRY).acceptedDatanetWord(wordIndex);
            cache.datanetIndex = wordIndex;
        }
        uint256 datanetId = (cache.datanets >> ((id & 7) * 32)) & type(uint32).max;
        uint256 count = pool.datanetCount;
        for (uint256 k; k < count; ++k) {
            if (pool.datanets[k] == datanetId) return;
        }
        revert DatanetNotInPool(recordIndex, id, datanetId, pool.id);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAttributionLedger} from "./interfaces/IAttributionLedger.sol";
import {IContributionRegistry} from "./interfaces/IContributionRegistry.sol";
import {IValidatorStaking} from "./interfaces/IValidatorStaking.sol";
import {EpochClock} from "./base/EpochClock.sol";
import {Governed} from "./base/Governed.sol";

/// @title AttributionLedger
/// @notice Holds attribution batches and validators' attestations of them.
contract AttributionLedger is IAttributionLedger, EpochClock, Governed {
    uint256 public constant override MAX_ATTRIBUTIONS = 32;
    uint256 public constant override MAX_RECORDS_PER_BATCH = 1_000;

    uint256 internal constant BPS = 10_000;
    /// @dev outputId (32) + value (16) + vector length (1).
    uint256 internal constant RECORD_HEADER_BYTES = 49;
    /// @dev contributionId (4) + weightBps (2).
    uint256 internal constant ENTRY_BYTES = 6;

    address public immutable override STAKING;
    address public immutable override REGISTRY;

    uint256 internal _batchCount;
    mapping(uint256 batchId => Batch) internal _batches;
    mapping(uint256 batchId => Tally) internal _tallies;
    /// @dev Per validator, bit `batchId % 256` of word `batchId / 256` is set once it attested or proposed.
    mapping(address validator => mapping(uint256 wordIndex => uint256 bits)) internal _attestedWords;

    constructor(
        address staking,
        address registry,
        address admin
    ) EpochClock(EpochClock(staking).GENESIS(), EpochClock(staking).EPOCH_DURATION()) Governed(admin) {
        require(staking != address(0) && registry != address(0), ZeroAddress());
        STAKING = staking;
        REGISTRY = registry;
    }

    /// @inheritdoc IAttributionLedger
    function propose(bytes calldata records) external override whenNotPaused returns (uint256 batchId) {
        (uint256 stake, uint256 quorum) = IValidatorStaking(STAKING).votingPower(msg.sender);
        require(stake > 0, NotActiveValidator(msg.sender));
        uint256 recordCount = _validateRecords(records);

        batchId = ++_batchCount;
        uint256 epoch = currentEpoch();
        BatchStatus status = stake >= quorum ? BatchStatus.Final : BatchStatus.Pending;
        // Epochs fit in 32 bits for far longer than any chain will run; recordCount is bounded above.
        _batches[batchId] = Batch({
            proposer: msg.sender,
            proposedEpoch: uint32(epoch),
            status: status,
            recordCount: uint32(recordCount)
        });
        _tallies[batchId] = Tally({attestStake: uint128(stake), rejectStake: 0});
        _attestedWords[msg.sender][batchId >> 8] |= 1 << (batchId & 0xff);

        emit BatchProposed(batchId, msg.sender, epoch, stake, recordCount, records);
        if (status == BatchStatus.Final) emit BatchDecided(batchId, status, epoch);
    }

    /// @inheritdoc IAttributionLedger
    function attest(uint256 batchId, bool support) external override whenNotPaused {
        Batch storage batch = _batches[batchId];
        BatchStatus status = batch.status;
        require(status != BatchStatus.None, BatchNotFound(batchId));
        require(status == BatchStatus.Pending, BatchNotPending(batchId, status));
        uint256 epoch = currentEpoch();
        uint256 lastEpoch = uint256(batch.proposedEpoch) + 1;
        require(epoch <= lastEpoch, BatchExpired(batchId, lastEpoch));

        uint256 wordIndex = batchId >> 8;
        uint256 bit = 1 << (batchId & 0xff);
        uint256 word = _attestedWords[msg.sender][wordIndex];
        require(word & bit == 0, AlreadyAttested(batchId, msg.sender));
        (uint256 stake, uint256 quorum) = IValidatorStaking(STAKING).votingPower(msg.sender);
        require(stake > 0, NotActiveValidator(msg.sender));

        _attestedWords[msg.sender][wordIndex] = word | bit;
        Tally memory tally = _tallies[batchId];
        // Stakes are bounded by the staking contract's uint96 total, so 128-bit tallies cannot overflow.
        uint256 side = (support ? tally.attestStake : tally.rejectStake) + stake;
        if (support) tally.attestStake = uint128(side);
        else tally.rejectStake = uint128(side);
        _tallies[batchId] = tally;
        emit BatchAttested(batchId, msg.sender, support, stake, epoch);

        if (side >= quorum) {
            BatchStatus outcome = support ? BatchStatus.Final : BatchStatus.Rejected;
            batch.status = outcome;
            emit BatchDecided(batchId, outcome, epoch);
        }
    }

    // -------------------------------------------------------------------- views

    function batches(uint256 batchId) external view override returns (Batch memory) {
        return _batches[batchId];
    }

    /// @inheritdoc IAttributionLedger
    function batchStatus(uint256 batchId) external view override returns (BatchStatus) {
        Batch memory batch = _batches[batchId];
        if (batch.status == BatchStatus.Pending && currentEpoch() > uint256(batch.proposedEpoch) + 1) {
            return BatchStatus.Expired;
        }
        return batch.status;
    }

    function batchCount() external view override returns (uint256) {
        return _batchCount;
    }

    function tallies(uint256 batchId) external view override returns (Tally memory) {
        return _tallies[batchId];
    }

    function hasAttested(uint256 batchId, address validator) external view override returns (bool) {
        return _attestedWords[validator][batchId >> 8] & (1 << (batchId & 0xff)) != 0;
    }

    // ----------------------------------------------------------------- internal

    /// @dev The Accepted bitmap word last read from the registry. A record's sorted ids usually share one word.
    struct WordCache {
        uint256 index;
        uint256 word;
    }

    /// @dev Walks the packed records once, checking every rule, and returns how many there are.
    function _validateRecords(bytes calldata records) internal view returns (uint256 recordCount) {
        uint256 length = records.length;
        uint256 offset;
        uint256 previousOutputId;
        WordCache memory cache = WordCache({index: type(uint256).max, word: 0});

        while (offset < length) {
            require(length - offset >= RECORD_HEADER_BYTES, MalformedRecords(recordCount, offset));
            uint256 outputId;
            uint256 value;
            uint256 n;
            assembly ("memory-safe") {
                let p := add(records.offset, offset)
                outputId := calldataload(p)
                value := shr(128, calldataload(add(p, 32)))
                n := byte(0, calldataload(add(p, 48)))
            }
            require(outputId != 0, OutputIdZero(recordCount));
            require(outputId > previousOutputId, OutputIdsNotIncreasing(recordCount, bytes32(outputId)));
            require(value != 0, ValueZero(recordCount));
            require(n > 0 && n <= MAX_ATTRIBUTIONS, VectorLengthOutOfBounds(recordCount, n, MAX_ATTRIBUTIONS));
            offset += RECORD_HEADER_BYTES;
            require(length - offset >= n * ENTRY_BYTES, MalformedRecords(recordCount, offset));
            offset = _validateVector(records, offset, n, recordCount, cache);
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
        WordCache memory cache
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
            if (wordIndex != cache.index) {
                cache.word = IContributionRegistry(REGISTRY).acceptedWord(wordIndex);
                cache.index = wordIndex;
            }
            require(cache.word & (1 << (id & 0xff)) != 0, ContributionNotAccepted(recordIndex, id));
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
}

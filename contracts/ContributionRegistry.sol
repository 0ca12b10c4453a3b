// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IContributionRegistry} from "./interfaces/IContributionRegistry.sol";
import {IValidatorStaking} from "./interfaces/IValidatorStaking.sol";
import {StakeVote} from "./libraries/StakeVote.sol";
import {EpochClock} from "./base/EpochClock.sol";
import {Governed} from "./base/Governed.sol";

/// @title ContributionRegistry
/// @notice Holds datanets, contributions and validators' votes on them.
contract ContributionRegistry is IContributionRegistry, EpochClock, Governed, EIP712, Nonces {
    /// @inheritdoc IContributionRegistry
    uint256 public constant override MAX_BATCH_SIZE = 500;
    /// @inheritdoc IContributionRegistry
    uint256 public constant override MAX_DATANETS = type(uint24).max;
    /// @inheritdoc IContributionRegistry
    uint256 public constant override MIN_VOTING_PERIOD = 1 hours;
    /// @inheritdoc IContributionRegistry
    uint256 public constant override MIN_COMMITMENT_MIN_AGE = 12 seconds;
    /// @inheritdoc IContributionRegistry
    uint256 public constant override MAX_COMMITMENT_MIN_AGE = 1 hours;
    /// @inheritdoc IContributionRegistry
    uint256 public constant override MIN_COMMITMENT_MAX_AGE = 2 hours;
    /// @inheritdoc IContributionRegistry
    uint256 public constant override MAX_COMMITMENT_MAX_AGE = 30 days;

    /// @inheritdoc IContributionRegistry
    bytes32 public constant override REGISTRATION_TYPEHASH =
        keccak256(
            "Registration(address contributor,uint32 datanetId,bytes32[] contentHashes,string[] uris,bytes32 salt,uint256 nonce,uint256 deadline)"
        );

    /// @inheritdoc IContributionRegistry
    address public immutable override STAKING;
    /// @inheritdoc IContributionRegistry
    uint256 public immutable override VOTING_PERIOD;
    /// @inheritdoc IContributionRegistry
    bytes32 public constant override REVOKER_ROLE = keccak256("REVOKER_ROLE");

    /// @dev Slot layout: datanetCount (32) | contributionCount (64) | commitmentMinAge (32) |
    /// commitmentMaxAge (32).
    uint32 internal _datanetCount;
    uint64 internal _contributionCount;
    uint32 internal _commitmentMinAge;
    uint32 internal _commitmentMaxAge;

    mapping(uint32 datanetId => Datanet) internal _datanets;
    /// @dev Keyed by content hash: the one slot that both records a contribution and makes its hash unique.
    mapping(bytes32 contentHash => Contribution) internal _contributions;
    /// @inheritdoc IContributionRegistry
    mapping(bytes32 commitment => uint256 timestamp) public override commitments;
    mapping(uint256 id => StakeVote.Tally) internal _tallies;
    /// @dev Bit `id % 256` of word `id / 256` is set once the contribution is Accepted.
    mapping(uint256 wordIndex => uint256 bits) internal _acceptedWords;
    /// @dev Accepted contributions' datanets, eight per word: bits `32 * (id % 8)` up of word `id / 8` hold
    /// the datanet id of contribution `id` once it is Accepted, and zero before (datanet ids start at 1).
    mapping(uint256 wordIndex => uint256 datanets) internal _acceptedDatanetWords;
    /// @dev Per validator, bit `id % 256` of word `id / 256` is set once it voted on `id`.
    mapping(address validator => mapping(uint256 wordIndex => uint256 bits)) internal _votedWords;

    /// @param staking The suite's ValidatorStaking; its epoch clock is copied.
    /// @param admin Governance: the default admin.
    /// @param votingPeriod Seconds a contribution is open for votes, within
    /// `[MIN_VOTING_PERIOD, staking.MAX_VOTING_PERIOD()]`.
    /// @param commitmentMinAge_ Seconds before a commitment can be revealed.
    /// @param commitmentMaxAge_ Seconds a commitment stays revealable.
    constructor(
        address staking,
        address admin,
        uint256 votingPeriod,
        uint256 commitmentMinAge_,
        uint256 commitmentMaxAge_
    )
        EpochClock(EpochClock(staking).GENESIS(), EpochClock(staking).EPOCH_DURATION())
        Governed(admin)
        EIP712("Tributary ContributionRegistry", "1")
    {
        uint256 maxVotingPeriod = IValidatorStaking(staking).MAX_VOTING_PERIOD();
        require(
            votingPeriod >= MIN_VOTING_PERIOD && votingPeriod <= maxVotingPeriod,
            VotingPeriodOutOfBounds(votingPeriod, MIN_VOTING_PERIOD, maxVotingPeriod)
        );
        STAKING = staking;
        VOTING_PERIOD = votingPeriod;
        _setCommitmentAges(commitmentMinAge_, commitmentMaxAge_);
    }

    // ----------------------------------------------------------------- datanets

    /// @inheritdoc IContributionRegistry
    function createDatanet(string calldata metadataUri) external override whenNotPaused returns (uint32 datanetId) {
        uint256 next = uint256(_datanetCount) + 1;
        require(next <= MAX_DATANETS, DatanetLimitReached(MAX_DATANETS));
        datanetId = uint32(next);
        _datanetCount = datanetId;
        _datanets[datanetId] = Datanet({curator: msg.sender, closed: false});
        emit DatanetCreated(datanetId, msg.sender, metadataUri);
    }

    /// @inheritdoc IContributionRegistry
    function transferCuration(uint32 datanetId, address newCurator) external override {
        require(newCurator != address(0), ZeroAddress());
        Datanet storage datanet = _curatedDatanet(datanetId);
        datanet.curator = newCurator;
        emit DatanetCuratorTransferred(datanetId, msg.sender, newCurator);
    }

    /// @inheritdoc IContributionRegistry
    function closeDatanet(uint32 datanetId) external override {
        Datanet storage datanet = _curatedDatanet(datanetId);
        require(!datanet.closed, DatanetIsClosed(datanetId));
        datanet.closed = true;
        emit DatanetClosed(datanetId);
    }

    // ------------------------------------------------------------- registration

    /// @inheritdoc IContributionRegistry
    function commitmentOf(
        address contributor,
        uint32 datanetId,
        bytes32[] calldata contentHashes,
        bytes32 salt
    ) public pure override returns (bytes32) {
        return keccak256(abi.encode(contributor, datanetId, keccak256(abi.encodePacked(contentHashes)), salt));
    }

    /// @inheritdoc IContributionRegistry
    /// @dev Not paused: a commitment changes nothing until it is revealed, and reveals are paused.
    function commit(bytes32 commitment) external override {
        require(commitment != bytes32(0), CommitmentZero());
        uint256 existing = commitments[commitment];
        require(existing == 0, CommitmentAlreadyPosted(commitment, existing));
        commitments[commitment] = block.timestamp;
        emit RegistrationCommitted(commitment, msg.sender, block.timestamp);
    }

    /// @inheritdoc IContributionRegistry
    function register(
        uint32 datanetId,
        bytes32 contentHash,
        string calldata uri,
        bytes32 salt
    ) external override whenNotPaused returns (uint256 id) {
        bytes32 commitment = keccak256(abi.encode(msg.sender, datanetId, keccak256(abi.encode(contentHash)), salt));
        _consumeCommitment(commitment);
        _checkDatanetOpen(datanetId);
        id = _contributionCount + 1;
        _record(id, msg.sender, datanetId, contentHash, 0);
        _contributionCount = uint64(id);
        emit ContributionRegistered(id, msg.sender, datanetId, contentHash, uri);
    }

    /// @inheritdoc IContributionRegistry
    function registerBatch(
        uint32 datanetId,
        bytes32[] calldata contentHashes,
        string[] calldata uris,
        bytes32 salt
    ) external override whenNotPaused returns (uint256 firstId) {
        return _registerBatch(msg.sender, datanetId, contentHashes, uris, salt);
    }

    /// @inheritdoc IContributionRegistry
    function registerBySig(
        RegistrationRequest calldata request,
        bytes calldata signature
    ) external override whenNotPaused returns (uint256 firstId) {
        require(block.timestamp <= request.deadline, SignatureExpired(request.deadline, block.timestamp));
        address contributor = request.contributor;
        bytes32 digest = _hashTypedDataV4(
            keccak256(
                abi.encode(
                    REGISTRATION_TYPEHASH,
                    contributor,
                    request.datanetId,
                    keccak256(abi.encodePacked(request.contentHashes)),
                    _hashStrings(request.uris),
                    request.salt,
                    _useNonce(contributor),
                    request.deadline
                )
            )
        );
        require(SignatureChecker.isValidSignatureNow(contributor, digest, signature), InvalidSignature(contributor));
        return _registerBatch(contributor, request.datanetId, request.contentHashes, request.uris, request.salt);
    }

    /// @inheritdoc IContributionRegistry
    function withdrawContribution(bytes32 contentHash) external override {
        Contribution storage c = _existing(contentHash);
        uint256 id = c.id;
        require(c.contributor == msg.sender, NotContributor(id, msg.sender, c.contributor));
        ContributionStatus status = _statusOf(c);
        require(status == ContributionStatus.Pending, ContributionNotPending(id, status));
        c.status = ContributionStatus.Withdrawn;
        emit ContributionWithdrawn(id, msg.sender, currentEpoch());
    }

    /// @inheritdoc IContributionRegistry
    /// @dev Not paused: it only records what time already decided.
    function expire(bytes32 contentHash) external override {
        Contribution storage c = _existing(contentHash);
        uint256 id = c.id;
        require(c.status == ContributionStatus.Pending, ContributionNotPending(id, c.status));
        uint256 closesAt = uint256(c.registeredAt) + VOTING_PERIOD;
        require(block.timestamp >= closesAt, VotingStillOpen(id, closesAt));
        c.status = ContributionStatus.Expired;
        emit ContributionExpired(id, currentEpoch());
    }

    // -------------------------------------------------------------------- votes

    /// @inheritdoc IContributionRegistry
    function vote(bytes32 contentHash, bool accept) external override whenNotPaused {
        Contribution memory c = _contributions[contentHash];
        uint256 id = c.id;
        require(c.status != ContributionStatus.None, ContributionNotFound(contentHash));
        require(c.status == ContributionStatus.Pending, ContributionNotPending(id, c.status));
        uint256 closesAt = uint256(c.registeredAt) + VOTING_PERIOD;
        require(block.timestamp < closesAt, VotingClosed(id, closesAt));
        require(c.contributor != msg.sender, SelfVote(id, msg.sender));
        mapping(uint256 => uint256) storage voted = _votedWords[msg.sender];
        require(!StakeVote.hasVoted(voted, id), AlreadyVoted(id, msg.sender));

        // The snapshot is the second before registration, so stake bonded in the same block has no power.
        uint256 snapshot = uint256(c.registeredAt) - 1;
        StakeVote.Tally memory tally = _tallies[id];
        uint256 power = StakeVote.powerOf(tally, IValidatorStaking(STAKING), msg.sender, snapshot);
        require(power > 0, NoVotingPower(msg.sender, snapshot));
        bool decided = StakeVote.count(tally, power, accept);

        StakeVote.markVoted(voted, id);
        _tallies[id] = tally;
        uint256 epoch = currentEpoch();
        emit VoteCast(id, msg.sender, accept, power, epoch);

        if (decided) {
            ContributionStatus outcome = accept ? ContributionStatus.Accepted : ContributionStatus.Rejected;
            _contributions[contentHash].status = outcome;
            if (accept) {
                _acceptedWords[id >> 8] |= 1 << (id & 0xff);
                _acceptedDatanetWords[id >> 3] |= uint256(c.datanetId) << ((id & 7) * 32);
            }
            emit ContributionDecided(id, outcome, epoch);
        }
    }

    /// @inheritdoc IContributionRegistry
    /// @dev Not paused: an upheld challenge must take effect.
    function revoke(bytes32 contentHash) external override onlyRole(REVOKER_ROLE) {
        Contribution storage c = _existing(contentHash);
        uint256 id = c.id;
        require(c.status == ContributionStatus.Accepted, ContributionNotRevocable(id, c.status));
        c.status = ContributionStatus.Revoked;
        _acceptedWords[id >> 8] &= ~(uint256(1) << (id & 0xff));
        _acceptedDatanetWords[id >> 3] &= ~(uint256(type(uint32).max) << ((id & 7) * 32));
        emit ContributionRevoked(id, currentEpoch());
    }

    // --------------------------------------------------------------- governance

    /// @inheritdoc IContributionRegistry
    function setCommitmentAges(uint256 minAge, uint256 maxAge) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        _setCommitmentAges(minAge, maxAge);
    }

    // -------------------------------------------------------------------- views

    /// @inheritdoc IContributionRegistry
    function datanets(uint32 datanetId) external view override returns (Datanet memory) {
        return _datanets[datanetId];
    }

    /// @inheritdoc IContributionRegistry
    function datanetCount() external view override returns (uint32) {
        return _datanetCount;
    }

    /// @inheritdoc IContributionRegistry
    function contributionOf(bytes32 contentHash) external view override returns (Contribution memory) {
        return _contributions[contentHash];
    }

    /// @inheritdoc IContributionRegistry
    function statusOf(bytes32 contentHash) external view override returns (ContributionStatus) {
        return _statusOf(_contributions[contentHash]);
    }

    /// @inheritdoc IContributionRegistry
    function contributionIdOf(bytes32 contentHash) external view override returns (uint256) {
        return _contributions[contentHash].id;
    }

    /// @inheritdoc IContributionRegistry
    function contributionCount() external view override returns (uint256) {
        return _contributionCount;
    }

    /// @inheritdoc IContributionRegistry
    function tallies(uint256 id) external view override returns (StakeVote.Tally memory) {
        return _tallies[id];
    }

    /// @inheritdoc IContributionRegistry
    function hasVoted(uint256 id, address validator) external view override returns (bool) {
        return StakeVote.hasVoted(_votedWords[validator], id);
    }

    /// @inheritdoc IContributionRegistry
    function isAccepted(uint256 id) external view override returns (bool) {
        return _acceptedWords[id >> 8] & (1 << (id & 0xff)) != 0;
    }

    /// @inheritdoc IContributionRegistry
    function acceptedWord(uint256 wordIndex) external view override returns (uint256) {
        return _acceptedWords[wordIndex];
    }

    /// @inheritdoc IContributionRegistry
    function acceptedDatanetWord(uint256 wordIndex) external view override returns (uint256) {
        return _acceptedDatanetWords[wordIndex];
    }

    /// @inheritdoc IContributionRegistry
    function acceptedDatanetOf(uint256 id) external view override returns (uint256) {
        return (_acceptedDatanetWords[id >> 3] >> ((id & 7) * 32)) & type(uint32).max;
    }

    /// @inheritdoc IContributionRegistry
    function commitmentMinAge() external view override returns (uint256) {
        return _commitmentMinAge;
    }

    /// @inheritdoc IContributionRegistry
    function commitmentMaxAge() external view override returns (uint256) {
        return _commitmentMaxAge;
    }

    /// @inheritdoc IContributionRegistry
    function nonces(address owner) public view override(IContributionRegistry, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    // ----------------------------------------------------------------- internal

    function _registerBatch(
        address contributor,
        uint32 datanetId,
        bytes32[] calldata contentHashes,
        string[] calldata uris,
        bytes32 salt
    ) internal returns (uint256 firstId) {
        uint256 count = contentHashes.length;
        require(count > 0, EmptyRegistration());
        require(count <= MAX_BATCH_SIZE, RegistrationTooLarge(count, MAX_BATCH_SIZE));
        require(uris.length == count, LengthMismatch(count, uris.length));
        _consumeCommitment(commitmentOf(contributor, datanetId, contentHashes, salt));
        _checkDatanetOpen(datanetId);

        firstId = _contributionCount + 1;
        for (uint256 i; i < count; ++i) {
            uint256 id = firstId + i;
            _record(id, contributor, datanetId, contentHashes[i], i);
            emit ContributionRegistered(id, contributor, datanetId, contentHashes[i], uris[i]);
        }
        // count <= MAX_BATCH_SIZE, so ids stay far below 2^64.
        _contributionCount = uint64(firstId + count - 1);
    }

    /// @dev Takes `contentHash` for contribution `id`. A hash held by a Rejected, Withdrawn or Expired
    /// contribution is free (a Revoked one stays taken, so revoked content cannot come back as it was);
    /// one held by a Pending contribution whose window closed is expired first.
    function _record(uint256 id, address contributor, uint32 datanetId, bytes32 contentHash, uint256 index) internal {
        require(contentHash != bytes32(0), ContentHashZero(index));
        Contribution memory c = _contributions[contentHash];
        ContributionStatus status = _statusOf(c);
        require(
            status != ContributionStatus.Pending &&
                status != ContributionStatus.Accepted &&
                status != ContributionStatus.Revoked,
            ContentAlreadyRegistered(contentHash, c.id)
        );
        if (status == ContributionStatus.Expired && c.status == ContributionStatus.Pending) {
            emit ContributionExpired(c.id, currentEpoch());
        }
        _contributions[contentHash] = Contribution({
            contributor: contributor,
            id: SafeCast.toUint32(id),
            // datanetId was checked to exist, and ids never exceed MAX_DATANETS.
            datanetId: uint24(datanetId),
            registeredAt: SafeCast.toUint32(block.timestamp),
            status: ContributionStatus.Pending
        });
    }

    function _statusOf(Contribution memory c) internal view returns (ContributionStatus) {
        if (c.status == ContributionStatus.Pending && block.timestamp >= uint256(c.registeredAt) + VOTING_PERIOD) {
            return ContributionStatus.Expired;
        }
        return c.status;
    }

    function _consumeCommitment(bytes32 commitment) internal {
        uint256 committedAt = commitments[commitment];
        require(committedAt != 0, CommitmentNotFound(commitment));
        uint256 revealableAt = committedAt + _commitmentMinAge;
        require(block.timestamp >= revealableAt, CommitmentTooNew(commitment, committedAt, revealableAt));
        uint256 expiredAt = committedAt + _commitmentMaxAge;
        require(block.timestamp <= expiredAt, CommitmentExpired(commitment, committedAt, expiredAt));
        delete commitments[commitment];
    }

    function _checkDatanetOpen(uint32 datanetId) internal view {
        Datanet memory datanet = _datanets[datanetId];
        require(datanet.curator != address(0), DatanetNotFound(datanetId));
        require(!datanet.closed, DatanetIsClosed(datanetId));
    }

    function _curatedDatanet(uint32 datanetId) internal view returns (Datanet storage datanet) {
        datanet = _datanets[datanetId];
        require(datanet.curator != address(0), DatanetNotFound(datanetId));
        require(datanet.curator == msg.sender, NotCurator(datanetId, msg.sender, datanet.curator));
    }

    function _existing(bytes32 contentHash) internal view returns (Contribution storage c) {
        c = _contributions[contentHash];
        require(c.status != ContributionStatus.None, ContributionNotFound(contentHash));
    }

    /// @dev EIP-712 encoding of `string[]`: the hash of the concatenated hashes of each string.
    function _hashStrings(string[] calldata values) internal pure returns (bytes32) {
        bytes32[] memory hashes = new bytes32[](values.length);
        for (uint256 i; i < values.length; ++i) hashes[i] = keccak256(bytes(values[i]));
        return keccak256(abi.encodePacked(hashes));
    }

    function _setCommitmentAges(uint256 minAge, uint256 maxAge) internal {
        _checkBounds("commitmentMinAge", minAge, MIN_COMMITMENT_MIN_AGE, MAX_COMMITMENT_MIN_AGE);
        _checkBounds("commitmentMaxAge", maxAge, MIN_COMMITMENT_MAX_AGE, MAX_COMMITMENT_MAX_AGE);
        // Both bounds are far below 2^32.
        _commitmentMinAge = uint32(minAge);
        _commitmentMaxAge = uint32(maxAge);
        emit CommitmentAgesSet(minAge, maxAge);
    }
}

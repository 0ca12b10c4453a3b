// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IContributionRegistry} from "./interfaces/IContributionRegistry.sol";
import {IValidatorStaking} from "./interfaces/IValidatorStaking.sol";
import {EpochClock} from "./base/EpochClock.sol";
import {Governed} from "./base/Governed.sol";

/// @title ContributionRegistry
/// @notice Holds datanets, contributions and validators' votes on them.
contract ContributionRegistry is IContributionRegistry, EpochClock, Governed, EIP712, Nonces {
    uint256 public constant override MAX_BATCH_SIZE = 500;
    uint256 public constant MIN_COMMITMENT_MAX_AGE = 10;
    uint256 public constant MAX_COMMITMENT_MAX_AGE = 1_000_000;

    bytes32 public constant override REGISTRATION_TYPEHASH =
        keccak256(
            "Registration(address contributor,uint32 datanetId,bytes32[] contentHashes,string[] uris,bytes32 salt,uint256 nonce,uint256 deadline)"
        );

    address public immutable override STAKING;

    /// @dev Slot layout: datanetCount (32) | contributionCount (64) | commitmentMaxAge (64).
    uint32 internal _datanetCount;
    uint64 internal _contributionCount;
    uint64 internal _commitmentMaxAge;

    mapping(uint32 datanetId => Datanet) internal _datanets;
    /// @dev Keyed by content hash: the one slot that both records a contribution and makes its hash unique.
    mapping(bytes32 contentHash => Contribution) internal _contributions;
    mapping(bytes32 commitment => uint256 blockNumber) public override commitments;
    mapping(uint256 id => Tally) internal _tallies;
    /// @dev Bit `id % 256` of word `id / 256` is set once the contribution is Accepted.
    mapping(uint256 wordIndex => uint256 bits) internal _acceptedWords;
    /// @dev Per validator, bit `id % 256` of word `id / 256` is set once it voted on `id`. Sequential
    /// ids make most votes write to an already warm, nonzero word.
    mapping(address validator => mapping(uint256 wordIndex => uint256 bits)) internal _votedWords;

    /// @param staking The suite's ValidatorStaking; its epoch clock is copied.
    /// @param admin Governance: the default admin.
    /// @param commitmentMaxAgeBlocks How many blocks a commitment stays revealable.
    constructor(
        address staking,
        address admin,
        uint256 commitmentMaxAgeBlocks
    )
        EpochClock(EpochClock(staking).GENESIS(), EpochClock(staking).EPOCH_DURATION())
        Governed(admin)
        EIP712("Tributary ContributionRegistry", "1")
    {
        STAKING = staking;
        _setCommitmentMaxAge(commitmentMaxAgeBlocks);
    }

    // ----------------------------------------------------------------- datanets

    /// @inheritdoc IContributionRegistry
    function createDatanet(string calldata metadataUri) external override whenNotPaused returns (uint32 datanetId) {
        datanetId = ++_datanetCount;
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
        commitments[commitment] = block.number;
        emit RegistrationCommitted(commitment, msg.sender, block.number);
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
        require(c.status == ContributionStatus.Pending, ContributionNotPending(id, c.status));
        c.status = ContributionStatus.Withdrawn;
        emit ContributionWithdrawn(id, msg.sender, currentEpoch());
    }

    // -------------------------------------------------------------------- votes

    /// @inheritdoc IContributionRegistry
    function vote(bytes32 contentHash, bool accept) external override whenNotPaused {
        Contribution storage c = _existing(contentHash);
        uint256 id = c.id;
        ContributionStatus status = c.status;
        require(status == ContributionStatus.Pending, ContributionNotPending(id, status));
        require(c.contributor != msg.sender, SelfVote(id, msg.sender));

        uint256 wordIndex = id >> 8;
        uint256 bit = 1 << (id & 0xff);
        uint256 word = _votedWords[msg.sender][wordIndex];
        require(word & bit == 0, AlreadyVoted(id, msg.sender));

        (uint256 stake, uint256 quorum) = IValidatorStaking(STAKING).votingPower(msg.sender);
        require(stake > 0, NotActiveValidator(msg.sender));

        _votedWords[msg.sender][wordIndex] = word | bit;
        Tally memory tally = _tallies[id];
        // Stakes are bounded by the staking contract's uint96 total, so 128-bit tallies cannot overflow.
        uint256 side = (accept ? tally.acceptStake : tally.rejectStake) + stake;
        if (accept) tally.acceptStake = uint128(side);
        else tally.rejectStake = uint128(side);
        _tallies[id] = tally;

        uint256 epoch = currentEpoch();
        emit VoteCast(id, msg.sender, accept, stake, epoch);

        if (side >= quorum) {
            ContributionStatus outcome = accept ? ContributionStatus.Accepted : ContributionStatus.Rejected;
            c.status = outcome;
            if (accept) _acceptedWords[wordIndex] |= bit;
            emit ContributionDecided(id, outcome, epoch);
        }
    }

    // --------------------------------------------------------------- governance

    /// @inheritdoc IContributionRegistry
    function setCommitmentMaxAge(uint256 blocks) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        _setCommitmentMaxAge(blocks);
    }

    // -------------------------------------------------------------------- views

    function datanets(uint32 datanetId) external view override returns (Datanet memory) {
        return _datanets[datanetId];
    }

    function datanetCount() external view override returns (uint32) {
        return _datanetCount;
    }

    function contributionOf(bytes32 contentHash) external view override returns (Contribution memory) {
        return _contributions[contentHash];
    }

    function contributionIdOf(bytes32 contentHash) external view override returns (uint256) {
        return _contributions[contentHash].id;
    }

    function contributionCount() external view override returns (uint256) {
        return _contributionCount;
    }

    function tallies(uint256 id) external view override returns (Tally memory) {
        return _tallies[id];
    }

    function hasVoted(uint256 id, address validator) external view override returns (bool) {
        return _votedWords[validator][id >> 8] & (1 << (id & 0xff)) != 0;
    }

    function isAccepted(uint256 id) external view override returns (bool) {
        return _acceptedWords[id >> 8] & (1 << (id & 0xff)) != 0;
    }

    function acceptedWord(uint256 wordIndex) external view override returns (uint256) {
        return _acceptedWords[wordIndex];
    }

    function commitmentMaxAge() external view override returns (uint256) {
        return _commitmentMaxAge;
    }

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

    function _record(uint256 id, address contributor, uint32 datanetId, bytes32 contentHash, uint256 index) internal {
        require(contentHash != bytes32(0), ContentHashZero(index));
        Contribution storage c = _contributions[contentHash];
        require(c.status == ContributionStatus.None, ContentAlreadyRegistered(contentHash, c.id));
        _contributions[contentHash] = Contribution({
            contributor: contributor,
            id: SafeCast.toUint48(id),
            datanetId: datanetId,
            status: ContributionStatus.Pending
        });
    }

    function _consumeCommitment(bytes32 commitment) internal {
        uint256 committedAt = commitments[commitment];
        require(committedAt != 0, CommitmentNotFound(commitment));
        require(block.number > committedAt, CommitmentTooNew(commitment, committedAt, block.number));
        uint256 maxAge = _commitmentMaxAge;
        require(block.number - committedAt <= maxAge, CommitmentExpired(commitment, committedAt, maxAge));
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

    function _setCommitmentMaxAge(uint256 blocks) internal {
        _checkBounds("commitmentMaxAge", blocks, MIN_COMMITMENT_MAX_AGE, MAX_COMMITMENT_MAX_AGE);
        _commitmentMaxAge = uint64(blocks);
        emit CommitmentMaxAgeSet(blocks);
    }
}

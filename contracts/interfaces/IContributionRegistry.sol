// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IContributionRegistry
/// @notice Datanets, front-running-safe registration of contributions (commit–reveal, direct,
/// batched or gasless), withdrawal, and stake-weighted validator votes on contributions.
/// @dev A contribution is stored once, under its content hash, which is how contributors and
/// validators address it. Its compact sequential id names it in attribution vectors and in the
/// Accepted bitmap. One storage slot per registration keeps registering cheap.
interface IContributionRegistry {
    enum ContributionStatus {
        None,
        Pending,
        Accepted,
        Rejected,
        Withdrawn
    }

    /// @notice Slot layout: curator (160) | closed (8).
    struct Datanet {
        address curator;
        bool closed;
    }

    /// @notice Slot layout: contributor (160) | id (48) | datanetId (32) | status (8).
    struct Contribution {
        address contributor;
        uint48 id;
        uint32 datanetId;
        ContributionStatus status;
    }

    /// @notice A gasless registration, as the contributor signs it (EIP-712 type `Registration`, plus the
    /// contributor's current nonce).
    struct RegistrationRequest {
        address contributor;
        uint32 datanetId;
        bytes32[] contentHashes;
        string[] uris;
        bytes32 salt;
        uint256 deadline;
    }

    /// @notice Stake that voted each way. Slot layout: acceptStake (128) | rejectStake (128).
    struct Tally {
        uint128 acceptStake;
        uint128 rejectStake;
    }

    event DatanetCreated(uint32 indexed datanetId, address indexed curator, string metadataUri);
    event DatanetCuratorTransferred(
        uint32 indexed datanetId,
        address indexed previousCurator,
        address indexed newCurator
    );
    event DatanetClosed(uint32 indexed datanetId);
    /// @notice A commitment was posted at `blockNumber` by `poster` (who need not be the contributor).
    event RegistrationCommitted(bytes32 indexed commitment, address indexed poster, uint256 blockNumber);
    /// @notice Contribution `id` was registered. The URI is emitted, never stored.
    event ContributionRegistered(
        uint256 indexed id,
        address indexed contributor,
        uint32 indexed datanetId,
        bytes32 contentHash,
        string uri
    );
    event ContributionWithdrawn(uint256 indexed id, address indexed contributor, uint256 epoch);
    /// @notice `validator` voted on contribution `id` with `stake`, its active stake at voting time.
    event VoteCast(uint256 indexed id, address indexed validator, bool accept, uint256 stake, uint256 epoch);
    /// @notice Contribution `id` reached quorum and became `status` (Accepted or Rejected) in `epoch`.
    event ContributionDecided(uint256 indexed id, ContributionStatus status, uint256 epoch);
    event CommitmentMaxAgeSet(uint256 blocks);

    error DatanetNotFound(uint32 datanetId);
    error DatanetIsClosed(uint32 datanetId);
    error NotCurator(uint32 datanetId, address caller, address curator);
    error CommitmentZero();
    error CommitmentAlreadyPosted(bytes32 commitment, uint256 blockNumber);
    error CommitmentNotFound(bytes32 commitment);
    /// @notice The commitment must be at least one block old when revealed.
    error CommitmentTooNew(bytes32 commitment, uint256 committedAt, uint256 currentBlock);
    error CommitmentExpired(bytes32 commitment, uint256 committedAt, uint256 maxAgeBlocks);
    error EmptyRegistration();
    error RegistrationTooLarge(uint256 count, uint256 maximum);
    error LengthMismatch(uint256 contentHashes, uint256 uris);
    error ContentHashZero(uint256 index);
    error ContentAlreadyRegistered(bytes32 contentHash, uint256 id);
    error SignatureExpired(uint256 deadline, uint256 nowTimestamp);
    error InvalidSignature(address signer);
    error ContributionNotFound(bytes32 contentHash);
    error NotContributor(uint256 id, address caller, address contributor);
    error ContributionNotPending(uint256 id, ContributionStatus status);
    error NotActiveValidator(address validator);
    error SelfVote(uint256 id, address validator);
    error AlreadyVoted(uint256 id, address validator);

    /// @notice Most contributions one commitment may reveal.
    function MAX_BATCH_SIZE() external view returns (uint256);
    /// @notice EIP-712 type hash of a gasless registration.
    function REGISTRATION_TYPEHASH() external view returns (bytes32);

    /// @notice Creates a datanet; the caller becomes its curator.
    function createDatanet(string calldata metadataUri) external returns (uint32 datanetId);
    /// @notice The curator hands curation to `newCurator`.
    function transferCuration(uint32 datanetId, address newCurator) external;
    /// @notice The curator closes the datanet to new contributions. Closing is final.
    function closeDatanet(uint32 datanetId) external;

    /// @notice The commitment a registration must reveal:
    /// `keccak256(abi.encode(contributor, datanetId, keccak256(abi.encodePacked(contentHashes)), salt))`.
    /// It binds the contributor, so a copied commitment cannot be revealed by anyone else.
    function commitmentOf(
        address contributor,
        uint32 datanetId,
        bytes32[] calldata contentHashes,
        bytes32 salt
    ) external pure returns (bytes32);

    /// @notice Posts a commitment. Anyone may post one, for anyone.
    function commit(bytes32 commitment) external;

    /// @notice Reveals and registers one contribution for the caller.
    function register(
        uint32 datanetId,
        bytes32 contentHash,
        string calldata uri,
        bytes32 salt
    ) external returns (uint256 id);

    /// @notice Reveals and registers a batch for the caller. Ids are consecutive, starting at `firstId`.
    function registerBatch(
        uint32 datanetId,
        bytes32[] calldata contentHashes,
        string[] calldata uris,
        bytes32 salt
    ) external returns (uint256 firstId);

    /// @notice Registers for `contributor`, who signed the EIP-712 `Registration` message. Anyone may relay.
    /// ERC-1271 contract wallets may sign.
    function registerBySig(
        RegistrationRequest calldata request,
        bytes calldata signature
    ) external returns (uint256 firstId);

    /// @notice The contributor withdraws a Pending contribution. Its content hash stays taken.
    function withdrawContribution(bytes32 contentHash) external;

    /// @notice Votes on a Pending contribution, named by its content hash, with the caller's active stake.
    function vote(bytes32 contentHash, bool accept) external;

    /// @notice Governance sets how many blocks a commitment stays revealable, within its bounds.
    function setCommitmentMaxAge(uint256 blocks) external;

    function datanets(uint32 datanetId) external view returns (Datanet memory);
    function datanetCount() external view returns (uint32);
    /// @notice The contribution registered under `contentHash` (status None if there is none).
    function contributionOf(bytes32 contentHash) external view returns (Contribution memory);
    function contributionCount() external view returns (uint256);
    /// @notice Id of the contribution registered under `contentHash`, or 0.
    function contributionIdOf(bytes32 contentHash) external view returns (uint256);
    function tallies(uint256 id) external view returns (Tally memory);
    function hasVoted(uint256 id, address validator) external view returns (bool);
    function isAccepted(uint256 id) external view returns (bool);
    /// @notice Word `wordIndex` of the Accepted bitmap: bit `id % 256` of word `id / 256`.
    function acceptedWord(uint256 wordIndex) external view returns (uint256);
    function commitments(bytes32 commitment) external view returns (uint256 blockNumber);
    function commitmentMaxAge() external view returns (uint256);
    function nonces(address owner) external view returns (uint256);
    function STAKING() external view returns (address);
}

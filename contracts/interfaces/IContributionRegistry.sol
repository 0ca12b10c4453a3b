// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC5267} from "@openzeppelin/contracts/interfaces/IERC5267.sol";

import {StakeVote} from "../libraries/StakeVote.sol";
import {IEpochClock} from "./IEpochClock.sol";
import {IGoverned} from "./IGoverned.sol";

/// @title IContributionRegistry
/// @notice Datanets, front-running-safe registration of contributions (commit–reveal, direct, batched
/// or gasless), withdrawal, expiry, and stake-weighted validator votes on contributions.
/// @dev A contribution is stored once, under its content hash, which is how contributors and
/// validators address it. Its compact sequential id names it in attribution vectors and in the
/// Accepted bitmap. One storage slot per registration keeps registering cheap.
/// Votes are fixed at a snapshot: the second before the contribution was registered (see `StakeVote`).
/// A contribution is open for votes for `VOTING_PERIOD` after registration; undecided after that, it
/// has expired, and its content hash can be registered again, as can a Rejected or Withdrawn one (a
/// Revoked one cannot).
/// OpenZeppelin `Nonces`' error `InvalidAccountNonce(account, currentNonce)` is part of this interface too.
interface IContributionRegistry is IEpochClock, IGoverned, IERC5267 {
    /// @notice A contribution's status. `Expired` is stored by `expire` or a re-registration; until then
    /// `statusOf` reports it for a Pending contribution whose voting window has closed.
    enum ContributionStatus {
        None,
        Pending,
        Accepted,
        Rejected,
        Withdrawn,
        Expired,
        Revoked
    }

    /// @notice Slot layout: curator (160) | closed (8).
    struct Datanet {
        address curator;
        bool closed;
    }

    /// @notice Slot layout: contributor (160) | id (32) | datanetId (24) | registeredAt (32) | status (8).
    /// Ids fit 32 bits as attribution vectors carry them; datanet ids fit 24 bits (`MAX_DATANETS`);
    /// timestamps fit 32 bits until 2106.
    struct Contribution {
        address contributor;
        uint32 id;
        uint24 datanetId;
        uint32 registeredAt;
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

    /// @notice Datanet `datanetId` was created.
    /// @param datanetId The new datanet.
    /// @param curator Its curator, the creator.
    /// @param metadataUri Its metadata, emitted and not stored.
    event DatanetCreated(uint32 indexed datanetId, address indexed curator, string metadataUri);
    /// @notice Curation of `datanetId` passed from `previousCurator` to `newCurator`.
    /// @param datanetId The datanet.
    /// @param previousCurator The former curator.
    /// @param newCurator The new curator.
    event DatanetCuratorTransferred(
        uint32 indexed datanetId,
        address indexed previousCurator,
        address indexed newCurator
    );
    /// @notice Datanet `datanetId` was closed to new contributions.
    /// @param datanetId The datanet.
    event DatanetClosed(uint32 indexed datanetId);
    /// @notice A commitment was posted at `timestamp` by `poster` (who need not be the contributor).
    /// @param commitment The commitment.
    /// @param poster Who posted it.
    /// @param timestamp When; it may be revealed from `timestamp + commitmentMinAge`.
    event RegistrationCommitted(bytes32 indexed commitment, address indexed poster, uint256 timestamp);
    /// @notice Contribution `id` was registered. The URI is emitted, never stored.
    /// @param id The contribution's id.
    /// @param contributor Its contributor.
    /// @param datanetId Its datanet.
    /// @param contentHash Its content hash.
    /// @param uri Where its content can be fetched.
    event ContributionRegistered(
        uint256 indexed id,
        address indexed contributor,
        uint32 indexed datanetId,
        bytes32 contentHash,
        string uri
    );
    /// @notice The contributor withdrew Pending contribution `id` in `epoch`.
    /// @param id The contribution.
    /// @param contributor Its contributor.
    /// @param epoch The epoch of the withdrawal.
    event ContributionWithdrawn(uint256 indexed id, address indexed contributor, uint256 epoch);
    /// @notice Contribution `id` closed undecided; its content hash is free again.
    /// @param id The contribution.
    /// @param epoch The epoch in which this was recorded.
    event ContributionExpired(uint256 indexed id, uint256 epoch);
    /// @notice `validator` voted on contribution `id` with `stake`, its bonded stake at the contribution's
    /// snapshot.
    /// @param id The contribution.
    /// @param validator The voter.
    /// @param accept The side.
    /// @param stake The voter's snapshot power.
    /// @param epoch The epoch of the vote.
    event VoteCast(uint256 indexed id, address indexed validator, bool accept, uint256 stake, uint256 epoch);
    /// @notice Contribution `id` reached quorum and became `status` (Accepted or Rejected) in `epoch`.
    /// @param id The contribution.
    /// @param status Accepted or Rejected.
    /// @param epoch The epoch of the deciding vote.
    event ContributionDecided(uint256 indexed id, ContributionStatus status, uint256 epoch);
    /// @notice Accepted contribution `id` was revoked in `epoch` by an upheld challenge: records naming it
    /// are refused from now on, and it earns nothing from epoch `epoch + 1` on (docs/allocation.md).
    /// @param id The contribution.
    /// @param epoch The epoch of the revocation.
    event ContributionRevoked(uint256 indexed id, uint256 epoch);
    /// @notice Governance set how long a commitment must wait before it is revealed, and how long it stays
    /// revealable.
    /// @param minAge Seconds before a commitment can be revealed.
    /// @param maxAge Seconds after which it can no longer be.
    event CommitmentAgesSet(uint256 minAge, uint256 maxAge);

    /// @notice No datanet `datanetId` exists.
    /// @param datanetId The datanet asked for.
    error DatanetNotFound(uint32 datanetId);
    /// @notice Datanet `datanetId` is closed to new contributions.
    /// @param datanetId The datanet.
    error DatanetIsClosed(uint32 datanetId);
    /// @notice Every datanet id below `MAX_DATANETS` is taken.
    /// @param maximum `MAX_DATANETS`.
    error DatanetLimitReached(uint256 maximum);
    /// @notice Only the curator may do this.
    /// @param datanetId The datanet.
    /// @param caller The caller.
    /// @param curator The curator.
    error NotCurator(uint32 datanetId, address caller, address curator);
    /// @notice A commitment of zero was posted.
    error CommitmentZero();
    /// @notice The commitment was already posted at `timestamp`. A copy is harmless: the commitment binds
    /// the contributor, who can reveal it as it is.
    /// @param commitment The commitment.
    /// @param timestamp When it was posted.
    error CommitmentAlreadyPosted(bytes32 commitment, uint256 timestamp);
    /// @notice No such commitment was posted, or it was already revealed.
    /// @param commitment The commitment the reveal computes.
    error CommitmentNotFound(bytes32 commitment);
    /// @notice The commitment can be revealed only from `revealableAt`.
    /// @param commitment The commitment.
    /// @param committedAt When it was posted.
    /// @param revealableAt `committedAt + commitmentMinAge`.
    error CommitmentTooNew(bytes32 commitment, uint256 committedAt, uint256 revealableAt);
    /// @notice The commitment could be revealed only until `expiredAt`.
    /// @param commitment The commitment.
    /// @param committedAt When it was posted.
    /// @param expiredAt `committedAt + commitmentMaxAge`.
    error CommitmentExpired(bytes32 commitment, uint256 committedAt, uint256 expiredAt);
    /// @notice A registration named no content hash.
    error EmptyRegistration();
    /// @notice A registration named more than `maximum` content hashes.
    /// @param count How many it named.
    /// @param maximum `MAX_BATCH_SIZE`.
    error RegistrationTooLarge(uint256 count, uint256 maximum);
    /// @notice A registration had `contentHashes` hashes but `uris` URIs.
    /// @param contentHashes The number of hashes.
    /// @param uris The number of URIs.
    error LengthMismatch(uint256 contentHashes, uint256 uris);
    /// @notice Content hash number `index` is zero.
    /// @param index Its position in the registration.
    error ContentHashZero(uint256 index);
    /// @notice `contentHash` is already registered, Pending or Accepted, as contribution `id`.
    /// @param contentHash The content hash.
    /// @param id The contribution holding it.
    error ContentAlreadyRegistered(bytes32 contentHash, uint256 id);
    /// @notice The signature expired at `deadline`.
    /// @param deadline The signed deadline.
    /// @param nowTimestamp The current time.
    error SignatureExpired(uint256 deadline, uint256 nowTimestamp);
    /// @notice The signature is not `signer`'s.
    /// @param signer The contributor who should have signed.
    error InvalidSignature(address signer);
    /// @notice No contribution holds `contentHash`.
    /// @param contentHash The content hash.
    error ContributionNotFound(bytes32 contentHash);
    /// @notice Only the contributor may do this.
    /// @param id The contribution.
    /// @param caller The caller.
    /// @param contributor The contributor.
    error NotContributor(uint256 id, address caller, address contributor);
    /// @notice Contribution `id` is not Pending (or its window has closed: then `status` is Expired).
    /// @param id The contribution.
    /// @param status Its status.
    error ContributionNotPending(uint256 id, ContributionStatus status);
    /// @notice Only an Accepted contribution can be revoked; `id` is `status`.
    /// @param id The contribution.
    /// @param status Its status.
    error ContributionNotRevocable(uint256 id, ContributionStatus status);
    /// @notice The voting window of contribution `id` closed at `closedAt`.
    /// @param id The contribution.
    /// @param closedAt `registeredAt + VOTING_PERIOD`.
    error VotingClosed(uint256 id, uint256 closedAt);
    /// @notice Contribution `id`'s voting window is still open until `closesAt`.
    /// @param id The contribution.
    /// @param closesAt When it closes.
    error VotingStillOpen(uint256 id, uint256 closesAt);
    /// @notice `validator` had no bonded stake at the item's snapshot.
    /// @param validator The caller.
    /// @param snapshot The snapshot timepoint.
    error NoVotingPower(address validator, uint256 snapshot);
    /// @notice A contributor may not vote on its own contribution.
    /// @param id The contribution.
    /// @param validator The caller.
    error SelfVote(uint256 id, address validator);
    /// @notice `validator` already voted on contribution `id`.
    /// @param id The contribution.
    /// @param validator The caller.
    error AlreadyVoted(uint256 id, address validator);
    /// @notice The voting period given at deployment is outside `[MIN_VOTING_PERIOD, MAX_VOTING_PERIOD]`.
    /// @param votingPeriod The period given.
    /// @param minimum The shortest allowed.
    /// @param maximum The staking contract's `MAX_VOTING_PERIOD`.
    error VotingPeriodOutOfBounds(uint256 votingPeriod, uint256 minimum, uint256 maximum);

    /// @notice Most contributions one commitment may reveal.
    /// @return The maximum.
    function MAX_BATCH_SIZE() external view returns (uint256);
    /// @notice Most datanets: their ids fit 24 bits.
    /// @return The maximum id.
    function MAX_DATANETS() external view returns (uint256);
    /// @notice Shortest voting period a deployment may choose.
    /// @return Seconds.
    function MIN_VOTING_PERIOD() external view returns (uint256);
    /// @notice Bounds of `commitmentMinAge`.
    /// @return Seconds.
    function MIN_COMMITMENT_MIN_AGE() external view returns (uint256);
    /// @notice Bounds of `commitmentMinAge`.
    /// @return Seconds.
    function MAX_COMMITMENT_MIN_AGE() external view returns (uint256);
    /// @notice Bounds of `commitmentMaxAge`.
    /// @return Seconds.
    function MIN_COMMITMENT_MAX_AGE() external view returns (uint256);
    /// @notice Bounds of `commitmentMaxAge`.
    /// @return Seconds.
    function MAX_COMMITMENT_MAX_AGE() external view returns (uint256);
    /// @notice EIP-712 type hash of a gasless registration.
    /// @return The type hash.
    function REGISTRATION_TYPEHASH() external view returns (bytes32);
    /// @notice How long a contribution is open for votes after registration; at most the staking
    /// contract's `MAX_VOTING_PERIOD`, itself at most the shortest unbonding period.
    /// @return Seconds.
    function VOTING_PERIOD() external view returns (uint256);
    /// @notice The suite's staking contract, whose checkpoints give voting power.
    /// @return Its address.
    function STAKING() external view returns (address);

    /// @notice Creates a datanet; the caller becomes its curator.
    /// @param metadataUri The datanet's metadata, emitted and not stored.
    /// @return datanetId The new datanet's id.
    function createDatanet(string calldata metadataUri) external returns (uint32 datanetId);
    /// @notice The curator hands curation to `newCurator`.
    /// @param datanetId The datanet.
    /// @param newCurator The new curator.
    function transferCuration(uint32 datanetId, address newCurator) external;
    /// @notice The curator closes the datanet to new contributions. Closing is final.
    /// @param datanetId The datanet.
    function closeDatanet(uint32 datanetId) external;

    /// @notice The commitment a registration must reveal:
    /// `keccak256(abi.encode(contributor, datanetId, keccak256(abi.encodePacked(contentHashes)), salt))`.
    /// It binds the contributor, so a copied commitment cannot be revealed by anyone else.
    /// @param contributor Who will register.
    /// @param datanetId The datanet.
    /// @param contentHashes The content hashes, in order.
    /// @param salt A secret that keeps the hashes unguessable from the commitment.
    /// @return The commitment.
    function commitmentOf(
        address contributor,
        uint32 datanetId,
        bytes32[] calldata contentHashes,
        bytes32 salt
    ) external pure returns (bytes32);

    /// @notice Posts a commitment. Anyone may post one, for anyone. It can be revealed from
    /// `commitmentMinAge` after now until `commitmentMaxAge` after now. The minimum age is what stops a
    /// front-runner: one who sees a reveal in the mempool must commit and then wait that long, so a
    /// reveal that lands within `commitmentMinAge` of being broadcast cannot be overtaken.
    /// @param commitment The commitment.
    function commit(bytes32 commitment) external;

    /// @notice Reveals and registers one contribution for the caller.
    /// @param datanetId The datanet.
    /// @param contentHash The content hash.
    /// @param uri Where the content can be fetched.
    /// @param salt The commitment's salt.
    /// @return id The new contribution's id.
    function register(
        uint32 datanetId,
        bytes32 contentHash,
        string calldata uri,
        bytes32 salt
    ) external returns (uint256 id);

    /// @notice Reveals and registers a batch for the caller. Ids are consecutive, starting at `firstId`.
    /// @param datanetId The datanet.
    /// @param contentHashes The content hashes.
    /// @param uris Where each content can be fetched.
    /// @param salt The commitment's salt.
    /// @return firstId The first new id.
    function registerBatch(
        uint32 datanetId,
        bytes32[] calldata contentHashes,
        string[] calldata uris,
        bytes32 salt
    ) external returns (uint256 firstId);

    /// @notice Registers for `contributor`, who signed the EIP-712 `Registration` message. Anyone may relay.
    /// ERC-1271 contract wallets may sign.
    /// @param request The registration as signed.
    /// @param signature The contributor's signature.
    /// @return firstId The first new id.
    function registerBySig(
        RegistrationRequest calldata request,
        bytes calldata signature
    ) external returns (uint256 firstId);

    /// @notice The contributor withdraws a Pending contribution whose window is open. Its content hash is
    /// free again.
    /// @param contentHash The contribution's content hash.
    function withdrawContribution(bytes32 contentHash) external;

    /// @notice Records that a Pending contribution's voting window closed undecided: it becomes Expired
    /// and its content hash is free again. Anyone may call; a re-registration of the hash does it too.
    /// @param contentHash The contribution's content hash.
    function expire(bytes32 contentHash) external;

    /// @notice Votes on a Pending contribution, named by its content hash, with the caller's bonded stake
    /// at the contribution's snapshot.
    /// @param contentHash The contribution's content hash.
    /// @param accept The side.
    function vote(bytes32 contentHash, bool accept) external;

    /// @notice Revokes an Accepted contribution: it becomes Revoked, leaves the Accepted bitmap (so
    /// records naming it are refused), and its content hash stays taken. `REVOKER_ROLE` only: the
    /// suite's `ContributionChallenges`, once a challenge is upheld.
    /// @param contentHash The contribution's content hash.
    function revoke(bytes32 contentHash) external;

    /// @notice The role that may revoke contributions; governance grants it to `ContributionChallenges`.
    /// @return The role id, `keccak256("REVOKER_ROLE")`.
    function REVOKER_ROLE() external view returns (bytes32);

    /// @notice Governance sets how long a commitment must wait before it is revealed, within
    /// `[MIN_COMMITMENT_MIN_AGE, MAX_COMMITMENT_MIN_AGE]`, and how long it stays revealable, within
    /// `[MIN_COMMITMENT_MAX_AGE, MAX_COMMITMENT_MAX_AGE]`.
    /// @param minAge Seconds before a reveal.
    /// @param maxAge Seconds until a commitment lapses.
    function setCommitmentAges(uint256 minAge, uint256 maxAge) external;

    /// @notice Datanet `datanetId`.
    /// @param datanetId The datanet.
    /// @return Its curator and whether it is closed.
    function datanets(uint32 datanetId) external view returns (Datanet memory);
    /// @notice Number of datanets; ids run from 1.
    /// @return The count.
    function datanetCount() external view returns (uint32);
    /// @notice The contribution registered under `contentHash` as stored (status None if there is none).
    /// @param contentHash The content hash.
    /// @return The stored record.
    function contributionOf(bytes32 contentHash) external view returns (Contribution memory);
    /// @notice The status of the contribution under `contentHash`, reporting Expired for a Pending one
    /// whose voting window has closed.
    /// @param contentHash The content hash.
    /// @return The status.
    function statusOf(bytes32 contentHash) external view returns (ContributionStatus);
    /// @notice Number of contributions ever registered; ids run from 1.
    /// @return The count.
    function contributionCount() external view returns (uint256);
    /// @notice Id of the contribution registered under `contentHash`, or 0.
    /// @param contentHash The content hash.
    /// @return The id.
    function contributionIdOf(bytes32 contentHash) external view returns (uint256);
    /// @notice What each side of contribution `id`'s vote still needs to reach quorum (both zero before
    /// the first vote).
    /// @param id The contribution.
    /// @return The tally.
    function tallies(uint256 id) external view returns (StakeVote.Tally memory);
    /// @notice Whether `validator` voted on contribution `id`.
    /// @param id The contribution.
    /// @param validator The validator.
    /// @return True once it voted.
    function hasVoted(uint256 id, address validator) external view returns (bool);
    /// @notice Whether contribution `id` is Accepted.
    /// @param id The contribution.
    /// @return True once Accepted.
    function isAccepted(uint256 id) external view returns (bool);
    /// @notice Word `wordIndex` of the Accepted bitmap: bit `id % 256` of word `id / 256`.
    /// @param wordIndex The word.
    /// @return Its bits.
    function acceptedWord(uint256 wordIndex) external view returns (uint256);
    /// @notice Word `wordIndex` of the accepted contributions' datanets: bits `32 * (id % 8)` up of word
    /// `id / 8` hold contribution `id`'s datanet once it is Accepted, zero before.
    /// @param wordIndex The word.
    /// @return Eight 32-bit datanet ids.
    function acceptedDatanetWord(uint256 wordIndex) external view returns (uint256);
    /// @notice The datanet of contribution `id` if it is Accepted, else 0.
    /// @param id The contribution.
    /// @return The datanet id, or 0.
    function acceptedDatanetOf(uint256 id) external view returns (uint256);
    /// @notice When `commitment` was posted, or zero.
    /// @param commitment The commitment.
    /// @return A timestamp.
    function commitments(bytes32 commitment) external view returns (uint256);
    /// @notice Seconds a commitment must wait before it is revealed.
    /// @return Seconds.
    function commitmentMinAge() external view returns (uint256);
    /// @notice Seconds a commitment stays revealable.
    /// @return Seconds.
    function commitmentMaxAge() external view returns (uint256);
    /// @notice `owner`'s next registration-signature nonce.
    /// @param owner The contributor.
    /// @return The nonce.
    function nonces(address owner) external view returns (uint256);
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/IAccessControlDefaultAdminRules.sol";

import {StakeVote} from "../libraries/StakeVote.sol";

/// @title IContributionChallenges
/// @notice Bonded challenges of Accepted contributions (docs/disputes.md). Anyone may challenge an
/// Accepted contribution by posting the bond governance set with an evidence URI. Validators vote on it
/// under the rules of contribution votes: power is the bonded stake at the second before the challenge
/// opened, quorum is `quorumBps` of the total then, one vote each, none by the contributor or the
/// challenger, within the registry's `VOTING_PERIOD`.
/// - **upheld** (revoking stake reaches quorum): the registry revokes the contribution; the challenger
///   withdraws its bond plus a bounty of `bountyBps` of it, paid from the bounty reserve as far as it goes;
/// - **dismissed** (keeping stake reaches quorum): the bond goes to the bounty reserve;
/// - **expired** (undecided when the window closes): the bond is returned; the contribution stays.
/// The reserve of a token holds forfeited bonds and whatever anyone adds; it only pays bounties, and a
/// reserve in a token that is no longer the bond token can be sent to the staking treasury.
interface IContributionChallenges is IAccessControlDefaultAdminRules {
    /// @notice Where a challenge stands.
    enum ChallengeStatus {
        None,
        Open,
        Upheld,
        Dismissed,
        Expired
    }

    /// @notice One challenge. Slot layout: contentHash; challenger (160) | contributionId (32) |
    /// openedAt (40) | status (8); bondToken (160) | bond (96); bounty (128) | withdrawn (8).
    struct Challenge {
        bytes32 contentHash;
        address challenger;
        uint32 contributionId;
        uint40 openedAt;
        ChallengeStatus status;
        address bondToken;
        uint96 bond;
        uint128 bounty;
        bool withdrawn;
    }

    /// @notice `challenger` challenged Accepted contribution `contributionId` with `bond` of `token`.
    /// @param challengeId The new challenge.
    /// @param contributionId The contribution challenged.
    /// @param challenger Who posted the bond.
    /// @param token The bond token.
    /// @param bond The amount received.
    /// @param closesAt Votes are taken until a second before this.
    /// @param evidenceUri Where the evidence is.
    event ChallengeOpened(
        uint256 indexed challengeId,
        uint256 indexed contributionId,
        address indexed challenger,
        address token,
        uint256 bond,
        uint256 closesAt,
        string evidenceUri
    );
    /// @notice `validator` voted to revoke (or keep) with its snapshot `stake`.
    /// @param challengeId The challenge.
    /// @param validator The voter.
    /// @param revoke The side: revoke when true, keep otherwise.
    /// @param stake The voter's snapshot stake.
    event ChallengeVoteCast(uint256 indexed challengeId, address indexed validator, bool revoke, uint256 stake);
    /// @notice Challenge `challengeId` was decided in `epoch`: upheld (the contribution is revoked) or
    /// dismissed.
    /// @param challengeId The challenge.
    /// @param contributionId The contribution challenged.
    /// @param upheld Whether the contribution was revoked.
    /// @param bounty The bounty reserved for the challenger (zero when dismissed).
    /// @param epoch The epoch of the deciding vote.
    event ChallengeDecided(
        uint256 indexed challengeId,
        uint256 indexed contributionId,
        bool upheld,
        uint256 bounty,
        uint256 epoch
    );
    /// @notice Challenge `challengeId` closed undecided; its bond is to be returned.
    /// @param challengeId The challenge.
    /// @param contributionId The contribution challenged.
    event ChallengeExpired(uint256 indexed challengeId, uint256 indexed contributionId);
    /// @notice The challenger of `challengeId` was paid its `bond` back and `bounty`.
    /// @param challengeId The challenge.
    /// @param challenger Who was paid.
    /// @param bond Bond returned.
    /// @param bounty Bounty paid, in the bond token.
    event ChallengeBondReturned(uint256 indexed challengeId, address indexed challenger, uint256 bond, uint256 bounty);
    /// @notice The bounty reserve of `token` changed (a forfeited bond, a top-up, a bounty or a release).
    /// @param token The token.
    /// @param reserve The reserve after the change.
    event BountyReserveChanged(address indexed token, uint256 reserve);
    /// @notice Governance set the bond of new challenges.
    /// @param token The bond token.
    /// @param amount The bond.
    event ChallengeBondSet(address indexed token, uint256 amount);
    /// @notice Governance set the bounty of upheld challenges.
    /// @param bountyBps Basis points of the bond.
    event BountyBpsSet(uint256 bountyBps);

    /// @notice A parameter was set outside its hard bounds.
    /// @param parameter The parameter's name, as a short string.
    /// @param value The value given.
    /// @param minimum The smallest allowed value.
    /// @param maximum The largest allowed value.
    error ParameterOutOfBounds(bytes32 parameter, uint256 value, uint256 minimum, uint256 maximum);
    /// @notice `token` cannot be the bond token: no code, or no `decimals()` at most `MAX_BOND_DECIMALS`.
    /// @param token The token given.
    error InvalidBondToken(address token);
    /// @notice Only an Accepted contribution can be challenged; the one at `contentHash` is `status`.
    /// @param contentHash The contribution's content hash.
    /// @param status Its status, as the registry's enum.
    error ContributionNotAccepted(bytes32 contentHash, uint8 status);
    /// @notice Contribution `contributionId` already has open challenge `challengeId`.
    /// @param contributionId The contribution.
    /// @param challengeId The open challenge.
    error ChallengeAlreadyOpen(uint256 contributionId, uint256 challengeId);
    /// @notice No bond token was received.
    error BondNotReceived();
    /// @notice Challenge `challengeId` is not open (it is `status`).
    /// @param challengeId The challenge.
    /// @param status Its status.
    error ChallengeNotOpen(uint256 challengeId, ChallengeStatus status);
    /// @notice Voting on `challengeId` closed at `closedAt`.
    /// @param challengeId The challenge.
    /// @param closedAt When it closed.
    error ChallengeVotingClosed(uint256 challengeId, uint256 closedAt);
    /// @notice Voting on `challengeId` is open until `closesAt`.
    /// @param challengeId The challenge.
    /// @param closesAt When it closes.
    error ChallengeVotingOpen(uint256 challengeId, uint256 closesAt);
    /// @notice The contributor and the challenger do not vote on their own challenge.
    /// @param challengeId The challenge.
    /// @param voter The caller.
    error ChallengeSelfVote(uint256 challengeId, address voter);
    /// @notice `voter` already voted on `challengeId`.
    /// @param challengeId The challenge.
    /// @param voter The caller.
    error ChallengeAlreadyVoted(uint256 challengeId, address voter);
    /// @notice `voter` had no bonded stake at the challenge's snapshot.
    /// @param voter The caller.
    /// @param snapshot The snapshot timepoint.
    error ChallengeNoVotingPower(address voter, uint256 snapshot);
    /// @notice Challenge `challengeId` owes nothing (it is open or dismissed, or was paid).
    /// @param challengeId The challenge.
    error ChallengeNothingToWithdraw(uint256 challengeId);
    /// @notice A reserve is released only in a token that is no longer the bond token, and only if not empty.
    /// @param token The token given.
    error ReserveNotReleasable(address token);
    /// @notice Nothing was received for the reserve.
    error ReserveAmountZero();

    /// @notice Lowest bond, in whole tokens.
    /// @return 1.
    function MIN_BOND_TOKENS() external view returns (uint256);
    /// @notice Highest bond, in whole tokens.
    /// @return 1 000 000.
    function MAX_BOND_TOKENS() external view returns (uint256);
    /// @notice Most decimals a bond token may have.
    /// @return 22.
    function MAX_BOND_DECIMALS() external view returns (uint256);
    /// @notice Highest bounty, in basis points of the bond.
    /// @return 10 000 (the bond again).
    function MAX_BOUNTY_BPS() external view returns (uint256);
    /// @notice The suite's `ContributionRegistry`, which must grant this contract `REVOKER_ROLE`.
    /// @return Its address.
    function REGISTRY() external view returns (address);
    /// @notice The suite's `ValidatorStaking`, whose snapshots give voting power.
    /// @return Its address.
    function STAKING() external view returns (address);
    /// @notice Seconds a challenge is open for votes: the registry's `VOTING_PERIOD`.
    /// @return Seconds.
    function VOTING_PERIOD() external view returns (uint256);

    /// @notice Challenges the Accepted contribution at `contentHash`, posting the current bond (approve it
    /// first).
    /// @param contentHash The contribution's content hash.
    /// @param evidenceUri Where the evidence is (emitted, not stored).
    /// @return challengeId The new challenge.
    function challenge(bytes32 contentHash, string calldata evidenceUri) external returns (uint256 challengeId);

    /// @notice Votes to revoke (`revoke`) or keep the challenged contribution, with the caller's bonded
    /// stake at the challenge's snapshot. The vote that brings a side to quorum decides the challenge.
    /// @param challengeId The challenge.
    /// @param revoke The side.
    function vote(uint256 challengeId, bool revoke) external;

    /// @notice Closes a challenge left undecided when its window closed; the bond becomes withdrawable.
    /// Anyone may call.
    /// @param challengeId The challenge.
    function expire(uint256 challengeId) external;

    /// @notice Pays the challenger its bond back, plus its bounty if upheld. Anyone may call.
    /// @param challengeId An upheld or expired challenge.
    /// @return bond Bond returned.
    /// @return bounty Bounty paid.
    function withdraw(uint256 challengeId) external returns (uint256 bond, uint256 bounty);

    /// @notice Adds `amount` of the current bond token to its bounty reserve (approve it first).
    /// @param amount Tokens to add.
    function fundBountyReserve(uint256 amount) external;

    /// @notice Sends the reserve of `token`, no longer the bond token, to the staking treasury. Anyone may call.
    /// @param token A former bond token.
    function releaseReserve(address token) external;

    /// @notice Sets the bond of challenges opened from now on. Governance only; `amount` within
    /// `[MIN_BOND_TOKENS, MAX_BOND_TOKENS]` whole tokens.
    /// @param token The bond token.
    /// @param amount The bond, in the token's smallest unit.
    function setBond(address token, uint256 amount) external;

    /// @notice Sets the bounty of challenges decided from now on. Governance only, at most `MAX_BOUNTY_BPS`.
    /// @param bountyBps Basis points of the bond.
    function setBountyBps(uint256 bountyBps) external;

    /// @notice Challenge `challengeId`.
    /// @param challengeId The challenge.
    /// @return The challenge (all zero for an unknown id).
    function challengeOf(uint256 challengeId) external view returns (Challenge memory);
    /// @notice The challenge's tally: what each side still needs.
    /// @param challengeId The challenge.
    /// @return The tally (zero before the first vote).
    function tallyOf(uint256 challengeId) external view returns (StakeVote.Tally memory);
    /// @notice Whether `validator` voted on `challengeId`.
    /// @param challengeId The challenge.
    /// @param validator The validator.
    /// @return True once it voted.
    function hasVoted(uint256 challengeId, address validator) external view returns (bool);
    /// @notice The open challenge of contribution `contributionId`, if any.
    /// @param contributionId The contribution.
    /// @return The challenge's id, or zero.
    function openChallengeOf(uint256 contributionId) external view returns (uint256);
    /// @notice How many challenges were opened; ids run from 1.
    /// @return The count.
    function challengeCount() external view returns (uint256);
    /// @notice The bounty reserve of `token`.
    /// @param token A token.
    /// @return The reserve.
    function bountyReserveOf(address token) external view returns (uint256);
    /// @notice The bond token of new challenges.
    /// @return The token.
    function bondToken() external view returns (address);
    /// @notice The bond of new challenges.
    /// @return The amount.
    function bondAmount() external view returns (uint256);
    /// @notice The bounty of upheld challenges, in basis points of the bond.
    /// @return Basis points.
    function bountyBps() external view returns (uint256);
}

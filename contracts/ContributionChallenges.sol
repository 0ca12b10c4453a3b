// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IContributionChallenges} from "./interfaces/IContributionChallenges.sol";
import {IContributionRegistry} from "./interfaces/IContributionRegistry.sol";
import {IEpochClock} from "./interfaces/IEpochClock.sol";
import {IValidatorStaking} from "./interfaces/IValidatorStaking.sol";
import {BondBounds} from "./libraries/BondBounds.sol";
import {StakeVote} from "./libraries/StakeVote.sol";

/// @title ContributionChallenges
/// @notice Holds the bonds of contribution challenges, their votes, and the bounty reserve.
contract ContributionChallenges is IContributionChallenges, AccessControlDefaultAdminRules, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @inheritdoc IContributionChallenges
    uint256 public constant override MIN_BOND_TOKENS = BondBounds.MIN_BOND_TOKENS;
    /// @inheritdoc IContributionChallenges
    uint256 public constant override MAX_BOND_TOKENS = BondBounds.MAX_BOND_TOKENS;
    /// @inheritdoc IContributionChallenges
    uint256 public constant override MAX_BOND_DECIMALS = BondBounds.MAX_BOND_DECIMALS;
    /// @inheritdoc IContributionChallenges
    uint256 public constant override MAX_BOUNTY_BPS = 10_000;
    uint256 internal constant BPS = 10_000;
    /// @dev Delay of a two-step admin transfer, as in every Tributary contract.
    uint48 internal constant ADMIN_TRANSFER_DELAY = 2 days;

    /// @inheritdoc IContributionChallenges
    address public immutable override REGISTRY;
    /// @inheritdoc IContributionChallenges
    address public immutable override STAKING;
    /// @inheritdoc IContributionChallenges
    uint256 public immutable override VOTING_PERIOD;

    /// @inheritdoc IContributionChallenges
    address public override bondToken;
    /// @inheritdoc IContributionChallenges
    uint256 public override bondAmount;
    /// @inheritdoc IContributionChallenges
    uint256 public override bountyBps;
    /// @inheritdoc IContributionChallenges
    uint256 public override challengeCount;
    mapping(uint256 challengeId => Challenge) internal _challenges;
    mapping(uint256 challengeId => StakeVote.Tally) internal _tallies;
    /// @dev Per validator, bit `id % 256` of word `id / 256` is set once it voted on challenge `id`.
    mapping(address validator => mapping(uint256 wordIndex => uint256 bits)) internal _votedWords;
    /// @inheritdoc IContributionChallenges
    mapping(uint256 contributionId => uint256 challengeId) public override openChallengeOf;
    /// @inheritdoc IContributionChallenges
    mapping(address token => uint256 reserve) public override bountyReserveOf;

    /// @param registry The suite's `ContributionRegistry`; it must grant this contract `REVOKER_ROLE`.
    /// @param admin Governance: the default admin.
    /// @param bondToken_ The bond token.
    /// @param bondAmount_ The bond, within `[MIN_BOND_TOKENS, MAX_BOND_TOKENS]` whole tokens.
    /// @param bountyBps_ The bounty, at most `MAX_BOUNTY_BPS` of the bond.
    constructor(
        address registry,
        address admin,
        address bondToken_,
        uint256 bondAmount_,
        uint256 bountyBps_
    ) AccessControlDefaultAdminRules(ADMIN_TRANSFER_DELAY, admin) {
        REGISTRY = registry;
        STAKING = IContributionRegistry(registry).STAKING();
        VOTING_PERIOD = IContributionRegistry(registry).VOTING_PERIOD();
        _setBond(bondToken_, bondAmount_);
        _setBountyBps(bountyBps_);
    }

    /// @inheritdoc IContributionChallenges
    function challenge(
        bytes32 contentHash,
        string calldata evidenceUri
    ) external override nonReentrant returns (uint256 challengeId) {
        IContributionRegistry registry = IContributionRegistry(REGISTRY);
        IContributionRegistry.ContributionStatus status = registry.statusOf(contentHash);
        require(
            status == IContributionRegistry.ContributionStatus.Accepted,
            ContributionNotAccepted(contentHash, uint8(status))
        );
        uint256 contributionId = registry.contributionIdOf(contentHash);
        uint256 open = openChallengeOf[contributionId];
        require(open == 0, ChallengeAlreadyOpen(contributionId, open));

        address token = bondToken;
        uint256 received = _pull(token, bondAmount);
        require(received > 0, BondNotReceived());

        challengeId = ++challengeCount;
        _challenges[challengeId] = Challenge({
            contentHash: contentHash,
            challenger: msg.sender,
            // Contribution ids are stored in 32 bits by the registry.
            contributionId: uint32(contributionId),
            openedAt: uint40(block.timestamp),
            status: ChallengeStatus.Open,
            bondToken: token,
            // received <= bondAmount < 2^96 (BondBounds).
            bond: uint96(received),
            bounty: 0,
            withdrawn: false
        });
        openChallengeOf[contributionId] = challengeId;
        emit ChallengeOpened(
            challengeId,
            contributionId,
            msg.sender,
            token,
            received,
            block.timestamp + VOTING_PERIOD,
            evidenceUri
        );
    }

    /// @inheritdoc IContributionChallenges
    function vote(uint256 challengeId, bool revoke) external override nonReentrant {
        Challenge memory c = _challenges[challengeId];
        require(c.status == ChallengeStatus.Open, ChallengeNotOpen(challengeId, c.status));
        uint256 closesAt = uint256(c.openedAt) + VOTING_PERIOD;
        require(block.timestamp < closesAt, ChallengeVotingClosed(challengeId, closesAt));
        require(
            msg.sender != c.challenger &&
                msg.sender != IContributionRegistry(REGISTRY).contributionOf(c.contentHash).contributor,
            ChallengeSelfVote(challengeId, msg.sender)
        );
        mapping(uint256 => uint256) storage voted = _votedWords[msg.sender];
        require(!StakeVote.hasVoted(voted, challengeId), ChallengeAlreadyVoted(challengeId, msg.sender));

        // The snapshot is the second before the challenge opened, as for a contribution's registration.
        uint256 snapshot = uint256(c.openedAt) - 1;
        StakeVote.Tally memory tally = _tallies[challengeId];
        uint256 power = StakeVote.powerOf(tally, IValidatorStaking(STAKING), msg.sender, snapshot);
        require(power > 0, ChallengeNoVotingPower(msg.sender, snapshot));
        bool decided = StakeVote.count(tally, power, revoke);

        StakeVote.markVoted(voted, challengeId);
        _tallies[challengeId] = tally;
        emit ChallengeVoteCast(challengeId, msg.sender, revoke, power);
        if (decided) _decide(challengeId, c, revoke);
    }

    /// @inheritdoc IContributionChallenges
    function expire(uint256 challengeId) external override {
        Challenge storage c = _challenges[challengeId];
        require(c.status == ChallengeStatus.Open, ChallengeNotOpen(challengeId, c.status));
        uint256 closesAt = uint256(c.openedAt) + VOTING_PERIOD;
        require(block.timestamp >= closesAt, ChallengeVotingOpen(challengeId, closesAt));
        c.status = ChallengeStatus.Expired;
        delete openChallengeOf[c.contributionId];
        emit ChallengeExpired(challengeId, c.contributionId);
    }

    /// @inheritdoc IContributionChallenges
    function withdraw(uint256 challengeId) external override nonReentrant returns (uint256 bond, uint256 bounty) {
        Challenge storage c = _challenges[challengeId];
        ChallengeStatus status = c.status;
        require(
            !c.withdrawn && (status == ChallengeStatus.Upheld || status == ChallengeStatus.Expired),
            ChallengeNothingToWithdraw(challengeId)
        );
        c.withdrawn = true;
        bond = c.bond;
        bounty = c.bounty;
        address challenger = c.challenger;
        emit ChallengeBondReturned(challengeId, challenger, bond, bounty);
        IERC20(c.bondToken).safeTransfer(challenger, bond + bounty);
    }

    /// @inheritdoc IContributionChallenges
    function fundBountyReserve(uint256 amount) external override nonReentrant {
        address token = bondToken;
        uint256 received = _pull(token, amount);
        require(received > 0, ReserveAmountZero());
        uint256 reserve = bountyReserveOf[token] + received;
        bountyReserveOf[token] = reserve;
        emit BountyReserveChanged(token, reserve);
    }

    /// @inheritdoc IContributionChallenges
    function releaseReserve(address token) external override nonReentrant {
        uint256 reserve = bountyReserveOf[token];
        require(token != bondToken && reserve > 0, ReserveNotReleasable(token));
        bountyReserveOf[token] = 0;
        emit BountyReserveChanged(token, 0);
        IERC20(token).safeTransfer(IValidatorStaking(STAKING).treasury(), reserve);
    }

    /// @inheritdoc IContributionChallenges
    function setBond(address token, uint256 amount) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        _setBond(token, amount);
    }

    /// @inheritdoc IContributionChallenges
    function setBountyBps(uint256 bountyBps_) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        _setBountyBps(bountyBps_);
    }

    /// @inheritdoc IContributionChallenges
    function challengeOf(uint256 challengeId) external view override returns (Challenge memory) {
        return _challenges[challengeId];
    }

    /// @inheritdoc IContributionChallenges
    function tallyOf(uint256 challengeId) external view override returns (StakeVote.Tally memory) {
        return _tallies[challengeId];
    }

    /// @inheritdoc IContributionChallenges
    function hasVoted(uint256 challengeId, address validator) external view override returns (bool) {
        return StakeVote.hasVoted(_votedWords[validator], challengeId);
    }

    /// @dev Records the outcome: upheld revokes the contribution and reserves the bounty; dismissed moves
    /// the bond to the reserve.
    function _decide(uint256 challengeId, Challenge memory c, bool upheld) internal {
        Challenge storage stored = _challenges[challengeId];
        delete openChallengeOf[c.contributionId];
        uint256 reserve = bountyReserveOf[c.bondToken];
        uint256 bounty;
        if (upheld) {
            bounty = Math.min(Math.mulDiv(c.bond, bountyBps, BPS), reserve);
            reserve -= bounty;
            stored.status = ChallengeStatus.Upheld;
            // bounty <= bond < 2^96.
            stored.bounty = uint128(bounty);
        } else {
            reserve += c.bond;
            stored.status = ChallengeStatus.Dismissed;
        }
        bountyReserveOf[c.bondToken] = reserve;
        emit ChallengeDecided(challengeId, c.contributionId, upheld, bounty, IEpochClock(REGISTRY).currentEpoch());
        emit BountyReserveChanged(c.bondToken, reserve);
        // Another revoker may have revoked it meanwhile: the challenge is upheld all the same.
        if (
            upheld &&
            IContributionRegistry(REGISTRY).statusOf(c.contentHash) == IContributionRegistry.ContributionStatus.Accepted
        ) {
            IContributionRegistry(REGISTRY).revoke(c.contentHash);
        }
    }

    /// @dev Takes `amount` of `token` from the caller; returns what arrived, so a token that charges on
    /// transfer cannot inflate a bond or the reserve.
    function _pull(address token, uint256 amount) internal returns (uint256 received) {
        uint256 balanceBefore = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        received = IERC20(token).balanceOf(address(this)) - balanceBefore;
    }

    function _setBond(address token, uint256 amount) internal {
        BondBounds.check(token, amount);
        bondToken = token;
        bondAmount = amount;
        emit ChallengeBondSet(token, amount);
    }

    function _setBountyBps(uint256 value) internal {
        require(value <= MAX_BOUNTY_BPS, ParameterOutOfBounds("bountyBps", value, 0, MAX_BOUNTY_BPS));
        bountyBps = value;
        emit BountyBpsSet(value);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/IAccessControlDefaultAdminRules.sol";

import {IRewardDistributor} from "./IRewardDistributor.sol";

/// @title ISettlementDisputes
/// @notice Bonded disputes of pending settlements (docs/disputes.md). Anyone may dispute the pending
/// settlement during its challenge period by posting the bond governance set; the first dispute freezes
/// the settlement, and later disputers join the same dispute, each bond accounted for on its own.
/// Governance resolves once the challenge period is over (so that nobody can join a dispute on seeing
/// its resolution coming) and within `resolutionPeriod` after it:
/// - **upheld**: the settlement is dropped as by a veto, every signer governance shows signed it is
///   slashed by the distributor's `equivocationSlashBps`, and the disputers get their bonds back plus the
///   staking contract's reporter bounty on those slashes, shared in proportion to their bonds;
/// - **rejected**: the bonds are forfeited to the treasury in force for the disputed epoch, and the
///   settlement activates at once;
/// - **unresolved** when `resolutionPeriod` has passed: anyone may expire the dispute; the settlement
///   activates and every bond is returned, without bounty. A dispute thus delays a settlement by at most
///   `resolutionPeriod` beyond its challenge period, once (joins do not extend it).
/// Pausing does not exist here: a dispute protects claimants, and bonds are exits.
interface ISettlementDisputes is IAccessControlDefaultAdminRules {
    /// @notice Where a dispute stands.
    enum DisputeStatus {
        None,
        Open,
        Upheld,
        Rejected,
        Expired
    }

    /// @notice One dispute. Slot layout: epoch (64) | windowEndsAt (40) | resolveBy (40) | status (8) |
    /// disputerCount (32) | withdrawnCount (32); root; settlementKey; bondToken (160) | bondAmount (96);
    /// totalBonds (128) | bounty (128); bountyPaid.
    struct Dispute {
        uint64 epoch;
        uint40 windowEndsAt;
        uint40 resolveBy;
        DisputeStatus status;
        uint32 disputerCount;
        uint32 withdrawnCount;
        bytes32 root;
        bytes32 settlementKey;
        address bondToken;
        uint96 bondAmount;
        uint128 totalBonds;
        uint128 bounty;
        uint256 bountyPaid;
    }

    /// @notice Σ of bonds, per bond token, by where they went. What the contract holds of a token is
    /// `posted − returned − forfeited`, plus unpaid bounties when the token is also the stake token.
    struct BondTotals {
        uint256 posted;
        uint256 returned;
        uint256 forfeited;
    }

    /// @notice Dispute `disputeId` froze the pending settlement of `epoch`.
    /// @param disputeId The new dispute.
    /// @param epoch The disputed epoch.
    /// @param root The disputed root.
    /// @param settlementKey The distributor's key of the disputed settlement.
    /// @param windowEndsAt End of the challenge period: the last join is a second before it.
    /// @param resolveBy `windowEndsAt + resolutionPeriod`: governance resolves from `windowEndsAt` until a
    /// second before this; afterwards anyone may expire the dispute.
    event DisputeOpened(
        uint256 indexed disputeId,
        uint256 indexed epoch,
        bytes32 root,
        bytes32 settlementKey,
        uint256 windowEndsAt,
        uint256 resolveBy
    );
    /// @notice `disputer` posted `bond` of `token` on dispute `disputeId` (the opener too).
    /// @param disputeId The dispute.
    /// @param disputer Who posted the bond.
    /// @param token The bond token.
    /// @param bond The amount received.
    /// @param evidenceUri Where the disputer's evidence is.
    event DisputeJoined(
        uint256 indexed disputeId,
        address indexed disputer,
        address token,
        uint256 bond,
        string evidenceUri
    );
    /// @notice Dispute `disputeId` was upheld: its settlement was dropped and `signers` signers slashed.
    /// @param disputeId The dispute.
    /// @param epoch The disputed epoch.
    /// @param signers How many signers were slashed.
    /// @param slashed Σ of stake slashed.
    /// @param bounty The stake-token bounty the disputers share.
    event DisputeUpheld(
        uint256 indexed disputeId,
        uint256 indexed epoch,
        uint256 signers,
        uint256 slashed,
        uint256 bounty
    );
    /// @notice Signer `validator` of the settlement upheld wrong by `disputeId` lost `slashed` (zero when
    /// nothing of it was slashable, or staking refused the slash: the settlement is dropped all the same).
    /// @param disputeId The dispute.
    /// @param validator The slashed signer.
    /// @param slashed Stake slashed.
    event SignerSlashed(uint256 indexed disputeId, address indexed validator, uint256 slashed);
    /// @notice Dispute `disputeId` was rejected: its settlement activated and `forfeited` went to `treasury`.
    /// @param disputeId The dispute.
    /// @param epoch The disputed epoch.
    /// @param treasury Who received the forfeited bonds.
    /// @param forfeited Σ of the dispute's bonds.
    event DisputeRejected(uint256 indexed disputeId, uint256 indexed epoch, address treasury, uint256 forfeited);
    /// @notice Dispute `disputeId` was not resolved in time: its settlement activated and bonds return.
    /// @param disputeId The dispute.
    /// @param epoch The disputed epoch.
    event DisputeExpired(uint256 indexed disputeId, uint256 indexed epoch);
    /// @notice `disputer` was paid its `bond` back and `bounty` of the stake token.
    /// @param disputeId The dispute.
    /// @param disputer The disputer paid.
    /// @param bond Bond returned, in the dispute's bond token.
    /// @param bounty Bounty paid, in the stake token.
    event BondReturned(uint256 indexed disputeId, address indexed disputer, uint256 bond, uint256 bounty);
    /// @notice Governance set the bond of new disputes.
    /// @param token The bond token.
    /// @param amount The bond, in the token's smallest unit.
    event BondSet(address indexed token, uint256 amount);
    /// @notice Governance set how long it has to resolve a dispute.
    /// @param resolutionPeriod Seconds.
    event ResolutionPeriodSet(uint256 resolutionPeriod);

    /// @notice A parameter was set outside its hard bounds.
    /// @param parameter The parameter's name, as a short string.
    /// @param value The value given.
    /// @param minimum The smallest allowed value.
    /// @param maximum The largest allowed value.
    error ParameterOutOfBounds(bytes32 parameter, uint256 value, uint256 minimum, uint256 maximum);
    /// @notice `token` cannot be the bond token: no code, or no `decimals()` at most `MAX_BOND_DECIMALS`.
    /// @param token The token given.
    error InvalidBondToken(address token);
    /// @notice The latest settlement is not of `epoch`, or there is none.
    /// @param epoch The epoch disputed.
    /// @param nextEpoch The distributor's next epoch to settle (the latest settled is the one before).
    error NotLatestSettlement(uint256 epoch, uint256 nextEpoch);
    /// @notice The pending settlement of `epoch` has root `pendingRoot`, not the disputed `root`.
    /// @param epoch The epoch disputed.
    /// @param root The root disputed.
    /// @param pendingRoot The root pending.
    error RootMismatch(uint256 epoch, bytes32 root, bytes32 pendingRoot);
    /// @notice The challenge period of `epoch`'s settlement ended at `windowEndsAt`.
    /// @param epoch The epoch disputed.
    /// @param windowEndsAt When it ended.
    error ChallengeWindowClosed(uint256 epoch, uint256 windowEndsAt);
    /// @notice `disputer` already posted a bond on `disputeId`.
    /// @param disputeId The dispute.
    /// @param disputer The disputer.
    error AlreadyDisputed(uint256 disputeId, address disputer);
    /// @notice No bond token was received.
    error BondNotReceived();
    /// @notice Dispute `disputeId` is not open (it is `status`).
    /// @param disputeId The dispute.
    /// @param status Its status.
    error DisputeNotOpen(uint256 disputeId, DisputeStatus status);
    /// @notice Governance's time to resolve `disputeId` ended at `resolveBy`.
    /// @param disputeId The dispute.
    /// @param resolveBy When it ended.
    error ResolutionPeriodOver(uint256 disputeId, uint256 resolveBy);
    /// @notice The challenge window of `disputeId` is open until `windowEndsAt`: disputers may still join,
    /// so it cannot be resolved yet.
    /// @param disputeId The dispute.
    /// @param windowEndsAt When it closes.
    error ChallengeWindowOpen(uint256 disputeId, uint256 windowEndsAt);
    /// @notice Governance may still resolve `disputeId` until `resolveBy`.
    /// @param disputeId The dispute.
    /// @param resolveBy When its resolution period ends.
    error ResolutionPeriodNotOver(uint256 disputeId, uint256 resolveBy);
    /// @notice The settlement shown is not the disputed one.
    /// @param disputeId The dispute.
    /// @param settlementKey The key of the settlement shown.
    error EvidenceNotDisputedSettlement(uint256 disputeId, bytes32 settlementKey);
    /// @notice No signature was shown.
    error NoSignatures();
    /// @notice Signers must be strictly ascending, which also rules out duplicates.
    /// @param index Position of the offending signature.
    /// @param signer The signer recovered there.
    /// @param previousSigner The signer before it.
    error SignersNotSorted(uint256 index, address signer, address previousSigner);
    /// @notice `disputer` has nothing to withdraw from `disputeId` (no bond, already paid, or the dispute
    /// is open or was rejected).
    /// @param disputeId The dispute.
    /// @param disputer The disputer.
    error NothingToWithdraw(uint256 disputeId, address disputer);

    /// @notice Lowest bond, in whole tokens (`10 ** decimals` units).
    /// @return 1.
    function MIN_BOND_TOKENS() external view returns (uint256);
    /// @notice Highest bond, in whole tokens.
    /// @return 1 000 000.
    function MAX_BOND_TOKENS() external view returns (uint256);
    /// @notice Most decimals a bond token may have.
    /// @return 22.
    function MAX_BOND_DECIMALS() external view returns (uint256);
    /// @notice Shortest resolution period.
    /// @return 1 day.
    function MIN_RESOLUTION_PERIOD() external view returns (uint256);
    /// @notice Longest resolution period.
    /// @return 14 days.
    function MAX_RESOLUTION_PERIOD() external view returns (uint256);
    /// @notice The suite's `RewardDistributor`, which must grant this contract its `DISPUTE_ROLE`.
    /// @return Its address.
    function DISTRIBUTOR() external view returns (address);
    /// @notice The suite's `ValidatorStaking`, which must make this contract a slasher.
    /// @return Its address.
    function STAKING() external view returns (address);

    /// @notice Disputes the pending settlement of `epoch` with root `root`, posting the current bond
    /// (approve it first). Opens a dispute, freezing the settlement, or joins the open one; either way
    /// before the challenge period ends.
    /// @param epoch The pending settlement's epoch.
    /// @param root The root disputed: the call fails if another is pending.
    /// @param evidenceUri Where the evidence is (emitted, not stored).
    /// @return disputeId The dispute opened or joined.
    function dispute(uint256 epoch, bytes32 root, string calldata evidenceUri) external returns (uint256 disputeId);

    /// @notice Upholds dispute `disputeId`: drops the settlement, slashes every signer of `signatures`
    /// over `settlement` (which must be the disputed one), and lets the disputers withdraw their bonds
    /// plus the bounty. Governance only, from `windowEndsAt` until before `resolveBy`.
    /// @param disputeId The dispute.
    /// @param settlement The disputed settlement as signed, with the deadline the signatures cover.
    /// @param signatures The signers' signatures, in strictly ascending signer order.
    /// @return slashed Σ of stake slashed.
    function uphold(
        uint256 disputeId,
        IRewardDistributor.SettlementData calldata settlement,
        bytes[] calldata signatures
    ) external returns (uint256 slashed);

    /// @notice Rejects dispute `disputeId`: the settlement activates and the bonds go to the treasury.
    /// Governance only, from `windowEndsAt` until before `resolveBy`.
    /// @param disputeId The dispute.
    function reject(uint256 disputeId) external;

    /// @notice Expires dispute `disputeId` once governance let `resolveBy` pass: the settlement activates
    /// and the bonds become withdrawable. Anyone may call.
    /// @param disputeId The dispute.
    function expire(uint256 disputeId) external;

    /// @notice Pays `disputer` its bond back, plus its share of the bounty if the dispute was upheld.
    /// Anyone may call; the tokens go to the disputer.
    /// @param disputeId An upheld or expired dispute.
    /// @param disputer Who posted the bond.
    /// @return bond Bond returned.
    /// @return bounty Bounty paid, in the stake token.
    function withdraw(uint256 disputeId, address disputer) external returns (uint256 bond, uint256 bounty);

    /// @notice Sets the bond of disputes opened from now on. Governance only; `amount` within
    /// `[MIN_BOND_TOKENS, MAX_BOND_TOKENS]` whole tokens.
    /// @param token The bond token.
    /// @param amount The bond, in the token's smallest unit.
    function setBond(address token, uint256 amount) external;

    /// @notice Sets how long governance has to resolve disputes opened from now on. Governance only,
    /// within `[MIN_RESOLUTION_PERIOD, MAX_RESOLUTION_PERIOD]`.
    /// @param resolutionPeriod Seconds.
    function setResolutionPeriod(uint256 resolutionPeriod) external;

    /// @notice Dispute `disputeId`.
    /// @param disputeId The dispute.
    /// @return The dispute (all zero for an unknown id).
    function disputeOf(uint256 disputeId) external view returns (Dispute memory);
    /// @notice The open dispute, if any.
    /// @return The open dispute's id, or zero.
    function openDispute() external view returns (uint256);
    /// @notice How many disputes were opened; ids run from 1.
    /// @return The count.
    function disputeCount() external view returns (uint256);
    /// @notice The bond `disputer` posted on `disputeId`, and whether it was paid back.
    /// @param disputeId The dispute.
    /// @param disputer The disputer.
    /// @return amount The bond received (zero for none).
    /// @return withdrawn Whether it was withdrawn.
    function bondOf(uint256 disputeId, address disputer) external view returns (uint256 amount, bool withdrawn);
    /// @notice Σ of bonds in `token`, by where they went.
    /// @param token A bond token.
    /// @return The totals.
    function bondTotalsOf(address token) external view returns (BondTotals memory);
    /// @notice The bond token of new disputes.
    /// @return The token.
    function bondToken() external view returns (address);
    /// @notice The bond of new disputes.
    /// @return The amount, in the bond token's smallest unit.
    function bondAmount() external view returns (uint256);
    /// @notice How long governance has to resolve a new dispute.
    /// @return Seconds.
    function resolutionPeriod() external view returns (uint256);
}

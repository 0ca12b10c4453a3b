// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IRewardDistributor
/// @notice Epoch reward pools, quorum-signed cumulative Merkle settlements with a challenge window,
/// claims, and slashing of validators who sign two different settlements for one epoch.
/// @dev Leaves are OpenZeppelin standard leaves: `keccak256(bytes.concat(keccak256(abi.encode(account, cumulativeAmount))))`,
/// so trees and proofs from the OpenZeppelin merkle-tree library with types `["address", "uint256"]` verify.
/// Invariant: Σ claimed ≤ cumulative total of the active settlement ≤ Σ funded.
interface IRewardDistributor {
    /// @notice A settlement as validators sign it (EIP-712 type `Settlement`).
    struct SettlementData {
        uint256 epoch;
        bytes32 root;
        uint256 cumulativeTotal;
        bytes32 dataUriHash;
        uint256 deadline;
    }

    /// @notice A stored settlement. Slot layout: root | cumulativeTotal (128) | epoch (64) | activatesAt (64).
    struct Settlement {
        bytes32 root;
        uint128 cumulativeTotal;
        uint64 epoch;
        uint64 activatesAt;
    }

    /// @notice Allocation parameters in force from `fromEpoch` on.
    /// Slot layout: fromEpoch (64) | protocolFeeBps (16) | validatorShareBps (16) | treasury (160).
    struct AllocationParams {
        uint64 fromEpoch;
        uint16 protocolFeeBps;
        uint16 validatorShareBps;
        address treasury;
    }

    /// @notice One account's claim in a batched claim.
    struct ClaimRequest {
        address account;
        uint256 cumulativeAmount;
        bytes32[] proof;
    }

    event Funded(uint256 indexed epoch, address indexed funder, uint256 amount);
    event SettlementSubmitted(
        uint256 indexed epoch,
        bytes32 root,
        uint256 cumulativeTotal,
        string dataUri,
        uint256 activatesAt,
        address submitter
    );
    event SettlementVetoed(uint256 indexed epoch, bytes32 root, uint256 cumulativeTotal);
    event Claimed(address indexed account, address indexed recipient, uint256 amount, uint256 cumulativeAmount);
    event RecipientSet(address indexed account, address indexed recipient);
    event EquivocationSlashed(
        address indexed validator,
        uint256 indexed epoch,
        address indexed reporter,
        uint256 slashed
    );
    event AllocationParamsSet(
        uint256 indexed fromEpoch,
        uint256 protocolFeeBps,
        uint256 validatorShareBps,
        address treasury
    );
    event ChallengePeriodSet(uint256 challengePeriod);
    event EquivocationSlashBpsSet(uint256 equivocationSlashBps);

    error FundingAmountZero();
    /// @notice Only the current epoch or a later one may be funded.
    error FundingEpochClosed(uint256 epoch, uint256 currentEpoch);
    /// @notice Funding more than `MAX_FUNDING_LEAD_EPOCHS` ahead would park tokens out of reach.
    error FundingEpochTooFar(uint256 epoch, uint256 lastFundableEpoch);
    error SettlementOutOfOrder(uint256 epoch, uint256 expectedEpoch);
    error EpochNotClosed(uint256 epoch, uint256 currentEpoch);
    error PreviousSettlementPending(uint256 epoch, uint256 activatesAt);
    error SignatureExpired(uint256 deadline, uint256 nowTimestamp);
    error SettlementOverBudget(uint256 cumulativeTotal, uint256 fundedThroughEpoch);
    error CumulativeTotalDecreased(uint256 cumulativeTotal, uint256 previousTotal);
    error CumulativeTotalTooLarge(uint256 cumulativeTotal, uint256 maximum);
    /// @notice This exact settlement (epoch, root, total and data URI) was vetoed.
    error SettlementWasVetoed(uint256 epoch, bytes32 root, uint256 cumulativeTotal, bytes32 dataUriHash);
    error NoSignatures();
    /// @notice Signers must be given in strictly increasing address order; this also rules out duplicates.
    error SignersNotSorted(uint256 index, address signer, address previousSigner);
    error SignerNotActive(address signer);
    error QuorumNotReached(uint256 signedStake, uint256 quorumStake);
    error NoPendingSettlement(uint256 epoch);
    error NoActiveSettlement();
    error InvalidProof(address account, uint256 cumulativeAmount);
    error NothingToClaim(address account, uint256 cumulativeAmount, uint256 alreadyClaimed);
    error ClaimExceedsActiveTotal(uint256 totalClaimedAfter, uint256 activeCumulativeTotal);
    /// @notice Tokens paid to `recipient` would be stuck: it is this distributor or the reward token.
    error InvalidRecipient(address recipient);
    error EvidenceEpochMismatch(uint256 epochA, uint256 epochB);
    error EvidenceNotConflicting();
    error EvidenceSignerMismatch(address signerA, address signerB);
    error EvidenceVetoed(uint256 epoch);
    error EquivocationAlreadySlashed(address validator, uint256 epoch);
    error NothingToSlash(address validator);

    /// @notice Funds `epoch`'s pool with `amount` of the reward token; only what arrives is credited.
    /// `epoch` must be the current epoch or one of the next `MAX_FUNDING_LEAD_EPOCHS`.
    function fund(uint256 epoch, uint256 amount) external;

    /// @notice Submits the settlement of `epoch` with validators' EIP-712 signatures, ordered by
    /// strictly increasing signer address. The settlement is pending for `challengePeriod`, then active.
    function submitSettlement(
        uint256 epoch,
        bytes32 root,
        uint256 cumulativeTotal,
        string calldata dataUri,
        uint256 deadline,
        bytes[] calldata signatures
    ) external;

    /// @notice Governance vetoes the pending settlement of `epoch`; the epoch can then be resubmitted,
    /// but never as the same (root, total, data URI): validators re-sign a corrected settlement, or the
    /// same root under a new data URI if only the data was at fault.
    function veto(uint256 epoch) external;

    /// @notice Pays `account` (or its chosen recipient) `cumulativeAmount` minus what it already claimed,
    /// against the latest active root. Anyone may call. Works while paused.
    function claim(address account, uint256 cumulativeAmount, bytes32[] calldata proof) external returns (uint256 paid);

    /// @notice Claims for many accounts; accounts with nothing left to claim are skipped.
    function claimMany(ClaimRequest[] calldata requests) external returns (uint256 paid);

    /// @notice The caller's future claims pay `recipient` (zero resets to the caller). Refuses the
    /// distributor and the reward token, where tokens would be stuck.
    function setRecipient(address recipient) external;

    /// @notice Slashes a validator that signed two different settlements for one epoch. The reporter
    /// (the caller) receives the staking contract's bounty. The same validator and epoch slash once.
    function reportEquivocation(
        SettlementData calldata a,
        bytes calldata signatureA,
        SettlementData calldata b,
        bytes calldata signatureB
    ) external returns (uint256 slashed);

    /// @notice Governance sets the protocol fee (at most `MAX_PROTOCOL_FEE_BPS`), the validators' share
    /// (at most `MAX_VALIDATOR_SHARE_BPS`) and the treasury, from the next epoch on.
    function setAllocationParams(uint256 protocolFeeBps, uint256 validatorShareBps, address treasury) external;
    /// @notice Governance sets the challenge period, within `[MIN_CHALLENGE_PERIOD, MAX_CHALLENGE_PERIOD]`.
    function setChallengePeriod(uint256 challengePeriod) external;
    /// @notice Governance sets the share of an equivocating validator's stake that is slashed.
    function setEquivocationSlashBps(uint256 equivocationSlashBps) external;

    /// @notice EIP-712 digest validators sign for `s`.
    function settlementDigest(SettlementData calldata s) external view returns (bytes32);
    /// @notice The latest active settlement (root zero if none).
    function activeSettlement() external view returns (Settlement memory);
    /// @notice The latest submitted settlement, pending or active, and whether it is still pending.
    function latestSettlement() external view returns (Settlement memory settlement, bool pending);
    /// @notice Next epoch to settle.
    function nextEpochToSettle() external view returns (uint256);
    function allocationParamsAt(uint256 epoch) external view returns (AllocationParams memory);
    function fundedInEpoch(uint256 epoch) external view returns (uint256);
    function totalFunded() external view returns (uint256);
    function totalClaimed() external view returns (uint256);
    function claimedOf(address account) external view returns (uint256);
    function recipientOf(address account) external view returns (address);
    function challengePeriod() external view returns (uint256);
    function equivocationSlashBps() external view returns (uint256);
    function REWARD_TOKEN() external view returns (address);
    function STAKING() external view returns (address);
    function SETTLEMENT_TYPEHASH() external view returns (bytes32);
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC5267} from "@openzeppelin/contracts/interfaces/IERC5267.sol";

import {IEpochClock} from "./IEpochClock.sol";
import {IGoverned} from "./IGoverned.sol";

/// @title IRewardDistributor
/// @notice Reward pools in allowlisted tokens, quorum-signed cumulative Merkle settlements with a
/// challenge window, claims per account and token, and slashing of validators who sign two different
/// settlements for one epoch.
/// @dev A pool belongs to a funder, pays in one allowlisted token and may be limited to some datanets;
/// attribution records name the pool that pays for them (`AttributionLedger` checks it). Pool 0 is the
/// network pool, in `REWARD_TOKEN`, open to every datanet, which pays over every record.
/// Leaves are OpenZeppelin standard leaves of `(address account, address token, uint256 cumulativeAmount)`:
/// `keccak256(bytes.concat(keccak256(abi.encode(account, token, cumulativeAmount))))`, so trees and proofs
/// from the OpenZeppelin merkle-tree library with types `["address", "address", "uint256"]` verify.
/// A settlement signs the root and one cumulative total per token it covers, in allowlist order: the
/// first `n` listed tokens, where `n` never decreases and every token funded in the epoch is covered.
/// The canonical `n` (docs/allocation.md) is one past the highest index of a token funded so far.
/// Invariant, per token: Σ claimed ≤ the active settlement's cumulative total ≤ Σ funded ≤ `MAX_CUMULATIVE_TOTAL`.
/// Epochs settle in order, each once the previous one is active. The challenge period is at most half
/// an epoch (`maxChallengePeriod`), so two settlements fit in every epoch and a backlog always drains.
/// Errors that OpenZeppelin declares in contracts this one inherits, and which an interface therefore
/// cannot redeclare, are part of this interface too: `ReentrancyGuardReentrantCall()` (any reentrant
/// call into `fund`, `claim`, `claimMany` or `reportEquivocation`); and, from the libraries it uses,
/// `ECDSAInvalidSignature()`, `ECDSAInvalidSignatureLength(length)` and `ECDSAInvalidSignatureS(s)` (a
/// malformed signature in `submitSettlement` or `reportEquivocation`), `SafeERC20FailedOperation(token)`
/// (a token transfer that failed) and `SafeCastOverflowedUintDowncast(bits, value)` (an epoch beyond
/// 2^24 - 2 in `submitSettlement`, or more than 2^32 pools).
interface IRewardDistributor is IEpochClock, IGoverned, IERC5267 {
    /// @notice A settlement as validators sign it (EIP-712 type `Settlement`): the epoch, the Merkle
    /// root of cumulative entitlements, the Σ of cumulative amounts of each token it covers (the first
    /// listed ones, in allowlist order), the hash of the data URI and the signatures' deadline.
    struct SettlementData {
        uint256 epoch;
        bytes32 root;
        uint256[] cumulativeTotals;
        bytes32 dataUriHash;
        uint256 deadline;
    }

    /// @notice A settlement as the views return it: its root, epoch, activation time and how many
    /// tokens it covers. Its per-token totals are read with `activeTotalOf` and `latestTotalOf`.
    struct Settlement {
        bytes32 root;
        uint64 epoch;
        uint64 activatesAt;
        uint8 tokenCount;
    }

    /// @notice Allocation parameters in force from `fromEpoch` on. Slot layout: fromEpoch (64) |
    /// protocolFeeBps (16) | validatorShareBps (16) | idleRefundEpochs (16) | treasury (160).
    struct AllocationParams {
        uint64 fromEpoch;
        uint16 protocolFeeBps;
        uint16 validatorShareBps;
        uint16 idleRefundEpochs;
        address treasury;
    }

    /// @notice A reward pool. Slot layout: owner (160) | datanetCount (8); token (160); datanets (8 × 24).
    /// `datanetCount == 0` means every datanet. The network pool (id 0) has no owner.
    struct Pool {
        address owner;
        uint8 datanetCount;
        address token;
        uint24[8] datanets;
    }

    /// @notice One claim in a batched claim: the account, the token, its cumulative amount in the active
    /// tree, and the proof of that leaf.
    struct ClaimRequest {
        address account;
        address token;
        uint256 cumulativeAmount;
        bytes32[] proof;
    }

    /// @notice Governance added `token` to the allowlist at `index`, or allowed it again.
    /// @param token The token.
    /// @param index Its position in the allowlist and in every settlement's totals.
    event TokenAllowed(address indexed token, uint256 index);
    /// @notice Governance closed `token` to new pools and funding. Its entitlements stay claimable and it
    /// keeps its place in settlements.
    /// @param token The token.
    event TokenDisallowed(address indexed token);
    /// @notice Pool `poolId` was created by `owner`, paying in `token`, limited to `datanets` (empty: all).
    /// @param poolId The new pool.
    /// @param owner Its funder, who is refunded an idle pool's balance.
    /// @param token The token it pays in.
    /// @param datanets The datanets its records may draw on; empty for all.
    event PoolCreated(uint256 indexed poolId, address indexed owner, address indexed token, uint24[] datanets);
    /// @notice `funder` funded pool `poolId` for `epoch` with `amount` of `token`, what the distributor
    /// actually received.
    /// @param poolId The funded pool.
    /// @param epoch The funded epoch.
    /// @param funder The caller.
    /// @param token The pool's token.
    /// @param amount Tokens received.
    event Funded(uint256 indexed poolId, uint256 indexed epoch, address indexed funder, address token, uint256 amount);
    /// @notice The settlement of `epoch` was submitted; it is pending until `activatesAt`.
    /// @param epoch The settled epoch.
    /// @param root The Merkle root of cumulative entitlements.
    /// @param cumulativeTotals Σ of the tree's cumulative amounts per token, in allowlist order.
    /// @param dataUri The content address of the settlement's artifact.
    /// @param activatesAt When the challenge period ends and the settlement becomes active.
    /// @param submitter The caller, who need not be a validator.
    event SettlementSubmitted(
        uint256 indexed epoch,
        bytes32 root,
        uint256[] cumulativeTotals,
        string dataUri,
        uint256 activatesAt,
        address submitter
    );
    /// @notice The pending settlement of `epoch` was dropped, by a governance veto or an upheld dispute; the
    /// epoch is to be settled again.
    /// @param epoch The epoch whose settlement was dropped.
    /// @param root The vetoed root.
    event SettlementVetoed(uint256 indexed epoch, bytes32 root);
    /// @notice A dispute froze the pending settlement of `epoch`: it does not activate, and the next
    /// epoch cannot be submitted, until the dispute is resolved (docs/disputes.md).
    /// @param epoch The epoch of the frozen settlement.
    /// @param root Its root.
    event SettlementFrozen(uint256 indexed epoch, bytes32 root);
    /// @notice The frozen settlement of `epoch` was released by its dispute's resolution and is active
    /// from `activatesAt` (the release's timestamp).
    /// @param epoch The epoch of the released settlement.
    /// @param root Its root.
    /// @param activatesAt When it became active.
    event SettlementReleased(uint256 indexed epoch, bytes32 root, uint256 activatesAt);
    /// @notice `account` claimed `amount` of `token`. They were paid to the recipient the account set
    /// for the token (`RecipientSet`), or to the account itself; the token's `Transfer` in the same
    /// transaction shows where they went. (The recipient is left out of this event to keep claims cheap.)
    /// @param account The account whose entitlement was claimed.
    /// @param token The token.
    /// @param amount Tokens paid; `claimedOf(account, token)` grew by it.
    event Claimed(address indexed account, address indexed token, uint256 amount);
    /// @notice `account`'s later claims of `token` pay `recipient` (zero: the account itself).
    /// @param account The caller.
    /// @param token The token.
    /// @param recipient The new recipient.
    event RecipientSet(address indexed account, address indexed token, address indexed recipient);
    /// @notice `validator` signed two different settlements of `epoch` and lost `slashed`.
    /// @param validator The equivocating validator.
    /// @param epoch The epoch of the two signatures.
    /// @param reporter The caller, paid the staking contract's bounty unless it is the validator.
    /// @param slashed Stake taken, bounty included.
    event EquivocationSlashed(
        address indexed validator,
        uint256 indexed epoch,
        address indexed reporter,
        uint256 slashed
    );
    /// @notice Governance set the allocation parameters in force from `fromEpoch` on.
    /// @param fromEpoch The first epoch they apply to.
    /// @param protocolFeeBps The protocol fee, in basis points of new funding.
    /// @param validatorShareBps The validators' share, in basis points of the distributable pool.
    /// @param idleRefundEpochs After this many consecutive epochs without a counted record, a pool's
    /// balance is owed back to its owner.
    /// @param treasury The account owed the protocol fee.
    event AllocationParamsSet(
        uint256 indexed fromEpoch,
        uint256 protocolFeeBps,
        uint256 validatorShareBps,
        uint256 idleRefundEpochs,
        address treasury
    );
    /// @notice Governance set the challenge period of later settlements.
    /// @param challengePeriod The new period, in seconds.
    event ChallengePeriodSet(uint256 challengePeriod);
    /// @notice Governance set the fraction of an equivocating validator's slashable stake that is taken.
    /// @param equivocationSlashBps The new fraction, in basis points.
    event EquivocationSlashBpsSet(uint256 equivocationSlashBps);

    /// @notice `token` is not on the allowlist.
    /// @param token The token.
    error TokenNotListed(address token);
    /// @notice `token` is listed but closed to new pools and funding.
    /// @param token The token.
    error TokenNotAllowed(address token);
    /// @notice `token` is already allowed.
    /// @param token The token.
    error TokenAlreadyAllowed(address token);
    /// @notice The allowlist holds `MAX_TOKENS` tokens, the most a settlement carries; listings are
    /// permanent because their entitlements must stay claimable.
    /// @param maximum `MAX_TOKENS`.
    error TokenLimitReached(uint256 maximum);
    /// @notice `token` cannot be listed: it is the zero address, an account without code, this
    /// distributor, the staking contract, or a treasury of any allocation parameters set so far.
    /// @param token The refused token.
    error InvalidToken(address token);
    /// @notice No pool `poolId` exists.
    /// @param poolId The pool asked for.
    error PoolNotFound(uint256 poolId);
    /// @notice A pool's datanets must be nonzero, strictly increasing and at most `MAX_POOL_DATANETS`.
    /// @param position The offending position, or the list's length when it is too long.
    error InvalidPoolDatanets(uint256 position);
    /// @notice A settlement covers the first `count` listed tokens: at least as many as the latest
    /// settlement (`latestTokenCount`), at most every listed token (`listedCount`).
    /// @param count Totals given.
    /// @param latestTokenCount Tokens the latest settlement covered.
    /// @param listedCount Tokens on the allowlist.
    error TokenCountOutOfRange(uint256 count, uint256 latestTokenCount, uint256 listedCount);
    /// @notice `token` was funded in the settled epoch, so the settlement must cover it.
    /// @param token The token left out.
    /// @param funded What was funded in it for the epoch.
    error FundedTokenOmitted(address token, uint256 funded);
    /// @notice Nothing would be credited: `amount` was zero, or the token delivered nothing.
    error FundingAmountZero();
    /// @notice Only the current epoch or a later one may be funded; earlier epochs are closed and may
    /// already be settled.
    /// @param epoch The epoch asked for.
    /// @param currentEpoch The current epoch.
    error FundingEpochClosed(uint256 epoch, uint256 currentEpoch);
    /// @notice Funding more than `MAX_FUNDING_LEAD_EPOCHS` ahead would park tokens out of reach.
    /// @param epoch The epoch asked for.
    /// @param lastFundableEpoch The furthest epoch that may be funded now.
    error FundingEpochTooFar(uint256 epoch, uint256 lastFundableEpoch);
    /// @notice Funding would take `token`'s total funded above `MAX_CUMULATIVE_TOTAL`, the most a
    /// settlement can ever distribute in one token: the excess could never be settled or claimed.
    /// @param token The token.
    /// @param totalFundedAfter Its total funded with this funding.
    /// @param maximum `MAX_CUMULATIVE_TOTAL`.
    error FundingExceedsLimit(address token, uint256 totalFundedAfter, uint256 maximum);
    /// @notice Epochs settle in order; `expectedEpoch` is next.
    /// @param epoch The epoch submitted.
    /// @param expectedEpoch `nextEpochToSettle`.
    error SettlementOutOfOrder(uint256 epoch, uint256 expectedEpoch);
    /// @notice `epoch` has not ended yet.
    /// @param epoch The epoch submitted.
    /// @param currentEpoch The current epoch.
    error EpochNotClosed(uint256 epoch, uint256 currentEpoch);
    /// @notice The settlement of the previous epoch, `epoch`, is still pending until `activatesAt`.
    /// @param epoch The previous epoch.
    /// @param activatesAt When its settlement becomes active.
    error PreviousSettlementPending(uint256 epoch, uint256 activatesAt);
    /// @notice The signatures' deadline has passed.
    /// @param deadline The deadline signed.
    /// @param nowTimestamp The current time.
    error SignatureExpired(uint256 deadline, uint256 nowTimestamp);
    /// @notice `token`'s cumulative total exceeds everything funded in it through the settled epoch.
    /// @param token The token.
    /// @param cumulativeTotal The total submitted.
    /// @param fundedThroughEpoch Σ funded in `token` for epochs 0 through the settled one.
    error SettlementOverBudget(address token, uint256 cumulativeTotal, uint256 fundedThroughEpoch);
    /// @notice Cumulative totals never decrease from one settlement to the next.
    /// @param token The token.
    /// @param cumulativeTotal The total submitted.
    /// @param previousTotal The previous settlement's total.
    error CumulativeTotalDecreased(address token, uint256 cumulativeTotal, uint256 previousTotal);
    /// @notice This exact settlement (epoch, root, totals and data URI) was vetoed.
    /// @param epoch The epoch.
    /// @param root The root.
    /// @param totalsHash `keccak256(abi.encodePacked(cumulativeTotals))`.
    /// @param dataUriHash The hash of the data URI.
    error SettlementWasVetoed(uint256 epoch, bytes32 root, bytes32 totalsHash, bytes32 dataUriHash);
    /// @notice A settlement needs at least one signature.
    error NoSignatures();
    /// @notice Signers must be given in strictly increasing address order; this also rules out duplicates.
    /// @param index The position of the offending signature.
    /// @param signer The address it recovers to.
    /// @param previousSigner The address the signature before it recovers to.
    error SignersNotSorted(uint256 index, address signer, address previousSigner);
    /// @notice `signer` is not an active validator (bonded stake below `minStake`).
    /// @param signer The address a signature recovers to.
    error SignerNotActive(address signer);
    /// @notice The signers' active stake falls short of the quorum.
    /// @param signedStake Σ of the signers' active stake.
    /// @param quorumStake The stake a settlement needs now.
    error QuorumNotReached(uint256 signedStake, uint256 quorumStake);
    /// @notice `epoch` has no pending settlement to veto.
    /// @param epoch The epoch asked for.
    error NoPendingSettlement(uint256 epoch);
    /// @notice The pending settlement of `epoch` is frozen by a dispute: only the dispute's resolution
    /// can drop or release it.
    /// @param epoch The epoch asked for.
    error SettlementIsFrozen(uint256 epoch);
    /// @notice The latest settlement, of `epoch`, is not frozen.
    /// @param epoch The epoch asked for.
    error SettlementNotFrozen(uint256 epoch);
    /// @notice No settlement covering `token` is active yet.
    /// @param token The token claimed.
    error NoActiveSettlement(address token);
    /// @notice The proof does not show (`account`, `token`, `cumulativeAmount`) in the active tree.
    /// @param account The account.
    /// @param token The token.
    /// @param cumulativeAmount The amount claimed.
    error InvalidProof(address account, address token, uint256 cumulativeAmount);
    /// @notice `account` already claimed `alreadyClaimed` of `token`, at least `cumulativeAmount`.
    /// @param account The account.
    /// @param token The token.
    /// @param cumulativeAmount The amount proven.
    /// @param alreadyClaimed What it claimed before.
    error NothingToClaim(address account, address token, uint256 cumulativeAmount, uint256 alreadyClaimed);
    /// @notice Claims of `token` would exceed the active settlement's cumulative total for it, whatever
    /// its leaves say: the distributor's balance would drop below Σ funded minus that total.
    /// @param token The token.
    /// @param totalClaimedAfter Σ claimed of `token` with this claim.
    /// @param activeCumulativeTotal The active settlement's cumulative total of `token`.
    error ClaimExceedsActiveTotal(address token, uint256 totalClaimedAfter, uint256 activeCumulativeTotal);
    /// @notice Tokens paid to `recipient` would be stuck: it is this distributor or a listed token.
    /// @param recipient The refused recipient.
    error InvalidRecipient(address recipient);
    /// @notice The protocol fee would be owed to an account that can never claim it, or whose claim
    /// would be stuck: this distributor, the staking contract or a listed token.
    /// @param treasury The refused treasury.
    error InvalidTreasury(address treasury);
    /// @notice The two signed settlements are for different epochs.
    /// @param epochA The first one's epoch.
    /// @param epochB The second one's epoch.
    error EvidenceEpochMismatch(uint256 epochA, uint256 epochB);
    /// @notice The two signed settlements have the same content (root, totals and data URI).
    error EvidenceNotConflicting();
    /// @notice The two signatures are from different signers.
    /// @param signerA The first signature's signer.
    /// @param signerB The second signature's signer.
    error EvidenceSignerMismatch(address signerA, address signerB);
    /// @notice One of the two settlements was vetoed, and validators re-sign after a veto.
    /// @param epoch The epoch.
    error EvidenceVetoed(uint256 epoch);
    /// @notice `validator` was already slashed for equivocating on `epoch`.
    /// @param validator The validator.
    /// @param epoch The epoch.
    error EquivocationAlreadySlashed(address validator, uint256 epoch);
    /// @notice `validator` has no slashable stake: none bonded, and none unbonding whose release time is
    /// still to come (or so little that the fraction rounds to zero).
    /// @param validator The validator.
    error NothingToSlash(address validator);

    /// @notice EIP-712 type hash of a signed settlement.
    /// @return The type hash.
    function SETTLEMENT_TYPEHASH() external view returns (bytes32);

    /// @notice The role that may freeze, release and drop a disputed settlement; governance grants it
    /// to the suite's `SettlementDisputes`.
    /// @return The role's id, `keccak256("DISPUTE_ROLE")`.
    function DISPUTE_ROLE() external view returns (bytes32);

    /// @notice The `activatesAt` of a frozen settlement: later than any block.
    /// @return The timestamp, `type(uint40).max`.
    function FROZEN() external view returns (uint256);
    /// @notice Largest cumulative total a settlement may carry in one token, and so the most that may
    /// ever be funded in it: claimed amounts are stored in 96 bits.
    /// @return The maximum, 2^96 - 1.
    function MAX_CUMULATIVE_TOTAL() external view returns (uint256);
    /// @notice Most tokens the allowlist, and so a settlement, may hold.
    /// @return The bound.
    function MAX_TOKENS() external view returns (uint256);
    /// @notice Most datanets a pool may be limited to.
    /// @return The bound.
    function MAX_POOL_DATANETS() external view returns (uint256);
    /// @notice The network pool's id: open to every datanet, in `REWARD_TOKEN`, paying over every record.
    /// @return 0.
    function NETWORK_POOL() external view returns (uint256);
    /// @notice Largest protocol fee.
    /// @return The bound, in basis points.
    function MAX_PROTOCOL_FEE_BPS() external view returns (uint256);
    /// @notice Largest validators' share.
    /// @return The bound, in basis points.
    function MAX_VALIDATOR_SHARE_BPS() external view returns (uint256);
    /// @notice Smallest number of idle epochs after which a pool is refunded.
    /// @return Epochs.
    function MIN_IDLE_REFUND_EPOCHS() external view returns (uint256);
    /// @notice Largest number of idle epochs after which a pool is refunded.
    /// @return Epochs.
    function MAX_IDLE_REFUND_EPOCHS() external view returns (uint256);
    /// @notice Shortest challenge period.
    /// @return Seconds.
    function MIN_CHALLENGE_PERIOD() external view returns (uint256);
    /// @notice Longest challenge period of any deployment: at most the staking contract's
    /// `MIN_UNBONDING_PERIOD`, so signers stay slashable through the window. `maxChallengePeriod` is
    /// this deployment's bound.
    /// @return Seconds.
    function MAX_CHALLENGE_PERIOD() external view returns (uint256);
    /// @notice Smallest equivocation slash.
    /// @return The bound, in basis points.
    function MIN_EQUIVOCATION_SLASH_BPS() external view returns (uint256);
    /// @notice Largest equivocation slash: at most the staking contract's `MAX_SLASH_BPS`.
    /// @return The bound, in basis points.
    function MAX_EQUIVOCATION_SLASH_BPS() external view returns (uint256);
    /// @notice How many epochs past the current one may be funded.
    /// @return The number of epochs.
    function MAX_FUNDING_LEAD_EPOCHS() external view returns (uint256);
    /// @notice The network pool's token, first on the allowlist.
    /// @return The ERC-20 address.
    function REWARD_TOKEN() external view returns (address);
    /// @notice The suite's staking contract: quorum, signer stake and slashing.
    /// @return Its address.
    function STAKING() external view returns (address);

    /// @notice Governance adds `token` to the allowlist (or allows a disallowed one again). At most
    /// `MAX_TOKENS` tokens are ever listed, so a settlement never carries more than `MAX_TOKENS` totals;
    /// at the bound `allowToken` refuses with `TokenLimitReached`, while listed tokens keep working.
    /// @param token The ERC-20 to allow.
    function allowToken(address token) external;
    /// @notice Governance closes `token` to new pools and funding; entitlements in it stay claimable.
    /// @param token A listed, allowed token.
    function disallowToken(address token) external;

    /// @notice Creates a pool owned by the caller, paying in `token`, limited to `datanets` (empty: all).
    /// @param token An allowed token.
    /// @param datanets Nonzero, strictly increasing datanet ids, at most `MAX_POOL_DATANETS`.
    /// @return poolId The new pool.
    function createPool(address token, uint24[] calldata datanets) external returns (uint256 poolId);

    /// @notice Funds pool `poolId` for `epoch` with `amount` of the pool's token; only what arrives is
    /// credited. `epoch` must be the current epoch or one of the next `MAX_FUNDING_LEAD_EPOCHS`, the
    /// token must be allowed, and the token's total funded may never exceed `MAX_CUMULATIVE_TOTAL`.
    /// @param poolId The pool.
    /// @param epoch The epoch to fund.
    /// @param amount Tokens to transfer from the caller.
    function fund(uint256 poolId, uint256 epoch, uint256 amount) external;

    /// @notice Submits the settlement of `epoch` with validators' EIP-712 signatures, ordered by
    /// strictly increasing signer address. The settlement is pending for `challengePeriod`, then active.
    /// @param epoch The epoch settled: `nextEpochToSettle`, closed, its predecessor's settlement active.
    /// @param root The Merkle root of cumulative entitlements.
    /// @param cumulativeTotals One total for each of the first `n` listed tokens, in allowlist order, where
    /// `n` is at least the latest settlement's and covers every token funded for `epoch`: Σ of the tree's
    /// cumulative amounts in that token, at least the previous settlement's and at most Σ funded in it
    /// through `epoch`.
    /// @param dataUri The content address of the settlement's artifact; its hash is signed.
    /// @param deadline The signatures' deadline.
    /// @param signatures Active validators' signatures reaching quorum.
    function submitSettlement(
        uint256 epoch,
        bytes32 root,
        uint256[] calldata cumulativeTotals,
        string calldata dataUri,
        uint256 deadline,
        bytes[] calldata signatures
    ) external;

    /// @notice Governance vetoes the pending settlement of `epoch`; the epoch can then be resubmitted,
    /// but never as the same (root, totals, data URI): validators re-sign a corrected settlement, or the
    /// same root under a new data URI if only the data was at fault.
    /// @param epoch The epoch of the pending settlement.
    function veto(uint256 epoch) external;

    /// @notice Freezes the pending settlement of `epoch` while a dispute runs: it stays pending (claims
    /// use the settlement before it) and the next epoch cannot be submitted. `DISPUTE_ROLE` only: the
    /// suite's `SettlementDisputes`, which bounds how long a freeze lasts.
    /// @param epoch The epoch of the pending settlement.
    /// @return key The settlement's key, `keccak256(abi.encode(epoch, root, totalsHash, dataUriHash))`.
    function freezeSettlement(uint256 epoch) external returns (bytes32 key);

    /// @notice Activates the frozen settlement of `epoch` now (a dispute was rejected or expired).
    /// `DISPUTE_ROLE` only.
    /// @param epoch The epoch of the frozen settlement.
    function releaseSettlement(uint256 epoch) external;

    /// @notice Drops the frozen settlement of `epoch` exactly as a veto does (an upheld dispute): the
    /// epoch is to be settled again, never as the same settlement. `DISPUTE_ROLE` only.
    /// @param epoch The epoch of the frozen settlement.
    function dropSettlement(uint256 epoch) external;

    /// @notice Pays `account` (or the recipient it set for `token`) `cumulativeAmount` minus what it
    /// already claimed of `token`, against the latest active root. Anyone may call. Works while paused.
    /// @param account The account in the tree.
    /// @param token The token.
    /// @param cumulativeAmount Its cumulative amount of `token` in the active tree.
    /// @param proof The Merkle proof of that leaf.
    /// @return paid Tokens paid.
    function claim(
        address account,
        address token,
        uint256 cumulativeAmount,
        bytes32[] calldata proof
    ) external returns (uint256 paid);

    /// @notice Claims for many accounts and tokens; requests with nothing left to claim are skipped.
    /// @param requests One claim per (account, token).
    /// @return paid Tokens paid in all, summed over tokens (each request pays in its own token).
    function claimMany(ClaimRequest[] calldata requests) external returns (uint256 paid);

    /// @notice The caller's future claims of `token` pay `recipient` (zero resets to the caller).
    /// Refuses this distributor and every listed token, where tokens would be stuck.
    /// @param token A listed token.
    /// @param recipient The account to pay.
    function setRecipient(address token, address recipient) external;

    /// @notice Slashes `equivocationSlashBps` of the slashable stake of a validator that signed two
    /// different settlements for one epoch. The reporter (the caller) receives the staking contract's
    /// bounty, unless it is the validator. The same validator and epoch slash once. Stake whose
    /// unbonding release time has passed is out of reach.
    /// @param a The first signed settlement.
    /// @param signatureA The validator's signature of `a`.
    /// @param b The second signed settlement, of the same epoch and with other content.
    /// @param signatureB The validator's signature of `b`.
    /// @return slashed Stake taken, bounty included.
    function reportEquivocation(
        SettlementData calldata a,
        bytes calldata signatureA,
        SettlementData calldata b,
        bytes calldata signatureB
    ) external returns (uint256 slashed);

    /// @notice Governance sets the protocol fee (at most `MAX_PROTOCOL_FEE_BPS`), the validators' share
    /// (at most `MAX_VALIDATOR_SHARE_BPS`), the idle-refund delay (within `[MIN_IDLE_REFUND_EPOCHS,
    /// MAX_IDLE_REFUND_EPOCHS]`) and the treasury, from the next epoch on. The treasury may not be this
    /// distributor, the staking contract or a listed token.
    /// @param protocolFeeBps The protocol fee, in basis points of new funding.
    /// @param validatorShareBps The validators' share, in basis points of the distributable pool.
    /// @param idleRefundEpochs Consecutive epochs without a counted record after which a pool is refunded.
    /// @param treasury The account owed the protocol fee.
    function setAllocationParams(
        uint256 protocolFeeBps,
        uint256 validatorShareBps,
        uint256 idleRefundEpochs,
        address treasury
    ) external;
    /// @notice Governance sets the challenge period of later settlements, within
    /// `[MIN_CHALLENGE_PERIOD, maxChallengePeriod()]`.
    /// @param challengePeriod The new period, in seconds.
    function setChallengePeriod(uint256 challengePeriod) external;
    /// @notice Governance sets the fraction of an equivocating validator's slashable stake that is taken,
    /// within `[MIN_EQUIVOCATION_SLASH_BPS, MAX_EQUIVOCATION_SLASH_BPS]`.
    /// @param equivocationSlashBps The new fraction, in basis points.
    function setEquivocationSlashBps(uint256 equivocationSlashBps) external;

    /// @notice This deployment's longest challenge period: `min(MAX_CHALLENGE_PERIOD, EPOCH_DURATION / 2)`.
    /// Epoch `e` is submitted only once `e - 1` is active, so with at most half an epoch per settlement
    /// two settlements fit in every epoch and any backlog shrinks by at least one epoch per epoch.
    /// @return Seconds.
    function maxChallengePeriod() external view returns (uint256);
    /// @notice EIP-712 digest validators sign for `s`.
    /// @param s The settlement.
    /// @return The digest.
    function settlementDigest(SettlementData calldata s) external view returns (bytes32);
    /// @notice The latest active settlement (all zero if none).
    /// @return The settlement.
    function activeSettlement() external view returns (Settlement memory);
    /// @notice How many tokens the latest submitted settlement covers: the least the next one must cover.
    /// @return The count.
    function latestTokenCount() external view returns (uint256);
    /// @notice The latest submitted settlement, pending or active, and whether it is still pending.
    /// @return settlement The settlement (all zero if none).
    /// @return pending Whether its challenge period is still running.
    function latestSettlement() external view returns (Settlement memory settlement, bool pending);
    /// @notice Next epoch to settle.
    /// @return The epoch.
    function nextEpochToSettle() external view returns (uint256);
    /// @notice The allocation parameters in force for `epoch`.
    /// @param epoch The epoch.
    /// @return The parameters.
    function allocationParamsAt(uint256 epoch) external view returns (AllocationParams memory);
    /// @notice The allowlist, in order: settlement totals follow it.
    /// @return The tokens, allowed or not.
    function tokens() external view returns (address[] memory);
    /// @notice Whether `token` is listed and allowed (open to new pools and funding).
    /// @param token The token.
    /// @return True if allowed.
    function isTokenAllowed(address token) external view returns (bool);
    /// @notice Pool `poolId`; reverts with `PoolNotFound` if there is none.
    /// @param poolId The pool.
    /// @return The pool.
    function poolOf(uint256 poolId) external view returns (Pool memory);
    /// @notice Number of pools, the network pool included; ids run from 0.
    /// @return The count.
    function poolCount() external view returns (uint256);
    /// @notice Σ received in `token` for `epoch`, over every pool in it.
    /// @param epoch The epoch.
    /// @param token The token.
    /// @return Tokens.
    function fundedInEpoch(uint256 epoch, address token) external view returns (uint256);
    /// @notice Σ received in `token` over every epoch; at most `MAX_CUMULATIVE_TOTAL`.
    /// @param token The token.
    /// @return Tokens.
    function totalFundedOf(address token) external view returns (uint256);
    /// @notice Σ claimed of `token` by every account, as the cap sees it: `totalFundedOf(token)` minus the
    /// distributor's balance (tokens sent to the distributor outside `fund` lower it; the `Claimed`
    /// events give the exact Σ).
    /// @param token The token.
    /// @return Tokens.
    function totalClaimedOf(address token) external view returns (uint256);
    /// @notice The active settlement's cumulative total of `token` (0 if none).
    /// @param token The token.
    /// @return Tokens.
    function activeTotalOf(address token) external view returns (uint256);
    /// @notice The latest submitted settlement's cumulative total of `token`, pending or active.
    /// @param token The token.
    /// @return Tokens.
    function latestTotalOf(address token) external view returns (uint256);
    /// @notice What `account` has claimed so far of `token`.
    /// @param account The account.
    /// @param token The token.
    /// @return Its cumulative claimed amount.
    function claimedOf(address account, address token) external view returns (uint256);
    /// @notice Who `account`'s claims of `token` pay (zero: the account itself).
    /// @param account The account.
    /// @param token The token.
    /// @return The recipient it set.
    function recipientOf(address account, address token) external view returns (address);
    /// @notice How long a new settlement stays pending.
    /// @return Seconds.
    function challengePeriod() external view returns (uint256);
    /// @notice Fraction of an equivocating validator's slashable stake that is taken.
    /// @return Basis points.
    function equivocationSlashBps() external view returns (uint256);
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IRewardDistributor} from "./interfaces/IRewardDistributor.sol";
import {IValidatorStaking} from "./interfaces/IValidatorStaking.sol";
import {EpochClock} from "./base/EpochClock.sol";
import {Governed} from "./base/Governed.sol";

/// @title RewardDistributor
/// @notice Holds the reward pools: funding, settlements, claims and equivocation slashing.
contract RewardDistributor is IRewardDistributor, EpochClock, Governed, EIP712, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @inheritdoc IRewardDistributor
    bytes32 public constant override SETTLEMENT_TYPEHASH =
        keccak256(
            "Settlement(uint256 epoch,bytes32 root,uint256 cumulativeTotal,bytes32 dataUriHash,uint256 deadline)"
        );

    /// @inheritdoc IRewardDistributor
    /// @dev Cumulative amounts are stored in 96 bits per account.
    uint256 public constant override MAX_CUMULATIVE_TOTAL = type(uint96).max;
    /// @inheritdoc IRewardDistributor
    uint256 public constant override MAX_PROTOCOL_FEE_BPS = 2_000;
    /// @inheritdoc IRewardDistributor
    uint256 public constant override MAX_VALIDATOR_SHARE_BPS = 5_000;
    /// @inheritdoc IRewardDistributor
    uint256 public constant override MIN_CHALLENGE_PERIOD = 1 hours;
    /// @inheritdoc IRewardDistributor
    uint256 public constant override MAX_CHALLENGE_PERIOD = 7 days;
    /// @inheritdoc IRewardDistributor
    uint256 public constant override MIN_EQUIVOCATION_SLASH_BPS = 100;
    /// @inheritdoc IRewardDistributor
    /// @dev Equal to `ValidatorStaking.MAX_SLASH_BPS`, which refuses any larger fraction.
    uint256 public constant override MAX_EQUIVOCATION_SLASH_BPS = 5_000;
    /// @inheritdoc IRewardDistributor
    /// @dev Beyond it tokens would sit unreachable for years.
    uint256 public constant override MAX_FUNDING_LEAD_EPOCHS = 366;

    /// @inheritdoc IRewardDistributor
    address public immutable override REWARD_TOKEN;
    /// @inheritdoc IRewardDistributor
    address public immutable override STAKING;

    /// @dev One account's claim state. Slot layout: claimed (96) | recipient (160).
    struct Account {
        uint96 claimed;
        address recipient;
    }

    /// @dev Everything a claim needs besides its account and the active root, in one slot.
    /// Slot layout: totalClaimed (96) | latestTotal (96) | latestActivatesAt (40) | nextEpoch (24).
    /// `latestTotal` and `latestActivatesAt` copy the latest submitted settlement (that of epoch
    /// `nextEpoch - 1`), so a claim against an active latest settlement reads its root and nothing else.
    /// Totals fit 96 bits (`MAX_CUMULATIVE_TOTAL`), timestamps 40 bits. Epochs settle one at a time,
    /// at least `MIN_CHALLENGE_PERIOD` apart, so 2^24 settlements take over 1 900 years.
    struct State {
        uint96 totalClaimed;
        uint96 latestTotal;
        uint40 latestActivatesAt;
        uint24 nextEpoch;
    }

    /// @dev Governance settings read by submission and equivocation reports, never by claims.
    struct Config {
        uint32 challengePeriod;
        uint16 equivocationSlashBps;
    }

    State internal _state;
    Config internal _config;
    /// @dev Settlements of even and odd epochs. Epochs settle in order and only the latest may be
    /// pending, so the latest and the one before it are all that claims ever need.
    Settlement[2] internal _ring;
    /// @dev Σ funded over epochs 0 through the latest submitted settlement's epoch.
    uint256 internal _fundedThroughLatest;
    /// @inheritdoc IRewardDistributor
    uint256 public override totalFunded;
    /// @inheritdoc IRewardDistributor
    mapping(uint256 epoch => uint256 amount) public override fundedInEpoch;
    mapping(address account => Account) internal _accounts;
    /// @dev Vetoed settlements by key `keccak256(epoch, root, cumulativeTotal, dataUriHash)`. The data
    /// URI is part of the key so that a vetoed root can return under a new URI: a veto can stop one
    /// signed settlement, never block a correct root forever.
    mapping(bytes32 settlementKey => bool) internal _vetoed;
    /// @dev Key of the latest submitted settlement, which is the one a veto can hit.
    bytes32 internal _latestKey;
    mapping(bytes32 evidenceKey => bool) internal _equivocationSlashed;
    AllocationParams[] internal _params;

    /// @param rewardToken Token the pools are funded and claimed in.
    /// @param staking The suite's ValidatorStaking; its epoch clock is copied. Must be made a slasher there.
    /// @param admin Governance: the default admin.
    /// @param treasury Account owed the protocol fee; not this contract, `staking` or `rewardToken`.
    /// @param protocolFeeBps Protocol fee, at most `MAX_PROTOCOL_FEE_BPS`.
    /// @param validatorShareBps Validators' share, at most `MAX_VALIDATOR_SHARE_BPS`.
    /// @param challengePeriod_ Seconds a settlement stays pending, within `[MIN_CHALLENGE_PERIOD,
    /// maxChallengePeriod()]`. The epoch must be at least two minimum challenge periods long.
    constructor(
        address rewardToken,
        address staking,
        address admin,
        address treasury,
        uint256 protocolFeeBps,
        uint256 validatorShareBps,
        uint256 challengePeriod_
    )
        EpochClock(EpochClock(staking).GENESIS(), EpochClock(staking).EPOCH_DURATION())
        Governed(admin)
        EIP712("Tributary RewardDistributor", "1")
    {
        require(rewardToken != address(0), ZeroAddress());
        // Otherwise no challenge period would fit: even the shortest could not run twice per epoch.
        require(
            EPOCH_DURATION >= 2 * MIN_CHALLENGE_PERIOD,
            EpochDurationOutOfBounds(EPOCH_DURATION, 2 * MIN_CHALLENGE_PERIOD, MAX_EPOCH_DURATION)
        );
        REWARD_TOKEN = rewardToken;
        STAKING = staking;
        _setAllocationParams(0, protocolFeeBps, validatorShareBps, treasury);
        _setChallengePeriod(challengePeriod_);
        _setEquivocationSlashBps(1_000);
        // Nonzero placeholders, never read (a ring entry only once its epoch is submitted, the state's
        // latest fields only once `nextEpoch > 0`), so the first settlements overwrite nonzero slots
        // instead of creating them.
        _ring[0] = Settlement({root: bytes32(uint256(1)), cumulativeTotal: 0, epoch: 0, activatesAt: 1});
        _ring[1] = Settlement({root: bytes32(uint256(1)), cumulativeTotal: 0, epoch: 0, activatesAt: 1});
        _state.latestActivatesAt = 1;
        _latestKey = bytes32(uint256(1));
    }

    // ------------------------------------------------------------------ funding

    /// @inheritdoc IRewardDistributor
    function fund(uint256 epoch, uint256 amount) external override nonReentrant whenNotPaused {
        require(amount > 0, FundingAmountZero());
        uint256 current = currentEpoch();
        // Settlements cover closed epochs only, so an epoch that may still be funded is never settled.
        require(epoch >= current, FundingEpochClosed(epoch, current));
        require(
            epoch <= current + MAX_FUNDING_LEAD_EPOCHS,
            FundingEpochTooFar(epoch, current + MAX_FUNDING_LEAD_EPOCHS)
        );
        IERC20 token = IERC20(REWARD_TOKEN);
        uint256 balanceBefore = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - balanceBefore;
        require(received > 0, FundingAmountZero());
        // A settlement can never carry more than MAX_CUMULATIVE_TOTAL, so funds above it could never be
        // settled or claimed.
        uint256 totalFundedAfter = totalFunded + received;
        require(totalFundedAfter <= MAX_CUMULATIVE_TOTAL, FundingExceedsLimit(totalFundedAfter, MAX_CUMULATIVE_TOTAL));
        fundedInEpoch[epoch] += received;
        totalFunded = totalFundedAfter;
        emit Funded(epoch, msg.sender, received);
    }

    // --------------------------------------------------------------- settlement

    /// @inheritdoc IRewardDistributor
    function submitSettlement(
        uint256 epoch,
        bytes32 root,
        uint256 cumulativeTotal,
        string calldata dataUri,
        uint256 deadline,
        bytes[] calldata signatures
    ) external override whenNotPaused {
        uint256 fundedThrough = _checkSubmission(epoch, cumulativeTotal, deadline);
        bytes32 dataUriHash = keccak256(bytes(dataUri));
        bytes32 key = _settlementKey(epoch, root, cumulativeTotal, dataUriHash);
        require(!_vetoed[key], SettlementWasVetoed(epoch, root, cumulativeTotal, dataUriHash));

        _checkQuorum(_settlementDigest(epoch, root, cumulativeTotal, dataUriHash, deadline), signatures);

        uint256 activatesAt = block.timestamp + _config.challengePeriod;
        // cumulativeTotal <= MAX_CUMULATIVE_TOTAL < 2^96; timestamps fit 40 bits.
        _ring[epoch & 1] = Settlement({
            root: root,
            cumulativeTotal: uint128(cumulativeTotal),
            epoch: uint64(epoch),
            activatesAt: uint64(activatesAt)
        });
        _state = State({
            totalClaimed: _state.totalClaimed,
            latestTotal: uint96(cumulativeTotal),
            latestActivatesAt: uint40(activatesAt),
            nextEpoch: SafeCast.toUint24(epoch + 1)
        });
        _fundedThroughLatest = fundedThrough;
        _latestKey = key;
        emit SettlementSubmitted(epoch, root, cumulativeTotal, dataUri, activatesAt, msg.sender);
    }

    /// @dev Order, closure, deadline, activation of the previous epoch and the budget; returns Σ funded
    /// through `epoch`.
    function _checkSubmission(
        uint256 epoch,
        uint256 cumulativeTotal,
        uint256 deadline
    ) internal view returns (uint256 fundedThrough) {
        State memory state = _state;
        require(epoch == state.nextEpoch, SettlementOutOfOrder(epoch, state.nextEpoch));
        uint256 current = currentEpoch();
        require(epoch < current, EpochNotClosed(epoch, current));
        require(block.timestamp <= deadline, SignatureExpired(deadline, block.timestamp));

        // The latest settlement is the previous epoch's.
        uint256 previousTotal;
        if (epoch > 0) {
            require(
                block.timestamp >= state.latestActivatesAt,
                PreviousSettlementPending(epoch - 1, state.latestActivatesAt)
            );
            previousTotal = state.latestTotal;
        }
        require(cumulativeTotal >= previousTotal, CumulativeTotalDecreased(cumulativeTotal, previousTotal));
        require(
            cumulativeTotal <= MAX_CUMULATIVE_TOTAL,
            CumulativeTotalTooLarge(cumulativeTotal, MAX_CUMULATIVE_TOTAL)
        );
        fundedThrough = _fundedThroughLatest + fundedInEpoch[epoch];
        require(cumulativeTotal <= fundedThrough, SettlementOverBudget(cumulativeTotal, fundedThrough));
    }

    /// @inheritdoc IRewardDistributor
    function veto(uint256 epoch) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        State memory state = _state;
        require(state.nextEpoch > 0 && epoch == state.nextEpoch - 1, NoPendingSettlement(epoch));
        require(block.timestamp < state.latestActivatesAt, NoPendingSettlement(epoch));
        _vetoed[_latestKey] = true;
        // The settlement before the vetoed one becomes the latest again; it is active, since
        // submission required it. With none, the fields return to their deployment values.
        Settlement memory previous = epoch > 0
            ? _ring[(epoch - 1) & 1]
            : Settlement({root: 0, cumulativeTotal: 0, epoch: 0, activatesAt: 1});
        _state = State({
            totalClaimed: state.totalClaimed,
            latestTotal: uint96(previous.cumulativeTotal),
            latestActivatesAt: uint40(previous.activatesAt),
            nextEpoch: uint24(epoch)
        });
        _fundedThroughLatest -= fundedInEpoch[epoch];
        emit SettlementVetoed(epoch, _ring[epoch & 1].root, state.latestTotal);
    }

    // ------------------------------------------------------------------- claims

    /// @inheritdoc IRewardDistributor
    function claim(
        address account,
        uint256 cumulativeAmount,
        bytes32[] calldata proof
    ) external override nonReentrant returns (uint256 paid) {
        State memory state = _state;
        (bytes32 root, uint256 activeTotal) = _activeRootAndTotal(state);
        address recipient;
        (paid, recipient) = _claim(root, account, cumulativeAmount, proof, false);
        _recordClaimed(state.totalClaimed + paid, activeTotal);
        IERC20(REWARD_TOKEN).safeTransfer(recipient, paid);
    }

    /// @inheritdoc IRewardDistributor
    function claimMany(ClaimRequest[] calldata requests) external override nonReentrant returns (uint256 paid) {
        State memory state = _state;
        (bytes32 root, uint256 activeTotal) = _activeRootAndTotal(state);
        uint256 count = requests.length;
        address[] memory recipients = new address[](count);
        uint256[] memory amounts = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            ClaimRequest calldata request = requests[i];
            (amounts[i], recipients[i]) = _claim(root, request.account, request.cumulativeAmount, request.proof, true);
            paid += amounts[i];
        }
        _recordClaimed(state.totalClaimed + paid, activeTotal);
        IERC20 token = IERC20(REWARD_TOKEN);
        for (uint256 i; i < count; ++i) {
            if (amounts[i] > 0) token.safeTransfer(recipients[i], amounts[i]);
        }
    }

    /// @inheritdoc IRewardDistributor
    function setRecipient(address recipient) external override {
        require(recipient != address(this) && recipient != REWARD_TOKEN, InvalidRecipient(recipient));
        _accounts[msg.sender].recipient = recipient;
        emit RecipientSet(msg.sender, recipient);
    }

    // ------------------------------------------------------------- equivocation

    /// @inheritdoc IRewardDistributor
    function reportEquivocation(
        SettlementData calldata a,
        bytes calldata signatureA,
        SettlementData calldata b,
        bytes calldata signatureB
    ) external override nonReentrant returns (uint256 slashed) {
        require(a.epoch == b.epoch, EvidenceEpochMismatch(a.epoch, b.epoch));
        require(
            a.root != b.root || a.cumulativeTotal != b.cumulativeTotal || a.dataUriHash != b.dataUriHash,
            EvidenceNotConflicting()
        );
        // Validators re-sign after a veto; signing over vetoed content is not equivocation.
        require(
            !_vetoed[_settlementKey(a.epoch, a.root, a.cumulativeTotal, a.dataUriHash)] &&
                !_vetoed[_settlementKey(b.epoch, b.root, b.cumulativeTotal, b.dataUriHash)],
            EvidenceVetoed(a.epoch)
        );
        address signerA = ECDSA.recover(
            _settlementDigest(a.epoch, a.root, a.cumulativeTotal, a.dataUriHash, a.deadline),
            signatureA
        );
        address signerB = ECDSA.recover(
            _settlementDigest(b.epoch, b.root, b.cumulativeTotal, b.dataUriHash, b.deadline),
            signatureB
        );
        require(signerA == signerB, EvidenceSignerMismatch(signerA, signerB));
        bytes32 evidenceKey = keccak256(abi.encode(signerA, a.epoch));
        require(!_equivocationSlashed[evidenceKey], EquivocationAlreadySlashed(signerA, a.epoch));

        _equivocationSlashed[evidenceKey] = true;
        // Staking alone knows which stake is still slashable (released stake is not), so it computes
        // the amount; reverting on zero also undoes the flag, leaving the evidence for later stake.
        slashed = IValidatorStaking(STAKING).slash(signerA, _config.equivocationSlashBps, msg.sender);
        require(slashed > 0, NothingToSlash(signerA));
        emit EquivocationSlashed(signerA, a.epoch, msg.sender, slashed);
    }

    // --------------------------------------------------------------- governance

    /// @inheritdoc IRewardDistributor
    /// @dev Takes effect from the next epoch, so an epoch's allocation never changes once it has begun.
    function setAllocationParams(
        uint256 protocolFeeBps,
        uint256 validatorShareBps,
        address treasury
    ) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        _setAllocationParams(currentEpoch() + 1, protocolFeeBps, validatorShareBps, treasury);
    }

    /// @inheritdoc IRewardDistributor
    function setChallengePeriod(uint256 challengePeriod_) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        _setChallengePeriod(challengePeriod_);
    }

    /// @inheritdoc IRewardDistributor
    function setEquivocationSlashBps(uint256 slashBps) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        _setEquivocationSlashBps(slashBps);
    }

    // -------------------------------------------------------------------- views

    /// @inheritdoc IRewardDistributor
    function maxChallengePeriod() public view override returns (uint256) {
        uint256 halfEpoch = EPOCH_DURATION / 2;
        return halfEpoch < MAX_CHALLENGE_PERIOD ? halfEpoch : MAX_CHALLENGE_PERIOD;
    }

    /// @inheritdoc IRewardDistributor
    function settlementDigest(SettlementData calldata s) external view override returns (bytes32) {
        return _settlementDigest(s.epoch, s.root, s.cumulativeTotal, s.dataUriHash, s.deadline);
    }

    /// @inheritdoc IRewardDistributor
    function activeSettlement() external view override returns (Settlement memory) {
        return _activeSettlement();
    }

    /// @inheritdoc IRewardDistributor
    function latestSettlement() external view override returns (Settlement memory settlement, bool pending) {
        uint256 next = _state.nextEpoch;
        if (next == 0) return (settlement, false);
        settlement = _ring[(next - 1) & 1];
        pending = block.timestamp < settlement.activatesAt;
    }

    /// @inheritdoc IRewardDistributor
    function nextEpochToSettle() external view override returns (uint256) {
        return _state.nextEpoch;
    }

    /// @inheritdoc IRewardDistributor
    function allocationParamsAt(uint256 epoch) public view override returns (AllocationParams memory) {
        uint256 i = _params.length;
        while (i > 1 && _params[i - 1].fromEpoch > epoch) --i;
        return _params[i - 1];
    }

    /// @inheritdoc IRewardDistributor
    function totalClaimed() external view override returns (uint256) {
        return _state.totalClaimed;
    }

    /// @inheritdoc IRewardDistributor
    function claimedOf(address account) external view override returns (uint256) {
        return _accounts[account].claimed;
    }

    /// @inheritdoc IRewardDistributor
    function recipientOf(address account) external view override returns (address) {
        return _accounts[account].recipient;
    }

    /// @inheritdoc IRewardDistributor
    function challengePeriod() external view override returns (uint256) {
        return _config.challengePeriod;
    }

    /// @inheritdoc IRewardDistributor
    function equivocationSlashBps() external view override returns (uint256) {
        return _config.equivocationSlashBps;
    }

    // ----------------------------------------------------------------- internal

    /// @dev Checks the proof and records the claim; the caller moves the tokens. With `skipEmpty`,
    /// an account with nothing left returns 0 instead of reverting.
    function _claim(
        bytes32 root,
        address account,
        uint256 cumulativeAmount,
        bytes32[] calldata proof,
        bool skipEmpty
    ) internal returns (uint256 amount, address recipient) {
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(account, cumulativeAmount))));
        require(MerkleProof.verifyCalldata(proof, root, leaf), InvalidProof(account, cumulativeAmount));
        Account memory state = _accounts[account];
        if (cumulativeAmount <= state.claimed) {
            require(skipEmpty, NothingToClaim(account, cumulativeAmount, state.claimed));
            return (0, address(0));
        }
        amount = cumulativeAmount - state.claimed;
        recipient = state.recipient == address(0) ? account : state.recipient;
        // A proven leaf's amount is at most the settlement's cumulative total, itself < 2^96.
        _accounts[account].claimed = uint96(cumulativeAmount);
        emit Claimed(account, recipient, amount, cumulativeAmount);
    }

    /// @dev The active settlement's root and cumulative total; reverts when none is active. While
    /// the latest settlement is active this reads its root only, the rest being in `state`.
    function _activeRootAndTotal(State memory state) internal view returns (bytes32 root, uint256 total) {
        uint256 next = state.nextEpoch;
        if (next > 0 && block.timestamp >= state.latestActivatesAt) {
            return (_ring[(next - 1) & 1].root, state.latestTotal);
        }
        // The one before the latest was active when the latest was submitted.
        require(next > 1, NoActiveSettlement());
        Settlement storage previous = _ring[next & 1];
        return (previous.root, previous.cumulativeTotal);
    }

    /// @dev Writes the new claimed total after checking it against the active cumulative total:
    /// whatever a signed tree contains, claims never exceed what the active settlement covers.
    function _recordClaimed(uint256 totalAfter, uint256 activeTotal) internal {
        require(totalAfter <= activeTotal, ClaimExceedsActiveTotal(totalAfter, activeTotal));
        // totalAfter <= activeTotal <= MAX_CUMULATIVE_TOTAL < 2^96.
        _state.totalClaimed = uint96(totalAfter);
    }

    /// @dev The same rule as `_activeRootAndTotal`, returning the whole entry for the view. The claim
    /// path keeps its own copy because one shared helper cost claims about 150 gas.
    function _activeSettlement() internal view returns (Settlement memory settlement) {
        uint256 next = _state.nextEpoch;
        if (next == 0) return settlement;
        settlement = _ring[(next - 1) & 1];
        if (block.timestamp >= settlement.activatesAt) return settlement;
        // The one before the latest was active when the latest was submitted.
        if (next == 1) return Settlement(bytes32(0), 0, 0, 0);
        return _ring[next & 1];
    }

    function _checkQuorum(bytes32 digest, bytes[] calldata signatures) internal view {
        uint256 count = signatures.length;
        require(count > 0, NoSignatures());
        address[] memory signers = new address[](count);
        address previous;
        for (uint256 i; i < count; ++i) {
            address signer = ECDSA.recover(digest, signatures[i]);
            require(signer > previous, SignersNotSorted(i, signer, previous));
            signers[i] = signer;
            previous = signer;
        }
        (uint256[] memory stakes, uint256 quorum) = IValidatorStaking(STAKING).activeStakesOf(signers);
        uint256 signedStake;
        for (uint256 i; i < count; ++i) {
            require(stakes[i] > 0, SignerNotActive(signers[i]));
            signedStake += stakes[i];
        }
        require(signedStake >= quorum && signedStake > 0, QuorumNotReached(signedStake, quorum));
    }

    function _settlementDigest(
        uint256 epoch,
        bytes32 root,
        uint256 cumulativeTotal,
        bytes32 dataUriHash,
        uint256 deadline
    ) internal view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(abi.encode(SETTLEMENT_TYPEHASH, epoch, root, cumulativeTotal, dataUriHash, deadline))
            );
    }

    function _settlementKey(
        uint256 epoch,
        bytes32 root,
        uint256 cumulativeTotal,
        bytes32 dataUriHash
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(epoch, root, cumulativeTotal, dataUriHash));
    }

    function _setAllocationParams(
        uint256 fromEpoch,
        uint256 protocolFeeBps,
        uint256 validatorShareBps,
        address treasury
    ) internal {
        _checkBounds("protocolFeeBps", protocolFeeBps, 0, MAX_PROTOCOL_FEE_BPS);
        _checkBounds("validatorShareBps", validatorShareBps, 0, MAX_VALIDATOR_SHARE_BPS);
        require(treasury != address(0), ZeroAddress());
        // Fees claimed to any of these would be stuck: none of them can pass the tokens on.
        require(
            treasury != address(this) && treasury != STAKING && treasury != REWARD_TOKEN,
            InvalidTreasury(treasury)
        );
        AllocationParams memory params = AllocationParams({
            fromEpoch: uint64(fromEpoch),
            protocolFeeBps: uint16(protocolFeeBps),
            validatorShareBps: uint16(validatorShareBps),
            treasury: treasury
        });
        uint256 length = _params.length;
        if (length > 0 && _params[length - 1].fromEpoch == fromEpoch) _params[length - 1] = params;
        else _params.push(params);
        emit AllocationParamsSet(fromEpoch, protocolFeeBps, validatorShareBps, treasury);
    }

    function _setChallengePeriod(uint256 value) internal {
        _checkBounds("challengePeriod", value, MIN_CHALLENGE_PERIOD, maxChallengePeriod());
        _config.challengePeriod = uint32(value);
        emit ChallengePeriodSet(value);
    }

    function _setEquivocationSlashBps(uint256 value) internal {
        _checkBounds("equivocationSlashBps", value, MIN_EQUIVOCATION_SLASH_BPS, MAX_EQUIVOCATION_SLASH_BPS);
        _config.equivocationSlashBps = uint16(value);
        emit EquivocationSlashBpsSet(value);
    }
}

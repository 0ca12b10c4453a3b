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
/// @notice Holds the reward pools: allowlisted tokens, pools, funding, settlements, claims and
/// equivocation slashing.
contract RewardDistributor is IRewardDistributor, EpochClock, Governed, EIP712, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @inheritdoc IRewardDistributor
    bytes32 public constant override SETTLEMENT_TYPEHASH =
        keccak256(
            "Settlement(uint256 epoch,bytes32 root,uint256[] cumulativeTotals,bytes32 dataUriHash,uint256 deadline)"
        );

    /// @inheritdoc IRewardDistributor
    bytes32 public constant override DISPUTE_ROLE = keccak256("DISPUTE_ROLE");
    /// @inheritdoc IRewardDistributor
    uint256 public constant override FROZEN = type(uint40).max;

    /// @inheritdoc IRewardDistributor
    /// @dev Cumulative amounts are stored in 96 bits per account and token.
    uint256 public constant override MAX_CUMULATIVE_TOTAL = type(uint96).max;
    /// @inheritdoc IRewardDistributor
    /// @dev A settlement writes two slots per token it covers; 16 keeps the worst case near 300 000 gas.
    uint256 public constant override MAX_TOKENS = 16;
    /// @inheritdoc IRewardDistributor
    uint256 public constant override MAX_POOL_DATANETS = 8;
    /// @inheritdoc IRewardDistributor
    uint256 public constant override NETWORK_POOL = 0;
    /// @inheritdoc IRewardDistributor
    uint256 public constant override MAX_PROTOCOL_FEE_BPS = 2_000;
    /// @inheritdoc IRewardDistributor
    uint256 public constant override MAX_VALIDATOR_SHARE_BPS = 5_000;
    /// @inheritdoc IRewardDistributor
    uint256 public constant override MIN_IDLE_REFUND_EPOCHS = 1;
    /// @inheritdoc IRewardDistributor
    uint256 public constant override MAX_IDLE_REFUND_EPOCHS = 366;
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

    /// @dev One account's claim state in one token. Slot layout: claimed (96) | recipient (160).
    struct Account {
        uint96 claimed;
        address recipient;
    }

    /// @dev Everything a claim of one token needs besides its account and the active root, in one slot
    /// that claims only read. Slot layout: totalFunded (96) | latestTotal (96) | latestActivatesAt (40) |
    /// nextEpoch (24). `totalFunded` is Σ received through `fund`; the per-token cap (Σ claimed ≤ the
    /// active total) is checked on the distributor's balance after paying, which is `totalFunded − Σ
    /// claimed` (plus whatever was sent outside `fund`), so no claim writes a shared slot.
    /// `latestTotal`, `latestActivatesAt` and `nextEpoch` copy the latest submitted settlement (that of
    /// epoch `nextEpoch - 1`), which writes them for every listed token, so a claim against an active
    /// latest settlement reads its root and nothing else. Totals fit 96 bits (`MAX_CUMULATIVE_TOTAL`),
    /// timestamps 40 bits. Epochs settle one at a time, at least `MIN_CHALLENGE_PERIOD` apart, so 2^24
    /// settlements take over 1 900 years.
    struct ClaimState {
        uint96 totalFunded;
        uint96 latestTotal;
        uint40 latestActivatesAt;
        uint24 nextEpoch;
    }

    /// @dev What settlements and funding read of one token. Slot layout: previousTotal (96) |
    /// fundedThroughLatest (96) | index (8) | allowed (8). `previousTotal` is the total of the settlement
    /// before the latest, which claims use while the latest is pending; `fundedThroughLatest` is Σ funded
    /// over epochs 0 through the latest settled one.
    struct TokenState {
        uint96 previousTotal;
        uint96 fundedThroughLatest;
        uint8 index;
        bool allowed;
    }

    /// @dev Governance settings and the bounds of the latest two settlements, in the one slot a
    /// submission reads and writes. Slot layout: challengePeriod (32) | equivocationSlashBps (16) |
    /// nextEpoch (24) | latestActivatesAt (40) | latestTokenCount (8) | previousActivatesAt (40) |
    /// previousTokenCount (8). `latest*` describe the settlement of epoch `nextEpoch - 1`, `previous*`
    /// the one before it, which is what claims use while the latest is pending (and which a veto
    /// makes the latest again). Claims never read this slot: each token's `ClaimState` copies what
    /// they need.
    struct State {
        uint32 challengePeriod;
        uint16 equivocationSlashBps;
        uint24 nextEpoch;
        uint40 latestActivatesAt;
        uint8 latestTokenCount;
        uint40 previousActivatesAt;
        uint8 previousTokenCount;
    }

    State internal _state;
    /// @dev Roots of the settlements of even and odd epochs. Epochs settle in order and only the latest
    /// may be pending, so the latest and the one before it are all that claims ever need.
    bytes32[2] internal _roots;
    address[] internal _tokens;
    mapping(address token => TokenState) internal _tokenStates;
    mapping(address token => ClaimState) internal _claimStates;
    /// @inheritdoc IRewardDistributor
    mapping(uint256 epoch => mapping(address token => uint256 amount)) public override fundedInEpoch;
    Pool[] internal _pools;
    mapping(address account => mapping(address token => Account)) internal _accounts;
    /// @dev Vetoed settlements by key `keccak256(epoch, root, totalsHash, dataUriHash)`. The data URI is
    /// part of the key so that a vetoed root can return under a new URI: a veto can stop one signed
    /// settlement, never block a correct root forever.
    mapping(bytes32 settlementKey => bool) internal _vetoed;
    /// @dev Key of the latest submitted settlement, which is the one a veto can hit.
    bytes32 internal _latestKey;
    mapping(bytes32 evidenceKey => bool) internal _equivocationSlashed;
    AllocationParams[] internal _params;

    /// @param rewardToken The network pool's token, first on the allowlist.
    /// @param staking The suite's ValidatorStaking; its epoch clock is copied. Must be made a slasher there.
    /// @param admin Governance: the default admin.
    /// @param treasury Account owed the protocol fee; not this contract, `staking` or `rewardToken`.
    /// @param protocolFeeBps Protocol fee, at most `MAX_PROTOCOL_FEE_BPS`.
    /// @param validatorShareBps Validators' share, at most `MAX_VALIDATOR_SHARE_BPS`.
    /// @param idleRefundEpochs Idle epochs before a pool is refunded, within `[MIN_IDLE_REFUND_EPOCHS,
    /// MAX_IDLE_REFUND_EPOCHS]`.
    /// @param challengePeriod_ Seconds a settlement stays pending, within `[MIN_CHALLENGE_PERIOD,
    /// maxChallengePeriod()]`. The epoch must be at least two minimum challenge periods long.
    constructor(
        address rewardToken,
        address staking,
        address admin,
        address treasury,
        uint256 protocolFeeBps,
        uint256 validatorShareBps,
        uint256 idleRefundEpochs,
        uint256 challengePeriod_
    )
        EpochClock(EpochClock(staking).GENESIS(), EpochClock(staking).EPOCH_DURATION())
        Governed(admin)
        EIP712("Tributary RewardDistributor", "1")
    {
        // Otherwise no challenge period would fit: even the shortest could not run twice per epoch.
        require(
            EPOCH_DURATION >= 2 * MIN_CHALLENGE_PERIOD,
            EpochDurationOutOfBounds(EPOCH_DURATION, 2 * MIN_CHALLENGE_PERIOD, MAX_EPOCH_DURATION)
        );
        REWARD_TOKEN = rewardToken;
        STAKING = staking;
        _allowToken(rewardToken);
        _setAllocationParams(0, protocolFeeBps, validatorShareBps, idleRefundEpochs, treasury);
        _setChallengePeriod(challengePeriod_);
        _setEquivocationSlashBps(1_000);
        _createPool(address(0), rewardToken, new uint24[](0));
        // Nonzero placeholders, never read (a ring entry only once its epoch is submitted, the state's
        // latest fields only once `nextEpoch > 0`), so the first settlements overwrite nonzero slots
        // instead of creating them.
        _roots[0] = bytes32(uint256(1));
        _roots[1] = bytes32(uint256(1));
        _state.latestActivatesAt = 1;
        _state.previousActivatesAt = 1;
        _latestKey = bytes32(uint256(1));
    }

    // ------------------------------------------------------------- tokens and pools

    /// @inheritdoc IRewardDistributor
    function allowToken(address token) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        TokenState storage state = _tokenStates[token];
        if (_isListed(token, state)) {
            require(!state.allowed, TokenAlreadyAllowed(token));
            state.allowed = true;
            emit TokenAllowed(token, state.index);
        } else {
            // Fees owed to a treasury that became a listed token would be stuck there: refuse every
            // treasury that is or will be in force (governance changes are few, so the loop is short).
            for (uint256 i = _params.length; i > 0; --i) {
                require(token != _params[i - 1].treasury, InvalidToken(token));
            }
            _allowToken(token);
        }
    }

    /// @inheritdoc IRewardDistributor
    function disallowToken(address token) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        TokenState storage state = _tokenStates[token];
        require(_isListed(token, state), TokenNotListed(token));
        require(state.allowed, TokenNotAllowed(token));
        state.allowed = false;
        emit TokenDisallowed(token);
    }

    /// @inheritdoc IRewardDistributor
    function createPool(
        address token,
        uint24[] calldata datanets
    ) external override whenNotPaused returns (uint256 poolId) {
        _requireAllowed(token);
        return _createPool(msg.sender, token, datanets);
    }

    // ------------------------------------------------------------------ funding

    /// @inheritdoc IRewardDistributor
    function fund(uint256 poolId, uint256 epoch, uint256 amount) external override nonReentrant whenNotPaused {
        require(poolId < _pools.length, PoolNotFound(poolId));
        require(amount > 0, FundingAmountZero());
        uint256 current = currentEpoch();
        // Settlements cover closed epochs only, so an epoch that may still be funded is never settled.
        require(epoch >= current, FundingEpochClosed(epoch, current));
        require(
            epoch <= current + MAX_FUNDING_LEAD_EPOCHS,
            FundingEpochTooFar(epoch, current + MAX_FUNDING_LEAD_EPOCHS)
        );
        address token = _pools[poolId].token;
        _requireAllowed(token);
        uint256 balanceBefore = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = IERC20(token).balanceOf(address(this)) - balanceBefore;
        require(received > 0, FundingAmountZero());
        // A settlement can never carry more than MAX_CUMULATIVE_TOTAL of a token, so funds above it could
        // never be settled or claimed.
        ClaimState storage claimState = _claimStates[token];
        uint256 totalFundedAfter = claimState.totalFunded + received;
        require(
            totalFundedAfter <= MAX_CUMULATIVE_TOTAL,
            FundingExceedsLimit(token, totalFundedAfter, MAX_CUMULATIVE_TOTAL)
        );
        claimState.totalFunded = uint96(totalFundedAfter);
        fundedInEpoch[epoch][token] += received;
        emit Funded(poolId, epoch, msg.sender, token, received);
    }

    // --------------------------------------------------------------- settlement

    /// @inheritdoc IRewardDistributor
    function submitSettlement(
        uint256 epoch,
        bytes32 root,
        uint256[] calldata cumulativeTotals,
        string calldata dataUri,
        uint256 deadline,
        bytes[] calldata signatures
    ) external override whenNotPaused {
        State memory state = _state;
        uint256 tokenCount = _checkSubmission(state, epoch, deadline, cumulativeTotals.length);
        bytes32 key = _checkSignedSettlement(epoch, root, cumulativeTotals, dataUri, deadline, signatures);

        uint256 activatesAt = block.timestamp + state.challengePeriod;
        for (uint256 i; i < tokenCount; ++i) {
            _settleToken(_tokens[i], epoch, cumulativeTotals[i], activatesAt);
        }
        _roots[epoch & 1] = root;
        state.previousActivatesAt = state.latestActivatesAt;
        state.previousTokenCount = state.latestTokenCount;
        // Timestamps fit 40 bits; tokenCount <= MAX_TOKENS.
        state.latestActivatesAt = uint40(activatesAt);
        state.latestTokenCount = uint8(tokenCount);
        state.nextEpoch = SafeCast.toUint24(epoch + 1);
        _state = state;
        _latestKey = key;
        emit SettlementSubmitted(epoch, root, cumulativeTotals, dataUri, activatesAt, msg.sender);
    }

    /// @dev Refuses a vetoed settlement and checks the signers' quorum; returns the settlement's key.
    function _checkSignedSettlement(
        uint256 epoch,
        bytes32 root,
        uint256[] calldata cumulativeTotals,
        string calldata dataUri,
        uint256 deadline,
        bytes[] calldata signatures
    ) internal view returns (bytes32 key) {
        bytes32 totalsHash = keccak256(abi.encodePacked(cumulativeTotals));
        bytes32 dataUriHash = keccak256(bytes(dataUri));
        key = _settlementKey(epoch, root, totalsHash, dataUriHash);
        require(!_vetoed[key], SettlementWasVetoed(epoch, root, totalsHash, dataUriHash));
        _checkQuorum(_settlementDigest(epoch, root, totalsHash, dataUriHash, deadline), signatures);
    }

    /// @dev Order, closure, deadline, activation of the previous epoch, and the tokens covered; returns
    /// how many tokens the settlement covers.
    function _checkSubmission(
        State memory state,
        uint256 epoch,
        uint256 deadline,
        uint256 tokenCount
    ) internal view returns (uint256) {
        uint256 listed = _tokens.length;
        require(
            tokenCount >= state.latestTokenCount && tokenCount <= listed,
            TokenCountOutOfRange(tokenCount, state.latestTokenCount, listed)
        );
        // A token left out has never been in a settlement, so its budget starts at zero when it joins;
        // that holds only while none of the epochs it was left out of was funded in it.
        for (uint256 i = tokenCount; i < listed; ++i) {
            address token = _tokens[i];
            uint256 funded = fundedInEpoch[epoch][token];
            require(funded == 0, FundedTokenOmitted(token, funded));
        }
        require(epoch == state.nextEpoch, SettlementOutOfOrder(epoch, state.nextEpoch));
        uint256 current = currentEpoch();
        require(epoch < current, EpochNotClosed(epoch, current));
        require(block.timestamp <= deadline, SignatureExpired(deadline, block.timestamp));
        // The latest settlement is the previous epoch's.
        if (epoch > 0) {
            require(
                block.timestamp >= state.latestActivatesAt,
                PreviousSettlementPending(epoch - 1, state.latestActivatesAt)
            );
        }
        return tokenCount;
    }

    /// @dev Checks one token's total against the previous one and the budget, then records it as latest.
    function _settleToken(address token, uint256 epoch, uint256 total, uint256 activatesAt) internal {
        ClaimState memory claimState = _claimStates[token];
        TokenState memory tokenState = _tokenStates[token];
        // A token listed after the previous settlement has latestTotal 0.
        uint256 previousTotal = claimState.latestTotal;
        require(total >= previousTotal, CumulativeTotalDecreased(token, total, previousTotal));
        uint256 fundedThrough = tokenState.fundedThroughLatest + fundedInEpoch[epoch][token];
        // fundedThrough <= the token's total funded <= MAX_CUMULATIVE_TOTAL, so the total fits 96 bits.
        require(total <= fundedThrough, SettlementOverBudget(token, total, fundedThrough));
        tokenState.previousTotal = uint96(previousTotal);
        tokenState.fundedThroughLatest = uint96(fundedThrough);
        _tokenStates[token] = tokenState;
        _claimStates[token] = ClaimState({
            totalFunded: claimState.totalFunded,
            latestTotal: uint96(total),
            latestActivatesAt: uint40(activatesAt),
            nextEpoch: uint24(epoch + 1)
        });
    }

    /// @inheritdoc IRewardDistributor
    function veto(uint256 epoch) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        State memory state = _pendingState(epoch);
        // A disputed settlement is decided by its dispute's resolution, which also settles the bonds.
        require(state.latestActivatesAt != FROZEN, SettlementIsFrozen(epoch));
        _drop(state, epoch);
    }

    /// @inheritdoc IRewardDistributor
    function freezeSettlement(uint256 epoch) external override onlyRole(DISPUTE_ROLE) returns (bytes32 key) {
        State memory state = _pendingState(epoch);
        require(state.latestActivatesAt != FROZEN, SettlementIsFrozen(epoch));
        _setLatestActivation(state, FROZEN);
        emit SettlementFrozen(epoch, _roots[epoch & 1]);
        return _latestKey;
    }

    /// @inheritdoc IRewardDistributor
    function releaseSettlement(uint256 epoch) external override onlyRole(DISPUTE_ROLE) {
        State memory state = _frozenState(epoch);
        _setLatestActivation(state, block.timestamp);
        emit SettlementReleased(epoch, _roots[epoch & 1], block.timestamp);
    }

    /// @inheritdoc IRewardDistributor
    function dropSettlement(uint256 epoch) external override onlyRole(DISPUTE_ROLE) {
        _drop(_frozenState(epoch), epoch);
    }

    /// @dev The state, after checking that `epoch`'s settlement is the latest and still pending.
    function _pendingState(uint256 epoch) internal view returns (State memory state) {
        state = _state;
        require(state.nextEpoch > 0 && epoch == state.nextEpoch - 1, NoPendingSettlement(epoch));
        require(block.timestamp < state.latestActivatesAt, NoPendingSettlement(epoch));
    }

    /// @dev The state, after checking that `epoch`'s settlement is the latest and frozen.
    function _frozenState(uint256 epoch) internal view returns (State memory state) {
        state = _pendingState(epoch);
        require(state.latestActivatesAt == FROZEN, SettlementNotFrozen(epoch));
    }

    /// @dev Moves the latest settlement's activation time, in the state and in every token it covers.
    function _setLatestActivation(State memory state, uint256 activatesAt) internal {
        uint256 count = state.latestTokenCount;
        for (uint256 i; i < count; ++i) {
            _claimStates[_tokens[i]].latestActivatesAt = uint40(activatesAt);
        }
        state.latestActivatesAt = uint40(activatesAt);
        _state = state;
    }

    /// @dev Drops the latest settlement, of `epoch`: marks it vetoed and makes the one before it the latest.
    function _drop(State memory state, uint256 epoch) internal {
        _vetoed[_latestKey] = true;
        // The settlement before the dropped one becomes the latest again; it is active, since
        // submission required it. With none, the fields hold their deployment values (activatesAt 1,
        // no token).
        uint256 count = state.latestTokenCount;
        for (uint256 i; i < count; ++i) {
            address token = _tokens[i];
            TokenState storage tokenState = _tokenStates[token];
            ClaimState storage claimState = _claimStates[token];
            claimState.latestTotal = tokenState.previousTotal;
            claimState.latestActivatesAt = state.previousActivatesAt;
            claimState.nextEpoch = uint24(epoch);
            // fundedInEpoch[epoch] was added to it by the dropped submission.
            tokenState.fundedThroughLatest -= uint96(fundedInEpoch[epoch][token]);
        }
        state.latestActivatesAt = state.previousActivatesAt;
        state.latestTokenCount = state.previousTokenCount;
        state.nextEpoch = uint24(epoch);
        _state = state;
        emit SettlementVetoed(epoch, _roots[epoch & 1]);
    }

    // ------------------------------------------------------------------- claims

    /// @inheritdoc IRewardDistributor
    function claim(
        address account,
        address token,
        uint256 cumulativeAmount,
        bytes32[] calldata proof
    ) external override nonReentrant returns (uint256 paid) {
        return _claim(account, token, cumulativeAmount, proof, false);
    }

    /// @inheritdoc IRewardDistributor
    function claimMany(ClaimRequest[] calldata requests) external override nonReentrant returns (uint256 paid) {
        uint256 count = requests.length;
        for (uint256 i; i < count; ++i) {
            ClaimRequest calldata r = requests[i];
            paid += _claim(r.account, r.token, r.cumulativeAmount, r.proof, true);
        }
    }

    /// @inheritdoc IRewardDistributor
    function setRecipient(address token, address recipient) external override {
        require(_isListed(token, _tokenStates[token]), TokenNotListed(token));
        require(
            recipient != address(this) && !_isListed(recipient, _tokenStates[recipient]),
            InvalidRecipient(recipient)
        );
        _accounts[msg.sender][token].recipient = recipient;
        emit RecipientSet(msg.sender, token, recipient);
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
        bytes32 totalsA = keccak256(abi.encodePacked(a.cumulativeTotals));
        bytes32 totalsB = keccak256(abi.encodePacked(b.cumulativeTotals));
        require(a.root != b.root || totalsA != totalsB || a.dataUriHash != b.dataUriHash, EvidenceNotConflicting());
        // Validators re-sign after a veto; signing over vetoed content is not equivocation.
        require(
            !_vetoed[_settlementKey(a.epoch, a.root, totalsA, a.dataUriHash)] &&
                !_vetoed[_settlementKey(b.epoch, b.root, totalsB, b.dataUriHash)],
            EvidenceVetoed(a.epoch)
        );
        address signerA = ECDSA.recover(
            _settlementDigest(a.epoch, a.root, totalsA, a.dataUriHash, a.deadline),
            signatureA
        );
        address signerB = ECDSA.recover(
            _settlementDigest(b.epoch, b.root, totalsB, b.dataUriHash, b.deadline),
            signatureB
        );
        require(signerA == signerB, EvidenceSignerMismatch(signerA, signerB));
        bytes32 evidenceKey = keccak256(abi.encode(signerA, a.epoch));
        require(!_equivocationSlashed[evidenceKey], EquivocationAlreadySlashed(signerA, a.epoch));

        _equivocationSlashed[evidenceKey] = true;
        // Staking alone knows which stake is still slashable (released stake is not), so it computes
        // the amount; reverting on zero also undoes the flag, leaving the evidence for later stake.
        slashed = IValidatorStaking(STAKING).slash(signerA, _state.equivocationSlashBps, msg.sender);
        require(slashed > 0, NothingToSlash(signerA));
        emit EquivocationSlashed(signerA, a.epoch, msg.sender, slashed);
    }

    // --------------------------------------------------------------- governance

    /// @inheritdoc IRewardDistributor
    /// @dev Takes effect from the next epoch, so an epoch's allocation never changes once it has begun.
    function setAllocationParams(
        uint256 protocolFeeBps,
        uint256 validatorShareBps,
        uint256 idleRefundEpochs,
        address treasury
    ) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        _setAllocationParams(currentEpoch() + 1, protocolFeeBps, validatorShareBps, idleRefundEpochs, treasury);
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
        return
            _settlementDigest(
                s.epoch,
                s.root,
                keccak256(abi.encodePacked(s.cumulativeTotals)),
                s.dataUriHash,
                s.deadline
            );
    }

    /// @inheritdoc IRewardDistributor
    function activeSettlement() external view override returns (Settlement memory settlement) {
        (settlement, ) = _activeSettlement();
    }

    /// @inheritdoc IRewardDistributor
    function latestSettlement() external view override returns (Settlement memory settlement, bool pending) {
        State memory state = _state;
        if (state.nextEpoch == 0) return (settlement, false);
        settlement = _latest(state);
        pending = block.timestamp < settlement.activatesAt;
    }

    /// @inheritdoc IRewardDistributor
    function latestTokenCount() external view override returns (uint256) {
        return _state.latestTokenCount;
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
    function tokens() external view override returns (address[] memory) {
        return _tokens;
    }

    /// @inheritdoc IRewardDistributor
    function isTokenAllowed(address token) external view override returns (bool) {
        TokenState storage state = _tokenStates[token];
        return _isListed(token, state) && state.allowed;
    }

    /// @inheritdoc IRewardDistributor
    function poolOf(uint256 poolId) external view override returns (Pool memory) {
        require(poolId < _pools.length, PoolNotFound(poolId));
        return _pools[poolId];
    }

    /// @inheritdoc IRewardDistributor
    function poolCount() external view override returns (uint256) {
        return _pools.length;
    }

    /// @inheritdoc IRewardDistributor
    function totalFundedOf(address token) external view override returns (uint256) {
        return _claimStates[token].totalFunded;
    }

    /// @inheritdoc IRewardDistributor
    function totalClaimedOf(address token) external view override returns (uint256) {
        uint256 funded = _claimStates[token].totalFunded;
        uint256 balance = IERC20(token).balanceOf(address(this));
        return balance < funded ? funded - balance : 0;
    }

    /// @inheritdoc IRewardDistributor
    function activeTotalOf(address token) external view override returns (uint256) {
        (, bool latest) = _activeSettlement();
        uint256 next = _state.nextEpoch;
        if (next == 0 || (!latest && next == 1)) return 0;
        return latest ? _claimStates[token].latestTotal : _tokenStates[token].previousTotal;
    }

    /// @inheritdoc IRewardDistributor
    function latestTotalOf(address token) external view override returns (uint256) {
        return _claimStates[token].latestTotal;
    }

    /// @inheritdoc IRewardDistributor
    function claimedOf(address account, address token) external view override returns (uint256) {
        return _accounts[account][token].claimed;
    }

    /// @inheritdoc IRewardDistributor
    function recipientOf(address account, address token) external view override returns (address) {
        return _accounts[account][token].recipient;
    }

    /// @inheritdoc IRewardDistributor
    function challengePeriod() external view override returns (uint256) {
        return _state.challengePeriod;
    }

    /// @inheritdoc IRewardDistributor
    function equivocationSlashBps() external view override returns (uint256) {
        return _state.equivocationSlashBps;
    }

    // ----------------------------------------------------------------- internal

    /// @dev Records the claim (see `_record`), enforces the token's cap, and pays: whatever a signed
    /// tree contains, Σ claimed never exceeds the active total, that is, paying never takes the balance
    /// below `totalFunded − activeTotal`.
    function _claim(
        address account,
        address token,
        uint256 cumulativeAmount,
        bytes32[] calldata proof,
        bool skipEmpty
    ) internal returns (uint256 amount) {
        (uint256 paid, address recipient, uint256 totalFunded, uint256 activeTotal) = _record(
            account,
            token,
            cumulativeAmount,
            proof,
            skipEmpty
        );
        if (paid == 0) return 0;
        // activeTotal <= totalFunded: every settled total is within the token's budget. Paying `paid`
        // lowers the balance by exactly `paid`, whatever the token charges the recipient.
        uint256 balance = IERC20(token).balanceOf(address(this));
        if (balance < paid + (totalFunded - activeTotal)) {
            revert ClaimExceedsActiveTotal(token, totalFunded + paid - balance, activeTotal);
        }
        IERC20(token).safeTransfer(recipient, paid);
        return paid;
    }

    /// @dev Checks the proof against the active root and records the claim; returns what to pay, to
    /// whom, and the token's total funded and active total. With `skipEmpty`, a request with nothing left
    /// returns 0 instead of reverting.
    function _record(
        address account,
        address token,
        uint256 cumulativeAmount,
        bytes32[] calldata proof,
        bool skipEmpty
    ) internal returns (uint256 amount, address recipient, uint256 totalFunded, uint256 activeTotal) {
        ClaimState memory state = _claimStates[token];
        bytes32 root;
        (root, activeTotal) = _activeRootAndTotal(token, state);
        {
            bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(account, token, cumulativeAmount))));
            require(MerkleProof.verifyCalldata(proof, root, leaf), InvalidProof(account, token, cumulativeAmount));
        }
        Account storage slot = _accounts[account][token];
        Account memory claimed = slot;
        if (cumulativeAmount <= claimed.claimed) {
            require(skipEmpty, NothingToClaim(account, token, cumulativeAmount, claimed.claimed));
            return (0, address(0), 0, 0);
        }
        // No leaf of a correct tree exceeds its token's total; this also keeps the cast below exact.
        require(cumulativeAmount <= activeTotal, ClaimExceedsActiveTotal(token, cumulativeAmount, activeTotal));
        unchecked {
            amount = cumulativeAmount - claimed.claimed;
        }
        // cumulativeAmount <= activeTotal <= MAX_CUMULATIVE_TOTAL < 2^96.
        slot.claimed = uint96(cumulativeAmount);
        recipient = claimed.recipient == address(0) ? account : claimed.recipient;
        totalFunded = state.totalFunded;
        emit Claimed(account, token, amount);
    }

    /// @dev The active settlement's root and `token`'s total in it; reverts when none is active. While
    /// the latest settlement is active this reads its root only, the rest being in `state`.
    function _activeRootAndTotal(
        address token,
        ClaimState memory state
    ) internal view returns (bytes32 root, uint256 total) {
        uint256 next = state.nextEpoch;
        if (next > 0 && block.timestamp >= state.latestActivatesAt) {
            return (_roots[(next - 1) & 1], state.latestTotal);
        }
        // The one before the latest was active when the latest was submitted.
        require(next > 1, NoActiveSettlement(token));
        return (_roots[next & 1], _tokenStates[token].previousTotal);
    }

    /// @dev The active settlement, and whether it is the latest one.
    function _activeSettlement() internal view returns (Settlement memory settlement, bool latest) {
        State memory state = _state;
        uint256 next = state.nextEpoch;
        if (next == 0) return (settlement, false);
        settlement = _latest(state);
        if (block.timestamp >= settlement.activatesAt) return (settlement, true);
        // The one before the latest was active when the latest was submitted.
        if (next == 1) return (Settlement(bytes32(0), 0, 0, 0), false);
        return (
            Settlement({
                root: _roots[next & 1],
                epoch: uint64(next - 2),
                activatesAt: state.previousActivatesAt,
                tokenCount: state.previousTokenCount
            }),
            false
        );
    }

    /// @dev The latest submitted settlement; `state.nextEpoch` must be positive.
    function _latest(State memory state) internal view returns (Settlement memory) {
        uint256 next = state.nextEpoch;
        return
            Settlement({
                root: _roots[(next - 1) & 1],
                epoch: uint64(next - 1),
                activatesAt: state.latestActivatesAt,
                tokenCount: state.latestTokenCount
            });
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
        bytes32 totalsHash,
        bytes32 dataUriHash,
        uint256 deadline
    ) internal view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(abi.encode(SETTLEMENT_TYPEHASH, epoch, root, totalsHash, dataUriHash, deadline))
            );
    }

    function _settlementKey(
        uint256 epoch,
        bytes32 root,
        bytes32 totalsHash,
        bytes32 dataUriHash
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(epoch, root, totalsHash, dataUriHash));
    }

    function _isListed(address token, TokenState storage state) internal view returns (bool) {
        uint256 index = state.index;
        return index < _tokens.length && _tokens[index] == token;
    }

    function _requireAllowed(address token) internal view {
        TokenState storage state = _tokenStates[token];
        require(_isListed(token, state), TokenNotListed(token));
        require(state.allowed, TokenNotAllowed(token));
    }

    function _allowToken(address token) internal {
        uint256 index = _tokens.length;
        require(index < MAX_TOKENS, TokenLimitReached(MAX_TOKENS));
        require(
            token != address(0) && token != address(this) && token != STAKING && token.code.length > 0,
            InvalidToken(token)
        );
        _tokens.push(token);
        // index < MAX_TOKENS.
        TokenState storage state = _tokenStates[token];
        state.index = uint8(index);
        state.allowed = true;
        emit TokenAllowed(token, index);
    }

    function _createPool(address owner, address token, uint24[] memory datanets) internal returns (uint256 poolId) {
        uint256 count = datanets.length;
        require(count <= MAX_POOL_DATANETS, InvalidPoolDatanets(count));
        Pool storage pool = _pools.push();
        uint24 previous;
        for (uint256 i; i < count; ++i) {
            require(datanets[i] > previous, InvalidPoolDatanets(i));
            pool.datanets[i] = datanets[i];
            previous = datanets[i];
        }
        pool.owner = owner;
        pool.datanetCount = uint8(count);
        pool.token = token;
        poolId = _pools.length - 1;
        // Records carry pool ids in 32 bits.
        SafeCast.toUint32(poolId);
        emit PoolCreated(poolId, owner, token, datanets);
    }

    function _setAllocationParams(
        uint256 fromEpoch,
        uint256 protocolFeeBps,
        uint256 validatorShareBps,
        uint256 idleRefundEpochs,
        address treasury
    ) internal {
        _checkBounds("protocolFeeBps", protocolFeeBps, 0, MAX_PROTOCOL_FEE_BPS);
        _checkBounds("validatorShareBps", validatorShareBps, 0, MAX_VALIDATOR_SHARE_BPS);
        _checkBounds("idleRefundEpochs", idleRefundEpochs, MIN_IDLE_REFUND_EPOCHS, MAX_IDLE_REFUND_EPOCHS);
        require(treasury != address(0), ZeroAddress());
        // Fees claimed to any of these would be stuck: none of them can pass the tokens on.
        require(
            treasury != address(this) && treasury != STAKING && !_isListed(treasury, _tokenStates[treasury]),
            InvalidTreasury(treasury)
        );
        AllocationParams memory params = AllocationParams({
            fromEpoch: uint64(fromEpoch),
            protocolFeeBps: uint16(protocolFeeBps),
            validatorShareBps: uint16(validatorShareBps),
            idleRefundEpochs: uint16(idleRefundEpochs),
            treasury: treasury
        });
        uint256 length = _params.length;
        if (length > 0 && _params[length - 1].fromEpoch == fromEpoch) _params[length - 1] = params;
        else _params.push(params);
        emit AllocationParamsSet(fromEpoch, protocolFeeBps, validatorShareBps, idleRefundEpochs, treasury);
    }

    function _setChallengePeriod(uint256 value) internal {
        _checkBounds("challengePeriod", value, MIN_CHALLENGE_PERIOD, maxChallengePeriod());
        _state.challengePeriod = uint32(value);
        emit ChallengePeriodSet(value);
    }

    function _setEquivocationSlashBps(uint256 value) internal {
        _checkBounds("equivocationSlashBps", value, MIN_EQUIVOCATION_SLASH_BPS, MAX_EQUIVOCATION_SLASH_BPS);
        _state.equivocationSlashBps = uint16(value);
        emit EquivocationSlashBpsSet(value);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IRewardDistributor} from "./interfaces/IRewardDistributor.sol";
import {ISettlementDisputes} from "./interfaces/ISettlementDisputes.sol";
import {IValidatorStaking} from "./interfaces/IValidatorStaking.sol";
import {BondBounds} from "./libraries/BondBounds.sol";

/// @title SettlementDisputes
/// @notice Holds the bonds of settlement disputes and carries out their resolution.
contract SettlementDisputes is ISettlementDisputes, AccessControlDefaultAdminRules, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @inheritdoc ISettlementDisputes
    uint256 public constant override MIN_BOND_TOKENS = BondBounds.MIN_BOND_TOKENS;
    /// @inheritdoc ISettlementDisputes
    uint256 public constant override MAX_BOND_TOKENS = BondBounds.MAX_BOND_TOKENS;
    /// @inheritdoc ISettlementDisputes
    /// @dev Every bond fits `Dispute.bondAmount` (96 bits).
    uint256 public constant override MAX_BOND_DECIMALS = BondBounds.MAX_BOND_DECIMALS;
    /// @inheritdoc ISettlementDisputes
    uint256 public constant override MIN_RESOLUTION_PERIOD = 1 days;
    /// @inheritdoc ISettlementDisputes
    uint256 public constant override MAX_RESOLUTION_PERIOD = 14 days;
    /// @dev Delay of a two-step admin transfer, as in every Tributary contract.
    uint48 internal constant ADMIN_TRANSFER_DELAY = 2 days;

    /// @inheritdoc ISettlementDisputes
    address public immutable override DISTRIBUTOR;
    /// @inheritdoc ISettlementDisputes
    address public immutable override STAKING;

    /// @dev One disputer's bond on one dispute. Slot layout: amount (96) | withdrawn (8).
    struct Bond {
        uint96 amount;
        bool withdrawn;
    }

    /// @inheritdoc ISettlementDisputes
    address public override bondToken;
    /// @inheritdoc ISettlementDisputes
    uint256 public override bondAmount;
    /// @inheritdoc ISettlementDisputes
    uint256 public override resolutionPeriod;
    /// @inheritdoc ISettlementDisputes
    uint256 public override openDispute;
    /// @inheritdoc ISettlementDisputes
    uint256 public override disputeCount;
    mapping(uint256 disputeId => Dispute) internal _disputes;
    mapping(uint256 disputeId => mapping(address disputer => Bond)) internal _bonds;
    mapping(address token => BondTotals) internal _totals;

    /// @param distributor The suite's `RewardDistributor`; it must grant this contract `DISPUTE_ROLE`, and
    /// its staking contract must make this contract a slasher.
    /// @param admin Governance: the default admin.
    /// @param bondToken_ The bond token.
    /// @param bondAmount_ The bond, within `[MIN_BOND_TOKENS, MAX_BOND_TOKENS]` whole tokens.
    /// @param resolutionPeriod_ Within `[MIN_RESOLUTION_PERIOD, MAX_RESOLUTION_PERIOD]`.
    constructor(
        address distributor,
        address admin,
        address bondToken_,
        uint256 bondAmount_,
        uint256 resolutionPeriod_
    ) AccessControlDefaultAdminRules(ADMIN_TRANSFER_DELAY, admin) {
        DISTRIBUTOR = distributor;
        STAKING = IRewardDistributor(distributor).STAKING();
        _setBond(bondToken_, bondAmount_);
        _setResolutionPeriod(resolutionPeriod_);
    }

    /// @inheritdoc ISettlementDisputes
    function dispute(
        uint256 epoch,
        bytes32 root,
        string calldata evidenceUri
    ) external override nonReentrant returns (uint256 disputeId) {
        disputeId = openDispute;
        Dispute storage d = _disputes[disputeId];
        if (disputeId == 0 || d.epoch != epoch || d.root != root) {
            disputeId = _open(epoch, root);
            d = _disputes[disputeId];
        } else {
            require(block.timestamp < d.windowEndsAt, ChallengeWindowClosed(epoch, d.windowEndsAt));
        }
        Bond storage bond = _bonds[disputeId][msg.sender];
        require(bond.amount == 0, AlreadyDisputed(disputeId, msg.sender));

        IERC20 token = IERC20(d.bondToken);
        uint256 balanceBefore = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), d.bondAmount);
        // Credit what arrived, so a token that charges on transfer cannot inflate a bond.
        uint256 received = token.balanceOf(address(this)) - balanceBefore;
        require(received > 0, BondNotReceived());
        // received <= bondAmount < 2^96 (MAX_BOND_DECIMALS), and at most 2^32 bonds per dispute.
        bond.amount = uint96(received);
        d.totalBonds += uint128(received);
        d.disputerCount += 1;
        _totals[address(token)].posted += received;
        emit DisputeJoined(disputeId, msg.sender, address(token), received, evidenceUri);
    }

    /// @inheritdoc ISettlementDisputes
    function uphold(
        uint256 disputeId,
        IRewardDistributor.SettlementData calldata settlement,
        bytes[] calldata signatures
    ) external override onlyRole(DEFAULT_ADMIN_ROLE) nonReentrant returns (uint256 slashed) {
        Dispute storage d = _openInTime(disputeId);
        bytes32 key = keccak256(
            abi.encode(
                settlement.epoch,
                settlement.root,
                keccak256(abi.encodePacked(settlement.cumulativeTotals)),
                settlement.dataUriHash
            )
        );
        require(key == d.settlementKey, EvidenceNotDisputedSettlement(disputeId, key));
        uint256 count = signatures.length;
        require(count > 0, NoSignatures());
        d.status = DisputeStatus.Upheld;
        openDispute = 0;

        IRewardDistributor distributor = IRewardDistributor(DISTRIBUTOR);
        IERC20 stakeToken = IERC20(IValidatorStaking(STAKING).STAKE_TOKEN());
        uint256 stakeBefore = stakeToken.balanceOf(address(this));
        slashed = _slashSigners(disputeId, distributor.settlementDigest(settlement), signatures);
        uint256 bounty = stakeToken.balanceOf(address(this)) - stakeBefore;
        d.bounty = SafeCast.toUint128(bounty);
        distributor.dropSettlement(d.epoch);
        emit DisputeUpheld(disputeId, d.epoch, count, slashed, bounty);
    }

    /// @inheritdoc ISettlementDisputes
    function reject(uint256 disputeId) external override onlyRole(DEFAULT_ADMIN_ROLE) nonReentrant {
        Dispute storage d = _openInTime(disputeId);
        d.status = DisputeStatus.Rejected;
        openDispute = 0;
        uint256 forfeited = d.totalBonds;
        address token = d.bondToken;
        _totals[token].forfeited += forfeited;
        uint256 epoch = d.epoch;
        address treasury = IRewardDistributor(DISTRIBUTOR).allocationParamsAt(epoch).treasury;
        IRewardDistributor(DISTRIBUTOR).releaseSettlement(epoch);
        emit DisputeRejected(disputeId, epoch, treasury, forfeited);
        IERC20(token).safeTransfer(treasury, forfeited);
    }

    /// @inheritdoc ISettlementDisputes
    function expire(uint256 disputeId) external override nonReentrant {
        Dispute storage d = _disputes[disputeId];
        require(d.status == DisputeStatus.Open, DisputeNotOpen(disputeId, d.status));
        require(block.timestamp >= d.resolveBy, ResolutionPeriodNotOver(disputeId, d.resolveBy));
        d.status = DisputeStatus.Expired;
        openDispute = 0;
        IRewardDistributor(DISTRIBUTOR).releaseSettlement(d.epoch);
        emit DisputeExpired(disputeId, d.epoch);
    }

    /// @inheritdoc ISettlementDisputes
    function withdraw(
        uint256 disputeId,
        address disputer
    ) external override nonReentrant returns (uint256 bond, uint256 bounty) {
        Dispute storage d = _disputes[disputeId];
        Bond storage b = _bonds[disputeId][disputer];
        bond = b.amount;
        DisputeStatus status = d.status;
        require(
            bond > 0 && !b.withdrawn && (status == DisputeStatus.Upheld || status == DisputeStatus.Expired),
            NothingToWithdraw(disputeId, disputer)
        );
        b.withdrawn = true;
        d.withdrawnCount += 1;
        if (d.bounty > 0) {
            // Shares round down; the last disputer paid takes the dust, so the bounty is paid in full.
            uint256 paid = d.bountyPaid;
            bounty = d.withdrawnCount == d.disputerCount ? d.bounty - paid : Math.mulDiv(d.bounty, bond, d.totalBonds);
            d.bountyPaid = paid + bounty;
        }
        _totals[d.bondToken].returned += bond;
        emit BondReturned(disputeId, disputer, bond, bounty);
        IERC20(d.bondToken).safeTransfer(disputer, bond);
        if (bounty > 0) IERC20(IValidatorStaking(STAKING).STAKE_TOKEN()).safeTransfer(disputer, bounty);
    }

    /// @inheritdoc ISettlementDisputes
    function setBond(address token, uint256 amount) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        _setBond(token, amount);
    }

    /// @inheritdoc ISettlementDisputes
    function setResolutionPeriod(uint256 resolutionPeriod_) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        _setResolutionPeriod(resolutionPeriod_);
    }

    /// @inheritdoc ISettlementDisputes
    function disputeOf(uint256 disputeId) external view override returns (Dispute memory) {
        return _disputes[disputeId];
    }

    /// @inheritdoc ISettlementDisputes
    function bondOf(
        uint256 disputeId,
        address disputer
    ) external view override returns (uint256 amount, bool withdrawn) {
        Bond memory b = _bonds[disputeId][disputer];
        return (b.amount, b.withdrawn);
    }

    /// @inheritdoc ISettlementDisputes
    function bondTotalsOf(address token) external view override returns (BondTotals memory) {
        return _totals[token];
    }

    /// @dev Opens a dispute on the pending settlement of `epoch`, which must have root `root`, and freezes it.
    function _open(uint256 epoch, bytes32 root) internal returns (uint256 disputeId) {
        IRewardDistributor distributor = IRewardDistributor(DISTRIBUTOR);
        (IRewardDistributor.Settlement memory latest, bool pending) = distributor.latestSettlement();
        uint256 next = distributor.nextEpochToSettle();
        require(next > 0 && latest.epoch == epoch, NotLatestSettlement(epoch, next));
        require(latest.root == root, RootMismatch(epoch, root, latest.root));
        // A frozen settlement is pending with the open dispute's key, so a mismatch above caught it.
        require(pending, ChallengeWindowClosed(epoch, latest.activatesAt));
        bytes32 key = distributor.freezeSettlement(epoch);
        disputeId = ++disputeCount;
        // Resolution waits for the window to close, so nobody can join on seeing a resolution coming.
        uint256 resolveBy = latest.activatesAt + resolutionPeriod;
        _disputes[disputeId] = Dispute({
            epoch: uint64(epoch),
            windowEndsAt: uint40(latest.activatesAt),
            resolveBy: uint40(resolveBy),
            status: DisputeStatus.Open,
            disputerCount: 0,
            withdrawnCount: 0,
            root: root,
            settlementKey: key,
            bondToken: bondToken,
            bondAmount: uint96(bondAmount),
            totalBonds: 0,
            bounty: 0,
            bountyPaid: 0
        });
        openDispute = disputeId;
        emit DisputeOpened(disputeId, epoch, root, key, latest.activatesAt, resolveBy);
    }

    /// @dev Slashes each signer of `digest` once (signers strictly ascending); returns Σ slashed.
    function _slashSigners(
        uint256 disputeId,
        bytes32 digest,
        bytes[] calldata signatures
    ) internal returns (uint256 slashed) {
        uint256 slashBps = IRewardDistributor(DISTRIBUTOR).equivocationSlashBps();
        address previous;
        for (uint256 i; i < signatures.length; ++i) {
            address signer = ECDSA.recover(digest, signatures[i]);
            require(signer > previous, SignersNotSorted(i, signer, previous));
            previous = signer;
            // Staking computes what is still slashable and pays this contract the reporter's bounty. A slash
            // staking refuses (this contract no longer a slasher) must not stop the drop: governance's veto
            // is refused while the dispute runs, so upholding is the only way to stop this settlement.
            uint256 amount;
            try IValidatorStaking(STAKING).slash(signer, slashBps, address(this)) returns (uint256 taken) {
                amount = taken;
            } catch {
                amount = 0;
            }
            slashed += amount;
            emit SignerSlashed(disputeId, signer, amount);
        }
    }

    /// @dev Dispute `disputeId`, after checking that governance may resolve it now: its challenge window
    /// has closed (no more joins) and its resolution period has not.
    function _openInTime(uint256 disputeId) internal view returns (Dispute storage d) {
        d = _disputes[disputeId];
        require(d.status == DisputeStatus.Open, DisputeNotOpen(disputeId, d.status));
        require(block.timestamp >= d.windowEndsAt, ChallengeWindowOpen(disputeId, d.windowEndsAt));
        require(block.timestamp < d.resolveBy, ResolutionPeriodOver(disputeId, d.resolveBy));
    }

    function _setBond(address token, uint256 amount) internal {
        BondBounds.check(token, amount);
        bondToken = token;
        bondAmount = amount;
        emit BondSet(token, amount);
    }

    function _setResolutionPeriod(uint256 value) internal {
        require(
            value >= MIN_RESOLUTION_PERIOD && value <= MAX_RESOLUTION_PERIOD,
            ParameterOutOfBounds("resolutionPeriod", value, MIN_RESOLUTION_PERIOD, MAX_RESOLUTION_PERIOD)
        );
        resolutionPeriod = value;
        emit ResolutionPeriodSet(value);
    }
}

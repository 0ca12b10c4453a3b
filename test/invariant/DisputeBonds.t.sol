// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TestBase} from "../utils/TestBase.sol";
import {InvariantBase} from "../utils/InvariantBase.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {ValidatorStaking} from "../../contracts/ValidatorStaking.sol";
import {RewardDistributor} from "../../contracts/RewardDistributor.sol";
import {SettlementDisputes} from "../../contracts/SettlementDisputes.sol";
import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {ISettlementDisputes} from "../../contracts/interfaces/ISettlementDisputes.sol";

/// @notice Random settlements, disputes and joins, upholds, rejections, expiries, withdrawals, bond
/// changes and time warps over a real distributor and staking contract. The bond token is not the
/// stake token, so the bonds and the stake-token bounties can be counted apart. Every call it makes is
/// valid (or caught and counted), so the suite runs with failOnRevert.
contract DisputesHandler is TestBase {
    uint256 public constant DISPUTERS = 4;
    uint256 internal constant VALIDATORS = 3;
    string internal constant EVIDENCE = "ipfs://evidence";

    RewardDistributor internal immutable distributor;
    ValidatorStaking internal immutable staking;
    SettlementDisputes internal immutable disputes;
    MockERC20 internal immutable bondToken;
    MockERC20 internal immutable stakeToken;
    address internal immutable admin;
    uint256[VALIDATORS] internal validatorKeys = [uint256(0xA11CE), uint256(0xB0B), uint256(0xCA401)];
    address[DISPUTERS] public disputers;

    /// @dev The latest submitted settlement as signed: the only one a dispute can be open on.
    IRewardDistributor.SettlementData internal _latest;
    uint256 public submissions;
    /// @dev The root of the last settlement dropped for each epoch, which validators may well sign again.
    mapping(uint256 epoch => bytes32) internal _droppedRoot;

    /// @dev Σ of bonds (bond token) by where they went, as the handler saw them move.
    uint256 public posted;
    uint256 public returned;
    uint256 public forfeited;
    uint256 public held;
    mapping(address disputer => uint256) public returnedTo;
    /// @dev Σ of stake-token bounties upheld disputes received, and paid out.
    uint256 public bounties;
    uint256 public bountiesPaid;
    /// @dev Calls that ended with an open dispute's settlement active, or not frozen.
    uint256 public disputedSettlementActive;
    uint256 public openDisputeNotFrozen;
    /// @dev Withdrawals that should have been refused but paid, or were refused with another error.
    uint256 public forbiddenWithdrawalsPaid;
    uint256 public forbiddenWithdrawalsMisreported;

    constructor(
        RewardDistributor distributor_,
        SettlementDisputes disputes_,
        MockERC20 bondToken_,
        MockERC20 stakeToken_,
        address admin_
    ) {
        distributor = distributor_;
        staking = ValidatorStaking(distributor_.STAKING());
        disputes = disputes_;
        bondToken = bondToken_;
        stakeToken = stakeToken_;
        admin = admin_;
        for (uint256 i; i < DISPUTERS; ++i) disputers[i] = address(uint160(0xD15B0 + i));
    }

    // ---------------------------------------------------------------- actions

    /// @dev Submits the next epoch, first waiting for it to close and for the latest settlement to
    /// activate (nothing is submitted while one is frozen): a fresh root, or, one time in four after a
    /// drop, the dropped root again; always under a new data URI.
    function submit(uint256 seed) external {
        (IRewardDistributor.Settlement memory latest, bool pending) = distributor.latestSettlement();
        if (latest.activatesAt == distributor.FROZEN()) return;
        if (pending) vm.warp(latest.activatesAt);
        uint256 epoch = distributor.nextEpochToSettle();
        if (epoch >= distributor.currentEpoch()) vm.warp(distributor.epochStart(epoch + 1) + ((seed >> 8) % 6 hours));
        _topUpValidators(seed);
        bytes32 root = keccak256(abi.encode("root", submissions, seed));
        if (seed % 4 == 0 && _droppedRoot[epoch] != bytes32(0)) root = _droppedRoot[epoch];
        string memory dataUri = string(abi.encodePacked("ipfs://", bytes32(++submissions)));
        uint256[] memory totals = new uint256[](1);
        IRewardDistributor.SettlementData memory data = IRewardDistributor.SettlementData(
            epoch,
            root,
            totals,
            keccak256(bytes(dataUri)),
            block.timestamp + 1 days
        );
        distributor.submitSettlement(epoch, root, totals, dataUri, data.deadline, _sign(data));
        _latest = data;
        _check();
    }

    /// @dev One to three disputers in turn open a dispute on the pending settlement, or join the open
    /// one, while its window lasts.
    function dispute(uint256 disputerSeed) external {
        uint256 count = 1 + ((disputerSeed >> 8) % 3);
        for (uint256 k; k < count; ++k) _dispute(disputers[(disputerSeed + k) % DISPUTERS]);
        _check();
    }

    function uphold() external {
        uint256 open = disputes.openDispute();
        if (open == 0) return;
        ISettlementDisputes.Dispute memory d = disputes.disputeOf(open);
        if (block.timestamp >= d.resolveBy) return;
        // Governance resolves once the challenge window has closed.
        if (block.timestamp < d.windowEndsAt) vm.warp(d.windowEndsAt);
        IRewardDistributor.SettlementData memory data = _latest;
        bytes[] memory signatures = _sign(data);
        uint256 before = stakeToken.balanceOf(address(disputes));
        vm.prank(admin);
        disputes.uphold(open, data, signatures);
        bounties += stakeToken.balanceOf(address(disputes)) - before;
        _droppedRoot[data.epoch] = data.root;
        _check();
    }

    function reject() external {
        uint256 open = disputes.openDispute();
        if (open == 0) return;
        ISettlementDisputes.Dispute memory d = disputes.disputeOf(open);
        if (block.timestamp >= d.resolveBy) return;
        if (block.timestamp < d.windowEndsAt) vm.warp(d.windowEndsAt);
        vm.prank(admin);
        disputes.reject(open);
        forfeited += d.totalBonds;
        held -= d.totalBonds;
        _check();
    }

    /// @dev Half the time, first waits for governance's time to run out.
    function expire(bool wait) external {
        uint256 open = disputes.openDispute();
        if (open == 0) return;
        uint256 resolveBy = disputes.disputeOf(open).resolveBy;
        if (wait && block.timestamp < resolveBy) vm.warp(resolveBy);
        if (block.timestamp < resolveBy) return;
        disputes.expire(open);
        _check();
    }

    /// @dev Withdraws a bond that is owed; a bond that is not (none, paid, open or rejected) must be
    /// refused with NothingToWithdraw.
    function withdraw(uint256 disputeSeed, uint256 disputerSeed) external {
        uint256 count = disputes.disputeCount();
        if (count == 0) return;
        uint256 disputeId = bound(disputeSeed, 1, count);
        address disputer = disputers[disputerSeed % DISPUTERS];
        (uint256 amount, bool withdrawn) = disputes.bondOf(disputeId, disputer);
        ISettlementDisputes.DisputeStatus status = disputes.disputeOf(disputeId).status;
        bool owed = amount > 0 &&
            !withdrawn &&
            (status == ISettlementDisputes.DisputeStatus.Upheld || status == ISettlementDisputes.DisputeStatus.Expired);
        if (!owed) {
            try disputes.withdraw(disputeId, disputer) returns (uint256, uint256) {
                ++forbiddenWithdrawalsPaid;
            } catch (bytes memory reason) {
                bytes memory expected = abi.encodeWithSelector(
                    ISettlementDisputes.NothingToWithdraw.selector,
                    disputeId,
                    disputer
                );
                if (keccak256(reason) != keccak256(expected)) ++forbiddenWithdrawalsMisreported;
            }
            return;
        }
        (uint256 bond, uint256 bounty) = disputes.withdraw(disputeId, disputer);
        returned += bond;
        held -= bond;
        returnedTo[disputer] += bond;
        bountiesPaid += bounty;
        _check();
    }

    /// @dev Governance changes the bond of later disputes (open ones keep theirs).
    function setBond(uint256 wholeTokens) external {
        vm.prank(admin);
        disputes.setBond(address(bondToken), bound(wholeTokens, 1, 1_000) * 1e18);
    }

    /// @dev Short warps land inside challenge periods (an hour); long ones cross epochs and resolution periods.
    function warp(uint256 seconds_) external {
        uint256 step = seconds_ % 2 == 0 ? bound(seconds_ >> 1, 1, 1 hours) : bound(seconds_ >> 1, 1 hours, 2 days);
        vm.warp(block.timestamp + step);
        _check();
    }

    function validatorKey(uint256 i) external view returns (uint256) {
        return validatorKeys[i];
    }

    // --------------------------------------------------------------- internal

    function _dispute(address disputer) internal {
        (IRewardDistributor.Settlement memory latest, bool pending) = distributor.latestSettlement();
        if (distributor.nextEpochToSettle() == 0 || !pending) return;
        uint256 open = disputes.openDispute();
        uint256 amount = disputes.bondAmount();
        if (open != 0) {
            ISettlementDisputes.Dispute memory d = disputes.disputeOf(open);
            if (block.timestamp >= d.windowEndsAt) return;
            (uint256 bond, ) = disputes.bondOf(open, disputer);
            if (bond > 0) return;
            amount = d.bondAmount;
        }
        bondToken.mint(disputer, amount);
        vm.startPrank(disputer);
        bondToken.approve(address(disputes), amount);
        disputes.dispute(latest.epoch, latest.root, EVIDENCE);
        vm.stopPrank();
        posted += amount;
        held += amount;
    }

    /// @dev While a dispute is open its settlement is the latest, frozen, and never the active one.
    function _check() internal {
        uint256 open = disputes.openDispute();
        if (open == 0) return;
        ISettlementDisputes.Dispute memory d = disputes.disputeOf(open);
        IRewardDistributor.Settlement memory active = distributor.activeSettlement();
        if (active.epoch == d.epoch && active.root == d.root) ++disputedSettlementActive;
        (IRewardDistributor.Settlement memory latest, bool pending) = distributor.latestSettlement();
        if (!pending || latest.activatesAt != distributor.FROZEN() || latest.root != d.root) ++openDisputeNotFrozen;
    }

    /// @dev Slashes wear the validators down; one ejected, or close to it, bonds again so that quorum
    /// holds. Odd amounts make odd slashes, so bounties do not always split evenly.
    function _topUpValidators(uint256 seed) internal {
        uint256 amount = 1_000e18 + (seed % 1e9);
        for (uint256 i; i < VALIDATORS; ++i) {
            address validator = vm.addr(validatorKeys[i]);
            if (staking.activeStakeOf(validator) >= 500e18) continue;
            stakeToken.mint(validator, amount);
            vm.startPrank(validator);
            stakeToken.approve(address(staking), amount);
            staking.stake(amount);
            vm.stopPrank();
        }
    }

    /// @dev Every validator's signature over `data`, in ascending signer order.
    function _sign(IRewardDistributor.SettlementData memory data) internal view returns (bytes[] memory signatures) {
        bytes32 digest = distributor.settlementDigest(data);
        uint256[VALIDATORS] memory keys = validatorKeys;
        for (uint256 i; i < VALIDATORS; ++i) {
            for (uint256 j = i + 1; j < VALIDATORS; ++j) {
                if (vm.addr(keys[j]) < vm.addr(keys[i])) (keys[i], keys[j]) = (keys[j], keys[i]);
            }
        }
        signatures = new bytes[](VALIDATORS);
        for (uint256 i; i < VALIDATORS; ++i) {
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(keys[i], digest);
            signatures[i] = abi.encodePacked(r, s, v);
        }
    }
}

contract DisputeBondsInvariant is InvariantBase {
    ValidatorStaking internal staking;
    RewardDistributor internal distributor;
    SettlementDisputes internal disputes;
    MockERC20 internal bondToken;
    MockERC20 internal stakeToken;
    DisputesHandler internal handler;
    address internal treasury;

    function setUp() public {
        vm.warp(1_700_000_000);
        address admin = makeAddr("admin");
        treasury = makeAddr("treasury");
        stakeToken = new MockERC20("Stake", "STK");
        bondToken = new MockERC20("Bond", "BND");
        staking = _newStaking(address(stakeToken), admin);
        distributor = new RewardDistributor(
            address(new MockERC20("Reward", "RWD")),
            address(staking),
            admin,
            treasury,
            500,
            1_000,
            4,
            1 hours
        );
        disputes = new SettlementDisputes(address(distributor), admin, address(bondToken), 100e18, 1 days);
        vm.startPrank(admin);
        distributor.grantRole(distributor.DISPUTE_ROLE(), address(disputes));
        // No stake exists yet, so the slasher applies at once.
        staking.scheduleSlasher(address(disputes));
        vm.stopPrank();
        handler = new DisputesHandler(distributor, disputes, bondToken, stakeToken, admin);
        // Stakes a few wei off round numbers, so that slashes and bounties are too.
        for (uint256 i; i < 3; ++i) {
            address validator = vm.addr(handler.validatorKey(i));
            uint256 amount = 1_000e18 + 12_345 * (i + 1);
            stakeToken.mint(validator, amount);
            vm.startPrank(validator);
            stakeToken.approve(address(staking), amount);
            staking.stake(amount);
            vm.stopPrank();
        }
        targetContract(address(handler));
    }

    /// @notice Σ posted == Σ returned + Σ forfeited + Σ held, as the contract counts it and as the tokens
    /// moved: it holds exactly the bonds still owed, the treasury received exactly the forfeited ones,
    /// and each disputer got back exactly what it was paid.
    function invariant_bondsConserved() public view {
        ISettlementDisputes.BondTotals memory totals = disputes.bondTotalsOf(address(bondToken));
        assertEq(totals.posted, handler.posted(), "posted as moved");
        assertEq(totals.returned, handler.returned(), "returned as moved");
        assertEq(totals.forfeited, handler.forfeited(), "forfeited as moved");
        assertEq(
            totals.posted,
            totals.returned + totals.forfeited + handler.held(),
            "posted == returned + forfeited + held"
        );
        assertEq(bondToken.balanceOf(address(disputes)), handler.held(), "balance == held");
        assertEq(bondToken.balanceOf(treasury), totals.forfeited, "treasury == forfeited");

        // Held, recomputed from the contract's own records: every bond not withdrawn of a dispute that is
        // open, upheld or expired.
        uint256 owed;
        for (uint256 id = 1; id <= disputes.disputeCount(); ++id) {
            ISettlementDisputes.Dispute memory d = disputes.disputeOf(id);
            uint256 sum;
            uint256 count;
            uint256 outstanding;
            for (uint256 i; i < handler.DISPUTERS(); ++i) {
                (uint256 amount, bool withdrawn) = disputes.bondOf(id, handler.disputers(i));
                sum += amount;
                if (amount > 0) ++count;
                if (!withdrawn) outstanding += amount;
            }
            assertEq(sum, d.totalBonds, "totalBonds == sum of bonds");
            assertEq(count, d.disputerCount, "disputerCount == bonds posted");
            if (d.status != ISettlementDisputes.DisputeStatus.Rejected) owed += outstanding;
        }
        assertEq(owed, handler.held(), "held == bonds owed");
        for (uint256 i; i < handler.DISPUTERS(); ++i) {
            address disputer = handler.disputers(i);
            assertEq(bondToken.balanceOf(disputer), handler.returnedTo(disputer), "disputer got its bonds back");
        }
        assertEq(handler.forbiddenWithdrawalsPaid(), 0, "nothing paid that was not owed");
        assertEq(handler.forbiddenWithdrawalsMisreported(), 0, "refusals are NothingToWithdraw");
    }

    /// @notice The stake-token bounties are paid in full and no more: the contract holds what upheld
    /// disputes received and has not paid; a dispute whose disputers all withdrew paid its bounty exactly.
    function invariant_bountiesPaidExactly() public view {
        assertEq(
            stakeToken.balanceOf(address(disputes)),
            handler.bounties() - handler.bountiesPaid(),
            "stake balance == bounties unpaid"
        );
        for (uint256 id = 1; id <= disputes.disputeCount(); ++id) {
            ISettlementDisputes.Dispute memory d = disputes.disputeOf(id);
            assertLe(d.bountyPaid, d.bounty, "bountyPaid <= bounty");
            if (d.withdrawnCount == d.disputerCount && d.status == ISettlementDisputes.DisputeStatus.Upheld) {
                assertEq(d.bountyPaid, d.bounty, "all withdrawn: bounty paid in full");
            }
            if (d.status != ISettlementDisputes.DisputeStatus.Upheld) assertEq(d.bounty, 0, "bounty only if upheld");
        }
    }

    /// @notice A disputed settlement pays nothing: while a dispute is open, its settlement is the latest,
    /// frozen, and never the active one.
    function invariant_disputedSettlementNeverActive() public view {
        assertEq(handler.disputedSettlementActive(), 0, "disputed settlement never active");
        assertEq(handler.openDisputeNotFrozen(), 0, "open dispute's settlement frozen");
        uint256 open = disputes.openDispute();
        if (open == 0) return;
        ISettlementDisputes.Dispute memory d = disputes.disputeOf(open);
        assertEq(uint256(d.status), uint256(ISettlementDisputes.DisputeStatus.Open), "open dispute is Open");
        IRewardDistributor.Settlement memory active = distributor.activeSettlement();
        assertTrue(!(active.epoch == d.epoch && active.root == d.root), "active settlement is not the disputed one");
        assertEq(distributor.nextEpochToSettle(), uint256(d.epoch) + 1, "disputed settlement is the latest");
    }
}

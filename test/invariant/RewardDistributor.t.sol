// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TestBase} from "../utils/TestBase.sol";
import {InvariantBase} from "../utils/InvariantBase.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {ValidatorStaking} from "../../contracts/ValidatorStaking.sol";
import {RewardDistributor} from "../../contracts/RewardDistributor.sol";
import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";

/// @notice Random funding, settlement, veto, claim and time sequences over two claimants.
/// Every call it makes is valid, so the suite runs with failOnRevert.
contract DistributorHandler is TestBase {
    RewardDistributor internal immutable distributor;
    MockERC20 internal immutable token;
    address internal immutable admin;
    uint256[3] internal validatorKeys = [uint256(0xA11CE), uint256(0xB0B), uint256(0xCA401)];
    address[2] public accounts;

    /// @dev Entitlements of each submitted root, and which roots were vetoed.
    mapping(bytes32 root => mapping(address account => uint256)) public entitlement;
    /// @dev Vetoes are per epoch: the same root may be vetoed for one epoch and valid for another.
    mapping(uint256 epoch => mapping(bytes32 root => bool)) public vetoed;
    mapping(address account => uint256) public received;
    uint256 public claimsAgainstVetoedRoots;
    /// @dev Attempts to fund past the cap that did not end in `FundingExceedsLimit` with its arguments.
    uint256 public fundingBeyondTheLimitAccepted;
    uint256 public maxOverpayment;

    constructor(RewardDistributor distributor_, MockERC20 token_, address admin_) {
        distributor = distributor_;
        token = token_;
        admin = admin_;
        accounts = [address(0xAAAA), address(0xBBBB)];
    }

    function fund(uint256 epochOffset, uint256 amount) external {
        uint256 headroom = distributor.MAX_CUMULATIVE_TOTAL() - distributor.totalFunded();
        if (headroom == 0) return;
        _fund(epochOffset, bound(amount, 1, headroom < 1e24 ? headroom : 1e24));
    }

    /// @dev Funds everything up to the cap, so the rest of the run settles and claims at the limit.
    function fundToTheLimit(uint256 epochOffset) external {
        uint256 headroom = distributor.MAX_CUMULATIVE_TOTAL() - distributor.totalFunded();
        if (headroom == 0) return;
        _fund(epochOffset, headroom);
    }

    /// @dev Tries to fund past the cap; the one acceptable outcome is the exact `FundingExceedsLimit`.
    function fundBeyondTheLimit(uint256 epochOffset, uint256 extra) external {
        uint256 maximum = distributor.MAX_CUMULATIVE_TOTAL();
        uint256 totalBefore = distributor.totalFunded();
        uint256 amount = maximum - totalBefore + bound(extra, 1, 1e24);
        uint256 epoch = distributor.currentEpoch() + bound(epochOffset, 0, 2);
        token.mint(address(this), amount);
        token.approve(address(distributor), amount);
        bytes memory expected = abi.encodeWithSelector(
            IRewardDistributor.FundingExceedsLimit.selector,
            totalBefore + amount,
            maximum
        );
        try distributor.fund(epoch, amount) {
            fundingBeyondTheLimitAccepted += 1;
        } catch (bytes memory reason) {
            if (keccak256(reason) != keccak256(expected)) fundingBeyondTheLimitAccepted += 1;
        }
        token.approve(address(distributor), 0);
    }

    function _fund(uint256 epochOffset, uint256 amount) internal {
        uint256 epoch = distributor.currentEpoch() + bound(epochOffset, 0, 2);
        token.mint(address(this), amount);
        token.approve(address(distributor), amount);
        distributor.fund(epoch, amount);
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 2 days));
    }

    function submit(uint256 shareA, uint256 shareB) external {
        uint256 epoch = distributor.nextEpochToSettle();
        if (epoch >= distributor.currentEpoch()) return;
        (, bool pending) = distributor.latestSettlement();
        if (pending) return;
        (uint256 a, uint256 b) = _nextAmounts(epoch, shareA, shareB);
        bytes32 root = _root(a, b);
        // A vetoed settlement can never come back; skip the rare draw that repeats one.
        if (vetoed[epoch][root]) return;
        entitlement[root][accounts[0]] = a;
        entitlement[root][accounts[1]] = b;
        _signAndSubmit(epoch, root, a + b);
    }

    /// @dev Grows each account's entitlement by a random share of the unallocated budget.
    function _nextAmounts(uint256 epoch, uint256 shareA, uint256 shareB) internal view returns (uint256 a, uint256 b) {
        (IRewardDistributor.Settlement memory latest, ) = distributor.latestSettlement();
        uint256 budget;
        for (uint256 e; e <= epoch; ++e) budget += distributor.fundedInEpoch(e);
        uint256 headroom = budget - latest.cumulativeTotal;
        uint256 addA = bound(shareA, 0, headroom);
        uint256 addB = bound(shareB, 0, headroom - addA);
        a = entitlement[latest.root][accounts[0]] + addA;
        b = entitlement[latest.root][accounts[1]] + addB;
    }

    function _signAndSubmit(uint256 epoch, bytes32 root, uint256 total) internal {
        uint256 deadline = block.timestamp + 1 days;
        bytes32 digest = distributor.settlementDigest(
            IRewardDistributor.SettlementData({
                epoch: epoch,
                root: root,
                cumulativeTotal: total,
                dataUriHash: keccak256(""),
                deadline: deadline
            })
        );
        bytes[] memory signatures = new bytes[](3);
        uint256[3] memory keys = _sortedKeys();
        for (uint256 i; i < 3; ++i) {
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(keys[i], digest);
            signatures[i] = abi.encodePacked(r, s, v);
        }
        distributor.submitSettlement(epoch, root, total, "", deadline, signatures);
    }

    function veto() external {
        (IRewardDistributor.Settlement memory latest, bool pending) = distributor.latestSettlement();
        if (!pending) return;
        vetoed[latest.epoch][latest.root] = true;
        vm.prank(admin);
        distributor.veto(latest.epoch);
    }

    function claim(uint256 accountSeed) external {
        IRewardDistributor.Settlement memory active = distributor.activeSettlement();
        if (active.root == bytes32(0)) return;
        uint256 index = accountSeed % 2;
        address account = accounts[index];
        uint256 amount = entitlement[active.root][account];
        if (amount <= distributor.claimedOf(account)) return;
        bytes32[] memory proof = new bytes32[](1);
        proof[0] = _leaf(accounts[1 - index], entitlement[active.root][accounts[1 - index]]);
        uint256 before = token.balanceOf(account);
        distributor.claim(account, amount, proof);
        received[account] += token.balanceOf(account) - before;
        if (vetoed[active.epoch][active.root]) claimsAgainstVetoedRoots += 1;
        if (received[account] > amount && received[account] - amount > maxOverpayment) {
            maxOverpayment = received[account] - amount;
        }
    }

    function _leaf(address account, uint256 amount) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(account, amount))));
    }

    function _root(uint256 a, uint256 b) internal view returns (bytes32) {
        bytes32 la = _leaf(accounts[0], a);
        bytes32 lb = _leaf(accounts[1], b);
        return la < lb ? keccak256(abi.encodePacked(la, lb)) : keccak256(abi.encodePacked(lb, la));
    }

    function _sortedKeys() internal view returns (uint256[3] memory keys) {
        keys = validatorKeys;
        for (uint256 i; i < 3; ++i) {
            for (uint256 j = i + 1; j < 3; ++j) {
                if (vm.addr(keys[j]) < vm.addr(keys[i])) (keys[i], keys[j]) = (keys[j], keys[i]);
            }
        }
    }

    function validatorKey(uint256 i) external view returns (uint256) {
        return validatorKeys[i];
    }
}

contract RewardDistributorInvariant is InvariantBase {
    MockERC20 internal stakeToken;
    MockERC20 internal rewardToken;
    ValidatorStaking internal staking;
    RewardDistributor internal distributor;
    DistributorHandler internal handler;

    function setUp() public {
        vm.warp(1_700_000_000);
        address admin = makeAddr("admin");
        stakeToken = new MockERC20("Stake", "STK");
        rewardToken = new MockERC20("Reward", "RWD");
        staking = _newStaking(address(stakeToken), admin);
        distributor = new RewardDistributor(
            address(rewardToken),
            address(staking),
            admin,
            makeAddr("treasury"),
            500,
            1_000,
            1 hours
        );
        handler = new DistributorHandler(distributor, rewardToken, admin);
        for (uint256 i; i < 3; ++i) {
            address validator = vm.addr(handler.validatorKey(i));
            stakeToken.mint(validator, 1_000e18);
            vm.startPrank(validator);
            stakeToken.approve(address(staking), 1_000e18);
            staking.stake(1_000e18);
            vm.stopPrank();
        }
        targetContract(address(handler));
    }

    /// @notice The distributor holds exactly what was funded and not yet claimed.
    function invariant_balanceIsFundedMinusClaimed() public view {
        assertEq(
            rewardToken.balanceOf(address(distributor)),
            distributor.totalFunded() - distributor.totalClaimed(),
            "balance == funded - claimed"
        );
    }

    /// @notice Σ claimed ≤ Σ activated ≤ Σ funded.
    function invariant_claimedWithinActivatedWithinFunded() public view {
        uint256 activated = distributor.activeSettlement().cumulativeTotal;
        assertLe(distributor.totalClaimed(), activated, "claimed <= activated");
        assertLe(activated, distributor.totalFunded(), "activated <= funded");
    }

    /// @notice No account ever receives more than its active cumulative entitlement.
    function invariant_noAccountExceedsItsEntitlement() public view {
        bytes32 root = distributor.activeSettlement().root;
        for (uint256 i; i < 2; ++i) {
            address account = handler.accounts(i);
            assertLe(
                handler.received(account),
                root == bytes32(0) ? 0 : handler.entitlement(root, account),
                "received"
            );
            assertEq(distributor.claimedOf(account), handler.received(account), "claimed matches received");
        }
        assertEq(handler.maxOverpayment(), 0, "never overpaid");
    }

    /// @notice Funding stops at the most a settlement can carry, so every funded token stays settleable;
    /// settlements at that limit go through (the suite fails on any revert).
    function invariant_totalFundedWithinTheMaximum() public view {
        assertLe(distributor.totalFunded(), distributor.MAX_CUMULATIVE_TOTAL(), "funded <= maximum");
        assertEq(handler.fundingBeyondTheLimitAccepted(), 0, "funding past the cap refused exactly");
    }

    /// @notice A vetoed settlement pays nothing.
    function invariant_vetoedSettlementPaysNothing() public view {
        assertEq(handler.claimsAgainstVetoedRoots(), 0, "no claim against a vetoed root");
        IRewardDistributor.Settlement memory active = distributor.activeSettlement();
        assertTrue(!handler.vetoed(active.epoch, active.root), "the active settlement is never a vetoed one");
    }
}

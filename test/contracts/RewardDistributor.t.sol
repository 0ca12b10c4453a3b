// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

import {TributaryFixture} from "../utils/TributaryFixture.sol";
import {MerkleTree} from "../utils/MerkleTree.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {FeeOnTransferToken} from "../../contracts/mocks/FeeOnTransferToken.sol";
import {ValidatorStaking} from "../../contracts/ValidatorStaking.sol";
import {RewardDistributor} from "../../contracts/RewardDistributor.sol";
import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {IEpochClock} from "../../contracts/interfaces/IEpochClock.sol";
import {IGoverned} from "../../contracts/interfaces/IGoverned.sol";

/// @notice Shared setup: three validators, a second listed token `usdc` with a pool of its own, epoch 0
/// funded with 1 000 reward tokens (network pool) and 500 usdc, and helpers to build and settle trees.
abstract contract DistributorFixture is TributaryFixture {
    struct Entry {
        address account;
        address token;
        uint256 amount;
    }

    uint256 internal constant REWARD_FUNDING = 1_000e18;
    uint256 internal constant USDC_FUNDING = 500e18;

    uint256[3] internal keys = [uint256(0xA1), uint256(0xA2), uint256(0xA3)];
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal funder = makeAddr("funder");
    MockERC20 internal usdc;
    uint256 internal usdcPool;

    function setUp() public virtual override {
        super.setUp();
        for (uint256 i; i < 3; ++i) _stake(vm.addr(keys[i]), 1_000e18);
        usdc = new MockERC20("USD", "USD");
        vm.prank(admin);
        distributor.allowToken(address(usdc));
        vm.prank(funder);
        usdcPool = distributor.createPool(address(usdc), new uint24[](0));

        rewardToken.mint(address(this), REWARD_FUNDING);
        rewardToken.approve(address(distributor), type(uint256).max);
        distributor.fund(0, 0, REWARD_FUNDING);
        usdc.mint(address(this), USDC_FUNDING);
        usdc.approve(address(distributor), type(uint256).max);
        distributor.fund(usdcPool, 0, USDC_FUNDING);
    }

    // ---------------------------------------------------------------- trees

    function _e(address account, address token, uint256 amount) internal pure returns (Entry memory) {
        return Entry(account, token, amount);
    }

    function _list(Entry memory a) internal pure returns (Entry[] memory entries) {
        entries = new Entry[](1);
        entries[0] = a;
    }

    function _list(Entry memory a, Entry memory b) internal pure returns (Entry[] memory entries) {
        entries = new Entry[](2);
        entries[0] = a;
        entries[1] = b;
    }

    function _list(
        Entry memory a,
        Entry memory b,
        Entry memory c,
        Entry memory d
    ) internal pure returns (Entry[] memory entries) {
        entries = new Entry[](4);
        entries[0] = a;
        entries[1] = b;
        entries[2] = c;
        entries[3] = d;
    }

    /// @dev Alice and Bob's cumulative reward-token entitlements.
    function _pair(uint256 a, uint256 b) internal view returns (Entry[] memory) {
        return _list(_e(alice, address(rewardToken), a), _e(bob, address(rewardToken), b));
    }

    /// @dev Alice and Bob in both tokens: reward (ra, rb) and usdc (ua, ub).
    function _grid(uint256 ra, uint256 rb, uint256 ua, uint256 ub) internal view returns (Entry[] memory) {
        return
            _list(
                _e(alice, address(rewardToken), ra),
                _e(bob, address(rewardToken), rb),
                _e(alice, address(usdc), ua),
                _e(bob, address(usdc), ub)
            );
    }

    function _leaves(Entry[] memory entries) internal pure returns (bytes32[] memory leaves) {
        leaves = new bytes32[](entries.length);
        for (uint256 i; i < entries.length; ++i) {
            leaves[i] = MerkleTree.leaf(entries[i].account, entries[i].token, entries[i].amount);
        }
    }

    function _root(Entry[] memory entries) internal pure returns (bytes32) {
        return MerkleTree.root(_leaves(entries));
    }

    function _proof(Entry[] memory entries, uint256 index) internal pure returns (bytes32[] memory) {
        return MerkleTree.proof(_leaves(entries), index);
    }

    function _totals(uint256 a) internal pure returns (uint256[] memory totals) {
        totals = new uint256[](1);
        totals[0] = a;
    }

    function _totals(uint256 a, uint256 b) internal pure returns (uint256[] memory totals) {
        totals = new uint256[](2);
        totals[0] = a;
        totals[1] = b;
    }

    function _totals(uint256 a, uint256 b, uint256 c) internal pure returns (uint256[] memory totals) {
        totals = new uint256[](3);
        totals[0] = a;
        totals[1] = b;
        totals[2] = c;
    }

    /// @dev Σ of the entries' amounts in `token`.
    function _sum(Entry[] memory entries, address token) internal pure returns (uint256 total) {
        for (uint256 i; i < entries.length; ++i) if (entries[i].token == token) total += entries[i].amount;
    }

    // ----------------------------------------------------------- settlements

    /// @dev Settles `epoch` with `entries` under their own per-token sums and waits out the challenge.
    function _settle(uint256 epoch, Entry[] memory entries) internal {
        _settle(epoch, entries, _totals(_sum(entries, address(rewardToken)), _sum(entries, address(usdc))));
    }

    /// @dev Settles `epoch` with `entries` under `totals` and waits out the challenge period.
    function _settle(uint256 epoch, Entry[] memory entries, uint256[] memory totals) internal {
        _submitAfterClose(epoch, _root(entries), totals);
        vm.warp(block.timestamp + CHALLENGE);
    }

    /// @dev Submits `epoch` once it has closed; leaves the settlement pending.
    function _submitAfterClose(uint256 epoch, bytes32 root, uint256[] memory totals) internal {
        uint256 closedAt = distributor.epochStart(epoch + 1) + 1;
        if (block.timestamp < closedAt) vm.warp(closedAt);
        _submit(distributor, epoch, root, totals, "");
    }

    /// @dev Submits `epoch` to `target` now, signed by the three validators in address order.
    function _submit(
        RewardDistributor target,
        uint256 epoch,
        bytes32 root,
        uint256[] memory totals,
        string memory dataUri
    ) internal {
        (uint256 deadline, bytes[] memory signatures) = _signedBy(target, epoch, root, totals, dataUri);
        target.submitSettlement(epoch, root, totals, dataUri, deadline, signatures);
    }

    /// @dev The three validators' signatures, in address order, of a settlement with a deadline a day away.
    function _signedBy(
        RewardDistributor target,
        uint256 epoch,
        bytes32 root,
        uint256[] memory totals,
        string memory dataUri
    ) internal view returns (uint256 deadline, bytes[] memory signatures) {
        deadline = block.timestamp + 1 days;
        signatures = _signatures(
            target.settlementDigest(
                IRewardDistributor.SettlementData(epoch, root, totals, keccak256(bytes(dataUri)), deadline)
            )
        );
    }

    function _signatures(bytes32 digest) internal view returns (bytes[] memory signatures) {
        uint256[3] memory sorted = keys;
        for (uint256 i; i < 3; ++i) {
            for (uint256 j = i + 1; j < 3; ++j) {
                if (vm.addr(sorted[j]) < vm.addr(sorted[i])) (sorted[i], sorted[j]) = (sorted[j], sorted[i]);
            }
        }
        signatures = new bytes[](3);
        for (uint256 i; i < 3; ++i) {
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(sorted[i], digest);
            signatures[i] = abi.encodePacked(r, s, v);
        }
    }

    /// @dev External so that expectRevert can watch a whole signed submission, once `epoch` has closed.
    function submitExternally(uint256 epoch, bytes32 root, uint256[] memory totals) external {
        _submitAfterClose(epoch, root, totals);
    }

    /// @dev External so that expectRevert can watch a whole signed submission, made now.
    function submitNow(uint256 epoch, bytes32 root, uint256[] memory totals) external {
        _submit(distributor, epoch, root, totals, "");
    }

    function _claim(Entry[] memory entries, uint256 index) internal returns (uint256) {
        Entry memory entry = entries[index];
        return distributor.claim(entry.account, entry.token, entry.amount, _proof(entries, index));
    }

    function _request(
        Entry[] memory entries,
        uint256 index
    ) internal pure returns (IRewardDistributor.ClaimRequest memory) {
        Entry memory entry = entries[index];
        return IRewardDistributor.ClaimRequest(entry.account, entry.token, entry.amount, _proof(entries, index));
    }

    // ------------------------------------------------------------------ misc

    /// @dev A suite whose epochs last `epochDuration`, with the three validators bonded in it and a
    /// distributor at the shortest challenge period.
    function _suiteWithEpoch(uint256 epochDuration) internal returns (ValidatorStaking s, RewardDistributor d) {
        s = new ValidatorStaking(
            address(stakeToken),
            admin,
            treasury,
            block.timestamp,
            epochDuration,
            MIN_STAKE,
            UNBONDING,
            QUORUM_BPS
        );
        for (uint256 i; i < 3; ++i) {
            address validator = vm.addr(keys[i]);
            stakeToken.mint(validator, 1_000e18);
            vm.startPrank(validator);
            stakeToken.approve(address(s), 1_000e18);
            s.stake(1_000e18);
            vm.stopPrank();
        }
        d = new RewardDistributor(
            address(rewardToken),
            address(s),
            admin,
            treasury,
            FEE_BPS,
            VALIDATOR_SHARE_BPS,
            IDLE_REFUND_EPOCHS,
            CHALLENGE
        );
    }

    function _newToken(string memory name) internal returns (MockERC20 token) {
        token = new MockERC20(name, name);
    }

    function _allow(address token) internal {
        vm.prank(admin);
        distributor.allowToken(token);
    }

    function _poolIn(address token) internal returns (uint256 poolId) {
        vm.prank(funder);
        poolId = distributor.createPool(token, new uint24[](0));
    }

    function _assertBalanceIsFundedMinusClaimed(address token) internal view {
        assertEq(
            MockERC20(token).balanceOf(address(distributor)),
            distributor.totalFundedOf(token) - distributor.totalClaimedOf(token),
            "balance == funded - claimed"
        );
    }
}

// =================================================================== tokens

contract RewardDistributor_tokens is DistributorFixture {
    function test_constructor_listsTheRewardTokenAndTheNetworkPool() public {
        RewardDistributor fresh = new RewardDistributor(
            address(rewardToken),
            address(staking),
            admin,
            treasury,
            FEE_BPS,
            VALIDATOR_SHARE_BPS,
            IDLE_REFUND_EPOCHS,
            CHALLENGE
        );
        address[] memory listed = fresh.tokens();
        assertEq(listed.length, 1, "one token");
        assertEq(listed[0], address(rewardToken), "the reward token first");
        assertTrue(fresh.isTokenAllowed(address(rewardToken)), "allowed");
        assertEq(fresh.poolCount(), 1, "the network pool");
        IRewardDistributor.Pool memory pool = fresh.poolOf(0);
        assertEq(pool.owner, address(0), "no owner");
        assertEq(pool.token, address(rewardToken), "in the reward token");
        assertEq(pool.datanetCount, 0, "every datanet");
    }

    function test_allowToken_appendsToTheAllowlist() public {
        MockERC20 token = _newToken("T");
        vm.expectEmit();
        emit IRewardDistributor.TokenAllowed(address(token), 2);
        _allow(address(token));
        address[] memory listed = distributor.tokens();
        assertEq(listed.length, 3, "three tokens");
        assertEq(listed[1], address(usdc), "usdc second");
        assertEq(listed[2], address(token), "appended");
        assertTrue(distributor.isTokenAllowed(address(token)), "allowed");
    }

    function test_RevertWhen_allowTokenByNonAdmin() public {
        MockERC20 token = _newToken("T");
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                alice,
                distributor.DEFAULT_ADMIN_ROLE()
            )
        );
        vm.prank(alice);
        distributor.allowToken(address(token));
    }

    function test_RevertWhen_disallowTokenByNonAdmin() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                alice,
                distributor.DEFAULT_ADMIN_ROLE()
            )
        );
        vm.prank(alice);
        distributor.disallowToken(address(usdc));
    }

    function test_RevertWhen_allowingAnAllowedToken() public {
        vm.startPrank(admin);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.TokenAlreadyAllowed.selector, address(usdc)));
        distributor.allowToken(address(usdc));
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.TokenAlreadyAllowed.selector, address(rewardToken)));
        distributor.allowToken(address(rewardToken));
        vm.stopPrank();
    }

    function test_disallowToken_keepsItsPlaceAndAllowingAgainReusesIt() public {
        vm.expectEmit();
        emit IRewardDistributor.TokenDisallowed(address(usdc));
        vm.prank(admin);
        distributor.disallowToken(address(usdc));
        assertTrue(!distributor.isTokenAllowed(address(usdc)), "disallowed");
        assertEq(distributor.tokens().length, 2, "still listed");

        vm.expectEmit();
        emit IRewardDistributor.TokenAllowed(address(usdc), 1);
        _allow(address(usdc));
        assertTrue(distributor.isTokenAllowed(address(usdc)), "allowed again");
        address[] memory listed = distributor.tokens();
        assertEq(listed.length, 2, "not listed twice");
        assertEq(listed[1], address(usdc), "same place");
    }

    function test_RevertWhen_disallowingAnUnlistedToken() public {
        MockERC20 token = _newToken("T");
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.TokenNotListed.selector, address(token)));
        vm.prank(admin);
        distributor.disallowToken(address(token));
    }

    function test_RevertWhen_disallowingADisallowedToken() public {
        vm.startPrank(admin);
        distributor.disallowToken(address(usdc));
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.TokenNotAllowed.selector, address(usdc)));
        distributor.disallowToken(address(usdc));
        vm.stopPrank();
    }

    /// @notice Listings are permanent: disallowed tokens keep their slot, and the 17th listing is refused.
    function test_RevertWhen_listingMoreThanSixteenTokens() public {
        uint256 maximum = distributor.MAX_TOKENS();
        assertEq(maximum, 16, "sixteen");
        vm.startPrank(admin);
        distributor.disallowToken(address(usdc));
        for (uint256 i = distributor.tokens().length; i < maximum; ++i) {
            distributor.allowToken(address(new MockERC20("T", "T")));
        }
        assertEq(distributor.tokens().length, maximum, "full");
        address extra = address(new MockERC20("T", "T"));
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.TokenLimitReached.selector, maximum));
        distributor.allowToken(extra);
        // A listed, disallowed token can still be allowed again.
        distributor.allowToken(address(usdc));
        vm.stopPrank();
        assertTrue(distributor.isTokenAllowed(address(usdc)), "re-allowed at the limit");
    }

    /// @notice A full allowlist settles: sixteen totals fit a settlement.
    function test_submitSettlement_carriesSixteenTotals() public {
        vm.startPrank(admin);
        for (uint256 i = distributor.tokens().length; i < distributor.MAX_TOKENS(); ++i) {
            distributor.allowToken(address(new MockERC20("T", "T")));
        }
        vm.stopPrank();
        uint256[] memory totals = new uint256[](16);
        totals[0] = 10;
        totals[1] = 20;
        Entry[] memory entries = _list(_e(alice, address(rewardToken), 10), _e(alice, address(usdc), 20));
        _settle(0, entries, totals);
        _claim(entries, 1);
        assertEq(usdc.balanceOf(alice), 20, "claimed");
        assertEq(distributor.activeSettlement().tokenCount, 16, "sixteen tokens");
    }

    function test_RevertWhen_listingTheZeroAddress() public {
        _expectInvalidToken(address(0));
    }

    function test_RevertWhen_listingTheDistributor() public {
        _expectInvalidToken(address(distributor));
    }

    function test_RevertWhen_listingTheStakingContract() public {
        _expectInvalidToken(address(staking));
    }

    function test_RevertWhen_listingAnAccountWithoutCode() public {
        _expectInvalidToken(alice);
    }

    /// @notice The treasury set last (even if only from the next epoch) cannot become a token, since a
    /// listed token cannot be the treasury.
    function test_RevertWhen_listingTheTreasury() public {
        MockERC20 contractTreasury = _newToken("Treasury");
        vm.prank(admin);
        distributor.setAllocationParams(FEE_BPS, VALIDATOR_SHARE_BPS, IDLE_REFUND_EPOCHS, address(contractTreasury));
        _expectInvalidToken(address(contractTreasury));
    }

    function _expectInvalidToken(address token) internal {
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.InvalidToken.selector, token));
        vm.prank(admin);
        distributor.allowToken(token);
    }
}

// ==================================================================== pools

contract RewardDistributor_createPool is DistributorFixture {
    function test_createPool_storesItsOwnerTokenAndDatanets() public {
        uint24[] memory datanets = new uint24[](3);
        datanets[0] = 2;
        datanets[1] = 5;
        datanets[2] = 9;
        uint256 expectedId = distributor.poolCount();
        vm.expectEmit();
        emit IRewardDistributor.PoolCreated(expectedId, alice, address(usdc), datanets);
        vm.prank(alice);
        uint256 poolId = distributor.createPool(address(usdc), datanets);
        assertEq(poolId, expectedId, "next id");
        assertEq(distributor.poolCount(), expectedId + 1, "counted");
        IRewardDistributor.Pool memory pool = distributor.poolOf(poolId);
        assertEq(pool.owner, alice, "owner");
        assertEq(pool.token, address(usdc), "token");
        assertEq(pool.datanetCount, 3, "count");
        assertEq(pool.datanets[0], 2, "first");
        assertEq(pool.datanets[1], 5, "second");
        assertEq(pool.datanets[2], 9, "third");
        assertEq(pool.datanets[3], 0, "rest empty");
    }

    function test_createPool_acceptsTheMostDatanets() public {
        uint24[] memory datanets = _increasing(distributor.MAX_POOL_DATANETS());
        vm.prank(alice);
        uint256 poolId = distributor.createPool(address(rewardToken), datanets);
        assertEq(distributor.poolOf(poolId).datanetCount, 8, "eight");
        assertEq(distributor.poolOf(poolId).datanets[7], 8, "last");
    }

    function test_RevertWhen_poolDatanetIsZero() public {
        uint24[] memory datanets = new uint24[](2);
        datanets[1] = 3;
        _expectInvalidDatanets(datanets, 0);
    }

    function test_RevertWhen_poolDatanetsAreUnsorted() public {
        uint24[] memory datanets = new uint24[](3);
        datanets[0] = 1;
        datanets[1] = 4;
        datanets[2] = 3;
        _expectInvalidDatanets(datanets, 2);
    }

    function test_RevertWhen_poolDatanetsRepeat() public {
        uint24[] memory datanets = new uint24[](2);
        datanets[0] = 7;
        datanets[1] = 7;
        _expectInvalidDatanets(datanets, 1);
    }

    function test_RevertWhen_poolHasTooManyDatanets() public {
        _expectInvalidDatanets(_increasing(9), 9);
    }

    function test_RevertWhen_poolTokenIsDisallowed() public {
        vm.prank(admin);
        distributor.disallowToken(address(usdc));
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.TokenNotAllowed.selector, address(usdc)));
        vm.prank(alice);
        distributor.createPool(address(usdc), new uint24[](0));
    }

    function test_RevertWhen_poolTokenIsUnlisted() public {
        MockERC20 token = _newToken("T");
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.TokenNotListed.selector, address(token)));
        vm.prank(alice);
        distributor.createPool(address(token), new uint24[](0));
    }

    function test_RevertWhen_readingAnUnknownPool() public {
        uint256 count = distributor.poolCount();
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.PoolNotFound.selector, count));
        distributor.poolOf(count);
    }

    function test_RevertWhen_creatingAPoolWhilePaused() public {
        vm.prank(admin);
        distributor.pause();
        vm.expectRevert(abi.encodeWithSelector(Pausable.EnforcedPause.selector));
        vm.prank(alice);
        distributor.createPool(address(usdc), new uint24[](0));
    }

    function _increasing(uint256 n) internal pure returns (uint24[] memory datanets) {
        datanets = new uint24[](n);
        for (uint256 i; i < n; ++i) datanets[i] = uint24(i + 1);
    }

    function _expectInvalidDatanets(uint24[] memory datanets, uint256 position) internal {
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.InvalidPoolDatanets.selector, position));
        vm.prank(alice);
        distributor.createPool(address(usdc), datanets);
    }
}

// ================================================================== funding

contract RewardDistributor_fund is DistributorFixture {
    function test_fund_creditsThePoolsTokenForTheEpoch() public {
        uint256 epoch = distributor.currentEpoch() + 3;
        usdc.mint(address(this), 7e18);
        vm.expectEmit();
        emit IRewardDistributor.Funded(usdcPool, epoch, address(this), address(usdc), 7e18);
        distributor.fund(usdcPool, epoch, 7e18);
        assertEq(distributor.fundedInEpoch(epoch, address(usdc)), 7e18, "funded in epoch");
        assertEq(distributor.fundedInEpoch(epoch, address(rewardToken)), 0, "other token untouched");
        assertEq(distributor.totalFundedOf(address(usdc)), USDC_FUNDING + 7e18, "total funded");
        assertEq(distributor.totalFundedOf(address(rewardToken)), REWARD_FUNDING, "reward total");
        _assertBalanceIsFundedMinusClaimed(address(usdc));
    }

    function test_RevertWhen_fundingAnUnknownPool() public {
        uint256 count = distributor.poolCount();
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.PoolNotFound.selector, count));
        distributor.fund(count, 0, 1);
    }

    function test_RevertWhen_fundingZero() public {
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.FundingAmountZero.selector));
        distributor.fund(0, 0, 0);
    }

    /// @notice An epoch that has been settled can never be funded again: it is in the past.
    function test_RevertWhen_fundingASettledEpoch() public {
        _settle(0, _pair(1, 2));
        uint256 current = distributor.currentEpoch();
        assertEq(distributor.nextEpochToSettle(), 1, "epoch 0 settled");
        rewardToken.mint(address(this), 1);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.FundingEpochClosed.selector, 0, current));
        distributor.fund(0, 0, 1);
    }

    function test_RevertWhen_fundingAPastEpoch() public {
        vm.warp(distributor.epochStart(5));
        rewardToken.mint(address(this), 1);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.FundingEpochClosed.selector, 4, 5));
        distributor.fund(0, 4, 1);
    }

    function test_fund_acceptsTheFurthestEpochAndRefusesBeyond() public {
        uint256 furthest = distributor.currentEpoch() + distributor.MAX_FUNDING_LEAD_EPOCHS();
        rewardToken.mint(address(this), 2);
        distributor.fund(0, furthest, 1);
        assertEq(distributor.fundedInEpoch(furthest, address(rewardToken)), 1, "furthest funded");
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.FundingEpochTooFar.selector, furthest + 1, furthest));
        distributor.fund(0, furthest + 1, 1);
    }

    function test_RevertWhen_fundingAPoolWhoseTokenWasDisallowed() public {
        vm.prank(admin);
        distributor.disallowToken(address(usdc));
        usdc.mint(address(this), 1);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.TokenNotAllowed.selector, address(usdc)));
        distributor.fund(usdcPool, 0, 1);
        // The other token is unaffected.
        rewardToken.mint(address(this), 1);
        distributor.fund(0, 0, 1);
    }

    function test_RevertWhen_fundingWhilePaused() public {
        vm.prank(admin);
        distributor.pause();
        rewardToken.mint(address(this), 1);
        vm.expectRevert(abi.encodeWithSelector(Pausable.EnforcedPause.selector));
        distributor.fund(0, 0, 1);
    }

    /// @notice A fee-on-transfer token is credited with what arrived, and the whole of it can be
    /// settled and claimed.
    function test_fund_creditsWhatAFeeOnTransferTokenDelivers() public {
        FeeOnTransferToken fee = new FeeOnTransferToken();
        _allow(address(fee));
        uint256 poolId = _poolIn(address(fee));
        fee.mint(address(this), 1_000);
        fee.approve(address(distributor), 1_000);
        uint256 arrives = 1_000 - (1_000 * fee.FEE_BPS()) / 10_000;
        vm.expectEmit();
        emit IRewardDistributor.Funded(poolId, 0, address(this), address(fee), arrives);
        distributor.fund(poolId, 0, 1_000);
        assertEq(fee.balanceOf(address(distributor)), arrives, "balance");
        assertEq(distributor.totalFundedOf(address(fee)), arrives, "credited what arrived");
        assertEq(distributor.fundedInEpoch(0, address(fee)), arrives, "in the epoch");

        // Settling what was sent, rather than what arrived, is over budget.
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.SettlementOverBudget.selector, address(fee), 1_000, arrives)
        );
        this.submitExternally(0, bytes32(uint256(1)), _totals(0, 0, 1_000));

        Entry[] memory entries = _list(_e(alice, address(fee), arrives));
        _settle(0, entries, _totals(0, 0, arrives));
        _claim(entries, 0);
        assertEq(distributor.claimedOf(alice, address(fee)), arrives, "claimed");
        assertEq(fee.balanceOf(address(distributor)), 0, "nothing left");
        _assertBalanceIsFundedMinusClaimed(address(fee));
    }

    function test_fund_acceptsExactlyTheMaximumAndAllOfItCanBeSettled() public {
        uint256 maximum = distributor.MAX_CUMULATIVE_TOTAL();
        uint256 rest = maximum - distributor.totalFundedOf(address(rewardToken));
        rewardToken.mint(address(this), rest);
        distributor.fund(0, 0, rest);
        assertEq(distributor.totalFundedOf(address(rewardToken)), maximum, "funded up to the maximum");
        Entry[] memory entries = _pair(maximum - 1, 1);
        _settle(0, entries);
        _claim(entries, 0);
        _claim(entries, 1);
        assertEq(distributor.totalClaimedOf(address(rewardToken)), maximum, "every funded token claimed");
        assertEq(rewardToken.balanceOf(address(distributor)), 0, "nothing left behind");
    }

    /// @notice The cap is per token: one token at its maximum leaves the others fundable.
    function test_RevertWhen_fundingExceedsTheMaximumOfThatToken() public {
        uint256 maximum = distributor.MAX_CUMULATIVE_TOTAL();
        uint256 rest = maximum - distributor.totalFundedOf(address(usdc));
        usdc.mint(address(this), rest + 1);
        distributor.fund(usdcPool, 1, rest);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.FundingExceedsLimit.selector, address(usdc), maximum + 1, maximum)
        );
        distributor.fund(usdcPool, 1, 1);
        rewardToken.mint(address(this), 1);
        distributor.fund(0, 1, 1);
        assertEq(distributor.totalFundedOf(address(rewardToken)), REWARD_FUNDING + 1, "other token still funded");
    }

    function testFuzz_fund_totalFundedNeverExceedsTheMaximum(uint256 first, uint256 second) public {
        uint256 maximum = distributor.MAX_CUMULATIVE_TOTAL();
        uint256 already = distributor.totalFundedOf(address(rewardToken));
        first = bound(first, 1, maximum - already);
        second = bound(second, 1, maximum);
        rewardToken.mint(address(this), first + second);
        distributor.fund(0, 0, first);
        uint256 after_ = already + first + second;
        if (after_ > maximum) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IRewardDistributor.FundingExceedsLimit.selector,
                    address(rewardToken),
                    after_,
                    maximum
                )
            );
        }
        distributor.fund(0, 1, second);
        assertLe(distributor.totalFundedOf(address(rewardToken)), maximum, "within the maximum");
    }

    /// @notice Any pool may be funded by anyone; funding of the same token adds up across its pools.
    function test_fund_poolsInOneTokenShareItsBudget() public {
        uint256 other = _poolIn(address(usdc));
        usdc.mint(alice, 3e18);
        vm.startPrank(alice);
        usdc.approve(address(distributor), 3e18);
        distributor.fund(other, 0, 3e18);
        vm.stopPrank();
        assertEq(distributor.fundedInEpoch(0, address(usdc)), USDC_FUNDING + 3e18, "both pools");
        Entry[] memory entries = _list(_e(bob, address(usdc), USDC_FUNDING + 3e18));
        _settle(0, entries, _totals(0, USDC_FUNDING + 3e18));
        _claim(entries, 0);
        assertEq(usdc.balanceOf(bob), USDC_FUNDING + 3e18, "paid");
    }
}

// =============================================================== settlement

contract RewardDistributor_submitSettlement is DistributorFixture {
    function test_submitSettlement_recordsOneTotalPerToken() public {
        Entry[] memory entries = _grid(10, 20, 30, 40);
        bytes32 root = _root(entries);
        vm.warp(distributor.epochStart(1) + 1);
        uint256[] memory totals = _totals(30, 70);
        (uint256 deadline, bytes[] memory signatures) = _signedBy(distributor, 0, root, totals, "ipfs://s");
        vm.expectEmit();
        emit IRewardDistributor.SettlementSubmitted(
            0,
            root,
            totals,
            "ipfs://s",
            block.timestamp + CHALLENGE,
            address(this)
        );
        distributor.submitSettlement(0, root, totals, "ipfs://s", deadline, signatures);
        (IRewardDistributor.Settlement memory latest, bool pending) = distributor.latestSettlement();
        assertTrue(pending, "pending");
        assertEq(latest.root, root, "root");
        assertEq(latest.tokenCount, 2, "two tokens");
        assertEq(distributor.latestTotalOf(address(rewardToken)), 30, "reward latest");
        assertEq(distributor.latestTotalOf(address(usdc)), 70, "usdc latest");
        assertEq(distributor.activeTotalOf(address(usdc)), 0, "nothing active yet");
        vm.warp(block.timestamp + CHALLENGE);
        assertEq(distributor.activeTotalOf(address(rewardToken)), 30, "reward active");
        assertEq(distributor.activeTotalOf(address(usdc)), 70, "usdc active");
    }

    /// @notice A settlement must cover every token funded in its epoch.
    function test_RevertWhen_aFundedTokenIsOmitted() public {
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.FundedTokenOmitted.selector, address(usdc), USDC_FUNDING)
        );
        this.submitExternally(0, bytes32(uint256(1)), _totals(0));
    }

    /// @notice A settlement covers at most the listed tokens.
    function test_RevertWhen_moreTotalsThanListedTokens() public {
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.TokenCountOutOfRange.selector, 3, 0, 2));
        this.submitExternally(0, bytes32(uint256(1)), _totals(0, 0, 0));
    }

    /// @notice The budget is per token: the reward token within its budget does not cover usdc.
    function test_RevertWhen_oneTokenIsOverBudget() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.SettlementOverBudget.selector,
                address(usdc),
                USDC_FUNDING + 1,
                USDC_FUNDING
            )
        );
        this.submitExternally(0, bytes32(uint256(1)), _totals(1, USDC_FUNDING + 1));
    }

    function testFuzz_submitSettlement_refusesAnythingOverBudget(uint256 a, uint256 b) public {
        a = bound(a, 0, 2_000e18);
        b = bound(b, 0, 2_000e18);
        vm.assume(a + b > REWARD_FUNDING);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.SettlementOverBudget.selector,
                address(rewardToken),
                a + b,
                REWARD_FUNDING
            )
        );
        this.submitExternally(0, _root(_pair(a, b)), _totals(a + b, 0));
    }

    /// @notice Funding of later epochs is not in an earlier epoch's budget.
    function test_RevertWhen_spendingFundingOfALaterEpoch() public {
        usdc.mint(address(this), 5);
        distributor.fund(usdcPool, 1, 5);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.SettlementOverBudget.selector,
                address(usdc),
                USDC_FUNDING + 5,
                USDC_FUNDING
            )
        );
        this.submitExternally(0, bytes32(uint256(1)), _totals(0, USDC_FUNDING + 5));
        _settle(0, _list(_e(alice, address(usdc), 1)), _totals(0, 1));
        _settle(1, _list(_e(alice, address(usdc), USDC_FUNDING + 5)), _totals(0, USDC_FUNDING + 5));
        assertEq(distributor.activeTotalOf(address(usdc)), USDC_FUNDING + 5, "later epoch's budget");
    }

    function test_RevertWhen_oneTokensTotalDecreases() public {
        _settle(0, _grid(10, 20, 30, 40));
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.CumulativeTotalDecreased.selector, address(usdc), 69, 70)
        );
        this.submitExternally(1, bytes32(uint256(1)), _totals(31, 69));
    }

    /// @notice A token listed after the previous settlement joins the next one from zero, with its own budget.
    function test_submitSettlement_includesATokenListedSinceThePreviousOne() public {
        _settle(0, _grid(10, 20, 30, 40));
        MockERC20 late = _newToken("Late");
        _allow(address(late));
        uint256 poolId = _poolIn(address(late));
        late.mint(address(this), 50);
        late.approve(address(distributor), 50);
        distributor.fund(poolId, 1, 50);

        // Signed before the listing: two totals leave out the token just funded.
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.FundedTokenOmitted.selector, address(late), 50));
        this.submitExternally(1, bytes32(uint256(1)), _totals(30, 70));
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.SettlementOverBudget.selector, address(late), 51, 50)
        );
        this.submitExternally(1, bytes32(uint256(1)), _totals(30, 70, 51));

        Entry[] memory entries = _list(
            _e(alice, address(rewardToken), 10),
            _e(bob, address(rewardToken), 20),
            _e(alice, address(late), 50),
            _e(bob, address(usdc), 70)
        );
        _settle(1, entries, _totals(30, 70, 50));
        assertEq(distributor.activeTotalOf(address(late)), 50, "active total");
        _claim(entries, 2);
        assertEq(late.balanceOf(alice), 50, "claimed the new token");
        assertEq(distributor.activeSettlement().tokenCount, 3, "three tokens");
    }

    function test_RevertWhen_settlingWhilePaused() public {
        vm.prank(admin);
        distributor.pause();
        vm.expectRevert(abi.encodeWithSelector(Pausable.EnforcedPause.selector));
        this.submitExternally(0, bytes32(uint256(1)), _totals(0, 0));
    }

    function test_RevertWhen_settlingAnOpenEpoch() public {
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.EpochNotClosed.selector, 0, 0));
        this.submitNow(0, bytes32(uint256(1)), _totals(0, 0));
    }

    function test_RevertWhen_settlingOutOfOrder() public {
        vm.warp(distributor.epochStart(3));
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.SettlementOutOfOrder.selector, 1, 0));
        this.submitNow(1, bytes32(uint256(1)), _totals(0, 0));
    }

    function test_RevertWhen_previousSettlementPending() public {
        vm.warp(distributor.epochStart(2) + 1);
        _submitAfterClose(0, bytes32(uint256(1)), _totals(0, 0));
        uint256 activatesAt = block.timestamp + CHALLENGE;
        vm.warp(activatesAt - 1);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.PreviousSettlementPending.selector, 0, activatesAt));
        this.submitNow(1, bytes32(uint256(1)), _totals(0, 0));
        vm.warp(activatesAt);
        this.submitNow(1, bytes32(uint256(1)), _totals(0, 0));
        assertEq(distributor.nextEpochToSettle(), 2, "submitted once the previous one is active");
    }

    /// @dev Epoch e is submitted only once e - 1 is active, so each settlement costs one challenge
    /// period. At the widest bound, half an epoch, two fit in every epoch: a settler who submits each
    /// epoch as soon as it may shrinks the backlog by at least one epoch per epoch until nothing but the
    /// epoch that just closed is waiting.
    function testFuzz_submitSettlement_backlogDrainsAtTheWidestChallengePeriod(
        uint256 epochDuration,
        uint256 backlog,
        uint256 offset
    ) public {
        epochDuration = bound(epochDuration, 2 * distributor.MIN_CHALLENGE_PERIOD(), staking.MAX_EPOCH_DURATION());
        backlog = bound(backlog, 2, 12);
        (, RewardDistributor d) = _suiteWithEpoch(epochDuration);
        uint256 widest = d.maxChallengePeriod();
        vm.prank(admin);
        d.setChallengePeriod(widest);
        assertEq(d.challengePeriod(), widest, "challenge period at its bound");

        uint256 start = d.epochStart(backlog) + bound(offset, 0, epochDuration - 1);
        vm.warp(start);
        uint256 waiting = d.currentEpoch() - d.nextEpochToSettle();
        assertEq(waiting, backlog, "nothing settled yet");
        for (uint256 n = 1; n <= backlog; ++n) {
            _settleAsSoonAsAllowed(d, start + n * epochDuration);
            vm.warp(start + n * epochDuration);
            uint256 previous = waiting;
            waiting = d.currentEpoch() - d.nextEpochToSettle();
            assertLe(waiting, previous > 1 ? previous - 1 : 1, "the backlog shrinks by an epoch per epoch");
        }
        assertLe(waiting, 1, "drained: at most the epoch that just closed is waiting");
    }

    /// @dev Submits every epoch at the first moment it may be, until `until` (exclusive).
    function _settleAsSoonAsAllowed(RewardDistributor d, uint256 until) internal {
        while (true) {
            uint256 next = d.nextEpochToSettle();
            uint256 readyAt = d.epochStart(next + 1);
            (IRewardDistributor.Settlement memory latest, ) = d.latestSettlement();
            if (next > 0 && latest.activatesAt > readyAt) readyAt = latest.activatesAt;
            if (readyAt >= until) return;
            if (readyAt > block.timestamp) vm.warp(readyAt);
            _submit(d, next, keccak256(abi.encode(next)), new uint256[](d.tokens().length), "");
        }
    }
}

// ==================================================================== veto

contract RewardDistributor_veto is DistributorFixture {
    /// @notice Vetoing the pending settlement restores every token's totals and budget to the previous
    /// settlement's; claims keep using the previous root.
    function test_veto_restoresPerTokenTotals() public {
        Entry[] memory first = _grid(10, 20, 30, 40);
        _settle(0, first);
        rewardToken.mint(address(this), 100);
        distributor.fund(0, 1, 100);
        usdc.mint(address(this), 200);
        distributor.fund(usdcPool, 1, 200);
        Entry[] memory second = _grid(60, 20, 30, 90);
        _submitAfterClose(1, _root(second), _totals(80, 120));
        assertEq(distributor.latestTotalOf(address(usdc)), 120, "latest before the veto");

        vm.expectEmit();
        emit IRewardDistributor.SettlementVetoed(1, _root(second));
        vm.prank(admin);
        distributor.veto(1);
        assertEq(distributor.nextEpochToSettle(), 1, "epoch 1 to settle again");
        assertEq(distributor.latestTotalOf(address(rewardToken)), 30, "reward latest restored");
        assertEq(distributor.latestTotalOf(address(usdc)), 70, "usdc latest restored");
        assertEq(distributor.activeTotalOf(address(rewardToken)), 30, "reward active");
        assertEq(distributor.activeTotalOf(address(usdc)), 70, "usdc active");
        (IRewardDistributor.Settlement memory latest, bool pending) = distributor.latestSettlement();
        assertEq(latest.root, _root(first), "the previous settlement is latest again");
        assertTrue(!pending, "and active");

        // The vetoed tree pays nothing; the previous one still does.
        bytes32[] memory proof = _proof(second, 3);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.InvalidProof.selector, bob, address(usdc), 90));
        distributor.claim(bob, address(usdc), 90, proof);
        _claim(first, 3);
        assertEq(usdc.balanceOf(bob), 40, "previous tree pays");

        // The vetoed settlement cannot return, and the budget was not counted twice.
        bytes32 root = _root(second);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.SettlementWasVetoed.selector,
                1,
                root,
                keccak256(abi.encodePacked(_totals(80, 120))),
                keccak256("")
            )
        );
        this.submitExternally(1, root, _totals(80, 120));
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.SettlementOverBudget.selector,
                address(usdc),
                USDC_FUNDING + 201,
                USDC_FUNDING + 200
            )
        );
        this.submitExternally(1, root, _totals(80, USDC_FUNDING + 201));
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.CumulativeTotalDecreased.selector, address(usdc), 69, 70)
        );
        this.submitExternally(1, root, _totals(80, 69));

        // A corrected settlement goes through and pays.
        _submit(distributor, 1, root, _totals(80, 120), "ipfs://corrected");
        vm.warp(block.timestamp + CHALLENGE);
        _claim(second, 3);
        assertEq(usdc.balanceOf(bob), 90, "corrected tree pays the difference");
        _claim(second, 0);
        assertEq(rewardToken.balanceOf(alice), 60, "reward too");
    }

    function test_veto_ofTheFirstSettlementLeavesNothingActive() public {
        _submitAfterClose(0, _root(_grid(1, 2, 3, 4)), _totals(3, 7));
        vm.prank(admin);
        distributor.veto(0);
        assertEq(distributor.nextEpochToSettle(), 0, "epoch 0 again");
        assertEq(distributor.latestTotalOf(address(usdc)), 0, "no latest total");
        assertEq(distributor.activeTotalOf(address(usdc)), 0, "no active total");
        (IRewardDistributor.Settlement memory latest, bool pending) = distributor.latestSettlement();
        assertEq(latest.root, bytes32(0), "no latest settlement");
        assertTrue(!pending, "not pending");
        vm.warp(block.timestamp + CHALLENGE);
        bytes32[] memory proof = _proof(_grid(1, 2, 3, 4), 2);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.NoActiveSettlement.selector, address(usdc)));
        distributor.claim(alice, address(usdc), 3, proof);
        _settle(0, _grid(1, 2, 3, 5));
        assertEq(distributor.activeTotalOf(address(usdc)), 8, "settled again");
    }

    function test_RevertWhen_vetoingAnActiveSettlement() public {
        _settle(0, _grid(1, 2, 3, 4));
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.NoPendingSettlement.selector, 0));
        vm.prank(admin);
        distributor.veto(0);
    }

    function test_RevertWhen_vetoByNonAdmin() public {
        _submitAfterClose(0, bytes32(uint256(1)), _totals(0, 0));
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                alice,
                distributor.DEFAULT_ADMIN_ROLE()
            )
        );
        vm.prank(alice);
        distributor.veto(0);
    }

    /// @notice A token listed between the previous settlement and the vetoed one returns to zero.
    function test_veto_resetsATokenFirstSettledByTheVetoedSettlement() public {
        _settle(0, _grid(1, 2, 3, 4));
        MockERC20 late = _newToken("Late");
        _allow(address(late));
        uint256 poolId = _poolIn(address(late));
        late.mint(address(this), 50);
        late.approve(address(distributor), 50);
        distributor.fund(poolId, 1, 50);
        _submitAfterClose(1, bytes32(uint256(1)), _totals(3, 7, 50));
        vm.prank(admin);
        distributor.veto(1);
        assertEq(distributor.latestTotalOf(address(late)), 0, "late latest");
        assertEq(distributor.activeTotalOf(address(late)), 0, "late active");
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.SettlementOverBudget.selector, address(late), 51, 50)
        );
        this.submitExternally(1, bytes32(uint256(2)), _totals(3, 7, 51));
        Entry[] memory entries = _list(_e(alice, address(late), 50));
        _settle(1, entries, _totals(3, 7, 50));
        _claim(entries, 0);
        assertEq(late.balanceOf(alice), 50, "paid after the resubmission");
    }
}

// =================================================================== claims

contract RewardDistributor_claim is DistributorFixture {
    function testFuzz_claim_paysTheDifferenceAcrossSettlements(uint256 a0, uint256 b0, uint256 extraA) public {
        a0 = bound(a0, 1, 500e18);
        b0 = bound(b0, 1, 500e18);
        _settle(0, _pair(a0, b0));
        _claim(_pair(a0, b0), 0);
        assertEq(rewardToken.balanceOf(alice), a0, "first claim");

        extraA = bound(extraA, 1, REWARD_FUNDING - a0 - b0 + 1);
        rewardToken.mint(address(this), extraA);
        distributor.fund(0, distributor.currentEpoch(), extraA);
        uint256 a1 = a0 + extraA;
        _settle(1, _pair(a1, b0));
        _claim(_pair(a1, b0), 0);
        assertEq(rewardToken.balanceOf(alice), a1, "later claim pays the difference");
        assertEq(distributor.claimedOf(alice, address(rewardToken)), a1, "claimed");
        _assertBalanceIsFundedMinusClaimed(address(rewardToken));
    }

    function test_claim_paysEachTokenFromOneTree() public {
        Entry[] memory entries = _grid(10, 20, 30, 40);
        _settle(0, entries);
        for (uint256 i; i < 4; ++i) {
            Entry memory entry = entries[i];
            vm.expectEmit();
            emit IRewardDistributor.Claimed(entry.account, entry.token, entry.amount);
            uint256 paid = _claim(entries, i);
            assertEq(paid, entry.amount, "paid");
        }
        assertEq(rewardToken.balanceOf(alice), 10, "alice reward");
        assertEq(rewardToken.balanceOf(bob), 20, "bob reward");
        assertEq(usdc.balanceOf(alice), 30, "alice usdc");
        assertEq(usdc.balanceOf(bob), 40, "bob usdc");
        assertEq(distributor.claimedOf(alice, address(usdc)), 30, "claimed per token");
        assertEq(distributor.claimedOf(alice, address(rewardToken)), 10, "claimed per token");
        assertEq(distributor.totalClaimedOf(address(rewardToken)), 30, "reward claimed");
        assertEq(distributor.totalClaimedOf(address(usdc)), 70, "usdc claimed");
        _assertBalanceIsFundedMinusClaimed(address(rewardToken));
        _assertBalanceIsFundedMinusClaimed(address(usdc));
    }

    function test_RevertWhen_claimingTwice() public {
        Entry[] memory entries = _pair(10, 20);
        _settle(0, entries);
        _claim(entries, 1);
        bytes32[] memory proof = _proof(entries, 1);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.NothingToClaim.selector, bob, address(rewardToken), 20, 20)
        );
        distributor.claim(bob, address(rewardToken), 20, proof);
    }

    /// @notice A leaf proves an amount in one token only.
    function test_RevertWhen_claimingALeafInAnotherToken() public {
        Entry[] memory entries = _grid(10, 20, 30, 40);
        _settle(0, entries);
        bytes32[] memory proof = _proof(entries, 0);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.InvalidProof.selector, alice, address(usdc), 10));
        distributor.claim(alice, address(usdc), 10, proof);
        proof = _proof(entries, 2);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.InvalidProof.selector, alice, address(usdc), 31));
        distributor.claim(alice, address(usdc), 31, proof);
    }

    /// @notice Each token's claims stop at that token's active total, whatever the leaves say.
    function test_RevertWhen_claimsExceedTheTokensActiveTotal() public {
        // The signers over-assigned usdc: leaves of 40 and 40 under a total of 50.
        Entry[] memory entries = _grid(10, 20, 40, 40);
        _settle(0, entries, _totals(30, 50));
        _claim(entries, 2);
        bytes32[] memory proof = _proof(entries, 3);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.ClaimExceedsActiveTotal.selector, address(usdc), 80, 50)
        );
        distributor.claim(bob, address(usdc), 40, proof);
        // The other token is unaffected.
        _claim(entries, 0);
        _claim(entries, 1);
        assertEq(distributor.totalClaimedOf(address(rewardToken)), 30, "reward claimed in full");
        assertEq(distributor.totalClaimedOf(address(usdc)), 40, "usdc stopped at the first claim");
    }

    function test_RevertWhen_claimingBeforeAnySettlement() public {
        bytes32[] memory proof;
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.NoActiveSettlement.selector, address(rewardToken)));
        distributor.claim(alice, address(rewardToken), 1, proof);
    }

    function test_RevertWhen_claimingWhileTheFirstSettlementIsPending() public {
        Entry[] memory entries = _pair(10, 20);
        _submitAfterClose(0, _root(entries), _totals(30, 0));
        bytes32[] memory proof = _proof(entries, 0);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.NoActiveSettlement.selector, address(rewardToken)));
        distributor.claim(alice, address(rewardToken), 10, proof);
    }

    /// @notice A token listed after the active settlement has nothing active, and neither has a token
    /// that was never listed.
    function test_RevertWhen_claimingATokenNoSettlementCovers() public {
        Entry[] memory entries = _grid(10, 20, 30, 40);
        _settle(0, entries);
        MockERC20 late = _newToken("Late");
        _allow(address(late));
        bytes32[] memory proof;
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.NoActiveSettlement.selector, address(late)));
        distributor.claim(alice, address(late), 1, proof);
        address never = address(_newToken("Never"));
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.NoActiveSettlement.selector, never));
        distributor.claim(alice, never, 1, proof);
    }

    /// @notice While the latest settlement is pending, claims use the previous root and the previous
    /// settlement's total of each token.
    function test_claim_whileTheLatestIsPendingUsesThePreviousRootAndTotals() public {
        // usdc over-assigned in epoch 0: 40 + 40 under 50.
        Entry[] memory first = _grid(10, 20, 40, 40);
        _settle(0, first, _totals(30, 50));
        usdc.mint(address(this), 500);
        distributor.fund(usdcPool, 1, 500);
        Entry[] memory second = _grid(10, 20, 240, 240);
        _submitAfterClose(1, _root(second), _totals(30, 480));
        (, bool pending) = distributor.latestSettlement();
        assertTrue(pending, "epoch 1 pending");
        assertEq(distributor.activeTotalOf(address(usdc)), 50, "previous total active");
        assertEq(distributor.latestTotalOf(address(usdc)), 480, "latest total");
        assertEq(distributor.activeSettlement().root, _root(first), "previous root active");

        bytes32[] memory proof = _proof(second, 2);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.InvalidProof.selector, alice, address(usdc), 240));
        distributor.claim(alice, address(usdc), 240, proof);
        _claim(first, 2);
        proof = _proof(first, 3);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.ClaimExceedsActiveTotal.selector, address(usdc), 80, 50)
        );
        distributor.claim(bob, address(usdc), 40, proof);

        vm.warp(block.timestamp + CHALLENGE);
        assertEq(distributor.activeTotalOf(address(usdc)), 480, "latest active");
        _claim(second, 3);
        _claim(second, 2);
        assertEq(usdc.balanceOf(alice), 240, "alice");
        assertEq(usdc.balanceOf(bob), 240, "bob");
        // The previous tree no longer verifies once the latest is active.
        proof = _proof(first, 3);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.InvalidProof.selector, bob, address(usdc), 40));
        distributor.claim(bob, address(usdc), 40, proof);
    }

    /// @notice A token first settled by the pending settlement has nothing claimable until it activates.
    function test_claim_aTokenFirstSettledByThePendingSettlementWaits() public {
        _settle(0, _grid(1, 2, 3, 4));
        MockERC20 late = _newToken("Late");
        _allow(address(late));
        uint256 poolId = _poolIn(address(late));
        late.mint(address(this), 50);
        late.approve(address(distributor), 50);
        distributor.fund(poolId, 1, 50);
        Entry[] memory entries = _list(_e(alice, address(late), 50));
        _submitAfterClose(1, _root(entries), _totals(3, 7, 50));
        assertEq(distributor.activeTotalOf(address(late)), 0, "nothing active");
        bytes32[] memory proof = _proof(entries, 0);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.InvalidProof.selector, alice, address(late), 50));
        distributor.claim(alice, address(late), 50, proof);
        vm.warp(block.timestamp + CHALLENGE);
        _claim(entries, 0);
        assertEq(late.balanceOf(alice), 50, "paid once active");
    }

    function test_claim_worksWhilePaused() public {
        Entry[] memory entries = _grid(10, 20, 30, 40);
        _settle(0, entries);
        vm.prank(admin);
        distributor.pause();
        _claim(entries, 0);
        IRewardDistributor.ClaimRequest[] memory requests = new IRewardDistributor.ClaimRequest[](1);
        requests[0] = _request(entries, 3);
        distributor.claimMany(requests);
        assertEq(rewardToken.balanceOf(alice), 10, "claim while paused");
        assertEq(usdc.balanceOf(bob), 40, "claimMany while paused");
    }

    /// @notice A fee-on-transfer token's claim takes exactly the claimed amount out of the distributor.
    function test_claim_ofAFeeOnTransferTokenKeepsTheBalanceInStep() public {
        FeeOnTransferToken fee = new FeeOnTransferToken();
        _allow(address(fee));
        uint256 poolId = _poolIn(address(fee));
        fee.mint(address(this), 10_000);
        fee.approve(address(distributor), 10_000);
        distributor.fund(poolId, 0, 10_000);
        Entry[] memory entries = _list(_e(alice, address(fee), 5_000), _e(bob, address(fee), 4_000));
        _settle(0, entries, _totals(0, 0, 9_000));
        _claim(entries, 0);
        assertEq(fee.balanceOf(alice), 4_950, "alice receives what the token delivers");
        assertEq(distributor.claimedOf(alice, address(fee)), 5_000, "claimed");
        _assertBalanceIsFundedMinusClaimed(address(fee));
    }
}

contract RewardDistributor_claimMany is DistributorFixture {
    function test_claimMany_paysAcrossAccountsAndTokens() public {
        Entry[] memory entries = _grid(10, 20, 30, 40);
        _settle(0, entries);
        IRewardDistributor.ClaimRequest[] memory requests = new IRewardDistributor.ClaimRequest[](4);
        for (uint256 i; i < 4; ++i) requests[i] = _request(entries, i);
        assertEq(distributor.claimMany(requests), 100, "paid in all");
        assertEq(rewardToken.balanceOf(alice), 10, "alice reward");
        assertEq(rewardToken.balanceOf(bob), 20, "bob reward");
        assertEq(usdc.balanceOf(alice), 30, "alice usdc");
        assertEq(usdc.balanceOf(bob), 40, "bob usdc");
        assertEq(distributor.totalClaimedOf(address(usdc)), 70, "usdc claimed");
        assertEq(distributor.totalClaimedOf(address(rewardToken)), 30, "reward claimed");

        // Everything again: all skipped.
        assertEq(distributor.claimMany(requests), 0, "nothing left");
        assertEq(usdc.balanceOf(bob), 40, "unchanged");
    }

    function test_claimMany_skipsWhatWasClaimedAndPaysTheRest() public {
        Entry[] memory entries = _grid(10, 20, 30, 40);
        _settle(0, entries);
        _claim(entries, 1);
        _claim(entries, 2);
        IRewardDistributor.ClaimRequest[] memory requests = new IRewardDistributor.ClaimRequest[](4);
        for (uint256 i; i < 4; ++i) requests[i] = _request(entries, i);
        assertEq(distributor.claimMany(requests), 50, "only the unclaimed two");
        assertEq(rewardToken.balanceOf(alice), 10, "alice reward");
        assertEq(usdc.balanceOf(bob), 40, "bob usdc");
        assertEq(rewardToken.balanceOf(bob), 20, "bob reward paid once");
        assertEq(usdc.balanceOf(alice), 30, "alice usdc paid once");
    }

    /// @notice Two requests for one (account, token) pay once: the second is skipped.
    function test_claimMany_paysARepeatedRequestOnce() public {
        Entry[] memory entries = _grid(10, 20, 30, 40);
        _settle(0, entries);
        IRewardDistributor.ClaimRequest[] memory requests = new IRewardDistributor.ClaimRequest[](2);
        requests[0] = _request(entries, 3);
        requests[1] = _request(entries, 3);
        assertEq(distributor.claimMany(requests), 40, "paid once");
        assertEq(usdc.balanceOf(bob), 40, "bob usdc");
    }

    function test_RevertWhen_claimManyHasAnInvalidProof() public {
        Entry[] memory entries = _grid(10, 20, 30, 40);
        _settle(0, entries);
        IRewardDistributor.ClaimRequest[] memory requests = new IRewardDistributor.ClaimRequest[](2);
        requests[0] = _request(entries, 0);
        requests[1] = _request(entries, 1);
        requests[1].cumulativeAmount = 21;
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.InvalidProof.selector, bob, address(rewardToken), 21)
        );
        distributor.claimMany(requests);
    }

    function test_RevertWhen_claimManyExceedsATokensActiveTotal() public {
        Entry[] memory entries = _grid(10, 20, 40, 40);
        _settle(0, entries, _totals(30, 50));
        IRewardDistributor.ClaimRequest[] memory requests = new IRewardDistributor.ClaimRequest[](4);
        for (uint256 i; i < 4; ++i) requests[i] = _request(entries, i);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.ClaimExceedsActiveTotal.selector, address(usdc), 80, 50)
        );
        distributor.claimMany(requests);
    }

    function test_RevertWhen_claimManyNamesATokenNoSettlementCovers() public {
        Entry[] memory entries = _grid(10, 20, 30, 40);
        _settle(0, entries);
        MockERC20 late = _newToken("Late");
        IRewardDistributor.ClaimRequest[] memory requests = new IRewardDistributor.ClaimRequest[](2);
        requests[0] = _request(entries, 0);
        requests[1] = IRewardDistributor.ClaimRequest(alice, address(late), 1, new bytes32[](0));
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.NoActiveSettlement.selector, address(late)));
        distributor.claimMany(requests);
    }
}

contract RewardDistributor_setRecipient is DistributorFixture {
    address internal carol = makeAddr("carol");

    function test_setRecipient_redirectsOneTokenOnly() public {
        Entry[] memory entries = _grid(10, 20, 30, 40);
        _settle(0, entries);
        vm.expectEmit();
        emit IRewardDistributor.RecipientSet(alice, address(usdc), carol);
        vm.prank(alice);
        distributor.setRecipient(address(usdc), carol);
        assertEq(distributor.recipientOf(alice, address(usdc)), carol, "usdc recipient");
        assertEq(distributor.recipientOf(alice, address(rewardToken)), address(0), "reward recipient unset");

        vm.expectEmit();
        emit IRewardDistributor.Claimed(alice, address(usdc), 30);
        _claim(entries, 2);
        _claim(entries, 0);
        assertEq(usdc.balanceOf(carol), 30, "usdc to carol");
        assertEq(usdc.balanceOf(alice), 0, "no usdc to alice");
        assertEq(rewardToken.balanceOf(alice), 10, "reward to alice");
        assertEq(rewardToken.balanceOf(carol), 0, "no reward to carol");
    }

    function test_setRecipient_zeroPaysTheAccountAgain() public {
        vm.startPrank(alice);
        distributor.setRecipient(address(usdc), carol);
        distributor.setRecipient(address(usdc), address(0));
        vm.stopPrank();
        Entry[] memory entries = _grid(10, 20, 30, 40);
        _settle(0, entries);
        _claim(entries, 2);
        assertEq(usdc.balanceOf(alice), 30, "paid to alice");
    }

    function test_setRecipient_appliesToClaimMany() public {
        vm.prank(bob);
        distributor.setRecipient(address(rewardToken), carol);
        Entry[] memory entries = _grid(10, 20, 30, 40);
        _settle(0, entries);
        IRewardDistributor.ClaimRequest[] memory requests = new IRewardDistributor.ClaimRequest[](2);
        requests[0] = _request(entries, 1);
        requests[1] = _request(entries, 3);
        distributor.claimMany(requests);
        assertEq(rewardToken.balanceOf(carol), 20, "reward to carol");
        assertEq(usdc.balanceOf(bob), 40, "usdc to bob");
    }

    function test_RevertWhen_recipientIsTheDistributor() public {
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.InvalidRecipient.selector, address(distributor)));
        vm.prank(alice);
        distributor.setRecipient(address(usdc), address(distributor));
    }

    function test_RevertWhen_recipientIsTheTokenItself() public {
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.InvalidRecipient.selector, address(usdc)));
        vm.prank(alice);
        distributor.setRecipient(address(usdc), address(usdc));
    }

    function test_RevertWhen_recipientTokenIsUnlisted() public {
        MockERC20 token = _newToken("T");
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.TokenNotListed.selector, address(token)));
        vm.prank(alice);
        distributor.setRecipient(address(token), carol);
    }

    /// @notice Entitlements in a disallowed token stay claimable, to a recipient too.
    function test_setRecipient_worksForADisallowedToken() public {
        vm.prank(admin);
        distributor.disallowToken(address(usdc));
        vm.prank(alice);
        distributor.setRecipient(address(usdc), carol);
        Entry[] memory entries = _grid(10, 20, 30, 40);
        _settle(0, entries);
        _claim(entries, 2);
        assertEq(usdc.balanceOf(carol), 30, "claimable after disallowing");
    }
}

// =========================================================== governance

contract RewardDistributor_challengePeriod is DistributorFixture {
    function testFuzz_setChallengePeriod_acceptsExactlyUpToHalfAnEpoch(uint256 value) public {
        value = bound(value, 0, 2 * distributor.MAX_CHALLENGE_PERIOD());
        uint256 minimum = distributor.MIN_CHALLENGE_PERIOD();
        uint256 maximum = EPOCH / 2;
        assertEq(distributor.maxChallengePeriod(), maximum, "half a one-day epoch");
        vm.prank(admin);
        if (value < minimum || value > maximum) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IGoverned.ParameterOutOfBounds.selector,
                    bytes32("challengePeriod"),
                    value,
                    minimum,
                    maximum
                )
            );
            distributor.setChallengePeriod(value);
            return;
        }
        distributor.setChallengePeriod(value);
        assertEq(distributor.challengePeriod(), value, "set");
    }

    function test_RevertWhen_challengePeriodExceedsHalfAnEpoch() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IGoverned.ParameterOutOfBounds.selector,
                bytes32("challengePeriod"),
                EPOCH / 2 + 1,
                CHALLENGE,
                EPOCH / 2
            )
        );
        vm.prank(admin);
        distributor.setChallengePeriod(EPOCH / 2 + 1);
    }

    /// @dev The constructor applies the same bound, which depends on the epoch: half of it, capped at
    /// `MAX_CHALLENGE_PERIOD`; an epoch shorter than two minimum challenge periods admits none.
    function testFuzz_constructor_boundsTheChallengePeriodByTheEpoch(uint256 epochDuration, uint256 value) public {
        epochDuration = bound(epochDuration, staking.MIN_EPOCH_DURATION(), staking.MAX_EPOCH_DURATION());
        value = bound(value, 0, 2 * distributor.MAX_CHALLENGE_PERIOD());
        ValidatorStaking s = new ValidatorStaking(
            address(stakeToken),
            admin,
            treasury,
            block.timestamp,
            epochDuration,
            MIN_STAKE,
            UNBONDING,
            QUORUM_BPS
        );
        uint256 minimum = distributor.MIN_CHALLENGE_PERIOD();
        uint256 half = epochDuration / 2;
        uint256 maximum = half < distributor.MAX_CHALLENGE_PERIOD() ? half : distributor.MAX_CHALLENGE_PERIOD();
        if (epochDuration < 2 * minimum) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IEpochClock.EpochDurationOutOfBounds.selector,
                    epochDuration,
                    2 * minimum,
                    staking.MAX_EPOCH_DURATION()
                )
            );
        } else if (value < minimum || value > maximum) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IGoverned.ParameterOutOfBounds.selector,
                    bytes32("challengePeriod"),
                    value,
                    minimum,
                    maximum
                )
            );
        }
        RewardDistributor d = new RewardDistributor(
            address(rewardToken),
            address(s),
            admin,
            treasury,
            FEE_BPS,
            VALIDATOR_SHARE_BPS,
            IDLE_REFUND_EPOCHS,
            value
        );
        if (epochDuration >= 2 * minimum && value >= minimum && value <= maximum) {
            assertEq(d.challengePeriod(), value, "set");
            assertEq(d.maxChallengePeriod(), maximum, "bound");
        }
    }
}

contract RewardDistributor_treasury is DistributorFixture {
    function test_RevertWhen_treasuryIsTheDistributor() public {
        _expectInvalidTreasuryFromSetter(address(distributor));
    }

    function test_RevertWhen_treasuryIsTheStakingContract() public {
        _expectInvalidTreasuryFromSetter(address(staking));
    }

    function test_RevertWhen_treasuryIsTheRewardToken() public {
        _expectInvalidTreasuryFromSetter(address(rewardToken));
    }

    function test_RevertWhen_treasuryIsAnotherListedToken() public {
        _expectInvalidTreasuryFromSetter(address(usdc));
    }

    function test_RevertWhen_constructorTreasuryIsTheStakingContract() public {
        _expectInvalidTreasuryFromConstructor(address(staking));
    }

    function test_RevertWhen_constructorTreasuryIsTheRewardToken() public {
        _expectInvalidTreasuryFromConstructor(address(rewardToken));
    }

    function _expectInvalidTreasuryFromSetter(address account) internal {
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.InvalidTreasury.selector, account));
        vm.prank(admin);
        distributor.setAllocationParams(FEE_BPS, VALIDATOR_SHARE_BPS, IDLE_REFUND_EPOCHS, account);
    }

    function _expectInvalidTreasuryFromConstructor(address account) internal {
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.InvalidTreasury.selector, account));
        new RewardDistributor(
            address(rewardToken),
            address(staking),
            admin,
            account,
            FEE_BPS,
            VALIDATOR_SHARE_BPS,
            IDLE_REFUND_EPOCHS,
            CHALLENGE
        );
    }
}

// ============================================================= equivocation

contract RewardDistributor_reportEquivocation is DistributorFixture {
    address internal reporter = makeAddr("reporter");

    function _signed(
        uint256 key,
        IRewardDistributor.SettlementData memory data
    ) internal view returns (bytes memory signature) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, distributor.settlementDigest(data));
        signature = abi.encodePacked(r, s, v);
    }

    function _data(
        bytes32 root,
        uint256[] memory totals
    ) internal view returns (IRewardDistributor.SettlementData memory) {
        return IRewardDistributor.SettlementData(0, root, totals, keccak256(""), block.timestamp + 1 days);
    }

    /// @dev Two signatures by `key` over different settlements of epoch 0.
    function _evidence(
        uint256 key
    )
        internal
        view
        returns (
            IRewardDistributor.SettlementData memory a,
            bytes memory signatureA,
            IRewardDistributor.SettlementData memory b,
            bytes memory signatureB
        )
    {
        a = _data(keccak256("a"), _totals(1, 0));
        b = _data(keccak256("b"), _totals(1, 0));
        signatureA = _signed(key, a);
        signatureB = _signed(key, b);
    }

    function _report(uint256 key, address caller) internal returns (uint256 slashed) {
        (
            IRewardDistributor.SettlementData memory a,
            bytes memory signatureA,
            IRewardDistributor.SettlementData memory b,
            bytes memory signatureB
        ) = _evidence(key);
        vm.prank(caller);
        slashed = distributor.reportEquivocation(a, signatureA, b, signatureB);
    }

    /// @dev The distributor passes a fraction; staking applies it to bonded stake and to unbonding
    /// stake whose release time is still ahead, never to stake already released.
    function testFuzz_reportEquivocation_slashesTheFractionOfStakeNotYetReleased(
        uint256 slashBps,
        uint256 unstaked,
        uint256 elapsed
    ) public {
        slashBps = bound(slashBps, distributor.MIN_EQUIVOCATION_SLASH_BPS(), distributor.MAX_EQUIVOCATION_SLASH_BPS());
        unstaked = bound(unstaked, 0, 1_000e18 - MIN_STAKE);
        elapsed = bound(elapsed, 0, 2 * UNBONDING);
        address validator = vm.addr(keys[0]);
        if (unstaked > 0) {
            vm.prank(validator);
            staking.requestUnstake(unstaked);
        }
        vm.warp(block.timestamp + elapsed);
        vm.prank(admin);
        distributor.setEquivocationSlashBps(slashBps);

        bool released = elapsed >= UNBONDING;
        uint256 slashable = 1_000e18 - (released ? unstaked : 0);
        uint256 expected = (slashable * slashBps) / 10_000;
        uint256 slashed = _report(keys[0], reporter);
        assertEq(slashed, expected, "slashed the fraction of slashable stake");
        assertEq(staking.totalSlashed(), expected, "total slashed");
        assertEq(
            stakeToken.balanceOf(reporter),
            (expected * staking.reporterBountyBps()) / 10_000,
            "bounty to the reporter"
        );
        if (released && unstaked > 0) {
            vm.prank(validator);
            staking.withdraw();
            assertEq(stakeToken.balanceOf(validator), unstaked, "released stake is withdrawn in full");
        }
    }

    function test_reportEquivocation_takesNothingFromStakeWhoseReleaseTimePassed() public {
        address validator = vm.addr(keys[0]);
        vm.prank(validator);
        staking.requestUnstake(1_000e18);
        vm.warp(block.timestamp + UNBONDING);
        (
            IRewardDistributor.SettlementData memory a,
            bytes memory signatureA,
            IRewardDistributor.SettlementData memory b,
            bytes memory signatureB
        ) = _evidence(keys[0]);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.NothingToSlash.selector, validator));
        vm.prank(reporter);
        distributor.reportEquivocation(a, signatureA, b, signatureB);

        assertEq(staking.totalSlashed(), 0, "nothing slashed");
        vm.prank(validator);
        staking.withdraw();
        assertEq(stakeToken.balanceOf(validator), 1_000e18, "the whole stake is withdrawn");
    }

    function test_reportEquivocation_paysNoBountyWhenTheEquivocatorReportsItself() public {
        address validator = vm.addr(keys[0]);
        uint256 treasuryBefore = stakeToken.balanceOf(treasury);
        uint256 slashed = _report(keys[0], validator);
        assertEq(slashed, (1_000e18 * distributor.equivocationSlashBps()) / 10_000, "slashed");
        assertEq(stakeToken.balanceOf(validator), 0, "no bounty for reporting oneself");
        assertEq(stakeToken.balanceOf(treasury) - treasuryBefore, slashed, "the treasury receives all of it");
    }

    function test_reportEquivocation_slashesAtTheLargestFractionStakingAccepts() public {
        assertLe(
            distributor.MAX_EQUIVOCATION_SLASH_BPS(),
            staking.MAX_SLASH_BPS(),
            "bounds within the staking contract's"
        );
        uint256 largest = distributor.MAX_EQUIVOCATION_SLASH_BPS();
        vm.prank(admin);
        distributor.setEquivocationSlashBps(largest);
        uint256 slashed = _report(keys[0], reporter);
        assertEq(slashed, (1_000e18 * staking.MAX_SLASH_BPS()) / 10_000, "half the stake");
    }

    /// @notice Same root and data, different totals: still two different settlements.
    function test_reportEquivocation_countsSettlementsDifferingOnlyInTotals() public {
        IRewardDistributor.SettlementData memory a = _data(keccak256("root"), _totals(1, 2));
        IRewardDistributor.SettlementData memory b = _data(keccak256("root"), _totals(1, 3));
        address validator = vm.addr(keys[1]);
        bytes memory signatureA = _signed(keys[1], a);
        bytes memory signatureB = _signed(keys[1], b);
        vm.expectEmit();
        emit IRewardDistributor.EquivocationSlashed(validator, 0, reporter, 100e18);
        vm.prank(reporter);
        uint256 slashed = distributor.reportEquivocation(a, signatureA, b, signatureB);
        assertEq(slashed, 100e18, "ten percent");
    }

    /// @notice A different number of totals is a different settlement too.
    function test_reportEquivocation_countsSettlementsDifferingInTheirNumberOfTotals() public {
        IRewardDistributor.SettlementData memory a = _data(keccak256("root"), _totals(1, 0));
        IRewardDistributor.SettlementData memory b = _data(keccak256("root"), _totals(1, 0, 0));
        vm.prank(reporter);
        uint256 slashed = distributor.reportEquivocation(a, _signed(keys[1], a), b, _signed(keys[1], b));
        assertEq(slashed, 100e18, "ten percent");
    }

    /// @notice Re-signing the same content with a new deadline is not equivocation.
    function test_RevertWhen_evidenceDiffersOnlyInItsDeadline() public {
        IRewardDistributor.SettlementData memory a = _data(keccak256("root"), _totals(1, 2));
        IRewardDistributor.SettlementData memory b = _data(keccak256("root"), _totals(1, 2));
        b.deadline += 1;
        bytes memory signatureA = _signed(keys[1], a);
        bytes memory signatureB = _signed(keys[1], b);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.EvidenceNotConflicting.selector));
        distributor.reportEquivocation(a, signatureA, b, signatureB);
    }

    function test_RevertWhen_evidenceEpochsDiffer() public {
        IRewardDistributor.SettlementData memory a = _data(keccak256("a"), _totals(1, 2));
        IRewardDistributor.SettlementData memory b = _data(keccak256("b"), _totals(1, 2));
        b.epoch = 1;
        bytes memory signatureA = _signed(keys[1], a);
        bytes memory signatureB = _signed(keys[1], b);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.EvidenceEpochMismatch.selector, 0, 1));
        distributor.reportEquivocation(a, signatureA, b, signatureB);
    }

    function test_RevertWhen_evidenceSignersDiffer() public {
        IRewardDistributor.SettlementData memory a = _data(keccak256("a"), _totals(1, 2));
        IRewardDistributor.SettlementData memory b = _data(keccak256("b"), _totals(1, 2));
        bytes memory signatureA = _signed(keys[0], a);
        bytes memory signatureB = _signed(keys[1], b);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.EvidenceSignerMismatch.selector,
                vm.addr(keys[0]),
                vm.addr(keys[1])
            )
        );
        distributor.reportEquivocation(a, signatureA, b, signatureB);
    }

    function test_RevertWhen_reportingTheSameEquivocationTwice() public {
        _report(keys[2], reporter);
        (
            IRewardDistributor.SettlementData memory a,
            bytes memory signatureA,
            IRewardDistributor.SettlementData memory b,
            bytes memory signatureB
        ) = _evidence(keys[2]);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.EquivocationAlreadySlashed.selector, vm.addr(keys[2]), 0)
        );
        distributor.reportEquivocation(a, signatureA, b, signatureB);
    }

    /// @notice Validators re-sign after a veto: the vetoed settlement and its replacement are not evidence.
    function test_RevertWhen_evidenceIncludesAVetoedSettlement() public {
        vm.warp(distributor.epochStart(1) + 1);
        IRewardDistributor.SettlementData memory a = _data(keccak256("a"), _totals(1, 2));
        _submit(distributor, 0, a.root, a.cumulativeTotals, "");
        vm.prank(admin);
        distributor.veto(0);
        IRewardDistributor.SettlementData memory b = _data(keccak256("b"), _totals(1, 2));
        bytes memory signatureA = _signed(keys[1], a);
        bytes memory signatureB = _signed(keys[1], b);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.EvidenceVetoed.selector, 0));
        distributor.reportEquivocation(a, signatureA, b, signatureB);
    }
}

/// @notice The tests' tree builder yields proofs OpenZeppelin's verifier accepts, for any tree size, and
/// only for the leaf they were built for.
contract MerkleTree_helper is DistributorFixture {
    function testFuzz_proofsVerify(uint256 size, uint256 seed) public pure {
        size = bound(size, 1, 40);
        bytes32[] memory leaves = new bytes32[](size);
        for (uint256 i; i < size; ++i) {
            leaves[i] = MerkleTree.leaf(
                address(uint160(uint256(keccak256(abi.encode("account", seed, i))))),
                address(uint160(i)),
                uint256(keccak256(abi.encode(seed, i)))
            );
        }
        bytes32 root = MerkleTree.root(leaves);
        for (uint256 i; i < size; ++i) {
            bytes32[] memory proof = MerkleTree.proof(leaves, i);
            assertTrue(MerkleProof.verify(proof, root, leaves[i]), "proof verifies");
            if (size > 1) {
                assertTrue(!MerkleProof.verify(proof, root, leaves[(i + 1) % size]), "not for another leaf");
            }
        }
    }
}

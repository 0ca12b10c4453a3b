// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {TestBase} from "../utils/TestBase.sol";
import {InvariantBase} from "../utils/InvariantBase.sol";
import {MerkleTree} from "../utils/MerkleTree.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {FeeOnTransferToken} from "../../contracts/mocks/FeeOnTransferToken.sol";
import {ValidatorStaking} from "../../contracts/ValidatorStaking.sol";
import {RewardDistributor} from "../../contracts/RewardDistributor.sol";
import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";

interface IMintable {
    function mint(address to, uint256 amount) external;
}

/// @notice Random pools in three tokens (one taking a fee on transfer), funding, settlements, vetoes,
/// claims and allowlist changes. Each pool pays a fixed set of member accounts: every settlement the
/// handler signs allocates each pool's new funding among its members only, so an account's entitlement
/// in a token is what the pools in that token it belongs to gave it. Every call it makes is valid (or
/// caught and counted), so the suite runs with failOnRevert.
contract PoolsHandler is TestBase {
    uint256 public constant ACCOUNTS = 6;
    uint256 public constant TOKENS = 3;
    uint256 public constant MAX_POOLS = 8;
    uint256 internal constant LEAVES = ACCOUNTS * TOKENS;

    /// @dev What one submitted settlement gives: cumulative entitlements per (account, token) at
    /// `account * TOKENS + token`, cumulative allocations per pool, and totals per token.
    struct Snapshot {
        uint256[LEAVES] entitlement;
        uint256[MAX_POOLS] allocated;
        uint256[TOKENS] totals;
    }

    RewardDistributor internal immutable distributor;
    address internal immutable admin;
    address[TOKENS] public tokens;
    address[ACCOUNTS] public accounts;
    uint256[3] internal validatorKeys = [uint256(0xA11CE), uint256(0xB0B), uint256(0xCA401)];

    uint256 public poolCount;
    mapping(uint256 poolId => uint256) public poolToken;
    /// @dev Bit `a` set when account `a` is a member of the pool.
    mapping(uint256 poolId => uint256) public poolMembers;
    mapping(uint256 poolId => mapping(uint256 epoch => uint256)) public poolFundedIn;
    mapping(uint256 poolId => uint256) public poolFunded;
    uint256 public lastFundedEpoch;

    /// @dev The latest submitted settlement and the one before it.
    Snapshot internal _latest;
    Snapshot internal _previous;
    uint256 public submissions;

    uint256[TOKENS] public received;
    uint256[TOKENS] public claimedTotal;
    mapping(uint256 account => mapping(uint256 token => uint256)) public claimed;
    mapping(uint256 account => mapping(uint256 token => bool)) public everEntitled;
    /// @dev Claims that should have been refused (wrong token, more than the leaf) but paid.
    uint256 public forbiddenClaimsPaid;
    /// @dev Forbidden claims that were refused with another error than the expected one.
    uint256 public forbiddenClaimsMisreported;

    constructor(RewardDistributor distributor_, address[TOKENS] memory tokens_, address admin_) {
        distributor = distributor_;
        tokens = tokens_;
        admin = admin_;
        for (uint256 a; a < ACCOUNTS; ++a) accounts[a] = address(uint160(0xACC0 + a));
        // The network pool, in the reward token, pays the first two accounts.
        poolCount = 1;
        poolMembers[0] = 0x3;
    }

    // ---------------------------------------------------------------- actions

    function createPool(uint256 tokenSeed, uint256 memberSeed, uint256 datanetSeed) external {
        if (poolCount >= MAX_POOLS) return;
        uint256 t = tokenSeed % TOKENS;
        if (!distributor.isTokenAllowed(tokens[t])) return;
        uint24[] memory datanets = new uint24[](datanetSeed % 4);
        for (uint256 i; i < datanets.length; ++i) {
            datanets[i] = uint24(3 * i + 1 + ((datanetSeed >> (8 + 2 * i)) % 3));
        }
        uint256 members = bound(memberSeed, 1, (1 << ACCOUNTS) - 1);
        vm.prank(accounts[memberSeed % ACCOUNTS]);
        uint256 poolId = distributor.createPool(tokens[t], datanets);
        require(poolId == poolCount, "pool ids follow each other");
        poolToken[poolId] = t;
        poolMembers[poolId] = members;
        poolCount = poolId + 1;
    }

    function fund(uint256 poolSeed, uint256 epochOffset, uint256 amount) external {
        uint256 poolId = poolSeed % poolCount;
        uint256 t = poolToken[poolId];
        address token = tokens[t];
        if (!distributor.isTokenAllowed(token)) return;
        uint256 epoch = distributor.currentEpoch() + bound(epochOffset, 0, 3);
        amount = bound(amount, 1, 1e24);
        IMintable(token).mint(address(this), amount);
        IERC20(token).approve(address(distributor), amount);
        uint256 before = IERC20(token).balanceOf(address(distributor));
        distributor.fund(poolId, epoch, amount);
        uint256 arrived = IERC20(token).balanceOf(address(distributor)) - before;
        received[t] += arrived;
        poolFundedIn[poolId][epoch] += arrived;
        poolFunded[poolId] += arrived;
        if (epoch > lastFundedEpoch) lastFundedEpoch = epoch;
    }

    function toggleToken(uint256 tokenSeed) external {
        address token = tokens[tokenSeed % TOKENS];
        bool allowed = distributor.isTokenAllowed(token);
        vm.prank(admin);
        if (allowed) distributor.disallowToken(token);
        else distributor.allowToken(token);
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 2 days));
    }

    /// @dev Settles the next epoch: each pool allocates a random part of its funding through that epoch
    /// not yet allocated, split at random among its members.
    function submit(uint256 seed) external {
        uint256 epoch = distributor.nextEpochToSettle();
        if (epoch >= distributor.currentEpoch()) return;
        (, bool pending) = distributor.latestSettlement();
        if (pending) return;
        Snapshot memory next = _latest;
        for (uint256 p; p < poolCount; ++p) {
            uint256 budget;
            for (uint256 e; e <= epoch; ++e) budget += poolFundedIn[p][e];
            seed = uint256(keccak256(abi.encode(seed, p)));
            // One pool in four allocates everything it has.
            uint256 amount = seed % 4 == 0
                ? budget - next.allocated[p]
                : bound(seed >> 2, 0, budget - next.allocated[p]);
            if (amount == 0) continue;
            uint256 t = poolToken[p];
            next.allocated[p] += amount;
            next.totals[t] += amount;
            _split(next, p, t, amount, seed);
        }
        uint256[] memory totals = new uint256[](TOKENS);
        for (uint256 t; t < TOKENS; ++t) totals[t] = next.totals[t];
        bytes32 root = MerkleTree.root(_leaves(next));
        // A fresh data URI per submission, so no submission repeats a vetoed one.
        string memory dataUri = string(abi.encodePacked("ipfs://", bytes32(++submissions)));
        _signAndSubmit(epoch, root, totals, dataUri);
        _previous = _latest;
        _latest = next;
    }

    function veto() external {
        (IRewardDistributor.Settlement memory latest, bool pending) = distributor.latestSettlement();
        if (!pending) return;
        vm.prank(admin);
        distributor.veto(latest.epoch);
        _latest = _previous;
    }

    /// @dev Claims the first leaf with something left, from a random starting point.
    function claim(uint256 seed) external {
        (bool any, Snapshot memory active) = _active();
        if (!any) return;
        uint256 index = LEAVES;
        for (uint256 k; k < LEAVES; ++k) {
            uint256 i = ((seed % LEAVES) + k) % LEAVES;
            if (active.entitlement[i] > claimed[i / TOKENS][i % TOKENS]) {
                index = i;
                break;
            }
        }
        if (index == LEAVES) return;
        uint256 a = index / TOKENS;
        uint256 t = index % TOKENS;
        uint256 amount = active.entitlement[index];
        uint256 paid = distributor.claim(accounts[a], tokens[t], amount, MerkleTree.proof(_leaves(active), index));
        _record(a, t, amount, paid);
    }

    function claimMany(uint256 seed) external {
        (bool any, Snapshot memory active) = _active();
        if (!any) return;
        bytes32[] memory leaves = _leaves(active);
        IRewardDistributor.ClaimRequest[] memory requests = new IRewardDistributor.ClaimRequest[](LEAVES);
        uint256 count;
        // A random subset of leaves, claimed or not (claimed ones are skipped).
        for (uint256 i; i < LEAVES; ++i) {
            if ((seed >> i) & 1 == 0) continue;
            requests[count++] = IRewardDistributor.ClaimRequest(
                accounts[i / TOKENS],
                tokens[i % TOKENS],
                active.entitlement[i],
                MerkleTree.proof(leaves, i)
            );
        }
        assembly ("memory-safe") {
            mstore(requests, count)
        }
        uint256 expected;
        for (uint256 k; k < count; ++k) {
            uint256 i = _indexOf(requests[k].account, requests[k].token);
            uint256 a = i / TOKENS;
            uint256 t = i % TOKENS;
            if (active.entitlement[i] <= claimed[a][t]) continue;
            expected += active.entitlement[i] - claimed[a][t];
            _record(a, t, active.entitlement[i], active.entitlement[i] - claimed[a][t]);
        }
        uint256 paid = distributor.claimMany(requests);
        if (paid != expected) forbiddenClaimsPaid += 1;
    }

    /// @dev Claims that must be refused: a leaf presented as another token's, or for one more than it says.
    function forbiddenClaim(uint256 seed, uint256 otherSeed, bool overclaim) external {
        (bool any, Snapshot memory active) = _active();
        if (!any) return;
        uint256 index = LEAVES;
        for (uint256 k; k < LEAVES; ++k) {
            if (active.entitlement[((seed % LEAVES) + k) % LEAVES] > 0) {
                index = ((seed % LEAVES) + k) % LEAVES;
                break;
            }
        }
        if (index == LEAVES) return;
        uint256 a = index / TOKENS;
        uint256 t = index % TOKENS;
        uint256 amount = active.entitlement[index];
        uint256 other = overclaim ? t : (t + 1 + (otherSeed % (TOKENS - 1))) % TOKENS;
        uint256 asked = overclaim ? amount + 1 : amount;
        bytes32[] memory proof = MerkleTree.proof(_leaves(active), index);
        try distributor.claim(accounts[a], tokens[other], asked, proof) returns (uint256) {
            forbiddenClaimsPaid += 1;
        } catch (bytes memory reason) {
            bytes memory expected = abi.encodeWithSelector(
                IRewardDistributor.InvalidProof.selector,
                accounts[a],
                tokens[other],
                asked
            );
            if (keccak256(reason) != keccak256(expected)) forbiddenClaimsMisreported += 1;
        }
    }

    // ------------------------------------------------------------------ views

    /// @notice The entitlement of account `a` in token `t` under the active settlement (0 if none).
    function activeEntitlement(uint256 a, uint256 t) external view returns (uint256) {
        (bool any, Snapshot memory active) = _active();
        return any ? active.entitlement[a * TOKENS + t] : 0;
    }

    /// @notice The active settlement's total in token `t` as the handler signed it (0 if none).
    function activeTotal(uint256 t) external view returns (uint256) {
        (bool any, Snapshot memory active) = _active();
        return any ? active.totals[t] : 0;
    }

    /// @notice Σ funded into the pools in token `t` that account `a` belongs to.
    function memberFunding(uint256 a, uint256 t) external view returns (uint256 total) {
        for (uint256 p; p < poolCount; ++p) {
            if (poolToken[p] == t && (poolMembers[p] >> a) & 1 == 1) total += poolFunded[p];
        }
    }

    /// @notice Σ allocated from pool `p` by the active settlement, and what was funded into it through
    /// the active settlement's epoch.
    function activePoolAllocation(uint256 p) external view returns (uint256 allocated, uint256 fundedThrough) {
        (bool any, Snapshot memory active) = _active();
        if (!any) return (0, 0);
        allocated = active.allocated[p];
        uint256 epoch = distributor.activeSettlement().epoch;
        for (uint256 e; e <= epoch; ++e) fundedThrough += poolFundedIn[p][e];
    }

    function validatorKey(uint256 i) external view returns (uint256) {
        return validatorKeys[i];
    }

    // --------------------------------------------------------------- internal

    /// @dev Splits `amount` of pool `p` (token `t`) among its members at random.
    function _split(Snapshot memory next, uint256 p, uint256 t, uint256 amount, uint256 seed) internal {
        uint256 members = poolMembers[p];
        uint256 remaining = amount;
        for (uint256 a; a < ACCOUNTS; ++a) {
            if ((members >> a) & 1 == 0) continue;
            bool last = members >> (a + 1) == 0;
            seed = uint256(keccak256(abi.encode(seed, a)));
            uint256 share = last ? remaining : bound(seed, 0, remaining);
            if (share == 0) continue;
            remaining -= share;
            next.entitlement[a * TOKENS + t] += share;
            everEntitled[a][t] = true;
        }
    }

    function _record(uint256 a, uint256 t, uint256 cumulative, uint256 paid) internal {
        claimed[a][t] = cumulative;
        claimedTotal[t] += paid;
    }

    function _indexOf(address account, address token) internal view returns (uint256) {
        uint256 a = uint160(account) - 0xACC0;
        for (uint256 t; t < TOKENS; ++t) if (tokens[t] == token) return a * TOKENS + t;
        revert("unknown token");
    }

    /// @dev The active settlement's snapshot: the latest once its challenge period ended, else the one
    /// before it.
    function _active() internal view returns (bool any, Snapshot memory active) {
        uint256 next = distributor.nextEpochToSettle();
        if (next == 0) return (false, active);
        (, bool pending) = distributor.latestSettlement();
        if (!pending) return (true, _latest);
        if (next == 1) return (false, active);
        return (true, _previous);
    }

    function _leaves(Snapshot memory s) internal view returns (bytes32[] memory leaves) {
        leaves = new bytes32[](LEAVES);
        for (uint256 i; i < LEAVES; ++i) {
            leaves[i] = MerkleTree.leaf(accounts[i / TOKENS], tokens[i % TOKENS], s.entitlement[i]);
        }
    }

    function _signAndSubmit(uint256 epoch, bytes32 root, uint256[] memory totals, string memory dataUri) internal {
        uint256 deadline = block.timestamp + 1 days;
        bytes32 digest = distributor.settlementDigest(
            IRewardDistributor.SettlementData(epoch, root, totals, keccak256(bytes(dataUri)), deadline)
        );
        uint256[3] memory keys = validatorKeys;
        for (uint256 i; i < 3; ++i) {
            for (uint256 j = i + 1; j < 3; ++j) {
                if (vm.addr(keys[j]) < vm.addr(keys[i])) (keys[i], keys[j]) = (keys[j], keys[i]);
            }
        }
        bytes[] memory signatures = new bytes[](3);
        for (uint256 i; i < 3; ++i) {
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(keys[i], digest);
            signatures[i] = abi.encodePacked(r, s, v);
        }
        distributor.submitSettlement(epoch, root, totals, dataUri, deadline, signatures);
    }
}

contract RewardDistributorPoolsInvariant is InvariantBase {
    ValidatorStaking internal staking;
    RewardDistributor internal distributor;
    PoolsHandler internal handler;
    address[3] internal tokens;

    function setUp() public {
        vm.warp(1_700_000_000);
        address admin = makeAddr("admin");
        MockERC20 stakeToken = new MockERC20("Stake", "STK");
        tokens = [
            address(new MockERC20("Reward", "RWD")),
            address(new MockERC20("USD", "USD")),
            address(new FeeOnTransferToken())
        ];
        staking = _newStaking(address(stakeToken), admin);
        distributor = new RewardDistributor(
            tokens[0],
            address(staking),
            admin,
            makeAddr("treasury"),
            500,
            1_000,
            4,
            1 hours
        );
        vm.startPrank(admin);
        distributor.allowToken(tokens[1]);
        distributor.allowToken(tokens[2]);
        vm.stopPrank();
        handler = new PoolsHandler(distributor, tokens, admin);
        for (uint256 i; i < 3; ++i) {
            address validator = vm.addr(handler.validatorKey(i));
            stakeToken.mint(validator, 1_000e18);
            vm.startPrank(validator);
            stakeToken.approve(address(staking), 1_000e18);
            staking.stake(1_000e18);
            vm.stopPrank();
        }
        vm.warp(block.timestamp + 1);
        // One pool in each of the other tokens to start with; the handler creates more.
        handler.createPool(1, 0x0c, 0);
        handler.createPool(2, 0x30, 1);
        targetContract(address(handler));
    }

    /// @notice Per token, the distributor holds exactly what it received and has not paid out.
    function invariant_balanceIsReceivedMinusClaimed() public view {
        for (uint256 t; t < 3; ++t) {
            address token = tokens[t];
            assertEq(distributor.totalFundedOf(token), handler.received(t), "funded == received");
            assertEq(distributor.totalClaimedOf(token), handler.claimedTotal(t), "claimed == paid");
            assertEq(
                IERC20(token).balanceOf(address(distributor)),
                handler.received(t) - handler.claimedTotal(t),
                "balance == received - claimed"
            );
        }
    }

    /// @notice Per token: Σ claimed ≤ active total ≤ Σ funded ≤ MAX_CUMULATIVE_TOTAL, and the active total
    /// is the one signed into the active settlement.
    function invariant_claimedWithinActiveWithinFunded() public view {
        for (uint256 t; t < 3; ++t) {
            address token = tokens[t];
            uint256 active = distributor.activeTotalOf(token);
            assertEq(active, handler.activeTotal(t), "active total as signed");
            assertLe(distributor.totalClaimedOf(token), active, "claimed <= active");
            assertLe(active, distributor.totalFundedOf(token), "active <= funded");
            assertLe(distributor.totalFundedOf(token), distributor.MAX_CUMULATIVE_TOTAL(), "funded <= maximum");
        }
    }

    /// @notice No pool's funds reach an account outside its allocation: every account's claims of a token
    /// stay within its active entitlement there, which comes only from the pools in that token it belongs
    /// to; an account never entitled to a token never receives any of it.
    function invariant_claimsStayWithinPoolAllocations() public view {
        for (uint256 a; a < handler.ACCOUNTS(); ++a) {
            address account = handler.accounts(a);
            for (uint256 t; t < 3; ++t) {
                address token = tokens[t];
                uint256 claimedOf = distributor.claimedOf(account, token);
                assertEq(claimedOf, handler.claimed(a, t), "claimed as recorded");
                assertLe(claimedOf, handler.activeEntitlement(a, t), "claimed <= active entitlement");
                assertLe(claimedOf, handler.memberFunding(a, t), "claimed <= funding of its pools");
                if (!handler.everEntitled(a, t)) {
                    assertEq(claimedOf, 0, "never entitled: nothing claimed");
                    assertEq(IERC20(token).balanceOf(account), 0, "never entitled: nothing received");
                }
            }
        }
        assertEq(handler.forbiddenClaimsPaid(), 0, "forbidden claims refused");
        assertEq(handler.forbiddenClaimsMisreported(), 0, "forbidden claims refused as invalid proofs");
    }

    /// @notice The signed allocations never exceed what each pool was funded with through the settled epoch.
    function invariant_poolAllocationsWithinPoolFunding() public view {
        for (uint256 p; p < handler.poolCount(); ++p) {
            (uint256 allocated, uint256 fundedThrough) = handler.activePoolAllocation(p);
            assertLe(allocated, fundedThrough, "pool allocation <= pool funding");
            assertEq(distributor.poolOf(p).token, tokens[handler.poolToken(p)], "pool token");
        }
    }
}

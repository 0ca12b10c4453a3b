// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TestBase} from "../utils/TestBase.sol";
import {InvariantBase} from "../utils/InvariantBase.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {ValidatorStaking} from "../../contracts/ValidatorStaking.sol";
import {ContributionRegistry} from "../../contracts/ContributionRegistry.sol";
import {IContributionRegistry} from "../../contracts/interfaces/IContributionRegistry.sol";

/// @notice Random registrations, votes, withdrawals and stake changes. Every call it makes is valid.
contract VotesHandler is TestBase {
    ContributionRegistry internal immutable registry;
    ValidatorStaking internal immutable staking;
    MockERC20 internal immutable token;
    address[4] public validators;
    address public constant CONTRIBUTOR = address(0xC0FFEE);
    bytes32[] public hashes;

    /// @dev Highest status each contribution was ever seen in, and every (contribution, validator) vote.
    mapping(bytes32 => uint8) public lastStatus;
    mapping(bytes32 => mapping(address => uint256)) public votesCast;
    /// @dev Snapshot stake counted per side (0 accept, 1 reject), as the handler computes it.
    mapping(bytes32 => uint256[2]) internal sideStake;
    uint256 public statusRegressions;
    uint256 public doubleVotes;
    uint256 public decisionsBelowQuorum;

    constructor(ContributionRegistry registry_, ValidatorStaking staking_, MockERC20 token_) {
        registry = registry_;
        staking = staking_;
        token = token_;
        for (uint256 i; i < 4; ++i) validators[i] = vm.addr(0xBEEF + i);
    }

    function hashCount() external view returns (uint256) {
        return hashes.length;
    }

    function register(uint256 seed) external {
        bytes32 contentHash = keccak256(abi.encode("content", hashes.length, seed));
        bytes32[] memory one = new bytes32[](1);
        one[0] = contentHash;
        registry.commit(registry.commitmentOf(CONTRIBUTOR, 1, one, bytes32(0)));
        vm.warp(block.timestamp + 60);
        vm.roll(block.number + 1);
        vm.prank(CONTRIBUTOR);
        registry.register(1, contentHash, "", bytes32(0));
        hashes.push(contentHash);
        _observe(contentHash);
    }

    function vote(uint256 hashSeed, uint256 validatorSeed, bool accept) external {
        if (hashes.length == 0) return;
        bytes32 contentHash = hashes[hashSeed % hashes.length];
        address validator = validators[validatorSeed % 4];
        IContributionRegistry.Contribution memory c = registry.contributionOf(contentHash);
        if (c.status != IContributionRegistry.ContributionStatus.Pending) return;
        if (block.timestamp >= uint256(c.registeredAt) + registry.VOTING_PERIOD()) return;
        uint256 snapshot = uint256(c.registeredAt) - 1;
        (uint256 stake, uint256 quorum) = staking.votingPowerAt(validator, snapshot);
        if (registry.hasVoted(c.id, validator) || stake == 0) return;
        vm.prank(validator);
        registry.vote(contentHash, accept);
        votesCast[contentHash][validator] += 1;
        if (votesCast[contentHash][validator] > 1) doubleVotes += 1;
        uint256 side = (accept ? sideStake[contentHash][0] : sideStake[contentHash][1]) + stake;
        if (accept) sideStake[contentHash][0] = side;
        else sideStake[contentHash][1] = side;
        IContributionRegistry.ContributionStatus status = registry.contributionOf(contentHash).status;
        if (status != IContributionRegistry.ContributionStatus.Pending && side < quorum) decisionsBelowQuorum += 1;
        if (status == IContributionRegistry.ContributionStatus.Pending && side >= quorum) decisionsBelowQuorum += 1;
        _observe(contentHash);
    }

    /// @dev Tries to vote again with a validator the ghost saw vote; success would be a double vote.
    function tryDoubleVote(uint256 hashSeed, uint256 validatorSeed, bool accept) external {
        if (hashes.length == 0) return;
        bytes32 contentHash = hashes[hashSeed % hashes.length];
        address validator = validators[validatorSeed % 4];
        if (votesCast[contentHash][validator] == 0) return;
        vm.prank(validator);
        try registry.vote(contentHash, accept) {
            doubleVotes += 1;
        } catch {}
    }

    function withdraw(uint256 hashSeed) external {
        if (hashes.length == 0) return;
        bytes32 contentHash = hashes[hashSeed % hashes.length];
        if (registry.statusOf(contentHash) != IContributionRegistry.ContributionStatus.Pending) return;
        vm.prank(CONTRIBUTOR);
        registry.withdrawContribution(contentHash);
        _observe(contentHash);
    }

    function changeStake(uint256 validatorSeed, uint256 amount) external {
        address validator = validators[validatorSeed % 4];
        amount = bound(amount, 100e18, 1e24);
        token.mint(validator, amount);
        vm.startPrank(validator);
        token.approve(address(staking), amount);
        staking.stake(amount);
        vm.stopPrank();
        vm.warp(block.timestamp + 1);
    }

    /// @dev Statuses only move forward: None → Pending → one of Accepted, Rejected, Withdrawn, final.
    function _observe(bytes32 contentHash) internal {
        uint8 status = uint8(registry.contributionOf(contentHash).status);
        uint8 last = lastStatus[contentHash];
        bool forward = status == last || (last == 0 && status == 1) || (last == 1 && status > 1);
        if (!forward) statusRegressions += 1;
        lastStatus[contentHash] = status;
    }

    function recheckAll() external {
        for (uint256 i; i < hashes.length; ++i) _observe(hashes[i]);
    }
}

contract ContributionVotesInvariant is InvariantBase {
    ContributionRegistry internal registry;
    VotesHandler internal handler;

    function setUp() public {
        vm.warp(1_700_000_000);
        vm.roll(10);
        address admin = makeAddr("admin");
        MockERC20 token = new MockERC20("Stake", "STK");
        ValidatorStaking staking = _newStaking(address(token), admin);
        registry = new ContributionRegistry(address(staking), admin, 3 days, 60, 1 days);
        vm.prank(makeAddr("curator"));
        registry.createDatanet("ipfs://d");
        handler = new VotesHandler(registry, staking, token);
        for (uint256 i; i < 4; ++i) handler.changeStake(i, 100e18 * (i + 1));
        targetContract(address(handler));
    }

    /// @notice A contribution's status never moves backwards or between final states.
    function invariant_statusesOnlyMoveForward() public {
        handler.recheckAll();
        assertEq(handler.statusRegressions(), 0, "status regressed");
    }

    /// @notice No validator ever votes twice on one contribution.
    function invariant_noDoubleVote() public view {
        assertEq(handler.doubleVotes(), 0, "double vote");
    }

    /// @notice A contribution is decided exactly when one side reaches quorum, never below it.
    function invariant_quorumNeverReachedWithLessThanQuorumStake() public view {
        assertEq(handler.decisionsBelowQuorum(), 0, "decided below quorum");
    }
}

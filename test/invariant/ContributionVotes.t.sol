// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TestBase} from "../utils/TestBase.sol";
import {InvariantBase} from "../utils/InvariantBase.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {ValidatorStaking} from "../../contracts/ValidatorStaking.sol";
import {ContributionRegistry} from "../../contracts/ContributionRegistry.sol";
import {IContributionRegistry} from "../../contracts/interfaces/IContributionRegistry.sol";

/// @notice Random registrations (of new content hashes and of freed ones), votes, withdrawals, expiries,
/// stake changes in both directions and time. Every call it makes is valid, except the deliberately refused
/// ones of the `try…` handlers, which are caught and must revert with the exact expected error.
contract VotesHandler is TestBase {
    uint32 internal constant DATANET = 1;
    uint256 internal constant MAX_CONTRIBUTIONS = 40;
    address public constant CONTRIBUTOR = address(0xC0FFEE);

    ContributionRegistry internal immutable registry;
    ValidatorStaking internal immutable staking;
    MockERC20 internal immutable token;
    address[4] public validators;
    bytes32[] internal _hashes;
    uint256[] internal _ids;
    uint256 internal _salt;

    /// @dev Per contribution id: its hash, the quorum and total fixed at its snapshot, the highest status it
    /// was seen in, every vote cast, and the snapshot stake counted per side (0 accept, 1 reject).
    mapping(uint256 id => bytes32) public hashOf;
    mapping(uint256 id => uint256) public snapshotOf;
    mapping(uint256 id => uint256) public quorumOf;
    mapping(uint256 id => uint8) public lastStatus;
    mapping(uint256 id => mapping(address => uint256)) public votesCast;
    mapping(uint256 id => uint256[2]) internal _sideStake;
    uint256 public statusRegressions;
    uint256 public doubleVotes;
    uint256 public decisionsBelowQuorum;
    uint256 public quorumDrifts;
    uint256 public lateVotes;
    uint256 public takenHashesRegistered;

    constructor(ContributionRegistry registry_, ValidatorStaking staking_, MockERC20 token_) {
        registry = registry_;
        staking = staking_;
        token = token_;
        for (uint256 i; i < 4; ++i) validators[i] = vm.addr(0xBEEF + i);
    }

    function contributionCount() external view returns (uint256) {
        return _ids.length;
    }

    function idAt(uint256 index) external view returns (uint256) {
        return _ids[index];
    }

    function sideStake(uint256 id) external view returns (uint256 accept, uint256 reject) {
        return (_sideStake[id][0], _sideStake[id][1]);
    }

    function register(uint256 seed, bool reuseHash) external {
        if (_ids.length >= MAX_CONTRIBUTIONS) return;
        bytes32 contentHash = reuseHash ? _hashWhere(seed, true) : bytes32(0);
        if (contentHash == bytes32(0)) {
            contentHash = keccak256(abi.encode("content", _hashes.length));
            _hashes.push(contentHash);
        }
        bytes32 salt = _commit(contentHash);
        uint256 previous = registry.contributionIdOf(contentHash);
        // A lapsed Pending contribution is expired by the registration that takes its hash.
        if (previous != 0) _observe(previous, uint8(registry.statusOf(contentHash)));
        vm.prank(CONTRIBUTOR);
        uint256 id = registry.register(DATANET, contentHash, "", salt);
        uint256 snapshot = block.timestamp - 1;
        (, uint256 quorum) = staking.votingPowerAt(validators[0], snapshot);
        _ids.push(id);
        hashOf[id] = contentHash;
        snapshotOf[id] = snapshot;
        quorumOf[id] = quorum;
        _observe(id, uint8(IContributionRegistry.ContributionStatus.Pending));
    }

    /// @dev A hash held by a Pending or Accepted contribution is never taken again.
    function tryRegisterTakenHash(uint256 seed) external {
        bytes32 contentHash = _hashWhere(seed, false);
        if (contentHash == bytes32(0)) return;
        bytes32 salt = _commit(contentHash);
        uint256 id = registry.contributionIdOf(contentHash);
        bytes memory expected = abi.encodeWithSelector(
            IContributionRegistry.ContentAlreadyRegistered.selector,
            contentHash,
            id
        );
        vm.prank(CONTRIBUTOR);
        try registry.register(DATANET, contentHash, "", salt) {
            ++takenHashesRegistered;
        } catch (bytes memory reason) {
            if (keccak256(reason) != keccak256(expected)) ++takenHashesRegistered;
        }
    }

    function vote(uint256 idSeed, uint256 validatorSeed, bool accept) external {
        if (_ids.length == 0) return;
        uint256 id = _ids[idSeed % _ids.length];
        bytes32 contentHash = hashOf[id];
        address validator = validators[validatorSeed % 4];
        if (!_isLive(id) || registry.statusOf(contentHash) != IContributionRegistry.ContributionStatus.Pending) return;
        (uint256 stake, uint256 quorum) = staking.votingPowerAt(validator, snapshotOf[id]);
        if (registry.hasVoted(id, validator) || stake == 0) return;
        // Stake that moved since the snapshot changes neither the voter's power nor the quorum.
        if (quorum != quorumOf[id]) ++quorumDrifts;
        vm.prank(validator);
        registry.vote(contentHash, accept);
        votesCast[id][validator] += 1;
        if (votesCast[id][validator] > 1) doubleVotes += 1;
        uint256 side = _sideStake[id][accept ? 0 : 1] + stake;
        _sideStake[id][accept ? 0 : 1] = side;
        IContributionRegistry.ContributionStatus status = registry.contributionOf(contentHash).status;
        if (status != IContributionRegistry.ContributionStatus.Pending && side < quorumOf[id]) ++decisionsBelowQuorum;
        if (status == IContributionRegistry.ContributionStatus.Pending && side >= quorumOf[id]) ++decisionsBelowQuorum;
        _observe(id, uint8(status));
    }

    /// @dev Tries to vote again with a validator the ghost saw vote; success would be a double vote.
    function tryDoubleVote(uint256 idSeed, uint256 validatorSeed, bool accept) external {
        if (_ids.length == 0) return;
        uint256 id = _ids[idSeed % _ids.length];
        address validator = validators[validatorSeed % 4];
        if (votesCast[id][validator] == 0 || !_isLive(id)) return;
        vm.prank(validator);
        try registry.vote(hashOf[id], accept) {
            doubleVotes += 1;
        } catch {}
    }

    /// @dev Tries to vote on a Pending contribution whose window has closed.
    function tryLateVote(uint256 idSeed, uint256 validatorSeed, bool accept) external {
        if (_ids.length == 0) return;
        uint256 id = _ids[idSeed % _ids.length];
        bytes32 contentHash = hashOf[id];
        if (!_isLive(id)) return;
        IContributionRegistry.Contribution memory c = registry.contributionOf(contentHash);
        uint256 closesAt = uint256(c.registeredAt) + registry.VOTING_PERIOD();
        if (c.status != IContributionRegistry.ContributionStatus.Pending || block.timestamp < closesAt) return;
        bytes memory expected = abi.encodeWithSelector(IContributionRegistry.VotingClosed.selector, id, closesAt);
        vm.prank(validators[validatorSeed % 4]);
        try registry.vote(contentHash, accept) {
            ++lateVotes;
        } catch (bytes memory reason) {
            if (keccak256(reason) != keccak256(expected)) ++lateVotes;
        }
    }

    function withdraw(uint256 idSeed) external {
        if (_ids.length == 0) return;
        uint256 id = _ids[idSeed % _ids.length];
        bytes32 contentHash = hashOf[id];
        if (!_isLive(id) || registry.statusOf(contentHash) != IContributionRegistry.ContributionStatus.Pending) return;
        vm.prank(CONTRIBUTOR);
        registry.withdrawContribution(contentHash);
        _observe(id, uint8(registry.contributionOf(contentHash).status));
    }

    function expire(uint256 idSeed) external {
        if (_ids.length == 0) return;
        uint256 id = _ids[idSeed % _ids.length];
        bytes32 contentHash = hashOf[id];
        if (!_isLive(id)) return;
        IContributionRegistry.Contribution memory c = registry.contributionOf(contentHash);
        if (c.status != IContributionRegistry.ContributionStatus.Pending) return;
        if (block.timestamp < uint256(c.registeredAt) + registry.VOTING_PERIOD()) return;
        registry.expire(contentHash);
        _observe(id, uint8(registry.contributionOf(contentHash).status));
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

    function requestUnstake(uint256 validatorSeed, uint256 amount) external {
        address validator = validators[validatorSeed % 4];
        uint256 bonded = staking.validators(validator).bonded;
        if (bonded == 0) return;
        amount = bound(amount, 1, bonded);
        uint256 remaining = bonded - amount;
        if (remaining != 0 && remaining < staking.minStake()) amount = bonded;
        vm.prank(validator);
        staking.requestUnstake(amount);
    }

    function advanceTime(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 2 days));
        vm.roll(block.number + 1);
    }

    function recheckAll() external {
        for (uint256 i; i < _ids.length; ++i) {
            uint256 id = _ids[i];
            if (_isLive(id)) _observe(id, uint8(registry.contributionOf(hashOf[id]).status));
        }
    }

    /// @dev The id is still the one its content hash points to: a freed hash registered again gets a new id.
    function _isLive(uint256 id) internal view returns (bool) {
        return registry.contributionIdOf(hashOf[id]) == id;
    }

    /// @dev From `seed` on, the first hash the registry would take again (`free`) or would refuse (otherwise).
    function _hashWhere(uint256 seed, bool free) internal view returns (bytes32) {
        uint256 n = _hashes.length;
        for (uint256 k; k < n; ++k) {
            bytes32 contentHash = _hashes[((seed % n) + k) % n];
            IContributionRegistry.ContributionStatus status = registry.statusOf(contentHash);
            bool taken = status == IContributionRegistry.ContributionStatus.Pending ||
                status == IContributionRegistry.ContributionStatus.Accepted;
            if (taken != free) return contentHash;
        }
        return bytes32(0);
    }

    function _commit(bytes32 contentHash) internal returns (bytes32 salt) {
        salt = bytes32(++_salt);
        bytes32[] memory one = new bytes32[](1);
        one[0] = contentHash;
        registry.commit(registry.commitmentOf(CONTRIBUTOR, DATANET, one, salt));
        vm.warp(block.timestamp + registry.commitmentMinAge());
        vm.roll(block.number + 1);
    }

    /// @dev Statuses only move forward: None → Pending → one of Accepted, Rejected, Withdrawn, Expired, final.
    function _observe(uint256 id, uint8 status) internal {
        uint8 last = lastStatus[id];
        bool forward = status == last || (last == 0 && status == 1) || (last == 1 && status > 1);
        if (!forward) statusRegressions += 1;
        lastStatus[id] = status;
    }
}

contract ContributionVotesInvariant is InvariantBase {
    ContributionRegistry internal registry;
    ValidatorStaking internal staking;
    VotesHandler internal handler;

    function setUp() public {
        vm.warp(1_700_000_000);
        vm.roll(10);
        address admin = makeAddr("admin");
        MockERC20 token = new MockERC20("Stake", "STK");
        staking = _newStaking(address(token), admin);
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

    /// @notice A contribution is decided exactly when one side reaches the quorum fixed at its snapshot,
    /// never below it, however stake is bonded or unbonded after it opened.
    function invariant_quorumNeverReachedWithLessThanQuorumStake() public view {
        assertEq(handler.decisionsBelowQuorum(), 0, "decided below quorum");
        assertEq(handler.quorumDrifts(), 0, "quorum moved after the snapshot");
    }

    /// @notice The stake voted on a contribution, both sides together, is at most the total bonded at its
    /// snapshot, and the accepted bit agrees with the status.
    function invariant_votedStakeWithinSnapshotTotal() public view {
        uint256 count = handler.contributionCount();
        for (uint256 i; i < count; ++i) {
            uint256 id = handler.idAt(i);
            (uint256 accept, uint256 reject) = handler.sideStake(id);
            assertLe(accept + reject, staking.totalStakeAt(handler.snapshotOf(id)), "voted <= snapshot total");
            bool accepted = handler.lastStatus(id) == uint8(IContributionRegistry.ContributionStatus.Accepted);
            assertTrue(registry.isAccepted(id) == accepted, "accepted bit == Accepted status");
        }
    }

    /// @notice A contribution takes votes only inside its window; afterwards an undecided one reads Expired,
    /// and only a Rejected, Withdrawn or Expired one gives its content hash up.
    function invariant_votingClosesAndHashesFreeOnlyWhenUndecidedOrRejected() public view {
        assertEq(handler.lateVotes(), 0, "vote after the window");
        assertEq(handler.takenHashesRegistered(), 0, "a Pending or Accepted hash was taken again");
        uint256 count = handler.contributionCount();
        for (uint256 i; i < count; ++i) {
            uint256 id = handler.idAt(i);
            bytes32 contentHash = handler.hashOf(id);
            if (registry.contributionIdOf(contentHash) != id) continue;
            IContributionRegistry.Contribution memory c = registry.contributionOf(contentHash);
            bool lapsed = block.timestamp >= uint256(c.registeredAt) + registry.VOTING_PERIOD();
            if (c.status == IContributionRegistry.ContributionStatus.Pending && lapsed) {
                assertTrue(
                    registry.statusOf(contentHash) == IContributionRegistry.ContributionStatus.Expired,
                    "lapsed Pending reads Expired"
                );
            }
        }
    }
}

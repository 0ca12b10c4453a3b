// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TributaryFixture} from "../utils/TributaryFixture.sol";
import {VotingFixture} from "../utils/VotingFixture.sol";
import {ContributionRegistry} from "../../contracts/ContributionRegistry.sol";
import {IContributionRegistry} from "../../contracts/interfaces/IContributionRegistry.sol";

contract ContributionRegistry_constructor is TributaryFixture {
    /// @notice A voting window never outlasts the shortest unbonding period, so no stake can unbond,
    /// be withdrawn and vote again while an item it could vote on is open.
    function test_RevertWhen_votingPeriodExceedsTheShortestUnbonding() public {
        uint256 longest = staking.MAX_VOTING_PERIOD();
        uint256 minimum = registry.MIN_VOTING_PERIOD();
        assertEq(longest, staking.MIN_UNBONDING_PERIOD(), "longest window == shortest unbonding");
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.VotingPeriodOutOfBounds.selector,
                longest + 1,
                minimum,
                longest
            )
        );
        new ContributionRegistry(address(staking), admin, longest + 1, COMMITMENT_MIN_AGE, 1 days);
    }
}

contract ContributionRegistry_vote is VotingFixture {
    bytes32 internal constant WORK = keccak256("work");
    address internal contributor = makeAddr("contributor");

    /// @notice The status changes exactly when one side's stake first reaches ceil(total × quorumBps / 10 000).
    function testFuzz_vote_decidesExactlyAtQuorum(
        uint256[4] memory stakes,
        uint8 supportBits,
        uint256 quorumBps
    ) public {
        quorumBps = bound(quorumBps, staking.MIN_QUORUM_BPS(), staking.MAX_QUORUM_BPS());
        vm.prank(admin);
        staking.setQuorumBps(quorumBps);
        address[4] memory validators;
        uint256 total;
        for (uint256 i; i < 4; ++i) {
            stakes[i] = bound(stakes[i], MIN_STAKE, 1e24);
            validators[i] = vm.addr(i + 100);
            _stake(validators[i], stakes[i]);
            total += stakes[i];
        }
        uint256 quorum = (total * quorumBps + 9_999) / 10_000;
        bytes32 contentHash = keccak256("work");
        uint256 id = _register(makeAddr("contributor"), _createDatanet(admin), contentHash);

        uint256 acceptStake;
        uint256 rejectStake;
        for (uint256 i; i < 4; ++i) {
            bool accept = (supportBits >> i) & 1 == 1;
            vm.prank(validators[i]);
            registry.vote(contentHash, accept);
            if (accept) acceptStake += stakes[i];
            else rejectStake += stakes[i];
            IContributionRegistry.ContributionStatus status = registry.contributionOf(contentHash).status;
            if (acceptStake >= quorum && accept) {
                assertTrue(status == IContributionRegistry.ContributionStatus.Accepted, "accepted at quorum");
                assertTrue(registry.isAccepted(id), "accepted bit");
                return;
            }
            if (rejectStake >= quorum && !accept) {
                assertTrue(status == IContributionRegistry.ContributionStatus.Rejected, "rejected at quorum");
                return;
            }
            assertTrue(status == IContributionRegistry.ContributionStatus.Pending, "pending below quorum");
            assertTrue(acceptStake < quorum && rejectStake < quorum, "no side at quorum");
        }
    }

    /// @notice The q/(1+q) attack on a contribution: 40 % votes, unstakes, and 10 % votes with it. The quorum
    /// stays the one fixed at the snapshot, so the contribution stays Pending.
    function test_vote_unstakingAfterVotingKeepsTheSnapshotQuorum() public {
        _stakeAttackSplit();
        uint256 id = _register(contributor, _createDatanet(admin), WORK);
        vm.prank(attacker);
        registry.vote(WORK, true);
        _unstake(attacker, 400e18);
        assertLe(staking.quorumStake(), 500e18, "a quorum read from the live total is now within reach");

        vm.prank(small);
        registry.vote(WORK, true);
        assertTrue(registry.statusOf(WORK) == IContributionRegistry.ContributionStatus.Pending, "still Pending");
        assertEq(registry.tallies(id).acceptNeeded, _quorumOf(1_000e18) - 500e18, "accept side still needs");

        vm.prank(honest);
        registry.vote(WORK, false);
        assertTrue(registry.statusOf(WORK) == IContributionRegistry.ContributionStatus.Pending, "nor rejected");
        vm.warp(registry.contributionOf(WORK).registeredAt + VOTING_PERIOD);
        assertTrue(registry.statusOf(WORK) == IContributionRegistry.ContributionStatus.Expired, "expires");
    }

    /// @notice For any quorum and split: the attacker holds just enough that, with its stake gone from the live
    /// total, it and a minimum-stake ally would reach the live quorum. The contribution is Accepted only if
    /// the two really held the quorum at the snapshot.
    function testFuzz_vote_unstakingAfterVotingNeverLowersTheQuorum(uint256 honestStake, uint256 quorumBps) public {
        quorumBps = bound(quorumBps, staking.MIN_QUORUM_BPS(), staking.MAX_QUORUM_BPS());
        honestStake = bound(honestStake, MIN_STAKE, 1e24);
        vm.prank(admin);
        staking.setQuorumBps(quorumBps);
        uint256 liveQuorum = ((honestStake + MIN_STAKE) * quorumBps + 9_999) / 10_000;
        uint256 attackerStake = liveQuorum > 2 * MIN_STAKE ? liveQuorum - MIN_STAKE : MIN_STAKE;
        _stake(attacker, attackerStake);
        _stake(honest, honestStake);
        _stake(small, MIN_STAKE);
        uint256 id = _register(contributor, _createDatanet(admin), WORK);

        vm.prank(attacker);
        registry.vote(WORK, true);
        _unstake(attacker, attackerStake);
        assertLe(staking.quorumStake(), attackerStake + MIN_STAKE, "the live quorum is within reach");
        vm.prank(small);
        registry.vote(WORK, true);

        uint256 snapshotQuorum = ((attackerStake + honestStake + MIN_STAKE) * quorumBps + 9_999) / 10_000;
        bool held = attackerStake + MIN_STAKE >= snapshotQuorum;
        assertTrue(
            registry.statusOf(WORK) ==
                (
                    held
                        ? IContributionRegistry.ContributionStatus.Accepted
                        : IContributionRegistry.ContributionStatus.Pending
                ),
            "decided only by the snapshot quorum"
        );
        assertTrue(registry.isAccepted(id) == held, "accepted bit");
    }

    /// @notice The recycle attack: stake that was unbonding when the contribution opened is released while
    /// it is open, withdrawn and bonded again from a new address, which then tries to vote next to the
    /// address that already voted with the rest.
    function test_RevertWhen_recycledStakeVotesAgain() public {
        _stakeAttackSplit();
        _unstake(attacker, 100e18);
        uint256 releaseAt = staking.validators(attacker).unbondingReleaseAt;
        vm.warp(releaseAt - 1 days);
        uint256 id = _register(contributor, _createDatanet(admin), WORK);
        uint256 snapshot = registry.contributionOf(WORK).registeredAt - 1;
        vm.prank(attacker);
        registry.vote(WORK, true);

        vm.warp(releaseAt);
        address recycled = makeAddr("recycled");
        assertEq(_restake(attacker, recycled), 100e18, "recycled");
        vm.warp(block.timestamp + 1);
        vm.prank(recycled);
        vm.expectRevert(abi.encodeWithSelector(IContributionRegistry.NoVotingPower.selector, recycled, snapshot));
        registry.vote(WORK, true);
        assertEq(registry.tallies(id).acceptNeeded, _quorumOf(900e18) - 300e18, "only the snapshot stake counted");
    }

    /// @notice A full unbonding cycle outlasts the voting window: recycled stake finds the vote closed.
    function test_RevertWhen_recycledStakeVotesAfterAFullUnbondingCycle() public {
        _stakeAttackSplit();
        uint256 id = _register(contributor, _createDatanet(admin), WORK);
        vm.prank(attacker);
        registry.vote(WORK, true);
        _unstake(attacker, 400e18);
        vm.warp(block.timestamp + UNBONDING);
        address recycled = makeAddr("recycled");
        _restake(attacker, recycled);
        vm.warp(block.timestamp + 1);
        uint256 closesAt = registry.contributionOf(WORK).registeredAt + VOTING_PERIOD;
        vm.prank(recycled);
        vm.expectRevert(abi.encodeWithSelector(IContributionRegistry.VotingClosed.selector, id, closesAt));
        registry.vote(WORK, true);
    }

    function test_RevertWhen_stakeBondedInTheRegistrationSecondVotes() public {
        _stakeAttackSplit();
        _register(contributor, _createDatanet(admin), WORK);
        uint256 snapshot = block.timestamp - 1;
        address latecomer = makeAddr("latecomer");
        _stake(latecomer, 10_000e18);
        vm.prank(latecomer);
        vm.expectRevert(abi.encodeWithSelector(IContributionRegistry.NoVotingPower.selector, latecomer, snapshot));
        registry.vote(WORK, true);
    }

    function test_vote_countsUntilTheLastSecondOfTheWindow() public {
        _stakeAttackSplit();
        uint256 id = _register(contributor, _createDatanet(admin), WORK);
        vm.warp(block.timestamp + VOTING_PERIOD - 1);
        vm.expectEmit();
        emit IContributionRegistry.VoteCast(id, honest, true, 500e18, registry.currentEpoch());
        vm.prank(honest);
        registry.vote(WORK, true);
    }

    function test_RevertWhen_votingWhenTheWindowHasClosed() public {
        _stakeAttackSplit();
        uint256 id = _register(contributor, _createDatanet(admin), WORK);
        uint256 closesAt = block.timestamp + VOTING_PERIOD;
        vm.warp(closesAt);
        vm.prank(honest);
        vm.expectRevert(abi.encodeWithSelector(IContributionRegistry.VotingClosed.selector, id, closesAt));
        registry.vote(WORK, true);
    }
}

contract ContributionRegistry_expire is VotingFixture {
    bytes32 internal constant WORK = keccak256("work");
    address internal contributor = makeAddr("contributor");
    uint256 internal id;
    uint256 internal closesAt;

    function setUp() public override {
        super.setUp();
        _stakeAttackSplit();
        id = _register(contributor, _createDatanet(admin), WORK);
        closesAt = block.timestamp + VOTING_PERIOD;
    }

    function test_expire_recordsALapsedContribution() public {
        vm.warp(closesAt);
        vm.expectEmit();
        emit IContributionRegistry.ContributionExpired(id, registry.currentEpoch());
        registry.expire(WORK);
        assertTrue(
            registry.contributionOf(WORK).status == IContributionRegistry.ContributionStatus.Expired,
            "stored Expired"
        );
    }

    function test_statusOf_reportsExpiredOnceTheWindowCloses() public {
        vm.warp(closesAt - 1);
        assertTrue(registry.statusOf(WORK) == IContributionRegistry.ContributionStatus.Pending, "open");
        vm.warp(closesAt);
        assertTrue(registry.statusOf(WORK) == IContributionRegistry.ContributionStatus.Expired, "lapsed");
        assertTrue(
            registry.contributionOf(WORK).status == IContributionRegistry.ContributionStatus.Pending,
            "stored Pending until expired"
        );
    }

    function test_RevertWhen_expiringWhileVotingIsOpen() public {
        vm.warp(closesAt - 1);
        vm.expectRevert(abi.encodeWithSelector(IContributionRegistry.VotingStillOpen.selector, id, closesAt));
        registry.expire(WORK);
    }

    function test_RevertWhen_expiringADecidedContribution() public {
        vm.prank(attacker);
        registry.vote(WORK, true);
        vm.prank(honest);
        registry.vote(WORK, true);
        vm.warp(closesAt);
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionNotPending.selector,
                id,
                IContributionRegistry.ContributionStatus.Accepted
            )
        );
        registry.expire(WORK);
    }

    function test_RevertWhen_expiringTwice() public {
        vm.warp(closesAt);
        registry.expire(WORK);
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionNotPending.selector,
                id,
                IContributionRegistry.ContributionStatus.Expired
            )
        );
        registry.expire(WORK);
    }

    function test_RevertWhen_withdrawingALapsedContribution() public {
        vm.warp(closesAt);
        vm.prank(contributor);
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionRegistry.ContributionNotPending.selector,
                id,
                IContributionRegistry.ContributionStatus.Expired
            )
        );
        registry.withdrawContribution(WORK);
    }
}

contract ContributionRegistry_register is VotingFixture {
    bytes32 internal constant WORK = keccak256("work");
    address internal contributor = makeAddr("contributor");
    uint32 internal datanetId;
    uint256 internal id;

    function setUp() public override {
        super.setUp();
        _stakeAttackSplit();
        datanetId = _createDatanet(admin);
        id = _register(contributor, datanetId, WORK);
    }

    /// @notice A lapsed Pending contribution gives its hash up; taking it records the expiry first.
    function test_register_takesTheHashOfALapsedContribution() public {
        vm.warp(block.timestamp + VOTING_PERIOD);
        _commitAged(contributor, datanetId, WORK);
        vm.expectEmit();
        emit IContributionRegistry.ContributionExpired(id, registry.currentEpoch());
        vm.prank(contributor);
        uint256 newId = registry.register(datanetId, WORK, "ipfs://again", bytes32(0));
        _assertTakenAgain(newId);
    }

    function test_register_takesTheHashOfAnExpiredContribution() public {
        vm.warp(block.timestamp + VOTING_PERIOD);
        registry.expire(WORK);
        _assertTakenAgain(_register(contributor, datanetId, WORK));
    }

    function test_register_takesTheHashOfARejectedContribution() public {
        vm.prank(attacker);
        registry.vote(WORK, false);
        vm.prank(honest);
        registry.vote(WORK, false);
        assertTrue(registry.statusOf(WORK) == IContributionRegistry.ContributionStatus.Rejected, "rejected");
        _assertTakenAgain(_register(contributor, datanetId, WORK));
    }

    function test_register_takesTheHashOfAWithdrawnContribution() public {
        vm.prank(contributor);
        registry.withdrawContribution(WORK);
        _assertTakenAgain(_register(contributor, datanetId, WORK));
    }

    function test_RevertWhen_registeringTheHashOfAPendingContribution() public {
        vm.warp(block.timestamp + VOTING_PERIOD - 1 - COMMITMENT_MIN_AGE);
        _commitAged(contributor, datanetId, WORK);
        vm.prank(contributor);
        vm.expectRevert(abi.encodeWithSelector(IContributionRegistry.ContentAlreadyRegistered.selector, WORK, id));
        registry.register(datanetId, WORK, "ipfs://again", bytes32(0));
    }

    /// @notice An Accepted contribution keeps its hash for good, long after its window.
    function test_RevertWhen_registeringTheHashOfAnAcceptedContribution() public {
        vm.prank(attacker);
        registry.vote(WORK, true);
        vm.prank(honest);
        registry.vote(WORK, true);
        vm.warp(block.timestamp + 10 * VOTING_PERIOD);
        _commitAged(contributor, datanetId, WORK);
        vm.prank(contributor);
        vm.expectRevert(abi.encodeWithSelector(IContributionRegistry.ContentAlreadyRegistered.selector, WORK, id));
        registry.register(datanetId, WORK, "ipfs://again", bytes32(0));
    }

    /// @dev The hash now points to a new, Pending contribution with a fresh window and snapshot.
    function _assertTakenAgain(uint256 newId) internal view {
        assertEq(newId, id + 1, "new id");
        IContributionRegistry.Contribution memory c = registry.contributionOf(WORK);
        assertEq(c.id, newId, "hash points to the new contribution");
        assertTrue(c.status == IContributionRegistry.ContributionStatus.Pending, "Pending");
        assertEq(c.registeredAt, block.timestamp, "fresh window");
        assertTrue(!registry.isAccepted(id), "old id not accepted");
    }
}

contract ContributionRegistry_acceptedDatanet is VotingFixture {
    address internal v1 = makeAddr("v1");
    address internal contributor = makeAddr("contributor");

    function setUp() public override {
        super.setUp();
        _stake(v1, 1_000e18);
    }

    /// @notice A contribution's datanet is published once it is Accepted, and only then; neighbours sharing
    /// its word keep their own.
    function test_acceptedDatanetOf_isZeroUntilAcceptedThenTheDatanet() public {
        address curator = makeAddr("curator");
        _createDatanet(curator);
        uint32 second = _createDatanet(curator);
        uint32 third = _createDatanet(curator);
        bytes32 workA = keccak256("work a");
        bytes32 workB = keccak256("work b");
        bytes32 workC = keccak256("work c");
        uint256 a = _register(contributor, second, workA);
        uint256 b = _register(contributor, third, workB);
        uint256 c = _register(contributor, third, workC);
        assertEq(a >> 3, b >> 3, "one word");
        assertEq(registry.acceptedDatanetOf(a), 0, "pending: none");
        assertEq(registry.acceptedDatanetWord(a >> 3), 0, "empty word");

        vm.prank(v1);
        registry.vote(workA, true);
        assertEq(registry.acceptedDatanetOf(a), second, "accepted: its datanet");
        assertEq(registry.acceptedDatanetOf(b), 0, "neighbour still pending");

        vm.prank(v1);
        registry.vote(workB, true);
        vm.prank(v1);
        registry.vote(workC, false);
        assertEq(registry.acceptedDatanetOf(a), second, "unchanged by a neighbour");
        assertEq(registry.acceptedDatanetOf(b), third, "neighbour accepted");
        assertEq(registry.acceptedDatanetOf(c), 0, "rejected: none");
        assertEq(
            registry.acceptedDatanetWord(a >> 3),
            (uint256(second) << ((a & 7) * 32)) | (uint256(third) << ((b & 7) * 32)),
            "packed word"
        );
    }

    /// @notice Ids in the next word are kept in the next word.
    function test_acceptedDatanetOf_acrossWords() public {
        uint32 datanetId = _createDatanet(makeAddr("curator"));
        uint256 id;
        bytes32 contentHash;
        for (uint256 i; i < 9; ++i) {
            contentHash = keccak256(abi.encode("work", i));
            id = _register(contributor, datanetId, contentHash);
        }
        assertEq(id, 9, "ninth id");
        vm.prank(v1);
        registry.vote(contentHash, true);
        assertEq(registry.acceptedDatanetOf(9), datanetId, "accepted");
        assertEq(registry.acceptedDatanetOf(8), 0, "pending neighbour");
        assertEq(registry.acceptedDatanetOf(1), 0, "other word");
        assertEq(registry.acceptedDatanetWord(1), uint256(datanetId) << 32, "second word, second slot");
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TributaryFixture} from "../utils/TributaryFixture.sol";
import {VotingFixture} from "../utils/VotingFixture.sol";
import {AttributionLedger} from "../../contracts/AttributionLedger.sol";
import {IAttributionLedger} from "../../contracts/interfaces/IAttributionLedger.sol";
import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";

contract AttributionLedger_constructor is TributaryFixture {
    /// @notice A batch's window never outlasts the shortest unbonding period, so no stake can unbond, be
    /// withdrawn and attest again while a batch it could attest is open.
    function test_RevertWhen_votingPeriodExceedsTheShortestUnbonding() public {
        uint256 longest = staking.MAX_VOTING_PERIOD();
        uint256 minimum = ledger.MIN_VOTING_PERIOD();
        vm.expectRevert(
            abi.encodeWithSelector(IAttributionLedger.VotingPeriodOutOfBounds.selector, longest + 1, minimum, longest)
        );
        new AttributionLedger(address(staking), address(registry), address(distributor), admin, longest + 1);
    }
}

contract AttributionLedger_propose is VotingFixture {
    uint256 internal constant CONTRIBUTIONS = 40;
    address internal v1 = makeAddr("v1");
    address internal v2 = makeAddr("v2");
    address internal v3 = makeAddr("v3");
    mapping(uint256 id => bool) internal accepted;

    function setUp() public override {
        super.setUp();
        _stake(v1, 1_000e18);
        _stake(v2, 800e18);
        _stake(v3, 600e18);
        uint32 datanetId = _createDatanet(makeAddr("curator"));
        address contributor = makeAddr("contributor");
        for (uint256 i = 1; i <= CONTRIBUTIONS; ++i) {
            bytes32 contentHash = keccak256(abi.encode("work", i));
            uint256 id = _register(contributor, datanetId, contentHash);
            // Every third contribution stays Pending.
            if (i % 3 == 0) continue;
            vm.prank(v1);
            registry.vote(contentHash, true);
            vm.prank(v2);
            registry.vote(contentHash, true);
            accepted[id] = true;
        }
    }

    /// @notice A batch is accepted if and only if every record obeys every rule.
    function testFuzz_propose_acceptsIffEveryRecordIsValid(uint256 seed) public {
        uint256 recordCount = 1 + (seed % 4);
        bytes memory records;
        bool valid = true;
        uint256 previousOutput;
        for (uint256 r; r < recordCount; ++r) {
            seed = uint256(keccak256(abi.encode(seed)));
            // Mostly increasing output ids, sometimes equal or zero.
            uint256 outputId = seed % 16 == 0 ? previousOutput : previousOutput + 1 + (seed % 1_000);
            uint128 value = seed % 17 == 0 ? 0 : uint128(1 + ((seed >> 8) % 1e24));
            (bytes memory vector, bool vectorValid) = _vector(seed >> 16);
            if (outputId == 0 || outputId <= previousOutput || value == 0 || !vectorValid) valid = false;
            records = bytes.concat(records, abi.encodePacked(bytes32(outputId), uint32(0), value), vector);
            previousOutput = outputId;
        }
        vm.prank(v1);
        try ledger.propose(records) returns (uint256 batchId) {
            assertTrue(valid, "an invalid batch was accepted");
            assertEq(ledger.batches(batchId).recordCount, recordCount, "record count");
        } catch {
            assertTrue(!valid, "a valid batch was refused");
        }
    }

    /// @dev A random vector: usually well formed, sometimes with one rule broken.
    function _vector(uint256 seed) internal view returns (bytes memory encoded, bool valid) {
        uint256 n = seed % 8 == 0 ? (seed >> 3) % 40 : 1 + ((seed >> 3) % 8);
        valid = n > 0 && n <= ledger.MAX_ATTRIBUTIONS();
        encoded = abi.encodePacked(uint8(n));
        uint256 id;
        uint256 remaining = 10_000;
        bool breakSum = (seed >> 9) % 11 == 0;
        bool breakOrder = (seed >> 13) % 13 == 0;
        for (uint256 j; j < n; ++j) {
            seed = uint256(keccak256(abi.encode(seed, j)));
            uint256 step = 1 + (seed % 3);
            uint256 nextId = breakOrder && j == 1 ? id : id + step;
            if (nextId <= id || nextId > CONTRIBUTIONS || !accepted[nextId]) valid = false;
            id = nextId;
            uint256 weight;
            if (j + 1 == n) weight = breakSum ? remaining + 1 : remaining;
            else weight = remaining > (n - j) ? 1 + ((seed >> 8) % (remaining / (n - j))) : 0;
            if (weight == 0 || weight > type(uint16).max) valid = false;
            if (j + 1 == n && breakSum) valid = false;
            remaining = weight <= remaining ? remaining - weight : 0;
            encoded = bytes.concat(encoded, abi.encodePacked(uint32(id), uint16(weight)));
        }
    }

    /// @notice Stake bonded in the proposal's second is after its snapshot: it cannot propose.
    function test_RevertWhen_proposerBondedInTheSameSecond() public {
        address newcomer = makeAddr("newcomer");
        _stakeNow(newcomer, 10_000e18);
        vm.prank(newcomer);
        vm.expectRevert(
            abi.encodeWithSelector(IAttributionLedger.NoVotingPower.selector, newcomer, block.timestamp - 1)
        );
        ledger.propose(_singleRecord(1, 1));
    }

    function test_RevertWhen_weightsDoNotSumTo10000() public {
        bytes memory records = abi.encodePacked(
            bytes32(uint256(1)),
            uint32(0),
            uint128(5),
            uint8(2),
            uint32(1),
            uint16(5_000)
        );
        records = bytes.concat(records, abi.encodePacked(uint32(2), uint16(4_000)));
        vm.prank(v1);
        vm.expectRevert(abi.encodeWithSelector(IAttributionLedger.WeightsSumMismatch.selector, 0, 9_000));
        ledger.propose(records);
    }
}

contract AttributionLedger_attest is VotingFixture {
    uint256 internal contributionId;

    /// @dev One Accepted contribution, accepted by a validator that then left: each test bonds its own split.
    function setUp() public override {
        super.setUp();
        address bootstrap = makeAddr("bootstrap");
        _stake(bootstrap, MIN_STAKE);
        bytes32 contentHash = keccak256("work");
        contributionId = _register(makeAddr("contributor"), _createDatanet(makeAddr("curator")), contentHash);
        vm.prank(bootstrap);
        registry.vote(contentHash, true);
        _unstake(bootstrap, MIN_STAKE);
    }

    /// @notice The q/(1+q) attack on a batch: 40 % proposes, unstakes, and a 10 % validator attests. The
    /// quorum stays the one fixed at the proposal's snapshot: the batch stays Pending, then expires.
    function test_attest_proposerUnstakingKeepsTheSnapshotQuorum() public {
        _stakeAttackSplit();
        uint256 batchId = _propose(attacker);
        assertEq(ledger.tallies(batchId).acceptNeeded, _quorumOf(1_000e18) - 400e18, "proposal counted");
        _unstake(attacker, 400e18);
        assertLe(staking.quorumStake(), 500e18, "a quorum read from the live total is now within reach");

        vm.prank(small);
        ledger.attest(batchId, true);
        assertTrue(ledger.batchStatus(batchId) == IAttributionLedger.BatchStatus.Pending, "still Pending");
        assertEq(ledger.tallies(batchId).acceptNeeded, _quorumOf(1_000e18) - 500e18, "accept side still needs");

        uint256 closesAt = ledger.batches(batchId).proposedAt + VOTING_PERIOD;
        vm.warp(closesAt);
        assertTrue(ledger.batchStatus(batchId) == IAttributionLedger.BatchStatus.Expired, "expires");
        vm.prank(honest);
        vm.expectRevert(abi.encodeWithSelector(IAttributionLedger.BatchExpired.selector, batchId, closesAt));
        ledger.attest(batchId, true);
    }

    /// @notice For any quorum and split: the proposer holds just enough that, with its stake gone from the
    /// live total, it and a minimum-stake attester would reach the live quorum. The batch is Final only if
    /// the two really held the quorum at the snapshot.
    function testFuzz_attest_proposerUnstakingNeverLowersTheQuorum(uint256 honestStake, uint256 quorumBps) public {
        quorumBps = bound(quorumBps, staking.MIN_QUORUM_BPS(), staking.MAX_QUORUM_BPS());
        honestStake = bound(honestStake, MIN_STAKE, 1e24);
        vm.prank(admin);
        staking.setQuorumBps(quorumBps);
        uint256 liveQuorum = ((honestStake + MIN_STAKE) * quorumBps + 9_999) / 10_000;
        uint256 attackerStake = liveQuorum > 2 * MIN_STAKE ? liveQuorum - MIN_STAKE : MIN_STAKE;
        _stake(attacker, attackerStake);
        _stake(honest, honestStake);
        _stake(small, MIN_STAKE);

        uint256 snapshotQuorum = ((attackerStake + honestStake + MIN_STAKE) * quorumBps + 9_999) / 10_000;
        uint256 batchId = _propose(attacker);
        // The proposer alone never holds the quorum here: its stake is below the others' combined share.
        assertTrue(ledger.batchStatus(batchId) == IAttributionLedger.BatchStatus.Pending, "Pending on proposal");
        _unstake(attacker, attackerStake);
        assertLe(staking.quorumStake(), attackerStake + MIN_STAKE, "the live quorum is within reach");
        vm.prank(small);
        ledger.attest(batchId, true);

        bool held = attackerStake + MIN_STAKE >= snapshotQuorum;
        assertTrue(
            ledger.batchStatus(batchId) ==
                (held ? IAttributionLedger.BatchStatus.Final : IAttributionLedger.BatchStatus.Pending),
            "decided only by the snapshot quorum"
        );
    }

    /// @notice The recycle attack: stake that was unbonding when the batch was proposed is released while it
    /// is open, withdrawn and bonded again from a new address, which then tries to attest next to the proposer.
    function test_RevertWhen_recycledStakeAttests() public {
        _stakeAttackSplit();
        _unstake(attacker, 100e18);
        uint256 releaseAt = staking.validators(attacker).unbondingReleaseAt;
        vm.warp(releaseAt - 1 days);
        uint256 batchId = _propose(attacker);
        uint256 snapshot = ledger.batches(batchId).proposedAt - 1;

        vm.warp(releaseAt);
        address recycled = makeAddr("recycled");
        assertEq(_restake(attacker, recycled), 100e18, "recycled");
        vm.warp(block.timestamp + 1);
        vm.prank(recycled);
        vm.expectRevert(abi.encodeWithSelector(IAttributionLedger.NoVotingPower.selector, recycled, snapshot));
        ledger.attest(batchId, true);
        assertEq(ledger.tallies(batchId).acceptNeeded, _quorumOf(900e18) - 300e18, "only the snapshot stake counted");
    }

    /// @notice A full unbonding cycle outlasts the batch's window: recycled stake finds it expired.
    function test_RevertWhen_recycledStakeAttestsAfterAFullUnbondingCycle() public {
        _stakeAttackSplit();
        uint256 batchId = _propose(attacker);
        uint256 closesAt = block.timestamp + VOTING_PERIOD;
        _unstake(attacker, 400e18);
        vm.warp(block.timestamp + UNBONDING);
        address recycled = makeAddr("recycled");
        _restake(attacker, recycled);
        vm.warp(block.timestamp + 1);
        vm.prank(recycled);
        vm.expectRevert(abi.encodeWithSelector(IAttributionLedger.BatchExpired.selector, batchId, closesAt));
        ledger.attest(batchId, true);
    }

    function test_RevertWhen_stakeBondedInTheProposalSecondAttests() public {
        _stakeAttackSplit();
        uint256 batchId = _propose(honest);
        uint256 snapshot = block.timestamp - 1;
        address latecomer = makeAddr("latecomer");
        _stake(latecomer, 10_000e18);
        vm.prank(latecomer);
        vm.expectRevert(abi.encodeWithSelector(IAttributionLedger.NoVotingPower.selector, latecomer, snapshot));
        ledger.attest(batchId, true);
    }

    /// @notice Unstaking after proposing does not take the proposal back either: its snapshot stake counts
    /// with a later attestation.
    function test_attest_countsAnUnstakedProposersSnapshotStake() public {
        _stakeAttackSplit();
        uint256 batchId = _propose(attacker);
        _unstake(attacker, 400e18);
        vm.warp(block.timestamp + VOTING_PERIOD - 1);
        vm.prank(honest);
        ledger.attest(batchId, true);
        assertTrue(ledger.batchStatus(batchId) == IAttributionLedger.BatchStatus.Final, "final at 900 of 1000");
    }

    function test_RevertWhen_attestingWhenTheWindowHasClosed() public {
        _stakeAttackSplit();
        uint256 batchId = _propose(attacker);
        uint256 closesAt = block.timestamp + VOTING_PERIOD;
        vm.warp(closesAt);
        vm.prank(honest);
        vm.expectRevert(abi.encodeWithSelector(IAttributionLedger.BatchExpired.selector, batchId, closesAt));
        ledger.attest(batchId, true);
    }

    function _propose(address proposer) internal returns (uint256 batchId) {
        vm.prank(proposer);
        batchId = ledger.propose(_singleRecord(1, contributionId));
    }
}

/// @notice Records name the pool that pays for them; a pool limited to datanets refuses contributions
/// from other datanets, and the network pool takes any.
contract AttributionLedger_pools is VotingFixture {
    uint256 internal constant CONTRIBUTIONS = 12;
    address internal v1 = makeAddr("v1");
    uint32 internal d1;
    uint32 internal d2;
    uint32 internal d3;
    /// @dev Contribution ids in registration order (ids 1 to 12). Ids 1 to 8 fill one word of the
    /// registry's datanet map, odd ones in d1 and even ones in d2; ids 9 to 12 start the next word the
    /// other way round, so no id shares its datanet with the id at the same slot of the other word.
    uint256[] internal ids;
    mapping(uint256 id => uint32) internal datanetOf;
    /// @dev Limited to d1; to d1 and d3; to d2.
    uint256 internal poolA;
    uint256 internal poolB;
    uint256 internal poolC;

    function setUp() public override {
        super.setUp();
        _stake(v1, 1_000e18);
        address curator = makeAddr("curator");
        d1 = _createDatanet(curator);
        d2 = _createDatanet(curator);
        d3 = _createDatanet(curator);
        address contributor = makeAddr("contributor");
        for (uint256 i = 1; i <= CONTRIBUTIONS; ++i) {
            bytes32 contentHash = keccak256(abi.encode("pooled work", i));
            uint32 datanetId = (i <= 8) == (i % 2 == 1) ? d1 : d2;
            uint256 id = _register(contributor, datanetId, contentHash);
            vm.prank(v1);
            registry.vote(contentHash, true);
            ids.push(id);
            datanetOf[id] = datanetId;
        }
        poolA = _pool(_datanets(d1));
        uint24[] memory both = new uint24[](2);
        both[0] = uint24(d1);
        both[1] = uint24(d3);
        poolB = _pool(both);
        poolC = _pool(_datanets(d2));
    }

    function test_RevertWhen_recordNamesAnUnknownPool() public {
        uint256 count = distributor.poolCount();
        vm.expectRevert(abi.encodeWithSelector(IAttributionLedger.PoolNotFound.selector, 0, count));
        vm.prank(v1);
        ledger.propose(_record(1, count, ids[0]));
    }

    function test_RevertWhen_aLaterRecordNamesAnUnknownPool() public {
        bytes memory records = bytes.concat(_record(1, 0, ids[0]), _record(2, type(uint32).max, ids[0]));
        vm.expectRevert(abi.encodeWithSelector(IAttributionLedger.PoolNotFound.selector, 1, uint256(type(uint32).max)));
        vm.prank(v1);
        ledger.propose(records);
    }

    /// @notice A pool created after a batch was refused makes the same batch valid.
    function test_propose_acceptsARecordOnceItsPoolExists() public {
        uint256 next = distributor.poolCount();
        bytes memory records = _record(1, next, ids[0]);
        vm.expectRevert(abi.encodeWithSelector(IAttributionLedger.PoolNotFound.selector, 0, next));
        vm.prank(v1);
        ledger.propose(records);
        assertEq(_pool(new uint24[](0)), next, "created");
        vm.prank(v1);
        uint256 batchId = ledger.propose(records);
        assertEq(ledger.batches(batchId).recordCount, 1, "accepted");
    }

    function test_RevertWhen_contributionIsOutsideThePoolsDatanets() public {
        uint256 id = ids[1];
        assertEq(datanetOf[id], d2, "in d2");
        vm.expectRevert(
            abi.encodeWithSelector(IAttributionLedger.DatanetNotInPool.selector, 0, id, uint256(d2), poolA)
        );
        vm.prank(v1);
        ledger.propose(_record(1, poolA, id));
    }

    /// @notice One entry outside the pool's datanets refuses the record, whatever the others.
    function test_RevertWhen_oneOfARecordsContributionsIsOutsideThePool() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAttributionLedger.DatanetNotInPool.selector, 0, ids[3], uint256(d2), poolB)
        );
        vm.prank(v1);
        ledger.propose(_record2(1, poolB, ids[2], ids[3]));
    }

    function test_propose_acceptsAContributionInThePoolsDatanets() public {
        vm.startPrank(v1);
        uint256 first = ledger.propose(_record(1, poolA, ids[0]));
        uint256 second = ledger.propose(_record(1, poolB, ids[2]));
        uint256 third = ledger.propose(_record(1, poolC, ids[1]));
        vm.stopPrank();
        assertEq(ledger.batches(first).recordCount, 1, "pool A");
        assertEq(ledger.batches(second).recordCount, 1, "pool B");
        assertEq(ledger.batches(third).recordCount, 1, "pool C");
    }

    function test_propose_networkPoolAcceptsEveryDatanet() public {
        vm.prank(v1);
        uint256 batchId = ledger.propose(_record2(1, 0, ids[0], ids[1]));
        assertEq(ledger.batches(batchId).recordCount, 1, "accepted");
    }

    /// @notice A pool open to every datanet, other than the network pool, accepts any datanet too.
    function test_propose_anUnlimitedPoolAcceptsEveryDatanet() public {
        uint256 open = _pool(new uint24[](0));
        vm.prank(v1);
        uint256 batchId = ledger.propose(_record2(1, open, ids[0], ids[1]));
        assertEq(ledger.batches(batchId).recordCount, 1, "accepted");
    }

    function test_propose_recordsNamingDifferentPoolsInOneBatch() public {
        bytes memory records = bytes.concat(
            _record(1, poolA, ids[0]),
            _record2(2, 0, ids[0], ids[1]),
            _record(3, poolC, ids[3]),
            _record(4, poolB, ids[4]),
            _record(5, poolA, ids[9])
        );
        vm.prank(v1);
        uint256 batchId = ledger.propose(records);
        assertEq(ledger.batches(batchId).recordCount, 5, "five records");
    }

    /// @notice Each record is checked against its own pool, not the previous record's.
    function test_RevertWhen_aRecordAfterAnotherPoolsRecordIsOutsideItsPool() public {
        // The network pool takes ids[1] (d2); pool A, named next, does not.
        bytes memory records = bytes.concat(
            _record(1, poolA, ids[0]),
            _record(2, 0, ids[1]),
            _record(3, poolA, ids[1])
        );
        vm.expectRevert(
            abi.encodeWithSelector(IAttributionLedger.DatanetNotInPool.selector, 2, ids[1], uint256(d2), poolA)
        );
        vm.prank(v1);
        ledger.propose(records);

        // Pool C takes ids[1]; pool A, named next with a contribution it did take before, does not.
        records = bytes.concat(_record(1, poolA, ids[0]), _record(2, poolC, ids[1]), _record(3, poolA, ids[3]));
        vm.expectRevert(
            abi.encodeWithSelector(IAttributionLedger.DatanetNotInPool.selector, 2, ids[3], uint256(d2), poolA)
        );
        vm.prank(v1);
        ledger.propose(records);
    }

    /// @notice For any contribution and pool, a record is accepted iff the pool is open to every datanet
    /// or lists the contribution's datanet; ids span two words of the registry's datanet map.
    function testFuzz_propose_aPoolTakesExactlyItsDatanets(uint256 idSeed, uint256 poolSeed) public {
        uint256 id = ids[idSeed % ids.length];
        uint256 poolId = poolSeed % distributor.poolCount();
        IRewardDistributor.Pool memory pool = distributor.poolOf(poolId);
        bool listed = pool.datanetCount == 0;
        for (uint256 k; k < pool.datanetCount; ++k) if (pool.datanets[k] == datanetOf[id]) listed = true;
        if (!listed) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IAttributionLedger.DatanetNotInPool.selector,
                    0,
                    id,
                    uint256(datanetOf[id]),
                    poolId
                )
            );
        }
        vm.prank(v1);
        ledger.propose(_record(1, poolId, id));
    }

    /// @notice A record's entries may sit in different words of the registry's datanet map.
    function test_propose_entriesAcrossDatanetWords() public {
        assertTrue(ids[6] >> 3 != ids[9] >> 3, "different words");
        assertEq(datanetOf[ids[9]], d1, "id 10 in d1");
        assertEq(datanetOf[ids[10]], d2, "id 11 in d2");
        vm.prank(v1);
        uint256 batchId = ledger.propose(_record2(1, poolA, ids[6], ids[9]));
        assertEq(ledger.batches(batchId).recordCount, 1, "both in d1");
        vm.expectRevert(
            abi.encodeWithSelector(IAttributionLedger.DatanetNotInPool.selector, 0, ids[10], uint256(d2), poolA)
        );
        vm.prank(v1);
        ledger.propose(_record2(2, poolA, ids[6], ids[10]));
    }

    function _pool(uint24[] memory datanets) internal returns (uint256 poolId) {
        vm.prank(makeAddr("funder"));
        poolId = distributor.createPool(address(rewardToken), datanets);
    }

    function _datanets(uint32 datanetId) internal pure returns (uint24[] memory datanets) {
        datanets = new uint24[](1);
        datanets[0] = uint24(datanetId);
    }

    function _record(uint256 outputId, uint256 poolId, uint256 id) internal pure returns (bytes memory) {
        return abi.encodePacked(bytes32(outputId), uint32(poolId), uint128(1), uint8(1), uint32(id), uint16(10_000));
    }

    /// @dev A record splitting its weight between `idA < idB`.
    function _record2(uint256 outputId, uint256 poolId, uint256 idA, uint256 idB) internal pure returns (bytes memory) {
        return
            abi.encodePacked(
                bytes32(outputId),
                uint32(poolId),
                uint128(1),
                uint8(2),
                uint32(idA),
                uint16(5_000),
                uint32(idB),
                uint16(5_000)
            );
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TestBase} from "../utils/TestBase.sol";
import {InvariantBase} from "../utils/InvariantBase.sol";
import {RecordedLogs, VmLogs} from "../utils/VmLogs.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {ValidatorStaking} from "../../contracts/ValidatorStaking.sol";
import {ContributionRegistry} from "../../contracts/ContributionRegistry.sol";
import {RewardDistributor} from "../../contracts/RewardDistributor.sol";
import {AttributionLedger} from "../../contracts/AttributionLedger.sol";
import {IValidatorStaking} from "../../contracts/interfaces/IValidatorStaking.sol";
import {IContributionRegistry} from "../../contracts/interfaces/IContributionRegistry.sol";
import {IAttributionLedger} from "../../contracts/interfaces/IAttributionLedger.sol";
import {StakeVote} from "../../contracts/libraries/StakeVote.sol";

/// @notice Votes on contributions and attestations of batches while the stake behind them moves: validators
/// unbond after voting, withdraw, restake the same tokens from new addresses, get slashed, and time passes,
/// all while items are open. Each token belongs to one of four owners for the whole run; an owner's tokens
/// move between its addresses only by unbonding, withdrawing and staking again.
/// @dev Every call it makes is valid (the suite runs with failOnRevert), except the deliberately forbidden
/// votes of `tryForbiddenVote` and `recycle`, which are caught and must revert with the exact expected error.
contract SnapshotVotesHandler is TestBase {
    uint256 public constant OWNERS = 4;
    uint256 internal constant ADDRESSES_PER_OWNER = 6;
    uint256 internal constant MAX_CONTRIBUTIONS = 30;
    uint256 internal constant MAX_BATCHES = 20;
    uint256 internal constant MAX_STEP = 4 days;
    uint256 internal constant BPS = 10_000;
    uint32 internal constant DATANET = 1;
    uint8 internal constant PENDING = 1;
    /// @dev Accepted for a contribution, Final for a batch: the enums share the value.
    uint8 internal constant ACCEPTED_OR_FINAL = 2;
    address public constant CONTRIBUTOR = address(0xC0FFEE);

    ValidatorStaking internal immutable staking;
    ContributionRegistry internal immutable registry;
    AttributionLedger internal immutable ledger;
    MockERC20 internal immutable token;
    address internal immutable slasher;

    /// @dev An address's bonded stake as the handler saw it change: `current` now, `before` at the end of
    /// every second before `changedAt`. Enough to know the stake at `now - 1`, an item's snapshot, without
    /// reading the staking contract's checkpoints.
    struct Bond {
        uint48 changedAt;
        uint96 before;
        uint96 current;
    }

    /// @notice One contribution or batch, as the handler recorded it.
    /// @param counted Power the contract reported counting on each side (accept, reject), from its events.
    /// @param backed The same votes valued at each voter's bonded stake at the snapshot, from the ghost.
    struct Item {
        bool isBatch;
        uint256 id;
        bytes32 contentHash;
        uint256 snapshot;
        uint256 snapshotTotal;
        uint256 ghostTotal;
        uint256 quorum;
        uint256 closesAt;
        uint256[2] counted;
        uint256[2] backed;
        uint8 status;
    }

    address[] internal _addresses;
    mapping(address account => uint256) public ownerOf;
    mapping(address account => uint256) public stakedSince;
    uint256[OWNERS] internal _addressCounts;
    mapping(address account => Bond) internal _bonds;

    Item[] internal _items;
    uint256[] internal _contributionItems;
    uint256[] internal _batchItems;
    bytes32[] internal _hashes;
    /// @dev One plus the index of the item a content hash currently points to in the registry.
    mapping(bytes32 contentHash => uint256) internal _liveItemPlusOne;
    uint32[] internal _acceptedIds;
    mapping(uint256 item => mapping(address account => uint256)) internal _snapshotPower;
    mapping(uint256 item => uint256[OWNERS]) internal _ownerSnapshot;
    mapping(uint256 item => address[]) internal _voters;
    mapping(uint256 item => mapping(address account => uint256)) internal _counted;
    uint256 internal _salt;

    /// @dev Forbidden votes that were counted, or refused with another error than the one expected.
    uint256 public forbiddenVotesNotRefused;

    constructor(
        ValidatorStaking staking_,
        ContributionRegistry registry_,
        AttributionLedger ledger_,
        MockERC20 token_,
        address slasher_
    ) {
        staking = staking_;
        registry = registry_;
        ledger = ledger_;
        token = token_;
        slasher = slasher_;
        // 40 % is q / (1 + q) at the 66.67 % quorum: enough to pass anything once the quorum could drop.
        uint96[OWNERS] memory initial = [uint96(400e18), 300e18, 200e18, 100e18];
        for (uint256 owner; owner < OWNERS; ++owner) {
            address account = _newAddress(owner);
            token.mint(account, initial[owner]);
            _stakeFrom(account, initial[owner]);
        }
        _advance(1);
        // One Accepted contribution, so batches can be proposed from the first call.
        _register(0, false);
        _vote(0, 0, true);
        _vote(0, 1, true);
    }

    // ----------------------------------------------------------------- handlers

    function register(uint256 seed, bool reuseHash) external {
        _register(seed, reuseHash);
    }

    function vote(uint256 itemSeed, uint256 voterSeed, bool accept) external {
        _vote(itemSeed, voterSeed, accept);
    }

    function withdrawContribution(uint256 itemSeed) external {
        if (_contributionItems.length == 0) return;
        uint256 index = _contributionItems[itemSeed % _contributionItems.length];
        Item storage it = _items[index];
        if (!_isLive(index)) return;
        if (registry.statusOf(it.contentHash) != IContributionRegistry.ContributionStatus.Pending) return;
        vm.prank(CONTRIBUTOR);
        registry.withdrawContribution(it.contentHash);
        it.status = uint8(IContributionRegistry.ContributionStatus.Withdrawn);
    }

    function expire(uint256 itemSeed) external {
        if (_contributionItems.length == 0) return;
        uint256 index = _contributionItems[itemSeed % _contributionItems.length];
        Item storage it = _items[index];
        if (!_isLive(index) || it.status != PENDING || block.timestamp < it.closesAt) return;
        registry.expire(it.contentHash);
        it.status = uint8(IContributionRegistry.ContributionStatus.Expired);
    }

    function propose(uint256 proposerSeed, uint256 contributionSeed) external {
        if (_batchItems.length >= MAX_BATCHES || _acceptedIds.length == 0) return;
        address proposer = _addresses[proposerSeed % _addresses.length];
        if (_bondAt(proposer, block.timestamp - 1) == 0) return;
        uint32 contributionId = _acceptedIds[contributionSeed % _acceptedIds.length];
        bytes memory records = abi.encodePacked(
            bytes32(_batchItems.length + 1),
            uint32(0),
            uint128(1),
            uint8(1),
            contributionId,
            uint16(BPS)
        );
        VmLogs(address(vm)).recordLogs();
        vm.prank(proposer);
        uint256 batchId = ledger.propose(records);
        uint256 power = RecordedLogs.proposalPower(address(ledger), IAttributionLedger.BatchProposed.selector);
        uint256 index = _open(true, batchId, bytes32(0), block.timestamp + ledger.VOTING_PERIOD());
        _batchItems.push(index);
        _count(index, proposer, true, power);
        _items[index].status = uint8(ledger.batches(batchId).status);
    }

    function attest(uint256 itemSeed, uint256 voterSeed, bool support) external {
        address voter = _addresses[voterSeed % _addresses.length];
        (bool found, uint256 index) = _votableItem(_batchItems, itemSeed, voter);
        if (!found) return;
        Item storage it = _items[index];
        VmLogs(address(vm)).recordLogs();
        vm.prank(voter);
        ledger.attest(it.id, support);
        uint256 power = RecordedLogs.votePower(address(ledger), IAttributionLedger.BatchAttested.selector);
        _count(index, voter, support, power);
        it.status = uint8(ledger.batches(it.id).status);
    }

    /// @notice A vote that must be refused, on the first item from `itemSeed` that is still Pending. While
    /// the item is open: by an address that already voted on it, or by one with stake now but none at the
    /// snapshot (stake bonded later, or recycled from an address that votes or voted); it must revert with
    /// exactly `AlreadyVoted`/`AlreadyAttested` or `NoVotingPower`. After its window, by anyone: exactly
    /// `VotingClosed`/`BatchExpired`.
    function tryForbiddenVote(uint256 itemSeed, uint256 voterSeed, bool support) external {
        uint256 n = _items.length;
        for (uint256 k; k < n; ++k) {
            uint256 index = ((itemSeed % n) + k) % n;
            Item storage it = _items[index];
            if (_isOpen(index)) {
                (address voter, bool voted) = _forbiddenVoter(index, voterSeed);
                if (voter == address(0)) return;
                _tryForbiddenVote(
                    index,
                    voter,
                    voted ? _alreadyVotedError(index, voter) : _noPowerError(index, voter),
                    support
                );
                return;
            }
            if (_isLive(index) && _storedPending(index)) {
                bytes memory expected = it.isBatch
                    ? abi.encodeWithSelector(IAttributionLedger.BatchExpired.selector, it.id, it.closesAt)
                    : abi.encodeWithSelector(IContributionRegistry.VotingClosed.selector, it.id, it.closesAt);
                _tryForbiddenVote(index, _addresses[voterSeed % _addresses.length], expected, support);
                return;
            }
        }
    }

    function requestUnstake(uint256 accountSeed, uint256 amount) external {
        address account = _addresses[accountSeed % _addresses.length];
        uint256 bonded = staking.validators(account).bonded;
        if (bonded == 0) return;
        amount = bound(amount, 1, bonded);
        uint256 remaining = bonded - amount;
        if (remaining != 0 && remaining < staking.minStake()) amount = bonded;
        vm.prank(account);
        staking.requestUnstake(amount);
        _syncBond(account);
    }

    /// @notice Withdraws an address's released stake and bonds the same tokens from a new address of the
    /// same owner, which then tries to vote on every open item and must be refused. With `waitForRelease`,
    /// first waits (at most one unbonding period) for stake still unbonding.
    function recycle(uint256 accountSeed, bool waitForRelease, bool support) external {
        address from = _addresses[accountSeed % _addresses.length];
        uint256 owner = ownerOf[from];
        if (_addressCounts[owner] >= ADDRESSES_PER_OWNER) return;
        IValidatorStaking.Validator memory v = staking.validators(from);
        bool matured = v.unbonding != 0 && block.timestamp >= v.unbondingReleaseAt;
        if (v.released == 0 && !matured) {
            if (!waitForRelease || v.unbonding == 0) return;
            _advance(v.unbondingReleaseAt - block.timestamp);
        }
        vm.prank(from);
        staking.withdraw();
        // Dust left by an earlier recycle below the minimum travels with the rest.
        uint256 amount = token.balanceOf(from);
        if (amount < staking.minStake()) return;
        address to = _newAddress(owner);
        vm.prank(from);
        token.transfer(to, amount);
        _stakeFrom(to, amount);
        // Every open item's snapshot predates this address's stake; the same tokens may have voted there already.
        for (uint256 index; index < _items.length; ++index) {
            if (_isOpen(index)) _tryForbiddenVote(index, to, _noPowerError(index, to), support);
        }
    }

    function slash(uint256 accountSeed, uint256 slashBps) external {
        address account = _addresses[accountSeed % _addresses.length];
        slashBps = bound(slashBps, 1, staking.MAX_SLASH_BPS());
        vm.prank(slasher);
        staking.slash(account, slashBps, address(0));
        _syncBond(account);
    }

    function advanceTime(uint256 seconds_) external {
        _advance(bound(seconds_, 1, MAX_STEP));
    }

    // ------------------------------------------------------------ ghost reads

    function itemCount() external view returns (uint256) {
        return _items.length;
    }

    function item(uint256 index) external view returns (Item memory) {
        return _items[index];
    }

    /// @notice The item's status now: read from the contract while the contract still holds it, else the
    /// last status the handler saw (a content hash registered again points to a new contribution).
    function statusOf(uint256 index) external view returns (uint8) {
        Item storage it = _items[index];
        if (it.isBatch) return uint8(ledger.batches(it.id).status);
        if (_isLive(index)) return uint8(registry.contributionOf(it.contentHash).status);
        return it.status;
    }

    function votersOf(uint256 index) external view returns (address[] memory) {
        return _voters[index];
    }

    function countedOf(uint256 index, address voter) external view returns (uint256) {
        return _counted[index][voter];
    }

    function snapshotPowerOf(uint256 index, address account) external view returns (uint256) {
        return _snapshotPower[index][account];
    }

    function ownerSnapshotOf(uint256 index, uint256 owner) external view returns (uint256) {
        return _ownerSnapshot[index][owner];
    }

    function tallyOf(uint256 index) external view returns (StakeVote.Tally memory) {
        Item storage it = _items[index];
        return it.isBatch ? ledger.tallies(it.id) : registry.tallies(it.id);
    }

    // ----------------------------------------------------------------- internal

    function _register(uint256 seed, bool reuseHash) internal {
        if (_contributionItems.length >= MAX_CONTRIBUTIONS) return;
        bytes32 contentHash = reuseHash ? _freeHash(seed) : bytes32(0);
        if (contentHash == bytes32(0)) {
            contentHash = keccak256(abi.encode("content", _hashes.length));
            _hashes.push(contentHash);
        }
        bytes32 salt = bytes32(++_salt);
        bytes32[] memory one = new bytes32[](1);
        one[0] = contentHash;
        registry.commit(registry.commitmentOf(CONTRIBUTOR, DATANET, one, salt));
        _advance(registry.commitmentMinAge());
        uint256 previous = _liveItemPlusOne[contentHash];
        // A lapsed Pending contribution is expired by the registration that takes its hash.
        if (previous != 0) _items[previous - 1].status = uint8(registry.statusOf(contentHash));
        vm.prank(CONTRIBUTOR);
        uint256 id = registry.register(DATANET, contentHash, "", salt);
        uint256 index = _open(false, id, contentHash, block.timestamp + registry.VOTING_PERIOD());
        _contributionItems.push(index);
        _liveItemPlusOne[contentHash] = index + 1;
    }

    function _vote(uint256 itemSeed, uint256 voterSeed, bool accept) internal {
        address voter = _addresses[voterSeed % _addresses.length];
        (bool found, uint256 index) = _votableItem(_contributionItems, itemSeed, voter);
        if (!found) return;
        Item storage it = _items[index];
        VmLogs(address(vm)).recordLogs();
        vm.prank(voter);
        registry.vote(it.contentHash, accept);
        uint256 power = RecordedLogs.votePower(address(registry), IContributionRegistry.VoteCast.selector);
        _count(index, voter, accept, power);
        uint8 status = uint8(registry.contributionOf(it.contentHash).status);
        if (status == ACCEPTED_OR_FINAL) _acceptedIds.push(uint32(it.id));
        it.status = status;
    }

    /// @dev Records a new item and, from the ghost bonds, every address's stake at its snapshot.
    function _open(bool isBatch, uint256 id, bytes32 contentHash, uint256 closesAt) internal returns (uint256 index) {
        index = _items.length;
        Item storage it = _items.push();
        it.isBatch = isBatch;
        it.id = id;
        it.contentHash = contentHash;
        it.closesAt = closesAt;
        it.status = PENDING;
        uint256 snapshot = block.timestamp - 1;
        it.snapshot = snapshot;
        it.snapshotTotal = staking.totalStakeAt(snapshot);
        uint256 total;
        for (uint256 i; i < _addresses.length; ++i) {
            address account = _addresses[i];
            uint256 power = _bondAt(account, snapshot);
            if (power == 0) continue;
            _snapshotPower[index][account] = power;
            _ownerSnapshot[index][ownerOf[account]] += power;
            total += power;
        }
        it.ghostTotal = total;
        it.quorum = (total * staking.quorumBps() + BPS - 1) / BPS;
    }

    function _count(uint256 index, address voter, bool support, uint256 power) internal {
        Item storage it = _items[index];
        uint256 side = support ? 0 : 1;
        it.counted[side] += power;
        it.backed[side] += _snapshotPower[index][voter];
        _voters[index].push(voter);
        _counted[index][voter] = power;
    }

    /// @dev Open means the contract still takes votes on it: current, stored Pending, and inside its window.
    function _isOpen(uint256 index) internal view returns (bool) {
        return block.timestamp < _items[index].closesAt && _isLive(index) && _storedPending(index);
    }

    /// @dev Pending as stored, which a lapsed item still is until something expires it.
    function _storedPending(uint256 index) internal view returns (bool) {
        Item storage it = _items[index];
        if (it.isBatch) return ledger.batches(it.id).status == IAttributionLedger.BatchStatus.Pending;
        return registry.contributionOf(it.contentHash).status == IContributionRegistry.ContributionStatus.Pending;
    }

    /// @dev From `seed` on, the first item of `list` on which `voter` may vote: open, not yet voted on, and
    /// with stake at its snapshot.
    function _votableItem(
        uint256[] storage list,
        uint256 seed,
        address voter
    ) internal view returns (bool found, uint256 index) {
        uint256 n = list.length;
        for (uint256 k; k < n; ++k) {
            index = list[((seed % n) + k) % n];
            if (_isOpen(index) && !_hasVoted(index, voter) && _snapshotPower[index][voter] != 0) return (true, index);
        }
    }

    function _hasVoted(uint256 index, address account) internal view returns (bool) {
        Item storage it = _items[index];
        return it.isBatch ? ledger.hasAttested(it.id, account) : registry.hasVoted(it.id, account);
    }

    function _isLive(uint256 index) internal view returns (bool) {
        Item storage it = _items[index];
        return it.isBatch || _liveItemPlusOne[it.contentHash] == index + 1;
    }

    /// @dev A refused vote changes nothing. One that goes through is counted in the ghost like any other,
    /// so every property sees it, and flagged.
    function _tryForbiddenVote(uint256 index, address voter, bytes memory expected, bool support) internal {
        Item storage it = _items[index];
        VmLogs(address(vm)).recordLogs();
        vm.prank(voter);
        if (it.isBatch) {
            try ledger.attest(it.id, support) {
                ++forbiddenVotesNotRefused;
                uint256 power = RecordedLogs.votePower(address(ledger), IAttributionLedger.BatchAttested.selector);
                _count(index, voter, support, power);
            } catch (bytes memory reason) {
                if (keccak256(reason) != keccak256(expected)) ++forbiddenVotesNotRefused;
            }
        } else {
            try registry.vote(it.contentHash, support) {
                ++forbiddenVotesNotRefused;
                uint256 power = RecordedLogs.votePower(address(registry), IContributionRegistry.VoteCast.selector);
                _count(index, voter, support, power);
            } catch (bytes memory reason) {
                if (keccak256(reason) != keccak256(expected)) ++forbiddenVotesNotRefused;
            }
        }
    }

    function _alreadyVotedError(uint256 index, address voter) internal view returns (bytes memory) {
        Item storage it = _items[index];
        return
            it.isBatch
                ? abi.encodeWithSelector(IAttributionLedger.AlreadyAttested.selector, it.id, voter)
                : abi.encodeWithSelector(IContributionRegistry.AlreadyVoted.selector, it.id, voter);
    }

    function _noPowerError(uint256 index, address voter) internal view returns (bytes memory) {
        Item storage it = _items[index];
        return
            it.isBatch
                ? abi.encodeWithSelector(IAttributionLedger.NoVotingPower.selector, voter, it.snapshot)
                : abi.encodeWithSelector(IContributionRegistry.NoVotingPower.selector, voter, it.snapshot);
    }

    /// @dev From `seed` on, the first address that voted on the item or that has stake now but had none at
    /// its snapshot; zero if there is none.
    function _forbiddenVoter(uint256 index, uint256 seed) internal view returns (address voter, bool voted) {
        uint256 n = _addresses.length;
        for (uint256 k; k < n; ++k) {
            address account = _addresses[((seed % n) + k) % n];
            if (_hasVoted(index, account)) return (account, true);
            if (_snapshotPower[index][account] == 0 && staking.validators(account).bonded != 0) {
                return (account, false);
            }
        }
        return (address(0), false);
    }

    /// @dev From `seed` on, the first content hash the registry would take again; zero if there is none.
    function _freeHash(uint256 seed) internal view returns (bytes32) {
        uint256 n = _hashes.length;
        for (uint256 k; k < n; ++k) {
            bytes32 contentHash = _hashes[((seed % n) + k) % n];
            IContributionRegistry.ContributionStatus status = registry.statusOf(contentHash);
            if (
                status == IContributionRegistry.ContributionStatus.Rejected ||
                status == IContributionRegistry.ContributionStatus.Withdrawn ||
                status == IContributionRegistry.ContributionStatus.Expired
            ) return contentHash;
        }
        return bytes32(0);
    }

    function _newAddress(uint256 owner) internal returns (address account) {
        account = address(uint160(uint256(keccak256(abi.encode("tributary.validator", owner, _addressCounts[owner])))));
        ++_addressCounts[owner];
        ownerOf[account] = owner;
        _addresses.push(account);
    }

    function _stakeFrom(address account, uint256 amount) internal {
        vm.startPrank(account);
        token.approve(address(staking), amount);
        staking.stake(amount);
        vm.stopPrank();
        if (stakedSince[account] == 0) stakedSince[account] = block.timestamp;
        _syncBond(account);
    }

    function _syncBond(address account) internal {
        Bond memory bond = _bonds[account];
        if (bond.changedAt < block.timestamp) {
            bond.before = bond.current;
            bond.changedAt = uint48(block.timestamp);
        }
        bond.current = staking.validators(account).bonded;
        _bonds[account] = bond;
    }

    /// @dev Valid for `timepoint` at or after the second before the address's last change, which holds for
    /// `now - 1`, the snapshot of an item opening now.
    function _bondAt(address account, uint256 timepoint) internal view returns (uint256) {
        Bond memory bond = _bonds[account];
        return bond.changedAt <= timepoint ? bond.current : bond.before;
    }

    function _advance(uint256 seconds_) internal {
        vm.warp(block.timestamp + seconds_);
        vm.roll(block.number + 1);
    }
}

/// @notice Snapshot voting over the real staking, registry and ledger: however stake unbonds, is withdrawn,
/// recycled through new addresses or slashed while items are open, no item counts more than the stake
/// bonded at its snapshot, none is decided below the quorum fixed there, and no token counts twice.
contract SnapshotVotesInvariant is InvariantBase {
    uint8 internal constant ACCEPTED_OR_FINAL = 2;
    uint8 internal constant REJECTED = 3;

    ValidatorStaking internal staking;
    ContributionRegistry internal registry;
    AttributionLedger internal ledger;
    SnapshotVotesHandler internal handler;

    function setUp() public {
        vm.warp(1_700_000_000);
        vm.roll(10);
        address admin = makeAddr("admin");
        MockERC20 token = new MockERC20("Stake", "STK");
        staking = _newStaking(address(token), admin);
        registry = new ContributionRegistry(address(staking), admin, 3 days, 60, 1 days);
        RewardDistributor distributor = new RewardDistributor(
            address(new MockERC20("Reward", "RWD")),
            address(staking),
            admin,
            makeAddr("treasury"),
            0,
            0,
            4,
            1 hours
        );
        ledger = new AttributionLedger(address(staking), address(registry), address(distributor), admin, 3 days);
        // Before any stake exists, so the slasher applies at once.
        vm.prank(admin);
        staking.scheduleSlasher(admin);
        vm.prank(makeAddr("curator"));
        registry.createDatanet("ipfs://d");
        handler = new SnapshotVotesHandler(staking, registry, ledger, token, admin);
        targetContract(address(handler));
    }

    /// @notice On every item, the power counted on both sides together is at most the total bonded stake at
    /// its snapshot, and that total never changes after the item opened.
    function invariant_countedPowerNeverExceedsSnapshotTotal() public view {
        uint256 count = handler.itemCount();
        for (uint256 i; i < count; ++i) {
            SnapshotVotesHandler.Item memory it = handler.item(i);
            assertEq(staking.totalStakeAt(it.snapshot), it.snapshotTotal, "snapshot total changed");
            assertEq(it.snapshotTotal, it.ghostTotal, "snapshot total == stake bonded at the snapshot");
            assertLe(it.counted[0] + it.counted[1], it.snapshotTotal, "counted power <= snapshot total");
        }
    }

    /// @notice An item is Accepted/Final or Rejected only if the stake that was bonded at its snapshot and
    /// voted for the winning side reaches ceil(snapshot total × quorumBps / 10 000); an undecided item has
    /// neither side there, and its tally still needs exactly the rest.
    function invariant_decidedOnlyAtSnapshotQuorum() public view {
        uint256 count = handler.itemCount();
        uint256 quorumBps = staking.quorumBps();
        for (uint256 i; i < count; ++i) {
            SnapshotVotesHandler.Item memory it = handler.item(i);
            uint256 quorum = it.quorum;
            assertGe(quorum * 10_000, it.snapshotTotal * quorumBps, "quorum reaches the share");
            uint8 status = handler.statusOf(i);
            if (!it.isBatch) assertTrue(registry.isAccepted(it.id) == (status == ACCEPTED_OR_FINAL), "accepted bit");
            if (status == ACCEPTED_OR_FINAL) {
                assertGe(it.backed[0], quorum, "accepted with snapshot stake below quorum");
            } else if (status == REJECTED) {
                assertGe(it.backed[1], quorum, "rejected with snapshot stake below quorum");
            } else {
                // An item opened while nothing was bonded has a zero quorum and can take no vote.
                assertTrue(
                    (it.counted[0] < quorum && it.counted[1] < quorum) || it.snapshotTotal == 0,
                    "undecided at quorum"
                );
                if (handler.votersOf(i).length != 0) {
                    StakeVote.Tally memory tally = handler.tallyOf(i);
                    assertEq(tally.acceptNeeded, quorum - it.counted[0], "accept side still needs");
                    assertEq(tally.rejectNeeded, quorum - it.counted[1], "reject side still needs");
                }
            }
        }
    }

    /// @notice No token counts twice on one item: each vote counts exactly its address's stake at the
    /// snapshot, an address that first staked after the snapshot (a recycled one) counts nothing, and the
    /// votes from one owner's addresses add up to at most what that owner had bonded at the snapshot.
    function invariant_noTokensCountedTwice() public view {
        uint256 count = handler.itemCount();
        uint256 owners = handler.OWNERS();
        for (uint256 i; i < count; ++i) {
            SnapshotVotesHandler.Item memory it = handler.item(i);
            address[] memory voters = handler.votersOf(i);
            uint256[] memory byOwner = new uint256[](owners);
            for (uint256 j; j < voters.length; ++j) {
                address voter = voters[j];
                uint256 counted = handler.countedOf(i, voter);
                assertEq(counted, handler.snapshotPowerOf(i, voter), "vote counts the snapshot stake");
                assertEq(counted, staking.stakeAt(voter, it.snapshot), "vote counts the checkpointed stake");
                uint256 since = handler.stakedSince(voter);
                assertTrue(since != 0 && since <= it.snapshot, "voter staked by the snapshot");
                byOwner[handler.ownerOf(voter)] += counted;
            }
            for (uint256 owner; owner < owners; ++owner) {
                assertLe(byOwner[owner], handler.ownerSnapshotOf(i, owner), "owner's tokens counted twice");
            }
        }
        assertEq(handler.forbiddenVotesNotRefused(), 0, "a forbidden vote was not refused as expected");
    }

    /// @notice An item still undecided when its window closes reads Expired, and takes no more votes.
    function invariant_undecidedItemsExpire() public view {
        uint256 count = handler.itemCount();
        for (uint256 i; i < count; ++i) {
            SnapshotVotesHandler.Item memory it = handler.item(i);
            if (block.timestamp < it.closesAt || handler.statusOf(i) != 1) continue;
            if (it.isBatch) {
                assertTrue(ledger.batchStatus(it.id) == IAttributionLedger.BatchStatus.Expired, "batch expired");
            } else {
                assertTrue(
                    registry.statusOf(it.contentHash) == IContributionRegistry.ContributionStatus.Expired,
                    "contribution expired"
                );
            }
        }
    }
}

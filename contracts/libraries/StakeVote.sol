// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IValidatorStaking} from "../interfaces/IValidatorStaking.sol";

/// @title StakeVote
/// @notice The stake-weighted vote on one item (a contribution, an attribution batch), written once for
/// every contract that holds such votes. It has no storage of its own: callers keep a `Tally` and a
/// voter bitmap per item and pass them in.
/// @dev Voting power is fixed at the item's snapshot, the second before it opened: each voter's bonded
/// stake then, measured against the total bonded stake then. Stake bonded later has no power on the
/// item; stake unbonded later cannot lower its quorum; and since every bonded token belonged to exactly
/// one validator at the snapshot, no token can count twice on one item.
library StakeVote {
    /// @notice What each side still needs to reach the item's quorum. Slot layout: acceptNeeded (96) |
    /// rejectNeeded (96). Both are zero until the first vote fixes the quorum from the snapshot total;
    /// afterwards they never are again while the item is undecided (a quorum is at least 1, and a side
    /// reaching zero decides the item).
    /// @dev Storing the shortfall rather than the stake cast keeps the quorum, which a vote needs, in the
    /// same slot as the tally without a third 96-bit field.
    struct Tally {
        uint96 acceptNeeded;
        uint96 rejectNeeded;
    }

    /// @notice `voter`'s power on an item with snapshot `snapshot`. On the first vote it also fixes the
    /// item's quorum in `tally`, from the total bonded stake at the snapshot. Returns zero for no power.
    /// @param tally The item's tally, in memory; opened here on the first vote.
    /// @param staking The suite's staking contract.
    /// @param voter The validator voting.
    /// @param snapshot The item's snapshot timepoint.
    /// @return power The voter's bonded stake at the snapshot.
    function powerOf(
        Tally memory tally,
        IValidatorStaking staking,
        address voter,
        uint256 snapshot
    ) internal view returns (uint256 power) {
        if (tally.acceptNeeded == 0 && tally.rejectNeeded == 0) {
            uint256 quorum;
            (power, quorum) = staking.votingPowerAt(voter, snapshot);
            // The quorum is a share of a total that fits 96 bits.
            tally.acceptNeeded = uint96(quorum);
            tally.rejectNeeded = uint96(quorum);
        } else {
            power = staking.stakeAt(voter, snapshot);
        }
    }

    /// @notice Counts `power` for one side and reports whether that side reached quorum.
    /// @param tally The item's tally, opened by `powerOf`.
    /// @param power The voter's snapshot power.
    /// @param support The side: accept (or attest) when true, reject otherwise.
    /// @return decided True when this vote brought its side to quorum.
    function count(Tally memory tally, uint256 power, bool support) internal pure returns (bool decided) {
        uint256 needed = support ? tally.acceptNeeded : tally.rejectNeeded;
        decided = power >= needed;
        // Below `needed`, which fits 96 bits.
        uint96 left = decided ? 0 : uint96(needed - power);
        if (support) tally.acceptNeeded = left;
        else tally.rejectNeeded = left;
    }

    /// @notice Whether the voter whose bitmap is `words` has voted on item `id`.
    /// @param words The voter's bitmap: bit `id % 256` of word `id / 256`.
    /// @param id The item.
    /// @return True once it voted.
    function hasVoted(mapping(uint256 => uint256) storage words, uint256 id) internal view returns (bool) {
        return words[id >> 8] & (1 << (id & 0xff)) != 0;
    }

    /// @notice Records that the voter whose bitmap is `words` voted on item `id`. Sequential ids make most
    /// votes write to an already warm, nonzero word.
    /// @param words The voter's bitmap.
    /// @param id The item.
    function markVoted(mapping(uint256 => uint256) storage words, uint256 id) internal {
        words[id >> 8] |= 1 << (id & 0xff);
    }
}

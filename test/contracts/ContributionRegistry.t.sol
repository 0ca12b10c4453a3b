// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TributaryFixture} from "../utils/TributaryFixture.sol";
import {IContributionRegistry} from "../../contracts/interfaces/IContributionRegistry.sol";

contract ContributionRegistry_vote is TributaryFixture {
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
}

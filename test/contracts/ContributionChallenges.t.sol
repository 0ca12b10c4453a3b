// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TributaryFixture} from "../utils/TributaryFixture.sol";
import {NothingDeliveredToken} from "../utils/NothingDeliveredToken.sol";
import {ContributionChallenges} from "../../contracts/ContributionChallenges.sol";
import {IContributionChallenges} from "../../contracts/interfaces/IContributionChallenges.sol";

/// @notice Three validators of 1 000 each and one Accepted contribution; the challenges contract bonds in
/// a token that delivers nothing.
contract ContributionChallenges_challenge is TributaryFixture {
    bytes32 internal constant CONTENT = keccak256("content");
    address internal challenger = makeAddr("challenger");
    ContributionChallenges internal challenges;

    function setUp() public override {
        super.setUp();
        address[3] memory validators = [makeAddr("v1"), makeAddr("v2"), makeAddr("v3")];
        for (uint256 i; i < 3; ++i) _stake(validators[i], 1_000e18);
        _register(makeAddr("contributor"), _createDatanet(makeAddr("curator")), CONTENT);
        for (uint256 i; i < 3; ++i) {
            vm.prank(validators[i]);
            registry.vote(CONTENT, true);
        }
        challenges = new ContributionChallenges(
            address(registry),
            admin,
            address(new NothingDeliveredToken()),
            10e18,
            5_000
        );
    }

    function test_RevertWhen_theBondTokenDeliversNothing() public {
        vm.prank(challenger);
        vm.expectRevert(abi.encodeWithSelector(IContributionChallenges.BondNotReceived.selector));
        challenges.challenge(CONTENT, "ipfs://evidence");
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TestBase} from "./TestBase.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {ValidatorStaking} from "../../contracts/ValidatorStaking.sol";
import {ContributionRegistry} from "../../contracts/ContributionRegistry.sol";
import {AttributionLedger} from "../../contracts/AttributionLedger.sol";
import {RewardDistributor} from "../../contracts/RewardDistributor.sol";

/// @notice Deploys the whole suite with test parameters, plus helpers shared by the Solidity tests.
abstract contract TributaryFixture is TestBase {
    uint256 internal constant EPOCH = 1 days;
    uint256 internal constant MIN_STAKE = 100e18;
    uint256 internal constant UNBONDING = 7 days;
    uint256 internal constant QUORUM_BPS = 6_667;
    uint256 internal constant CHALLENGE = 1 hours;
    uint256 internal constant VOTING_PERIOD = 3 days;
    uint256 internal constant COMMITMENT_MIN_AGE = 60;
    uint256 internal constant FEE_BPS = 500;
    uint256 internal constant VALIDATOR_SHARE_BPS = 1_000;
    uint256 internal constant IDLE_REFUND_EPOCHS = 4;

    address internal admin = makeAddr("admin");
    address internal treasury = makeAddr("treasury");

    MockERC20 internal stakeToken;
    MockERC20 internal rewardToken;
    ValidatorStaking internal staking;
    ContributionRegistry internal registry;
    AttributionLedger internal ledger;
    RewardDistributor internal distributor;

    function setUp() public virtual {
        vm.warp(1_700_000_000);
        vm.roll(100);
        stakeToken = new MockERC20("Stake", "STK");
        rewardToken = new MockERC20("Reward", "RWD");
        staking = new ValidatorStaking(
            address(stakeToken),
            admin,
            treasury,
            block.timestamp,
            EPOCH,
            MIN_STAKE,
            UNBONDING,
            QUORUM_BPS
        );
        registry = new ContributionRegistry(address(staking), admin, VOTING_PERIOD, COMMITMENT_MIN_AGE, 1 days);
        distributor = new RewardDistributor(
            address(rewardToken),
            address(staking),
            admin,
            treasury,
            FEE_BPS,
            VALIDATOR_SHARE_BPS,
            IDLE_REFUND_EPOCHS,
            CHALLENGE
        );
        ledger = new AttributionLedger(address(staking), address(registry), address(distributor), admin, VOTING_PERIOD);
        // No stake exists yet, so both slashers apply at once.
        vm.startPrank(admin);
        staking.scheduleSlasher(address(distributor));
        staking.scheduleSlasher(admin);
        vm.stopPrank();
    }

    /// @dev Bonds `amount` for `validator`, then moves one second on, so the stake counts on items
    /// opened from then (an item's snapshot is the second before it opens).
    function _stake(address validator, uint256 amount) internal {
        stakeToken.mint(validator, amount);
        vm.startPrank(validator);
        stakeToken.approve(address(staking), amount);
        staking.stake(amount);
        vm.stopPrank();
        vm.warp(block.timestamp + 1);
    }

    function _createDatanet(address curator) internal returns (uint32 datanetId) {
        vm.prank(curator);
        datanetId = registry.createDatanet("ipfs://datanet");
    }

    function _register(address contributor, uint32 datanetId, bytes32 contentHash) internal returns (uint256 id) {
        bytes32[] memory hashes = new bytes32[](1);
        hashes[0] = contentHash;
        registry.commit(registry.commitmentOf(contributor, datanetId, hashes, bytes32(0)));
        vm.warp(block.timestamp + COMMITMENT_MIN_AGE);
        vm.roll(block.number + 1);
        vm.prank(contributor);
        id = registry.register(datanetId, contentHash, "ipfs://content", bytes32(0));
    }
}

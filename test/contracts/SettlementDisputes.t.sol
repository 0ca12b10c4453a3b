// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TributaryFixture} from "../utils/TributaryFixture.sol";
import {HugeDecimalsToken, NothingDeliveredToken, SilentToken} from "../utils/NothingDeliveredToken.sol";
import {BondBounds} from "../../contracts/libraries/BondBounds.sol";
import {SettlementDisputes} from "../../contracts/SettlementDisputes.sol";
import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {ISettlementDisputes} from "../../contracts/interfaces/ISettlementDisputes.sol";

/// @notice Three validators of 1 000 each and epoch 0's settlement pending; the disputes contract holds
/// the distributor's DISPUTE_ROLE and bonds in a token that delivers nothing.
contract SettlementDisputes_dispute is TributaryFixture {
    uint256[3] internal keys = [uint256(0xD1), uint256(0xD2), uint256(0xD3)];
    bytes32 internal constant ROOT = keccak256("root");
    address internal disputer = makeAddr("disputer");
    SettlementDisputes internal disputes;

    function setUp() public override {
        super.setUp();
        for (uint256 i; i < 3; ++i) _stake(vm.addr(keys[i]), 1_000e18);
        disputes = new SettlementDisputes(
            address(distributor),
            admin,
            address(new NothingDeliveredToken()),
            100e18,
            1 days
        );
        vm.startPrank(admin);
        distributor.grantRole(distributor.DISPUTE_ROLE(), address(disputes));
        vm.stopPrank();
        vm.warp(distributor.epochStart(1) + 1);
        uint256[] memory totals = new uint256[](1);
        uint256 deadline = block.timestamp + 1 days;
        bytes32 digest = distributor.settlementDigest(
            IRewardDistributor.SettlementData(0, ROOT, totals, keccak256(bytes("")), deadline)
        );
        distributor.submitSettlement(0, ROOT, totals, "", deadline, _signatures(digest));
    }

    function test_RevertWhen_theBondTokenDeliversNothing() public {
        vm.prank(disputer);
        vm.expectRevert(abi.encodeWithSelector(ISettlementDisputes.BondNotReceived.selector));
        disputes.dispute(0, ROOT, "ipfs://evidence");
    }

    function test_RevertWhen_theBondTokenAnswersNoDecimals() public {
        address silent = address(new SilentToken());
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(BondBounds.InvalidBondToken.selector, silent));
        disputes.setBond(silent, 1e18);
    }

    function test_RevertWhen_theBondTokenAnswersOutOfRangeDecimals() public {
        address huge = address(new HugeDecimalsToken());
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(BondBounds.InvalidBondToken.selector, huge));
        disputes.setBond(huge, 1e18);
    }

    /// @dev The validators' signatures of `digest`, in address order.
    function _signatures(bytes32 digest) internal view returns (bytes[] memory signatures) {
        uint256[3] memory sorted = keys;
        for (uint256 i; i < 3; ++i) {
            for (uint256 j = i + 1; j < 3; ++j) {
                if (vm.addr(sorted[j]) < vm.addr(sorted[i])) (sorted[i], sorted[j]) = (sorted[j], sorted[i]);
            }
        }
        signatures = new bytes[](3);
        for (uint256 i; i < 3; ++i) {
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(sorted[i], digest);
            signatures[i] = abi.encodePacked(r, s, v);
        }
    }
}

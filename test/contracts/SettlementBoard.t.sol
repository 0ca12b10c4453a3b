// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

import {TributaryFixture} from "../utils/TributaryFixture.sol";
import {VmLogs} from "../utils/VmLogs.sol";
import {SettlementBoard} from "../../contracts/SettlementBoard.sol";
import {ISettlementBoard} from "../../contracts/interfaces/ISettlementBoard.sol";
import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";

/// @notice Three validators of 1 000 each (quorum 2 001), epoch 0 funded with 1 000 reward tokens and
/// closed, and helpers to sign settlements and publish them on the board.
abstract contract BoardFixture is TributaryFixture {
    uint256 internal constant FUNDING = 1_000e18;
    /// @dev secp256k1 order: `s` above half of it is malleable and refused.
    uint256 internal constant N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    uint256[3] internal keys = [uint256(0xB1), uint256(0xB2), uint256(0xB3)];
    address internal relayer = makeAddr("relayer");
    SettlementBoard internal board;

    function setUp() public virtual override {
        super.setUp();
        for (uint256 i; i < 3; ++i) _stake(vm.addr(keys[i]), 1_000e18);
        rewardToken.mint(address(this), FUNDING);
        rewardToken.approve(address(distributor), type(uint256).max);
        distributor.fund(0, 0, FUNDING);
        board = new SettlementBoard(address(distributor));
        vm.warp(distributor.epochStart(1) + 1);
    }

    function _totals(uint256 total) internal pure returns (uint256[] memory totals) {
        totals = new uint256[](1);
        totals[0] = total;
    }

    function _data(
        uint256 epoch,
        bytes32 root,
        uint256[] memory totals,
        string memory dataUri,
        uint256 deadline
    ) internal pure returns (IRewardDistributor.SettlementData memory) {
        return IRewardDistributor.SettlementData(epoch, root, totals, keccak256(bytes(dataUri)), deadline);
    }

    function _sign(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    /// @dev Signs (epoch, root, totals, dataUri, deadline) with `key` and publishes it from `relayer`.
    function _publish(
        uint256 key,
        uint256 epoch,
        bytes32 root,
        uint256[] memory totals,
        string memory dataUri,
        uint256 deadline
    ) internal returns (bytes memory signature) {
        signature = _sign(key, distributor.settlementDigest(_data(epoch, root, totals, dataUri, deadline)));
        vm.prank(relayer);
        board.publish(epoch, root, totals, dataUri, deadline, signature);
    }

    /// @dev The three validators' keys in increasing address order, as `submitSettlement` wants them.
    function _sortedKeys() internal view returns (uint256[3] memory sorted) {
        sorted = keys;
        for (uint256 i; i < 3; ++i) {
            for (uint256 j = i + 1; j < 3; ++j) {
                if (vm.addr(sorted[j]) < vm.addr(sorted[i])) (sorted[i], sorted[j]) = (sorted[j], sorted[i]);
            }
        }
    }
}

contract SettlementBoard_constructor is BoardFixture {
    function test_constructor_readsTheDistributorsStaking() public view {
        assertEq(board.DISTRIBUTOR(), address(distributor), "distributor");
        assertEq(board.STAKING(), address(staking), "staking");
    }

    function test_RevertWhen_constructor_distributorHasNoCode() public {
        address eoa = makeAddr("eoa");
        vm.expectRevert(abi.encodeWithSelector(ISettlementBoard.InvalidDistributor.selector, eoa));
        new SettlementBoard(eoa);
    }
}

contract SettlementBoard_publish is BoardFixture {
    bytes32 internal constant ROOT = keccak256("root");
    string internal constant URI = "ipfs://settlement-0";

    function test_publish_emitsEverythingASubmissionNeeds() public {
        uint256 deadline = block.timestamp + 1 days;
        uint256[] memory totals = _totals(FUNDING);
        bytes32 digest = distributor.settlementDigest(_data(0, ROOT, totals, URI, deadline));
        bytes memory signature = _sign(keys[0], digest);
        vm.expectEmit();
        emit ISettlementBoard.SignaturePublished(0, digest, vm.addr(keys[0]), ROOT, totals, URI, deadline, signature);
        vm.prank(relayer);
        address signer = board.publish(0, ROOT, totals, URI, deadline, signature);
        assertEq(signer, vm.addr(keys[0]), "returned signer");
    }

    function test_publish_acceptsTheLastSecondOfTheDeadline() public {
        uint256 deadline = block.timestamp;
        _publish(keys[1], 0, ROOT, _totals(FUNDING), URI, deadline);
    }

    /// @dev Published signatures are exactly what the distributor accepts: once all three are on the board,
    /// a keyless caller submits them as they were emitted.
    function test_publish_signaturesFromTheBoardSettleTheEpoch() public {
        uint256 deadline = block.timestamp + 1 days;
        uint256[] memory totals = _totals(FUNDING);
        uint256[3] memory sorted = _sortedKeys();
        VmLogs(address(vm)).recordLogs();
        for (uint256 i; i < 3; ++i) _publish(sorted[i], 0, ROOT, totals, URI, deadline);
        VmLogs.Log[] memory logs = VmLogs(address(vm)).getRecordedLogs();
        assertEq(logs.length, 3, "one event per publication");
        bytes[] memory signatures = new bytes[](3);
        for (uint256 i; i < 3; ++i) {
            assertEq(logs[i].emitter, address(board), "emitter");
            assertEq(logs[i].topics[0], ISettlementBoard.SignaturePublished.selector, "event");
            assertEq(uint256(logs[i].topics[1]), 0, "epoch topic");
            assertEq(logs[i].topics[2], distributor.settlementDigest(_data(0, ROOT, totals, URI, deadline)), "digest");
            assertEq(address(uint160(uint256(logs[i].topics[3]))), vm.addr(sorted[i]), "signer topic");
            (, , , , bytes memory signature) = abi.decode(logs[i].data, (bytes32, uint256[], string, uint256, bytes));
            signatures[i] = signature;
        }
        vm.prank(makeAddr("collector"));
        distributor.submitSettlement(0, ROOT, totals, URI, deadline, signatures);
        assertEq(distributor.nextEpochToSettle(), 1, "settled");
    }

    /// @dev The board keeps no state: a relayed copy of a signature is emitted again, and collectors count
    /// each signer once per digest.
    function test_publish_sameSignatureTwiceEmitsTwice() public {
        uint256 deadline = block.timestamp + 1 days;
        bytes memory signature = _publish(keys[0], 0, ROOT, _totals(FUNDING), URI, deadline);
        VmLogs(address(vm)).recordLogs();
        board.publish(0, ROOT, _totals(FUNDING), URI, deadline, signature);
        assertEq(VmLogs(address(vm)).getRecordedLogs().length, 1, "published again");
    }

    /// @dev Two different settlements of one epoch by one validator are both published, and the two events
    /// are the evidence `reportEquivocation` slashes with.
    function test_publish_equivocationIsPublishedAndSlashable() public {
        uint256 deadline = block.timestamp + 1 days;
        uint256[] memory totals = _totals(FUNDING);
        bytes memory first = _publish(keys[2], 0, ROOT, totals, URI, deadline);
        bytes memory second = _publish(keys[2], 0, keccak256("other root"), totals, URI, deadline);
        address reporter = makeAddr("reporter");
        vm.prank(reporter);
        uint256 slashed = distributor.reportEquivocation(
            _data(0, ROOT, totals, URI, deadline),
            first,
            _data(0, keccak256("other root"), totals, URI, deadline),
            second
        );
        assertGe(slashed, 1, "slashed");
    }

    /// @dev Once the epoch's settlement is submitted the next epoch takes signatures, even while the
    /// submitted one is still pending.
    function test_publish_followsTheNextEpochToSettle() public {
        uint256 deadline = block.timestamp + 1 days;
        uint256[] memory totals = _totals(FUNDING);
        uint256[3] memory sorted = _sortedKeys();
        bytes[] memory signatures = new bytes[](3);
        for (uint256 i; i < 3; ++i) signatures[i] = _publish(sorted[i], 0, ROOT, totals, URI, deadline);
        distributor.submitSettlement(0, ROOT, totals, URI, deadline, signatures);

        vm.expectRevert(abi.encodeWithSelector(ISettlementBoard.EpochNotNext.selector, 0, 1));
        board.publish(0, ROOT, totals, URI, deadline, signatures[0]);
        _publish(keys[0], 1, keccak256("root 1"), totals, "ipfs://settlement-1", deadline);
    }

    function testFuzz_RevertWhen_publish_epochNotNext(uint256 epoch) public {
        vm.assume(epoch != 0);
        uint256 deadline = block.timestamp + 1 days;
        bytes memory signature = _sign(
            keys[0],
            distributor.settlementDigest(_data(epoch, ROOT, _totals(0), URI, deadline))
        );
        vm.expectRevert(abi.encodeWithSelector(ISettlementBoard.EpochNotNext.selector, epoch, 0));
        board.publish(epoch, ROOT, _totals(0), URI, deadline, signature);
    }

    function test_RevertWhen_publish_deadlinePassed() public {
        uint256 deadline = block.timestamp - 1;
        bytes memory signature = _sign(
            keys[0],
            distributor.settlementDigest(_data(0, ROOT, _totals(FUNDING), URI, deadline))
        );
        vm.expectRevert(abi.encodeWithSelector(ISettlementBoard.SignatureExpired.selector, deadline, block.timestamp));
        board.publish(0, ROOT, _totals(FUNDING), URI, deadline, signature);
    }

    /// @dev A signature of other content recovers to some other address, which holds no stake.
    function test_RevertWhen_publish_signatureOfOtherContent() public {
        uint256 deadline = block.timestamp + 1 days;
        bytes32 digest = distributor.settlementDigest(_data(0, ROOT, _totals(FUNDING), URI, deadline));
        bytes memory signature = _sign(keys[0], digest);
        // The same signature presented for another data URI.
        bytes32 otherDigest = distributor.settlementDigest(_data(0, ROOT, _totals(FUNDING), "ipfs://other", deadline));
        address recovered = ECDSA.recover(otherDigest, signature);
        vm.expectRevert(abi.encodeWithSelector(ISettlementBoard.SignerNotActive.selector, recovered));
        board.publish(0, ROOT, _totals(FUNDING), "ipfs://other", deadline, signature);
    }

    function testFuzz_RevertWhen_publish_signerNotStaked(uint256 key) public {
        key = bound(key, 1, N - 1);
        vm.assume(key != keys[0] && key != keys[1] && key != keys[2]);
        uint256 deadline = block.timestamp + 1 days;
        bytes memory signature = _sign(
            key,
            distributor.settlementDigest(_data(0, ROOT, _totals(FUNDING), URI, deadline))
        );
        vm.expectRevert(abi.encodeWithSelector(ISettlementBoard.SignerNotActive.selector, vm.addr(key)));
        board.publish(0, ROOT, _totals(FUNDING), URI, deadline, signature);
    }

    /// @dev A validator that requested to unstake its whole bond is no longer active, though its stake is
    /// still slashable while unbonding.
    function test_RevertWhen_publish_signerUnbonding() public {
        address validator = vm.addr(keys[1]);
        vm.prank(validator);
        staking.requestUnstake(1_000e18);
        uint256 deadline = block.timestamp + 1 days;
        bytes memory signature = _sign(
            keys[1],
            distributor.settlementDigest(_data(0, ROOT, _totals(FUNDING), URI, deadline))
        );
        vm.expectRevert(abi.encodeWithSelector(ISettlementBoard.SignerNotActive.selector, validator));
        board.publish(0, ROOT, _totals(FUNDING), URI, deadline, signature);
    }

    function test_RevertWhen_publish_signatureLengthWrong() public {
        uint256 deadline = block.timestamp + 1 days;
        bytes32 digest = distributor.settlementDigest(_data(0, ROOT, _totals(FUNDING), URI, deadline));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(keys[0], digest);
        // 64-byte (EIP-2098) signatures are refused, as the distributor refuses them.
        bytes memory short = abi.encodePacked(r, bytes32(uint256(s) | (uint256(v - 27) << 255)));
        vm.expectRevert(abi.encodeWithSelector(ISettlementBoard.InvalidSignature.selector, digest, short));
        board.publish(0, ROOT, _totals(FUNDING), URI, deadline, short);
    }

    function test_RevertWhen_publish_signatureMalleable() public {
        uint256 deadline = block.timestamp + 1 days;
        bytes32 digest = distributor.settlementDigest(_data(0, ROOT, _totals(FUNDING), URI, deadline));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(keys[0], digest);
        // The same point with the other `s`: valid for ecrecover, refused as malleable.
        bytes memory flipped = abi.encodePacked(r, bytes32(N - uint256(s)), v == 27 ? uint8(28) : uint8(27));
        vm.expectRevert(abi.encodeWithSelector(ISettlementBoard.InvalidSignature.selector, digest, flipped));
        board.publish(0, ROOT, _totals(FUNDING), URI, deadline, flipped);
    }

    function test_RevertWhen_publish_signatureRecoversToNoAddress() public {
        uint256 deadline = block.timestamp + 1 days;
        bytes32 digest = distributor.settlementDigest(_data(0, ROOT, _totals(FUNDING), URI, deadline));
        (, bytes32 r, bytes32 s) = vm.sign(keys[0], digest);
        bytes memory badV = abi.encodePacked(r, s, uint8(29));
        vm.expectRevert(abi.encodeWithSelector(ISettlementBoard.InvalidSignature.selector, digest, badV));
        board.publish(0, ROOT, _totals(FUNDING), URI, deadline, badV);
    }
}

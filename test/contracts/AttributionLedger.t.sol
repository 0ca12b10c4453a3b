// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TributaryFixture} from "../utils/TributaryFixture.sol";
import {IAttributionLedger} from "../../contracts/interfaces/IAttributionLedger.sol";

contract AttributionLedger_propose is TributaryFixture {
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
            records = bytes.concat(records, abi.encodePacked(bytes32(outputId), value), vector);
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

    function test_RevertWhen_weightsDoNotSumTo10000() public {
        bytes memory records = abi.encodePacked(bytes32(uint256(1)), uint128(5), uint8(2), uint32(1), uint16(5_000));
        records = bytes.concat(records, abi.encodePacked(uint32(2), uint16(4_000)));
        vm.prank(v1);
        vm.expectRevert(abi.encodeWithSelector(IAttributionLedger.WeightsSumMismatch.selector, 0, 9_000));
        ledger.propose(records);
    }
}

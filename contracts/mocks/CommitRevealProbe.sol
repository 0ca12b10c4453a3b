// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IContributionRegistry} from "../interfaces/IContributionRegistry.sol";

/// @notice Commits and reveals in one transaction, to show the registry refuses a same-block reveal.
contract CommitRevealProbe {
    function commitAndReveal(IContributionRegistry registry, uint32 datanetId, bytes32 contentHash) external {
        bytes32[] memory hashes = new bytes32[](1);
        hashes[0] = contentHash;
        registry.commit(
            keccak256(abi.encode(address(this), datanetId, keccak256(abi.encodePacked(hashes)), bytes32(0)))
        );
        registry.register(datanetId, contentHash, "", bytes32(0));
    }
}

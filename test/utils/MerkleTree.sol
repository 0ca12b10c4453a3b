// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice Builds the distributor's Merkle trees in tests: OpenZeppelin standard leaves of
/// `(address account, address token, uint256 cumulativeAmount)` hashed pairwise in sorted order, so
/// `MerkleProof.verify` accepts the proofs. Odd nodes are carried up a level unchanged.
library MerkleTree {
    function leaf(address account, address token, uint256 cumulativeAmount) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(account, token, cumulativeAmount))));
    }

    function root(bytes32[] memory leaves) internal pure returns (bytes32) {
        uint256 n = leaves.length;
        if (n == 0) return bytes32(0);
        bytes32[] memory level = _copy(leaves);
        while (n > 1) {
            n = _up(level, n);
        }
        return level[0];
    }

    function proof(bytes32[] memory leaves, uint256 index) internal pure returns (bytes32[] memory result) {
        uint256 n = leaves.length;
        bytes32[] memory level = _copy(leaves);
        bytes32[] memory buffer = new bytes32[](256);
        uint256 depth;
        while (n > 1) {
            uint256 sibling = index ^ 1;
            if (sibling < n) buffer[depth++] = level[sibling];
            n = _up(level, n);
            index >>= 1;
        }
        result = new bytes32[](depth);
        for (uint256 i; i < depth; ++i) result[i] = buffer[i];
    }

    /// @dev Replaces the first `(n + 1) / 2` nodes of `level` with the next level up; returns its size.
    function _up(bytes32[] memory level, uint256 n) private pure returns (uint256 m) {
        m = (n + 1) / 2;
        for (uint256 i; i < m; ++i) {
            level[i] = 2 * i + 1 < n ? _hashPair(level[2 * i], level[2 * i + 1]) : level[2 * i];
        }
    }

    function _hashPair(bytes32 a, bytes32 b) private pure returns (bytes32) {
        return a < b ? keccak256(abi.encodePacked(a, b)) : keccak256(abi.encodePacked(b, a));
    }

    function _copy(bytes32[] memory values) private pure returns (bytes32[] memory copy) {
        copy = new bytes32[](values.length);
        for (uint256 i; i < values.length; ++i) copy[i] = values[i];
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

import {IRewardDistributor} from "./interfaces/IRewardDistributor.sol";
import {ISettlementBoard} from "./interfaces/ISettlementBoard.sol";
import {IValidatorStaking} from "./interfaces/IValidatorStaking.sol";

/// @title SettlementBoard
/// @notice Where validators publish their settlement signatures, for any node to collect and submit.
/// @dev Emits and stores nothing else: see docs/signatures.md for why no state is kept.
contract SettlementBoard is ISettlementBoard {
    /// @inheritdoc ISettlementBoard
    address public immutable override DISTRIBUTOR;
    /// @inheritdoc ISettlementBoard
    address public immutable override STAKING;

    /// @param distributor The suite's `RewardDistributor`.
    constructor(address distributor) {
        require(distributor.code.length > 0, InvalidDistributor(distributor));
        DISTRIBUTOR = distributor;
        STAKING = IRewardDistributor(distributor).STAKING();
    }

    /// @inheritdoc ISettlementBoard
    function publish(
        uint256 epoch,
        bytes32 root,
        uint256[] calldata cumulativeTotals,
        string calldata dataUri,
        uint256 deadline,
        bytes calldata signature
    ) external override returns (address signer) {
        require(block.timestamp <= deadline, SignatureExpired(deadline, block.timestamp));
        uint256 next = IRewardDistributor(DISTRIBUTOR).nextEpochToSettle();
        require(epoch == next, EpochNotNext(epoch, next));
        bytes32 digest = IRewardDistributor(DISTRIBUTOR).settlementDigest(
            IRewardDistributor.SettlementData(epoch, root, cumulativeTotals, keccak256(bytes(dataUri)), deadline)
        );
        ECDSA.RecoverError failure;
        (signer, failure, ) = ECDSA.tryRecover(digest, signature);
        require(failure == ECDSA.RecoverError.NoError, InvalidSignature(digest, signature));
        require(IValidatorStaking(STAKING).activeStakeOf(signer) > 0, SignerNotActive(signer));
        emit SignaturePublished(epoch, digest, signer, root, cumulativeTotals, dataUri, deadline, signature);
    }
}

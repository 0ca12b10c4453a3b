// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ISettlementBoard
/// @notice A public board where validators' settlement signatures meet without a trusted server: each
/// publication is checked (the next epoch to settle, an unexpired deadline, a valid EIP-712 signature of
/// an active validator) and emitted as an event that carries everything `submitSettlement` needs. Any
/// node, with or without a validator key, reads the events of an epoch, groups them by digest and
/// submits once the signers' active stake reaches quorum (docs/signatures.md).
/// @dev The board keeps no state and has no admin and no pause. The distributor checks everything again
/// at submission, and settles each epoch once, so of several racing submissions exactly one lands. A
/// validator's signatures over two different settlements of one epoch are both published, as evidence
/// for `IRewardDistributor.reportEquivocation`.
interface ISettlementBoard {
    /// @notice `signer` signed the settlement of `epoch` with EIP-712 digest `digest`; the arguments of
    /// `submitSettlement`, bar the signatures, follow. A signature may be published more than once
    /// (anyone may relay it), so collectors count each signer once per digest.
    /// @param epoch The settled epoch.
    /// @param digest The distributor's `settlementDigest` of the settlement: signatures with one digest
    /// can be submitted together.
    /// @param signer The active validator the signature recovers to.
    /// @param root The Merkle root of cumulative entitlements.
    /// @param cumulativeTotals One total per covered token, in allowlist order.
    /// @param dataUri The content address of the settlement's artifact; validators sign its hash.
    /// @param deadline The signature's deadline.
    /// @param signature The 65-byte signature.
    event SignaturePublished(
        uint256 indexed epoch,
        bytes32 indexed digest,
        address indexed signer,
        bytes32 root,
        uint256[] cumulativeTotals,
        string dataUri,
        uint256 deadline,
        bytes signature
    );

    /// @notice The distributor given to the constructor has no code.
    /// @param distributor The refused address.
    error InvalidDistributor(address distributor);
    /// @notice Only the distributor's next epoch to settle takes signatures: earlier epochs are settled,
    /// later ones cannot settle before it.
    /// @param epoch The epoch of the signed settlement.
    /// @param nextEpoch The distributor's `nextEpochToSettle`.
    error EpochNotNext(uint256 epoch, uint256 nextEpoch);
    /// @notice The signature's deadline has passed, so the distributor would refuse it.
    /// @param deadline The deadline signed.
    /// @param nowTimestamp The current time.
    error SignatureExpired(uint256 deadline, uint256 nowTimestamp);
    /// @notice `signature` is not a valid signature of `digest`: not 65 bytes long, with a high `s`,
    /// or recovering to no address.
    /// @param digest The digest of the settlement as given.
    /// @param signature The refused signature.
    error InvalidSignature(bytes32 digest, bytes signature);
    /// @notice `signer` is not an active validator (bonded stake below the staking contract's
    /// `minStake`), so its signature would count for nothing.
    /// @param signer The address the signature recovers to.
    error SignerNotActive(address signer);

    /// @notice The distributor whose settlements the board collects signatures for.
    /// @return Its address.
    function DISTRIBUTOR() external view returns (address);
    /// @notice The distributor's staking contract, which says who is an active validator.
    /// @return Its address.
    function STAKING() external view returns (address);

    /// @notice Publishes a validator's signature of the settlement `submitSettlement` would take with
    /// these arguments. Anyone may call: the signature, not the caller, names the validator.
    /// @param epoch The epoch settled: the distributor's `nextEpochToSettle`.
    /// @param root The Merkle root of cumulative entitlements.
    /// @param cumulativeTotals One total per covered token, in allowlist order.
    /// @param dataUri The content address of the settlement's artifact; its hash is what was signed.
    /// @param deadline The signature's deadline, not yet passed.
    /// @param signature An active validator's EIP-712 signature of the settlement.
    /// @return signer The validator the signature recovers to.
    function publish(
        uint256 epoch,
        bytes32 root,
        uint256[] calldata cumulativeTotals,
        string calldata dataUri,
        uint256 deadline,
        bytes calldata signature
    ) external returns (address signer);
}

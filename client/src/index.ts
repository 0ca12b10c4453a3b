/**
 * Tributary's typed client: one action per file, re-exported here. Browser-safe: nothing here
 * imports `node:` modules; Node-only helpers (files, directories) are behind `@tributary/client/node`.
 */
export * from "./rules/errors.js";
export * from "./rules/validation.js";
export * from "./rules/deployment.js";
export * from "./rules/events.js";
export * from "./rules/artifact.js";
export * from "./rules/contentAddress.js";
export * from "./chain/calls.js";
export * from "./chain/contracts.js";
export * from "./chain/deployments.js";
export * from "./chain/devChain.js";
export * from "./chain/events.js";
export * from "./rules/records.js";
export * from "./rules/hashing.js";
export * from "./rules/merkle.js";
export * from "./rules/allocation.js";
export * from "./rules/epochSlice.js";
export * from "./chain/indexer.js";
export * from "./settlement/store.js";
export * from "./chain/signer.js";
export * from "./rules/commitment.js";

// Contributors
export * from "./actions/createDatanet.js";
export * from "./actions/register.js";
export * from "./actions/registerBatch.js";
export * from "./actions/signRegistration.js";
export * from "./actions/signRegistrationFor.js";
export * from "./actions/relayRegistration.js";
export * from "./actions/withdrawContribution.js";
export * from "./actions/listContributions.js";
export * from "./actions/listPendingContributions.js";
export * from "./actions/contributionStatus.js";
export * from "./actions/claimable.js";
export * from "./actions/claim.js";
export * from "./actions/claimMany.js";
export * from "./actions/fetchRewards.js";
export * from "./actions/setRecipient.js";
export * from "./actions/disputes.js";
export * from "./actions/challenges.js";
export * from "./rules/proof.js";

// Validators
export * from "./actions/stake.js";
export * from "./actions/requestUnstake.js";
export * from "./actions/withdrawStake.js";
export * from "./actions/vote.js";
export * from "./actions/proposeBatch.js";
export * from "./actions/attestBatch.js";
export * from "./actions/signSettlement.js";

// Dapps
export * from "./actions/createPool.js";
export * from "./actions/readPool.js";
export * from "./actions/listPools.js";
export * from "./actions/fundPool.js";
export * from "./actions/readEpoch.js";
export * from "./actions/listAttributionBatches.js";

// Operators
export * from "./settlement/computeEpochSettlement.js";
export * from "./settlement/settle.js";
export * from "./settlement/onChainSettlement.js";
export * from "./settlement/verify.js";
export * from "./settlement/discoverSettlements.js";
export * from "./settlement/fetchArtifact.js";
export * from "./settlement/collectSignatures.js";
export * from "./abis.js";

/**
 * Tributary's typed client: one action per file, re-exported here. Browser-safe: nothing here
 * imports `node:` modules; Node-only helpers (files, directories) live in `client/node/`.
 */
export * from "./errors.js";
export * from "./validation.js";
export * from "./contracts.js";
export * from "./events.js";
export * from "./records.js";
export * from "./hashing.js";
export * from "./merkle.js";
export * from "./allocation.js";
export * from "./indexer.js";
export * from "./store.js";
export * from "./signer.js";
export * from "./commitment.js";

// Contributors
export * from "./createDatanet.js";
export * from "./register.js";
export * from "./registerBatch.js";
export * from "./signRegistration.js";
export * from "./relayRegistration.js";
export * from "./withdrawContribution.js";
export * from "./listContributions.js";
export * from "./contributionStatus.js";
export * from "./claimable.js";
export * from "./claim.js";
export * from "./claimMany.js";
export * from "./setRecipient.js";
export * from "./proof.js";

// Validators
export * from "./stake.js";
export * from "./requestUnstake.js";
export * from "./withdrawStake.js";
export * from "./vote.js";
export * from "./proposeBatch.js";
export * from "./attestBatch.js";
export * from "./signSettlement.js";

// Dapps
export * from "./pools.js";
export * from "./readEpoch.js";
export * from "./listAttributionBatches.js";

// Operators
export * from "./computeEpochSettlement.js";
export * from "./settle.js";
export * from "./onChainSettlement.js";
export * from "./verify.js";
export * from "./collectSignatures.js";

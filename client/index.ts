/**
 * Tributary's typed client. Browser-safe: nothing here imports `node:` modules; Node-only
 * helpers (files, directories) live in `client/node/`.
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
export * from "./registration.js";
export * from "./validators.js";
export * from "./store.js";
export * from "./settlement.js";
export * from "./reads.js";

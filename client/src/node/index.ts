/** Node-only helpers: filesystem hashing, the file-backed settlement store, deployments read from files. */
export * from "./fileStore.js";
export * from "./hashPath.js";
export * from "./loadDeployment.js";

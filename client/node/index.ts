/** Node-only helpers: filesystem hashing and the file-backed settlement store. */
export * from "./fileStore.js";
export * from "./hashPath.js";

/** The repository's own import path for the Node-only helpers: the package's `./node` entry. */
export * from "../src/node/index.js";

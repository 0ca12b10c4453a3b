/** The repository's own import path for the client (tasks, scripts, tests, the app): the package's main entry. */
export * from "./src/index.js";

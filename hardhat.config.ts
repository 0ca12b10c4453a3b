import { createRequire } from "node:module";
import path from "node:path";
import { configVariable, defineConfig } from "hardhat/config";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";

import { tributaryTasks } from "./tasks/index.js";
import solcWarnings from "./tasks/plugins/solcWarnings.js";

const require = createRequire(import.meta.url);

/** solc comes from the pinned `solc` npm package: Hardhat never downloads a compiler. */
const SOLC_VERSION = "0.8.30";

export default defineConfig({
  // solcWarnings drops solc's EIP-1153 warning about OpenZeppelin's TransientSlot (the reentrancy lock).
  plugins: [hardhatToolboxMochaEthers, solcWarnings],
  tasks: tributaryTasks,
  solidity: {
    compilers: [
      {
        version: SOLC_VERSION,
        path: require.resolve("solc/soljson.js"),
        settings: { evmVersion: "prague", optimizer: { enabled: true, runs: 10_000 } },
      },
    ],
    // The distributor holds pools, tokens, settlements and claims; at 10 000 runs it would exceed the
    // 24 576-byte code limit (with the dispute freeze, release and drop: 23 995 bytes at 200 runs); see
    // BENCHMARKS.md for what 200 runs cost its claims.
    overrides: {
      "contracts/RewardDistributor.sol": {
        version: SOLC_VERSION,
        path: require.resolve("solc/soljson.js"),
        settings: { evmVersion: "prague", optimizer: { enabled: true, runs: 200 } },
      },
    },
  },
  paths: {
    ignition: "deploy",
  },
  typechain: {
    outDir: path.resolve(import.meta.dirname, "typechain-types"),
  },
  test: {
    solidity: {
      profiles: {
        default: {
          fuzz: { runs: 256, seed: "0x7472696275746172790000000000000000000000000000000000000000000001" },
          invariant: { runs: 256, depth: 50, failOnRevert: true },
        },
        deep: {
          fuzz: { runs: 10_000, seed: "0x7472696275746172790000000000000000000000000000000000000000000001" },
          invariant: { runs: 10_000, depth: 50, failOnRevert: true },
        },
      },
    },
    // Two workers: the CLI and node tests mostly wait on the processes they start (docs: CI time).
    mocha: { timeout: 120_000, parallel: true, jobs: 2 },
  },
  networks: {
    hardhatMainnet: { type: "edr-simulated", chainType: "l1" },
    // A local `npx hardhat node`; the TRIBUTARY_RPC_URL environment variable points it at another URL
    // (tests and the app start nodes on other ports). See docs/operations.md.
    localhost: { type: "http", chainType: "l1", url: process.env.TRIBUTARY_RPC_URL ?? "http://127.0.0.1:8545" },
    sepolia: {
      type: "http",
      chainType: "l1",
      url: configVariable("SEPOLIA_RPC_URL"),
      accounts: [configVariable("SEPOLIA_PRIVATE_KEY")],
    },
  },
});

/**
 * A project-local Hardhat plugin that drops solc's EIP-1153 warning when it points into OpenZeppelin's
 * `TransientSlot.sol`. That library backs `ReentrancyGuardTransient`, whose lock is cleared at the end
 * of every call: the use solc itself calls safe. Every other warning, ours included, is kept.
 */
import type { HardhatPlugin } from "hardhat/types/plugins";

const solcWarnings: HardhatPlugin = {
  id: "tributary:solc-warnings",
  hookHandlers: {
    solidity: () => import("./solcWarningsHooks.js"),
  },
};

export default solcWarnings;

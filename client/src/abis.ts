/**
 * The suite's ABIs as `as const` literals, for viem, wagmi and abitype:
 * `readContract({ abi: distributorAbi, functionName: "currentEpoch", ... })` is fully typed.
 */
export * from "./generated/abis/index.js";

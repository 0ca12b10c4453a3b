/** A JSON-RPC provider that accepts raw requests, as ethers' `JsonRpcProvider` and Hardhat's do. */
export interface RawRpcProvider {
  send(method: string, params: unknown[]): Promise<unknown>;
  getBlock(block: "latest"): Promise<{ timestamp: number } | null>;
}

/**
 * A `waitUntil` for dev chains (Hardhat, Anvil) that mine only on demand: it moves the chain's
 * clock forward with `evm_increaseTime` and mines a block. Never use it against a real network.
 * @example
 * await register(tributary, { datanetId: 1, contentHash, uri, waitUntil: devChainWaitUntil(provider) });
 */
export function devChainWaitUntil(provider: RawRpcProvider): (timestamp: bigint) => Promise<void> {
  return async (timestamp) => {
    const latest = BigInt((await provider.getBlock("latest"))?.timestamp ?? 0);
    if (latest >= timestamp) return;
    await provider.send("evm_increaseTime", [Number(timestamp - latest)]);
    await provider.send("evm_mine", []);
  };
}

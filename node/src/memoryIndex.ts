/** Interim: an in-memory index over the client's indexEvents (no persistence, no reorg handling). */
import type { Provider } from "ethers";
import {
  epochSliceOf,
  indexEvents,
  outputsCountedBefore,
  type TributaryContracts,
  type TributaryEvent,
} from "../../client/index.js";
import type { NodeIndex } from "./compute.js";

export class MemoryIndex implements NodeIndex {
  private events: TributaryEvent[] = [];
  private through?: { number: number; hash: string; timestamp: bigint };
  constructor(private readonly tributary: TributaryContracts) {}
  async sync(provider: Provider, options: { confirmations: number }) {
    const head = await provider.getBlockNumber();
    const toBlock = head - options.confirmations;
    const fromBlock = this.through ? this.through.number + 1 : this.tributary.deployment.deployBlock;
    if (toBlock < fromBlock) return { events: 0 };
    const got = await indexEvents(this.tributary, { fromBlock, toBlock });
    this.events.push(...got.events);
    const block = await provider.getBlock(toBlock);
    this.through = { number: toBlock, hash: block!.hash!, timestamp: got.toBlockTimestamp };
    return { events: got.events.length };
  }
  async indexedThrough() {
    return this.through;
  }
  async epochSlice(epoch: bigint) {
    return epochSliceOf(this.events, epoch);
  }
  async previouslyCountedOutputs(epoch: bigint, outputIds: string[]) {
    return outputsCountedBefore(this.events, epoch, outputIds);
  }
}

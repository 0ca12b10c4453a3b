import type { TributaryContracts } from "./contracts.js";
import { NotFoundError, wrapCall } from "./errors.js";

/** Creates a datanet curated by the signer and returns its id. */
export async function createDatanet(tributary: TributaryContracts, metadataUri: string): Promise<bigint> {
  const receipt = await wrapCall(
    "createDatanet",
    async () => (await (await tributary.registry.createDatanet(metadataUri)).wait())!,
  );
  for (const log of receipt.logs) {
    const parsed = tributary.registry.interface.parseLog(log);
    if (parsed?.name === "DatanetCreated") return parsed.args.datanetId as bigint;
  }
  throw new NotFoundError("the DatanetCreated event is missing from the receipt");
}

import type { TributaryContracts } from "../chain/contracts.js";
import { NotFoundError } from "../rules/errors.js";
import { wrapCall } from "../chain/calls.js";

/** Parameters of {@link createDatanet}. */
export interface CreateDatanetParameters {
  /** Where the datanet's description lives, e.g. an `ipfs://` URI. */
  metadataUri: string;
}

/** The new datanet's id. */
export type CreateDatanetResult = bigint;

/**
 * Creates a datanet curated by the signer and returns its id.
 * @example
 * const datanetId = await createDatanet(asCurator, { metadataUri: "ipfs://…" });
 * @throws {ContractRevertError} the registry refused (e.g. `EnforcedPause`).
 * @throws {NotFoundError} the receipt carries no `DatanetCreated` event.
 */
export async function createDatanet(
  tributary: TributaryContracts,
  parameters: CreateDatanetParameters,
): Promise<CreateDatanetResult> {
  const receipt = await wrapCall(
    "createDatanet",
    async () => (await (await tributary.registry.createDatanet(parameters.metadataUri)).wait())!,
  );
  for (const log of receipt.logs) {
    const parsed = tributary.registry.interface.parseLog(log);
    if (parsed?.name === "DatanetCreated") return parsed.args.datanetId as bigint;
  }
  throw new NotFoundError("the DatanetCreated event is missing from the receipt");
}

import type { TributaryContracts } from "./contracts.js";
import { type RegisterBatchParameters, type RegisterResult, registerBatch } from "./registerBatch.js";

/** Parameters of {@link register}. */
export interface RegisterParameters {
  datanetId: bigint | number;
  contentHash: string;
  /** Emitted in the event, never stored. */
  uri: string;
  /** 32-byte secret; a random one is drawn when omitted. */
  salt?: string;
  /** See {@link RegisterBatchParameters.waitUntil}. */
  waitUntil?: RegisterBatchParameters["waitUntil"];
}

/**
 * Registers one contribution for the signer (commit, wait `commitmentMinAge`, reveal).
 * @example
 * const { ids } = await register(tributary, { datanetId: 1, contentHash, uri: "ipfs://…" });
 */
export async function register(tributary: TributaryContracts, parameters: RegisterParameters): Promise<RegisterResult> {
  return registerBatch(tributary, {
    datanetId: parameters.datanetId,
    contentHashes: [parameters.contentHash],
    uris: [parameters.uri],
    ...(parameters.salt === undefined ? {} : { salt: parameters.salt }),
    ...(parameters.waitUntil === undefined ? {} : { waitUntil: parameters.waitUntil }),
  });
}

import type { TributaryContracts } from "../chain/contracts.js";
import { type RegisterBatchParameters, type RegisterBatchResult, registerBatch } from "./registerBatch.js";

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

/** What {@link register} produced. */
export type RegisterResult = RegisterBatchResult;

/**
 * Registers one contribution for the signer (commit, wait `commitmentMinAge`, reveal).
 * @example
 * const { ids } = await register(tributary, { datanetId: 1, contentHash, uri: "ipfs://…" });
 * @throws {InvalidInputError} a malformed datanet id, hash or salt, or a runner without a Signer.
 * @throws {ContractRevertError} the registry refused the commitment or the reveal.
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

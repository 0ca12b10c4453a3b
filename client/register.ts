import type { TributaryContracts } from "./contracts.js";
import { type RegisterResult, registerBatch } from "./registerBatch.js";

/** Parameters of {@link register}. */
export interface RegisterParameters {
  datanetId: bigint | number;
  contentHash: string;
  /** Emitted in the event, never stored. */
  uri: string;
  /** 32-byte secret; a random one is drawn when omitted. */
  salt?: string;
}

/** Registers one contribution for the signer (commit, then reveal). */
export async function register(tributary: TributaryContracts, parameters: RegisterParameters): Promise<RegisterResult> {
  return registerBatch(tributary, {
    datanetId: parameters.datanetId,
    contentHashes: [parameters.contentHash],
    uris: [parameters.uri],
    ...(parameters.salt === undefined ? {} : { salt: parameters.salt }),
  });
}

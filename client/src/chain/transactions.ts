import type { ContractTransactionResponse } from "ethers";
import { wrapCall } from "./calls.js";

/** Sending a transaction and waiting for its receipt, with errors made typed. */
export async function send(action: string, tx: () => Promise<ContractTransactionResponse>) {
  return wrapCall(action, async () => (await (await tx()).wait())!);
}

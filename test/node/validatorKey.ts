import { readFile } from "node:fs/promises";
import { Wallet, type Provider, type Signer } from "ethers";
import type { ValidatorNode } from "../../scripts/lib/network.js";

/**
 * Validator `node`'s key, decrypted by the test from the keystore and password file the launcher wrote:
 * for tests that act as a validator whose node is not running, or beside it.
 */
export async function validatorKey(node: ValidatorNode, provider: Provider): Promise<Signer> {
  const password = (await readFile(node.passwordFile, "utf8")).trim();
  const wallet = await Wallet.fromEncryptedJson(await readFile(node.keystore, "utf8"), password);
  return wallet.connect(provider) as Signer;
}

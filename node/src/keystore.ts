/** The node's one key: an ethers encrypted JSON keystore (scrypt), decrypted at start. */
import { readFile, writeFile } from "node:fs/promises";
import { Wallet, type HDNodeWallet } from "ethers";
import { ConfigError } from "./config.js";

/** Decrypts the keystore at `file` with `password`. */
export async function loadKeystore(file: string, password: string): Promise<Wallet | HDNodeWallet> {
  let json: string;
  try {
    json = await readFile(file, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read the keystore ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  try {
    return await Wallet.fromEncryptedJson(json, password);
  } catch (error) {
    throw new ConfigError(`cannot decrypt the keystore ${file}: ${(error as Error).message}`);
  }
}

/**
 * Writes an encrypted keystore of `privateKey` (or of a new random key) to `file`, readable by its owner
 * only, and returns its address.
 */
export async function writeKeystore(file: string, password: string, privateKey?: string): Promise<string> {
  const wallet = privateKey ? new Wallet(privateKey) : Wallet.createRandom();
  await writeFile(file, await wallet.encrypt(password), { mode: 0o600, flag: "wx" });
  return wallet.address;
}

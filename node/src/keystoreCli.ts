/**
 * `npm run node:keystore -- --out <file> [--private-key-env VAR]`: writes an encrypted JSON keystore of a
 * new random key (or of the key in the environment variable VAR), encrypted with
 * $TRIBUTARY_KEYSTORE_PASSWORD, and prints its address.
 */
import { writeKeystore } from "./keystore.js";

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const out = flag("--out");
const keyEnv = flag("--private-key-env");
const password = process.env.TRIBUTARY_KEYSTORE_PASSWORD;
if (!out || password === undefined || password === "") {
  console.error("usage: TRIBUTARY_KEYSTORE_PASSWORD=… npm run node:keystore -- --out <file> [--private-key-env VAR]");
  process.exit(2);
}
const privateKey = keyEnv ? process.env[keyEnv] : undefined;
if (keyEnv && !privateKey) {
  console.error(`tributary-node: $${keyEnv} is empty`);
  process.exit(2);
}
try {
  const address = await writeKeystore(out, password, privateKey);
  console.log(`${address} ${out}`);
} catch (error) {
  console.error(`tributary-node: cannot write ${out}: ${(error as Error).message}`);
  process.exit(1);
}

/**
 * One validator's short-lived process, so that no process holds two validators' keys:
 *
 *   node --import tsx scripts/lib/validatorAct.ts create --keystore <file> --password-file <file>
 *     makes a new random key, writes it only as an encrypted keystore (and a random password next to
 *     it, both readable by their owner only) and prints {"address"}.
 *   node --import tsx scripts/lib/validatorAct.ts stake --keystore <file> --password-file <file>
 *       --rpc <url> --deployment <deployment.json> --amount <base units>
 *     decrypts that one key, bonds `amount` stake tokens (held by the address already) and prints
 *     {"address"}.
 *
 * Used by scripts/lib/network.ts to provision validators. After that only the validator's node reads
 * the keystore: it votes, proposes and attests on its own.
 */
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { encryptKeystoreJson, JsonRpcProvider, Wallet } from "ethers";
import { connectTributary, stake, withRunner } from "../../client/index.js";
import { loadDeployment } from "../../client/node/index.js";

const [command, ...rest] = process.argv.slice(2);
const flag = (name: string): string => {
  const i = rest.indexOf(name);
  const value = i >= 0 ? rest[i + 1] : undefined;
  if (!value) throw new Error(`validatorAct ${command}: ${name} is required`);
  return value;
};

async function create(): Promise<void> {
  const wallet = Wallet.createRandom();
  const password = randomBytes(24).toString("hex");
  await writeFile(flag("--password-file"), password, { mode: 0o600, flag: "wx" });
  // A light scrypt keeps the demo fast; `npm run node:keystore` uses ethers' default.
  const json = await encryptKeystoreJson({ address: wallet.address, privateKey: wallet.privateKey }, password, {
    scrypt: { N: 1 << 12 },
  });
  await writeFile(flag("--keystore"), json, { mode: 0o600, flag: "wx" });
  console.log(JSON.stringify({ address: wallet.address }));
}

async function stakeTokens(): Promise<void> {
  // No result cache: ethers would otherwise answer a nonce query made within 250 ms of the last one
  // from its cache, and the transaction after a mined one would reuse its nonce.
  const provider = new JsonRpcProvider(flag("--rpc"), undefined, { staticNetwork: true, cacheTimeout: -1 });
  try {
    const password = (await readFile(flag("--password-file"), "utf8")).trim();
    const wallet = (await Wallet.fromEncryptedJson(await readFile(flag("--keystore"), "utf8"), password)).connect(
      provider,
    );
    const tributary = withRunner(connectTributary(await loadDeployment(flag("--deployment")), provider), wallet);
    await stake(tributary, { amount: BigInt(flag("--amount")) });
    console.log(JSON.stringify({ address: wallet.address }));
  } finally {
    provider.destroy();
  }
}

try {
  if (command === "create") await create();
  else if (command === "stake") await stakeTokens();
  else throw new Error(`usage: validatorAct.ts (create | stake) …; got ${JSON.stringify(command)}`);
} catch (error) {
  const cause = (error as { cause?: { error?: { message?: string } } }).cause?.error?.message;
  console.error(`validatorAct: ${(error as Error).stack ?? error}${cause ? `\ncaused by: ${cause}` : ""}`);
  process.exitCode = 1;
}

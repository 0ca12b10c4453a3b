/**
 * `npm run node:protection -- export --config <file> --out <file>` and
 * `npm run node:protection -- import --config <file> --file <file>`: moves a validator's signing-protection
 * record between machines (docs/node.md). The node must be stopped: the tool takes its data directory's lock.
 */
import { readFile, rename, writeFile } from "node:fs/promises";
import { getAddress } from "ethers";
import { loadDeployment } from "../../client/node/index.js";
import { ConfigError, loadConfig } from "./config.js";
import { openDatabase } from "./db.js";
import { lockDataDir } from "./lock.js";
import { ProtectionImportError, SigningProtection, exportProtection, importProtection } from "./protection.js";

const USAGE =
  "usage: npm run node:protection -- export --config <node.json> --out <file>\n" +
  "       npm run node:protection -- import --config <node.json> --file <file>";

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  const flag = (name: string) => {
    const i = rest.indexOf(name);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  const configFile = flag("--config");
  const target = command === "export" ? flag("--out") : command === "import" ? flag("--file") : undefined;
  if (!configFile || !target) throw new ConfigError(USAGE);
  const config = await loadConfig(configFile);
  if (!config.keystore) throw new ConfigError("the config names no keystore: a keyless node signs nothing");
  const validator = await keystoreAddress(config.keystore);
  const deployment = await loadDeployment(config.deployment);
  const owner = { chainId: String(deployment.chainId), distributor: deployment.distributor, validator };
  const unlock = await lockDataDir(config.dataDir);
  const db = await openDatabase({
    ...(config.database ? { url: config.database } : {}),
    dataDir: config.dataDir,
    name: "db",
  });
  try {
    const protection = await SigningProtection.open(db);
    if (command === "export") {
      const document = await exportProtection(protection, owner);
      // Written beside the target and renamed, so a crash never leaves half a file; never overwrites.
      const partial = `${target}.partial`;
      await writeFile(partial, JSON.stringify(document, null, 2) + "\n", { flag: "w", mode: 0o600 });
      await writeFile(target, "", { flag: "wx" }).catch((error: NodeJS.ErrnoException) => {
        throw new ConfigError(`cannot write ${target}: ${error.code === "EEXIST" ? "it exists" : error.message}`);
      });
      await rename(partial, target);
      console.log(`exported ${document.records.length} signed epochs of ${validator} to ${target}`);
    } else {
      let document: unknown;
      try {
        document = JSON.parse(await readFile(target, "utf8"));
      } catch (error) {
        throw new ProtectionImportError(`cannot read ${target} as JSON: ${(error as Error).message}`);
      }
      const { added, unchanged } = await importProtection(protection, owner, document);
      console.log(`imported into ${db.description}: ${added} epochs added, ${unchanged} already recorded`);
    }
  } finally {
    await db.close();
    await unlock();
  }
}

/** The keystore's address, read without decrypting it. */
async function keystoreAddress(file: string): Promise<string> {
  try {
    const { address } = JSON.parse(await readFile(file, "utf8")) as { address?: string };
    return getAddress(address!.startsWith("0x") ? address! : `0x${address}`);
  } catch (error) {
    throw new ConfigError(`cannot read the address of the keystore ${file}: ${(error as Error).message}`);
  }
}

main().catch((error) => {
  const known = error instanceof ConfigError || error instanceof ProtectionImportError;
  console.error(`tributary-node: ${known ? error.message : ((error as Error).stack ?? error)}`);
  process.exit(known ? 2 : 1);
});

import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import {
  CONTRIBUTION_STATUS_NAMES,
  devChainWaitUntil,
  hashFileBytes,
  InvalidInputError,
  registerBatch,
  requireEpoch,
  type RawRpcProvider,
} from "../../client/index.js";
import { runAction } from "./common.js";
import { checkFrom, isLocalDevChain, openAs } from "./roleCommon.js";

/** One content hash to register, with its URI and where it came from (for messages). */
export interface Item {
  contentHash: string;
  uri: string;
  source: string;
}

async function filesUnder(directory: string, relative = ""): Promise<string[]> {
  const entries = await readdir(path.join(directory, relative), { withFileTypes: true });
  const out: string[] = [];
  for (const entry of entries) {
    const child = relative === "" ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await filesUnder(directory, child)));
    else if (entry.isFile()) out.push(child);
  }
  return out;
}

/** Hashes a file, or each file of a directory (recursively), with the client's `hashFileBytes`. */
export async function itemsFromPath(input: string, uriPrefix: string): Promise<Item[]> {
  const resolved = path.resolve(input);
  let info;
  try {
    info = await stat(resolved);
  } catch {
    throw new InvalidInputError(`--path ${input} does not exist`);
  }
  if (info.isFile()) {
    const bytes = await readFile(resolved);
    return [{ contentHash: hashFileBytes(bytes), uri: uriPrefix + path.basename(resolved), source: input }];
  }
  if (!info.isDirectory()) throw new InvalidInputError(`--path ${input} is neither a file nor a directory`);
  const files = (await filesUnder(resolved)).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  if (files.length === 0) throw new InvalidInputError(`--path ${input} is a directory without files`);
  const items: Item[] = [];
  for (const file of files) {
    const bytes = await readFile(path.join(resolved, file));
    items.push({ contentHash: hashFileBytes(bytes), uri: uriPrefix + file, source: path.join(input, file) });
  }
  return items;
}

/**
 * Reads a list file: one contribution a line, `<content hash> [<uri>]`; blank lines and lines
 * starting with `#` are skipped.
 */
export async function itemsFromList(file: string): Promise<Item[]> {
  let text: string;
  try {
    text = await readFile(path.resolve(file), "utf8");
  } catch {
    throw new InvalidInputError(`--list ${file} cannot be read`);
  }
  const items: Item[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const [hash, ...rest] = line.split(/\s+/);
    if (!/^0x[0-9a-fA-F]{64}$/.test(hash!)) {
      throw new InvalidInputError(
        `${file} line ${index + 1}: expected "<content hash> [<uri>]" with a 0x-prefixed 32-byte hash, got "${line}"`,
      );
    }
    if (rest.length > 1) {
      throw new InvalidInputError(`${file} line ${index + 1}: a URI must not contain spaces, got "${rest.join(" ")}"`);
    }
    items.push({ contentHash: hash!.toLowerCase(), uri: rest[0] ?? "", source: `${file} line ${index + 1}` });
  });
  if (items.length === 0) throw new InvalidInputError(`--list ${file} lists no content hashes`);
  return items;
}

export default async function registerTask(
  args: { datanet: string; path: string; list: string; uriPrefix: string; from: string; deployment: string },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runAction(async () => {
    if (args.datanet === "") throw new InvalidInputError("--datanet is required: the datanet to register in");
    const datanetId = requireEpoch(args.datanet, "--datanet");
    if (datanetId === 0n) throw new InvalidInputError("--datanet must be a datanet id, 1 or more");
    if ((args.path === "") === (args.list === "")) {
      throw new InvalidInputError(
        "pass exactly one of --path <file or directory> (hashed here) and --list <file of content hashes and URIs>",
      );
    }
    if (args.list !== "" && args.uriPrefix !== "") {
      throw new InvalidInputError("--uri-prefix applies to --path only; a --list gives each URI itself");
    }
    const items = args.path !== "" ? await itemsFromPath(args.path, args.uriPrefix) : await itemsFromList(args.list);
    const seen = new Map<string, string>();
    for (const item of items) {
      const earlier = seen.get(item.contentHash);
      if (earlier !== undefined) {
        throw new InvalidInputError(`${earlier} and ${item.source} have the same content hash ${item.contentHash}`);
      }
      seen.set(item.contentHash, item.source);
    }
    checkFrom(args.from);
    const { connection, tributary, address } = await openAs(hre, args.deployment, args.from);
    const count = BigInt(await tributary.registry.datanetCount());
    if (datanetId > count) {
      throw new InvalidInputError(
        count === 0n
          ? `datanet ${datanetId} does not exist: no datanet exists yet; create one with tributary:create-datanet`
          : `datanet ${datanetId} does not exist: datanets run from 1 to ${count}`,
      );
    }
    if ((await tributary.registry.datanets(datanetId)).closed) {
      throw new InvalidInputError(`datanet ${datanetId} is closed to new contributions`);
    }
    for (const item of items) {
      const status = CONTRIBUTION_STATUS_NAMES[Number(await tributary.registry.statusOf(item.contentHash))];
      if (status === "Pending" || status === "Accepted") {
        const id = await tributary.registry.contributionIdOf(item.contentHash);
        throw new InvalidInputError(
          `${item.source} (${item.contentHash}) is already registered as contribution ${id}, ${status}`,
        );
      }
    }
    // A local dev chain mines only on demand: move its clock past each commitment's minimum age.
    const waitUntil = (await isLocalDevChain(connection))
      ? devChainWaitUntil(connection.ethers.provider as unknown as RawRpcProvider)
      : undefined;
    const size = Number(await tributary.registry.MAX_BATCH_SIZE());
    for (let start = 0; start < items.length; start += size) {
      const chunk = items.slice(start, start + size);
      const result = await registerBatch(tributary, {
        datanetId,
        contentHashes: chunk.map((i) => i.contentHash),
        uris: chunk.map((i) => i.uri),
        ...(waitUntil ? { waitUntil } : {}),
      });
      chunk.forEach((item, i) =>
        console.log(
          `contribution ${result.ids[i]}  ${item.contentHash}  ${item.source}${item.uri ? `  ${item.uri}` : ""}`,
        ),
      );
      console.log(
        `registered ${chunk.length} contribution(s) in datanet ${datanetId} for ${address} in ${result.registerTransaction}`,
      );
    }
  });
}

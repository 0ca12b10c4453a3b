import { access } from "node:fs/promises";
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";
import { formatUnits, getAddress, isAddress } from "ethers";
import {
  connectTributary,
  erc20At,
  InvalidInputError,
  NotFoundError,
  parseDeployment,
  requireAddress,
  RpcError,
  tokensOf,
  TributaryError,
  type SettlementArtifact,
  type TributaryContracts,
  type TributaryDeployment,
} from "../../client/index.js";
import { readJson } from "../../client/node/index.js";

/** Where `tributary:deploy` records a deployment for a chain. */
export function defaultDeploymentPath(chainId: bigint): string {
  return path.resolve("deploy", "deployments", `chain-${chainId}`, "tributary.json");
}

/** Hardhat's in-process network: an empty chain that lives as long as the task. */
export function isInProcessNetwork(connection: NetworkConnection): boolean {
  return connection.networkConfig.type === "edr-simulated";
}

/**
 * Refuses to run on Hardhat's in-process network unless `--network` named it: without `--network`,
 * Hardhat runs tasks on an empty throwaway chain, where no deployment exists.
 */
export function requireChosenNetwork(hre: HardhatRuntimeEnvironment): void {
  const chosen = hre.globalOptions.network;
  if (chosen !== undefined && chosen !== "") return;
  const fallback = hre.config.networks["default"];
  if (fallback !== undefined && fallback.type !== "edr-simulated") return;
  throw new InvalidInputError(
    "no --network given, so Hardhat would use its empty in-process chain (discarded when the task exits): " +
      "start a node with `npx hardhat node` and pass --network localhost (or --network default to use the " +
      "throwaway chain on purpose)",
  );
}

/** Where the connection points: its name and, for a JSON-RPC network, the URL's origin (never its path or key). */
export async function describeNetwork(connection: NetworkConnection): Promise<string> {
  if (isInProcessNetwork(connection)) return `${connection.networkName} (Hardhat's in-process chain)`;
  const config = connection.networkConfig as { url?: { get?: () => Promise<string> } | string };
  let url: string | undefined;
  try {
    url = typeof config.url === "string" ? config.url : await config.url?.get?.();
  } catch {
    url = undefined;
  }
  if (url === undefined) return connection.networkName;
  let shown = url;
  try {
    const parsed = new URL(url);
    shown = parsed.pathname.length > 1 || parsed.search !== "" ? `${parsed.origin}/…` : parsed.origin;
  } catch {
    // Not a URL: show it as configured.
  }
  return `${connection.networkName} at ${shown}`;
}

/** The network the current action is connected to, as {@link describeNetwork} shows it, for error lines. */
let connectedNetwork: string | undefined;

/**
 * Connects to the selected network, refusing the in-process one unless chosen, and checks that it
 * answers; a node that does not answer gets one line naming its URL.
 */
export async function connect(
  hre: HardhatRuntimeEnvironment,
): Promise<{ connection: NetworkConnection; chainId: bigint; network: string }> {
  requireChosenNetwork(hre);
  const connection = await hre.network.create();
  const network = await describeNetwork(connection);
  connectedNetwork = network;
  let chainId: bigint;
  try {
    chainId = BigInt(await connection.provider.request({ method: "eth_chainId" }));
  } catch (error) {
    throw new RpcError(`cannot reach ${network} (${shortReason(error)}): ${startNodeHint(connection)}`, {
      cause: error,
    });
  }
  return { connection, chainId, network };
}

function startNodeHint(connection: NetworkConnection): string {
  return connection.networkName === "localhost"
    ? "start a node with `npx hardhat node` (or set TRIBUTARY_RPC_URL to the node's URL)"
    : "check that the node is up and the network's URL in hardhat.config.ts";
}

function shortReason(error: unknown): string {
  const seen = new Set<unknown>();
  for (let e = error as { code?: string; cause?: unknown } | undefined; e && !seen.has(e); e = e.cause as typeof e) {
    seen.add(e);
    if (e.code === "ECONNREFUSED") return "connection refused";
    if (e.code === "ENOTFOUND" || e.code === "EAI_AGAIN") return "host not found";
    if (e.code === "ETIMEDOUT" || e.code === "UND_ERR_CONNECT_TIMEOUT") return "connection timed out";
    if (e.code === "ECONNRESET" || e.code === "UND_ERR_SOCKET") return "connection reset";
  }
  const e = error as { shortMessage?: string; message?: string };
  const text = (e?.shortMessage ?? e?.message ?? String(error)).split("\n")[0]!;
  if (/Cannot connect to the network/i.test(text)) return "no answer";
  return text.replace(/^HHE\d+:\s*/, "");
}

const DEPLOYMENT_FIELDS = "chainId, staking, registry, ledger, distributor and deployBlock";

/**
 * Parses a deployment file written by `tributary:deploy`, with one line naming the file and every
 * missing or invalid field.
 */
export function requireDeployment(json: unknown, file: string): TributaryDeployment {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new InvalidInputError(`${file} is not a deployment file: expected an object with ${DEPLOYMENT_FIELDS}`);
  }
  const d = json as Record<string, unknown>;
  const problems: string[] = [];
  const chainId = String(d.chainId ?? "");
  if (d.chainId === undefined) problems.push("chainId is missing");
  else if (!/^\d+$/.test(chainId) || BigInt(chainId) === 0n)
    problems.push(`chainId must be a positive whole number, got ${JSON.stringify(d.chainId)}`);
  for (const key of ["staking", "registry", "ledger", "distributor"] as const) {
    if (d[key] === undefined) problems.push(`${key} is missing`);
    else if (typeof d[key] !== "string" || !isAddress(d[key]))
      problems.push(`${key} must be an address, got ${JSON.stringify(d[key])}`);
  }
  if (d.deployBlock !== undefined && !/^\d+$/.test(String(d.deployBlock))) {
    problems.push(`deployBlock must be a block number, got ${JSON.stringify(d.deployBlock)}`);
  }
  if (problems.length > 0) {
    throw new InvalidInputError(
      `${file} is not a valid deployment file: ${problems.join("; ")} (tributary:deploy writes ${DEPLOYMENT_FIELDS})`,
    );
  }
  return parseDeployment(json);
}

/**
 * Checks that contract code exists at each of the deployment's addresses on the connected chain (a
 * restarted dev node starts empty).
 */
export async function requireDeployedCode(
  connection: NetworkConnection,
  deployment: TributaryDeployment,
  file: string,
  network = connectedNetwork ?? connection.networkName,
): Promise<void> {
  for (const key of ["distributor", "staking", "registry", "ledger"] as const) {
    const code = await connection.ethers.provider.getCode(deployment[key]);
    if (code === "0x") {
      throw new InvalidInputError(
        `no contract at the ${key} address ${deployment[key]} of ${file} on ${network} (chain ${deployment.chainId}): ` +
          (isInProcessNetwork(connection)
            ? "the in-process chain starts empty; pass --network localhost with a running node"
            : "a restarted dev node starts empty; deploy again (tributary:deploy --reset) or pass the right --deployment"),
      );
    }
  }
}

/** Connects to the selected network and binds the suite to its first account. */
export async function open(
  hre: HardhatRuntimeEnvironment,
  deploymentOption: string,
): Promise<{ connection: NetworkConnection; tributary: TributaryContracts }> {
  const { connection, chainId, network } = await connect(hre);
  const file = deploymentOption ? path.resolve(deploymentOption) : defaultDeploymentPath(chainId);
  const json = await readJson<unknown>(file);
  if (json === undefined) {
    throw new InvalidInputError(
      `no deployment at ${file}; run tributary:deploy on ${connection.networkName} first or pass --deployment`,
    );
  }
  const deployment = requireDeployment(json, file);
  if (deployment.chainId !== chainId) {
    throw new InvalidInputError(`${file} describes chain ${deployment.chainId}, but ${network} is chain ${chainId}`);
  }
  await requireDeployedCode(connection, deployment, file, network);
  const [signer] = await connection.ethers.getSigners();
  return { connection, tributary: connectTributary(deployment, signer ?? connection.ethers.provider) };
}

/** Reads a settlement artifact, with a clear error when it is missing or malformed. */
export async function readArtifact(file: string): Promise<SettlementArtifact> {
  if (!file) throw new InvalidInputError("--artifact is required: the settlement artifact JSON of the active root");
  const resolved = path.resolve(file);
  try {
    await access(resolved);
  } catch {
    throw new InvalidInputError(`artifact ${resolved} does not exist`);
  }
  const artifact = await readJson<SettlementArtifact>(resolved);
  if (!artifact || artifact.format !== "standard-v1" || !artifact.metadata) {
    throw new InvalidInputError(`${resolved} is not a Tributary settlement artifact`);
  }
  return artifact;
}

/**
 * Runs an action, turning any Tributary error into one line on stderr (one per line of its message)
 * and exit code 1. A node that stops answering midway gets one line naming it. Unexpected errors keep
 * their stack, since they are bugs.
 */
export async function runAction(action: () => Promise<void>): Promise<void> {
  connectedNetwork = undefined;
  try {
    await action();
  } catch (error) {
    const failure = error instanceof TributaryError ? error : connectionFailure(error);
    if (failure !== undefined) {
      for (const line of failure.message.split("\n")) console.error(`tributary: ${line}`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}

/** A lost connection during an action, as a one-line {@link RpcError}; undefined for anything else. */
function connectionFailure(error: unknown): TributaryError | undefined {
  const seen = new Set<unknown>();
  for (let e = error as { code?: string; cause?: unknown; message?: string } | undefined; e && !seen.has(e); ) {
    seen.add(e);
    const code = e.code;
    if (code === "ECONNREFUSED" || code === "ECONNRESET" || code === "UND_ERR_SOCKET" || code === "ENOTFOUND") {
      return new RpcError(`lost the connection to ${connectedNetwork ?? "the network"}: ${shortReason(e)}`, {
        cause: error,
      });
    }
    if (/Cannot connect to the network/i.test(String(e.message))) {
      return new RpcError(`cannot reach ${connectedNetwork ?? "the network"}: ${shortReason(e)}`, { cause: error });
    }
    e = e.cause as typeof e;
  }
  return undefined;
}

/** An ERC-20's symbol and decimals, as the CLI shows amounts in it. */
export interface TokenInfo {
  address: string;
  symbol: string;
  decimals: number;
}

/**
 * Reads `token`'s symbol and decimals. A token without `symbol()` is shown by its address; one without
 * `decimals()` cannot have amounts parsed or shown, so it is refused.
 */
export async function tokenInfo(tributary: TributaryContracts, tokenInput: string): Promise<TokenInfo> {
  const address = requireAddress(tokenInput, "token");
  const token = erc20At(address, tributary.runner);
  let decimals: number;
  try {
    decimals = Number(await token.decimals());
  } catch (error) {
    throw new InvalidInputError(`token ${address} does not answer decimals(); is it an ERC-20 on this network?`, {
      cause: error,
    });
  }
  const symbol = await token.symbol().catch(() => address);
  return { address, symbol, decimals };
}

/** Reads the symbol and decimals of several tokens, keyed by checksummed address. */
export async function tokenInfos(
  tributary: TributaryContracts,
  tokens: readonly string[],
): Promise<Map<string, TokenInfo>> {
  const out = new Map<string, TokenInfo>();
  for (const token of tokens) out.set(getAddress(token), await tokenInfo(tributary, token));
  return out;
}

/** `amount` base units of `token`, as `12.5 TUSD`. */
export function formatAmount(amount: bigint, token: TokenInfo): string {
  return `${formatUnits(amount, token.decimals)} ${token.symbol}`;
}

/**
 * Checks that `tokenInput` is on the distributor's allowlist and returns it checksummed; otherwise an
 * {@link InvalidInputError} that lists the allowlist.
 */
export async function requireListedToken(
  tributary: TributaryContracts,
  tokenInput: string,
  what = "--token",
): Promise<string> {
  const token = requireAddress(tokenInput, what);
  const listed = (await tributary.distributor.tokens()).map((t) => getAddress(t));
  if (!listed.includes(token)) {
    throw new InvalidInputError(
      `${what} ${token} is not on the distributor's allowlist; listed tokens: ${listed.join(", ")} ` +
        "(governance adds tokens with allowToken)",
    );
  }
  return token;
}

/**
 * The tokens to act on for `account` in `artifact`: `--token` if given (it must be one the artifact
 * covers, and the account must have a leaf in it), else every token the account has a leaf in, in
 * allowlist order.
 */
export function accountTokens(artifact: SettlementArtifact, account: string, tokenOption: string): string[] {
  const epoch = artifact.metadata.epoch;
  // In settlement (allowlist) order, as the artifact's tokens list them.
  const order = new Map((artifact.metadata.tokens ?? []).map((t) => [getAddress(t.token), t.index] as const));
  const owed = tokensOf(artifact, account).sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  if (tokenOption !== "") {
    const token = requireAddress(tokenOption, "--token");
    const covered = (artifact.metadata.tokens ?? []).map((t) => getAddress(t.token));
    if (!covered.includes(token)) {
      throw new InvalidInputError(
        `--token ${token} is not among the tokens the epoch ${epoch} settlement covers (${covered.join(", ") || "none"})`,
      );
    }
    if (!owed.includes(token)) {
      throw new NotFoundError(
        `${account} has no entitlement in ${token} in epoch ${epoch}` +
          (owed.length > 0 ? `; it has one in ${owed.join(", ")}` : ""),
      );
    }
    return [token];
  }
  if (owed.length === 0) throw new NotFoundError(`${account} has no entitlement in epoch ${epoch} in any token`);
  return owed;
}

/** Refuses an artifact of another chain or distributor than the deployment's. */
export function requireSameDeployment(tributary: TributaryContracts, artifact: SettlementArtifact): void {
  const { chainId, distributor } = tributary.deployment;
  const meta = artifact.metadata;
  if (meta.chainId !== chainId.toString() || getAddress(meta.distributor) !== getAddress(distributor)) {
    throw new InvalidInputError(
      `the artifact settles distributor ${meta.distributor} on chain ${meta.chainId}, but the deployment's is ` +
        `${distributor} on chain ${chainId}; pass the matching --artifact or --deployment`,
    );
  }
}

/** `seconds` as `3 h 12 min`, `2 d 4 h`, `45 s`: the two largest units. */
export function formatDuration(seconds: bigint | number): string {
  let rest = BigInt(seconds);
  if (rest < 0n) rest = -rest;
  const units: [string, bigint][] = [
    ["d", 86_400n],
    ["h", 3_600n],
    ["min", 60n],
    ["s", 1n],
  ];
  const parts: string[] = [];
  for (const [name, size] of units) {
    if (rest >= size || (name === "s" && parts.length === 0)) {
      parts.push(`${rest / size} ${name}`);
      rest %= size;
    }
    if (parts.length === 2) break;
    if (parts.length === 1 && rest === 0n) break;
  }
  return parts.join(" ");
}

/** A unix time as an ISO date (UTC, whole seconds). */
export function isoTime(unixSeconds: bigint | number): string {
  return new Date(Number(unixSeconds) * 1000).toISOString().replace(".000Z", "Z");
}

/**
 * A unix time as `2026-12-06T12:00:00Z (in 3 h 12 min)`, relative to `now` (the chain's latest
 * block time, which is what the contracts compare with).
 */
export function formatTime(unixSeconds: bigint | number, now: bigint | number): string {
  const delta = BigInt(unixSeconds) - BigInt(now);
  const relative = delta === 0n ? "now" : delta > 0n ? `in ${formatDuration(delta)}` : `${formatDuration(delta)} ago`;
  return `${isoTime(unixSeconds)} (${relative})`;
}

/** JSON text for `--json` output: bigints as decimal strings, two-space indentation. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
}

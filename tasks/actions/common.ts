import { access } from "node:fs/promises";
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";
import { formatUnits, getAddress } from "ethers";
import {
  connectTributary,
  erc20At,
  InvalidInputError,
  NotFoundError,
  parseDeployment,
  requireAddress,
  tokensOf,
  TributaryError,
  type SettlementArtifact,
  type TributaryContracts,
} from "../../client/index.js";
import { readJson } from "../../client/node/index.js";

/** Where `tributary:deploy` records a deployment for a chain. */
export function defaultDeploymentPath(chainId: bigint): string {
  return path.resolve("deploy", "deployments", `chain-${chainId}`, "tributary.json");
}

/** Connects to the selected network and binds the suite to its first account. */
export async function open(
  hre: HardhatRuntimeEnvironment,
  deploymentOption: string,
): Promise<{ connection: NetworkConnection; tributary: TributaryContracts }> {
  const connection = await hre.network.create();
  const chainId = (await connection.ethers.provider.getNetwork()).chainId;
  const file = deploymentOption ? path.resolve(deploymentOption) : defaultDeploymentPath(chainId);
  const json = await readJson<unknown>(file);
  if (json === undefined) {
    throw new InvalidInputError(`no deployment at ${file}; run tributary:deploy first or pass --deployment`);
  }
  const deployment = parseDeployment(json);
  if (deployment.chainId !== chainId) {
    throw new InvalidInputError(`${file} describes chain ${deployment.chainId}, but the network is chain ${chainId}`);
  }
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
 * Runs an action, turning any Tributary error into one line on stderr and exit code 1.
 * Unexpected errors keep their stack, since they are bugs.
 */
export async function runAction(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (error instanceof TributaryError) {
      console.error(`tributary: ${error.message}`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
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

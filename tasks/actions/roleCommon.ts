/**
 * What the role tasks (stake, register, vote, propose, governance, …) share: choosing the signing
 * account with `--from`, naming tokens by symbol, parsing amounts and durations, and recognizing a
 * local dev chain.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";
import { getAddress, isAddress, type Signer } from "ethers";
import {
  contributionChallengesOf,
  InvalidInputError,
  requireTokenAmount,
  settlementDisputesOf,
  withRunner,
  type TributaryContracts,
} from "../../client/index.js";
import type { ContributionChallenges, SettlementDisputes } from "../../client/src/generated/typechain/index.js";
import { open, tokenInfo, type TokenInfo } from "./common.js";

/** A connection, the suite bound to the chosen account, and that account. */
export interface OpenedAs {
  connection: NetworkConnection;
  tributary: TributaryContracts;
  signer: Signer;
  address: string;
}

/** Checks `--from` before any network access: an index or an address. */
export function checkFrom(from: string): void {
  const text = from.trim();
  if (text === "" || /^\d+$/.test(text) || isAddress(text)) return;
  throw new InvalidInputError(
    `--from must be an account index such as 0 or 3, or a 0x-prefixed 20-byte hex address, got "${from}"`,
  );
}

/** Picks the account `--from` names among the network's accounts. */
export async function chooseSigner(connection: NetworkConnection, from: string): Promise<Signer> {
  checkFrom(from);
  const text = from.trim() === "" ? "0" : from.trim();
  const signers = await connection.ethers.getSigners();
  if (signers.length === 0) {
    throw new InvalidInputError(`network ${connection.networkName} has no accounts to sign with; configure accounts`);
  }
  if (/^\d+$/.test(text)) {
    const index = Number(text);
    const signer = signers[index];
    if (!signer) {
      throw new InvalidInputError(
        `--from ${text} is out of range: network ${connection.networkName} has ${signers.length} account(s), 0 to ${signers.length - 1}`,
      );
    }
    return signer;
  }
  const wanted = getAddress(text);
  const signer = signers.find((s) => getAddress(s.address) === wanted);
  if (!signer) {
    throw new InvalidInputError(
      `--from ${wanted} is not one of network ${connection.networkName}'s ${signers.length} account(s); ` +
        "pass an index or one of their addresses",
    );
  }
  return signer;
}

/** Connects, reads the deployment and binds the suite to the `--from` account. */
export async function openAs(hre: HardhatRuntimeEnvironment, deployment: string, from: string): Promise<OpenedAs> {
  checkFrom(from);
  const { connection, tributary } = await open(hre, deployment);
  const signer = await chooseSigner(connection, from);
  return { connection, tributary: withRunner(tributary, signer), signer, address: await signer.getAddress() };
}

/** Throws an {@link InvalidInputError} when `value` is empty. */
export function required(value: string, option: string, what: string): string {
  if (value.trim() === "") throw new InvalidInputError(`${option} is required: ${what}`);
  return value.trim();
}

/** Checks the shape of a token amount such as `1000` or `12.5` before the token's decimals are known. */
export function checkAmountShape(value: string, option = "--amount"): void {
  requireTokenAmount(value, (value.trim().split(".")[1] ?? "").length, option);
}

/** Parses a token amount in `token`'s decimals, naming the token when it has too many decimals. */
export function parseAmount(value: string, token: TokenInfo, option = "--amount"): bigint {
  try {
    return requireTokenAmount(value, token.decimals, option);
  } catch (error) {
    if (!(error instanceof InvalidInputError) || !/more than/.test(error.message)) throw error;
    throw new InvalidInputError(
      `${option} ${value} has more decimals than ${token.symbol} has (${token.decimals} decimals)`,
      { cause: error },
    );
  }
}

/**
 * Resolves a token given by address, or by the symbol of one of the suite's tokens (the stake token
 * and every allowlisted token), e.g. `TUSD`.
 */
export async function resolveToken(
  tributary: TributaryContracts,
  input: string,
  option = "--token",
): Promise<TokenInfo> {
  if (isAddress(input.trim())) return tokenInfo(tributary, input.trim());
  const text: string = input.trim();
  if (text.startsWith("0x")) {
    throw new InvalidInputError(
      `${option} must be a 0x-prefixed 20-byte hex address or a token symbol, got "${input}"`,
    );
  }
  const known = [await tributary.staking.STAKE_TOKEN(), ...(await tributary.distributor.tokens())];
  const infos: TokenInfo[] = [];
  for (const address of known) infos.push(await tokenInfo(tributary, address));
  const match = infos.find((t) => t.symbol.toLowerCase() === text.toLowerCase());
  if (!match) {
    throw new InvalidInputError(
      `${option} "${input}" is neither an address nor the symbol of one of the suite's tokens (${infos
        .map((t) => t.symbol)
        .join(", ")})`,
    );
  }
  return match;
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3_600, d: 86_400, w: 604_800 };

/** Parses a duration such as `3600`, `90m`, `3h`, `1d` or `1d12h` into seconds. */
export function parseDuration(text: string, option = "--advance"): number {
  const value = text.trim().toLowerCase();
  const invalid = () =>
    new InvalidInputError(
      `${option} must be a positive duration such as 3600 (seconds), 90m, 3h, 1d or 1d12h, got "${text}"`,
    );
  if (value === "") throw invalid();
  if (/^\d+$/.test(value)) {
    const seconds = Number(value);
    if (!Number.isSafeInteger(seconds) || seconds <= 0) throw invalid();
    return seconds;
  }
  if (!/^(\d+[smhdw])+$/.test(value)) throw invalid();
  let seconds = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+)([smhdw])/g)) seconds += Number(amount) * UNITS[unit!]!;
  if (!Number.isSafeInteger(seconds) || seconds <= 0) throw invalid();
  return seconds;
}

/** `seconds` as `2d 3h 4m 5s`. */
export function formatDuration(seconds: bigint | number): string {
  let rest = BigInt(seconds);
  if (rest <= 0n) return "0s";
  const parts: string[] = [];
  for (const [unit, size] of [
    ["d", 86_400n],
    ["h", 3_600n],
    ["m", 60n],
    ["s", 1n],
  ] as const) {
    if (rest >= size) {
      parts.push(`${rest / size}${unit}`);
      rest %= size;
    }
  }
  return parts.join(" ");
}

/** A UNIX timestamp as an ISO date. */
export function formatTime(timestamp: bigint | number): string {
  return `${new Date(Number(timestamp) * 1000).toISOString()} (${timestamp})`;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/**
 * Why the connection is not a local dev chain (a `hardhat node` or Anvil: chain id 31337 over HTTP
 * on a loopback address), or undefined when it is.
 */
export async function notLocalDevChain(connection: NetworkConnection): Promise<string | undefined> {
  const config = connection.networkConfig;
  if (config.type !== "http") {
    return (
      `network ${connection.networkName} is simulated inside this process, so its clock dies with it; ` +
      "start `npx hardhat node` and pass --network localhost"
    );
  }
  const chainId = (await connection.ethers.provider.getNetwork()).chainId;
  if (chainId !== 31337n) {
    return `network ${connection.networkName} is chain ${chainId}, not a local dev chain (31337)`;
  }
  let host: string;
  try {
    host = new URL(await config.url.get()).hostname;
  } catch {
    return `network ${connection.networkName}'s URL cannot be read`;
  }
  if (!LOOPBACK.has(host)) return `network ${connection.networkName} is at ${host}, not on this machine's loopback`;
  return undefined;
}

/** Whether the connection is a local dev chain (see {@link notLocalDevChain}). */
export async function isLocalDevChain(connection: NetworkConnection): Promise<boolean> {
  return (await notLocalDevChain(connection)) === undefined;
}

/** The suite's pausable contracts, which `pause`, `unpause` and the governance tasks act on. */
export const CONTRACT_NAMES = ["registry", "ledger", "distributor", "staking"] as const;
/** Contracts governed but not pausable (disputes protect claimants; bonds are exits): governance tasks only. */
export const UNPAUSABLE_NAMES = ["disputes", "challenges"] as const;
export type PausableName = (typeof CONTRACT_NAMES)[number];
export type ContractName = PausableName | (typeof UNPAUSABLE_NAMES)[number];

/**
 * Parses `--contract <name>|all`. With `pausable`, only the pausable contracts; otherwise the disputes
 * and challenges contracts too ("all" includes them when the deployment names them).
 */
export function parseContracts(text: string, options: { pausable: true }): PausableName[];
export function parseContracts(
  text: string,
  options?: { pausable?: false; tributary?: TributaryContracts },
): ContractName[];
export function parseContracts(
  text: string,
  options: { pausable?: boolean; tributary?: TributaryContracts } = {},
): ContractName[] {
  const names: readonly ContractName[] = options.pausable ? CONTRACT_NAMES : [...CONTRACT_NAMES, ...UNPAUSABLE_NAMES];
  const value = text.trim().toLowerCase();
  if (value === "" || value === "all") {
    const { deployment } = options.tributary ?? {};
    return names.filter(
      (name) =>
        (name !== "disputes" || deployment?.settlementDisputes !== undefined) &&
        (name !== "challenges" || deployment?.contributionChallenges !== undefined),
    );
  }
  if ((names as readonly string[]).includes(value)) return [value as ContractName];
  throw new InvalidInputError(`--contract must be one of ${names.join(", ")} or all, got "${text}"`);
}

/** The governed contract of that name. */
export function governed(tributary: TributaryContracts, name: PausableName): TributaryContracts[PausableName];
export function governed(
  tributary: TributaryContracts,
  name: ContractName,
): TributaryContracts[PausableName] | SettlementDisputes | ContributionChallenges;
export function governed(tributary: TributaryContracts, name: ContractName) {
  if (name === "disputes") return settlementDisputesOf(tributary);
  if (name === "challenges") return contributionChallengesOf(tributary);
  return tributary[name];
}

/** Refuses unless `address` holds the default admin role of every named contract. */
export async function requireAdmin(
  tributary: TributaryContracts,
  names: readonly ContractName[],
  address: string,
): Promise<void> {
  for (const name of names) {
    const contract = governed(tributary, name);
    const role = await contract.DEFAULT_ADMIN_ROLE();
    if (!(await contract.hasRole(role, address))) {
      throw new InvalidInputError(
        `${address} is not governance of the ${name}: its admin is ${await contract.defaultAdmin()}; ` +
          "pass --from with the admin's account",
      );
    }
  }
}

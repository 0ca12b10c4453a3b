import { parseDeployment, type TributaryDeployment } from "../rules/deployment.js";
import { DeploymentNotFoundError, InvalidInputError, TributaryError } from "../rules/errors.js";
import { KNOWN_DEPLOYMENTS } from "./knownDeployments.js";

/**
 * Where to read a deployment from: a chain id (the package's known deployments), or an `http(s)://`
 * URL of a deployment JSON. File paths are read by `loadDeployment` from `@tributary/client/node`.
 */
export type DeploymentSource = bigint | number | string | URL;

/** Options of {@link loadDeployment}. */
export interface LoadDeploymentOptions {
  /** The `fetch` to read URLs with; the global one by default. */
  fetch?: (url: string) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;
}

/** The chain ids the package knows a deployment for. */
export function knownDeploymentChainIds(): bigint[] {
  return Object.keys(KNOWN_DEPLOYMENTS).map((id) => BigInt(id));
}

/**
 * Reads a deployment of the suite: by chain id from the deployments shipped in the package, or from a
 * URL. Nothing is cached; each call reads again.
 * @example
 * const deployment = await loadDeployment("https://example.org/tributary/deployment.json");
 * const tributary = connectTributary(deployment, provider);
 * @throws {DeploymentNotFoundError} no deployment is known for the chain id, or the URL answered an error.
 * @throws {InvalidInputError} the source is neither a chain id nor a URL, or the JSON is not a deployment.
 */
export async function loadDeployment(
  source: DeploymentSource,
  options: LoadDeploymentOptions = {},
): Promise<TributaryDeployment> {
  const chainId = chainIdOf(source);
  if (chainId !== undefined) {
    const known = KNOWN_DEPLOYMENTS[chainId.toString()];
    if (!known) {
      const ids = knownDeploymentChainIds();
      throw new DeploymentNotFoundError(
        `no Tributary deployment is known for chain ${chainId} (known: ${ids.join(", ") || "none"}); ` +
          "pass the URL of its deployment JSON, or in Node a file path through @tributary/client/node",
      );
    }
    return parseDeploymentFrom(known, `the known deployment of chain ${chainId}`);
  }
  const url = urlOf(source);
  if (!url) {
    throw new InvalidInputError(
      `"${String(source)}" is neither a chain id nor an http(s) URL; read deployment files with ` +
        "loadDeployment from @tributary/client/node",
    );
  }
  return fetchDeployment(url, options);
}

/** A chain id when `source` names one (a bigint, a whole number, or a string of digits). */
export function chainIdOf(source: DeploymentSource): bigint | undefined {
  if (typeof source === "bigint") return source;
  if (typeof source === "number") {
    if (!Number.isSafeInteger(source) || source <= 0) throw new InvalidInputError(`chain id ${source} is not valid`);
    return BigInt(source);
  }
  if (typeof source === "string" && /^\d+$/.test(source)) return BigInt(source);
  return undefined;
}

function urlOf(source: DeploymentSource): string | undefined {
  const text = source instanceof URL ? source.href : typeof source === "string" ? source : undefined;
  return text !== undefined && /^https?:\/\//i.test(text) ? text : undefined;
}

async function fetchDeployment(url: string, options: LoadDeploymentOptions): Promise<TributaryDeployment> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== "function") {
    throw new InvalidInputError("this runtime has no fetch; pass options.fetch to read a deployment from a URL");
  }
  let response: Awaited<ReturnType<NonNullable<LoadDeploymentOptions["fetch"]>>>;
  try {
    response = await fetchImpl(url);
  } catch (error) {
    throw new DeploymentNotFoundError(`could not fetch the deployment at ${url}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!response.ok) {
    throw new DeploymentNotFoundError(`the deployment at ${url} answered HTTP ${response.status}; check the URL`);
  }
  let json: unknown;
  try {
    json = JSON.parse(await response.text());
  } catch (error) {
    throw new InvalidInputError(`the deployment at ${url} is not JSON`, { cause: error });
  }
  return parseDeploymentFrom(json, `the deployment at ${url}`);
}

/** Parses a deployment JSON read from `where`, turning any shape problem into an {@link InvalidInputError}. */
export function parseDeploymentFrom(json: unknown, where: string): TributaryDeployment {
  try {
    return parseDeployment(json);
  } catch (error) {
    const detail = error instanceof TributaryError || error instanceof Error ? error.message : String(error);
    throw new InvalidInputError(
      `${where} is not a Tributary deployment (chainId, staking, registry, ledger, distributor, deployBlock): ${detail}`,
      { cause: error },
    );
  }
}

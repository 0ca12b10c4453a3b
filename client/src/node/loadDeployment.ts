import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import {
  chainIdOf,
  loadDeployment as loadDeploymentBrowser,
  parseDeploymentFrom,
  type DeploymentSource,
  type LoadDeploymentOptions,
} from "../chain/deployments.js";
import type { TributaryDeployment } from "../rules/deployment.js";
import { DeploymentNotFoundError, InvalidInputError } from "../rules/errors.js";

/**
 * Like the main entry's `loadDeployment`, and also reads a file: a path or a `file:` URL (such as
 * the deployment.json that `tributary:deploy` writes).
 * @example
 * const deployment = await loadDeployment("deploy/deployments/chain-31337/deployment.json");
 * @throws {DeploymentNotFoundError} no deployment for the chain id, an HTTP error, or no file at the path.
 * @throws {InvalidInputError} the file or response is not a deployment JSON.
 */
export async function loadDeployment(
  source: DeploymentSource,
  options: LoadDeploymentOptions = {},
): Promise<TributaryDeployment> {
  const file = filePathOf(source);
  if (file === undefined) return loadDeploymentBrowser(source, options);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DeploymentNotFoundError(
      code === "ENOENT"
        ? `no deployment file at ${file}; deploy with \`npx hardhat tributary:deploy\` or pass a chain id or URL`
        : `cannot read the deployment file ${file}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`${file} is not JSON`, { cause: error });
  }
  return parseDeploymentFrom(json, file);
}

function filePathOf(source: DeploymentSource): string | undefined {
  if (source instanceof URL) return source.protocol === "file:" ? fileURLToPath(source) : undefined;
  if (typeof source !== "string" || chainIdOf(source) !== undefined) return undefined;
  if (/^https?:\/\//i.test(source)) return undefined;
  return source.startsWith("file:") ? fileURLToPath(source) : source;
}

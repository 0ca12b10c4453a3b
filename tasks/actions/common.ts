import { access } from "node:fs/promises";
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";
import {
  connectTributary,
  InvalidInputError,
  parseDeployment,
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

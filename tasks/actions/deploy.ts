import { readFile } from "node:fs/promises";
import path from "node:path";
import { isAddress, ZeroAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import {
  connectTributary,
  InvalidInputError,
  serializeDeployment,
  type TributaryDeployment,
} from "../../client/index.js";
import { writeJsonAtomic } from "../../client/node/index.js";
import { TributaryDemoModule, TributaryModule } from "../../deploy/modules/Tributary.js";
import { defaultDeploymentPath, runAction } from "./common.js";

/** Bounds of `idleRefundEpochs`; mirror `RewardDistributor.MIN_IDLE_REFUND_EPOCHS` and `MAX_IDLE_REFUND_EPOCHS`. */
const MIN_IDLE_REFUND_EPOCHS = 1n;
const MAX_IDLE_REFUND_EPOCHS = 366n;

interface DeployArguments {
  parameters: string;
  demoTokens: boolean;
  deploymentId: string;
  out: string;
}

export default async function deploy(args: DeployArguments, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runAction(async () => {
    const connection = await hre.network.create();
    const file = path.resolve(args.parameters || path.join("deploy", "parameters", `${connection.networkName}.json`));
    let parameters: Record<string, Record<string, unknown>>;
    try {
      parameters = JSON.parse(await readFile(file, "utf8"));
    } catch (error) {
      throw new InvalidInputError(`cannot read parameters ${file}: ${(error as Error).message}`);
    }
    const moduleId = args.demoTokens ? "TributaryDemo" : "Tributary";
    const own = { ...(parameters[moduleId] ?? parameters["Tributary"] ?? {}) };
    if (!args.demoTokens && (!own.stakeToken || !own.rewardToken)) {
      throw new InvalidInputError(
        `${file} must set Tributary.stakeToken and Tributary.rewardToken, or pass --demo-tokens`,
      );
    }
    for (const key of args.demoTokens ? ["treasury"] : ["treasury", "stakeToken", "rewardToken"]) {
      const value = String(own[key] ?? "");
      if (!isAddress(value) || value === ZeroAddress) {
        throw new InvalidInputError(`${file}: set ${moduleId}.${key} to a nonzero address (got "${value}")`);
      }
    }
    if (own.idleRefundEpochs !== undefined) {
      const text = String(own.idleRefundEpochs);
      if (!/^\d+$/.test(text) || BigInt(text) < MIN_IDLE_REFUND_EPOCHS || BigInt(text) > MAX_IDLE_REFUND_EPOCHS) {
        throw new InvalidInputError(
          `${file}: ${moduleId}.idleRefundEpochs must be a whole number of epochs from ${MIN_IDLE_REFUND_EPOCHS} to ` +
            `${MAX_IDLE_REFUND_EPOCHS} (idle epochs before a dapp pool is refunded to its owner), got "${text}"`,
        );
      }
      own.idleRefundEpochs = BigInt(text);
    }
    const latest = await connection.ethers.provider.getBlock("latest");
    if (own.genesis === undefined || own.genesis === "now") own.genesis = BigInt(latest!.timestamp);
    const deployBlock = latest!.number + 1;
    console.log(`Deploying ${moduleId} on ${connection.networkName} (genesis ${own.genesis})…`);
    const deployed = await connection.ignition.deploy(args.demoTokens ? TributaryDemoModule : TributaryModule, {
      parameters: { [moduleId]: own as Record<string, string | bigint> },
      ...(args.deploymentId ? { deploymentId: args.deploymentId } : {}),
      displayUi: true,
    });
    const chainId = (await connection.ethers.provider.getNetwork()).chainId;
    const deployment: TributaryDeployment = {
      chainId,
      staking: await deployed.staking.getAddress(),
      registry: await deployed.registry.getAddress(),
      ledger: await deployed.ledger.getAddress(),
      distributor: await deployed.distributor.getAddress(),
      deployBlock,
    };
    const out = args.out ? path.resolve(args.out) : defaultDeploymentPath(chainId);
    await writeJsonAtomic(out, serializeDeployment(deployment));
    console.log(`Recorded the deployment in ${out}`);
    const distributor = connectTributary(deployment, connection.ethers.provider).distributor;
    const tokens = await distributor.tokens();
    console.log(`Allowlisted tokens (settlement order): ${tokens.join(", ")}`);
  });
}

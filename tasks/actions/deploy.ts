import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import {
  connectTributary,
  InvalidInputError,
  serializeDeployment,
  type TributaryDeployment,
} from "../../client/index.js";
import { writeJsonAtomic } from "../../client/node/index.js";
import { TributaryDemoModule, TributaryModule } from "../../deploy/modules/Tributary.js";
import { connect, defaultDeploymentPath, isInProcessNetwork, isoTime, runAction } from "./common.js";
import { checkDeployParameters } from "./deployParameters.js";

interface DeployArguments {
  parameters: string;
  demoTokens: boolean;
  deploymentId: string;
  out: string;
  reset: boolean;
}

/** One line of Ignition's journal (`journal.jsonl`), as far as this task reads it. */
interface JournalEntry {
  type: string;
  futureId?: string;
  constructorArgs?: unknown[];
  receipt?: { blockNumber: number; blockHash: string };
}

async function readJournal(directory: string): Promise<JournalEntry[] | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(directory, "journal.jsonl"), "utf8");
  } catch {
    return undefined;
  }
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as JournalEntry];
      } catch {
        return [];
      }
    });
}

/** The genesis a journal's ValidatorStaking deployment was (or is being) made with. */
function journalGenesis(entries: JournalEntry[]): bigint | undefined {
  const staking = entries.find(
    (e) => e.type === "DEPLOYMENT_EXECUTION_STATE_INITIALIZE" && e.futureId?.endsWith("#ValidatorStaking"),
  );
  const raw = staking?.constructorArgs?.[3] as { value?: string } | number | string | undefined;
  if (raw === undefined) return undefined;
  return BigInt(typeof raw === "object" ? String(raw.value) : String(raw));
}

const confirmations = (entries: JournalEntry[]) =>
  entries.filter((e) => e.type === "TRANSACTION_CONFIRM" && e.receipt !== undefined).map((e) => e.receipt!);

export default async function deploy(args: DeployArguments, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runAction(async () => {
    const { connection, chainId, network } = await connect(hre);
    const defaultParameters = isInProcessNetwork(connection)
      ? path.join("deploy", "parameters", "hardhat.json")
      : path.join("deploy", "parameters", `${connection.networkName}.json`);
    const file = path.resolve(args.parameters || defaultParameters);
    let parameters: Record<string, Record<string, unknown>>;
    try {
      parameters = JSON.parse(await readFile(file, "utf8"));
    } catch (error) {
      throw new InvalidInputError(
        `cannot read parameters ${file}: ${(error as Error).message.split("\n")[0]}` +
          (args.parameters ? "" : ` (write it, see docs/operations.md, or pass --parameters)`),
      );
    }
    const moduleId = args.demoTokens ? "TributaryDemo" : "Tributary";
    const own = parameters?.[moduleId] ?? parameters?.["Tributary"];
    if (typeof own !== "object" || own === null) {
      throw new InvalidInputError(`${file} has no "${moduleId}" object of parameters`);
    }
    const checked = checkDeployParameters(own, { file, moduleId, demoTokens: args.demoTokens });
    const problems = [...checked.problems];
    // The tokens must already exist on this chain.
    if (!args.demoTokens) {
      for (const key of ["stakeToken", "rewardToken"] as const) {
        const address = checked.values[key];
        if (typeof address === "string" && (await connection.ethers.provider.getCode(address)) === "0x") {
          problems.push(`${file}: ${moduleId}.${key} ${address} has no contract on ${network} (chain ${chainId})`);
        }
      }
    }
    if (problems.length > 0) throw new InvalidInputError(problems.join("\n"));
    const values = checked.values;

    // Ignition keeps a journal per deployment id (not on the in-process network); a journal of a chain
    // the node no longer has (a restarted dev node) cannot be resumed.
    const deploymentId = args.deploymentId || `chain-${chainId}`;
    const journalDirectory = path.join(hre.config.paths.ignition, "deployments", deploymentId);
    const shown = path.relative(process.cwd(), journalDirectory) || journalDirectory;
    let journal = isInProcessNetwork(connection) ? undefined : await readJournal(journalDirectory);
    if (journal !== undefined && args.reset) {
      await rm(journalDirectory, { recursive: true, force: true });
      console.log(`Discarded the Ignition journal ${shown} (--reset).`);
      journal = undefined;
    }
    if (journal !== undefined) {
      for (const receipt of confirmations(journal)) {
        const block = await connection.ethers.provider.getBlock(receipt.blockNumber);
        if (block?.hash !== receipt.blockHash) {
          throw new InvalidInputError(
            `the Ignition journal ${shown} records transactions that ${network} (chain ${chainId}) does not have ` +
              "(was the node restarted?): pass --reset to discard it and deploy afresh",
          );
        }
      }
      // Resuming: "now" means the genesis the journal's deployment was made with.
      const recorded = journalGenesis(journal);
      if (values.genesis === "now" && recorded !== undefined) values.genesis = recorded;
    }
    const latest = await connection.ethers.provider.getBlock("latest");
    if (values.genesis === "now") values.genesis = BigInt(latest!.timestamp);
    const genesis = values.genesis as bigint;
    console.log(
      `Deploying ${moduleId} on ${network}, chain ${chainId} (genesis ${isoTime(genesis)}, Ignition deployment id ${deploymentId})…`,
    );
    let deployed;
    try {
      deployed = await connection.ignition.deploy(args.demoTokens ? TributaryDemoModule : TributaryModule, {
        parameters: { [moduleId]: values },
        deploymentId,
        displayUi: true,
      });
    } catch (error) {
      const message = String((error as Error).message);
      if (/reconciliation/i.test(message)) {
        const reason = /\*\s*([^\n]+)/.exec(message)?.[1]?.trim() ?? "its parameters changed";
        throw new InvalidInputError(
          `the Ignition deployment ${deploymentId} (${shown}) was made with other parameters (${reason}): ` +
            "pass --reset to discard it and deploy afresh, or a new --deployment-id",
          { cause: error },
        );
      }
      throw error;
    }
    // The first block of the suite: the journal's first confirmed transaction (earlier, when resuming).
    const blocks = confirmations((await readJournal(journalDirectory)) ?? []).map((r) => r.blockNumber);
    const deployBlock = blocks.length > 0 ? Math.min(...blocks) : latest!.number + 1;
    const deployment: TributaryDeployment = {
      chainId,
      staking: await deployed.staking.getAddress(),
      registry: await deployed.registry.getAddress(),
      ledger: await deployed.ledger.getAddress(),
      distributor: await deployed.distributor.getAddress(),
      settlementBoard: await deployed.settlementBoard.getAddress(),
      settlementDisputes: await deployed.settlementDisputes.getAddress(),
      contributionChallenges: await deployed.contributionChallenges.getAddress(),
      deployBlock,
    };
    const out = args.out ? path.resolve(args.out) : defaultDeploymentPath(chainId);
    await writeJsonAtomic(out, {
      ...serializeDeployment(deployment),
      // Not read by the tasks: what this deployment was, to re-run or reset it knowingly.
      deploymentId,
      module: moduleId,
      genesis: genesis.toString(),
      network: connection.networkName,
    });
    console.log(`Recorded the deployment in ${out}`);
    const distributor = connectTributary(deployment, connection.ethers.provider).distributor;
    const tokens = await distributor.tokens();
    console.log(`Allowlisted tokens (settlement order): ${tokens.join(", ")}`);
  });
}

import type { ContractRunner } from "ethers";
import {
  AttributionLedger__factory,
  ContributionRegistry__factory,
  RewardDistributor__factory,
  ValidatorStaking__factory,
  MockERC20__factory,
  type AttributionLedger,
  type ContributionRegistry,
  type RewardDistributor,
  type ValidatorStaking,
  type MockERC20,
} from "../typechain-types/index.js";
import { Interface } from "ethers";
import { setRevertDecoder } from "./errors.js";
import { requireAddress } from "./validation.js";

/** Every custom error of the suite, so revert data from any of its contracts can be decoded. */
const suiteErrors = new Interface(
  [
    ...ValidatorStaking__factory.abi,
    ...ContributionRegistry__factory.abi,
    ...AttributionLedger__factory.abi,
    ...RewardDistributor__factory.abi,
  ].filter((fragment) => fragment.type === "error"),
);

setRevertDecoder((data) => {
  try {
    const parsed = suiteErrors.parseError(data);
    return parsed ? { name: parsed.name, args: Array.from(parsed.args) } : undefined;
  } catch {
    return undefined;
  }
});

/** Where a Tributary suite lives on one chain. */
export interface TributaryDeployment {
  chainId: bigint;
  staking: string;
  registry: string;
  ledger: string;
  distributor: string;
  /** First block to index from: the block the suite was deployed in. */
  deployBlock: number;
}

/** The suite's contracts, typed by TypeChain, bound to one runner (a Signer or a Provider). */
export interface TributaryContracts {
  deployment: TributaryDeployment;
  staking: ValidatorStaking;
  registry: ContributionRegistry;
  ledger: AttributionLedger;
  distributor: RewardDistributor;
  runner: ContractRunner;
}

/**
 * Binds the suite's contracts to `runner`.
 * @example
 * const tributary = connectTributary(deployment, signer);
 * await tributary.registry.contributionCount();
 */
export function connectTributary(deployment: TributaryDeployment, runner: ContractRunner): TributaryContracts {
  return {
    deployment,
    staking: ValidatorStaking__factory.connect(requireAddress(deployment.staking, "staking address"), runner),
    registry: ContributionRegistry__factory.connect(requireAddress(deployment.registry, "registry address"), runner),
    ledger: AttributionLedger__factory.connect(requireAddress(deployment.ledger, "ledger address"), runner),
    distributor: RewardDistributor__factory.connect(
      requireAddress(deployment.distributor, "distributor address"),
      runner,
    ),
    runner,
  };
}

/** Re-binds the same suite to another runner, for example another validator's signer. */
export function withRunner(tributary: TributaryContracts, runner: ContractRunner): TributaryContracts {
  return connectTributary(tributary.deployment, runner);
}

/** An ERC20 at `address`, typed with the mock's ABI (a superset of ERC20). */
export function erc20At(address: string, runner: ContractRunner): MockERC20 {
  return MockERC20__factory.connect(requireAddress(address, "token address"), runner);
}

/** Parses a deployment descriptor from JSON (as written by `tributary:deploy`). */
export function parseDeployment(json: unknown): TributaryDeployment {
  const d = json as Record<string, unknown>;
  if (typeof d !== "object" || d === null) throw new TypeError("deployment must be an object");
  return {
    chainId: BigInt(String(d.chainId)),
    staking: requireAddress(String(d.staking), "staking address"),
    registry: requireAddress(String(d.registry), "registry address"),
    ledger: requireAddress(String(d.ledger), "ledger address"),
    distributor: requireAddress(String(d.distributor), "distributor address"),
    deployBlock: Number(d.deployBlock ?? 0),
  };
}

/** Serializes a deployment descriptor to plain JSON. */
export function serializeDeployment(deployment: TributaryDeployment): Record<string, string | number> {
  return { ...deployment, chainId: deployment.chainId.toString() };
}

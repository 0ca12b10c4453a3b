import type { ContractRunner } from "ethers";
import {
  AttributionLedger__factory,
  ContributionRegistry__factory,
  ERC20__factory,
  RewardDistributor__factory,
  ValidatorStaking__factory,
  type AttributionLedger,
  type ContributionRegistry,
  type ERC20,
  type RewardDistributor,
  type ValidatorStaking,
} from "../generated/typechain/index.js";
import type { TributaryDeployment } from "../rules/deployment.js";
import { requireAddress } from "../rules/validation.js";

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

/** An ERC-20 (with `name`, `symbol` and `decimals`) at `address`. */
export function erc20At(address: string, runner: ContractRunner): ERC20 {
  return ERC20__factory.connect(requireAddress(address, "token address"), runner);
}

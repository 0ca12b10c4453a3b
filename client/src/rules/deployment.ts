import { requireAddress } from "./validation.js";

/** Where a Tributary suite lives on one chain. */
export interface TributaryDeployment {
  chainId: bigint;
  staking: string;
  registry: string;
  ledger: string;
  distributor: string;
  /** Where validators publish settlement signatures for anyone to collect (docs/signatures.md), if deployed. */
  settlementBoard?: string;
  /** Where settlements are disputed with a bond (docs/disputes.md), if deployed. */
  settlementDisputes?: string;
  /** Where accepted contributions are challenged with a bond (docs/disputes.md), if deployed. */
  contributionChallenges?: string;
  /** First block to index from: the block the suite was deployed in. */
  deployBlock: number;
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
    ...(d.settlementBoard === undefined
      ? {}
      : { settlementBoard: requireAddress(String(d.settlementBoard), "settlement board address") }),
    ...(d.settlementDisputes === undefined
      ? {}
      : { settlementDisputes: requireAddress(String(d.settlementDisputes), "settlement disputes address") }),
    ...(d.contributionChallenges === undefined
      ? {}
      : {
          contributionChallenges: requireAddress(String(d.contributionChallenges), "contribution challenges address"),
        }),
    deployBlock: Number(d.deployBlock ?? 0),
  };
}

/** Serializes a deployment descriptor to plain JSON. */
export function serializeDeployment(deployment: TributaryDeployment): Record<string, string | number> {
  return { ...deployment, chainId: deployment.chainId.toString() };
}

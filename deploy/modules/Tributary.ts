import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { ArgumentType, IgnitionModuleBuilder } from "@nomicfoundation/ignition-core";

/**
 * Deploys staking, registry, ledger and distributor around the given tokens, and makes the
 * distributor a slasher. That applies at once because no stake exists yet; after the first stake,
 * a new slasher waits `GOVERNANCE_DELAY`. The deployer (account 0, or `defaultSender`) must be the
 * admin, since it schedules the slasher; hand governance over afterwards with
 * `beginDefaultAdminTransfer`.
 */
function buildSuite(m: IgnitionModuleBuilder, stakeToken: ArgumentType, rewardToken: ArgumentType) {
  const admin = m.getAccount(0);
  const treasury = m.getParameter<string>("treasury");
  const genesis = m.getParameter<bigint>("genesis");
  const epochDuration = m.getParameter<bigint>("epochDuration", 86_400n);
  const minStake = m.getParameter<bigint>("minStake", 100n * 10n ** 18n);
  const unbondingPeriod = m.getParameter<bigint>("unbondingPeriod", 7n * 86_400n);
  const quorumBps = m.getParameter<bigint>("quorumBps", 6_667n);
  const votingPeriod = m.getParameter<bigint>("votingPeriod", 3n * 86_400n);
  const commitmentMinAge = m.getParameter<bigint>("commitmentMinAge", 60n);
  const commitmentMaxAge = m.getParameter<bigint>("commitmentMaxAge", 86_400n);
  const protocolFeeBps = m.getParameter<bigint>("protocolFeeBps", 500n);
  const validatorShareBps = m.getParameter<bigint>("validatorShareBps", 1_000n);
  const idleRefundEpochs = m.getParameter<bigint>("idleRefundEpochs", 4n);
  const challengePeriod = m.getParameter<bigint>("challengePeriod", 3_600n);

  const staking = m.contract("ValidatorStaking", [
    stakeToken,
    admin,
    treasury,
    genesis,
    epochDuration,
    minStake,
    unbondingPeriod,
    quorumBps,
  ]);
  const registry = m.contract("ContributionRegistry", [
    staking,
    admin,
    votingPeriod,
    commitmentMinAge,
    commitmentMaxAge,
  ]);
  const distributor = m.contract("RewardDistributor", [
    rewardToken,
    staking,
    admin,
    treasury,
    protocolFeeBps,
    validatorShareBps,
    idleRefundEpochs,
    challengePeriod,
  ]);
  // Records name the distributor's pools, so the ledger checks them against it.
  const ledger = m.contract("AttributionLedger", [staking, registry, distributor, admin, votingPeriod]);
  m.call(staking, "scheduleSlasher", [distributor], { id: "MakeDistributorSlasher" });
  // Validators publish settlement signatures here for any node to collect (docs/signatures.md).
  const settlementBoard = m.contract("SettlementBoard", [distributor]);
  return { staking, registry, ledger, distributor, settlementBoard };
}

/** The suite over existing ERC20s, given by the `stakeToken` and `rewardToken` parameters. */
export const TributaryModule = buildModule("Tributary", (m) => {
  const stakeToken = m.getParameter<string>("stakeToken");
  const rewardToken = m.getParameter<string>("rewardToken");
  return buildSuite(m, stakeToken, rewardToken);
});

/**
 * The suite with freely mintable demo tokens deployed alongside: the stake token, the network pool's
 * reward token, and two more allowlisted for dapps' pools, one with 6 decimals like a stablecoin.
 */
export const TributaryDemoModule = buildModule("TributaryDemo", (m) => {
  const stakeToken = m.contract("MockERC20", ["Tributary Stake", "TSTK"], { id: "StakeToken" });
  const rewardToken = m.contract("MockERC20", ["Tributary Reward", "TRWD"], { id: "RewardToken" });
  const stableToken = m.contract("MockERC20Decimals", ["Tributary USD", "TUSD", 6], { id: "StableToken" });
  const creditToken = m.contract("MockERC20", ["Tributary Search Credit", "TSRC"], { id: "CreditToken" });
  const suite = buildSuite(m, stakeToken, rewardToken);
  // In this order: the allowlist's order is the order of every settlement's totals.
  const allowStable = m.call(suite.distributor, "allowToken", [stableToken], { id: "AllowStableToken" });
  m.call(suite.distributor, "allowToken", [creditToken], { id: "AllowCreditToken", after: [allowStable] });
  return { stakeToken, rewardToken, stableToken, creditToken, ...suite };
});

export default TributaryModule;

import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { ArgumentType, IgnitionModuleBuilder } from "@nomicfoundation/ignition-core";

/**
 * Deploys staking, registry, ledger, distributor, the settlement board, settlement disputes and
 * contribution challenges around the given tokens, and makes the distributor and the disputes contract
 * slashers. That applies at once because no stake exists yet; after the first stake,
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
  const disputeBond = m.getParameter<bigint>("disputeBond", 100n * 10n ** 18n);
  const resolutionPeriod = m.getParameter<bigint>("resolutionPeriod", 3n * 86_400n);
  const challengeBond = m.getParameter<bigint>("challengeBond", 10n * 10n ** 18n);
  const challengeBountyBps = m.getParameter<bigint>("challengeBountyBps", 5_000n);

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
  // Validators publish settlement signatures here for any node to collect (docs/signatures.md).
  const settlementBoard = m.contract("SettlementBoard", [distributor]);
  // Bonded disputes of settlements and challenges of contributions (docs/disputes.md); both bond in
  // the stake token by default. The disputes contract freezes, releases and drops settlements and
  // slashes their signers; the challenges contract revokes contributions.
  const settlementDisputes = m.contract("SettlementDisputes", [
    distributor,
    admin,
    stakeToken,
    disputeBond,
    resolutionPeriod,
  ]);
  const contributionChallenges = m.contract("ContributionChallenges", [
    registry,
    admin,
    stakeToken,
    challengeBond,
    challengeBountyBps,
  ]);
  const disputeRole = m.staticCall(distributor, "DISPUTE_ROLE", [], 0, { id: "DisputeRole" });
  m.call(distributor, "grantRole", [disputeRole, settlementDisputes], { id: "GrantDisputeRole" });
  m.call(staking, "scheduleSlasher", [settlementDisputes], {
    id: "MakeDisputesSlasher",
    after: [m.call(staking, "scheduleSlasher", [distributor], { id: "MakeDistributorSlasher" })],
  });
  const revokerRole = m.staticCall(registry, "REVOKER_ROLE", [], 0, { id: "RevokerRole" });
  m.call(registry, "grantRole", [revokerRole, contributionChallenges], { id: "GrantRevokerRole" });
  return { staking, registry, ledger, distributor, settlementBoard, settlementDisputes, contributionChallenges };
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

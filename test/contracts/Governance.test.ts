import { expect } from "chai";
import { network } from "hardhat";
import {
  AttributionLedger__factory,
  ContributionRegistry__factory,
  RewardDistributor__factory,
  ValidatorStaking__factory,
} from "../../typechain-types/index.js";
import { deployFixture, latestTimestamp, sendAt, TOKEN, type Fixture } from "../helpers/fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
async function deployed() {
  return deployFixture(connection);
}

describe("epoch clock and parameter views", function () {
  let f: Fixture;
  beforeEach(async function () {
    f = await networkHelpers.loadFixture(deployed);
  });

  it("every contract shares the staking contract's clock", async function () {
    const { staking, registry, ledger, distributor } = f.tributary;
    const genesis = await staking.GENESIS();
    for (const c of [registry, ledger, distributor]) {
      expect(await c.GENESIS()).to.equal(genesis);
      expect(await c.EPOCH_DURATION()).to.equal(86_400n);
    }
    expect(await staking.epochStart(3)).to.equal(genesis + 3n * 86_400n);
    expect(await staking.epochAt(genesis + 86_400n * 2n + 5n)).to.equal(2n);
    expect(await staking.currentEpoch()).to.equal(0n);
  });

  it("reading the clock before genesis reverts with BeforeGenesis", async function () {
    const genesis = await f.tributary.staking.GENESIS();
    await expect(f.tributary.staking.epochAt(genesis - 1n))
      .to.be.revertedWithCustomError(f.tributary.staking, "BeforeGenesis")
      .withArgs(genesis - 1n, genesis);
  });

  it("refuses an epoch duration outside its bounds at deployment: EpochDurationOutOfBounds", async function () {
    const [admin] = await ethers.getSigners();
    const factory = new ValidatorStaking__factory(admin);
    await expect(factory.deploy(f.deployment.staking, admin!.address, admin!.address, 0, 60, 1, 7 * 86_400, 6_667))
      .to.be.revertedWithCustomError(factory, "EpochDurationOutOfBounds")
      .withArgs(60, 300, 30 * 86_400);
  });

  it("refuses zero addresses at deployment: ZeroAddress", async function () {
    const [admin] = await ethers.getSigners();
    const staking = new ValidatorStaking__factory(admin);
    await expect(
      staking.deploy(ethers.ZeroAddress, admin!.address, admin!.address, 0, 86_400, 1, 7 * 86_400, 6_667),
    ).to.be.revertedWithCustomError(staking, "ZeroAddress");
    await expect(
      staking.deploy(f.deployment.staking, admin!.address, ethers.ZeroAddress, 0, 86_400, 1, 7 * 86_400, 6_667),
    ).to.be.revertedWithCustomError(staking, "ZeroAddress");
    const distributor = new RewardDistributor__factory(admin);
    await expect(
      distributor.deploy(
        await f.rewardToken.getAddress(),
        f.deployment.staking,
        admin!.address,
        ethers.ZeroAddress,
        0,
        0,
        1,
        3_600,
      ),
    ).to.be.revertedWithCustomError(distributor, "ZeroAddress");
    const ledger = new AttributionLedger__factory(admin);
    const { staking: stakingAddress, registry, distributor: rewards } = f.deployment;
    await expect(
      ledger.deploy(stakingAddress, ethers.ZeroAddress, rewards, admin!.address, 3 * 86_400),
    ).to.be.revertedWithCustomError(ledger, "ZeroAddress");
    await expect(
      ledger.deploy(stakingAddress, registry, ethers.ZeroAddress, admin!.address, 3 * 86_400),
    ).to.be.revertedWithCustomError(ledger, "ZeroAddress");
  });

  it("refuses the zero address as the network pool's token at deployment: InvalidToken", async function () {
    const [admin] = await ethers.getSigners();
    const distributor = new RewardDistributor__factory(admin);
    await expect(
      distributor.deploy(ethers.ZeroAddress, f.deployment.staking, admin!.address, admin!.address, 0, 0, 1, 3_600),
    )
      .to.be.revertedWithCustomError(distributor, "InvalidToken")
      .withArgs(ethers.ZeroAddress);
  });

  it("refuses the stake token as the treasury at deployment: InvalidRoleAccount", async function () {
    const [admin] = await ethers.getSigners();
    const staking = new ValidatorStaking__factory(admin);
    const token = await f.stakeToken.getAddress();
    await expect(staking.deploy(token, admin!.address, token, 0, 86_400, 1, 7 * 86_400, 6_667))
      .to.be.revertedWithCustomError(staking, "InvalidRoleAccount")
      .withArgs(token);
  });

  it("refuses a voting period outside [MIN_VOTING_PERIOD, staking.MAX_VOTING_PERIOD] at deployment", async function () {
    const [admin] = await ethers.getSigners();
    const registry = new ContributionRegistry__factory(admin);
    const ledger = new AttributionLedger__factory(admin);
    const { staking } = f.deployment;
    const [min, max] = [3_600n, 7n * 86_400n];
    expect(await f.tributary.staking.MAX_VOTING_PERIOD()).to.equal(max);
    expect(await f.tributary.registry.MIN_VOTING_PERIOD()).to.equal(min);
    expect(await f.tributary.ledger.MIN_VOTING_PERIOD()).to.equal(min);
    for (const period of [min - 1n, max + 1n]) {
      await expect(registry.deploy(staking, admin!.address, period, 60, 86_400))
        .to.be.revertedWithCustomError(registry, "VotingPeriodOutOfBounds")
        .withArgs(period, min, max);
      await expect(ledger.deploy(staking, f.deployment.registry, f.deployment.distributor, admin!.address, period))
        .to.be.revertedWithCustomError(ledger, "VotingPeriodOutOfBounds")
        .withArgs(period, min, max);
    }
    for (const period of [min, max]) {
      const deployed = await registry.deploy(staking, admin!.address, period, 60, 86_400);
      expect(await deployed.VOTING_PERIOD()).to.equal(period);
    }
  });

  it("refuses commitment ages outside their bounds at deployment: ParameterOutOfBounds", async function () {
    const [admin] = await ethers.getSigners();
    const registry = new ContributionRegistry__factory(admin);
    await expect(registry.deploy(f.deployment.staking, admin!.address, 3 * 86_400, 11, 86_400))
      .to.be.revertedWithCustomError(registry, "ParameterOutOfBounds")
      .withArgs(ethers.encodeBytes32String("commitmentMinAge"), 11, 12, 3_600);
    await expect(registry.deploy(f.deployment.staking, admin!.address, 3 * 86_400, 60, 7_199))
      .to.be.revertedWithCustomError(registry, "ParameterOutOfBounds")
      .withArgs(ethers.encodeBytes32String("commitmentMaxAge"), 7_199, 7_200, 30 * 86_400);
  });

  it("exposes every parameter it was deployed with", async function () {
    const { staking, registry, ledger, distributor } = f.tributary;
    expect(await staking.minStake()).to.equal(TOKEN(100));
    expect(await staking.quorumBps()).to.equal(6_667n);
    expect(await staking.unbondingPeriod()).to.equal(7n * 86_400n);
    expect(await staking.reporterBountyBps()).to.equal(500n);
    expect(await staking.treasury()).to.equal(await f.cast.treasury.getAddress());
    expect(await staking.isSlasher(f.deployment.distributor)).to.equal(true);
    expect(await staking.MAX_SLASH_BPS()).to.equal(5_000n);
    expect(await staking.GOVERNANCE_DELAY()).to.equal(61n * 86_400n);
    expect(await registry.commitmentMinAge()).to.equal(60n);
    expect(await registry.commitmentMaxAge()).to.equal(86_400n);
    expect(await registry.VOTING_PERIOD()).to.equal(3n * 86_400n);
    expect(await registry.MAX_DATANETS()).to.equal(2n ** 24n - 1n);
    expect(await ledger.VOTING_PERIOD()).to.equal(3n * 86_400n);
    expect(await distributor.challengePeriod()).to.equal(3_600n);
    expect(await distributor.equivocationSlashBps()).to.equal(1_000n);
    expect(await registry.STAKING()).to.equal(f.deployment.staking);
    expect(await ledger.STAKING()).to.equal(f.deployment.staking);
    expect(await ledger.REGISTRY()).to.equal(f.deployment.registry);
    expect(await ledger.DISTRIBUTOR()).to.equal(f.deployment.distributor);
    expect(await distributor.STAKING()).to.equal(f.deployment.staking);
    expect(await distributor.REWARD_TOKEN()).to.equal(await f.rewardToken.getAddress());
    // The demo allowlists the network pool's token, then the stable and credit tokens, in that order.
    expect(await distributor.tokens()).to.deep.equal([
      await f.rewardToken.getAddress(),
      await f.stableToken.getAddress(),
      await f.creditToken.getAddress(),
    ]);
    expect(await f.stableToken.decimals()).to.equal(6n);
    expect(await distributor.poolCount()).to.equal(1n);
    const networkPool = await distributor.poolOf(await distributor.NETWORK_POOL());
    expect([networkPool.owner, networkPool.token, networkPool.datanetCount]).to.deep.equal([
      ethers.ZeroAddress,
      await f.rewardToken.getAddress(),
      0n,
    ]);
    const params = await distributor.allocationParamsAt(0);
    expect([params.protocolFeeBps, params.validatorShareBps, params.idleRefundEpochs, params.treasury]).to.deep.equal([
      500n,
      1_000n,
      1n,
      await f.cast.treasury.getAddress(),
    ]);
  });

  it("a second allocation change in the same epoch replaces the first", async function () {
    const { distributor } = f.tributary;
    const treasury = await f.cast.treasury.getAddress();
    await distributor.setAllocationParams(100, 100, 2, treasury);
    await distributor.setAllocationParams(200, 300, 3, treasury);
    const next = await distributor.allocationParamsAt(1);
    expect([next.fromEpoch, next.protocolFeeBps, next.validatorShareBps, next.idleRefundEpochs]).to.deep.equal([
      1n,
      200n,
      300n,
      3n,
    ]);
    expect((await distributor.allocationParamsAt(0)).protocolFeeBps).to.equal(500n);
  });

  it("the default admin changes only through the delayed two-step transfer", async function () {
    const { staking } = f.tributary;
    const newAdmin = f.contributors[0]!;
    const begunAt = (await latestTimestamp(f)) + 10n;
    await sendAt(f, begunAt, () => staking.beginDefaultAdminTransfer(newAdmin.getAddress()));
    const schedule = begunAt + 2n * 86_400n;
    await expect(sendAt(f, schedule, () => f.as(newAdmin).staking.acceptDefaultAdminTransfer()))
      .to.be.revertedWithCustomError(staking, "AccessControlEnforcedDefaultAdminDelay")
      .withArgs(schedule);
    await sendAt(f, schedule + 1n, () => f.as(newAdmin).staking.acceptDefaultAdminTransfer());
    expect(await staking.defaultAdmin()).to.equal(await newAdmin.getAddress());
  });
});

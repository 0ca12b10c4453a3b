import { expect } from "chai";
import { network } from "hardhat";
import { RewardDistributor__factory, ValidatorStaking__factory } from "../../typechain-types/index.js";
import { deployFixture, TOKEN, type Fixture } from "../helpers/fixture.js";

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
    const distributor = new RewardDistributor__factory(admin);
    await expect(
      distributor.deploy(ethers.ZeroAddress, f.deployment.staking, admin!.address, admin!.address, 0, 0, 3_600),
    ).to.be.revertedWithCustomError(distributor, "ZeroAddress");
  });

  it("exposes every parameter it was deployed with", async function () {
    const { staking, registry, distributor } = f.tributary;
    expect(await staking.minStake()).to.equal(TOKEN(100));
    expect(await staking.quorumBps()).to.equal(6_667n);
    expect(await staking.unbondingPeriod()).to.equal(7n * 86_400n);
    expect(await staking.reporterBountyBps()).to.equal(500n);
    expect(await staking.treasury()).to.equal(await f.cast.treasury.getAddress());
    expect(await registry.commitmentMaxAge()).to.equal(7_200n);
    expect(await distributor.challengePeriod()).to.equal(3_600n);
    expect(await distributor.equivocationSlashBps()).to.equal(1_000n);
    expect(await registry.STAKING()).to.equal(f.deployment.staking);
    expect(await f.tributary.ledger.REGISTRY()).to.equal(f.deployment.registry);
  });

  it("a second allocation change in the same epoch replaces the first", async function () {
    const { distributor } = f.tributary;
    const treasury = await f.cast.treasury.getAddress();
    await distributor.setAllocationParams(100, 100, treasury);
    await distributor.setAllocationParams(200, 300, treasury);
    const next = await distributor.allocationParamsAt(1);
    expect([next.fromEpoch, next.protocolFeeBps, next.validatorShareBps]).to.deep.equal([1n, 200n, 300n]);
    expect((await distributor.allocationParamsAt(0)).protocolFeeBps).to.equal(500n);
  });

  it("the default admin changes only through the delayed two-step transfer", async function () {
    const { staking } = f.tributary;
    const newAdmin = f.contributors[0]!;
    await staking.beginDefaultAdminTransfer(await newAdmin.getAddress());
    await expect(f.as(newAdmin).staking.acceptDefaultAdminTransfer()).to.be.revertedWithCustomError(
      staking,
      "AccessControlEnforcedDefaultAdminDelay",
    );
    await networkHelpers.time.increase(2 * 86_400 + 1);
    await f.as(newAdmin).staking.acceptDefaultAdminTransfer();
    expect(await staking.defaultAdmin()).to.equal(await newAdmin.getAddress());
  });
});

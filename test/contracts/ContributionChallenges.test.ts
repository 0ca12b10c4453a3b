import { expect } from "chai";
import { network } from "hardhat";
import { encodeBytes32String, id, keccak256, parseUnits, toUtf8Bytes, type Signer } from "ethers";
import { encodeRecords } from "../../client/index.js";
import {
  ContributionChallenges__factory,
  MockERC20Decimals__factory,
  type ContributionChallenges,
} from "../../typechain-types/index.js";
import {
  acceptedContribution,
  ageCommitment,
  commitFor,
  deployFixture,
  latestTimestamp,
  registerOne,
  sendAt,
  stakeFor,
  TOKEN,
  ZERO_SALT,
  type Fixture,
} from "../helpers/fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;

const DAY = 86_400n;
const VOTING_PERIOD = 3n * DAY;
/** 66.67 % of the fixture's 2800 bonded tokens. */
const QUORUM = TOKEN("1866.76");
/** The demo module's challenge bond (in the stake token) and bounty. */
const BOND = TOKEN(10);
const BOUNTY_BPS = 5_000n;
const EVIDENCE = "ipfs://evidence";
const DEFAULT_ADMIN_ROLE = ethers.ZeroHash;
const REVOKER_ROLE = keccak256(toUtf8Bytes("REVOKER_ROLE"));
const USD = (n: number | string) => parseUnits(String(n), 6);
/** The content hash of the fixture's Accepted contribution 1. */
const WORK = id("work-0");

enum ChallengeStatus {
  None,
  Open,
  Upheld,
  Dismissed,
  Expired,
}

enum ContributionStatus {
  None,
  Pending,
  Accepted,
  Rejected,
  Withdrawn,
  Expired,
  Revoked,
}

interface Suite {
  f: Fixture;
  challenges: ContributionChallenges;
  /** Accounts holding 1000 stake tokens each, having approved the challenges contract: two challengers and a
   * funder of the bounty reserve. */
  challenger: Signer;
  rival: Signer;
  funder: Signer;
  /** An account with no role and no tokens. */
  outsider: Signer;
}

/** The demo suite, with contribution 1 (`work-0`, by contributor 1) Accepted by validators 1-3. */
async function deployed(): Promise<Suite> {
  const f = await deployFixture(connection);
  const signers = (await ethers.getSigners()) as unknown as Signer[];
  const [challenger, rival, funder, outsider] = signers.slice(14, 18) as [Signer, Signer, Signer, Signer];
  const challenges = ContributionChallenges__factory.connect(f.deployment.contributionChallenges!, f.cast.admin);
  for (const account of [challenger, rival, funder]) {
    await (await f.stakeToken.mint(await account.getAddress(), TOKEN(1_000))).wait();
    await (await f.stakeToken.connect(account).approve(f.deployment.contributionChallenges!, ethers.MaxUint256)).wait();
  }
  await acceptedContribution(f, f.contributors[0]!, "work-0");
  return { f, challenges, challenger, rival, funder, outsider };
}

describe("ContributionChallenges", function () {
  let s: Suite;
  let f: Fixture;
  let challenges: ContributionChallenges;
  let registry: Fixture["tributary"]["registry"];
  let v1: Signer, v2: Signer, v3: Signer, v4: Signer;
  let C: string, RIVAL: string, FUNDER: string, OUTSIDER: string, CONTRIBUTOR: string;
  let STK: string;
  beforeEach(async function () {
    s = await networkHelpers.loadFixture(deployed);
    ({ f, challenges } = s);
    registry = f.tributary.registry;
    [v1, v2, v3, v4] = f.validators as [Signer, Signer, Signer, Signer];
    [C, RIVAL, FUNDER, OUTSIDER, CONTRIBUTOR] = (await Promise.all(
      [s.challenger, s.rival, s.funder, s.outsider, f.contributors[0]!].map((a) => a.getAddress()),
    )) as [string, string, string, string, string];
    STK = await f.stakeToken.getAddress();
  });

  const balance = (account: string) => f.stakeToken.balanceOf(account);
  const challengesAddress = () => f.deployment.contributionChallenges!;
  /** Opens a challenge of `contentHash` (contribution 1 by default) by the challenger at a known second. */
  async function open(contentHash = WORK, challenger = s.challenger): Promise<bigint> {
    const at = (await latestTimestamp(f)) + 1n;
    await (await sendAt(f, at, () => challenges.connect(challenger).challenge(contentHash, EVIDENCE))).wait();
    return at;
  }
  async function voteAll(challengeId: bigint, revoke: boolean, voters = [v1, v2, v3]) {
    for (const v of voters) await (await challenges.connect(v).vote(challengeId, revoke)).wait();
  }
  /** A one-record batch naming contribution `contributionId` only. */
  const recordNaming = (contributionId: bigint, output: number) =>
    encodeRecords([
      {
        outputId: "0x" + output.toString(16).padStart(64, "0"),
        poolId: 0n,
        value: 10n,
        vector: [{ contributionId, weightBps: 10_000 }],
      },
    ]);

  describe("deployment", function () {
    it("exposes its bounds, its suite and the demo's bond and bounty; the registry grants it REVOKER_ROLE", async function () {
      expect(await challenges.MIN_BOND_TOKENS()).to.equal(1n);
      expect(await challenges.MAX_BOND_TOKENS()).to.equal(1_000_000n);
      expect(await challenges.MAX_BOND_DECIMALS()).to.equal(22n);
      expect(await challenges.MAX_BOUNTY_BPS()).to.equal(10_000n);
      expect(await challenges.REGISTRY()).to.equal(f.deployment.registry);
      expect(await challenges.STAKING()).to.equal(f.deployment.staking);
      expect(await challenges.VOTING_PERIOD()).to.equal(VOTING_PERIOD);
      expect(await challenges.bondToken()).to.equal(STK);
      expect(await challenges.bondAmount()).to.equal(BOND);
      expect(await challenges.bountyBps()).to.equal(BOUNTY_BPS);
      expect(await challenges.challengeCount()).to.equal(0n);
      expect(await registry.REVOKER_ROLE()).to.equal(REVOKER_ROLE);
      expect(await registry.hasRole(REVOKER_ROLE, challengesAddress())).to.equal(true);
    });

    it("refuses a bounty over MAX_BOUNTY_BPS at deployment: ParameterOutOfBounds", async function () {
      const factory = new ContributionChallenges__factory(f.cast.admin);
      await expect(factory.deploy(f.deployment.registry, await f.cast.admin.getAddress(), STK, BOND, 10_001))
        .to.be.revertedWithCustomError(factory, "ParameterOutOfBounds")
        .withArgs(encodeBytes32String("bountyBps"), 10_001, 0, 10_000);
    });
  });

  describe("challenge", function () {
    it("challenges an Accepted contribution: the bond moves and ChallengeOpened names the end of the vote", async function () {
      const at = (await latestTimestamp(f)) + 1n;
      await expect(sendAt(f, at, () => challenges.connect(s.challenger).challenge(WORK, EVIDENCE)))
        .to.emit(challenges, "ChallengeOpened")
        .withArgs(1, 1, C, STK, BOND, at + VOTING_PERIOD, EVIDENCE);
      const c = await challenges.challengeOf(1);
      expect([
        c.contentHash,
        c.challenger,
        c.contributionId,
        c.openedAt,
        c.status,
        c.bondToken,
        c.bond,
        c.bounty,
        c.withdrawn,
      ]).to.deep.equal([WORK, C, 1n, at, BigInt(ChallengeStatus.Open), STK, BOND, 0n, false]);
      expect(await challenges.openChallengeOf(1)).to.equal(1n);
      expect(await challenges.challengeCount()).to.equal(1n);
      expect(await balance(C)).to.equal(TOKEN(1_000) - BOND);
      expect(await balance(challengesAddress())).to.equal(BOND);
      // Under challenge, the contribution is still Accepted.
      expect(await registry.statusOf(WORK)).to.equal(ContributionStatus.Accepted);
      expect(await registry.isAccepted(1)).to.equal(true);
    });

    it("refuses a contribution that is not Accepted: ContributionNotAccepted(contentHash, status)", async function () {
      const unknown = id("never-registered");
      await expect(challenges.connect(s.challenger).challenge(unknown, EVIDENCE))
        .to.be.revertedWithCustomError(challenges, "ContributionNotAccepted")
        .withArgs(unknown, ContributionStatus.None);
      const [alice, bob, carol] = f.contributors as [Signer, Signer, Signer];
      await registerOne(f, alice, "pending");
      await registerOne(f, bob, "rejected");
      await registerOne(f, carol, "withdrawn");
      for (const v of [v1, v2, v3]) await (await f.as(v).registry.vote(id("rejected"), false)).wait();
      await (await f.as(carol).registry.withdrawContribution(id("withdrawn"))).wait();
      for (const [label, status] of [
        ["pending", ContributionStatus.Pending],
        ["rejected", ContributionStatus.Rejected],
        ["withdrawn", ContributionStatus.Withdrawn],
      ] as const) {
        await expect(challenges.connect(s.challenger).challenge(id(label), EVIDENCE))
          .to.be.revertedWithCustomError(challenges, "ContributionNotAccepted")
          .withArgs(id(label), status);
      }
      // A Pending contribution whose vote closed undecided is reported Expired.
      await time.increase(VOTING_PERIOD);
      await expect(challenges.connect(s.challenger).challenge(id("pending"), EVIDENCE))
        .to.be.revertedWithCustomError(challenges, "ContributionNotAccepted")
        .withArgs(id("pending"), ContributionStatus.Expired);
    });

    it("refuses a second challenge while one is open: ChallengeAlreadyOpen", async function () {
      await open();
      await expect(challenges.connect(s.rival).challenge(WORK, EVIDENCE))
        .to.be.revertedWithCustomError(challenges, "ChallengeAlreadyOpen")
        .withArgs(1, 1);
      expect(await balance(RIVAL)).to.equal(TOKEN(1_000));
    });
  });

  describe("vote", function () {
    it("counts each voter's stake at the second before the challenge opened; ChallengeVoteCast carries it", async function () {
      await open();
      // Validator 4 starts unbonding after the challenge opened: its snapshot stake still counts.
      await (await f.as(v4).staking.requestUnstake(TOKEN(400))).wait();
      await expect(challenges.connect(v4).vote(1, true))
        .to.emit(challenges, "ChallengeVoteCast")
        .withArgs(1, await v4.getAddress(), true, TOKEN(400));
      expect([...(await challenges.tallyOf(1))]).to.deep.equal([QUORUM - TOKEN(400), QUORUM]);
      await expect(challenges.connect(v2).vote(1, false))
        .to.emit(challenges, "ChallengeVoteCast")
        .withArgs(1, await v2.getAddress(), false, TOKEN(800));
      expect([...(await challenges.tallyOf(1))]).to.deep.equal([QUORUM - TOKEN(400), QUORUM - TOKEN(800)]);
      expect(await challenges.hasVoted(1, await v4.getAddress())).to.equal(true);
      expect(await challenges.hasVoted(1, await v1.getAddress())).to.equal(false);
    });

    it("stake bonded after the challenge opened, or none, has no power: ChallengeNoVotingPower(voter, openedAt − 1)", async function () {
      const openedAt = await open();
      const latecomer = s.funder;
      await stakeFor(f, latecomer, TOKEN(500));
      await expect(challenges.connect(latecomer).vote(1, true))
        .to.be.revertedWithCustomError(challenges, "ChallengeNoVotingPower")
        .withArgs(FUNDER, openedAt - 1n);
      await expect(challenges.connect(s.outsider).vote(1, false))
        .to.be.revertedWithCustomError(challenges, "ChallengeNoVotingPower")
        .withArgs(OUTSIDER, openedAt - 1n);
      // Validator 1 topping up after the opening adds nothing to its power on it.
      await stakeFor(f, v1, TOKEN(5_000));
      await expect(challenges.connect(v1).vote(1, true))
        .to.emit(challenges, "ChallengeVoteCast")
        .withArgs(1, await v1.getAddress(), true, TOKEN(1_000));
      expect([...(await challenges.tallyOf(1))]).to.deep.equal([QUORUM - TOKEN(1_000), QUORUM]);
    });

    it("the contributor and the challenger do not vote: ChallengeSelfVote", async function () {
      // Validator 4 contributed this one and validators 1-3 accepted it; validator 1 challenges it.
      const contributionId = await acceptedContribution(f, v4, "by-validator-4");
      await (await f.stakeToken.mint(await v1.getAddress(), BOND)).wait();
      await (await f.stakeToken.connect(v1).approve(challengesAddress(), BOND)).wait();
      await open(id("by-validator-4"), v1);
      expect((await challenges.challengeOf(1)).contributionId).to.equal(contributionId);
      await expect(challenges.connect(v4).vote(1, false))
        .to.be.revertedWithCustomError(challenges, "ChallengeSelfVote")
        .withArgs(1, await v4.getAddress());
      await expect(challenges.connect(v1).vote(1, true))
        .to.be.revertedWithCustomError(challenges, "ChallengeSelfVote")
        .withArgs(1, await v1.getAddress());
      // The fixture's contribution: its contributor holds no stake, and is refused as the contributor.
      await open();
      await expect(challenges.connect(f.contributors[0]!).vote(2, false))
        .to.be.revertedWithCustomError(challenges, "ChallengeSelfVote")
        .withArgs(2, CONTRIBUTOR);
      await expect(challenges.connect(s.challenger).vote(2, true))
        .to.be.revertedWithCustomError(challenges, "ChallengeSelfVote")
        .withArgs(2, C);
    });

    it("one vote per validator: ChallengeAlreadyVoted", async function () {
      await open();
      await (await challenges.connect(v1).vote(1, true)).wait();
      await expect(challenges.connect(v1).vote(1, true))
        .to.be.revertedWithCustomError(challenges, "ChallengeAlreadyVoted")
        .withArgs(1, await v1.getAddress());
      await expect(challenges.connect(v1).vote(1, false))
        .to.be.revertedWithCustomError(challenges, "ChallengeAlreadyVoted")
        .withArgs(1, await v1.getAddress());
    });

    it("takes votes until openedAt + VOTING_PERIOD − 1, then refuses: ChallengeVotingClosed", async function () {
      const closesAt = (await open()) + VOTING_PERIOD;
      await expect(sendAt(f, closesAt - 1n, () => challenges.connect(v1).vote(1, true)))
        .to.emit(challenges, "ChallengeVoteCast")
        .withArgs(1, await v1.getAddress(), true, TOKEN(1_000));
      await expect(sendAt(f, closesAt, () => challenges.connect(v2).vote(1, true)))
        .to.be.revertedWithCustomError(challenges, "ChallengeVotingClosed")
        .withArgs(1, closesAt);
    });

    it("refuses unknown and decided challenges: ChallengeNotOpen", async function () {
      await expect(challenges.connect(v1).vote(7, true))
        .to.be.revertedWithCustomError(challenges, "ChallengeNotOpen")
        .withArgs(7, ChallengeStatus.None);
      await open();
      await voteAll(1n, true);
      await expect(challenges.connect(v4).vote(1, false))
        .to.be.revertedWithCustomError(challenges, "ChallengeNotOpen")
        .withArgs(1, ChallengeStatus.Upheld);
    });
  });

  describe("upheld", function () {
    it("revokes the contribution: Revoked, no longer accepted, refused by the ledger and for re-registration", async function () {
      // Before the challenge, attribution to it is accepted.
      await expect(f.as(v1).ledger.propose(recordNaming(1n, 1))).to.emit(f.tributary.ledger, "BatchProposed");
      await (await challenges.connect(s.funder).fundBountyReserve(TOKEN(20))).wait();
      await open();
      await voteAll(1n, true, [v1, v2]);
      expect(await registry.statusOf(WORK)).to.equal(ContributionStatus.Accepted);
      const epoch = await registry.currentEpoch();
      const tx = challenges.connect(v3).vote(1, true);
      await expect(tx).to.emit(challenges, "ChallengeDecided").withArgs(1, 1, true, TOKEN(5), epoch);
      await expect(tx).to.emit(challenges, "BountyReserveChanged").withArgs(STK, TOKEN(15));
      await expect(tx).to.emit(registry, "ContributionRevoked").withArgs(1, epoch);

      expect(await registry.statusOf(WORK)).to.equal(ContributionStatus.Revoked);
      expect((await registry.contributionOf(WORK)).status).to.equal(ContributionStatus.Revoked);
      expect(await registry.isAccepted(1)).to.equal(false);
      expect(await registry.acceptedDatanetOf(1)).to.equal(0n);
      expect(await challenges.openChallengeOf(1)).to.equal(0n);
      const c = await challenges.challengeOf(1);
      expect(c.status).to.equal(ChallengeStatus.Upheld);
      expect(c.bounty).to.equal(TOKEN(5));
      expect(await challenges.bountyReserveOf(STK)).to.equal(TOKEN(15));

      await expect(f.as(v1).ledger.propose(recordNaming(1n, 2)))
        .to.be.revertedWithCustomError(f.tributary.ledger, "ContributionNotAccepted")
        .withArgs(0, 1);
      // Revoked content stays taken: neither its contributor nor anyone else can register it again.
      for (const contributor of [f.contributors[0]!, f.contributors[1]!]) {
        await commitFor(f, contributor, WORK);
        await ageCommitment(f);
        await expect(f.as(contributor).registry.register(1, WORK, "ipfs://again", ZERO_SALT))
          .to.be.revertedWithCustomError(registry, "ContentAlreadyRegistered")
          .withArgs(WORK, 1);
      }
      await expect(challenges.connect(s.rival).challenge(WORK, EVIDENCE))
        .to.be.revertedWithCustomError(challenges, "ContributionNotAccepted")
        .withArgs(WORK, ContributionStatus.Revoked);
    });

    it("the challenger withdraws its bond plus the bounty, once: ChallengeNothingToWithdraw", async function () {
      await (await challenges.connect(s.funder).fundBountyReserve(TOKEN(20))).wait();
      await open();
      await voteAll(1n, true);
      await expect(challenges.connect(s.outsider).withdraw(1))
        .to.emit(challenges, "ChallengeBondReturned")
        .withArgs(1, C, BOND, TOKEN(5));
      expect(await balance(C)).to.equal(TOKEN(1_000) + TOKEN(5));
      expect(await balance(challengesAddress())).to.equal(TOKEN(15));
      expect((await challenges.challengeOf(1)).withdrawn).to.equal(true);
      await expect(challenges.withdraw(1))
        .to.be.revertedWithCustomError(challenges, "ChallengeNothingToWithdraw")
        .withArgs(1);
    });

    it("the bounty is min(bond × bountyBps / 10 000, reserve)", async function () {
      // No reserve: no bounty.
      await open();
      await voteAll(1n, true);
      expect((await challenges.challengeOf(1)).bounty).to.equal(0n);
      await expect(challenges.withdraw(1)).to.emit(challenges, "ChallengeBondReturned").withArgs(1, C, BOND, 0);

      // A reserve of 2 tokens pays 2 of the 5 owed.
      await acceptedContribution(f, f.contributors[1]!, "work-1");
      await (await challenges.connect(s.funder).fundBountyReserve(TOKEN(2))).wait();
      await open(id("work-1"));
      const epoch = await registry.currentEpoch();
      await voteAll(2n, true, [v1, v2]);
      await expect(challenges.connect(v3).vote(2, true))
        .to.emit(challenges, "ChallengeDecided")
        .withArgs(2, 2, true, TOKEN(2), epoch);
      expect(await challenges.bountyReserveOf(STK)).to.equal(0n);
      await expect(challenges.withdraw(2)).to.emit(challenges, "ChallengeBondReturned").withArgs(2, C, BOND, TOKEN(2));

      // At MAX_BOUNTY_BPS the bounty is the bond again.
      await (await challenges.setBountyBps(10_000)).wait();
      await acceptedContribution(f, f.contributors[2]!, "work-2");
      await (await challenges.connect(s.funder).fundBountyReserve(TOKEN(100))).wait();
      await open(id("work-2"));
      await voteAll(3n, true);
      expect((await challenges.challengeOf(3)).bounty).to.equal(BOND);
      expect(await challenges.bountyReserveOf(STK)).to.equal(TOKEN(90));
    });
  });

  describe("dismissed", function () {
    it("the bond goes to the reserve, the contribution stays Accepted and can be challenged again", async function () {
      await open();
      const epoch = await registry.currentEpoch();
      const voters = [v1, v2, v3];
      for (const v of voters.slice(0, 2)) await (await challenges.connect(v).vote(1, false)).wait();
      const tx = challenges.connect(v3).vote(1, false);
      await expect(tx).to.emit(challenges, "ChallengeDecided").withArgs(1, 1, false, 0, epoch);
      await expect(tx).to.emit(challenges, "BountyReserveChanged").withArgs(STK, BOND);
      await expect(tx).not.to.emit(registry, "ContributionRevoked");
      expect((await challenges.challengeOf(1)).status).to.equal(ChallengeStatus.Dismissed);
      expect(await challenges.bountyReserveOf(STK)).to.equal(BOND);
      expect(await registry.statusOf(WORK)).to.equal(ContributionStatus.Accepted);
      expect(await registry.isAccepted(1)).to.equal(true);
      expect(await challenges.openChallengeOf(1)).to.equal(0n);
      await expect(challenges.withdraw(1))
        .to.be.revertedWithCustomError(challenges, "ChallengeNothingToWithdraw")
        .withArgs(1);
      expect(await balance(C)).to.equal(TOKEN(1_000) - BOND);

      // The forfeited bond pays the next upheld challenge's bounty.
      await open(WORK, s.rival);
      expect(await challenges.openChallengeOf(1)).to.equal(2n);
      await voteAll(2n, true);
      await expect(challenges.withdraw(2))
        .to.emit(challenges, "ChallengeBondReturned")
        .withArgs(2, RIVAL, BOND, TOKEN(5));
      expect(await balance(RIVAL)).to.equal(TOKEN(1_005));
      expect(await challenges.bountyReserveOf(STK)).to.equal(TOKEN(5));
    });
  });

  describe("expire", function () {
    it("refused while the vote is open (ChallengeVotingOpen); from openedAt + VOTING_PERIOD anyone expires it", async function () {
      const closesAt = (await open()) + VOTING_PERIOD;
      await (await challenges.connect(v1).vote(1, true)).wait();
      await (await challenges.connect(v2).vote(1, false)).wait();
      await expect(sendAt(f, closesAt - 1n, () => challenges.connect(s.outsider).expire(1)))
        .to.be.revertedWithCustomError(challenges, "ChallengeVotingOpen")
        .withArgs(1, closesAt);
      await expect(sendAt(f, closesAt, () => challenges.connect(v3).vote(1, true)))
        .to.be.revertedWithCustomError(challenges, "ChallengeVotingClosed")
        .withArgs(1, closesAt);
      await expect(challenges.withdraw(1))
        .to.be.revertedWithCustomError(challenges, "ChallengeNothingToWithdraw")
        .withArgs(1);
      await expect(sendAt(f, closesAt, () => challenges.connect(s.outsider).expire(1)))
        .to.emit(challenges, "ChallengeExpired")
        .withArgs(1, 1);
      expect((await challenges.challengeOf(1)).status).to.equal(ChallengeStatus.Expired);
      expect(await challenges.openChallengeOf(1)).to.equal(0n);
      expect(await registry.statusOf(WORK)).to.equal(ContributionStatus.Accepted);
      await expect(challenges.connect(s.outsider).expire(1))
        .to.be.revertedWithCustomError(challenges, "ChallengeNotOpen")
        .withArgs(1, ChallengeStatus.Expired);
      await expect(challenges.expire(9))
        .to.be.revertedWithCustomError(challenges, "ChallengeNotOpen")
        .withArgs(9, ChallengeStatus.None);

      await expect(challenges.withdraw(1)).to.emit(challenges, "ChallengeBondReturned").withArgs(1, C, BOND, 0);
      expect(await balance(C)).to.equal(TOKEN(1_000));
      expect(await balance(challengesAddress())).to.equal(0n);
      await expect(challenges.withdraw(1))
        .to.be.revertedWithCustomError(challenges, "ChallengeNothingToWithdraw")
        .withArgs(1);
      // Nothing stops a new challenge.
      await expect(challenges.connect(s.rival).challenge(WORK, EVIDENCE)).to.emit(challenges, "ChallengeOpened");
    });
  });

  describe("bounty reserve", function () {
    it("anyone funds the reserve of the current bond token: BountyReserveChanged; zero is refused: ReserveAmountZero", async function () {
      await expect(challenges.connect(s.funder).fundBountyReserve(TOKEN(3)))
        .to.emit(challenges, "BountyReserveChanged")
        .withArgs(STK, TOKEN(3));
      await expect(challenges.connect(s.rival).fundBountyReserve(TOKEN(4)))
        .to.emit(challenges, "BountyReserveChanged")
        .withArgs(STK, TOKEN(7));
      expect(await challenges.bountyReserveOf(STK)).to.equal(TOKEN(7));
      expect(await balance(challengesAddress())).to.equal(TOKEN(7));
      await expect(challenges.connect(s.funder).fundBountyReserve(0)).to.be.revertedWithCustomError(
        challenges,
        "ReserveAmountZero",
      );
    });

    it("a former bond token's reserve goes to the staking treasury; the current one's or an empty one is refused: ReserveNotReleasable", async function () {
      await (await challenges.connect(s.funder).fundBountyReserve(TOKEN(7))).wait();
      await expect(challenges.releaseReserve(STK))
        .to.be.revertedWithCustomError(challenges, "ReserveNotReleasable")
        .withArgs(STK);
      // A challenge opened in the old token keeps it, and its bounty comes from the old token's reserve.
      await open();
      const stable = await f.stableToken.getAddress();
      await expect(challenges.setBond(stable, USD(10)))
        .to.emit(challenges, "ChallengeBondSet")
        .withArgs(stable, USD(10));
      await voteAll(1n, true);
      expect(await challenges.bountyReserveOf(STK)).to.equal(TOKEN(2));
      await expect(challenges.withdraw(1)).to.emit(challenges, "ChallengeBondReturned").withArgs(1, C, BOND, TOKEN(5));

      const treasury = await f.tributary.staking.treasury();
      const before = await balance(treasury);
      await expect(challenges.connect(s.outsider).releaseReserve(STK))
        .to.emit(challenges, "BountyReserveChanged")
        .withArgs(STK, 0);
      expect(await balance(treasury)).to.equal(before + TOKEN(2));
      expect(await balance(challengesAddress())).to.equal(0n);
      await expect(challenges.releaseReserve(STK))
        .to.be.revertedWithCustomError(challenges, "ReserveNotReleasable")
        .withArgs(STK);
      await expect(challenges.releaseReserve(stable))
        .to.be.revertedWithCustomError(challenges, "ReserveNotReleasable")
        .withArgs(stable);
      // New funding goes to the new bond token's reserve.
      await (await f.stableToken.mint(FUNDER, USD(3))).wait();
      await (await f.stableToken.connect(s.funder).approve(challengesAddress(), USD(3))).wait();
      await expect(challenges.connect(s.funder).fundBountyReserve(USD(3)))
        .to.emit(challenges, "BountyReserveChanged")
        .withArgs(stable, USD(3));
    });
  });

  describe("governance setters", function () {
    it("setBond takes 1 to 1 000 000 whole tokens of the token's decimals: ParameterOutOfBounds; governance only", async function () {
      const bondAmount = encodeBytes32String("bondAmount");
      const stable = await f.stableToken.getAddress();
      await expect(challenges.setBond(stable, USD(1) - 1n))
        .to.be.revertedWithCustomError(challenges, "ParameterOutOfBounds")
        .withArgs(bondAmount, USD(1) - 1n, USD(1), USD(1_000_000));
      await expect(challenges.setBond(stable, USD(1_000_000) + 1n))
        .to.be.revertedWithCustomError(challenges, "ParameterOutOfBounds")
        .withArgs(bondAmount, USD(1_000_000) + 1n, USD(1), USD(1_000_000));
      await expect(challenges.setBond(STK, TOKEN(1_000_000) + 1n))
        .to.be.revertedWithCustomError(challenges, "ParameterOutOfBounds")
        .withArgs(bondAmount, TOKEN(1_000_000) + 1n, TOKEN(1), TOKEN(1_000_000));
      await expect(challenges.setBond(stable, USD(1)))
        .to.emit(challenges, "ChallengeBondSet")
        .withArgs(stable, USD(1));
      await expect(challenges.setBond(STK, TOKEN(1_000_000)))
        .to.emit(challenges, "ChallengeBondSet")
        .withArgs(STK, TOKEN(1_000_000));
      await expect(challenges.connect(s.challenger).setBond(STK, BOND))
        .to.be.revertedWithCustomError(challenges, "AccessControlUnauthorizedAccount")
        .withArgs(C, DEFAULT_ADMIN_ROLE);
    });

    it("setBond refuses an account without code, a contract without decimals() and over 22 decimals: InvalidBondToken", async function () {
      await expect(challenges.setBond(OUTSIDER, BOND))
        .to.be.revertedWithCustomError(challenges, "InvalidBondToken")
        .withArgs(OUTSIDER);
      await expect(challenges.setBond(f.deployment.registry, BOND))
        .to.be.revertedWithCustomError(challenges, "InvalidBondToken")
        .withArgs(f.deployment.registry);
      const tooFine = await new MockERC20Decimals__factory(f.cast.admin).deploy("Fine", "FINE", 23);
      const address = await tooFine.getAddress();
      await expect(challenges.setBond(address, 10n ** 23n))
        .to.be.revertedWithCustomError(challenges, "InvalidBondToken")
        .withArgs(address);
    });

    it("setBountyBps takes 0 to MAX_BOUNTY_BPS: ParameterOutOfBounds; governance only", async function () {
      await expect(challenges.setBountyBps(10_001))
        .to.be.revertedWithCustomError(challenges, "ParameterOutOfBounds")
        .withArgs(encodeBytes32String("bountyBps"), 10_001, 0, 10_000);
      await expect(challenges.setBountyBps(10_000)).to.emit(challenges, "BountyBpsSet").withArgs(10_000);
      await expect(challenges.setBountyBps(0)).to.emit(challenges, "BountyBpsSet").withArgs(0);
      expect(await challenges.bountyBps()).to.equal(0n);
      await expect(challenges.connect(s.challenger).setBountyBps(1))
        .to.be.revertedWithCustomError(challenges, "AccessControlUnauthorizedAccount")
        .withArgs(C, DEFAULT_ADMIN_ROLE);
    });
  });

  describe("a second revoker", function () {
    it("a challenge of a contribution another revoker revoked meanwhile is still upheld, without a second revoke", async function () {
      await (await registry.grantRole(REVOKER_ROLE, OUTSIDER)).wait();
      await open();
      await voteAll(1n, true, [v1, v2]);
      await (await f.as(s.outsider).registry.revoke(WORK)).wait();
      const tx = challenges.connect(v3).vote(1, true);
      await expect(tx).to.emit(challenges, "ChallengeDecided");
      await expect(tx).to.not.emit(registry, "ContributionRevoked");
      expect((await challenges.challengeOf(1)).status).to.equal(ChallengeStatus.Upheld);
      expect(await registry.statusOf(WORK)).to.equal(ContributionStatus.Revoked);
    });
  });

  describe("registry.revoke", function () {
    it("REVOKER_ROLE only, not even governance: AccessControlUnauthorizedAccount", async function () {
      for (const account of [f.cast.admin, s.outsider]) {
        await expect(f.as(account).registry.revoke(WORK))
          .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
          .withArgs(await account.getAddress(), REVOKER_ROLE);
      }
    });

    it("revokes Accepted contributions only: ContributionNotRevocable, ContributionNotFound", async function () {
      await (await registry.grantRole(REVOKER_ROLE, OUTSIDER)).wait();
      const revoker = f.as(s.outsider).registry;
      const pendingId = await registerOne(f, f.contributors[1]!, "pending");
      await expect(revoker.revoke(id("pending")))
        .to.be.revertedWithCustomError(registry, "ContributionNotRevocable")
        .withArgs(pendingId, ContributionStatus.Pending);
      await expect(revoker.revoke(id("unknown")))
        .to.be.revertedWithCustomError(registry, "ContributionNotFound")
        .withArgs(id("unknown"));
      const epoch = await registry.currentEpoch();
      await expect(revoker.revoke(WORK)).to.emit(registry, "ContributionRevoked").withArgs(1, epoch);
      expect(await registry.statusOf(WORK)).to.equal(ContributionStatus.Revoked);
      await expect(revoker.revoke(WORK))
        .to.be.revertedWithCustomError(registry, "ContributionNotRevocable")
        .withArgs(1, ContributionStatus.Revoked);
    });
  });
});

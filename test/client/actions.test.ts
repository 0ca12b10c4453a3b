/**
 * The client's single-purpose actions that the demo scenario does not exercise: each one's
 * effect on chain, and the typed error a user gets for bad input or a refused call.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { id, ZeroAddress } from "ethers";
import {
  connectTributary,
  computeCommitment,
  contributionStatus,
  ContractRevertError,
  createPool,
  fundPool,
  InvalidInputError,
  listPools,
  NotFoundError,
  readPool,
  register,
  requestUnstake,
  setRecipient,
  TributaryError,
  withdrawContribution,
  withdrawStake,
} from "../../client/index.js";
import { deployFixture, registerOne, TOKEN, type Fixture } from "../helpers/fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

/** Runs `action` and returns the error it throws, failing the test if it does not throw. */
async function failureOf(action: () => Promise<unknown>): Promise<TributaryError> {
  try {
    await action();
  } catch (error) {
    expect(error).to.be.instanceOf(TributaryError);
    return error as TributaryError;
  }
  expect.fail("the action did not throw");
}

async function deployed(): Promise<Fixture> {
  return deployFixture(connection);
}

describe("client actions", function () {
  let f: Fixture;
  beforeEach(async function () {
    f = await networkHelpers.loadFixture(deployed);
  });

  describe("setRecipient", function () {
    it("sets the signer's recipient per token (what its claims then pay), and null resets it", async function () {
      const bob = f.contributors[1]!;
      const bobAddress = await bob.getAddress();
      const carol = await f.contributors[2]!.getAddress();
      const stable = await f.stableToken.getAddress();
      const reward = await f.rewardToken.getAddress();
      await setRecipient(f.as(bob), { token: stable, recipient: carol });
      expect(await f.tributary.distributor.recipientOf(bobAddress, stable)).to.equal(carol);
      // Other tokens are untouched: each token has its own recipient.
      expect(await f.tributary.distributor.recipientOf(bobAddress, reward)).to.equal(ZeroAddress);
      await setRecipient(f.as(bob), { token: reward.toLowerCase(), recipient: carol.toLowerCase() });
      expect(await f.tributary.distributor.recipientOf(bobAddress, reward)).to.equal(carol);
      await setRecipient(f.as(bob), { token: stable, recipient: null });
      expect(await f.tributary.distributor.recipientOf(bobAddress, stable)).to.equal(ZeroAddress);
      expect(await f.tributary.distributor.recipientOf(bobAddress, reward)).to.equal(carol);
    });

    it("refuses a malformed address, the distributor, the token itself, an unlisted token and a read-only client", async function () {
      const bob = f.as(f.contributors[1]!);
      const bobAddress = await f.contributors[1]!.getAddress();
      const carol = await f.contributors[2]!.getAddress();
      const stable = await f.stableToken.getAddress();

      const malformed = await failureOf(() => setRecipient(bob, { token: stable, recipient: "0x1234" }));
      expect(malformed).to.be.instanceOf(InvalidInputError);
      expect(malformed.message).to.contain('recipient must be a 0x-prefixed 20-byte hex address, got "0x1234"');
      const malformedToken = await failureOf(() => setRecipient(bob, { token: "0xabc", recipient: carol }));
      expect(malformedToken).to.be.instanceOf(InvalidInputError);
      expect(malformedToken.message).to.contain('token must be a 0x-prefixed 20-byte hex address, got "0xabc"');

      const distributor = await failureOf(() =>
        setRecipient(bob, { token: stable, recipient: f.deployment.distributor }),
      );
      expect(distributor).to.be.instanceOf(InvalidInputError);
      expect(distributor.message).to.match(/is the distributor: tokens paid there would be stuck/);

      const itself = await failureOf(() => setRecipient(bob, { token: stable, recipient: stable.toLowerCase() }));
      expect(itself).to.be.instanceOf(InvalidInputError);
      expect(itself.message).to.match(/is the token itself: tokens paid there would be stuck/);

      // Another listed token would hold the tokens just as uselessly.
      const credit = await f.creditToken.getAddress();
      const otherToken = await failureOf(() => setRecipient(bob, { token: stable, recipient: credit }));
      expect(otherToken).to.be.instanceOf(InvalidInputError);
      expect(otherToken.message).to.contain(`recipient ${credit} is a listed token`);
      expect(await f.tributary.distributor.recipientOf(bobAddress, stable)).to.equal(ZeroAddress);

      const stakeToken = await f.stakeToken.getAddress();
      const unlisted = await failureOf(() => setRecipient(bob, { token: stakeToken, recipient: carol }));
      expect(unlisted).to.be.instanceOf(InvalidInputError);
      expect(unlisted.message).to.contain(`token ${stakeToken} is not on the distributor's allowlist`);
      expect(unlisted.message).to.contain(stable);

      const readOnly = connectTributary(f.deployment, ethers.provider);
      const noSigner = await failureOf(() => setRecipient(readOnly, { token: stable, recipient: carol }));
      expect(noSigner.message).to.contain("connect the client with a Signer");
      expect(await f.tributary.distributor.recipientOf(bobAddress, await f.rewardToken.getAddress())).to.equal(
        ZeroAddress,
      );
    });
  });

  describe("createPool, readPool and listPools", function () {
    it("creates pools owned by the signer; reads them back with the network pool first", async function () {
      const stable = await f.stableToken.getAddress();
      const credit = await f.creditToken.getAddress();
      await (await f.as(f.cast.curator).registry.createDatanet("ipfs://second")).wait();
      const chat = await createPool(f.as(f.cast.dapp), { token: stable.toLowerCase(), datanets: [1n, 2] });
      const search = await createPool(f.as(f.cast.searchDapp), { token: credit });
      expect([chat, search]).to.deep.equal([1n, 2n]);

      const pools = await listPools(f.tributary);
      expect(pools).to.deep.equal([
        { poolId: 0n, owner: ZeroAddress, token: await f.rewardToken.getAddress(), datanets: [] },
        { poolId: 1n, owner: await f.cast.dapp.getAddress(), token: stable, datanets: [1n, 2n] },
        { poolId: 2n, owner: await f.cast.searchDapp.getAddress(), token: credit, datanets: [] },
      ]);
      expect(await readPool(f.tributary, { poolId: "1" })).to.deep.equal(pools[1]);
      const [created] = await f.tributary.distributor.queryFilter(f.tributary.distributor.filters.PoolCreated(1n));
      expect(created!.args.owner).to.equal(await f.cast.dapp.getAddress());
      expect([...created!.args.datanets]).to.deep.equal([1n, 2n]);
    });

    it("refuses unlisted and disallowed tokens, bad datanet lists and a read-only client before sending", async function () {
      const dapp = f.as(f.cast.dapp);
      const stable = await f.stableToken.getAddress();
      const stakeToken = await f.stakeToken.getAddress();

      const unlisted = await failureOf(() => createPool(dapp, { token: stakeToken }));
      expect(unlisted).to.be.instanceOf(InvalidInputError);
      expect(unlisted.message).to.contain(`token ${stakeToken} is not allowed for new pools`);
      expect(unlisted.message).to.contain(await f.rewardToken.getAddress());

      await (await f.tributary.distributor.disallowToken(stable)).wait();
      const disallowed = await failureOf(() => createPool(dapp, { token: stable }));
      expect(disallowed).to.be.instanceOf(InvalidInputError);
      expect(disallowed.message).to.contain(`token ${stable} is not allowed for new pools`);

      const credit = await f.creditToken.getAddress();
      const tooMany = await failureOf(() => createPool(dapp, { token: credit, datanets: [1, 2, 3, 4, 5, 6, 7, 8, 9] }));
      expect(tooMany.message).to.contain("at most 8 datanets, got 9");
      const unordered = await failureOf(() => createPool(dapp, { token: credit, datanets: [2, 1] }));
      expect(unordered.message).to.contain("strictly increasing order, without repeats");
      const repeated = await failureOf(() => createPool(dapp, { token: credit, datanets: [1, 1] }));
      expect(repeated.message).to.contain("strictly increasing order");
      const zero = await failureOf(() => createPool(dapp, { token: credit, datanets: [0] }));
      expect(zero.message).to.contain("datanet 0 is not a datanet id");
      const wide = await failureOf(() => createPool(dapp, { token: credit, datanets: [2 ** 24] }));
      expect(wide.message).to.contain(`datanet ${2 ** 24} is not a datanet id`);
      const malformed = await failureOf(() => createPool(dapp, { token: "0x12" }));
      expect(malformed.message).to.contain('token must be a 0x-prefixed 20-byte hex address, got "0x12"');
      const readOnly = await failureOf(() =>
        createPool(connectTributary(f.deployment, ethers.provider), { token: credit }),
      );
      expect(readOnly.message).to.contain("connect the client with a Signer");
      for (const error of [tooMany, unordered, repeated, zero, wide, malformed, readOnly]) {
        expect(error).to.be.instanceOf(InvalidInputError);
      }
      expect(await f.tributary.distributor.poolCount()).to.equal(1n);
    });

    it("refuses a pool that does not exist with NotFoundError, and a malformed id with InvalidInputError", async function () {
      const missing = await failureOf(() => readPool(f.tributary, { poolId: 3n }));
      expect(missing).to.be.instanceOf(NotFoundError);
      expect(missing.message).to.contain("pool 3 does not exist: pools run from 0 (the network pool) to 0");
      const malformed = await failureOf(() => readPool(f.tributary, { poolId: "-1" }));
      expect(malformed).to.be.instanceOf(InvalidInputError);
      expect(malformed.message).to.contain('poolId must be a non-negative whole number, got "-1"');
    });
  });

  describe("fundPool", function () {
    it("approves and funds a pool in its own token; per-token epoch funding adds up over pools", async function () {
      const stable = await f.stableToken.getAddress();
      const chat = await createPool(f.as(f.cast.dapp), { token: stable });
      const second = await createPool(f.as(f.cast.searchDapp), { token: stable, datanets: [1n] });
      const USD = (n: number) => BigInt(n) * 10n ** 6n;
      await f.stableToken.mint(await f.cast.dapp.getAddress(), USD(10));
      await f.stableToken.mint(await f.cast.searchDapp.getAddress(), USD(3));
      const hash = await fundPool(f.as(f.cast.dapp), { poolId: chat, epoch: 0n, amount: USD(4) });
      await fundPool(f.as(f.cast.searchDapp), { poolId: second, epoch: "0", amount: USD(3).toString() });
      const d = f.tributary.distributor;
      expect(await d.fundedInEpoch(0n, stable)).to.equal(USD(7));
      expect(await d.fundedInEpoch(0n, await f.rewardToken.getAddress())).to.equal(0n);
      expect(await d.totalFundedOf(stable)).to.equal(USD(7));
      const receipt = await ethers.provider.getTransactionReceipt(hash);
      const funded = receipt!.logs.map((l) => d.interface.parseLog(l)).find((l) => l?.name === "Funded")!;
      expect([funded.args.poolId, funded.args.epoch, funded.args.token, funded.args.amount]).to.deep.equal([
        chat,
        0n,
        stable,
        USD(4),
      ]);
      expect(await f.stableToken.balanceOf(await f.cast.dapp.getAddress())).to.equal(USD(6));
    });

    it("refuses an unknown pool, a closed or too distant epoch, a disallowed token and a bad amount", async function () {
      const dapp = f.as(f.cast.dapp);
      await f.rewardToken.mint(await f.cast.dapp.getAddress(), TOKEN(10));
      const missing = await failureOf(() => fundPool(dapp, { poolId: 7n, epoch: 0n, amount: TOKEN(1) }));
      expect(missing).to.be.instanceOf(NotFoundError);
      expect(missing.message).to.contain("pool 7 does not exist");

      const fraction = await failureOf(() => fundPool(dapp, { poolId: 0n, epoch: 0n, amount: "1.5" }));
      expect(fraction).to.be.instanceOf(InvalidInputError);
      expect(fraction.message).to.contain('amount must be a whole number of token units, got "1.5"');

      const d = f.tributary.distributor;
      const lead = await d.MAX_FUNDING_LEAD_EPOCHS();
      const tooFar = await failureOf(() => fundPool(dapp, { poolId: 0n, epoch: lead + 1n, amount: TOKEN(1) }));
      expect(tooFar).to.be.instanceOf(ContractRevertError);
      expect((tooFar as ContractRevertError).errorName).to.equal("FundingEpochTooFar");
      expect((tooFar as ContractRevertError).errorArgs).to.deep.equal([lead + 1n, lead]);

      const credit = await f.creditToken.getAddress();
      const search = await createPool(f.as(f.cast.searchDapp), { token: credit });
      await f.creditToken.mint(await f.cast.searchDapp.getAddress(), TOKEN(1));
      await (await d.disallowToken(credit)).wait();
      const disallowed = await failureOf(() =>
        fundPool(f.as(f.cast.searchDapp), { poolId: search, epoch: 0n, amount: TOKEN(1) }),
      );
      expect(disallowed).to.be.instanceOf(InvalidInputError);
      expect(disallowed.message).to.contain(`pool ${search} pays in ${credit}, which governance has closed to funding`);

      const genesis = await d.GENESIS();
      const duration = await d.EPOCH_DURATION();
      await networkHelpers.time.increaseTo(genesis + 2n * duration);
      const closed = await failureOf(() => fundPool(dapp, { poolId: 0n, epoch: 1n, amount: TOKEN(1) }));
      expect(closed).to.be.instanceOf(InvalidInputError);
      expect(closed.message).to.contain("epoch 1 is closed (the current epoch is 2); fund epoch 2 or a later one");
      expect(await d.totalFundedOf(await f.rewardToken.getAddress())).to.equal(0n);
      expect(await d.totalFundedOf(credit)).to.equal(0n);
    });
  });
  describe("requestUnstake and withdrawStake", function () {
    it("unbonds, refuses an early withdrawal with UnbondingNotFinished, then pays the stake back", async function () {
      const validator = f.validators[3]!;
      const address = await validator.getAddress();
      await requestUnstake(f.as(validator), { amount: TOKEN(400) });
      expect((await f.tributary.staking.validators(address)).unbonding).to.equal(TOKEN(400));

      const early = await failureOf(() => withdrawStake(f.as(validator)));
      expect(early).to.be.instanceOf(ContractRevertError);
      expect((early as ContractRevertError).errorName).to.equal("UnbondingNotFinished");
      expect((early as ContractRevertError).errorArgs[0]).to.equal(address);

      await networkHelpers.time.increase(await f.tributary.staking.unbondingPeriod());
      const before = await f.stakeToken.balanceOf(address);
      await withdrawStake(f.as(validator));
      expect(await f.stakeToken.balanceOf(address)).to.equal(before + TOKEN(400));

      const nothing = await failureOf(() => withdrawStake(f.as(validator)));
      expect((nothing as ContractRevertError).errorName).to.equal("NothingToWithdraw");
    });

    it("refuses an amount that is not a whole number of units before sending anything", async function () {
      const error = await failureOf(() => requestUnstake(f.as(f.validators[3]!), { amount: "12.5" }));
      expect(error).to.be.instanceOf(InvalidInputError);
      expect(error.message).to.contain('amount must be a whole number of token units, got "12.5"');
      expect((await f.tributary.staking.validators(f.validators[3]!)).unbonding).to.equal(0n);
    });
  });

  describe("register", function () {
    const waitUntil = (timestamp: bigint) => networkHelpers.time.increaseTo(timestamp);

    it("reveals against a commitment someone else posted first, and waits out the minimum age", async function () {
      const alice = f.contributors[0]!;
      const salt = id("salt-copied");
      const contentHash = id("copied-commitment");
      const commitment = computeCommitment(await alice.getAddress(), f.datanetId, [contentHash], salt);
      await (await f.as(f.validators[0]!).registry.commit(commitment)).wait();
      const result = await register(f.as(alice), {
        datanetId: f.datanetId,
        contentHash,
        uri: "ipfs://x",
        salt,
        waitUntil,
      });
      expect(result.commitTransaction).to.equal("");
      expect(await contributionStatus(f.tributary, { contentHash })).to.equal("Pending");
    });

    it("goes on to reveal when its own commit loses the race to a copy (CommitmentAlreadyPosted)", async function () {
      const alice = f.contributors[0]!;
      const salt = id("salt-race");
      const contentHash = id("raced-commitment");
      const commitment = computeCommitment(await alice.getAddress(), f.datanetId, [contentHash], salt);
      const tributary = f.as(alice);
      // The copy lands between the client's check and its own commit transaction.
      const registry = new Proxy(tributary.registry, {
        get(target, property, receiver) {
          if (property !== "commit") return Reflect.get(target, property, receiver);
          return async (c: string) => {
            await (await f.as(f.validators[1]!).registry.commit(c)).wait();
            return target.commit(c);
          };
        },
      });
      const result = await register(
        { ...tributary, registry },
        { datanetId: f.datanetId, contentHash, uri: "ipfs://x", salt, waitUntil },
      );
      expect(result.commitTransaction).to.equal("");
      expect(await f.tributary.registry.commitments(commitment)).to.equal(0n);
      expect(await contributionStatus(f.tributary, { contentHash })).to.equal("Pending");
    });
  });

  describe("withdrawContribution and contributionStatus", function () {
    it("withdraws the contributor's Pending contribution; a stranger is refused with NotContributor", async function () {
      const alice = f.contributors[0]!;
      const contributionId = await registerOne(f, alice, "actions-dataset");
      const hash = id("actions-dataset");
      expect(await contributionStatus(f.tributary, { contentHash: hash })).to.equal("Pending");

      const stranger = await failureOf(() => withdrawContribution(f.as(f.contributors[1]!), { contentHash: hash }));
      expect(stranger).to.be.instanceOf(ContractRevertError);
      expect((stranger as ContractRevertError).errorName).to.equal("NotContributor");
      expect((stranger as ContractRevertError).errorArgs).to.deep.equal([
        contributionId,
        await f.contributors[1]!.getAddress(),
        await alice.getAddress(),
      ]);

      await withdrawContribution(f.as(alice), { contentHash: hash });
      expect(await contributionStatus(f.tributary, { contentHash: hash })).to.equal("Withdrawn");
      expect(await contributionStatus(f.tributary, { contentHash: id("never-registered") })).to.equal("None");
    });

    it("refuses a content hash that is not 32 bytes of hex", async function () {
      const error = await failureOf(() => withdrawContribution(f.as(f.contributors[0]!), { contentHash: "0xabc" }));
      expect(error).to.be.instanceOf(InvalidInputError);
      expect(error.message).to.contain('content hash must be 0x followed by 64 hex digits, got "0xabc"');
    });
  });
});

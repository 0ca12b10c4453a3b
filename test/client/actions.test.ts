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
  register,
  fundEpoch,
  InvalidInputError,
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
    it("sets the signer's recipient (what claims then pay), and null resets it to the signer", async function () {
      const bob = f.contributors[1]!;
      const carol = await f.contributors[2]!.getAddress();
      await setRecipient(f.as(bob), carol);
      expect(await f.tributary.distributor.recipientOf(bob)).to.equal(carol);
      await setRecipient(f.as(bob), null);
      expect(await f.tributary.distributor.recipientOf(bob)).to.equal(ZeroAddress);
    });

    it("refuses a malformed address, the distributor, the reward token and a read-only client", async function () {
      const bob = f.as(f.contributors[1]!);
      const malformed = await failureOf(() => setRecipient(bob, "0x1234"));
      expect(malformed).to.be.instanceOf(InvalidInputError);
      expect(malformed.message).to.contain('recipient must be a 0x-prefixed 20-byte hex address, got "0x1234"');

      const distributor = await failureOf(() => setRecipient(bob, f.deployment.distributor));
      expect(distributor).to.be.instanceOf(InvalidInputError);
      expect(distributor.message).to.match(/is the distributor: tokens paid there would be stuck/);

      const tokenAddress = (await f.rewardToken.getAddress()).toLowerCase();
      const token = await failureOf(() => setRecipient(bob, tokenAddress));
      expect(token).to.be.instanceOf(InvalidInputError);
      expect(token.message).to.match(/is the reward token: tokens paid there would be stuck/);

      const readOnly = connectTributary(f.deployment, ethers.provider);
      const noSigner = await failureOf(() => setRecipient(readOnly, ZeroAddress.replace(/0$/, "1")));
      expect(noSigner.message).to.contain("connect the client with a Signer");
      expect(await f.tributary.distributor.recipientOf(f.contributors[1]!)).to.equal(ZeroAddress);
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
      expect(await contributionStatus(f.tributary, contentHash)).to.equal("Pending");
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
      expect(await contributionStatus(f.tributary, contentHash)).to.equal("Pending");
    });
  });

  describe("withdrawContribution and contributionStatus", function () {
    it("withdraws the contributor's Pending contribution; a stranger is refused with NotContributor", async function () {
      const alice = f.contributors[0]!;
      const contributionId = await registerOne(f, alice, "actions-dataset");
      const hash = id("actions-dataset");
      expect(await contributionStatus(f.tributary, hash)).to.equal("Pending");

      const stranger = await failureOf(() => withdrawContribution(f.as(f.contributors[1]!), hash));
      expect(stranger).to.be.instanceOf(ContractRevertError);
      expect((stranger as ContractRevertError).errorName).to.equal("NotContributor");
      expect((stranger as ContractRevertError).errorArgs).to.deep.equal([
        contributionId,
        await f.contributors[1]!.getAddress(),
        await alice.getAddress(),
      ]);

      await withdrawContribution(f.as(alice), hash);
      expect(await contributionStatus(f.tributary, hash)).to.equal("Withdrawn");
      expect(await contributionStatus(f.tributary, id("never-registered"))).to.equal("None");
    });

    it("refuses a content hash that is not 32 bytes of hex", async function () {
      const error = await failureOf(() => withdrawContribution(f.as(f.contributors[0]!), "0xabc"));
      expect(error).to.be.instanceOf(InvalidInputError);
      expect(error.message).to.contain('content hash must be 0x followed by 64 hex digits, got "0xabc"');
    });
  });

  describe("fundEpoch", function () {
    it("approves and funds; a closed epoch is refused with FundingEpochClosed and its arguments", async function () {
      const dapp = f.cast.dapp;
      await f.rewardToken.mint(await dapp.getAddress(), TOKEN(10));
      await fundEpoch(f.as(dapp), { epoch: 0n, amount: TOKEN(4) });
      expect(await f.tributary.distributor.fundedInEpoch(0)).to.equal(TOKEN(4));

      const genesis = await f.tributary.distributor.GENESIS();
      const duration = await f.tributary.distributor.EPOCH_DURATION();
      await networkHelpers.time.increaseTo(genesis + 2n * duration);
      const closed = await failureOf(() => fundEpoch(f.as(dapp), { epoch: 1n, amount: TOKEN(1) }));
      expect(closed).to.be.instanceOf(ContractRevertError);
      expect((closed as ContractRevertError).errorName).to.equal("FundingEpochClosed");
      expect((closed as ContractRevertError).errorArgs).to.deep.equal([1n, 2n]);
      expect(closed.message).to.contain("fund epoch 1 was refused by the contract: FundingEpochClosed(1, 2)");
    });
  });
});

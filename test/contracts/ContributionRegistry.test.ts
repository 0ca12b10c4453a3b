import { expect } from "chai";
import { network } from "hardhat";
import { id, type Signer } from "ethers";
import {
  computeCommitment,
  register,
  REGISTRATION_TYPES,
  signRegistration,
  signRegistrationFor,
  type SignedRegistration,
} from "../../client/index.js";
import {
  CommitRevealProbe__factory,
  ContributionRegistry__factory,
  MockERC1271Wallet__factory,
} from "../../typechain-types/index.js";
import {
  acceptedContribution,
  ageCommitment,
  commitFor,
  deployFixture,
  fundStake,
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
async function deployed() {
  return deployFixture(connection);
}

const DAY = 86_400n;
const VOTING_PERIOD = 3n * DAY;
const MIN_AGE = 60n;
const MAX_AGE = DAY;
/** 66.67 % of the fixture's 2800 bonded tokens. */
const QUORUM = TOKEN("1866.76");

enum Status {
  None,
  Pending,
  Accepted,
  Rejected,
  Withdrawn,
  Expired,
}

describe("ContributionRegistry", function () {
  let f: Fixture;
  let registry: Fixture["tributary"]["registry"];
  let alice: Signer;
  let mallory: Signer;
  beforeEach(async function () {
    f = await networkHelpers.loadFixture(deployed);
    registry = f.tributary.registry;
    [alice, mallory] = f.contributors as [Signer, Signer];
  });

  const now = () => latestTimestamp(f);
  async function deadline(secondsFromNow = 3_600) {
    return (await now()) + BigInt(secondsFromNow);
  }
  /** Commits for `contributor`, ages the commitment and returns the (unsent) reveal of `contentHash`. */
  async function revealAfterCommit(contributor: Signer, contentHash: string, uri = "u") {
    await commitFor(f, contributor, contentHash);
    await ageCommitment(f);
    return () => f.as(contributor).registry.register(1, contentHash, uri, ZERO_SALT);
  }
  async function registeredAt(contentHash: string): Promise<bigint> {
    return (await registry.contributionOf(contentHash)).registeredAt;
  }

  describe("datanets", function () {
    it("creates, transfers curation and closes, emitting events", async function () {
      await expect(f.as(alice).registry.createDatanet("ipfs://d2"))
        .to.emit(registry, "DatanetCreated")
        .withArgs(2, await alice.getAddress(), "ipfs://d2");
      await expect(f.as(alice).registry.transferCuration(2, await mallory.getAddress()))
        .to.emit(registry, "DatanetCuratorTransferred")
        .withArgs(2, await alice.getAddress(), await mallory.getAddress());
      await expect(f.as(mallory).registry.closeDatanet(2)).to.emit(registry, "DatanetClosed").withArgs(2);
      expect((await registry.datanets(2)).closed).to.equal(true);
      expect(await registry.datanetCount()).to.equal(2);
    });

    it("only the curator may transfer or close: NotCurator", async function () {
      await expect(f.as(mallory).registry.closeDatanet(1))
        .to.be.revertedWithCustomError(registry, "NotCurator")
        .withArgs(1, await mallory.getAddress(), await f.cast.curator.getAddress());
    });

    it("unknown datanets revert with DatanetNotFound; a closed one cannot be closed again", async function () {
      await expect(f.as(mallory).registry.closeDatanet(9))
        .to.be.revertedWithCustomError(registry, "DatanetNotFound")
        .withArgs(9);
      await f.as(f.cast.curator).registry.closeDatanet(1);
      await expect(f.as(f.cast.curator).registry.closeDatanet(1))
        .to.be.revertedWithCustomError(registry, "DatanetIsClosed")
        .withArgs(1);
      await expect(f.as(f.cast.curator).registry.transferCuration(1, ethers.ZeroAddress)).to.be.revertedWithCustomError(
        registry,
        "ZeroAddress",
      );
    });

    it("exposes MAX_DATANETS: datanet ids fit the contribution's 24-bit field", async function () {
      expect(await registry.MAX_DATANETS()).to.equal(2n ** 24n - 1n);
    });
  });

  describe("commit and register", function () {
    it("registers once the commitment is commitmentMinAge old, with sequential ids and the URI in the event", async function () {
      const hash = id("work-1");
      const a = await alice.getAddress();
      const commitment = computeCommitment(a, 1n, [hash], ZERO_SALT);
      expect(await registry.commitmentOf(a, 1, [hash], ZERO_SALT)).to.equal(commitment);
      const committedAt = (await now()) + 10n;
      await expect(sendAt(f, committedAt, () => f.as(mallory).registry.commit(commitment)))
        .to.emit(registry, "RegistrationCommitted")
        .withArgs(commitment, await mallory.getAddress(), committedAt);
      expect(await registry.commitments(commitment)).to.equal(committedAt);
      await expect(
        sendAt(f, committedAt + MIN_AGE, () => f.as(alice).registry.register(1, hash, "ipfs://work-1", ZERO_SALT)),
      )
        .to.emit(registry, "ContributionRegistered")
        .withArgs(1, a, 1, hash, "ipfs://work-1");
      expect(await registry.contributionIdOf(hash)).to.equal(1);
      const c = await registry.contributionOf(hash);
      expect([c.contributor, c.id, c.datanetId, c.registeredAt, c.status]).to.deep.equal([
        a,
        1n,
        1n,
        committedAt + MIN_AGE,
        BigInt(Status.Pending),
      ]);
      expect(await registry.statusOf(hash)).to.equal(Status.Pending);
      expect(await registry.contributionCount()).to.equal(1);
      expect(await registry.commitments(commitment)).to.equal(0);
    });

    it("refuses zero and duplicate commitments", async function () {
      await expect(registry.commit(ethers.ZeroHash)).to.be.revertedWithCustomError(registry, "CommitmentZero");
      const c = id("c");
      const committedAt = (await now()) + 10n;
      await sendAt(f, committedAt, () => registry.commit(c));
      await expect(registry.commit(c))
        .to.be.revertedWithCustomError(registry, "CommitmentAlreadyPosted")
        .withArgs(c, committedAt);
    });

    it("refuses a reveal without a commitment: CommitmentNotFound", async function () {
      const hash = id("x");
      const commitment = computeCommitment(await alice.getAddress(), 1n, [hash], ZERO_SALT);
      await expect(f.as(alice).registry.register(1, hash, "u", ZERO_SALT))
        .to.be.revertedWithCustomError(registry, "CommitmentNotFound")
        .withArgs(commitment);
    });

    it("refuses a reveal in the commitment's own block: CommitmentTooNew", async function () {
      const probe = await new CommitRevealProbe__factory(alice).deploy();
      const hash = id("same-block");
      const commitment = computeCommitment(await probe.getAddress(), 1n, [hash], ZERO_SALT);
      const sentAt = (await now()) + 10n;
      await expect(sendAt(f, sentAt, () => probe.commitAndReveal(f.deployment.registry, 1, hash)))
        .to.be.revertedWithCustomError(registry, "CommitmentTooNew")
        .withArgs(commitment, sentAt, sentAt + MIN_AGE);
    });

    it("refuses a reveal before committedAt + commitmentMinAge, to the second: CommitmentTooNew", async function () {
      const hash = id("early");
      const commitment = computeCommitment(await alice.getAddress(), 1n, [hash], ZERO_SALT);
      const committedAt = (await now()) + 10n;
      await sendAt(f, committedAt, () => registry.commit(commitment));
      const reveal = () => f.as(alice).registry.register(1, hash, "u", ZERO_SALT);
      await expect(sendAt(f, committedAt + MIN_AGE - 1n, reveal))
        .to.be.revertedWithCustomError(registry, "CommitmentTooNew")
        .withArgs(commitment, committedAt, committedAt + MIN_AGE);
      await expect(sendAt(f, committedAt + MIN_AGE, reveal)).to.emit(registry, "ContributionRegistered");
    });

    it("reveals until committedAt + commitmentMaxAge, to the second, then refuses: CommitmentExpired", async function () {
      const [first, second] = [id("old-1"), id("old-2")];
      const a = await alice.getAddress();
      const firstCommitment = computeCommitment(a, 1n, [first], ZERO_SALT);
      const secondCommitment = computeCommitment(a, 1n, [second], ZERO_SALT);
      const committedAt = (await now()) + 10n;
      await sendAt(f, committedAt, () => registry.commit(firstCommitment));
      await sendAt(f, committedAt + 1n, () => registry.commit(secondCommitment));
      // The last second of the first commitment is still inside its window...
      await expect(
        sendAt(f, committedAt + MAX_AGE, () => f.as(alice).registry.register(1, first, "u", ZERO_SALT)),
      ).to.emit(registry, "ContributionRegistered");
      // ...and one second past the second commitment's last second is not.
      await expect(
        sendAt(f, committedAt + 1n + MAX_AGE + 1n, () => f.as(alice).registry.register(1, second, "u", ZERO_SALT)),
      )
        .to.be.revertedWithCustomError(registry, "CommitmentExpired")
        .withArgs(secondCommitment, committedAt + 1n, committedAt + 1n + MAX_AGE);
    });

    it("refuses a content hash registered before: ContentAlreadyRegistered", async function () {
      await registerOne(f, alice, "dup");
      const hash = id("dup");
      const reveal = await revealAfterCommit(mallory, hash);
      await expect(reveal()).to.be.revertedWithCustomError(registry, "ContentAlreadyRegistered").withArgs(hash, 1);
    });

    it("refuses a zero content hash, an unknown or a closed datanet", async function () {
      const a = await alice.getAddress();
      const zero = ethers.ZeroHash;
      const hash = id("nowhere");
      await registry.commit(computeCommitment(a, 1n, [zero], ZERO_SALT));
      await registry.commit(computeCommitment(a, 7n, [hash], ZERO_SALT));
      await registry.commit(computeCommitment(a, 1n, [hash], ZERO_SALT));
      await ageCommitment(f);
      await expect(f.as(alice).registry.register(1, zero, "u", ZERO_SALT))
        .to.be.revertedWithCustomError(registry, "ContentHashZero")
        .withArgs(0);
      await expect(f.as(alice).registry.register(7, hash, "u", ZERO_SALT))
        .to.be.revertedWithCustomError(registry, "DatanetNotFound")
        .withArgs(7);
      await f.as(f.cast.curator).registry.closeDatanet(1);
      await expect(f.as(alice).registry.register(1, hash, "u", ZERO_SALT))
        .to.be.revertedWithCustomError(registry, "DatanetIsClosed")
        .withArgs(1);
    });

    it("registers a batch under one commitment; refuses empty, oversized and mismatched batches", async function () {
      const hashes = [id("b1"), id("b2"), id("b3")];
      const a = await alice.getAddress();
      await registry.commit(computeCommitment(a, 1n, hashes, ZERO_SALT));
      await ageCommitment(f);
      await expect(f.as(alice).registry.registerBatch(1, hashes, ["u1", "u2", "u3"], ZERO_SALT))
        .to.emit(registry, "ContributionRegistered")
        .withArgs(3, a, 1, hashes[2], "u3");
      await expect(f.as(alice).registry.registerBatch(1, [], [], ZERO_SALT)).to.be.revertedWithCustomError(
        registry,
        "EmptyRegistration",
      );
      const many = Array.from({ length: 501 }, (_, i) => id(`m${i}`));
      await expect(
        f.as(alice).registry.registerBatch(
          1,
          many,
          many.map(() => ""),
          ZERO_SALT,
        ),
      )
        .to.be.revertedWithCustomError(registry, "RegistrationTooLarge")
        .withArgs(501, 500);
      await expect(f.as(alice).registry.registerBatch(1, [id("q")], [], ZERO_SALT))
        .to.be.revertedWithCustomError(registry, "LengthMismatch")
        .withArgs(1, 0);
    });

    it("refuses registration while paused; a commitment alone may still be posted", async function () {
      const hash = id("paused");
      const reveal = await revealAfterCommit(alice, hash);
      await registry.pause();
      await registry.commit(id("harmless"));
      await expect(reveal()).to.be.revertedWithCustomError(registry, "EnforcedPause");
      await expect(registry.createDatanet("x")).to.be.revertedWithCustomError(registry, "EnforcedPause");
      await registry.unpause();
      await expect(reveal()).to.emit(registry, "ContributionRegistered");
    });
  });

  describe("freed content hashes", function () {
    it("anyone re-registers the hash of a Rejected contribution", async function () {
      const hash = id("rejected");
      await registerOne(f, alice, "rejected");
      for (const v of f.validators.slice(0, 3)) await f.as(v).registry.vote(hash, false);
      expect(await registry.statusOf(hash)).to.equal(Status.Rejected);
      const reveal = await revealAfterCommit(mallory, hash, "ipfs://again");
      const tx = await reveal();
      await expect(tx)
        .to.emit(registry, "ContributionRegistered")
        .withArgs(2, await mallory.getAddress(), 1, hash, "ipfs://again");
      await expect(tx).not.to.emit(registry, "ContributionExpired");
      const c = await registry.contributionOf(hash);
      expect([c.contributor, c.id, c.status]).to.deep.equal([await mallory.getAddress(), 2n, BigInt(Status.Pending)]);
      expect(await registry.contributionIdOf(hash)).to.equal(2);
    });

    it("anyone re-registers the hash of a Withdrawn contribution", async function () {
      const hash = id("withdrawn");
      await registerOne(f, alice, "withdrawn");
      await f.as(alice).registry.withdrawContribution(hash);
      const reveal = await revealAfterCommit(mallory, hash);
      await expect(reveal())
        .to.emit(registry, "ContributionRegistered")
        .withArgs(2, await mallory.getAddress(), 1, hash, "u");
    });

    it("anyone re-registers the hash of an Expired contribution", async function () {
      const hash = id("expired");
      await registerOne(f, alice, "expired");
      await time.increaseTo((await registeredAt(hash)) + VOTING_PERIOD);
      await registry.expire(hash);
      const reveal = await revealAfterCommit(mallory, hash);
      const tx = await reveal();
      await expect(tx)
        .to.emit(registry, "ContributionRegistered")
        .withArgs(2, await mallory.getAddress(), 1, hash, "u");
      await expect(tx).not.to.emit(registry, "ContributionExpired");
    });

    it("re-registering a lapsed Pending hash expires the old contribution first, emitting ContributionExpired", async function () {
      const hash = id("lapsed");
      await registerOne(f, alice, "lapsed");
      const closesAt = (await registeredAt(hash)) + VOTING_PERIOD;
      await time.increaseTo(closesAt);
      expect((await registry.contributionOf(hash)).status).to.equal(Status.Pending);
      await commitFor(f, mallory, hash);
      await ageCommitment(f);
      const sentAt = (await now()) + 10n;
      await expect(sendAt(f, sentAt, () => f.as(mallory).registry.register(1, hash, "u", ZERO_SALT)))
        .to.emit(registry, "ContributionExpired")
        .withArgs(1, await registry.epochAt(sentAt))
        .and.to.emit(registry, "ContributionRegistered")
        .withArgs(2, await mallory.getAddress(), 1, hash, "u");
    });

    it("refuses a Pending hash until its window closes, and an Accepted one: ContentAlreadyRegistered", async function () {
      const hash = id("pending");
      await registerOne(f, alice, "pending");
      const closesAt = (await registeredAt(hash)) + VOTING_PERIOD;
      // Commit late enough for the commitment to be revealable in the window's last second.
      await time.increaseTo(closesAt - 2n * MIN_AGE);
      const reveal = await revealAfterCommit(mallory, hash);
      await expect(sendAt(f, closesAt - 1n, reveal))
        .to.be.revertedWithCustomError(registry, "ContentAlreadyRegistered")
        .withArgs(hash, 1);

      const accepted = id("accepted");
      const acceptedId = await acceptedContribution(f, alice, "accepted");
      await time.increase(VOTING_PERIOD);
      const revealAccepted = await revealAfterCommit(mallory, accepted);
      await expect(revealAccepted())
        .to.be.revertedWithCustomError(registry, "ContentAlreadyRegistered")
        .withArgs(accepted, acceptedId);
    });
  });

  describe("front-running", function () {
    it("an attacker who copies the content hash from a pending reveal cannot take it", async function () {
      const hash = id("valuable-dataset");
      const m = await mallory.getAddress();
      const malloryCommitment = computeCommitment(m, 1n, [hash], ZERO_SALT);
      await commitFor(f, alice, hash);
      await ageCommitment(f);
      // Alice's reveal is in the mempool; Mallory copies its hash and reuses Alice's commitment.
      await expect(f.as(mallory).registry.register(1, hash, "stolen", ZERO_SALT))
        .to.be.revertedWithCustomError(registry, "CommitmentNotFound")
        .withArgs(malloryCommitment);
      // Mallory's own fresh commitment is too new to reveal before Alice's reveal lands.
      const blockAt = (await now()) + 10n;
      await ethers.provider.send("evm_setAutomine", [false]);
      let theirs, ours;
      try {
        await f.as(mallory).registry.commit(malloryCommitment);
        theirs = await f.as(mallory).registry.register(1, hash, "stolen", ZERO_SALT, { gasLimit: 500_000 });
        ours = await f.as(alice).registry.register(1, hash, "ipfs://mine", ZERO_SALT, { gasLimit: 500_000 });
        await time.setNextBlockTimestamp(blockAt);
        await networkHelpers.mine();
      } finally {
        await ethers.provider.send("evm_setAutomine", [true]);
      }
      await expect(theirs)
        .to.be.revertedWithCustomError(registry, "CommitmentTooNew")
        .withArgs(malloryCommitment, blockAt, blockAt + MIN_AGE);
      expect((await ours.wait())!.status).to.equal(1);
      expect((await registry.contributionOf(hash)).contributor).to.equal(await alice.getAddress());
      // Later, Mallory's commitment is old enough, but the hash is taken.
      await ageCommitment(f);
      await expect(f.as(mallory).registry.register(1, hash, "stolen", ZERO_SALT))
        .to.be.revertedWithCustomError(registry, "ContentAlreadyRegistered")
        .withArgs(hash, 1);
    });

    it("a commitment copied and posted first by someone else still registers for its contributor", async function () {
      const hash = id("copied-commitment");
      const salt = id("alice-salt");
      const commitment = computeCommitment(await alice.getAddress(), 1n, [hash], salt);
      const committedAt = (await now()) + 10n;
      await expect(sendAt(f, committedAt, () => f.as(mallory).registry.commit(commitment)))
        .to.emit(registry, "RegistrationCommitted")
        .withArgs(commitment, await mallory.getAddress(), committedAt);
      await ageCommitment(f);
      // The client reveals against the commitment already posted instead of posting its own.
      const result = await register(f.as(alice), { datanetId: 1n, contentHash: hash, uri: "ipfs://mine", salt });
      expect(result.commitTransaction).to.equal("");
      expect(result.ids).to.deep.equal([1n]);
      expect((await registry.contributionOf(hash)).contributor).to.equal(await alice.getAddress());
      expect(await registry.commitments(commitment)).to.equal(0n);
    });

    it("a relayed signature cannot be redirected to the relayer", async function () {
      const signed = await signRegistration(f.tributary, {
        signer: alice,
        datanetId: 1n,
        contentHashes: [id("relayed")],
        uris: ["u"],
        salt: ZERO_SALT,
        deadline: await deadline(),
      });
      await registry.commit(computeCommitment(await alice.getAddress(), 1n, [id("relayed")], ZERO_SALT));
      await ageCommitment(f);
      const forged = { ...signed.request, contributor: await mallory.getAddress() };
      await expect(f.as(mallory).registry.registerBySig(forged, signed.signature))
        .to.be.revertedWithCustomError(registry, "InvalidSignature")
        .withArgs(await mallory.getAddress());
    });
  });

  describe("registerBySig", function () {
    async function signedFor(signer: Signer, label: string): Promise<SignedRegistration> {
      const s = await signRegistration(f.tributary, {
        signer: signer,
        datanetId: 1n,
        contentHashes: [id(label)],
        uris: [`ipfs://${label}`],
        salt: ZERO_SALT,
        deadline: await deadline(),
      });
      await registry.commit(computeCommitment(await signer.getAddress(), 1n, [id(label)], ZERO_SALT));
      await ageCommitment(f);
      return s;
    }

    it("registers for the signer when relayed by anyone, and exposes the EIP-712 domain", async function () {
      const signed = await signedFor(alice, "gasless");
      await expect(f.as(mallory).registry.registerBySig(signed.request, signed.signature))
        .to.emit(registry, "ContributionRegistered")
        .withArgs(1, await alice.getAddress(), 1, id("gasless"), "ipfs://gasless");
      expect(await registry.nonces(await alice.getAddress())).to.equal(1);
      const domain = await registry.eip712Domain();
      expect(domain.name).to.equal("Tributary ContributionRegistry");
      expect(domain.chainId).to.equal((await ethers.provider.getNetwork()).chainId);
      expect(domain.verifyingContract).to.equal(f.deployment.registry);
    });

    it("obeys the commitment's minimum age like every registration path: CommitmentTooNew", async function () {
      const hash = id("gasless-early");
      const signed = await signRegistration(f.tributary, {
        signer: alice,
        datanetId: 1n,
        contentHashes: [hash],
        uris: ["u"],
        salt: ZERO_SALT,
        deadline: await deadline(),
      });
      const commitment = computeCommitment(await alice.getAddress(), 1n, [hash], ZERO_SALT);
      const committedAt = (await now()) + 10n;
      await sendAt(f, committedAt, () => registry.commit(commitment));
      await expect(
        sendAt(f, committedAt + MIN_AGE - 1n, () =>
          f.as(mallory).registry.registerBySig(signed.request, signed.signature),
        ),
      )
        .to.be.revertedWithCustomError(registry, "CommitmentTooNew")
        .withArgs(commitment, committedAt, committedAt + MIN_AGE);
    });

    it("refuses the same signature twice (the nonce moved on)", async function () {
      const signed = await signedFor(alice, "once");
      await f.as(mallory).registry.registerBySig(signed.request, signed.signature);
      await registry.commit(computeCommitment(await alice.getAddress(), 1n, [id("once")], ZERO_SALT));
      await ageCommitment(f);
      await expect(f.as(mallory).registry.registerBySig(signed.request, signed.signature))
        .to.be.revertedWithCustomError(registry, "InvalidSignature")
        .withArgs(await alice.getAddress());
    });

    it("refuses a signature after its deadline: SignatureExpired", async function () {
      const signed = await signedFor(alice, "late");
      await time.setNextBlockTimestamp(signed.request.deadline + 1n);
      await expect(f.as(mallory).registry.registerBySig(signed.request, signed.signature))
        .to.be.revertedWithCustomError(registry, "SignatureExpired")
        .withArgs(signed.request.deadline, signed.request.deadline + 1n);
    });

    /** Alice signs a registration under a domain other than this registry's, and commits it. */
    async function signedUnderDomain(label: string, domain: { chainId: bigint; verifyingContract: string }) {
      const hash = id(label);
      const request = {
        contributor: await alice.getAddress(),
        datanetId: 1n,
        contentHashes: [hash],
        uris: ["u"],
        salt: ZERO_SALT,
        deadline: await deadline(),
      };
      const signature = await alice.signTypedData(
        { name: "Tributary ContributionRegistry", version: "1", ...domain },
        REGISTRATION_TYPES,
        { ...request, nonce: 0n },
      );
      await registry.commit(computeCommitment(request.contributor, 1n, [hash], ZERO_SALT));
      await ageCommitment(f);
      return { request, signature };
    }

    it("refuses a signature for another chain id", async function () {
      const { request, signature } = await signedUnderDomain("other-chain", {
        chainId: 1n,
        verifyingContract: f.deployment.registry,
      });
      await expect(f.as(mallory).registry.registerBySig(request, signature))
        .to.be.revertedWithCustomError(registry, "InvalidSignature")
        .withArgs(request.contributor);
    });

    it("refuses a signature made for another deployment", async function () {
      const other = await new ContributionRegistry__factory(f.cast.admin).deploy(
        f.deployment.staking,
        await f.cast.admin.getAddress(),
        VOTING_PERIOD,
        MIN_AGE,
        MAX_AGE,
      );
      const { request, signature } = await signedUnderDomain("other-deployment", {
        chainId: (await ethers.provider.getNetwork()).chainId,
        verifyingContract: await other.getAddress(),
      });
      await expect(f.as(mallory).registry.registerBySig(request, signature))
        .to.be.revertedWithCustomError(registry, "InvalidSignature")
        .withArgs(request.contributor);
    });

    it("refuses a signature with a stale nonce", async function () {
      const first = await signedFor(alice, "n0");
      const stale = await signedFor(alice, "n1"); // also signed with nonce 0
      await f.as(mallory).registry.registerBySig(first.request, first.signature);
      expect(stale.nonce).to.equal(0n);
      await expect(f.as(mallory).registry.registerBySig(stale.request, stale.signature))
        .to.be.revertedWithCustomError(registry, "InvalidSignature")
        .withArgs(await alice.getAddress());
    });

    it("accepts an ERC-1271 contract wallet's signature", async function () {
      const wallet = await new MockERC1271Wallet__factory(alice).deploy(await alice.getAddress());
      const walletAddress = await wallet.getAddress();
      const signed = await signRegistrationFor(f.tributary, {
        signer: alice,
        contributor: walletAddress,
        datanetId: 1n,
        contentHashes: [id("wallet")],
        uris: ["u"],
        salt: ZERO_SALT,
        deadline: await deadline(),
      });
      await registry.commit(computeCommitment(walletAddress, 1n, [id("wallet")], ZERO_SALT));
      await ageCommitment(f);
      await expect(f.as(mallory).registry.registerBySig(signed.request, signed.signature))
        .to.emit(registry, "ContributionRegistered")
        .withArgs(1, walletAddress, 1, id("wallet"), "u");
    });
  });

  describe("withdrawContribution", function () {
    it("the contributor withdraws a Pending contribution", async function () {
      const cid = await registerOne(f, alice, "w");
      const cidHash = id("w");
      const sentAt = (await now()) + 10n;
      await expect(sendAt(f, sentAt, () => f.as(alice).registry.withdrawContribution(cidHash)))
        .to.emit(registry, "ContributionWithdrawn")
        .withArgs(cid, await alice.getAddress(), await registry.epochAt(sentAt));
      expect((await registry.contributionOf(cidHash)).status).to.equal(Status.Withdrawn);
      await expect(f.as(alice).registry.withdrawContribution(cidHash))
        .to.be.revertedWithCustomError(registry, "ContributionNotPending")
        .withArgs(cid, Status.Withdrawn);
    });

    it("refuses others (NotContributor) and unknown ids (ContributionNotFound)", async function () {
      const cid = await registerOne(f, alice, "w2");
      const cidHash = id("w2");
      await expect(f.as(mallory).registry.withdrawContribution(cidHash))
        .to.be.revertedWithCustomError(registry, "NotContributor")
        .withArgs(cid, await mallory.getAddress(), await alice.getAddress());
      await expect(f.as(alice).registry.withdrawContribution(id("unknown")))
        .to.be.revertedWithCustomError(registry, "ContributionNotFound")
        .withArgs(id("unknown"));
    });

    it("refuses a contribution whose window closed: ContributionNotPending(Expired)", async function () {
      const cid = await registerOne(f, alice, "w3");
      const hash = id("w3");
      await expect(
        sendAt(f, (await registeredAt(hash)) + VOTING_PERIOD, () => f.as(alice).registry.withdrawContribution(hash)),
      )
        .to.be.revertedWithCustomError(registry, "ContributionNotPending")
        .withArgs(cid, Status.Expired);
    });
  });

  describe("vote", function () {
    it("weights votes by snapshot stake and accepts at quorum, setting the Accepted bit", async function () {
      const cid = await registerOne(f, alice, "v");
      const cidHash = id("v");
      const [v1, v2, v3] = f.validators as [Signer, Signer, Signer];
      expect([...(await registry.tallies(cid))]).to.deep.equal([0n, 0n]);
      await expect(f.as(v1).registry.vote(cidHash, true))
        .to.emit(registry, "VoteCast")
        .withArgs(cid, await v1.getAddress(), true, TOKEN(1000), 0);
      // The first vote fixes the quorum: each side still needs the rest of it.
      expect([...(await registry.tallies(cid))]).to.deep.equal([QUORUM - TOKEN(1000), QUORUM]);
      await f.as(v2).registry.vote(cidHash, true);
      expect((await registry.contributionOf(cidHash)).status).to.equal(Status.Pending);
      expect((await registry.tallies(cid)).acceptNeeded).to.equal(QUORUM - TOKEN(1800));
      await expect(f.as(v3).registry.vote(cidHash, true))
        .to.emit(registry, "ContributionDecided")
        .withArgs(cid, Status.Accepted, 0);
      expect(await registry.isAccepted(cid)).to.equal(true);
      expect(await registry.acceptedWord(0)).to.equal(1n << cid);
      expect([...(await registry.tallies(cid))]).to.deep.equal([0n, QUORUM]);
      expect(await registry.hasVoted(cid, await v1.getAddress())).to.equal(true);
    });

    it("rejects at quorum of rejecting stake", async function () {
      const cid = await registerOne(f, alice, "r");
      const cidHash = id("r");
      for (const v of f.validators.slice(0, 2)) await f.as(v).registry.vote(cidHash, false);
      await expect(f.as(f.validators[2]!).registry.vote(cidHash, false))
        .to.emit(registry, "ContributionDecided")
        .withArgs(cid, Status.Rejected, 0);
      expect(await registry.isAccepted(cid)).to.equal(false);
      await expect(f.as(f.validators[3]!).registry.vote(cidHash, true))
        .to.be.revertedWithCustomError(registry, "ContributionNotPending")
        .withArgs(cid, Status.Rejected);
    });

    it("refuses a second vote (AlreadyVoted), a self-vote (SelfVote) and accounts without stake (NoVotingPower)", async function () {
      const cid = await registerOne(f, alice, "x");
      const cidHash = id("x");
      const v1 = f.validators[0]!;
      await f.as(v1).registry.vote(cidHash, true);
      await expect(f.as(v1).registry.vote(cidHash, true))
        .to.be.revertedWithCustomError(registry, "AlreadyVoted")
        .withArgs(cid, await v1.getAddress());
      await expect(f.as(mallory).registry.vote(cidHash, true))
        .to.be.revertedWithCustomError(registry, "NoVotingPower")
        .withArgs(await mallory.getAddress(), (await registeredAt(cidHash)) - 1n);
      const own = await registerOne(f, v1, "own");
      const ownHash = id("own");
      await expect(f.as(v1).registry.vote(ownHash, true))
        .to.be.revertedWithCustomError(registry, "SelfVote")
        .withArgs(own, await v1.getAddress());
      await expect(f.as(v1).registry.vote(id("unknown"), true))
        .to.be.revertedWithCustomError(registry, "ContributionNotFound")
        .withArgs(id("unknown"));
    });

    it("refuses votes while paused", async function () {
      await registerOne(f, alice, "pp");
      const cidHash = id("pp");
      await registry.pause();
      await expect(f.as(f.validators[0]!).registry.vote(cidHash, true)).to.be.revertedWithCustomError(
        registry,
        "EnforcedPause",
      );
    });

    it("accepted contributions feed the Accepted bitmap the ledger reads", async function () {
      const cid = await acceptedContribution(f, alice, "acc");
      expect(await registry.isAccepted(cid)).to.equal(true);
    });

    it("records an Accepted contribution's datanet, eight 32-bit ids per word, for the ledger's pool checks", async function () {
      await f.as(f.cast.curator).registry.createDatanet("ipfs://second");
      const first = await acceptedContribution(f, alice, "in-one");
      const second = await acceptedContribution(f, alice, "in-two", 2n);
      const pending = await registerOne(f, alice, "pending", 2n);
      const rejected = await registerOne(f, alice, "rejected", 2n);
      for (const v of f.validators.slice(0, 3)) await f.as(v).registry.vote(id("rejected"), false);
      expect(await registry.acceptedDatanetOf(first)).to.equal(1n);
      expect(await registry.acceptedDatanetOf(second)).to.equal(2n);
      // Only Accepted contributions have one: zero otherwise, as for ids never registered.
      expect(await registry.acceptedDatanetOf(pending)).to.equal(0n);
      expect(await registry.acceptedDatanetOf(rejected)).to.equal(0n);
      expect(await registry.acceptedDatanetOf(999n)).to.equal(0n);
      const word = (cid: bigint) => registry.acceptedDatanetWord(cid >> 3n);
      const slot = async (cid: bigint) => ((await word(cid)) >> ((cid & 7n) * 32n)) & 0xffff_ffffn;
      expect(await slot(first)).to.equal(1n);
      expect(await slot(second)).to.equal(2n);
      expect(await slot(pending)).to.equal(0n);
      expect([first, second, pending, rejected].map((cid) => cid >> 3n)).to.deep.equal([0n, 0n, 0n, 0n]);
      expect(await word(first)).to.equal((1n << (first * 32n)) | (2n << (second * 32n)));
    });
  });

  describe("voting window and expiry", function () {
    it("takes votes until registeredAt + VOTING_PERIOD, to the second, then refuses: VotingClosed", async function () {
      expect(await registry.VOTING_PERIOD()).to.equal(VOTING_PERIOD);
      const cid = await registerOne(f, alice, "window");
      const hash = id("window");
      const closesAt = (await registeredAt(hash)) + VOTING_PERIOD;
      await expect(sendAt(f, closesAt - 1n, () => f.as(f.validators[0]!).registry.vote(hash, true))).to.emit(
        registry,
        "VoteCast",
      );
      await expect(sendAt(f, closesAt, () => f.as(f.validators[1]!).registry.vote(hash, true)))
        .to.be.revertedWithCustomError(registry, "VotingClosed")
        .withArgs(cid, closesAt);
    });

    it("statusOf reports Expired once the window closes; expire() records it and emits ContributionExpired", async function () {
      const cid = await registerOne(f, alice, "lapse");
      const hash = id("lapse");
      const closesAt = (await registeredAt(hash)) + VOTING_PERIOD;
      await expect(sendAt(f, closesAt - 1n, () => f.as(mallory).registry.expire(hash)))
        .to.be.revertedWithCustomError(registry, "VotingStillOpen")
        .withArgs(cid, closesAt);
      await time.increaseTo(closesAt - 1n);
      expect(await registry.statusOf(hash)).to.equal(Status.Pending);
      await time.increaseTo(closesAt);
      expect(await registry.statusOf(hash)).to.equal(Status.Expired);
      expect((await registry.contributionOf(hash)).status).to.equal(Status.Pending);

      // Anyone may record it.
      const sentAt = closesAt + 10n;
      await expect(sendAt(f, sentAt, () => f.as(mallory).registry.expire(hash)))
        .to.emit(registry, "ContributionExpired")
        .withArgs(cid, await registry.epochAt(sentAt));
      expect((await registry.contributionOf(hash)).status).to.equal(Status.Expired);
      await expect(f.as(mallory).registry.expire(hash))
        .to.be.revertedWithCustomError(registry, "ContributionNotPending")
        .withArgs(cid, Status.Expired);
      await expect(f.as(f.validators[0]!).registry.vote(hash, true))
        .to.be.revertedWithCustomError(registry, "ContributionNotPending")
        .withArgs(cid, Status.Expired);
    });

    it("expire refuses decided, withdrawn and unknown contributions", async function () {
      const accepted = await acceptedContribution(f, alice, "decided");
      const withdrawn = await registerOne(f, alice, "gone");
      await f.as(alice).registry.withdrawContribution(id("gone"));
      await time.increase(VOTING_PERIOD);
      await expect(registry.expire(id("decided")))
        .to.be.revertedWithCustomError(registry, "ContributionNotPending")
        .withArgs(accepted, Status.Accepted);
      await expect(registry.expire(id("gone")))
        .to.be.revertedWithCustomError(registry, "ContributionNotPending")
        .withArgs(withdrawn, Status.Withdrawn);
      await expect(registry.expire(id("unknown")))
        .to.be.revertedWithCustomError(registry, "ContributionNotFound")
        .withArgs(id("unknown"));
    });

    it("expire works while paused: it only records what time decided", async function () {
      const cid = await registerOne(f, alice, "paused-lapse");
      await time.increase(VOTING_PERIOD);
      await registry.pause();
      const sentAt = (await now()) + 10n;
      await expect(sendAt(f, sentAt, () => registry.expire(id("paused-lapse"))))
        .to.emit(registry, "ContributionExpired")
        .withArgs(cid, await registry.epochAt(sentAt));
    });
  });

  describe("snapshot voting", function () {
    it("stake bonded after the contribution opened has no power on it: NoVotingPower", async function () {
      const newcomer = (await ethers.getSigners())[15]!;
      await registerOne(f, alice, "before-stake");
      const hash = id("before-stake");
      await stakeFor(f, newcomer, TOKEN(500));
      await expect(f.as(newcomer).registry.vote(hash, true))
        .to.be.revertedWithCustomError(registry, "NoVotingPower")
        .withArgs(newcomer.address, (await registeredAt(hash)) - 1n);
      // The same stake votes on a contribution registered after it.
      const later = await registerOne(f, alice, "after-stake");
      await expect(f.as(newcomer).registry.vote(id("after-stake"), true))
        .to.emit(registry, "VoteCast")
        .withArgs(later, newcomer.address, true, TOKEN(500), 0);
    });

    it("stake bonded the second before registration counts; in the registration's own block it does not", async function () {
      const signers = await ethers.getSigners();
      const [early, sameBlock] = [signers[15]!, signers[16]!];
      const hash = id("boundary");
      await commitFor(f, alice, hash);
      await ageCommitment(f);
      await fundStake(f, early, TOKEN(100));
      await fundStake(f, sameBlock, TOKEN(100));
      const openedAt = (await now()) + 10n;
      await sendAt(f, openedAt - 1n, () => f.as(early).staking.stake(TOKEN(100)));
      await ethers.provider.send("evm_setAutomine", [false]);
      let stakeTx, registerTx;
      try {
        stakeTx = await f.as(sameBlock).staking.stake(TOKEN(100), { gasLimit: 300_000 });
        registerTx = await f.as(alice).registry.register(1, hash, "u", ZERO_SALT, { gasLimit: 300_000 });
        await time.setNextBlockTimestamp(openedAt);
        await networkHelpers.mine();
      } finally {
        await ethers.provider.send("evm_setAutomine", [true]);
      }
      expect((await stakeTx.wait())!.blockNumber).to.equal((await registerTx.wait())!.blockNumber);
      expect(await registeredAt(hash)).to.equal(openedAt);
      await expect(f.as(early).registry.vote(hash, true))
        .to.emit(registry, "VoteCast")
        .withArgs(1, await early.getAddress(), true, TOKEN(100), 0);
      await expect(f.as(sameBlock).registry.vote(hash, true))
        .to.be.revertedWithCustomError(registry, "NoVotingPower")
        .withArgs(await sameBlock.getAddress(), openedAt - 1n);
    });

    it("VoteCast carries the snapshot stake, not the stake at the time of the vote", async function () {
      const cid = await registerOne(f, alice, "snapshot-stake");
      const hash = id("snapshot-stake");
      const [v1, v2] = f.validators as [Signer, Signer];
      await stakeFor(f, v1, TOKEN(500));
      await f.as(v2).staking.requestUnstake(TOKEN(300));
      await expect(f.as(v1).registry.vote(hash, true))
        .to.emit(registry, "VoteCast")
        .withArgs(cid, await v1.getAddress(), true, TOKEN(1000), 0);
      await expect(f.as(v2).registry.vote(hash, true))
        .to.emit(registry, "VoteCast")
        .withArgs(cid, await v2.getAddress(), true, TOKEN(800), 0);
      // The quorum is the snapshot's too: 66.67 % of 2800, not of the 3000 bonded now.
      expect((await registry.tallies(cid)).acceptNeeded).to.equal(QUORUM - TOKEN(1800));
    });

    it("attack: a validator with 40 % votes and unstakes, a small second validator votes; the contribution stays Pending", async function () {
      const [v1, v2, , v4] = f.validators as [Signer, Signer, Signer, Signer];
      await stakeFor(f, v1, TOKEN(200)); // 1200 of 3000 bonded: 40 %
      const cid = await registerOne(f, alice, "unstake-attack");
      const hash = id("unstake-attack");
      const quorum = TOKEN("2000.1"); // 66.67 % of 3000
      await f.as(v1).registry.vote(hash, true);
      await f.as(v1).staking.requestUnstake(TOKEN(1200));
      // Measured against what is bonded now, 1200 + 400 would be a quorum...
      expect(await f.tributary.staking.quorumStake()).to.be.lessThan(TOKEN(1600));
      // ...but the quorum was fixed at the snapshot and does not shrink.
      const tx = f.as(v4).registry.vote(hash, true);
      await expect(tx)
        .to.emit(registry, "VoteCast")
        .withArgs(cid, await v4.getAddress(), true, TOKEN(400), 0);
      await expect(tx).not.to.emit(registry, "ContributionDecided");
      expect(await registry.statusOf(hash)).to.equal(Status.Pending);
      expect((await registry.tallies(cid)).acceptNeeded).to.equal(quorum - TOKEN(1600));
      await expect(f.as(v2).registry.vote(hash, true))
        .to.emit(registry, "ContributionDecided")
        .withArgs(cid, Status.Accepted, 0);
    });

    it("attack: stake unbonding at the snapshot, withdrawn and restaked from a new address, has no power on the open contribution", async function () {
      const v1 = f.validators[0]!;
      const recycled = (await ethers.getSigners())[15]!;
      // Unbonding starts before the contribution opens, so it can finish while the vote is still open.
      await f.as(v1).staking.requestUnstake(TOKEN(900));
      const releaseAt = (await f.tributary.staking.validators(await v1.getAddress())).unbondingReleaseAt;
      await time.increaseTo(releaseAt - 2n * DAY);
      const cid = await registerOne(f, alice, "recycle-attack");
      const hash = id("recycle-attack");
      const snapshot = (await registeredAt(hash)) - 1n;
      expect(snapshot + 1n + VOTING_PERIOD).to.be.greaterThan(releaseAt);
      const votedAt = (await now()) + 10n;
      await expect(sendAt(f, votedAt, () => f.as(v1).registry.vote(hash, true)))
        .to.emit(registry, "VoteCast")
        .withArgs(cid, await v1.getAddress(), true, TOKEN(100), await registry.epochAt(votedAt));

      await time.increaseTo(releaseAt);
      await f.as(v1).staking.withdraw();
      await f.stakeToken.connect(v1).transfer(recycled.address, TOKEN(900));
      await f.stakeToken.connect(recycled).approve(f.deployment.staking, TOKEN(900));
      await f.as(recycled).staking.stake(TOKEN(900));
      expect(await registry.statusOf(hash)).to.equal(Status.Pending);
      await expect(f.as(recycled).registry.vote(hash, true))
        .to.be.revertedWithCustomError(registry, "NoVotingPower")
        .withArgs(recycled.address, snapshot);
    });

    it("stake that voted cannot be withdrawn before the contribution's window closes", async function () {
      const v1 = f.validators[0]!;
      const address = await v1.getAddress();
      await registerOne(f, alice, "locked");
      const hash = id("locked");
      await f.as(v1).registry.vote(hash, true);
      await f.as(v1).staking.requestUnstake(TOKEN(1000));
      const releaseAt = (await f.tributary.staking.validators(address)).unbondingReleaseAt;
      const closesAt = (await registeredAt(hash)) + VOTING_PERIOD;
      await expect(sendAt(f, closesAt - 1n, () => f.as(v1).staking.withdraw()))
        .to.be.revertedWithCustomError(f.tributary.staking, "UnbondingNotFinished")
        .withArgs(address, releaseAt, closesAt - 1n);
    });
  });

  describe("governance", function () {
    it("setCommitmentAges enforces both bounds with ParameterOutOfBounds and emits CommitmentAgesSet", async function () {
      const minAge = ethers.encodeBytes32String("commitmentMinAge");
      const maxAge = ethers.encodeBytes32String("commitmentMaxAge");
      const cases: [bigint, bigint, string, bigint, bigint, bigint][] = [
        [11n, 7_200n, minAge, 11n, 12n, 3_600n],
        [3_601n, 7_200n, minAge, 3_601n, 12n, 3_600n],
        [60n, 7_199n, maxAge, 7_199n, 7_200n, 30n * DAY],
        [60n, 30n * DAY + 1n, maxAge, 30n * DAY + 1n, 7_200n, 30n * DAY],
      ];
      for (const [min, max, parameter, value, lower, upper] of cases) {
        await expect(registry.setCommitmentAges(min, max))
          .to.be.revertedWithCustomError(registry, "ParameterOutOfBounds")
          .withArgs(parameter, value, lower, upper);
      }
      await expect(registry.setCommitmentAges(12, 7_200)).to.emit(registry, "CommitmentAgesSet").withArgs(12, 7_200);
      expect([await registry.commitmentMinAge(), await registry.commitmentMaxAge()]).to.deep.equal([12n, 7_200n]);
      await expect(registry.setCommitmentAges(3_600, 30n * DAY))
        .to.emit(registry, "CommitmentAgesSet")
        .withArgs(3_600, 30n * DAY);
      await expect(f.as(mallory).registry.setCommitmentAges(60, 7_200))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(await mallory.getAddress(), ethers.ZeroHash);
    });
  });
});

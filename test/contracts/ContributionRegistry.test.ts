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
import { acceptedContribution, deployFixture, registerOne, ZERO_SALT, type Fixture } from "../helpers/fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
async function deployed() {
  return deployFixture(connection);
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

  async function deadline(secondsFromNow = 3_600) {
    return BigInt(await networkHelpers.time.latest()) + BigInt(secondsFromNow);
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
  });

  describe("commit and register", function () {
    it("registers after a commitment at least one block old, with sequential ids and the URI in the event", async function () {
      const hash = id("work-1");
      const commitment = computeCommitment(await alice.getAddress(), 1n, [hash], ZERO_SALT);
      expect(await registry.commitmentOf(await alice.getAddress(), 1, [hash], ZERO_SALT)).to.equal(commitment);
      await expect(f.as(mallory).registry.commit(commitment)).to.emit(registry, "RegistrationCommitted");
      await expect(f.as(alice).registry.register(1, hash, "ipfs://work-1", ZERO_SALT))
        .to.emit(registry, "ContributionRegistered")
        .withArgs(1, await alice.getAddress(), 1, hash, "ipfs://work-1");
      expect(await registry.contributionIdOf(hash)).to.equal(1);
      const c = await registry.contributionOf(hash);
      expect(c.contributor).to.equal(await alice.getAddress());
      expect(c.status).to.equal(1);
      expect(await registry.contributionCount()).to.equal(1);
      expect(await registry.commitments(commitment)).to.equal(0);
    });

    it("refuses zero and duplicate commitments", async function () {
      await expect(registry.commit(ethers.ZeroHash)).to.be.revertedWithCustomError(registry, "CommitmentZero");
      const c = id("c");
      await registry.commit(c);
      const block = await ethers.provider.getBlockNumber();
      await expect(registry.commit(c))
        .to.be.revertedWithCustomError(registry, "CommitmentAlreadyPosted")
        .withArgs(c, block);
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
      const block = (await ethers.provider.getBlockNumber()) + 1;
      await expect(probe.commitAndReveal(f.deployment.registry, 1, hash))
        .to.be.revertedWithCustomError(registry, "CommitmentTooNew")
        .withArgs(commitment, block, block);
    });

    it("refuses a stale commitment: CommitmentExpired", async function () {
      const hash = id("old");
      const commitment = computeCommitment(await alice.getAddress(), 1n, [hash], ZERO_SALT);
      await registry.commit(commitment);
      const committedAt = await ethers.provider.getBlockNumber();
      await networkHelpers.mine(7_201);
      await expect(f.as(alice).registry.register(1, hash, "u", ZERO_SALT))
        .to.be.revertedWithCustomError(registry, "CommitmentExpired")
        .withArgs(commitment, committedAt, 7_200);
    });

    it("refuses a content hash registered before: ContentAlreadyRegistered", async function () {
      await registerOne(f, alice, "dup");
      const hash = id("dup");
      await registry.commit(computeCommitment(await mallory.getAddress(), 1n, [hash], ZERO_SALT));
      await expect(f.as(mallory).registry.register(1, hash, "u", ZERO_SALT))
        .to.be.revertedWithCustomError(registry, "ContentAlreadyRegistered")
        .withArgs(hash, 1);
    });

    it("refuses a zero content hash, an unknown or a closed datanet", async function () {
      const zero = ethers.ZeroHash;
      await registry.commit(computeCommitment(await alice.getAddress(), 1n, [zero], ZERO_SALT));
      await expect(f.as(alice).registry.register(1, zero, "u", ZERO_SALT))
        .to.be.revertedWithCustomError(registry, "ContentHashZero")
        .withArgs(0);
      const hash = id("nowhere");
      await registry.commit(computeCommitment(await alice.getAddress(), 7n, [hash], ZERO_SALT));
      await expect(f.as(alice).registry.register(7, hash, "u", ZERO_SALT))
        .to.be.revertedWithCustomError(registry, "DatanetNotFound")
        .withArgs(7);
      await f.as(f.cast.curator).registry.closeDatanet(1);
      await registry.commit(computeCommitment(await alice.getAddress(), 1n, [hash], ZERO_SALT));
      await expect(f.as(alice).registry.register(1, hash, "u", ZERO_SALT))
        .to.be.revertedWithCustomError(registry, "DatanetIsClosed")
        .withArgs(1);
    });

    it("registers a batch under one commitment; refuses empty, oversized and mismatched batches", async function () {
      const hashes = [id("b1"), id("b2"), id("b3")];
      const a = await alice.getAddress();
      await registry.commit(computeCommitment(a, 1n, hashes, ZERO_SALT));
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
      await registry.commit(computeCommitment(await alice.getAddress(), 1n, [hash], ZERO_SALT));
      await registry.pause();
      await registry.commit(id("harmless"));
      await expect(f.as(alice).registry.register(1, hash, "u", ZERO_SALT)).to.be.revertedWithCustomError(
        registry,
        "EnforcedPause",
      );
      await expect(registry.createDatanet("x")).to.be.revertedWithCustomError(registry, "EnforcedPause");
      await registry.unpause();
      await expect(f.as(alice).registry.register(1, hash, "u", ZERO_SALT)).to.emit(registry, "ContributionRegistered");
    });
  });

  describe("front-running", function () {
    it("an attacker who copies the content hash from a pending reveal cannot take it", async function () {
      const hash = id("valuable-dataset");
      await registry.commit(computeCommitment(await alice.getAddress(), 1n, [hash], ZERO_SALT));
      // Alice's reveal is in the mempool; Mallory copies its hash and reuses Alice's commitment.
      await expect(f.as(mallory).registry.register(1, hash, "stolen", ZERO_SALT))
        .to.be.revertedWithCustomError(registry, "CommitmentNotFound")
        .withArgs(computeCommitment(await mallory.getAddress(), 1n, [hash], ZERO_SALT));
      // Mallory's own fresh commitment is too new to reveal before Alice's reveal lands.
      await ethers.provider.send("evm_setAutomine", [false]);
      try {
        await f.as(mallory).registry.commit(computeCommitment(await mallory.getAddress(), 1n, [hash], ZERO_SALT));
        const theirs = await f.as(mallory).registry.register(1, hash, "stolen", ZERO_SALT, { gasLimit: 500_000 });
        const ours = await f.as(alice).registry.register(1, hash, "ipfs://mine", ZERO_SALT, { gasLimit: 500_000 });
        await networkHelpers.mine();
        expect(
          await theirs.wait().then(
            () => "mined",
            (error: Error) => error.message,
          ),
        ).to.match(/revert/i);
        expect((await ours.wait())!.status).to.equal(1);
      } finally {
        await ethers.provider.send("evm_setAutomine", [true]);
      }
      expect((await registry.contributionOf(hash)).contributor).to.equal(await alice.getAddress());
      // Later, Mallory's commitment is old enough, but the hash is taken.
      await expect(f.as(mallory).registry.register(1, hash, "stolen", ZERO_SALT))
        .to.be.revertedWithCustomError(registry, "ContentAlreadyRegistered")
        .withArgs(hash, 1);
    });

    it("a commitment copied and posted first by someone else still registers for its contributor", async function () {
      const hash = id("copied-commitment");
      const salt = id("alice-salt");
      await f.as(mallory).registry.commit(computeCommitment(await alice.getAddress(), 1n, [hash], salt));
      const result = await register(f.as(alice), { datanetId: 1n, contentHash: hash, uri: "ipfs://mine", salt });
      expect(result.commitTransaction).to.equal("");
      expect((await registry.contributionOf(hash)).contributor).to.equal(await alice.getAddress());
    });

    it("a relayed signature cannot be redirected to the relayer", async function () {
      const signed = await signRegistration(f.tributary, alice, {
        datanetId: 1n,
        contentHashes: [id("relayed")],
        uris: ["u"],
        salt: ZERO_SALT,
        deadline: await deadline(),
      });
      await registry.commit(computeCommitment(await alice.getAddress(), 1n, [id("relayed")], ZERO_SALT));
      const forged = { ...signed.request, contributor: await mallory.getAddress() };
      await expect(f.as(mallory).registry.registerBySig(forged, signed.signature))
        .to.be.revertedWithCustomError(registry, "InvalidSignature")
        .withArgs(await mallory.getAddress());
    });
  });

  describe("registerBySig", function () {
    async function signedFor(signer: Signer, label: string): Promise<SignedRegistration> {
      const s = await signRegistration(f.tributary, signer, {
        datanetId: 1n,
        contentHashes: [id(label)],
        uris: [`ipfs://${label}`],
        salt: ZERO_SALT,
        deadline: await deadline(),
      });
      await registry.commit(computeCommitment(await signer.getAddress(), 1n, [id(label)], ZERO_SALT));
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

    it("refuses the same signature twice (the nonce moved on)", async function () {
      const signed = await signedFor(alice, "once");
      await f.as(mallory).registry.registerBySig(signed.request, signed.signature);
      await registry.commit(computeCommitment(await alice.getAddress(), 1n, [id("once")], ZERO_SALT));
      await expect(f.as(mallory).registry.registerBySig(signed.request, signed.signature))
        .to.be.revertedWithCustomError(registry, "InvalidSignature")
        .withArgs(await alice.getAddress());
    });

    it("refuses a signature after its deadline: SignatureExpired", async function () {
      const signed = await signedFor(alice, "late");
      await networkHelpers.time.setNextBlockTimestamp(signed.request.deadline + 1n);
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
        100,
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
      const signed = await signRegistrationFor(f.tributary, alice, walletAddress, {
        datanetId: 1n,
        contentHashes: [id("wallet")],
        uris: ["u"],
        salt: ZERO_SALT,
        deadline: await deadline(),
      });
      await registry.commit(computeCommitment(walletAddress, 1n, [id("wallet")], ZERO_SALT));
      await expect(f.as(mallory).registry.registerBySig(signed.request, signed.signature))
        .to.emit(registry, "ContributionRegistered")
        .withArgs(1, walletAddress, 1, id("wallet"), "u");
    });
  });

  describe("withdrawContribution", function () {
    it("the contributor withdraws a Pending contribution", async function () {
      const cid = await registerOne(f, alice, "w");
      const cidHash = id("w");
      await expect(f.as(alice).registry.withdrawContribution(cidHash)).to.emit(registry, "ContributionWithdrawn");
      expect((await registry.contributionOf(cidHash)).status).to.equal(4);
      await expect(f.as(alice).registry.withdrawContribution(cidHash))
        .to.be.revertedWithCustomError(registry, "ContributionNotPending")
        .withArgs(cid, 4);
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
  });

  describe("vote", function () {
    it("weights votes by active stake and accepts at quorum, setting the Accepted bit", async function () {
      const cid = await registerOne(f, alice, "v");
      const cidHash = id("v");
      const [v1, v2, v3] = f.validators as [Signer, Signer, Signer];
      await expect(f.as(v1).registry.vote(cidHash, true))
        .to.emit(registry, "VoteCast")
        .withArgs(cid, await v1.getAddress(), true, ethers.parseEther("1000"), 0);
      await f.as(v2).registry.vote(cidHash, true);
      expect((await registry.contributionOf(cidHash)).status).to.equal(1);
      await expect(f.as(v3).registry.vote(cidHash, true)).to.emit(registry, "ContributionDecided").withArgs(cid, 2, 0);
      expect(await registry.isAccepted(cid)).to.equal(true);
      expect(await registry.acceptedWord(0)).to.equal(1n << cid);
      expect((await registry.tallies(cid)).acceptStake).to.equal(ethers.parseEther("2400"));
      expect(await registry.hasVoted(cid, await v1.getAddress())).to.equal(true);
    });

    it("rejects at quorum of rejecting stake", async function () {
      const cid = await registerOne(f, alice, "r");
      const cidHash = id("r");
      for (const v of f.validators.slice(0, 2)) await f.as(v).registry.vote(cidHash, false);
      await expect(f.as(f.validators[2]!).registry.vote(cidHash, false))
        .to.emit(registry, "ContributionDecided")
        .withArgs(cid, 3, 0);
      expect(await registry.isAccepted(cid)).to.equal(false);
      await expect(f.as(f.validators[3]!).registry.vote(cidHash, true))
        .to.be.revertedWithCustomError(registry, "ContributionNotPending")
        .withArgs(cid, 3);
    });

    it("refuses a second vote (AlreadyVoted), a self-vote (SelfVote) and non-validators (NotActiveValidator)", async function () {
      const cid = await registerOne(f, alice, "x");
      const cidHash = id("x");
      const v1 = f.validators[0]!;
      await f.as(v1).registry.vote(cidHash, true);
      await expect(f.as(v1).registry.vote(cidHash, true))
        .to.be.revertedWithCustomError(registry, "AlreadyVoted")
        .withArgs(cid, await v1.getAddress());
      await expect(f.as(mallory).registry.vote(cidHash, true))
        .to.be.revertedWithCustomError(registry, "NotActiveValidator")
        .withArgs(await mallory.getAddress());
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
  });

  describe("governance", function () {
    it("setCommitmentMaxAge is bounded and emits", async function () {
      await expect(registry.setCommitmentMaxAge(9))
        .to.be.revertedWithCustomError(registry, "ParameterOutOfBounds")
        .withArgs(ethers.encodeBytes32String("commitmentMaxAge"), 9, 10, 1_000_000);
      await expect(registry.setCommitmentMaxAge(100)).to.emit(registry, "CommitmentMaxAgeSet").withArgs(100);
      await expect(f.as(mallory).registry.setCommitmentMaxAge(100)).to.be.revertedWithCustomError(
        registry,
        "AccessControlUnauthorizedAccount",
      );
    });
  });
});

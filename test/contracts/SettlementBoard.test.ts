import { expect } from "chai";
import { network } from "hardhat";
import { id, keccak256, toUtf8Bytes, type Signer } from "ethers";
import {
  collectPublishedSignatures,
  connectSettlementBoard,
  connectTributary,
  ContractRevertError,
  findPublishedEquivocations,
  InvalidInputError,
  publishSettlementSignature,
  readPublishedSignatures,
  settlementData,
  submitCollected,
  withRunner,
  type PublishedSettlement,
  type TributaryContracts,
} from "../../client/index.js";
import { SettlementBoard__factory, type SettlementBoard } from "../../typechain-types/index.js";
import { deployFixture, TOKEN, type Fixture } from "../helpers/fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const DAY = 86_400n;

describe("SettlementBoard: signatures meet on chain", function () {
  let f: Fixture;
  let board: SettlementBoard;
  let v: Signer[];
  /** A node with no key at all: it reads through the provider only. */
  let keyless: TributaryContracts;
  let keylessBoard: SettlementBoard;
  /** Two collectors with an account for gas and no stake. */
  let collectors: Signer[];
  let deadline: bigint;

  /** The settlement of epoch 0 that validators 1-3 agree on, and another one that only validator 4 signs. */
  const agreed = (): Omit<PublishedSettlement, "dataUriHash"> => ({
    epoch: 0n,
    root: id("epoch 0"),
    cumulativeTotals: [0n],
    dataUri: "ipfs://settlement-0",
    deadline,
  });
  const other = (): Omit<PublishedSettlement, "dataUriHash"> => ({ ...agreed(), root: id("another epoch 0") });

  /** Each validator signs and publishes from its own account. */
  async function publish(validator: Signer, settlement: Omit<PublishedSettlement, "dataUriHash">) {
    return publishSettlementSignature(f.as(validator), board.connect(validator), validator, settlement);
  }
  const address = (s: Signer) => s.getAddress();

  beforeEach(async function () {
    f = await deployFixture(connection);
    v = f.validators;
    board = await new SettlementBoard__factory(f.cast.admin).deploy(f.deployment.distributor);
    await board.waitForDeployment();
    keyless = connectTributary(f.deployment, ethers.provider);
    keylessBoard = connectSettlementBoard(await board.getAddress(), ethers.provider);
    collectors = f.contributors.slice(0, 2);
    // Epoch 0 has closed.
    await networkHelpers.time.increaseTo((await f.tributary.distributor.GENESIS()) + DAY + 10n);
    deadline = BigInt(await networkHelpers.time.latest()) + DAY;
  });

  it("a keyless collector groups published signatures by digest and sees quorum once signed stake reaches it", async function () {
    await publish(v[0]!, agreed());
    await publish(v[1]!, agreed());
    await publish(v[3]!, other());
    // Relayed again by someone else: counted once.
    const [first] = await readPublishedSignatures(keyless, keylessBoard, 0n);
    await board
      .connect(collectors[0]!)
      .publish(0n, first!.settlement.root, [0n], first!.settlement.dataUri, deadline, first!.signature);

    let groups = await collectPublishedSignatures(keyless, keylessBoard, 0n);
    expect(groups).to.have.length(2);
    const quorum = await f.tributary.staking.quorumStake();
    expect(groups[0]!.settlement.root).to.equal(id("epoch 0"));
    expect(groups[0]!.signedStake).to.equal(TOKEN(1800));
    expect(groups[0]!.quorum).to.equal(quorum);
    expect(groups[0]!.reachesQuorum).to.equal(false);
    expect(groups[1]!.signers).to.deep.equal([await address(v[3]!)]);
    expect(groups[1]!.reachesQuorum).to.equal(false);

    await publish(v[2]!, agreed());
    groups = await collectPublishedSignatures(keyless, keylessBoard, 0n);
    const best = groups[0]!;
    expect(best.digest).to.equal(await f.tributary.distributor.settlementDigest(settlementData(best.settlement)));
    expect(best.signedStake).to.equal(TOKEN(2400));
    expect(best.reachesQuorum).to.equal(true);
    const expected = (await Promise.all(v.slice(0, 3).map(address))).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    expect(best.signers).to.deep.equal(expected);
    expect(best.signatures).to.have.length(3);
    expect(best.settlement.dataUriHash).to.equal(keccak256(toUtf8Bytes("ipfs://settlement-0")));

    const result = await submitCollected(withRunner(f.tributary, collectors[0]!), best);
    expect(result.submitted).to.equal(true);
    const [settled] = await f.tributary.distributor.latestSettlement();
    expect(settled.epoch).to.equal(0n);
    expect(settled.root).to.equal(id("epoch 0"));
  });

  it("refuses to submit a group short of quorum", async function () {
    await publish(v[0]!, agreed());
    const [group] = await collectPublishedSignatures(keyless, keylessBoard, 0n);
    const error = await submitCollected(withRunner(f.tributary, collectors[0]!), group!).catch((e) => e);
    expect(error).to.be.instanceOf(InvalidInputError);
    expect((error as InvalidInputError).message).to.match(/short of the quorum/);
  });

  it("leaves out signers that are no longer active and groups whose deadline has passed", async function () {
    for (const validator of v) await publish(validator, agreed());
    await f.as(v[3]!).staking.requestUnstake(TOKEN(400));
    const [group] = await collectPublishedSignatures(keyless, keylessBoard, 0n);
    expect(group!.signers).to.not.include(await address(v[3]!));
    expect(group!.signers).to.have.length(3);
    expect(group!.signedStake).to.equal(TOKEN(2400));

    await networkHelpers.time.increaseTo(deadline + 1n);
    expect(await collectPublishedSignatures(keyless, keylessBoard, 0n)).to.deep.equal([]);
  });

  it("after a veto, the vetoed settlement's signatures are left out and a re-signed one is collected", async function () {
    for (const validator of v.slice(0, 3)) await publish(validator, agreed());
    const [group] = await collectPublishedSignatures(keyless, keylessBoard, 0n);
    expect((await submitCollected(withRunner(f.tributary, collectors[0]!), group!)).submitted).to.equal(true);
    await f.tributary.distributor.veto(0n);
    expect(await collectPublishedSignatures(keyless, keylessBoard, 0n)).to.deep.equal([]);

    // Validators re-sign the same root under a new data URI: not equivocation, and it settles.
    const resigned = { ...agreed(), dataUri: "ipfs://settlement-0-corrected" };
    for (const validator of v.slice(0, 3)) await publish(validator, resigned);
    const groups = await collectPublishedSignatures(keyless, keylessBoard, 0n);
    expect(groups).to.have.length(1);
    expect(groups[0]!.settlement.dataUri).to.equal(resigned.dataUri);
    expect(groups[0]!.reachesQuorum).to.equal(true);
    expect(await findPublishedEquivocations(keyless, keylessBoard, 0n)).to.deep.equal([]);
    expect((await submitCollected(withRunner(f.tributary, collectors[1]!), groups[0]!)).submitted).to.equal(true);
  });

  it("two collectors race: one submission lands, the other reverts with SettlementOutOfOrder and stands down", async function () {
    for (const validator of v.slice(0, 3)) await publish(validator, agreed());
    const [groupA] = await collectPublishedSignatures(keyless, keylessBoard, 0n);
    const [groupB] = await collectPublishedSignatures(keyless, keylessBoard, 0n);
    const first = await submitCollected(withRunner(f.tributary, collectors[0]!), groupA!);
    expect(first.submitted).to.equal(true);

    // The second collected before the first landed and submits anyway: the distributor refuses it.
    const asSecond = withRunner(f.tributary, collectors[1]!);
    const s = groupB!.settlement;
    await expect(
      asSecond.distributor.submitSettlement(
        s.epoch,
        s.root,
        s.cumulativeTotals,
        s.dataUri,
        s.deadline,
        groupB!.signatures,
      ),
    )
      .to.be.revertedWithCustomError(f.tributary.distributor, "SettlementOutOfOrder")
      .withArgs(0n, 1n);
    const second = await submitCollected(asSecond, groupB!);
    expect(second.submitted).to.equal(false);
    if (second.submitted || !first.submitted) throw new Error("unreachable");
    expect(second.reason).to.equal("SettlementOutOfOrder");
    expect(second.sameSettlement).to.equal(true);
    expect(second.landed.transactionHash).to.equal(first.transactionHash);
    const events = await f.tributary.distributor.queryFilter(f.tributary.distributor.filters.SettlementSubmitted(0n));
    expect(events).to.have.length(1);
  });

  it("two collectors race in one block: exactly one submission lands and the loser stands down", async function () {
    for (const validator of v.slice(0, 3)) await publish(validator, agreed());
    const [group] = await collectPublishedSignatures(keyless, keylessBoard, 0n);
    const startBlock = await ethers.provider.getBlockNumber();
    await ethers.provider.send("evm_setAutomine", [false]);
    let results;
    try {
      // A fixed gas limit skips estimation, so both transactions reach the same block.
      const racing = collectors.map((c) =>
        submitCollected(withRunner(f.tributary, c), group!, { gasLimit: 1_000_000 }),
      );
      for (let tries = 0; ; tries++) {
        const pending = await ethers.provider.send("eth_getBlockByNumber", ["pending", false]);
        if ((pending as { transactions: string[] }).transactions.length === 2) break;
        if (tries > 200) throw new Error("the two submissions never reached the mempool");
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await networkHelpers.mine();
      results = await Promise.all(racing);
    } finally {
      await ethers.provider.send("evm_setAutomine", [true]);
    }
    expect(await ethers.provider.getBlockNumber()).to.equal(startBlock + 1);
    expect(results.filter((r) => r.submitted)).to.have.length(1);
    const loser = results.find((r) => !r.submitted);
    if (!loser || loser.submitted) throw new Error("no collector stood down");
    expect(loser.sameSettlement).to.equal(true);
    const block = await ethers.provider.getBlock(startBlock + 1, true);
    const receipts = await Promise.all(block!.transactions.map((h) => ethers.provider.getTransactionReceipt(h)));
    expect(receipts.map((r) => r!.status).sort()).to.deep.equal([0, 1]);
    const events = await f.tributary.distributor.queryFilter(f.tributary.distributor.filters.SettlementSubmitted(0n));
    expect(events).to.have.length(1);
    expect(loser.landed.transactionHash).to.equal(events[0]!.transactionHash);
  });

  it("a validator's two different signatures for one epoch are both published, and slashable", async function () {
    await publish(v[3]!, other());
    await publish(v[3]!, agreed());
    // The same content under a later deadline is not equivocation.
    await publish(v[2]!, agreed());
    await publish(v[2]!, { ...agreed(), deadline: deadline + 60n });
    const evidence = await findPublishedEquivocations(keyless, keylessBoard, 0n);
    expect(evidence).to.have.length(1);
    const [{ signer, first, second }] = evidence as [(typeof evidence)[number]];
    expect(signer).to.equal(await address(v[3]!));
    await expect(
      f
        .as(collectors[0]!)
        .distributor.reportEquivocation(
          settlementData(first.settlement),
          first.signature,
          settlementData(second.settlement),
          second.signature,
        ),
    ).to.emit(f.tributary.distributor, "EquivocationSlashed");
  });

  it("refuses a signature of the wrong epoch or of a non-validator (EpochNotNext, SignerNotActive)", async function () {
    const early = await publish(v[0]!, { ...agreed(), epoch: 1n }).catch((e) => e);
    expect(early).to.be.instanceOf(ContractRevertError);
    expect((early as ContractRevertError).errorName).to.equal("EpochNotNext");
    expect((early as ContractRevertError).errorArgs).to.deep.equal([1n, 0n]);
    const outsider = await publish(collectors[0]!, agreed()).catch((e) => e);
    expect(outsider).to.be.instanceOf(ContractRevertError);
    expect((outsider as ContractRevertError).errorName).to.equal("SignerNotActive");
    expect((outsider as ContractRevertError).errorArgs).to.deep.equal([await address(collectors[0]!)]);
  });
});

/**
 * Gas of Tributary's main operations, measured from transaction receipts on the embedded
 * network, next to EAS `attest` and Uniswap's MerkleDistributor `claim` deployed from the
 * bytecode their npm packages publish.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import {
  AbiCoder,
  ContractFactory,
  getAddress,
  id,
  keccak256,
  parseUnits,
  toUtf8Bytes,
  ZeroHash,
  type Signer,
  type ContractTransactionResponse,
} from "ethers";
import type { NetworkConnection } from "hardhat/types/network";
import {
  computeCommitment,
  createPool,
  encodeRecords,
  signSettlement,
  SettlementTree,
  withRunner,
  type AttributionRecord,
  type SettlementEntry,
} from "../../client/index.js";
import { SettlementBoard__factory } from "../../typechain-types/index.js";
import { deployDemoSuite } from "../lib/scenario.js";
import { UniswapBalanceTree } from "./uniswapTree.js";

const require = createRequire(import.meta.url);
const TOKEN = (n: number | string) => parseUnits(String(n), 18);
const URI = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/dataset.parquet";
const SALT = id("bench-salt");

export interface GasResults {
  register: number;
  registerBatchPer: number;
  easAttest: number;
  vote: number;
  attributionRecord: number;
  batchAttest: number;
  /** Steady state, one token covered (TRWD only funded so far), 5 signatures. */
  submitSettlement: number;
  /** Steady state, three tokens covered and funded, 5 signatures. */
  submitSettlement3Tokens: number;
  claimFirst: number;
  claimLater: number;
  /** Morpho's Universal Rewards Distributor, same tree, token and conditions as claimFirst / claimLater. */
  urdClaimFirst: number;
  urdClaimLater: number;
  uniswapClaim: number;
  claimBatchPer: number;
  /**
   * `SettlementBoard.publish`: one validator's signature of one epoch's settlement (three tokens, a
   * 79-byte data URI), mean over five validators. What each validator pays per epoch on the on-chain
   * signature path (docs/signatures.md).
   */
  publishSignature: number;
  ratios: { claimFirstOverUrd: number; claimLaterOverUrd: number; cumulativeOverUniswap10Epochs: number };
  extra: Record<string, number>;
}

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<number> {
  const receipt = await (await tx).wait();
  return Number(receipt!.gasUsed);
}

export async function measureGas(connection: NetworkConnection, log: (line: string) => void): Promise<GasResults> {
  const suite = await deployDemoSuite(connection);
  const { tributary, stakeToken, rewardToken } = suite;
  const signers = await connection.ethers.getSigners();
  const admin = signers[0]!;
  const validators = signers.slice(4, 10) as Signer[];
  const contributor = signers[12]! as Signer;
  const as = (s: Signer) => withRunner(tributary, s);
  const extra: Record<string, number> = {};

  for (const v of validators) {
    await (await stakeToken.mint(await v.getAddress(), TOKEN(2_000))).wait();
    await (await stakeToken.connect(v).approve(suite.deployment.staking, TOKEN(2_000))).wait();
    const gas = await gasOf(as(v).staking.stake(TOKEN(1_000)));
    extra.stakeFirst ??= gas;
  }
  // Staking writes a checkpoint of the validator's bond and of the total, in a new second each time.
  await connection.networkHelpers.time.increase(1);
  extra.stakeTopUp = await gasOf(as(validators[5]!).staking.stake(TOKEN(500)));
  await connection.networkHelpers.time.increase(1);
  extra.requestUnstake = await gasOf(as(validators[5]!).staking.requestUnstake(TOKEN(500)));
  await (await as(suite.cast.curator).registry.createDatanet("ipfs://bench")).wait();
  const datanetId = 1n;
  const minAge = await tributary.registry.commitmentMinAge();
  const me = await contributor.getAddress();

  // --- Registration, commit included, against EAS attest of the same fields.
  const registerOnce = async (label: string) => {
    const hash = id(label);
    const commit = await gasOf(tributary.registry.commit(computeCommitment(me, datanetId, [hash], SALT)));
    await connection.networkHelpers.time.increase(minAge);
    const reveal = await gasOf(as(contributor).registry.register(datanetId, hash, URI, SALT));
    return { commit, reveal };
  };
  await registerOnce("warm-up");
  const single = await registerOnce("single");
  extra.registerCommit = single.commit;
  extra.registerReveal = single.reveal;

  const easArtifacts = "@ethereum-attestation-service/eas-contracts/artifacts/contracts";
  const registryArtifact = require(`${easArtifacts}/SchemaRegistry.sol/SchemaRegistry.json`);
  const easArtifact = require(`${easArtifacts}/EAS.sol/EAS.json`);
  const schemaRegistry = await new ContractFactory(registryArtifact.abi, registryArtifact.bytecode, admin).deploy();
  const eas = await new ContractFactory(easArtifact.abi, easArtifact.bytecode, admin).deploy(
    await schemaRegistry.getAddress(),
  );
  const schema = "bytes32 contentHash,uint32 datanetId,string uri";
  await (
    await (
      schemaRegistry as unknown as {
        register: (s: string, r: string, v: boolean) => Promise<ContractTransactionResponse>;
      }
    ).register(schema, "0x0000000000000000000000000000000000000000", true)
  ).wait();
  // EAS schema UID: keccak256(abi.encodePacked(schema, resolver, revocable)).
  const schemaId = keccak256(new Uint8Array([...toUtf8Bytes(schema), ...new Uint8Array(20), 1]));
  const attest = (label: string) =>
    (eas as unknown as { attest: (r: unknown) => Promise<ContractTransactionResponse> }).attest({
      schema: schemaId,
      data: {
        recipient: me,
        expirationTime: 0,
        revocable: true,
        refUID: "0x" + "00".repeat(32),
        data: AbiCoder.defaultAbiCoder().encode(["bytes32", "uint32", "string"], [id(label), datanetId, URI]),
        value: 0,
      },
    });
  await gasOf(attest("warm-up"));
  const easAttest = await gasOf(attest("eas-single"));

  // --- A batch of 100 under one commitment.
  const hashes = Array.from({ length: 100 }, (_, i) => id(`batch-${i}`));
  const batchCommit = await gasOf(tributary.registry.commit(computeCommitment(me, datanetId, hashes, SALT)));
  await connection.networkHelpers.time.increase(minAge);
  const batchReveal = await gasOf(
    as(contributor).registry.registerBatch(
      datanetId,
      hashes,
      hashes.map(() => URI),
      SALT,
    ),
  );
  const registerBatchPer = Math.round((batchCommit + batchReveal) / 100);
  const firstBatchId = (await tributary.registry.contributionCount()) - 99n;
  log(`  registration measured (single ${single.commit + single.reveal}, batch ${registerBatchPer} each)`);

  // --- Votes: every vote needed to accept the 100 contributions (5 of 6 validators each).
  const voteGas: number[] = [];
  for (let i = 0n; i < 100n; i++) {
    for (const v of validators.slice(0, 5)) voteGas.push(await gasOf(as(v).registry.vote(hashes[Number(i)]!, true)));
  }
  const vote = Math.round(voteGas.reduce((a, b) => a + b, 0) / voteGas.length);
  extra.voteFirstOnContribution = voteGas[0 + 5 * 50]!;
  extra.voteDeciding = voteGas[4 + 5 * 50]!;
  extra.voteMax = Math.max(...voteGas);
  // Neither the first vote on a contribution (it fixes the quorum) nor the deciding one.
  const steady = voteGas.filter((_, i) => i % 5 !== 0 && i % 5 !== 4);
  extra.voteSteady = Math.round(steady.reduce((a, b) => a + b, 0) / steady.length);
  log(`  votes measured (mean ${vote})`);

  // --- An attribution batch of 200 records with 8 contributions each.
  const ids = Array.from({ length: 100 }, (_, i) => firstBatchId + BigInt(i));
  const records: AttributionRecord[] = Array.from({ length: 200 }, (_, r) => {
    const start = (r * 7) % 92;
    const vector = Array.from({ length: 8 }, (_, j) => ({
      contributionId: ids[start + j]!,
      weightBps: j === 7 ? 10_000 - 7 * 1_250 : 1_250,
    }));
    return {
      outputId: "0x" + (BigInt(id(`output-${r}`)) >> 8n).toString(16).padStart(64, "0"),
      poolId: 0n,
      value: TOKEN(r + 1),
      vector,
    };
  }).sort((a, b) => (BigInt(a.outputId) < BigInt(b.outputId) ? -1 : 1));
  const proposeGas = await gasOf(as(validators[0]!).ledger.propose(encodeRecords(records)));
  const attributionRecord = Math.round(proposeGas / 200);
  extra.proposeBatchOf200 = proposeGas;
  // A validator's first attestation ever opens its attestation bitmap word; later ones reuse it.
  const firstAttest: number[] = [];
  for (const v of validators.slice(1, 5)) firstAttest.push(await gasOf(as(v).ledger.attest(1, true)));
  extra.batchAttestFirstEver = firstAttest[0]!;
  const second = records.map((r) => ({
    ...r,
    outputId: "0x" + (BigInt(r.outputId) + 1n).toString(16).padStart(64, "0"),
  }));
  await gasOf(as(validators[0]!).ledger.propose(encodeRecords(second)));
  const attestGas: number[] = [];
  for (const v of validators.slice(1, 5)) attestGas.push(await gasOf(as(v).ledger.attest(2, true)));
  const batchAttest = attestGas[0]!;
  extra.batchAttestDeciding = attestGas.at(-1)!;
  log(`  attribution measured (${attributionRecord} per record, attest ${batchAttest})`);

  // --- Settlements and claims. Three allowlisted tokens (TRWD 18 decimals at index 0, TUSD 6 decimals
  // at 1, TSRC at 2). Epochs 0 to 2 fund TRWD only, so their settlements cover one token; from epoch 3
  // on all three are funded every epoch and settlements cover three. Claim trees have 100 000 leaves:
  // 80 000 accounts in TRWD, 10 000 of them also in TUSD and 10 000 others also in TSRC.
  const trwd = getAddress(await rewardToken.getAddress());
  const tusd = getAddress(await suite.stableToken.getAddress());
  const tsrc = getAddress(await suite.creditToken.getAddress());
  const tokenList = [trwd, tusd, tsrc];
  const accounts = Array.from({ length: 80_000 }, (_, i) =>
    getAddress("0x" + (BigInt(id(`acct-${i}`)) >> 96n).toString(16).padStart(40, "0")),
  );
  const X = 12_345; // Tributary's claimant (TRWD)
  const Z = 30_000; // claims once, after ten epochs
  const batchFrom = 20_000; // claimMany of 20 accounts
  const stableClaimant = 5; // a first claim in TUSD
  // Cumulative entitlements at `epoch`: `bumped` accounts (TRWD) get 5 more from epoch 4 on; Z earns
  // 1 TRWD more every epoch, which also makes every epoch's root different.
  const entriesAt = (epoch: number, bumped: number[]): SettlementEntry[] => {
    const out: SettlementEntry[] = [];
    for (const [i, a] of accounts.entries()) {
      let amount = TOKEN(1) + BigInt(i);
      if (i === Z) amount += TOKEN(epoch);
      if (epoch >= 4 && bumped.includes(i)) amount += TOKEN(5);
      out.push([a, trwd, amount]);
      if (epoch >= 3 && i < 10_000) out.push([a, tusd, parseUnits("1", 6) + BigInt(i)]);
      if (epoch >= 3 && i >= 10_000 && i < 20_000) out.push([a, tsrc, TOKEN(1) + BigInt(i)]);
    }
    return out;
  };
  const dapp = withRunner(tributary, admin);
  const chatPool = await createPool(dapp, { token: tusd });
  const searchPool = await createPool(dapp, { token: tsrc });
  const mintAndApprove = async (token: typeof rewardToken, amount: bigint) => {
    await (await token.mint(await admin.getAddress(), amount)).wait();
    await (await token.connect(admin).approve(suite.deployment.distributor, amount)).wait();
  };
  await mintAndApprove(rewardToken, TOKEN(200_000));
  await mintAndApprove(suite.stableToken, parseUnits("100000", 6));
  await mintAndApprove(suite.creditToken, TOKEN(100_000));
  // Funding may run ahead of the clock: every epoch of the run is funded now.
  for (let epoch = 0; epoch < 10; epoch++) {
    await (await dapp.distributor.fund(0, epoch, epoch === 0 ? TOKEN(150_000) : TOKEN(10))).wait();
    if (epoch < 3) continue;
    await (
      await dapp.distributor.fund(chatPool, epoch, epoch === 3 ? parseUnits("50000", 6) : parseUnits("10", 6))
    ).wait();
    await (await dapp.distributor.fund(searchPool, epoch, epoch === 3 ? TOKEN(50_000) : TOKEN(10))).wait();
  }
  const genesis = await tributary.distributor.GENESIS();
  const signersSorted = await sortByAddress(validators.slice(0, 5));
  /** Settles `epoch` over `tree`, covering the first `tokenCount` tokens, and waits out the challenge period. */
  const settleEpoch = async (epoch: number, tree: SettlementTree, tokenCount: number) => {
    const totals = tokenList.slice(0, tokenCount).map(() => 0n);
    for (const [, token, amount] of tree.entries()) totals[tokenList.indexOf(token)]! += amount;
    await connection.networkHelpers.time.increaseTo(genesis + BigInt(epoch + 1) * 86_400n + 1n);
    const deadline = BigInt(await connection.networkHelpers.time.latest()) + 86_400n;
    const uri = `ipfs://settlement-${epoch}`;
    const message = {
      epoch: BigInt(epoch),
      root: tree.root,
      cumulativeTotals: totals,
      dataUriHash: keccak256(toUtf8Bytes(uri)),
      deadline,
    };
    const signatures = [];
    for (const v of signersSorted) signatures.push(await signSettlement(tributary, { signer: v, message }));
    const gas = await gasOf(
      tributary.distributor.submitSettlement(epoch, tree.root, totals, uri, deadline, signatures),
    );
    await connection.networkHelpers.time.increase(3_600);
    return gas;
  };
  const claimFrom = (tree: SettlementTree, account: string, token: string) =>
    gasOf(tributary.distributor.claim(account, token, tree.amountOf(account, token)!, tree.getProof(account, token)));

  // URD's claimant: a TRWD account whose proofs have the same length as X's in both claim trees, so
  // both distributors verify the same number of nodes (and take calldata of the same size).
  const t3 = SettlementTree.build(entriesAt(3, []));
  const depth = (tree: SettlementTree, i: number) => tree.getProof(accounts[i]!, trwd).length;
  let Y = -1;
  let t4: SettlementTree | undefined;
  for (let i = 40_000; i < 80_000 && Y < 0; i++) {
    if (depth(t3, i) !== depth(t3, X)) continue;
    const candidate = SettlementTree.build(entriesAt(4, [X, i]));
    if (depth(candidate, i) === depth(candidate, X)) [Y, t4] = [i, candidate];
  }
  if (!t4) throw new Error("no URD claimant with X's proof length");
  extra.claimProofNodes = depth(t3, X);

  extra.submitSettlementFirstEver = await settleEpoch(0, SettlementTree.build(entriesAt(0, [])), 1);
  extra.submitSettlementSecondEver = await settleEpoch(1, SettlementTree.build(entriesAt(1, [])), 1);
  const submitSettlement = await settleEpoch(2, SettlementTree.build(entriesAt(2, [])), 1);
  // The first settlement to cover TUSD and TSRC creates their claim-state slots.
  extra.submitSettlement3TokensFirst = await settleEpoch(3, t3, 3);
  log(
    `  settlements measured (1 token ${submitSettlement}, first with 3 tokens ${extra.submitSettlement3TokensFirst})`,
  );

  // --- Morpho's Universal Rewards Distributor: the same tree, the same token contract.
  const urdArtifact = JSON.parse(
    await readFile(
      path.resolve(import.meta.dirname, "..", "..", "bench", "peers", "UniversalRewardsDistributor.json"),
      "utf8",
    ),
  );
  const urd = (await new ContractFactory(urdArtifact.abi, urdArtifact.bytecode, admin).deploy(
    await admin.getAddress(),
    0,
    ZeroHash,
    ZeroHash,
  )) as unknown as {
    getAddress(): Promise<string>;
    setRoot(root: string, ipfsHash: string): Promise<ContractTransactionResponse>;
    claim(account: string, reward: string, claimable: bigint, proof: string[]): Promise<ContractTransactionResponse>;
  };
  await (await rewardToken.mint(await urd.getAddress(), TOKEN(200_000))).wait();
  const urdClaimFrom = (tree: SettlementTree, i: number) =>
    gasOf(urd.claim(accounts[i]!, trwd, tree.amountOf(accounts[i]!, trwd)!, tree.getProof(accounts[i]!, trwd)));

  // First claims: an account's first, to a holder with no balance yet.
  const claimFirst = await claimFrom(t3, accounts[X]!, trwd);
  await (await urd.setRoot(t3.root, ZeroHash)).wait();
  const urdClaimFirst = await urdClaimFrom(t3, Y);
  extra.claimFirstTUSD = await claimFrom(t3, accounts[stableClaimant]!, tusd);
  const requests = accounts.slice(batchFrom, batchFrom + 20).map((a) => ({
    account: a,
    token: trwd,
    cumulativeAmount: t3.amountOf(a, trwd)!,
    proof: t3.getProof(a, trwd),
  }));
  const claimBatchPer = Math.round((await gasOf(tributary.distributor.claimMany(requests))) / requests.length);

  // Later claims: a new root raises both accounts' entitlements by 5 TRWD.
  const submitSettlement3Tokens = await settleEpoch(4, t4, 3);
  const claimLater = await claimFrom(t4, accounts[X]!, trwd);
  await (await urd.setRoot(t4.root, ZeroHash)).wait();
  const urdClaimLater = await urdClaimFrom(t4, Y);
  log(
    `  claims measured: first ${claimFirst} (URD ${urdClaimFirst}), later ${claimLater} (URD ${urdClaimLater}); ` +
      `3-token settlement ${submitSettlement3Tokens}`,
  );

  // --- Ten epochs, one claim: Z has earned in every epoch 0 to 9 and claims once, after the tenth.
  const later: number[] = [];
  let t9 = t4;
  for (let epoch = 5; epoch < 10; epoch++) {
    t9 = SettlementTree.build(entriesAt(epoch, [X, Y]));
    later.push(await settleEpoch(epoch, t9, 3));
  }
  extra.submitSettlement3TokensMaxEpochs5to9 = Math.max(...later);
  extra.cumulativeClaimAfter10Epochs = await claimFrom(t9, accounts[Z]!, trwd);
  extra.cumulativeClaimProofNodes = t9.getProof(accounts[Z]!, trwd).length;

  // --- Signatures published on the board for the next epoch (10): each of five validators signs the
  // three-token settlement and publishes it from its own account. The board keeps no state, so every
  // publication costs the same but for calldata bytes.
  const board = await new SettlementBoard__factory(admin).deploy(suite.deployment.distributor);
  await board.waitForDeployment();
  const nextTotals = tokenList.map(() => 0n);
  for (const [, token, amount] of t9.entries()) nextTotals[tokenList.indexOf(token)]! += amount;
  const nextDeadline = BigInt(await connection.networkHelpers.time.latest()) + 86_400n;
  const published = { epoch: 10n, root: id("bench epoch 10"), cumulativeTotals: nextTotals, deadline: nextDeadline };
  const publishGas: number[] = [];
  for (const v of signersSorted) {
    const signature = await signSettlement(tributary, {
      signer: v,
      message: { ...published, dataUriHash: keccak256(toUtf8Bytes(URI)) },
    });
    publishGas.push(
      await gasOf(board.connect(v).publish(10n, published.root, nextTotals, URI, nextDeadline, signature)),
    );
  }
  const publishSignature = Math.round(publishGas.reduce((a, b) => a + b, 0) / publishGas.length);
  extra.publishSignatureMax = Math.max(...publishGas);
  const oneTokenSignature = await signSettlement(tributary, {
    signer: signersSorted[0]!,
    message: {
      ...published,
      cumulativeTotals: nextTotals.slice(0, 1),
      dataUriHash: keccak256(toUtf8Bytes(URI)),
    },
  });
  extra.publishSignature1Token = await gasOf(
    board
      .connect(signersSorted[0]!)
      .publish(10n, published.root, nextTotals.slice(0, 1), URI, nextDeadline, oneTokenSignature),
  );
  log(`  publish measured (${publishSignature} per validator per epoch, 1 token ${extra.publishSignature1Token})`);

  // --- Uniswap's MerkleDistributor on a 100 000-leaf tree built its way, paying the same token.
  const uniArtifact = require("@uniswap/merkle-distributor/build/MerkleDistributor.json");
  const balances = Array.from({ length: 100_000 }, (_, i) => ({
    account: getAddress("0x" + (BigInt(id(`uni-${i}`)) >> 96n).toString(16).padStart(40, "0")),
    amount: TOKEN(1) + BigInt(i),
  }));
  const uniTree = new UniswapBalanceTree(balances);
  type Uniswap = {
    getAddress(): Promise<string>;
    claim: (i: number, a: string, v: bigint, p: string[]) => Promise<ContractTransactionResponse>;
  };
  const deployUniswap = async () => {
    const distributor = (await new ContractFactory(
      uniArtifact.abi,
      "0x" + String(uniArtifact.bytecode).replace(/^0x/, ""),
      admin,
    ).deploy(trwd, uniTree.root)) as unknown as Uniswap;
    await (await rewardToken.mint(await distributor.getAddress(), TOKEN(200_000))).wait();
    return distributor;
  };
  const uniClaim = (distributor: Uniswap, index: number) =>
    gasOf(distributor.claim(index, balances[index]!.account, balances[index]!.amount, uniTree.proof(index)));
  const uniswap = await deployUniswap();
  // Same conditions as claimFirst: the first claim in its bitmap word, to a fresh recipient.
  const uniswapClaim = await uniClaim(uniswap, 54_321);
  extra.uniswapClaimWarmWord = await uniClaim(uniswap, 54_322);
  // A per-epoch distributor has one immutable root, so ten epochs are ten distributors and ten claims:
  // the first to a fresh holder, the next nine to the same, now funded, holder.
  let uniswap10 = 0;
  for (let epoch = 0; epoch < 10; epoch++) uniswap10 += await uniClaim(await deployUniswap(), 77_777);
  extra.uniswap10EpochClaims = uniswap10;
  extra.uniswap10xClaim = 10 * uniswapClaim;
  log(
    `  Uniswap claim measured (${uniswapClaim}); ten epochs: one cumulative claim ${extra.cumulativeClaimAfter10Epochs}, ` +
      `Uniswap ${uniswap10}`,
  );

  return {
    register: single.commit + single.reveal,
    registerBatchPer,
    easAttest,
    vote,
    attributionRecord,
    batchAttest,
    submitSettlement,
    submitSettlement3Tokens,
    claimFirst,
    claimLater,
    urdClaimFirst,
    urdClaimLater,
    uniswapClaim,
    claimBatchPer,
    publishSignature,
    ratios: {
      claimFirstOverUrd: Math.round((claimFirst / urdClaimFirst) * 1000) / 1000,
      claimLaterOverUrd: Math.round((claimLater / urdClaimLater) * 1000) / 1000,
      cumulativeOverUniswap10Epochs: Math.round((extra.cumulativeClaimAfter10Epochs / uniswap10) * 1000) / 1000,
    },
    extra,
  };
}

async function sortByAddress(signers: Signer[]): Promise<Signer[]> {
  const withAddress = await Promise.all(signers.map(async (s) => ({ s, a: (await s.getAddress()).toLowerCase() })));
  return withAddress.sort((x, y) => (x.a < y.a ? -1 : 1)).map((x) => x.s);
}

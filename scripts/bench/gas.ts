/**
 * Gas of Tributary's main operations, measured from transaction receipts on the embedded
 * network, next to EAS `attest` and Uniswap's MerkleDistributor `claim` deployed from the
 * bytecode their npm packages publish.
 */
import { createRequire } from "node:module";
import {
  AbiCoder,
  ContractFactory,
  getAddress,
  id,
  keccak256,
  parseUnits,
  toUtf8Bytes,
  type Signer,
  type ContractTransactionResponse,
} from "ethers";
import type { NetworkConnection } from "hardhat/types/network";
import {
  computeCommitment,
  encodeRecords,
  signSettlement,
  SettlementTree,
  withRunner,
  type AttributionRecord,
} from "../../client/index.js";
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
  submitSettlement: number;
  claimFirst: number;
  claimLater: number;
  uniswapClaim: number;
  claimBatchPer: number;
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

  // --- Settlements of a 100 000-account tree, with 5 signatures, and claims against them.
  const accounts = Array.from({ length: 100_000 }, (_, i) =>
    getAddress("0x" + (BigInt(id(`acct-${i}`)) >> 96n).toString(16).padStart(40, "0")),
  );
  const base = accounts.map((a, i) => [a, TOKEN(1) + BigInt(i)] as [string, bigint]);
  const total = base.reduce((s, [, v]) => s + v, 0n);
  await (await rewardToken.mint(await admin.getAddress(), total * 3n)).wait();
  await (await rewardToken.connect(admin).approve(suite.deployment.distributor, total * 3n)).wait();
  const dapp = withRunner(tributary, admin);
  const genesis = await tributary.distributor.GENESIS();
  const settleEpoch = async (epoch: bigint, entries: [string, bigint][]) => {
    const sum = entries.reduce((s, [, v]) => s + v, 0n);
    const tree = SettlementTree.build(entries);
    await connection.networkHelpers.time.increaseTo(genesis + (epoch + 1n) * 86_400n + 1n);
    const deadline = BigInt(await connection.networkHelpers.time.latest()) + 86_400n;
    const uri = `ipfs://settlement-${epoch}`;
    const message = {
      epoch,
      root: tree.root,
      cumulativeTotal: sum,
      dataUriHash: keccak256(toUtf8Bytes(uri)),
      deadline,
    };
    const sorted = await sortByAddress(validators.slice(0, 5));
    const signatures = [];
    for (const v of sorted) signatures.push(await signSettlement(tributary, v, message));
    const gas = await gasOf(tributary.distributor.submitSettlement(epoch, tree.root, sum, uri, deadline, signatures));
    await connection.networkHelpers.time.increase(3_600);
    return { gas, tree };
  };
  await (await dapp.distributor.fund(0, total)).wait();
  await (await dapp.distributor.fund(1, TOKEN(10))).wait();
  await (await dapp.distributor.fund(2, TOKEN(10))).wait();
  const epoch0 = await settleEpoch(0n, base);
  extra.submitSettlementFirstEver = epoch0.gas;
  const claimFor = (tree: SettlementTree, account: string, amount: bigint) =>
    gasOf(tributary.distributor.claim(account, amount, tree.getProof(account)));
  const claimant = accounts[12_345]!;
  const claimFirst = await claimFor(epoch0.tree, claimant, base[12_345]![1]);

  const requests = accounts
    .slice(20_000, 20_020)
    .map((a, i) => ({ account: a, cumulativeAmount: base[20_000 + i]![1], proof: epoch0.tree.getProof(a) }));
  const claimBatchPer = Math.round((await gasOf(tributary.distributor.claimMany(requests))) / requests.length);

  const bumped1 = base.map(([a, v], i) => [a, i === 12_345 ? v + TOKEN(5) : v] as [string, bigint]);
  const epoch1 = await settleEpoch(1n, bumped1);
  extra.submitSettlementSecondEver = epoch1.gas;
  const bumped2 = bumped1.map(([a, v], i) => [a, i === 12_345 ? v + TOKEN(5) : v] as [string, bigint]);
  const epoch2 = await settleEpoch(2n, bumped2);
  const submitSettlement = epoch2.gas;
  const claimLater = await claimFor(epoch2.tree, claimant, bumped2[12_345]![1]);
  log(`  settlement and claims measured (submit ${submitSettlement}, first claim ${claimFirst}, later ${claimLater})`);

  // --- Uniswap's MerkleDistributor on a 100 000-leaf tree built its way, paying the same token.
  const uniArtifact = require("@uniswap/merkle-distributor/build/MerkleDistributor.json");
  const balances = base.map(([account, amount]) => ({ account, amount }));
  const uniTree = new UniswapBalanceTree(balances);
  const uniswap = await new ContractFactory(
    uniArtifact.abi,
    "0x" + String(uniArtifact.bytecode).replace(/^0x/, ""),
    admin,
  ).deploy(await rewardToken.getAddress(), uniTree.root);
  await (await rewardToken.mint(await uniswap.getAddress(), total)).wait();
  const uniClaim = (index: number) =>
    gasOf(
      (
        uniswap as unknown as {
          claim: (i: number, a: string, v: bigint, p: string[]) => Promise<ContractTransactionResponse>;
        }
      ).claim(index, balances[index]!.account, balances[index]!.amount, uniTree.proof(index)),
    );
  // Same conditions as claimFirst: the first claim in its bitmap word, to a fresh recipient.
  const uniswapClaim = await uniClaim(54_321);
  extra.uniswapClaimWarmWord = await uniClaim(54_322);
  log(`  Uniswap claim measured (${uniswapClaim})`);

  return {
    register: single.commit + single.reveal,
    registerBatchPer,
    easAttest,
    vote,
    attributionRecord,
    batchAttest,
    submitSettlement,
    claimFirst,
    claimLater,
    uniswapClaim,
    claimBatchPer,
    extra,
  };
}

async function sortByAddress(signers: Signer[]): Promise<Signer[]> {
  const withAddress = await Promise.all(signers.map(async (s) => ({ s, a: (await s.getAddress()).toLowerCase() })));
  return withAddress.sort((x, y) => (x.a < y.a ? -1 : 1)).map((x) => x.s);
}

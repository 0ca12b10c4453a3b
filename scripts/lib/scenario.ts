/**
 * The demo scenario: two epochs of a small Tributary network, from deployment to claims.
 * Used by `npm run demo` (embedded network), the app's seeding, and the end-to-end tests.
 */
import { rm } from "node:fs/promises";
import path from "node:path";
import type { NetworkConnection } from "hardhat/types/network";
import { formatUnits, id, parseUnits, type Signer } from "ethers";
import {
  attestBatch,
  claim,
  claimMany,
  connectTributary,
  createDatanet,
  fundEpoch,
  hashFileBytes,
  proposeBatch,
  register,
  registerBatch,
  relayRegistration,
  settle,
  signRegistration,
  stake,
  verify,
  vote,
  withRunner,
  devChainWaitUntil,
  type RawRpcProvider,
  type SettleResult,
  type TributaryContracts,
  type TributaryDeployment,
} from "../../client/index.js";
import { FileSettlementStore } from "../../client/node/index.js";
import { TributaryDemoModule } from "../../deploy/modules/Tributary.js";
import { MockERC20__factory, type MockERC20 } from "../../typechain-types/index.js";

export const EPOCH_SECONDS = 86_400n;
export const CHALLENGE_SECONDS = 3_600n;
const TOKEN = (n: string | number) => parseUnits(String(n), 18);

/** The people of the scenario. */
export interface Cast {
  admin: Signer;
  treasury: Signer;
  curator: Signer;
  dapp: Signer;
  validators: Signer[];
  contributors: Signer[];
}

/** A deployed suite and its demo tokens. */
export interface DemoSuite {
  tributary: TributaryContracts;
  deployment: TributaryDeployment;
  stakeToken: MockERC20;
  rewardToken: MockERC20;
  cast: Cast;
}

/** One row of an epoch's table. */
export interface EpochRow {
  account: string;
  name: string;
  roles: string;
  owed: bigint;
  claimed: bigint;
}

/** What one settled epoch looked like. */
export interface EpochReport {
  settlement: SettleResult;
  rows: EpochRow[];
  problems: string[];
}

/** A network connection from `network.create()`, embedded or over HTTP. */
export type Connection = NetworkConnection<"l1"> | NetworkConnection | NetworkConnection<string>;

/** Who plays which part, by account order: admin, treasury, curator, dapp, 4 validators, 5 contributors. */
export function castFrom(signers: Signer[]): Cast {
  const [admin, treasury, curator, dapp, ...rest] = signers;
  return {
    admin: admin!,
    treasury: treasury!,
    curator: curator!,
    dapp: dapp!,
    validators: rest.slice(0, 4),
    contributors: rest.slice(4, 9),
  };
}

/** Deploys the suite with demo tokens; genesis is the current block's time. */
export async function deployDemoSuite(connection: Connection): Promise<DemoSuite> {
  const { ethers } = connection;
  const cast = castFrom((await ethers.getSigners()) as unknown as Signer[]);
  const { admin, treasury } = cast;
  const latest = await ethers.provider.getBlock("latest");
  const deployBlock = (await ethers.provider.getBlockNumber()) + 1;
  // On a JSON-RPC node Ignition keeps a deployment record; a demo node is thrown away after use,
  // so each demo deployment gets its own record, removed once the contracts are up.
  const ephemeral = connection.networkConfig.type !== "http";
  const deploymentId = ephemeral ? undefined : `tributary-demo-${Date.now()}-${process.pid}`;
  const deployed = await connection.ignition.deploy(TributaryDemoModule, {
    ...(deploymentId ? { deploymentId } : {}),
    parameters: {
      TributaryDemo: {
        treasury: await treasury.getAddress(),
        genesis: BigInt(latest!.timestamp),
        epochDuration: EPOCH_SECONDS,
        challengePeriod: CHALLENGE_SECONDS,
        minStake: TOKEN(100),
        quorumBps: 6_667n,
        protocolFeeBps: 500n,
        validatorShareBps: 1_000n,
      },
    },
    displayUi: false,
  });
  if (deploymentId) {
    await rm(path.resolve(import.meta.dirname, "..", "..", "deploy", "deployments", deploymentId), {
      recursive: true,
      force: true,
    });
  }
  const network = await ethers.provider.getNetwork();
  const deployment: TributaryDeployment = {
    chainId: network.chainId,
    staking: await deployed.staking.getAddress(),
    registry: await deployed.registry.getAddress(),
    ledger: await deployed.ledger.getAddress(),
    distributor: await deployed.distributor.getAddress(),
    deployBlock,
  };
  const tributary = connectTributary(deployment, admin);
  return {
    tributary,
    deployment,
    stakeToken: MockERC20__factory.connect(await deployed.stakeToken.getAddress(), admin),
    rewardToken: MockERC20__factory.connect(await deployed.rewardToken.getAddress(), admin),
    cast,
  };
}

/** Moves the chain's clock to `timestamp` and mines a block there. */
async function travelTo(connection: Connection, timestamp: bigint) {
  await connection.networkHelpers.time.increaseTo(timestamp);
}

/** Stakes the four validators and creates the demo datanet. Returns its id. */
export async function setupNetwork(suite: DemoSuite, log: (line: string) => void = () => {}): Promise<bigint> {
  const { tributary, cast, stakeToken } = suite;
  const as = (signer: Signer) => withRunner(tributary, signer);
  const stakes = ["1000", "800", "600", "400"];
  for (const [i, v] of cast.validators.entries()) {
    await (await stakeToken.mint(await v.getAddress(), TOKEN(stakes[i]!))).wait();
    await stake(as(v), { amount: TOKEN(stakes[i]!) });
  }
  log(`4 validators staked ${stakes.join(", ")} TSTK`);
  const datanetId = await createDatanet(as(cast.curator), "ipfs://bafy-datanet/open-corpus");
  log(`datanet ${datanetId} created`);
  return datanetId;
}

/**
 * One epoch of activity in the current epoch: registrations (direct, batched, gasless), votes,
 * an attribution batch that becomes final, and the dapp's funding. `round` varies the content.
 */
export async function seedEpoch(
  connection: Connection,
  suite: DemoSuite,
  datanetId: bigint,
  round: number,
  log: (line: string) => void = () => {},
): Promise<bigint> {
  const { tributary, cast, rewardToken } = suite;
  const as = (signer: Signer) => withRunner(tributary, signer);
  let outputs = 0;
  const output = () => id(`round-${round}-output-${++outputs}`);
  const content = (label: string) => hashFileBytes(new TextEncoder().encode(label));
  const epoch = await tributary.distributor.currentEpoch();
  log(`--- epoch ${epoch} ---`);
  const [c1, c2, c3, c4, c5] = cast.contributors as [Signer, Signer, Signer, Signer, Signer];
  const [v1, v2, v3, v4] = cast.validators as [Signer, Signer, Signer, Signer];
  // A dev chain mines on demand: move its clock past each commitment's minimum age.
  const waitUntil = devChainWaitUntil(connection.ethers.provider as unknown as RawRpcProvider);
  // Contributors register: direct, batched and gasless (relayed by the dapp).
  const a = await register(as(c1), {
    datanetId,
    contentHash: content(`dataset-a-${round}`),
    uri: `ipfs://dataset-a-${round}`,
    waitUntil,
  });
  const b = await registerBatch(as(c2), {
    datanetId,
    contentHashes: [content(`model-b1-${round}`), content(`model-b2-${round}`), content(`model-b3-${round}`)],
    uris: [`ipfs://model-b1-${round}`, `ipfs://model-b2-${round}`, `ipfs://model-b3-${round}`],
    waitUntil,
  });
  const head = await connection.ethers.provider.getBlock("latest");
  const signed = await signRegistration(tributary, c3, {
    datanetId,
    contentHashes: [content(`code-c-${round}`)],
    uris: [`ipfs://code-c-${round}`],
    deadline: BigInt(head!.timestamp) + 3_600n,
  });
  const c = await relayRegistration(as(cast.dapp), signed, waitUntil);
  const d = await register(as(c4), {
    datanetId,
    contentHash: content(`eval-d-${round}`),
    uri: `ipfs://eval-d-${round}`,
    waitUntil,
  });
  const spam = await register(as(c5), {
    datanetId,
    contentHash: content(`spam-${round}`),
    uri: `ipfs://spam-${round}`,
    waitUntil,
  });
  log(
    `registered contributions ${[...a.ids, ...b.ids, ...c.ids, ...d.ids, ...spam.ids].join(", ")} (one relayed gaslessly)`,
  );

  // Validators vote: most accept; the spam is rejected; validator-4 disagrees once.
  const accepted = [...a.contentHashes, ...b.contentHashes, ...c.contentHashes, ...d.contentHashes];
  for (const contentHash of accepted) {
    await vote(as(v1), { contentHash, accept: true });
    if (contentHash === accepted[0]) await vote(as(v4), { contentHash, accept: false });
    await vote(as(v2), { contentHash, accept: true });
    await vote(as(v3), { contentHash, accept: true });
  }
  for (const contentHash of spam.contentHashes) {
    await vote(as(v1), { contentHash, accept: false });
    await vote(as(v2), { contentHash, accept: false });
    await vote(as(v3), { contentHash, accept: false });
  }
  log(`votes cast: ${accepted.length} accepted, ${spam.contentHashes.length} rejected`);

  // Attribution: validator-1 proposes, validator-4 rejects, validators 2 and 3 attest; the batch is final.
  const [idA, idB1, idB2, idB3, idC, idD] = [a.ids[0]!, ...b.ids, c.ids[0]!, d.ids[0]!] as bigint[];
  const records = [
    {
      outputId: output(),
      value: TOKEN(3),
      vector: [
        { contributionId: idA!, weightBps: 6_000 },
        { contributionId: idB1!, weightBps: 4_000 },
      ],
    },
    {
      outputId: output(),
      value: TOKEN(2),
      vector: [
        { contributionId: idB2!, weightBps: 3_333 },
        { contributionId: idB3!, weightBps: 3_333 },
        { contributionId: idC!, weightBps: 3_334 },
      ],
    },
    {
      outputId: output(),
      value: TOKEN(1),
      vector: [
        { contributionId: idA!, weightBps: 2_500 },
        { contributionId: idC!, weightBps: 2_500 },
        { contributionId: idD!, weightBps: 5_000 },
      ],
    },
    { outputId: output(), value: TOKEN(round + 1), vector: [{ contributionId: idD!, weightBps: 10_000 }] },
  ].sort((x, y) => (BigInt(x.outputId) < BigInt(y.outputId) ? -1 : 1));
  const batch = await proposeBatch(as(v1), { records });
  await attestBatch(as(v4), { batchId: batch.batchId, support: false });
  await attestBatch(as(v2), { batchId: batch.batchId, support: true });
  await attestBatch(as(v3), { batchId: batch.batchId, support: true });
  log(`attribution batch ${batch.batchId} with ${records.length} records is final`);

  // The dapp funds the epoch with inference fees.
  const fee = TOKEN(round === 0 ? 10_000 : 7_777);
  await (await rewardToken.mint(await cast.dapp.getAddress(), fee)).wait();
  await fundEpoch(as(cast.dapp), { epoch, amount: fee });
  log(`epoch ${epoch} funded with ${formatUnits(fee, 18)} TRWD`);
  return epoch;
}

/** Runs the two-epoch scenario, logging as it goes, and returns a report per epoch. */
export async function runScenario(
  connection: Connection,
  suite: DemoSuite,
  options: { artifactsDirectory: string; log?: (line: string) => void },
): Promise<EpochReport[]> {
  const log = options.log ?? (() => {});
  const { tributary, cast, rewardToken } = suite;
  const as = (signer: Signer) => withRunner(tributary, signer);
  const names = new Map<string, string>();
  const name = async (signer: Signer, label: string) => names.set((await signer.getAddress()).toLowerCase(), label);
  await name(cast.treasury, "treasury");
  for (const [i, v] of cast.validators.entries()) await name(v, `validator-${i + 1}`);
  for (const [i, c] of cast.contributors.entries()) await name(c, `contributor-${i + 1}`);
  const datanetId = await setupNetwork(suite, log);

  const epochReports: EpochReport[] = [];
  for (let round = 0; round < 2; round++) {
    const epoch = await seedEpoch(connection, suite, datanetId, round, log);
    // The epoch closes; the operator settles it with the validators' signatures.
    const genesis = await tributary.distributor.GENESIS();
    await travelTo(connection, genesis + (epoch + 1n) * EPOCH_SECONDS + 1n);
    const settlement = await settle(as(cast.admin), {
      epoch,
      validators: cast.validators,
      store: new FileSettlementStore(options.artifactsDirectory),
      onProgress: (step, detail) => log(`  settle[${step}] ${detail}`),
    });
    const check = await verify(tributary, { epoch });
    if (!check.matches)
      throw new Error(`verify: recomputed root ${check.computedRoot} ≠ on-chain ${check.onChainRoot}`);

    // The challenge window passes; everyone claims (some one by one, the rest in one batch).
    const [, pending] = await tributary.distributor.latestSettlement();
    if (pending) {
      const [latest] = await tributary.distributor.latestSettlement();
      await travelTo(connection, latest.activatesAt);
    }
    const claimedNow = new Map<string, bigint>();
    const owedAccounts = settlement.artifact.metadata.amounts.filter((x) => BigInt(x.amount) > 0n);
    const single = owedAccounts.slice(0, 3);
    for (const row of single) {
      const { paid } = await claim(as(cast.dapp), settlement.artifact, row.account);
      claimedNow.set(row.account.toLowerCase(), paid);
    }
    const rest = owedAccounts.slice(3).map((r) => r.account);
    if (rest.length > 0) {
      const before = await Promise.all(rest.map((acc) => rewardToken.balanceOf(acc)));
      await claimMany(as(cast.admin), settlement.artifact, rest);
      const after = await Promise.all(rest.map((acc) => rewardToken.balanceOf(acc)));
      rest.forEach((acc, i) => claimedNow.set(acc.toLowerCase(), after[i]! - before[i]!));
    }

    // Reconcile: every account got exactly what it was owed; the distributor holds funded − claimed.
    const problems: string[] = [];
    const rows: EpochRow[] = [];
    for (const row of settlement.artifact.metadata.amounts) {
      const owed = BigInt(row.amount);
      const got = claimedNow.get(row.account.toLowerCase()) ?? 0n;
      if (owed !== got) problems.push(`${row.account} was owed ${owed} in epoch ${epoch} but claimed ${got}`);
      const claimedTotal = await tributary.distributor.claimedOf(row.account);
      if (claimedTotal !== BigInt(row.cumulativeAmount)) {
        problems.push(`${row.account} has claimed ${claimedTotal} in total but is entitled to ${row.cumulativeAmount}`);
      }
      rows.push({
        account: row.account,
        name: names.get(row.account.toLowerCase()) ?? "",
        roles: row.roles.join("+") || "-",
        owed,
        claimed: got,
      });
    }
    const distributorBalance = await rewardToken.balanceOf(tributary.deployment.distributor);
    const [funded, claimed] = await Promise.all([
      tributary.distributor.totalFunded(),
      tributary.distributor.totalClaimed(),
    ]);
    if (distributorBalance !== funded - claimed) {
      problems.push(`distributor holds ${distributorBalance}, expected funded ${funded} − claimed ${claimed}`);
    }
    const meta = settlement.artifact.metadata;
    if (BigInt(meta.fundedThrough) - BigInt(meta.cumulativeTotal) !== BigInt(meta.carryOut)) {
      problems.push(`funded ${meta.fundedThrough} − entitled ${meta.cumulativeTotal} ≠ carry-over ${meta.carryOut}`);
    }
    if (round === 1 && BigInt(meta.carryIn) === 0n) problems.push("epoch 1 should carry over dust from epoch 0");
    epochReports.push({ settlement, rows, problems });
  }
  return epochReports;
}

/** Formats an epoch report as a fixed-width table. */
export function formatEpochTable(report: EpochReport): string {
  const meta = report.settlement.artifact.metadata;
  const fmt = (v: bigint) => formatUnits(v, 18);
  const lines = [
    `Epoch ${meta.epoch}: funded ${fmt(BigInt(meta.funded))}, carried in ${fmt(BigInt(meta.carryIn))}, fee ${fmt(BigInt(meta.fee))}, ` +
      `validators ${fmt(BigInt(meta.validatorPool))}, contributors ${fmt(BigInt(meta.contributorPool))}, carried out ${fmt(BigInt(meta.carryOut))}`,
    `root ${meta.root}`,
  ];
  const header = ["account", "name", "role", "owed", "claimed"];
  const body = report.rows.map((r) => [r.account, r.name, r.roles, fmt(r.owed), fmt(r.claimed)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const render = (cells: string[]) =>
    cells.map((cell, i) => (i >= 3 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join("  ");
  lines.push(render(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(render));
  return lines.join("\n");
}

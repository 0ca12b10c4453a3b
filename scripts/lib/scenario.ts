/**
 * The demo scenario: two epochs of a small Tributary network, from deployment to claims, with three
 * pools in three tokens: the network pool (TRWD, grants spread over every output), a chat dapp's pool
 * (TUSD, 6 decimals, limited to the open-corpus datanet) and a search dapp's pool (TSRC).
 * Used by `npm run demo` (embedded network), the app's seeding, and the end-to-end tests.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { NetworkConnection } from "hardhat/types/network";
import { formatUnits, id, parseUnits, type Signer } from "ethers";
import {
  claim,
  claimMany,
  connectTributary,
  createDatanet,
  createPool,
  fundPool,
  hashFileBytes,
  register,
  registerBatch,
  relayRegistration,
  settle,
  signRegistration,
  verify,
  withRunner,
  devChainWaitUntil,
  type AttributionRecord,
  type RawRpcProvider,
  type SettleResult,
  type SettlementArtifact,
  type TributaryContracts,
  type TributaryDeployment,
} from "../../client/index.js";
import { FileSettlementStore } from "../../client/node/index.js";
import { TributaryDemoModule } from "../../deploy/modules/Tributary.js";
import { MockERC20__factory, type MockERC20 } from "../../typechain-types/index.js";
import {
  performValidatorAction,
  type ValidatorAction,
  type ValidatorActionResult,
  type ValidatorRound,
} from "./validatorActions.js";

export const EPOCH_SECONDS = 86_400n;
export const CHALLENGE_SECONDS = 3_600n;
/** The demo refunds a dapp pool after one idle epoch, so that two epochs show a refund. */
export const DEMO_IDLE_REFUND_EPOCHS = 1n;
const TOKEN = (n: string | number) => parseUnits(String(n), 18);
const USD = (n: string | number) => parseUnits(String(n), 6);

/** The people of the scenario. */
export interface Cast {
  admin: Signer;
  treasury: Signer;
  curator: Signer;
  /** The chat dapp: owns the TUSD pool and relays gasless registrations. */
  dapp: Signer;
  /** The search dapp: owns the TSRC pool. */
  searchDapp: Signer;
  validators: Signer[];
  contributors: Signer[];
}

/** A deployed suite and its demo tokens. */
export interface DemoSuite {
  tributary: TributaryContracts;
  deployment: TributaryDeployment;
  stakeToken: MockERC20;
  /** The network pool's token (18 decimals). */
  rewardToken: MockERC20;
  /** The chat dapp's token, 6 decimals. */
  stableToken: MockERC20;
  /** The search dapp's token (18 decimals). */
  creditToken: MockERC20;
  cast: Cast;
}

/** Datanets and pools created by {@link setupNetwork}. */
export interface DemoNetwork {
  /** The open corpus: datasets, models, evaluations. */
  corpusDatanet: bigint;
  /** Code. */
  codeDatanet: bigint;
  /** The chat dapp's pool, in TUSD, limited to the corpus datanet. */
  chatPool: bigint;
  /** The search dapp's pool, in TSRC, open to every datanet. */
  searchPool: bigint;
}

/** One (account, token) row of an epoch's table. */
export interface EpochRow {
  account: string;
  name: string;
  token: string;
  symbol: string;
  decimals: number;
  roles: string;
  owed: bigint;
  claimed: bigint;
}

/** A settled epoch whose entitlements were all claimed, and what failed to reconcile. */
export interface ReconciledEpoch {
  epoch: bigint;
  /** The settlement's artifact, as the claims used it. */
  artifact: SettlementArtifact;
  rows: EpochRow[];
  /** Token address (lowercase) → symbol and decimals. */
  tokens: Map<string, { symbol: string; decimals: number }>;
  problems: string[];
}

/** What one epoch settled by the operator (`settle`) looked like. */
export interface EpochReport extends ReconciledEpoch {
  settlement: SettleResult;
}

/** A network connection from `network.create()`, embedded or over HTTP. */
export type Connection = NetworkConnection<"l1"> | NetworkConnection | NetworkConnection<string>;

/**
 * Who plays which part, by account order: admin, treasury, curator, chat dapp, 4 validators,
 * 5 contributors, search dapp.
 */
export function castFrom(signers: Signer[]): Cast {
  const [admin, treasury, curator, dapp, ...rest] = signers;
  return {
    admin: admin!,
    treasury: treasury!,
    curator: curator!,
    dapp: dapp!,
    validators: rest.slice(0, 4),
    contributors: rest.slice(4, 9),
    searchDapp: rest[9]!,
  };
}

/** Deploys the suite with demo tokens; genesis is the current block's time. */
export async function deployDemoSuite(
  connection: Connection,
  options: { idleRefundEpochs?: bigint } = {},
): Promise<DemoSuite> {
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
        idleRefundEpochs: options.idleRefundEpochs ?? DEMO_IDLE_REFUND_EPOCHS,
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
    settlementBoard: await deployed.settlementBoard.getAddress(),
    settlementDisputes: await deployed.settlementDisputes.getAddress(),
    contributionChallenges: await deployed.contributionChallenges.getAddress(),
    deployBlock,
  };
  const tributary = connectTributary(deployment, admin);
  const token = async (contract: { getAddress(): Promise<string> }) =>
    MockERC20__factory.connect(await contract.getAddress(), admin);
  return {
    tributary,
    deployment,
    stakeToken: await token(deployed.stakeToken),
    rewardToken: await token(deployed.rewardToken),
    stableToken: await token(deployed.stableToken),
    creditToken: await token(deployed.creditToken),
    cast,
  };
}

/** Moves the chain's clock to `timestamp` and mines a block there. */
async function travelTo(connection: Connection, timestamp: bigint) {
  await connection.networkHelpers.time.increaseTo(timestamp);
}

/** The demo validators' stakes, in TSTK, in cast order. */
export const VALIDATOR_STAKES = [TOKEN(1_000), TOKEN(800), TOKEN(600), TOKEN(400)];

/** Stakes the four validators, creates two datanets and the two dapps' pools. */
export async function setupNetwork(suite: DemoSuite, log: (line: string) => void = () => {}): Promise<DemoNetwork> {
  const { tributary, cast, stakeToken } = suite;
  for (const [i, v] of cast.validators.entries()) {
    await (await stakeToken.mint(await v.getAddress(), VALIDATOR_STAKES[i]!)).wait();
    await performValidatorAction(withRunner(tributary, v), { kind: "stake", amount: VALIDATOR_STAKES[i]! });
  }
  log(`4 validators staked ${VALIDATOR_STAKES.map((s) => formatUnits(s, 18).replace(/\.0$/, "")).join(", ")} TSTK`);
  return createDatanetsAndPools(suite, log);
}

/** Creates two datanets and the two dapps' pools (the validators are staked already). */
export async function createDatanetsAndPools(
  suite: DemoSuite,
  log: (line: string) => void = () => {},
): Promise<DemoNetwork> {
  const { tributary, cast } = suite;
  const as = (signer: Signer) => withRunner(tributary, signer);
  const corpusDatanet = await createDatanet(as(cast.curator), { metadataUri: "ipfs://bafy-datanet/open-corpus" });
  const codeDatanet = await createDatanet(as(cast.curator), { metadataUri: "ipfs://bafy-datanet/code" });
  log(`datanets ${corpusDatanet} (open corpus) and ${codeDatanet} (code) created`);
  const chatPool = await createPool(as(cast.dapp), {
    token: await suite.stableToken.getAddress(),
    datanets: [corpusDatanet],
  });
  const searchPool = await createPool(as(cast.searchDapp), { token: await suite.creditToken.getAddress() });
  log(
    `pools: 0 network (TRWD, all outputs), ${chatPool} chat dapp (TUSD, datanet ${corpusDatanet} only), ${searchPool} search dapp (TSRC)`,
  );
  return { corpusDatanet, codeDatanet, chatPool, searchPool };
}

/** The validators' part of an epoch of the scenario. */
export interface ValidatorWork {
  /** Content hashes of the genuine contributions, to accept. */
  accept: string[];
  /** Content hashes of the spam, to reject. */
  reject: string[];
  /** A record the ledger must refuse: a chat-pool output drawing on the code datanet. */
  refusedRecord: AttributionRecord;
  /** The epoch's attribution records, sorted by output id; they must become final. */
  records: AttributionRecord[];
}

/** What the validators' part produced: the final batches, and why the refused record was refused. */
export interface ValidatorOutcome {
  batchIds: bigint[];
  refusal: string;
}

/**
 * Carries out the validators' part of an epoch: in the demo's own process ({@link actInProcess}), or
 * by validator nodes that vote, propose and attest on their own (scripts/lib/throughNodes.ts).
 */
export type ValidatorsAct = (work: ValidatorWork) => Promise<ValidatorOutcome>;

/**
 * The scenario's validator work as rounds. Validators 1-3 accept the genuine contributions and reject
 * the spam; validator 4 dissents once, rejecting the first contribution. Validator 1 proposes the
 * batch, validator 4 rejects it, 2 and 3 attest it. The vote that decides an item is cast in a round of
 * its own: a decided item takes no more votes, and a vote estimated for gas before another one decided
 * the item would run out of gas once it is the deciding one. With stakes 1000/800/600/400 and a 2/3
 * quorum, no two of validators 1-3 decide an item alone.
 */
function validatorRounds(work: ValidatorWork): {
  votes: ValidatorRound[];
  proposal: ValidatorRound;
  attestations: (batchId: bigint) => ValidatorRound[];
} {
  const votes: ValidatorAction[] = [
    ...work.accept.map((contentHash) => ({ kind: "vote" as const, contentHash, accept: true })),
    ...work.reject.map((contentHash) => ({ kind: "vote" as const, contentHash, accept: false })),
  ];
  const dissent: ValidatorAction[] = work.accept
    .slice(0, 1)
    .map((contentHash) => ({ kind: "vote", contentHash, accept: false }));
  return {
    votes: [
      [
        { validator: 0, actions: votes },
        { validator: 3, actions: dissent },
      ],
      [{ validator: 1, actions: votes }],
      [{ validator: 2, actions: votes }],
    ],
    proposal: [
      {
        validator: 0,
        actions: [
          { kind: "propose", records: [work.refusedRecord], expectRefusal: true },
          { kind: "propose", records: work.records },
        ],
      },
    ],
    attestations: (batchId) => [
      [
        { validator: 3, actions: [{ kind: "attest", batchId, support: false }] },
        { validator: 1, actions: [{ kind: "attest", batchId, support: true }] },
      ],
      [{ validator: 2, actions: [{ kind: "attest", batchId, support: true }] }],
    ],
  };
}

/**
 * The validators act in this process, with the cast's signers, one after another, by
 * {@link validatorRounds}: for the embedded network, where the test's process holds every key.
 */
export function actInProcess(suite: DemoSuite): ValidatorsAct {
  const runRound = async (round: ValidatorRound): Promise<ValidatorActionResult[][]> => {
    const results: ValidatorActionResult[][] = [];
    for (const { validator, actions } of round) {
      const as = withRunner(suite.tributary, suite.cast.validators[validator]!);
      const done: ValidatorActionResult[] = [];
      for (const action of actions) done.push(await performValidatorAction(as, action));
      results.push(done);
    }
    return results;
  };
  return async (work) => {
    const rounds = validatorRounds(work);
    for (const round of rounds.votes) await runRound(round);
    const [[refused, proposed]] = (await runRound(rounds.proposal)) as [ValidatorActionResult[]];
    if (refused?.kind !== "refused" || proposed?.kind !== "propose") {
      throw new Error(`unexpected proposal results ${JSON.stringify([refused, proposed])}`);
    }
    for (const round of rounds.attestations(proposed.batchId)) await runRound(round);
    return { batchIds: [proposed.batchId], refusal: refused.message };
  };
}

/** How {@link seedEpoch} runs: who does the validators' part, and where the contributions' content is. */
export interface SeedEpochOptions {
  /** The validators' part. Default {@link actInProcess}. */
  act?: ValidatorsAct;
  /**
   * A directory to write each contribution's content to, registered under a `file://` URI and the
   * content hash of the file (docs/content-hash.md), so that a validator can fetch and check it. The
   * spam's file does not match the hash registered for it. Without it the URIs are `ipfs://` names
   * that nothing serves.
   */
  contentDirectory?: string;
}

/**
 * One epoch of activity in the current epoch: registrations (direct, batched, gasless), votes,
 * an attribution batch whose records name the three pools and that becomes final, and the funding of
 * the pools. In round 1 the search dapp funds its pool but has no output attributed, so its pool is
 * idle. `round` varies the content. `options.act` carries out the validators' part (votes, the batch).
 */
export async function seedEpoch(
  connection: Connection,
  suite: DemoSuite,
  net: DemoNetwork,
  round: number,
  log: (line: string) => void = () => {},
  options: SeedEpochOptions = {},
): Promise<bigint> {
  const { tributary, cast } = suite;
  const act = options.act ?? actInProcess(suite);
  const as = (signer: Signer) => withRunner(tributary, signer);
  let outputs = 0;
  const output = () => id(`round-${round}-output-${++outputs}`);
  const bytes = (label: string) => new TextEncoder().encode(label);
  /** A contribution's content: its registered hash and its URI (with the file written, if asked). */
  const content = async (label: string, stored = bytes(label)) => {
    const contentHash = hashFileBytes(bytes(label));
    if (!options.contentDirectory) return { contentHash, uri: `ipfs://${label}` };
    const file = path.resolve(options.contentDirectory, `${label}.txt`);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, stored);
    return { contentHash, uri: pathToFileURL(file).href };
  };
  const epoch = await tributary.distributor.currentEpoch();
  log(`--- epoch ${epoch} ---`);
  const [c1, c2, c3, c4, c5] = cast.contributors as [Signer, Signer, Signer, Signer, Signer];
  // A dev chain mines on demand: move its clock past each commitment's minimum age.
  const waitUntil = devChainWaitUntil(connection.ethers.provider as unknown as RawRpcProvider);
  // Contributors register: direct, batched and gasless (relayed by the chat dapp).
  const datanetId = net.corpusDatanet;
  const dataset = await content(`dataset-a-${round}`);
  const a = await register(as(c1), { datanetId, ...dataset, waitUntil });
  const models = await Promise.all([1, 2, 3].map((n) => content(`model-b${n}-${round}`)));
  const b = await registerBatch(as(c2), {
    datanetId,
    contentHashes: models.map((m) => m.contentHash),
    uris: models.map((m) => m.uri),
    waitUntil,
  });
  const head = await connection.ethers.provider.getBlock("latest");
  const code = await content(`code-c-${round}`);
  const signed = await signRegistration(tributary, {
    signer: c3,
    datanetId: net.codeDatanet,
    contentHashes: [code.contentHash],
    uris: [code.uri],
    deadline: BigInt(head!.timestamp) + 3_600n,
  });
  const c = await relayRegistration(as(cast.dapp), { signed, waitUntil });
  const evaluation = await content(`eval-d-${round}`);
  const d = await register(as(c4), { datanetId, ...evaluation, waitUntil });
  // The spam claims content its file does not hold.
  const spamContent = await content(`spam-${round}`, bytes(`not what spam-${round} registered`));
  const spam = await register(as(c5), { datanetId, ...spamContent, waitUntil });
  log(
    `registered contributions ${[...a.ids, ...b.ids, ...c.ids, ...d.ids, ...spam.ids].join(", ")} (one relayed gaslessly, in the code datanet)`,
  );

  // Attribution: each record names the pool that pays for its output, and declares its value in
  // 18-decimal units whatever the pool's token (the network pool weighs every record by it). The chat pool takes only
  // the corpus datanet, so a chat record drawing on the code datanet is refused on chain.
  const [idA, idB1, idB2, idB3, idC, idD] = [a.ids[0]!, ...b.ids, c.ids[0]!, d.ids[0]!] as bigint[];
  const refusedRecord: AttributionRecord = {
    outputId: output(),
    poolId: net.chatPool,
    value: TOKEN(1),
    vector: [{ contributionId: idC!, weightBps: 10_000 }],
  };
  const records: AttributionRecord[] = [
    {
      outputId: output(),
      poolId: net.chatPool,
      value: TOKEN(3),
      vector: [
        { contributionId: idA!, weightBps: 6_000 },
        { contributionId: idB1!, weightBps: 4_000 },
      ],
    },
    {
      outputId: output(),
      poolId: net.chatPool,
      value: TOKEN(2),
      vector: [
        { contributionId: idB2!, weightBps: 5_000 },
        { contributionId: idB3!, weightBps: 5_000 },
      ],
    },
    { outputId: output(), poolId: 0n, value: TOKEN(round + 1), vector: [{ contributionId: idD!, weightBps: 10_000 }] },
  ];
  if (round === 0) {
    records.push({
      outputId: output(),
      poolId: net.searchPool,
      value: TOKEN(1),
      vector: [
        { contributionId: idA!, weightBps: 2_500 },
        { contributionId: idC!, weightBps: 2_500 },
        { contributionId: idD!, weightBps: 5_000 },
      ],
    });
  }
  records.sort((x, y) => (BigInt(x.outputId) < BigInt(y.outputId) ? -1 : 1));

  // Validators vote (the spam is rejected), propose the batch and attest it until it is final.
  const accepted = [...a.contentHashes, ...b.contentHashes, ...c.contentHashes, ...d.contentHashes];
  const outcome = await act({ accept: accepted, reject: spam.contentHashes, refusedRecord, records });
  log(`contributions decided: ${accepted.length} accepted, ${spam.contentHashes.length} rejected`);
  log(`a chat record drawing on the code datanet is refused: ${outcome.refusal}`);
  const batches = outcome.batchIds.join(", ");
  log(`attribution batch${outcome.batchIds.length > 1 ? "es" : ""} ${batches} with ${records.length} records final`);

  // The dapps fund their pools with inference fees; a grant funds the network pool.
  const fundings: [Signer, MockERC20, bigint, bigint, string][] = [
    [cast.dapp, suite.stableToken, net.chatPool, round === 0 ? USD("5000") : USD("2500.5"), "TUSD"],
    [cast.searchDapp, suite.creditToken, net.searchPool, TOKEN(round === 0 ? 3_000 : 1_000), "TSRC"],
    [cast.admin, suite.rewardToken, 0n, TOKEN(round === 0 ? 10_000 : 7_777), "TRWD"],
  ];
  for (const [funder, token, poolId, amount, symbol] of fundings) {
    await (await token.mint(await funder.getAddress(), amount)).wait();
    await fundPool(as(funder), { poolId, epoch, amount });
    log(`pool ${poolId} funded for epoch ${epoch} with ${formatUnits(amount, symbol === "TUSD" ? 6 : 18)} ${symbol}`);
  }
  return epoch;
}

/** Names of the cast's accounts and the suite's tokens, for the tables. */
export interface ScenarioLabels {
  /** Account address (lowercase) → name. */
  names: Map<string, string>;
  /** Token address (lowercase) → symbol and decimals. */
  tokens: Map<string, { symbol: string; decimals: number }>;
}

export async function scenarioLabels(suite: DemoSuite): Promise<ScenarioLabels> {
  const { cast } = suite;
  const names = new Map<string, string>();
  const name = async (signer: Signer, label: string) => names.set((await signer.getAddress()).toLowerCase(), label);
  await name(cast.treasury, "treasury");
  await name(cast.dapp, "chat-dapp");
  await name(cast.searchDapp, "search-dapp");
  for (const [i, v] of cast.validators.entries()) await name(v, `validator-${i + 1}`);
  for (const [i, c] of cast.contributors.entries()) await name(c, `contributor-${i + 1}`);
  const tokens = new Map<string, { symbol: string; decimals: number }>();
  for (const t of [suite.rewardToken, suite.stableToken, suite.creditToken]) {
    tokens.set((await t.getAddress()).toLowerCase(), {
      symbol: await t.symbol(),
      decimals: Number(await t.decimals()),
    });
  }
  return { names, tokens };
}

/** Runs the two-epoch scenario, logging as it goes, and returns a report per epoch. */
export async function runScenario(
  connection: Connection,
  suite: DemoSuite,
  options: { artifactsDirectory: string; log?: (line: string) => void },
): Promise<EpochReport[]> {
  const log = options.log ?? (() => {});
  const { tributary, cast } = suite;
  const as = (signer: Signer) => withRunner(tributary, signer);
  const labels = await scenarioLabels(suite);
  const net = await setupNetwork(suite, log);

  const epochReports: EpochReport[] = [];
  for (let round = 0; round < 2; round++) {
    const epoch = await seedEpoch(connection, suite, net, round, log);
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
    const reconciled = await claimAndReconcile(connection, suite, net, labels, settlement.artifact, round);
    epochReports.push({ ...reconciled, settlement });
  }
  return epochReports;
}

/**
 * Once `artifact`'s settlement is on chain: waits out its challenge window (moving the dev chain's
 * clock), claims every entitlement through the client (a few one token at a time, the rest in one batch)
 * and reconciles: every account got exactly what it was owed in every token; per token, the distributor
 * holds funded − claimed and the artifact's funded − entitled equals its pools' carry-over. `round` is
 * the scenario round the epoch played (round 1 also checks the idle refund and the carried dust).
 */
export async function claimAndReconcile(
  connection: Connection,
  suite: DemoSuite,
  net: DemoNetwork,
  labels: ScenarioLabels,
  artifact: SettlementArtifact,
  round: number,
): Promise<ReconciledEpoch> {
  const { tributary, cast } = suite;
  const { names, tokens } = labels;
  const as = (signer: Signer) => withRunner(tributary, signer);
  const epoch = BigInt(artifact.metadata.epoch);
  const [, pending] = await tributary.distributor.latestSettlement();
  if (pending) {
    const [latest] = await tributary.distributor.latestSettlement();
    await travelTo(connection, latest.activatesAt);
  }
  const key = (account: string, token: string) => `${account.toLowerCase()}:${token.toLowerCase()}`;
  const claimedNow = new Map<string, bigint>();
  const owedRows = artifact.metadata.amounts.filter((x) => BigInt(x.amount) > 0n);
  for (const row of owedRows.slice(0, 3)) {
    const { paid } = await claim(as(cast.dapp), { artifact, account: row.account, token: row.token });
    claimedNow.set(key(row.account, row.token), paid);
  }
  const rest = owedRows.slice(3);
  if (rest.length > 0) {
    const balance = (row: (typeof rest)[number]) =>
      MockERC20__factory.connect(row.token, cast.admin).balanceOf(row.account);
    const before = await Promise.all(rest.map(balance));
    await claimMany(as(cast.admin), {
      artifact,
      requests: rest.map((r) => ({ account: r.account, token: r.token })),
    });
    const after = await Promise.all(rest.map(balance));
    rest.forEach((row, i) => claimedNow.set(key(row.account, row.token), after[i]! - before[i]!));
  }

  const problems: string[] = [];
  const rows: EpochRow[] = [];
  for (const row of artifact.metadata.amounts) {
    const owed = BigInt(row.amount);
    const got = claimedNow.get(key(row.account, row.token)) ?? 0n;
    const info = tokens.get(row.token.toLowerCase())!;
    if (owed !== got) {
      problems.push(`${row.account} was owed ${owed} ${info.symbol} in epoch ${epoch} but claimed ${got}`);
    }
    const claimedTotal = await tributary.distributor.claimedOf(row.account, row.token);
    if (claimedTotal !== BigInt(row.cumulativeAmount)) {
      problems.push(
        `${row.account} has claimed ${claimedTotal} ${info.symbol} in total but is entitled to ${row.cumulativeAmount}`,
      );
    }
    rows.push({
      account: row.account,
      name: names.get(row.account.toLowerCase()) ?? "",
      token: row.token,
      symbol: info.symbol,
      decimals: info.decimals,
      roles: row.roles.join("+") || "-",
      owed,
      claimed: got,
    });
  }
  const meta = artifact.metadata;
  for (const t of meta.tokens) {
    const contract = MockERC20__factory.connect(t.token, cast.admin);
    const [balance, funded, claimed] = await Promise.all([
      contract.balanceOf(tributary.deployment.distributor),
      tributary.distributor.totalFundedOf(t.token),
      tributary.distributor.totalClaimedOf(t.token),
    ]);
    const symbol = tokens.get(t.token.toLowerCase())?.symbol ?? t.token;
    if (balance !== funded - claimed) {
      problems.push(`${symbol}: distributor holds ${balance}, expected funded ${funded} − claimed ${claimed}`);
    }
    if (BigInt(t.fundedThrough) - BigInt(t.cumulativeTotal) !== BigInt(t.carryOut)) {
      problems.push(`${symbol}: funded ${t.fundedThrough} − entitled ${t.cumulativeTotal} ≠ carry-over ${t.carryOut}`);
    }
    const poolCarry = meta.pools.filter((p) => p.token === t.token).reduce((sum, p) => sum + BigInt(p.carryOut), 0n);
    if (poolCarry !== BigInt(t.carryOut)) {
      problems.push(`${symbol}: its pools carry ${poolCarry}, the token's carry-over is ${t.carryOut}`);
    }
  }
  const search = meta.pools.find((p) => BigInt(p.poolId) === net.searchPool);
  if (round === 1 && (!search || BigInt(search.refund) === 0n)) {
    problems.push("the idle search pool should have been refunded to its owner in epoch 1");
  }
  const network = meta.pools.find((p) => p.poolId === "0");
  if (round === 1 && (!network || BigInt(network.carryIn) === 0n)) {
    problems.push("the network pool should carry dust from epoch 0 into epoch 1");
  }
  return { epoch, artifact, rows, tokens, problems };
}

/** Formats an epoch report as fixed-width tables: per pool, per token, and per account and token. */
/** Decimals the demo's tables show; reconciliation compares exact base units, never these. */
export const DISPLAY_DECIMALS = 6;

/**
 * `value` base units of a `decimals`-decimal token, rounded half-up to {@link DISPLAY_DECIMALS}
 * decimals, trailing zeros dropped; `≈` marks a rounded value.
 */
export function formatRounded(value: bigint, decimals: number, places = DISPLAY_DECIMALS): string {
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  let shown = magnitude;
  let shownDecimals = decimals;
  if (decimals > places) {
    const step = 10n ** BigInt(decimals - places);
    shown = (magnitude + step / 2n) / step;
    shownDecimals = places;
  }
  const text = formatUnits(shown, shownDecimals).replace(/\.0$/, "");
  const exact = decimals <= places || shown * 10n ** BigInt(decimals - places) === magnitude;
  return `${exact ? "" : "≈"}${negative ? "-" : ""}${text}`;
}

export function formatEpochTable(report: ReconciledEpoch): string {
  const meta = report.artifact.metadata;
  const info = (token: string) => report.tokens.get(token.toLowerCase()) ?? { symbol: token, decimals: 18 };
  const round = (token: string, v: string | bigint) => formatRounded(BigInt(v), info(token).decimals);
  const amount = (token: string, v: string | bigint) => `${round(token, v)} ${info(token).symbol}`;
  const table = (header: string[], body: string[][], rightFrom: number) => {
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
    const render = (cells: string[]) =>
      cells.map((cell, i) => (i >= rightFrom ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join("  ");
    return [render(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(render)].join("\n");
  };
  const pools = table(
    [
      "pool",
      "token",
      "records",
      "funded",
      "carried in",
      "fee",
      "validators",
      "contributors",
      "paid",
      "refund",
      "carried out",
    ],
    meta.pools.map((p) => [
      p.poolId === "0" ? "0 network" : p.poolId,
      info(p.token).symbol,
      String(p.recordCount),
      ...[p.funded, p.carryIn, p.fee, p.validatorPool, p.contributorPool, p.paid, p.refund, p.carryOut].map((v) =>
        round(p.token, v),
      ),
    ]),
    2,
  );
  const tokenTable = table(
    ["token", "index", "funded through", "entitled (signed total)", "carried out"],
    meta.tokens.map((t) => [
      info(t.token).symbol,
      String(t.index),
      amount(t.token, t.fundedThrough),
      amount(t.token, t.cumulativeTotal),
      amount(t.token, t.carryOut),
    ]),
    1,
  );
  const key = (account: string, token: string) => `${account.toLowerCase()}:${token.toLowerCase()}`;
  const cumulative = new Map(meta.amounts.map((a) => [key(a.account, a.token), BigInt(a.cumulativeAmount)] as const));
  const idle = report.rows.filter((r) => r.owed === 0n);
  const accounts = table(
    ["account", "name", "role", "token", "owed", "claimed", "entitled in total"],
    report.rows.map((r) => [
      r.account,
      r.name + (r.owed === 0n ? " *" : ""),
      r.roles,
      r.symbol,
      formatRounded(r.owed, r.decimals),
      formatRounded(r.claimed, r.decimals),
      formatRounded(cumulative.get(key(r.account, r.token)) ?? 0n, r.decimals),
    ]),
    4,
  );
  const legend = [
    "Pools: records = attribution records the pool paid for; funded = funding for this epoch; carried in/out =",
    "  unallocated funds from the previous epoch / into the next; fee = protocol fee to the treasury; validators /",
    "  contributors = the pool's shares for each; paid = what accounts were allocated from those two shares",
    "  (rounding dust is carried out); refund = an idle dapp pool's funds returned to its owner.",
    "Tokens: funded through = every funding up to this epoch; entitled = the cumulative total the validators signed;",
    "  carried out = funded through - entitled.",
    "Accounts: owed = allocated this epoch; claimed = paid out by this epoch's claims; entitled in total = the",
    "  cumulative amount in the account's leaf (what claim() checks), all epochs so far.",
    `Amounts are in each token's own decimals, shown to at most ${DISPLAY_DECIMALS} decimals (≈ marks a rounded`,
    "  value); the reconciliation compares exact base units.",
  ];
  if (idle.length > 0) {
    legend.push(
      "* owed nothing this epoch: the account keeps a leaf because the tree is cumulative; its entitlement is",
      "  from earlier epochs (and already claimed then).",
    );
  }
  return [
    `Epoch ${meta.epoch}  root ${meta.root}`,
    "Pools:",
    pools,
    "Tokens:",
    tokenTable,
    "Accounts:",
    accounts,
    ...legend,
  ].join("\n");
}

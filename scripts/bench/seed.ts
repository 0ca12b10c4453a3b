/**
 * Seeds a big history fast on a real `hardhat node`, for the settle and node benchmarks: one validator
 * holding quorum alone (each vote decides, each batch is final at once), gasless registrations relayed
 * in bulk, and attribution batches of 200 records, all sent without waiting and mined in large blocks
 * with automine off.
 */
import { network } from "hardhat";
import { Wallet, id, parseUnits, type JsonRpcProvider, type Signer } from "ethers";
import {
  computeCommitment,
  encodeRecords,
  REGISTRATION_TYPES,
  withRunner,
  type AttributionRecord,
} from "../../client/index.js";
import { deployDemoSuite, type DemoSuite } from "../lib/scenario.js";

const TOKEN = (n: number | string) => parseUnits(String(n), 18);

type Connection = Awaited<ReturnType<typeof network.create>>;

/** A suite on a hardhat node, ready to be seeded. */
export interface BenchChain {
  connection: Connection;
  provider: JsonRpcProvider;
  suite: DemoSuite;
  admin: Signer;
  adminAddress: string;
  /** The one validator, holding quorum alone. */
  validator: Signer;
  validatorAddress: string;
}

/** Deploys the demo suite on the node at `url`, stakes one validator with quorum and creates datanet 1. */
export async function deployBenchChain(url: string): Promise<BenchChain> {
  const connection = await network.create({ network: "localhost", override: { url } });
  const provider = connection.ethers.provider as unknown as JsonRpcProvider;
  const suite = await deployDemoSuite(connection);
  const { tributary, cast, stakeToken, deployment } = suite;
  const validator = cast.validators[0]!;
  const validatorAddress = await validator.getAddress();
  await (await stakeToken.mint(validatorAddress, TOKEN(10_000))).wait();
  await (await stakeToken.connect(validator).approve(deployment.staking, TOKEN(10_000))).wait();
  await (await withRunner(tributary, validator).staking.stake(TOKEN(10_000))).wait();
  await (await withRunner(tributary, cast.curator).registry.createDatanet("ipfs://bench")).wait();
  return {
    connection,
    provider,
    suite,
    admin: cast.admin,
    adminAddress: await cast.admin.getAddress(),
    validator,
    validatorAddress,
  };
}

/**
 * Sends many transactions from node-managed accounts without waiting, and mines them `perBlock` at a
 * time. Automine is off between {@link start} and {@link stop}.
 */
export class BulkSender {
  private readonly nonces = new Map<string, number>();
  private readonly pending: Promise<string>[] = [];

  private constructor(private readonly provider: JsonRpcProvider) {}

  static async start(provider: JsonRpcProvider, accounts: string[]): Promise<BulkSender> {
    const sender = new BulkSender(provider);
    await provider.send("evm_setAutomine", [false]);
    // Nonces are assigned here, synchronously, so concurrent sends never collide.
    for (const account of accounts) {
      sender.nonces.set(account, await provider.getTransactionCount(account, "pending"));
    }
    return sender;
  }

  /** Sends a transaction; mines the pending ones once there are `perBlock` of them. */
  async send(tx: { from: string; to: string; data: string; gas: number }, perBlock: number): Promise<void> {
    const nonce = this.nonces.get(tx.from);
    if (nonce === undefined) throw new Error(`BulkSender was not started for ${tx.from}`);
    this.nonces.set(tx.from, nonce + 1);
    this.pending.push(
      this.provider.send("eth_sendTransaction", [
        { from: tx.from, to: tx.to, data: tx.data, gas: "0x" + tx.gas.toString(16), nonce: "0x" + nonce.toString(16) },
      ]),
    );
    if (this.pending.length >= perBlock) await this.flush();
  }

  /** Mines what was sent and fails loudly if any of it reverted, so seeding never goes silently empty. */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const hashes = await Promise.all(this.pending.splice(0));
    await this.provider.send("evm_mine", []);
    const receipts = await Promise.all(hashes.map((h) => this.provider.getTransactionReceipt(h)));
    const failed = receipts.filter((r) => !r || r.status !== 1).length;
    if (failed > 0) throw new Error(`${failed} of ${hashes.length} seeding transactions reverted`);
  }

  /** Mines what is pending and turns automine back on. */
  async stop(): Promise<void> {
    await this.flush();
    await this.provider.send("evm_setAutomine", [true]);
  }
}

/**
 * Registers `count` contributors in datanet 1 (gasless: each signs, the admin relays the commitment
 * and then the reveal) and has the validator accept each. Their contributions get ids 1 to `count`.
 */
export async function registerContributors(chain: BenchChain, count: number, log: (line: string) => void) {
  const { provider, suite, adminAddress, validatorAddress } = chain;
  const { tributary, deployment } = suite;
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
  const wallets = Array.from({ length: count }, (_, i) => new Wallet(id(`bench-contributor-${i}`)));
  const [, name, version, chainId, verifyingContract] = await tributary.registry.eip712Domain();
  const domain = { name, version, chainId, verifyingContract };
  const salt = id("bench");
  const deadline = BigInt((await provider.getBlock("latest"))!.timestamp) + 86_400n * 365n;
  const minAge = await tributary.registry.commitmentMinAge();
  const registry = tributary.registry.interface;
  const hashes = wallets.map((_, i) => id(`bench-content-${i}`));

  const bulk = await BulkSender.start(provider, [adminAddress, validatorAddress]);
  for (const [i, w] of wallets.entries()) {
    const commitment = computeCommitment(w.address, 1n, [hashes[i]!], salt);
    await bulk.send(
      {
        from: adminAddress,
        to: deployment.registry,
        data: registry.encodeFunctionData("commit", [commitment]),
        gas: 80_000,
      },
      500,
    );
  }
  await bulk.flush();
  log(`  ${count} commitments posted (${elapsed()})`);
  // Reveals wait until the commitments are old enough.
  await chain.connection.networkHelpers.time.increase(minAge);
  for (const [i, w] of wallets.entries()) {
    const request = {
      contributor: w.address,
      datanetId: 1n,
      contentHashes: [hashes[i]!],
      uris: [`ipfs://c/${i}`],
      salt,
      deadline,
    };
    const signature = await w.signTypedData(domain, REGISTRATION_TYPES, { ...request, nonce: 0n });
    const data = registry.encodeFunctionData("registerBySig", [request, signature]);
    await bulk.send({ from: adminAddress, to: deployment.registry, data, gas: 200_000 }, 250);
  }
  await bulk.flush();
  log(`  ${count} contributions registered (${elapsed()})`);
  for (const hash of hashes) {
    const data = registry.encodeFunctionData("vote", [hash, true]);
    await bulk.send({ from: validatorAddress, to: deployment.registry, data, gas: 150_000 }, 400);
  }
  await bulk.stop();
  log(`  ${count} contributions accepted (${elapsed()})`);
}

/**
 * Attributes outputs `firstOutput` to `firstOutput + count − 1` in batches of 200 records, each naming
 * 1 to 3 of contributions 1 to `contributors`; the validator proposes them and, holding quorum, makes
 * them final in the block they are mined in.
 */
export async function attributeOutputs(
  chain: BenchChain,
  o: { firstOutput: number; count: number; contributors: number },
): Promise<void> {
  const { tributary, deployment } = chain.suite;
  const bulk = await BulkSender.start(chain.provider, [chain.validatorAddress]);
  const end = o.firstOutput + o.count;
  for (let start = o.firstOutput; start < end; start += 200) {
    const records = benchRecords(start, Math.min(200, end - start), o.contributors);
    const data = tributary.ledger.interface.encodeFunctionData("propose", [encodeRecords(records)]);
    await bulk.send({ from: chain.validatorAddress, to: deployment.ledger, data, gas: 8_000_000 }, 3);
  }
  await bulk.stop();
}

/** Records of outputs `first` to `first + count − 1`, deterministic, over contributions 1 to `contributors`. */
function benchRecords(first: number, count: number, contributors: number): AttributionRecord[] {
  return Array.from({ length: count }, (_, r) => {
    const outputIndex = first + r;
    const n = 1 + (outputIndex % 3);
    const start = (outputIndex * 7919) % (contributors - 3);
    const vector = Array.from({ length: n }, (_, j) => ({
      contributionId: 1n + BigInt(start + j),
      weightBps: j === n - 1 ? 10_000 - Math.floor(10_000 / n) * (n - 1) : Math.floor(10_000 / n),
    }));
    return {
      outputId: "0x" + (outputIndex + 1).toString(16).padStart(64, "0"),
      poolId: 0n,
      value: BigInt(1 + (outputIndex % 1000)) * 10n ** 15n,
      vector,
    };
  });
}

/** Mints and approves `total` reward tokens to the admin, to fund the network pool with. */
export async function prepareFunding(chain: BenchChain, total: bigint): Promise<void> {
  const { rewardToken, deployment } = chain.suite;
  await (await rewardToken.mint(chain.adminAddress, total)).wait();
  await (await rewardToken.connect(chain.admin).approve(deployment.distributor, total)).wait();
}

/** Funds the network pool (pool 0) for `epoch`. */
export async function fundNetworkPool(chain: BenchChain, epoch: bigint, amount: bigint): Promise<void> {
  await (await withRunner(chain.suite.tributary, chain.admin).distributor.fund(0, epoch, amount)).wait();
}

/**
 * End-to-end `settle` of one epoch with 10 000 contributors and 50 000 attributed outputs,
 * against a real `hardhat node` on 127.0.0.1. Seeding is not timed; each settle stage is.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { Wallet, id, parseUnits, type JsonRpcProvider } from "ethers";
import {
  computeCommitment,
  encodeRecords,
  REGISTRATION_TYPES,
  settle,
  withRunner,
  type AttributionRecord,
} from "../../client/index.js";
import { FileSettlementStore } from "../../client/node/index.js";
import { deployDemoSuite, EPOCH_SECONDS } from "../lib/scenario.js";
import { startHardhatNode } from "../lib/node.js";

export interface SettleResults {
  contributors: number;
  outputs: number;
  indexMs: number;
  allocateMs: number;
  treeMs: number;
  submitMs: number;
  totalMs: number;
  seedMs: number;
  accounts: number;
}

const TOKEN = (n: number | string) => parseUnits(String(n), 18);

export async function measureSettle(
  log: (line: string) => void,
  sizes = { contributors: 10_000, outputs: 50_000 },
): Promise<SettleResults> {
  const node = await startHardhatNode();
  const work = await mkdtemp(path.join(os.tmpdir(), "tributary-bench-settle-"));
  try {
    const seedStarted = Date.now();
    const connection = await network.create({ network: "localhost", override: { url: node.url } });
    const provider = connection.ethers.provider as unknown as JsonRpcProvider;
    const suite = await deployDemoSuite(connection);
    const { tributary, cast, stakeToken, rewardToken, deployment } = suite;
    const admin = cast.admin;
    const adminAddress = await admin.getAddress();
    const validator = cast.validators[0]!;
    const validatorAddress = await validator.getAddress();

    // One validator holds quorum alone, so each vote decides and each batch is final at once.
    await (await stakeToken.mint(validatorAddress, TOKEN(10_000))).wait();
    await (await stakeToken.connect(validator).approve(deployment.staking, TOKEN(10_000))).wait();
    await (await withRunner(tributary, validator).staking.stake(TOKEN(10_000))).wait();
    await (await withRunner(tributary, cast.curator).registry.createDatanet("ipfs://bench")).wait();

    // Sends many transactions from one node-managed account without waiting, then mines them.
    await provider.send("evm_setAutomine", [false]);
    // Nonces are assigned here, synchronously, so concurrent sends never collide.
    const nonces = new Map<string, number>([
      [adminAddress, await provider.getTransactionCount(adminAddress, "pending")],
      [validatorAddress, await provider.getTransactionCount(validatorAddress, "pending")],
    ]);
    const send = (from: string, to: string, data: string, gas: number) => {
      const nonce = nonces.get(from)!;
      nonces.set(from, nonce + 1);
      return provider.send("eth_sendTransaction", [
        { from, to, data, gas: "0x" + gas.toString(16), nonce: "0x" + nonce.toString(16) },
      ]);
    };
    // Mines what was sent and fails loudly if any of it reverted, so seeding never goes silently empty.
    const flush = async (pending: Promise<unknown>[]) => {
      const hashes = (await Promise.all(pending)) as string[];
      pending.length = 0;
      await provider.send("evm_mine", []);
      const receipts = await Promise.all(hashes.map((h) => provider.getTransactionReceipt(h)));
      const failed = receipts.filter((r) => !r || r.status !== 1).length;
      if (failed > 0) throw new Error(`${failed} of ${hashes.length} seeding transactions reverted`);
    };

    // Contributors sign gasless registrations; the dapp relays commitments, then reveals.
    const wallets = Array.from({ length: sizes.contributors }, (_, i) => new Wallet(id(`bench-contributor-${i}`)));
    const [, name, version, chainId, verifyingContract] = await tributary.registry.eip712Domain();
    const domain = { name, version, chainId, verifyingContract };
    const salt = id("bench");
    const deadline = BigInt((await provider.getBlock("latest"))!.timestamp) + 86_400n * 365n;
    const registry = tributary.registry.interface;
    const hashes = wallets.map((_, i) => id(`bench-content-${i}`));
    const pending: Promise<unknown>[] = [];
    for (const [i, w] of wallets.entries()) {
      pending.push(
        send(
          adminAddress,
          deployment.registry,
          registry.encodeFunctionData("commit", [computeCommitment(w.address, 1n, [hashes[i]!], salt)]),
          80_000,
        ),
      );
      if (pending.length === 500) await flush(pending);
    }
    await flush(pending);
    log(`  ${wallets.length} commitments posted`);
    // Reveals wait until the commitments are old enough.
    await connection.networkHelpers.time.increase(await tributary.registry.commitmentMinAge());
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
      pending.push(
        send(
          adminAddress,
          deployment.registry,
          registry.encodeFunctionData("registerBySig", [request, signature]),
          200_000,
        ),
      );
      if (pending.length === 250) await flush(pending);
    }
    await flush(pending);
    log(`  ${wallets.length} contributions registered`);
    for (const hash of hashes) {
      pending.push(
        send(validatorAddress, deployment.registry, registry.encodeFunctionData("vote", [hash, true]), 150_000),
      );
      if (pending.length === 400) await flush(pending);
    }
    await flush(pending);
    log(`  ${hashes.length} contributions accepted`);

    // Attribution: outputs in batches of 200 records, 1 to 3 contributions each.
    const firstId = 1n;
    const perBatch = 200;
    let outputIndex = 0;
    while (outputIndex < sizes.outputs) {
      const records: AttributionRecord[] = [];
      for (let r = 0; r < perBatch && outputIndex < sizes.outputs; r++, outputIndex++) {
        const n = 1 + (outputIndex % 3);
        const start = (outputIndex * 7919) % (sizes.contributors - 3);
        const vector = Array.from({ length: n }, (_, j) => ({
          contributionId: firstId + BigInt(start + j),
          weightBps: j === n - 1 ? 10_000 - Math.floor(10_000 / n) * (n - 1) : Math.floor(10_000 / n),
        }));
        records.push({
          outputId: "0x" + (outputIndex + 1).toString(16).padStart(64, "0"),
          poolId: 0n,
          value: BigInt(1 + (outputIndex % 1000)) * 10n ** 15n,
          vector,
        });
      }
      pending.push(
        send(
          validatorAddress,
          deployment.ledger,
          tributary.ledger.interface.encodeFunctionData("propose", [encodeRecords(records)]),
          8_000_000,
        ),
      );
      if (pending.length === 3) await flush(pending);
    }
    await flush(pending);
    await provider.send("evm_setAutomine", [true]);
    log(`  ${sizes.outputs} outputs attributed`);

    await (await rewardToken.mint(adminAddress, TOKEN(1_000_000))).wait();
    await (await rewardToken.connect(admin).approve(deployment.distributor, TOKEN(1_000_000))).wait();
    await (await withRunner(tributary, admin).distributor.fund(0, 0, TOKEN(1_000_000))).wait();
    const genesis = await tributary.distributor.GENESIS();
    await connection.networkHelpers.time.increaseTo(genesis + EPOCH_SECONDS + 1n);
    const seedMs = Date.now() - seedStarted;
    log(`  seeded in ${(seedMs / 1000).toFixed(1)} s; settling…`);

    const started = Date.now();
    const result = await settle(withRunner(tributary, admin), {
      epoch: 0n,
      validators: [validator],
      store: new FileSettlementStore(work),
      index: { chunkSize: 2_000 },
    });
    const totalMs = Date.now() - started;
    return {
      contributors: sizes.contributors,
      outputs: sizes.outputs,
      indexMs: Math.round(result.timings.indexMs),
      allocateMs: Math.round(result.timings.allocateMs),
      treeMs: Math.round(result.timings.treeMs),
      submitMs: Math.round(result.timings.signMs + result.timings.submitMs),
      totalMs,
      seedMs,
      accounts: result.artifact.values.length,
    };
  } finally {
    await node.stop();
    await rm(work, { recursive: true, force: true });
  }
}

/** Shared mocha fixtures: the demo suite deployed through Ignition, plus small helpers. */
import type { NetworkConnection } from "hardhat/types/network";
import { id, keccak256, parseUnits, toUtf8Bytes, type Signer } from "ethers";
import {
  computeCommitment,
  connectTributary,
  SETTLEMENT_TYPES,
  SettlementTree,
  withRunner,
  type SettlementEntry,
  type SettlementMessage,
  type TributaryContracts,
} from "../../client/index.js";
import { deployDemoSuite, type DemoSuite } from "../../scripts/lib/scenario.js";

export const TOKEN = (n: number | string) => parseUnits(String(n), 18);
export const ZERO_SALT = "0x" + "00".repeat(32);

export interface Fixture extends DemoSuite {
  /** Validators with 1000, 800, 600 and 400 tokens bonded (total 2800; quorum 66.67 %, 1866.76 tokens). */
  validators: Signer[];
  contributors: Signer[];
  datanetId: bigint;
  as: (signer: Signer) => TributaryContracts;
}

/** Options of {@link deployFixture}. */
export interface FixtureOptions {
  /**
   * Accounts made slashers before anything is staked, when `scheduleSlasher` applies at once; once stake
   * exists a new slasher waits `GOVERNANCE_DELAY`, which tests that slash directly cannot afford.
   */
  slashers?: Signer[];
  /** The distributor's idle-refund delay, in epochs (the demo's default otherwise). */
  idleRefundEpochs?: bigint;
}

/** Deploys the suite, stakes four validators and creates one datanet. */
export async function deployFixture(connection: NetworkConnection, options: FixtureOptions = {}): Promise<Fixture> {
  const suite = await deployDemoSuite(
    connection,
    options.idleRefundEpochs === undefined ? {} : { idleRefundEpochs: options.idleRefundEpochs },
  );
  const as = (signer: Signer) => withRunner(suite.tributary, signer);
  for (const slasher of options.slashers ?? []) {
    await (await suite.tributary.staking.scheduleSlasher(await slasher.getAddress())).wait();
  }
  const stakes = [1000, 800, 600, 400];
  for (const [i, v] of suite.cast.validators.entries()) {
    await (await suite.stakeToken.mint(await v.getAddress(), TOKEN(stakes[i]!))).wait();
    await (await suite.stakeToken.connect(v).approve(suite.deployment.staking, TOKEN(stakes[i]!))).wait();
    await (await as(v).staking.stake(TOKEN(stakes[i]!))).wait();
  }
  await (await as(suite.cast.curator).registry.createDatanet("ipfs://datanet")).wait();
  return { ...suite, validators: suite.cast.validators, contributors: suite.cast.contributors, datanetId: 1n, as };
}

/** Moves the chain's clock `seconds` on and mines a block (dev chains only). */
export async function advanceTime(f: Fixture, seconds: bigint | number): Promise<void> {
  const provider = f.tributary.runner.provider as unknown as {
    send(method: string, params: unknown[]): Promise<unknown>;
  };
  await provider.send("evm_increaseTime", [Number(seconds)]);
  await provider.send("evm_mine", []);
}

/** Mints `amount` stake tokens to `validator` and approves the staking contract, without staking them. */
export async function fundStake(f: Fixture, validator: Signer, amount: bigint): Promise<void> {
  await (await f.stakeToken.mint(await validator.getAddress(), amount)).wait();
  await (await f.stakeToken.connect(validator).approve(f.deployment.staking, amount)).wait();
}

/** Mints, approves and bonds `amount` for `validator`. */
export async function stakeFor(f: Fixture, validator: Signer, amount: bigint): Promise<void> {
  await fundStake(f, validator, amount);
  await (await f.as(validator).staking.stake(amount)).wait();
}

/** Posts (from the admin) the commitment for `contributor` registering `contentHash` in the datanet; returns it. */
export async function commitFor(
  f: Fixture,
  contributor: Signer,
  contentHash: string,
  salt = ZERO_SALT,
): Promise<string> {
  const commitment = computeCommitment(await contributor.getAddress(), f.datanetId, [contentHash], salt);
  await (await f.tributary.registry.commit(commitment)).wait();
  return commitment;
}

/** The latest block's timestamp. */
export async function latestTimestamp(f: Fixture): Promise<bigint> {
  return BigInt((await f.tributary.runner.provider!.getBlock("latest"))!.timestamp);
}

/**
 * Stamps the next block `timestamp` and sends `send()`, so a test can name exact seconds (dev chains only).
 * A call that fails gas estimation mines nothing, and the stamp then waits for the next transaction.
 */
export async function sendAt<T>(f: Fixture, timestamp: bigint, send: () => Promise<T>): Promise<T> {
  const provider = f.tributary.runner.provider as unknown as {
    send(method: string, params: unknown[]): Promise<unknown>;
  };
  await provider.send("evm_setNextBlockTimestamp", [Number(timestamp)]);
  return send();
}

/** Waits out the registry's minimum commitment age on a dev chain. */
export async function ageCommitment(f: Fixture): Promise<void> {
  await advanceTime(f, await f.tributary.registry.commitmentMinAge());
}

/** Commits and reveals one contribution for `contributor` in `datanetId` (the fixture's by default); returns its id. */
export async function registerOne(
  f: Fixture,
  contributor: Signer,
  label: string,
  datanetId: bigint = f.datanetId,
): Promise<bigint> {
  const hash = id(label);
  const address = await contributor.getAddress();
  await (await f.tributary.registry.commit(computeCommitment(address, datanetId, [hash], ZERO_SALT))).wait();
  await ageCommitment(f);
  const registry = f.as(contributor).registry;
  const tx = await registry.register(datanetId, hash, `ipfs://${label}`, ZERO_SALT);
  const receipt = await tx.wait();
  for (const log of receipt!.logs) {
    const parsed = registry.interface.parseLog(log);
    if (parsed?.name === "ContributionRegistered") return parsed.args.id as bigint;
  }
  throw new Error("no ContributionRegistered event");
}

/** Registers a contribution (content hash `id(label)`) in `datanetId` and has validators 1-3 accept it. */
export async function acceptedContribution(
  f: Fixture,
  contributor: Signer,
  label: string,
  datanetId: bigint = f.datanetId,
): Promise<bigint> {
  const contributionId = await registerOne(f, contributor, label, datanetId);
  for (const v of f.validators.slice(0, 3)) await (await f.as(v).registry.vote(id(label), true)).wait();
  return contributionId;
}

export { connectTributary };

/** The data URI settlements are submitted with unless a test names another. */
export const SETTLEMENT_URI = "ipfs://settlement";

/** A settlement tree over `(account, token, cumulativeAmount)` leaves, built with the client's {@link SettlementTree}. */
export function settlementTree(entries: readonly SettlementEntry[]): SettlementTree {
  return SettlementTree.build(entries);
}

/** Anything that signs settlements: the suite's distributor or another deployment. */
interface SettlementDomain {
  getAddress(): Promise<string>;
  eip712Domain(): Promise<[string, string, string, bigint, string, string, bigint[]]>;
}

/** The EIP-712 message of a settlement of `epoch` with one cumulative total per covered token; the deadline is a day on. */
export async function settlementMessage(
  f: Fixture,
  epoch: bigint,
  root: string,
  cumulativeTotals: bigint[],
  uri = SETTLEMENT_URI,
): Promise<SettlementMessage> {
  return {
    epoch,
    root,
    cumulativeTotals,
    dataUriHash: keccak256(toUtf8Bytes(uri)),
    deadline: (await latestTimestamp(f)) + 86_400n,
  };
}

/**
 * Signs `message` by every signer, in strictly increasing signer address order as `submitSettlement`
 * requires, for `distributor` (the suite's by default).
 */
export async function signSorted(
  f: Fixture,
  message: SettlementMessage,
  signers: Signer[],
  distributor: SettlementDomain = f.tributary.distributor,
): Promise<string[]> {
  const [, name, version, chainId, verifyingContract] = await distributor.eip712Domain();
  const withAddress = await Promise.all(signers.map(async (s) => ({ s, a: (await s.getAddress()).toLowerCase() })));
  withAddress.sort((x, y) => (x.a < y.a ? -1 : x.a > y.a ? 1 : 0));
  return Promise.all(
    withAddress.map(({ s }) =>
      s.signTypedData({ name, version, chainId, verifyingContract }, SETTLEMENT_TYPES, { ...message }),
    ),
  );
}

/** Submits (from the admin) the settlement of `epoch`, signed by validators 1-3 unless told otherwise. */
export async function submitSettlement(
  f: Fixture,
  epoch: bigint,
  root: string,
  cumulativeTotals: bigint[],
  options: { signers?: Signer[]; uri?: string } = {},
) {
  const uri = options.uri ?? SETTLEMENT_URI;
  const message = await settlementMessage(f, epoch, root, cumulativeTotals, uri);
  const signatures = await signSorted(f, message, options.signers ?? f.validators.slice(0, 3));
  return f.tributary.distributor.submitSettlement(epoch, root, cumulativeTotals, uri, message.deadline, signatures);
}

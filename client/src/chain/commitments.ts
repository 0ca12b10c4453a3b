import type { ContractTransactionReceipt } from "ethers";
import type { TributaryContracts } from "./contracts.js";
import { ContractRevertError, InvalidInputError } from "../rules/errors.js";
import { wrapCall } from "./calls.js";

/** A posted commitment: the transaction that posted it ("" when someone else did) and when. */
export interface PostedCommitment {
  transaction: string;
  committedAt: bigint;
}

/** What the registration actions share: posting a commitment, waiting for its age, reading ids. */
export async function postCommitment(tributary: TributaryContracts, commitment: string): Promise<PostedCommitment> {
  // Anyone may post a commitment, including someone copying ours from the mempool. It binds our
  // address, so a copy only saves us the transaction: reveal against it.
  const existing = await tributary.registry.commitments(commitment);
  if (existing !== 0n) return { transaction: "", committedAt: existing };
  try {
    return await wrapCall("commit", async () => {
      const receipt = (await (await tributary.registry.commit(commitment)).wait())!;
      return { transaction: receipt.hash, committedAt: await tributary.registry.commitments(commitment) };
    });
  } catch (error) {
    // Someone posted the same commitment between our check and our transaction: still harmless.
    if (error instanceof ContractRevertError && error.errorName === "CommitmentAlreadyPosted") {
      return { transaction: "", committedAt: await tributary.registry.commitments(commitment) };
    }
    throw error;
  }
}

/** Resolves once the chain's time has reached `timestamp` (seconds). */
export type WaitUntil = (timestamp: bigint) => Promise<void>;

/**
 * Waits until `commitment`, posted at `committedAt`, may be revealed (`commitmentMinAge` later),
 * through `waitUntil`, or by polling the latest block when none is given.
 */
export async function waitForRevealable(
  tributary: TributaryContracts,
  committedAt: bigint,
  waitUntil: WaitUntil | undefined,
): Promise<void> {
  const [minAge, maxAge] = await Promise.all([
    tributary.registry.commitmentMinAge(),
    tributary.registry.commitmentMaxAge(),
  ]);
  const revealableAt = committedAt + minAge;
  if (waitUntil) await waitUntil(revealableAt);
  else await pollChainTime(tributary, revealableAt, committedAt + maxAge);
}

async function pollChainTime(tributary: TributaryContracts, target: bigint, giveUpAt: bigint): Promise<void> {
  const provider = tributary.runner.provider;
  if (!provider) throw new InvalidInputError("the signer is not connected to a provider");
  const started = Date.now();
  for (;;) {
    const block = await provider.getBlock("latest");
    const now = BigInt(block?.timestamp ?? 0);
    if (now >= target) return;
    // A chain whose clock does not move (a dev chain that mines only on demand) never gets there.
    const waitedSeconds = BigInt(Math.floor((Date.now() - started) / 1000));
    if (now >= giveUpAt || waitedSeconds > target - now + 300n) {
      throw new InvalidInputError(
        `the chain's time is ${now} and the commitment can be revealed from ${target}, but the chain's clock is not ` +
          "advancing; on a dev chain pass waitUntil: devChainWaitUntil(provider)",
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}
export function registeredIds(tributary: TributaryContracts, receipt: ContractTransactionReceipt): bigint[] {
  const ids: bigint[] = [];
  for (const log of receipt.logs) {
    const parsed = tributary.registry.interface.parseLog(log);
    if (parsed?.name === "ContributionRegistered") ids.push(parsed.args.id as bigint);
  }
  return ids;
}

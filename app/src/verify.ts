/**
 * What an account can claim, from a node's rewards API, checked against the chain before the app
 * shows it or sends its calldata. The one place the app trusts the API's proofs: when the client
 * gains `fetchRewards` (the same checks, with typed errors), this module's export is replaced by it.
 */
import { getAddress } from "ethers";
import { prepareKeccak, verifySettlementProof, type TributaryContracts } from "../../client/index.js";
import { apiGet, RewardsApiError, type RewardsAnswer } from "./api.js";

/** One token's reward, checked: the proof holds against the active root on chain, the calldata is that claim. */
export interface VerifiedReward {
  /** Checksummed. */
  token: string;
  cumulative: bigint;
  /** `claimedOf` on chain, read now. */
  claimed: bigint;
  /** `cumulative − claimed`. */
  claimable: bigint;
  proof: string[];
  /** The API's transaction, byte for byte the `claim(account, token, cumulative, proof)` it was checked to be. */
  claim: { to: string; data: string };
}

export interface VerifiedRewards {
  account: string;
  /** The active settlement on chain, or null before any. */
  activeEpoch: bigint | null;
  activeRoot: string | null;
  rewards: VerifiedReward[];
}

/** How long the node caches chain reads: an answer that old may still name the previous active root. */
const API_CACHE_MS = 2_500;

/**
 * The account's rewards from the API at `apiUrl`, each checked against the chain: the active epoch and
 * root, the proof of `(account, token, cumulative)`, and the calldata. Claimed and claimable amounts
 * are read from the chain, not taken from the API.
 * @throws {RewardsApiError} `API_UNAVAILABLE` when the API cannot answer, `API_MISMATCH` when its answer
 * is not what the chain holds.
 */
export async function fetchVerifiedRewards(
  tributary: TributaryContracts,
  { apiUrl, account }: { apiUrl: string; account: string },
): Promise<VerifiedRewards> {
  try {
    return await fetchAndCheck(tributary, apiUrl, account);
  } catch (error) {
    // A settlement that just became active may not have reached the node's cache yet: ask once more.
    if (!(error instanceof RewardsApiError) || !error.message.includes("active settlement")) throw error;
    await new Promise((resolve) => setTimeout(resolve, API_CACHE_MS));
    return fetchAndCheck(tributary, apiUrl, account);
  }
}

async function fetchAndCheck(
  tributary: TributaryContracts,
  apiUrl: string,
  accountInput: string,
): Promise<VerifiedRewards> {
  const account = getAddress(accountInput);
  const [answer, active] = await Promise.all([
    apiGet<RewardsAnswer>(apiUrl, `v1/accounts/${account}/rewards`),
    tributary.distributor.activeSettlement(),
    prepareKeccak(),
  ]);
  const lie = (what: string) =>
    new RewardsApiError(
      "API_MISMATCH",
      `The rewards API at ${apiUrl} does not agree with the chain (${what}); nothing was claimed.`,
    );
  if (!sameAddress(answer.account, account)) throw lie(`it answered for ${answer.account}`);
  const hasActive = BigInt(active.root) !== 0n;
  if (!hasActive) {
    if (answer.activeRoot !== null || answer.rewards.length > 0) throw lie("it names an active settlement; none is");
    return { account, activeEpoch: null, activeRoot: null, rewards: [] };
  }
  if (
    answer.activeRoot?.toLowerCase() !== active.root.toLowerCase() ||
    answer.activeEpoch !== active.epoch.toString()
  ) {
    throw lie(
      `active settlement: epoch ${answer.activeEpoch} root ${answer.activeRoot}, on chain epoch ${active.epoch} root ${active.root}`,
    );
  }
  const distributor = await tributary.distributor.getAddress();
  const rewards: VerifiedReward[] = [];
  for (const r of answer.rewards) {
    const token = getAddress(r.token);
    const cumulative = BigInt(r.cumulative);
    if (!verifySettlementProof(active.root, account, token, cumulative, r.proof)) {
      throw lie(`the proof of ${r.cumulative} in ${token} does not hold against the active root`);
    }
    const data = tributary.distributor.interface.encodeFunctionData("claim", [account, token, cumulative, r.proof]);
    if (!sameAddress(r.claim.to, distributor) || r.claim.data.toLowerCase() !== data.toLowerCase()) {
      throw lie(`the claim transaction for ${token} is not that proof's claim on the distributor`);
    }
    const claimed = await tributary.distributor.claimedOf(account, token);
    rewards.push({
      token,
      cumulative,
      claimed,
      claimable: cumulative > claimed ? cumulative - claimed : 0n,
      proof: r.proof,
      claim: { to: distributor, data },
    });
  }
  return { account, activeEpoch: active.epoch, activeRoot: active.root, rewards };
}

const sameAddress = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

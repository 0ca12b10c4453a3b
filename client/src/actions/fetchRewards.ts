import type { TributaryContracts } from "../chain/contracts.js";
import { providerOf } from "../chain/indexer.js";
import { rpc } from "../chain/rpc.js";
import { TributaryError } from "../rules/errors.js";
import { EMPTY_SETTLEMENT_ROOT, verifySettlementProof } from "../rules/merkle.js";
import type { ProofResult } from "../rules/proof.js";
import { requireAddress } from "../rules/validation.js";

/** A rewards API could not be reached or did not answer 200 with JSON. Nothing it said was used. */
export class RewardsApiUnavailableError extends TributaryError {
  readonly url: string;
  /** The HTTP status, when the server answered. */
  readonly status?: number;
  constructor(url: string, message: string, options?: { cause?: unknown; status?: number }) {
    super("REWARDS_API_UNAVAILABLE", message, options);
    this.url = url;
    if (options?.status !== undefined) this.status = options.status;
  }
}

/**
 * A rewards API answered something the chain contradicts, or that is malformed: a wrong root, a
 * proof that does not prove its leaf, a stale claimed amount, calldata for another claim. Do not use
 * that server; nothing it said was returned.
 */
export class UntrustedResponseError extends TributaryError {
  readonly url: string;
  /** The member of the answer at fault, e.g. `activeRoot` or `rewards[1].proof`. */
  readonly field: string;
  readonly expected: string;
  readonly actual: string;
  constructor(url: string, field: string, expected: string, actual: string) {
    super(
      "UNTRUSTED_RESPONSE",
      `the rewards API at ${url} cannot be trusted: its ${field} is ${actual}, but ${expected} was expected; ` +
        `use another node's API, or the artifact (fetchArtifact)`,
    );
    this.url = url;
    this.field = field;
    this.expected = expected;
    this.actual = actual;
  }
}

/** Parameters of {@link fetchRewards}. */
export interface FetchRewardsParameters {
  /** The base URL of a validator node's API, e.g. `https://node.example`. It need not be trusted. */
  apiUrl: string | URL;
  account: string;
  /** The fetch to use; default `globalThis.fetch`. */
  fetch?: (url: string, init?: RequestInit) => Promise<Response>;
}

/** One token's reward, every number checked against the chain; pass it to `claim` as `entitlement`. */
export interface VerifiedReward extends ProofResult {
  /** Claimed so far, as the distributor records it. */
  claimed: bigint;
  /** `cumulativeAmount − claimed`. */
  claimable: bigint;
  /** The transaction that claims it: `claim(account, token, cumulativeAmount, proof)` on the distributor. */
  claim: { to: string; data: string };
}

/** Result of {@link fetchRewards}. */
export interface FetchRewardsResult {
  /** Checksummed. */
  account: string;
  /** The epoch of the active settlement; undefined while none is active. */
  activeEpoch?: bigint;
  /** The active root; undefined while none is active. */
  activeRoot?: string;
  rewards: VerifiedReward[];
}

/** The JSON a node answers to `GET /v1/accounts/{account}/rewards` (amounts as decimal strings). */
export interface RewardsApiResponse {
  account: string;
  activeEpoch: string | null;
  activeRoot: string | null;
  rewards: {
    token: string;
    cumulative: string;
    claimed: string;
    claimable: string;
    proof: string[];
    claim: { to: string; data: string };
  }[];
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;
const HEX32 = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/**
 * Reads `account`'s rewards from a node's API (`GET <apiUrl>/v1/accounts/<account>/rewards`) and
 * trusts none of it: the active root must be the distributor's, each proof must prove its leaf
 * (account, token, cumulative) against it, `claimed` must be the distributor's, `claimable` their
 * difference, and the claim transaction exactly that claim on the distributor. A token the server
 * leaves out is simply missing; everything returned is safe to claim.
 * @example
 * const { rewards } = await fetchRewards(tributary, { apiUrl: "https://node.example", account });
 * for (const reward of rewards) if (reward.claimable > 0n) await claim(tributary, { entitlement: reward });
 * @throws {InvalidInputError} a malformed account or API URL.
 * @throws {RewardsApiUnavailableError} the API could not be reached, or did not answer 200 with JSON.
 * @throws {UntrustedResponseError} the answer is malformed or the chain contradicts it.
 * @throws {RpcError} the node kept failing.
 */
export async function fetchRewards(
  tributary: TributaryContracts,
  parameters: FetchRewardsParameters,
): Promise<FetchRewardsResult> {
  const account = requireAddress(parameters.account, "account");
  const url = rewardsUrl(parameters.apiUrl, account);
  const body = await getJson(url, parameters.fetch ?? globalThis.fetch.bind(globalThis));
  const untrusted = (field: string, expected: unknown, actual: unknown) =>
    new UntrustedResponseError(
      url,
      field,
      String(expected),
      typeof actual === "string" ? actual : JSON.stringify(actual),
    );
  const response = checkShape(body, untrusted);

  const { distributor } = tributary;
  const blockTag = await rpc("eth_blockNumber", () => providerOf(tributary).getBlockNumber());
  const active = await rpc("activeSettlement", () => distributor.activeSettlement({ blockTag }));
  if (response.account.toLowerCase() !== account.toLowerCase()) throw untrusted("account", account, response.account);

  // A zero root is no settlement yet or an empty one: nothing can be claimed against it.
  const hasRoot = active.root !== EMPTY_SETTLEMENT_ROOT;
  if (!hasRoot) {
    if (response.activeRoot !== null && response.activeRoot.toLowerCase() !== EMPTY_SETTLEMENT_ROOT) {
      throw untrusted("activeRoot", "null (no active root on chain)", response.activeRoot);
    }
    if (response.rewards.length > 0) throw untrusted("rewards", "none (no active root on chain)", response.rewards);
    return { account, rewards: [] };
  }
  if (response.activeRoot?.toLowerCase() !== active.root.toLowerCase()) {
    throw untrusted("activeRoot", active.root, response.activeRoot);
  }
  if (response.activeEpoch !== String(active.epoch)) throw untrusted("activeEpoch", active.epoch, response.activeEpoch);

  const distributorAddress = await distributor.getAddress();
  const seen = new Set<string>();
  const rewards: VerifiedReward[] = [];
  for (const [i, entry] of response.rewards.entries()) {
    const field = (name: string) => `rewards[${i}].${name}`;
    const token = requireAddress(entry.token);
    if (seen.has(token)) throw untrusted(field("token"), "each token once", `${token} again`);
    seen.add(token);
    const cumulativeAmount = BigInt(entry.cumulative);
    if (!verifySettlementProof(active.root, account, token, cumulativeAmount, entry.proof)) {
      throw untrusted(
        field("proof"),
        `a proof of (${account}, ${token}, ${cumulativeAmount}) against ${active.root}`,
        entry.proof,
      );
    }
    const claimed = await rpc("claimedOf", () => distributor.claimedOf(account, token, { blockTag }));
    if (BigInt(entry.claimed) !== claimed) throw untrusted(field("claimed"), claimed, entry.claimed);
    const claimable = cumulativeAmount - claimed;
    if (BigInt(entry.claimable) !== claimable) throw untrusted(field("claimable"), claimable, entry.claimable);

    if (entry.claim.to.toLowerCase() !== distributorAddress.toLowerCase()) {
      throw untrusted(field("claim.to"), distributorAddress, entry.claim.to);
    }
    const proof = entry.proof.map((p) => p.toLowerCase());
    const data = distributor.interface.encodeFunctionData("claim", [account, token, cumulativeAmount, proof]);
    if (entry.claim.data.toLowerCase() !== data.toLowerCase()) {
      throw untrusted(field("claim.data"), describeClaim(tributary, data), describeClaim(tributary, entry.claim.data));
    }
    rewards.push({
      account,
      token,
      cumulativeAmount,
      proof,
      root: active.root,
      claimed,
      claimable,
      claim: { to: distributorAddress, data },
    });
  }
  return { account, activeEpoch: active.epoch, activeRoot: active.root, rewards };
}

function rewardsUrl(apiUrl: string | URL, account: string): string {
  let base: URL;
  try {
    base = new URL(apiUrl);
  } catch (error) {
    throw new RewardsApiUnavailableError(String(apiUrl), `the API URL "${String(apiUrl)}" is not a URL`, {
      cause: error,
    });
  }
  if (base.protocol !== "http:" && base.protocol !== "https:") {
    throw new RewardsApiUnavailableError(base.href, `the API URL ${base.href} must be http(s)`);
  }
  base.pathname = `${base.pathname.replace(/\/+$/, "")}/v1/accounts/${account}/rewards`;
  return base.href;
}

async function getJson(url: string, fetcher: NonNullable<FetchRewardsParameters["fetch"]>): Promise<unknown> {
  let response: Response;
  try {
    response = await fetcher(url, { cache: "no-store", headers: { accept: "application/json" } });
  } catch (error) {
    throw new RewardsApiUnavailableError(
      url,
      `cannot reach the rewards API at ${url}: ${(error as Error).message}; check the URL and that the node is up`,
      { cause: error },
    );
  }
  if (!response.ok) {
    throw new RewardsApiUnavailableError(
      url,
      `the rewards API at ${url} answered HTTP ${response.status}; check the URL, or try another node`,
      { status: response.status },
    );
  }
  try {
    return await response.json();
  } catch (error) {
    throw new RewardsApiUnavailableError(url, `the rewards API at ${url} did not answer JSON`, {
      cause: error,
      status: response.status,
    });
  }
}

/** Checks the answer's shape: every member present, decimal amounts, hex roots and proofs. */
function checkShape(
  body: unknown,
  untrusted: (field: string, expected: unknown, actual: unknown) => UntrustedResponseError,
): RewardsApiResponse {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  const expect = (ok: boolean, field: string, expected: string, actual: unknown) => {
    if (!ok) throw untrusted(field, expected, actual);
  };
  const matches = (v: unknown, pattern: RegExp) => typeof v === "string" && pattern.test(v);
  expect(isObject(body), "body", "an object", body);
  const b = body as Record<string, unknown>;
  expect(matches(b.account, ADDRESS), "account", "an address", b.account);
  expect(b.activeEpoch === null || matches(b.activeEpoch, DECIMAL), "activeEpoch", "null or a decimal", b.activeEpoch);
  expect(b.activeRoot === null || matches(b.activeRoot, HEX32), "activeRoot", "null or a 32-byte hex", b.activeRoot);
  expect(Array.isArray(b.rewards), "rewards", "an array", b.rewards);
  (b.rewards as unknown[]).forEach((r, i) => {
    const field = (name: string) => `rewards[${i}].${name}`;
    expect(isObject(r), `rewards[${i}]`, "an object", r);
    const e = r as Record<string, unknown>;
    expect(matches(e.token, ADDRESS), field("token"), "an address", e.token);
    for (const name of ["cumulative", "claimed", "claimable"]) {
      expect(matches(e[name], DECIMAL), field(name), "a decimal string", e[name]);
    }
    expect(
      Array.isArray(e.proof) && e.proof.every((p) => matches(p, HEX32)),
      field("proof"),
      "an array of 32-byte hex nodes",
      e.proof,
    );
    const c = e.claim as Record<string, unknown>;
    expect(isObject(c) && matches(c.to, ADDRESS), field("claim.to"), "an address", c?.to);
    expect(matches(c.data, /^0x([0-9a-fA-F]{2})*$/), field("claim.data"), "hex calldata", c.data);
  });
  return body as RewardsApiResponse;
}

/** Calldata as `claim(account, token, cumulativeAmount, [proof])`, for an error message. */
function describeClaim(tributary: TributaryContracts, data: string): string {
  try {
    const call = tributary.distributor.interface.parseTransaction({ data });
    if (!call) return `unknown calldata ${data.slice(0, 10)}`;
    const args = [...call.args].map((a) => (Array.isArray(a) ? `[${a.join(", ")}]` : String(a)));
    return `${call.name}(${args.join(", ")})`;
  } catch {
    return `undecodable calldata ${data.slice(0, 10)}…`;
  }
}

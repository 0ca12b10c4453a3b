/**
 * Tributary's reference dapp: contributors register files and follow their status, validators
 * vote, and everyone sees each epoch and claims. It talks to the chain only through the typed
 * client, with an injected EIP-1193 wallet or the local node's accounts.
 */
import {
  BrowserProvider,
  getAddress,
  JsonRpcProvider,
  JsonRpcSigner,
  formatUnits,
  type Eip1193Provider,
  type Signer,
} from "ethers";
import {
  connectTributary,
  erc20At,
  hashFileBytes,
  listContributions,
  listPendingContributions,
  parseDeployment,
  readEpoch,
  register,
  devChainWaitUntil,
  DEV_CHAIN_IDS,
  setRecipient,
  TributaryError,
  vote,
  type TributaryContracts,
} from "../../client/index.js";
import { apiGet, type ContributionAnswer, type ExplainAnswer, type HistoryAnswer, type Rounding } from "./api.js";
import { fetchVerifiedRewards, type VerifiedRewards } from "./verify.js";

interface KnownAccount {
  address: string;
  name: string;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const short = (value: string) => `${value.slice(0, 8)}…${value.slice(-6)}`;
/** `value` base units with `decimals` decimals, grouped, at most 4 fraction digits. */
const units = (value: bigint, decimals = 18) =>
  Number(formatUnits(value, decimals)).toLocaleString("en-US", { maximumFractionDigits: 4 });

const deployment = parseDeployment(await (await fetch("/generated/deployment.json")).json());
const knownAccounts: KnownAccount[] = await (await fetch("/generated/accounts.json")).json();
const provider = new JsonRpcProvider(`${location.origin}/rpc`, undefined, { batchMaxCount: 1, pollingInterval: 250 });
const readOnly = connectTributary(deployment, provider);
/**
 * The node whose rewards API the app reads (docs/api.md): `?api=<url>`, else `VITE_TRIBUTARY_API_URL`
 * at build time (`npm run app` sets it to the node it starts), else a node on this machine.
 */
const viteEnv = (import.meta as ImportMeta & { env?: Record<string, string | undefined> }).env ?? {};
const apiUrl = new URL(
  new URLSearchParams(location.search).get("api") || viteEnv.VITE_TRIBUTARY_API_URL || "http://127.0.0.1:9464",
  location.href,
).href.replace(/\/$/, "");
$("api-url").textContent = apiUrl;

let signer: Signer | undefined;
let me = "";
let tributary: TributaryContracts = readOnly;
let fileBytes: Uint8Array | undefined;
/** The URI the file picker filled in, replaced when another file is picked. */
let autoUri = "";
/**
 * Bumped on every change of account: work started for an earlier account (a refresh, a transaction)
 * may finish, but writes nothing to the page.
 */
let session = 0;
/** The account the recipient field was typed for. */
let recipientTypedFor = "";

/** An allowlisted token, as the app shows it. */
interface TokenInfo {
  address: string;
  symbol: string;
  decimals: number;
}
/** The distributor's allowlist, in allowlist order, with each token's symbol and decimals. */
const tokenList: TokenInfo[] = await Promise.all(
  (await readOnly.distributor.tokens()).map(async (address) => {
    const token = erc20At(address, provider);
    const [symbol, decimals] = await Promise.all([token.symbol(), token.decimals()]);
    return { address: getAddress(address), symbol, decimals: Number(decimals) };
  }),
);
const tokenInfo = (address: string): TokenInfo =>
  tokenList.find((t) => t.address.toLowerCase() === address.toLowerCase()) ?? {
    address,
    symbol: short(address),
    decimals: 18,
  };
/** An amount of `token`, formatted with its decimals and followed by its symbol. */
const amountOf = (token: string, value: bigint) =>
  `${units(value, tokenInfo(token).decimals)} ${tokenInfo(token).symbol}`;
/** Per-token amounts, one per line, in allowlist order; "-" when there are none. */
const perToken = (amounts: Map<string, bigint>) => {
  const lines = tokenList
    .filter((t) => (amounts.get(t.address) ?? 0n) > 0n)
    .map(
      (t) => `<span class="amount" data-symbol="${t.symbol}">${amountOf(t.address, amounts.get(t.address)!)}</span>`,
    );
  return lines.join("<br>") || "-";
};
const recipientToken = $<HTMLSelectElement>("recipient-token");
for (const t of tokenList) {
  const option = document.createElement("option");
  option.value = t.address;
  option.textContent = t.symbol;
  recipientToken.append(option);
}
recipientToken.addEventListener("change", () => void renderRecipient());

const STATUSES = ["register-status", "vote-status", "claim-status", "recipient-status"];

/** Shows `message` in status `id`, unless the account changed since `since` (a session number). */
function say(id: string, message: string, isError = false, since = session) {
  if (since !== session) return;
  const element = $(id);
  element.textContent = message;
  element.classList.toggle("error", isError);
}

function explain(error: unknown): string {
  if (error instanceof TributaryError) return error.message;
  return (error as Error)?.message ?? String(error);
}

/** Clears every status and form field: nothing typed or picked for one account carries over to another. */
function resetForms() {
  for (const id of STATUSES) say(id, "");
  $<HTMLFormElement>("register-form").reset();
  $<HTMLFormElement>("recipient-form").reset();
  fileBytes = undefined;
  autoUri = "";
  recipientTypedFor = "";
  $("content-hash").textContent = "pick a file";
  $<HTMLButtonElement>("register-button").disabled = true;
}

async function useSigner(next: Signer) {
  const mine = ++session;
  delete document.body.dataset.account;
  resetForms();
  signer = undefined;
  me = "";
  tributary = readOnly;
  const address = getAddress(await next.getAddress());
  if (mine !== session) return;
  signer = next;
  me = address;
  tributary = connectTributary(deployment, next);
  await refresh();
}

// --- Connection: the local node's accounts, or an injected wallet.
const select = $<HTMLSelectElement>("account-select");
for (const account of knownAccounts) {
  const option = document.createElement("option");
  option.value = account.address;
  option.textContent = `${account.name} (${short(account.address)})`;
  select.append(option);
}
select.addEventListener("change", () => void useSigner(new JsonRpcSigner(provider, select.value)));
const injected = (window as unknown as { ethereum?: Eip1193Provider }).ethereum;
if (injected) {
  const button = $<HTMLButtonElement>("connect-wallet");
  button.hidden = false;
  button.addEventListener("click", async () => void useSigner(await new BrowserProvider(injected).getSigner()));
  // The wallet may switch accounts on its own: follow it, with everything reset.
  (injected as Eip1193Provider & { on?: (event: string, listener: () => void) => void }).on?.(
    "accountsChanged",
    async () => {
      if (signer instanceof JsonRpcSigner && signer.provider instanceof BrowserProvider) {
        await useSigner(await new BrowserProvider(injected).getSigner());
      }
    },
  );
}

// --- Registration: hash the file in the browser, then commit and reveal.
$<HTMLInputElement>("file").addEventListener("change", async (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  const mine = session;
  // A new file starts afresh: no status about the previous one, no URI filled in for it.
  say("register-status", "");
  fileBytes = undefined;
  $("content-hash").textContent = "pick a file";
  $<HTMLButtonElement>("register-button").disabled = true;
  const uri = $<HTMLInputElement>("uri");
  if (uri.value === autoUri) uri.value = "";
  autoUri = "";
  if (!file) return;
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (mine !== session) return;
  fileBytes = bytes;
  $("content-hash").textContent = hashFileBytes(fileBytes);
  if (!uri.value) uri.value = autoUri = `file://${file.name}`;
  $<HTMLButtonElement>("register-button").disabled = false;
});

$<HTMLFormElement>("register-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!signer || !fileBytes) return say("register-status", "Connect an account and pick a file first.", true);
  const mine = session;
  const client = tributary;
  const button = $<HTMLButtonElement>("register-button");
  button.disabled = true;
  try {
    const minAge = await readOnly.registry.commitmentMinAge();
    say(
      "register-status",
      `Posting the commitment; it can be revealed once it is ${minAge} seconds old, so that nobody who sees the reveal can register the file first…`,
      false,
      mine,
    );
    const { ids } = await register(client, {
      datanetId: BigInt($<HTMLInputElement>("datanet").value || "1"),
      contentHash: hashFileBytes(fileBytes),
      uri: $<HTMLInputElement>("uri").value,
      // The local node mines on demand, so its clock is moved on; a real network's is waited for.
      ...(DEV_CHAIN_IDS.includes(deployment.chainId) ? { waitUntil: devChainWaitUntil(provider) } : {}),
    });
    await refresh();
    say("register-status", `Registered as contribution #${ids[0]}. Validators can now vote on it.`, false, mine);
  } catch (error) {
    say("register-status", explain(error), true, mine);
  } finally {
    if (mine === session) button.disabled = fileBytes === undefined;
  }
});

// --- The chain and its clock.
const CHAIN_NAMES: Record<string, string> = {
  "1": "Ethereum",
  "10": "OP Mainnet",
  "8453": "Base",
  "42161": "Arbitrum One",
  "17000": "Holesky",
  "84532": "Base Sepolia",
  "11155111": "Sepolia",
  "31337": "Hardhat (local node)",
};
const chainId = (await provider.getNetwork()).chainId;
$("chain-name").textContent = CHAIN_NAMES[chainId.toString()] ?? "unknown chain";
$("chain-id").textContent = chainId.toString();
if (chainId !== deployment.chainId) {
  $("chain").classList.add("error");
  $("chain-name").textContent += ` (the deployment is on chain ${deployment.chainId})`;
}
const [genesis, epochDuration] = await Promise.all([
  readOnly.distributor.GENESIS(),
  readOnly.distributor.EPOCH_DURATION(),
]);
/** The chain's time as last read, and the wall-clock time it was read at: the countdown runs from there. */
let clock = { chainTime: 0n, readAt: 0 };

async function readClock() {
  const [block, current] = await Promise.all([provider.getBlock("latest"), readOnly.distributor.currentEpoch()]);
  // A local node mines on demand, so its latest block may be older than the epoch the contracts see.
  const start = genesis + current * epochDuration;
  const latest = BigInt(block?.timestamp ?? 0);
  clock = { chainTime: latest > start ? latest : start, readAt: Date.now() };
  renderClock();
}

function renderClock() {
  if (clock.readAt === 0) return;
  const now = clock.chainTime + BigInt(Math.floor((Date.now() - clock.readAt) / 1000));
  const epoch = now < genesis ? 0n : (now - genesis) / epochDuration;
  const left = Number(genesis + (epoch + 1n) * epochDuration - now);
  $("current-epoch").textContent = epoch.toString();
  const h = Math.floor(left / 3600);
  const m = Math.floor((left % 3600) / 60);
  const sec = left % 60;
  $("epoch-countdown").textContent = `${h}h ${String(m).padStart(2, "0")}m ${String(sec).padStart(2, "0")}s`;
}
setInterval(renderClock, 1_000);

// --- Refresh every view from the chain.
async function refresh() {
  if (!signer) return;
  const mine = session;
  const account = me;
  await readClock();
  const current = await readOnly.distributor.currentEpoch();
  const [stake, balances, contributions, feeTreasury, slashTreasury] = await Promise.all([
    readOnly.staking.activeStakeOf(account),
    Promise.all(tokenList.map((t) => erc20At(t.address, provider).balanceOf(account))),
    listContributions(readOnly, { contributor: account }),
    readOnly.distributor.allocationParamsAt(current).then((p) => p.treasury),
    readOnly.staking.treasury(),
  ]);
  if (mine !== session) return;
  const roles: string[] = [];
  if (stake > 0n) roles.push(`validator (${units(stake)} staked)`);
  if (contributions.length > 0) roles.push("contributor");
  const treasuryOf = [
    feeTreasury.toLowerCase() === account.toLowerCase() ? "protocol fees" : "",
    slashTreasury.toLowerCase() === account.toLowerCase() ? "slashed stake" : "",
  ].filter(Boolean);
  if (treasuryOf.length > 0) roles.push(`treasury (receives ${treasuryOf.join(" and ")})`);
  $("account-address").textContent = account;
  $("account-roles").innerHTML = roles.map((r) => `<span class="badge">${r}</span>`).join("") || "none yet";
  $("account-balance").innerHTML = tokenList
    .map((t, i) => `<span class="balance" data-symbol="${t.symbol}">${amountOf(t.address, balances[i]!)}</span>`)
    .join("<br>");

  $("my-contributions").innerHTML =
    contributions
      .map(
        (c) =>
          `<tr data-contribution="${c.id}"><td>#${c.id}</td><td><code>${short(c.contentHash)}</code></td><td>${escape(c.uri)}</td><td class="status-${c.status}">${c.status}</td></tr>`,
      )
      .join("") || `<tr><td colspan="4">No contributions yet.</td></tr>`;
  for (const c of contributions) if (c.status === "Revoked") void showRevocation(c.id, mine);

  await renderRecipient();
  await renderPending(stake > 0n, mine);
  await renderEpochs(mine);
  // Every view now shows this account: tests wait for this.
  if (mine === session) document.body.dataset.account = account;
}

/** `uri` as a link when it is http(s) or ipfs (never `javascript:` or the like), else as text. */
function linkIfSafe(uri: string): string {
  return /^(https?|ipfs):\/\//i.test(uri)
    ? `<a href="${escape(uri)}" rel="noopener noreferrer">${escape(uri)}</a>`
    : `<code>${escape(uri)}</code>`;
}

/** Why a revoked contribution was revoked: the upheld challenge's evidence, from the API. */
async function showRevocation(id: bigint, mine: number) {
  let why: string;
  try {
    const answer = await apiGet<ContributionAnswer>(apiUrl, `v1/contributions/${id}`);
    const upheld = answer.challenges.find((c) => c.status === "upheld");
    why = upheld
      ? `in epoch ${answer.revokedEpoch}: challenge #${upheld.challengeId} by ${short(upheld.challenger)} was upheld; ` +
        `evidence ${linkIfSafe(upheld.evidenceUri)}. ` +
        "It earns nothing from the next epoch on; what it earned stays yours."
      : `in epoch ${answer.revokedEpoch}`;
  } catch (error) {
    why = `(the API cannot say why: ${escape(explain(error))})`;
  }
  if (mine !== session) return;
  const cell = document.querySelector(`tr[data-contribution="${id}"] td.status-Revoked`);
  if (cell) cell.innerHTML = `Revoked <small class="revocation">${why}</small>`;
}

/** The recipient of the account's claims in the token picked in the recipient form. */
async function renderRecipient() {
  if (!signer) return;
  const mine = session;
  const token = recipientToken.value;
  const recipient = await readOnly.distributor.recipientOf(me, token);
  if (mine !== session || token !== recipientToken.value) return;
  $("recipient-current").textContent = BigInt(recipient) === 0n ? "this account" : recipient;
  $("recipient-token-symbol").textContent = tokenInfo(token).symbol;
}

async function renderPending(isValidator: boolean, mine: number) {
  const account = me;
  const pending = await listPendingContributions(readOnly);
  const rows: string[] = [];
  for (const c of pending) {
    const voted = await readOnly.registry.hasVoted(c.id, account);
    const own = c.contributor.toLowerCase() === account.toLowerCase();
    const disabled = !isValidator || voted || own ? "disabled" : "";
    const note = voted ? "voted" : own ? "yours" : "";
    rows.push(
      `<tr data-id="${c.id}"><td>#${c.id}</td><td><code>${short(c.contributor)}</code></td><td>${escape(c.uri)}</td>` +
        `<td class="vote"><button class="accept" data-hash="${c.contentHash}" ${disabled}>Accept</button> ` +
        `<button class="reject" data-hash="${c.contentHash}" ${disabled}>Reject</button> ${note}</td></tr>`,
    );
  }
  if (mine !== session) return;
  $("validate-hint").textContent = isValidator
    ? "Vote with your active stake. A side wins at the quorum of total stake."
    : "Only validators with active stake can vote.";
  $("pending-contributions").innerHTML = rows.join("") || `<tr><td colspan="4">Nothing is waiting for votes.</td></tr>`;
}

$("pending-contributions").addEventListener("click", async (event) => {
  const button = event.target as HTMLButtonElement;
  if (button.tagName !== "BUTTON" || !button.dataset.hash) return;
  const accept = button.classList.contains("accept");
  const mine = session;
  const client = tributary;
  try {
    say("vote-status", "Sending the vote…");
    await vote(client, { contentHash: button.dataset.hash, accept });
    await refresh();
    say("vote-status", `Voted to ${accept ? "accept" : "reject"}.`, false, mine);
  } catch (error) {
    say("vote-status", explain(error), true, mine);
  }
});

/** Shows, or clears, why the API's answers cannot be used: the page then offers nothing to claim. */
function showApiProblem(problem: string | undefined) {
  $("api-status").textContent = problem ?? "";
  $("api-status").classList.toggle("error", problem !== undefined);
}

async function renderEpochs(mine: number) {
  const account = me;
  const current = await readOnly.distributor.currentEpoch();
  const [views, history] = await Promise.all([
    Promise.all(Array.from({ length: Number(current) + 1 }, (_, e) => readEpoch(readOnly, { epoch: BigInt(e) }))),
    apiGet<HistoryAnswer>(apiUrl, `v1/accounts/${account}/history`).then(
      (answer) => ({ answer, problem: undefined }),
      (error: unknown) => ({ answer: undefined, problem: explain(error) }),
    ),
  ]);
  const earned = new Map<bigint, Map<string, bigint>>();
  for (const e of history.answer?.epochs ?? []) {
    earned.set(BigInt(e.epoch), new Map(e.tokens.map((t) => [getAddress(t.token), BigInt(t.amount)])));
  }
  const rows = views.map((view, e) => {
    const epoch = BigInt(e);
    const state = {
      open: "open",
      closed: "closed, not settled",
      pending: "in challenge",
      disputed: "disputed: frozen until governance resolves the dispute",
      active: "active",
    }[view.state];
    const amounts = earned.get(epoch);
    const reward = amounts
      ? perToken(amounts)
      : history.problem
        ? `<span class="error" title="${escape(history.problem)}">API unavailable</span>`
        : "-";
    return (
      `<tr data-epoch="${epoch}" data-state="${view.state}"><td>${epoch}</td><td class="funded">${perToken(view.funded)}</td>` +
      `<td class="state">${state}</td><td class="reward">${reward}</td></tr>`
    );
  });
  if (mine !== session) return;
  $("epoch-rows").innerHTML = rows.join("");
  await renderRewards(mine);
  if (mine !== session) return;
  drawChart([...earned].map(([epoch, amounts]) => ({ epoch, amounts })));
  await renderWhyEpochs([...earned.keys()], history.problem, mine);
}

/** One row per token the API proves the account is owed: entitled in total, claimed so far, claimable now. */
async function renderRewards(mine: number) {
  let rewards: VerifiedRewards | undefined;
  let problem: string | undefined;
  try {
    rewards = await fetchVerifiedRewards(readOnly, { apiUrl, account: me });
  } catch (error) {
    problem = explain(error);
  }
  if (mine !== session) return;
  showApiProblem(problem);
  const rows: string[] = [];
  for (const r of rewards?.rewards ?? []) {
    const t = tokenInfo(r.token);
    rows.push(
      `<tr data-token="${t.address}" data-symbol="${t.symbol}"><td class="symbol">${t.symbol}</td>` +
        `<td class="entitled">${units(r.cumulative, t.decimals)}</td>` +
        `<td class="claimed">${units(r.claimed, t.decimals)}</td>` +
        `<td class="claimable">${units(r.claimable, t.decimals)}</td>` +
        `<td><button class="claim" data-token="${t.address}" ${r.claimable > 0n ? "" : "disabled"}>Claim ${t.symbol}</button></td></tr>`,
    );
  }
  const heading = $("rewards-epoch");
  heading.textContent = rewards
    ? rewards.activeEpoch === null
      ? "no active settlement yet"
      : `as of epoch ${rewards.activeEpoch}, proofs checked against the chain`
    : "unavailable";
  heading.classList.toggle("error", !rewards);
  $("reward-rows").innerHTML =
    rows.join("") ||
    `<tr><td colspan="5">${rewards ? "No rewards yet." : "Nothing to claim while the API cannot be used."}</td></tr>`;
  $<HTMLButtonElement>("claim-all").disabled = !rewards?.rewards.some((r) => r.claimable > 0n);
}

/**
 * Claims one token with the API's calldata, or every token with something left (one `claimMany` of the
 * API's proofs) when `token` is undefined. The API is asked again and checked against the chain first:
 * nothing is sent on an answer that is not verified.
 */
async function claimRewards(token: string | undefined, button: HTMLButtonElement) {
  if (!signer) return say("claim-status", "Connect an account first.", true);
  const mine = session;
  const sender = signer;
  const account = me;
  button.disabled = true;
  try {
    say("claim-status", "Checking the API's proofs against the chain…");
    const rewards = await fetchVerifiedRewards(readOnly, { apiUrl, account });
    const owed = rewards.rewards.filter((r) => r.claimable > 0n && (!token || sameToken(r.token, token)));
    if (owed.length === 0) throw new TributaryError("NOTHING_TO_CLAIM", "Nothing is left to claim.");
    say("claim-status", "Claiming…", false, mine);
    const transaction =
      owed.length === 1
        ? owed[0]!.claim
        : {
            to: rewards.rewards[0]!.claim.to,
            data: readOnly.distributor.interface.encodeFunctionData("claimMany", [
              owed.map((r) => ({ account, token: r.token, cumulativeAmount: r.cumulative, proof: r.proof })),
            ]),
          };
    const receipt = await (await sender.sendTransaction(transaction)).wait();
    const paid = new Map<string, bigint>();
    for (const log of receipt?.logs ?? []) {
      const parsed = readOnly.distributor.interface.parseLog(log);
      if (parsed?.name !== "Claimed") continue;
      const paidToken = getAddress(parsed.args.token as string);
      paid.set(paidToken, (paid.get(paidToken) ?? 0n) + (parsed.args.amount as bigint));
    }
    await refresh();
    const list = tokenList.filter((t) => paid.has(t.address)).map((t) => amountOf(t.address, paid.get(t.address)!));
    say("claim-status", `Claimed ${list.join(", ") || "nothing"}.`, false, mine);
  } catch (error) {
    say("claim-status", explain(error), true, mine);
    if (mine === session) {
      showApiProblem(error instanceof TributaryError && error.code.startsWith("API_") ? explain(error) : undefined);
      button.disabled = false;
    }
  }
}

const sameToken = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

$("reward-rows").addEventListener("click", (event) => {
  const button = event.target as HTMLButtonElement;
  if (button.tagName !== "BUTTON" || !button.dataset.token) return;
  void claimRewards(button.dataset.token, button);
});
$<HTMLButtonElement>("claim-all").addEventListener("click", (event) => {
  void claimRewards(undefined, event.target as HTMLButtonElement);
});

// --- Why: what made up the account's reward in an epoch, from the API's explanation.
const whyEpoch = $<HTMLSelectElement>("why-epoch");
whyEpoch.addEventListener("change", () => void renderWhy(session));

/** Fills the epoch picker with the epochs the account earned in, keeping the choice; shows the picked one. */
async function renderWhyEpochs(epochs: bigint[], problem: string | undefined, mine: number) {
  if (problem !== undefined) {
    whyEpoch.innerHTML = "";
    $("why-status").textContent = problem;
    $("why-status").classList.add("error");
    $("why-rows").innerHTML = "";
    return;
  }
  const chosen = whyEpoch.value;
  whyEpoch.innerHTML = epochs.map((e) => `<option value="${e}">epoch ${e}</option>`).join("");
  if (epochs.some((e) => e.toString() === chosen)) whyEpoch.value = chosen;
  else if (epochs.length > 0) whyEpoch.value = epochs[epochs.length - 1]!.toString();
  await renderWhy(mine);
}

/** `value` with 18 decimals (record values and weights, as the registry and the rule count them). */
const plain = (value: bigint) => units(value, 18);

/** What rounding down dropped: the fraction of the token's smallest unit, and the exact division. */
function rounded(r: Rounding): string {
  const numerator = BigInt(r.numerator);
  const denominator = BigInt(r.denominator);
  if (denominator === 0n) return "-";
  const dropped = Number(((numerator % denominator) * 10_000n) / denominator) / 10_000;
  return `<span title="⌊${r.numerator} / ${r.denominator}⌋ = ${r.floor}">${dropped === 0 ? "exact" : `−${dropped} base unit`}</span>`;
}

async function renderWhy(mine: number) {
  const account = me;
  const epoch = whyEpoch.value;
  if (!epoch) {
    if (mine !== session) return;
    $("why-status").textContent = "No computed epoch in which this account earned anything yet.";
    $("why-status").classList.remove("error");
    $("why-rows").innerHTML = "";
    return;
  }
  let answer: ExplainAnswer;
  try {
    answer = await apiGet<ExplainAnswer>(apiUrl, `v1/accounts/${account}/explain?epoch=${epoch}`);
  } catch (error) {
    if (mine !== session) return;
    $("why-status").textContent = explain(error);
    $("why-status").classList.add("error");
    $("why-rows").innerHTML = "";
    return;
  }
  if (mine !== session || whyEpoch.value !== epoch) return;
  const rows: string[] = [];
  for (const pool of answer.pools) {
    const pay = (value: string) => amountOf(pool.token, BigInt(value));
    const poolCell = `#${pool.poolId} (${tokenInfo(pool.token).symbol})`;
    for (const item of pool.contributor?.items ?? []) {
      rows.push(
        `<tr class="item" data-pool="${pool.poolId}" data-output="${item.outputId}"><td class="output"><code title="${item.outputId}">${short(item.outputId)}</code></td>` +
          `<td class="contribution">#${item.contributionId}</td>` +
          `<td class="weight">${item.weightBps / 100}% → ${plain(BigInt(item.weight) / 10_000n)}</td>` +
          `<td class="value">${plain(BigInt(item.value))}</td><td class="pool">${poolCell}</td>` +
          `<td class="amount">${pay(item.amount)}</td><td class="rounding">${rounded(item.rounding)}</td></tr>`,
      );
    }
    for (const item of pool.validator?.items ?? []) {
      const subject = item.contributionId ? `#${item.contributionId}` : item.batchId ? `batch #${item.batchId}` : "-";
      rows.push(
        `<tr class="item validator" data-pool="${pool.poolId}"><td class="output">${item.kind}${item.agreed ? "" : " (outvoted)"}</td>` +
          `<td class="contribution">${subject}</td><td class="weight">stake ${plain(BigInt(item.stake))}</td>` +
          `<td class="value">-</td><td class="pool">${poolCell}</td>` +
          `<td class="amount">${pay(item.amount)}</td><td class="rounding">${rounded(item.rounding)}</td></tr>`,
      );
    }
    for (const [role, part] of [
      ["contributors", pool.contributor],
      ["validators", pool.validator],
    ] as const) {
      if (!part) continue;
      rows.push(
        `<tr class="pool-total" data-pool="${pool.poolId}"><td colspan="2">Your share of the pool's ${role}</td>` +
          `<td class="weight">${plain(BigInt(part.weight) / (role === "contributors" ? 10_000n : 1n))} of ${plain(BigInt(part.totalWeight) / (role === "contributors" ? 10_000n : 1n))}</td>` +
          `<td class="value">-</td><td class="pool">${poolCell}</td><td class="amount">${pay(part.amount)}</td>` +
          `<td class="rounding">${rounded(part.rounding)}</td></tr>`,
      );
    }
    if (pool.treasuryFee) {
      rows.push(
        `<tr class="pool-total" data-pool="${pool.poolId}"><td colspan="4">Protocol fee (treasury)</td><td class="pool">${poolCell}</td>` +
          `<td class="amount">${pay(pool.treasuryFee)}</td><td class="rounding">-</td></tr>`,
      );
    }
    if (pool.refund) {
      rows.push(
        `<tr class="pool-total" data-pool="${pool.poolId}"><td colspan="4">Refund of an idle pool</td><td class="pool">${poolCell}</td>` +
          `<td class="amount">${pay(pool.refund)}</td><td class="rounding">-</td></tr>`,
      );
    }
  }
  const totals = new Map(answer.totals.map((t) => [getAddress(t.token), BigInt(t.amount)]));
  $("why-status").textContent = `In epoch ${answer.epoch} this account earned ${perTokenText(totals)}.`;
  $("why-status").classList.remove("error");
  $("why-rows").innerHTML = rows.join("") || `<tr><td colspan="7">Nothing earned in this epoch.</td></tr>`;
}

/** Per-token amounts as one line of text, in allowlist order. */
const perTokenText = (amounts: Map<string, bigint>) =>
  tokenList
    .filter((t) => (amounts.get(t.address) ?? 0n) > 0n)
    .map((t) => amountOf(t.address, amounts.get(t.address)!))
    .join(", ") || "nothing";

$<HTMLInputElement>("recipient").addEventListener("input", () => {
  recipientTypedFor = me;
});
$<HTMLFormElement>("recipient-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!signer) return say("recipient-status", "Connect an account first.", true);
  const input = $<HTMLInputElement>("recipient");
  const value = input.value.trim();
  // Belt and braces: switching accounts clears the field, and a value typed for another account is never sent.
  if (value !== "" && recipientTypedFor !== me) {
    input.value = "";
    return say("recipient-status", "That recipient was typed for another account; type it again.", true);
  }
  const mine = session;
  const client = tributary;
  const token = recipientToken.value;
  const button = $<HTMLButtonElement>("recipient-button");
  button.disabled = true;
  try {
    say("recipient-status", "Setting the recipient…");
    const symbol = tokenInfo(token).symbol;
    await setRecipient(client, { token, recipient: value === "" ? null : value });
    await refresh();
    say(
      "recipient-status",
      value === "" ? `Your ${symbol} claims pay this account again.` : `Your ${symbol} claims now pay ${value}.`,
      false,
      mine,
    );
  } catch (error) {
    say("recipient-status", explain(error), true, mine);
  } finally {
    button.disabled = false;
  }
});

/** Grouped bars: per epoch, one bar per token the account earned, each token on its own scale. */
function drawChart(rewards: { epoch: bigint; amounts: Map<string, bigint> }[]) {
  const svg = $("chart");
  const colors = ["#1d6fd8", "#2a9d63", "#d8831d", "#8e44ad"];
  const max = new Map<string, bigint>();
  for (const r of rewards) {
    for (const [token, amount] of r.amounts) if (amount > (max.get(token) ?? 0n)) max.set(token, amount);
  }
  const shown = tokenList.filter((t) => (max.get(t.address) ?? 0n) > 0n);
  const groupWidth = Math.min(200, (Math.max(520, 40 + rewards.length * 130) - 40) / Math.max(rewards.length, 1) - 12);
  const barWidth = Math.max(12, groupWidth / Math.max(shown.length, 1) - 4);
  const width = 40 + rewards.length * (groupWidth + 12);
  const height = 220;
  let bars = "";
  rewards.forEach((r, group) => {
    const x0 = 30 + group * (groupWidth + 12);
    shown.forEach((t, i) => {
      const amount = r.amounts.get(t.address) ?? 0n;
      if (amount === 0n) return;
      const h = Number((amount * 130n) / max.get(t.address)!);
      const x = x0 + i * (barWidth + 4);
      const color = colors[tokenList.indexOf(t) % colors.length];
      bars +=
        `<rect class="bar" data-epoch="${r.epoch}" data-symbol="${t.symbol}" x="${x}" y="${170 - h}" width="${barWidth}" height="${h}" fill="${color}">` +
        `<title>${amountOf(t.address, amount)}</title></rect>` +
        `<text x="${x + barWidth / 2}" y="${165 - h}" text-anchor="middle" font-size="10">${t.symbol}</text>`;
    });
    bars += `<text x="${x0 + groupWidth / 2}" y="188" text-anchor="middle" font-size="12">epoch ${r.epoch}</text>`;
  });
  const legend = shown
    .map(
      (t, i) =>
        `<rect x="${30 + i * 90}" y="200" width="10" height="10" fill="${colors[tokenList.indexOf(t) % colors.length]}"></rect>` +
        `<text x="${44 + i * 90}" y="209" font-size="11">${t.symbol}</text>`,
    )
    .join("");
  svg.innerHTML =
    `<line x1="25" y1="170" x2="${Math.max(width, 520) - 10}" y2="170" stroke="#8a8f99"></line>${bars}${legend}` +
    (rewards.length === 0 ? `<text x="30" y="100" font-size="13">No settled epochs yet.</text>` : "");
  svg.setAttribute("height", String(height));
  svg.setAttribute("width", String(Math.max(width, 520)));
}

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

await readClock();
if (knownAccounts[0]) {
  select.value = knownAccounts[0].address;
  await useSigner(new JsonRpcSigner(provider, knownAccounts[0].address));
}
document.body.dataset.ready = "true";

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
  claim,
  claimable,
  claimMany,
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
  type SettlementArtifact,
  type TributaryContracts,
} from "../../client/index.js";

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
const artifactCache = new Map<string, SettlementArtifact>();

let signer: Signer | undefined;
let me = "";
let tributary: TributaryContracts = readOnly;
let fileBytes: Uint8Array | undefined;

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

function say(id: string, message: string, isError = false) {
  const element = $(id);
  element.textContent = message;
  element.classList.toggle("error", isError);
}

function explain(error: unknown): string {
  if (error instanceof TributaryError) return error.message;
  return (error as Error)?.message ?? String(error);
}

async function useSigner(next: Signer) {
  signer = next;
  me = await next.getAddress();
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
}

// --- Registration: hash the file in the browser, then commit and reveal.
$<HTMLInputElement>("file").addEventListener("change", async (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  if (!file) return;
  fileBytes = new Uint8Array(await file.arrayBuffer());
  $("content-hash").textContent = hashFileBytes(fileBytes);
  const uri = $<HTMLInputElement>("uri");
  if (!uri.value) uri.value = `file://${file.name}`;
  $<HTMLButtonElement>("register-button").disabled = false;
});

$<HTMLFormElement>("register-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!signer || !fileBytes) return say("register-status", "Connect an account and pick a file first.", true);
  const button = $<HTMLButtonElement>("register-button");
  button.disabled = true;
  try {
    const minAge = await readOnly.registry.commitmentMinAge();
    say(
      "register-status",
      `Posting the commitment; it can be revealed once it is ${minAge} seconds old, so that nobody who sees the reveal can register the file first…`,
    );
    const { ids } = await register(tributary, {
      datanetId: BigInt($<HTMLInputElement>("datanet").value || "1"),
      contentHash: hashFileBytes(fileBytes),
      uri: $<HTMLInputElement>("uri").value,
      // The local node mines on demand, so its clock is moved on; a real network's is waited for.
      ...(DEV_CHAIN_IDS.includes(deployment.chainId) ? { waitUntil: devChainWaitUntil(provider) } : {}),
    });
    await refresh();
    say("register-status", `Registered as contribution #${ids[0]}. Validators can now vote on it.`);
  } catch (error) {
    say("register-status", explain(error), true);
  } finally {
    button.disabled = false;
  }
});

// --- Refresh every view from the chain.
async function refresh() {
  if (!signer) return;
  const stake = await tributary.staking.activeStakeOf(me);
  const balances = await Promise.all(tokenList.map((t) => erc20At(t.address, provider).balanceOf(me)));
  const mine = await listContributions(readOnly, { contributor: me });
  const roles: string[] = [];
  if (stake > 0n) roles.push(`validator (${units(stake)} staked)`);
  if (mine.length > 0) roles.push("contributor");
  $("account-address").textContent = me;
  $("account-roles").innerHTML = roles.map((r) => `<span class="badge">${r}</span>`).join("") || "none yet";
  $("account-balance").innerHTML = tokenList
    .map((t, i) => `<span class="balance" data-symbol="${t.symbol}">${amountOf(t.address, balances[i]!)}</span>`)
    .join("<br>");

  $("my-contributions").innerHTML =
    mine
      .map(
        (c) =>
          `<tr><td>#${c.id}</td><td><code>${short(c.contentHash)}</code></td><td>${escape(c.uri)}</td><td class="status-${c.status}">${c.status}</td></tr>`,
      )
      .join("") || `<tr><td colspan="4">No contributions yet.</td></tr>`;

  await renderRecipient();
  await renderPending(stake > 0n);
  await renderEpochs();
}

/** The recipient of the account's claims in the token picked in the recipient form. */
async function renderRecipient() {
  if (!signer) return;
  const recipient = await readOnly.distributor.recipientOf(me, recipientToken.value);
  $("recipient-current").textContent = BigInt(recipient) === 0n ? "this account" : recipient;
  $("recipient-token-symbol").textContent = tokenInfo(recipientToken.value).symbol;
}

async function renderPending(isValidator: boolean) {
  const pending = await listPendingContributions(readOnly);
  $("validate-hint").textContent = isValidator
    ? "Vote with your active stake. A side wins at the quorum of total stake."
    : "Only validators with active stake can vote.";
  const rows: string[] = [];
  for (const c of pending) {
    const voted = await readOnly.registry.hasVoted(c.id, me);
    const own = c.contributor.toLowerCase() === me.toLowerCase();
    const disabled = !isValidator || voted || own ? "disabled" : "";
    const note = voted ? "voted" : own ? "yours" : "";
    rows.push(
      `<tr data-id="${c.id}"><td>#${c.id}</td><td><code>${short(c.contributor)}</code></td><td>${escape(c.uri)}</td>` +
        `<td><button class="accept" data-hash="${c.contentHash}" ${disabled}>Accept</button> ` +
        `<button class="reject" data-hash="${c.contentHash}" ${disabled}>Reject</button> ${note}</td></tr>`,
    );
  }
  $("pending-contributions").innerHTML = rows.join("") || `<tr><td colspan="4">Nothing is waiting for votes.</td></tr>`;
}

$("pending-contributions").addEventListener("click", async (event) => {
  const button = event.target as HTMLButtonElement;
  if (button.tagName !== "BUTTON" || !button.dataset.hash) return;
  const accept = button.classList.contains("accept");
  try {
    say("vote-status", "Sending the vote…");
    await vote(tributary, { contentHash: button.dataset.hash, accept });
    await refresh();
    say("vote-status", `Voted to ${accept ? "accept" : "reject"}.`);
  } catch (error) {
    say("vote-status", explain(error), true);
  }
});

interface SettledEpoch {
  epoch: string;
  path: string;
}

async function artifactFor(path: string): Promise<SettlementArtifact> {
  let artifact = artifactCache.get(path);
  if (!artifact) {
    artifact = (await (await fetch(path)).json()) as SettlementArtifact;
    artifactCache.set(path, artifact);
  }
  return artifact;
}

/** The artifact of the active root, once the app knows it; claims use it. */
let activeArtifact: SettlementArtifact | undefined;

async function renderEpochs() {
  const settled: SettledEpoch[] = await (await fetch(`/generated/settlements/index.json?${Date.now()}`)).json();
  const current = await readOnly.distributor.currentEpoch();
  const active = await readOnly.distributor.activeSettlement();
  const rows: string[] = [];
  const rewards: { epoch: bigint; amounts: Map<string, bigint> }[] = [];
  // Assigned once at the end: a refresh still running must not leave claims without an artifact.
  let found: SettlementArtifact | undefined;
  for (let epoch = 0n; epoch <= current; epoch++) {
    const view = await readEpoch(readOnly, { epoch });
    const entry = settled.find((s) => BigInt(s.epoch) === epoch);
    const artifact = entry ? await artifactFor(entry.path) : undefined;
    const earned = new Map<string, bigint>();
    for (const line of artifact?.metadata.amounts ?? []) {
      if (line.account.toLowerCase() !== me.toLowerCase()) continue;
      const token = getAddress(line.token);
      earned.set(token, (earned.get(token) ?? 0n) + BigInt(line.amount));
    }
    if (artifact) rewards.push({ epoch, amounts: earned });
    if (artifact && artifact.metadata.root.toLowerCase() === active.root.toLowerCase()) found = artifact;
    const state = { open: "open", closed: "closed, not settled", pending: "in challenge", active: "active" }[
      view.state
    ];
    rows.push(
      `<tr data-epoch="${epoch}"><td>${epoch}</td><td class="funded">${perToken(view.funded)}</td>` +
        `<td class="state">${state}</td><td class="reward">${artifact ? perToken(earned) : "-"}</td></tr>`,
    );
  }
  activeArtifact = found;
  $("epoch-rows").innerHTML = rows.join("");
  await renderRewards();
  drawChart(rewards);
}

/** One row per token of the active settlement: entitled in total, claimed so far, claimable now. */
async function renderRewards() {
  const artifact = activeArtifact;
  $("rewards-epoch").textContent = artifact ? `as of epoch ${artifact.metadata.epoch}` : "no active settlement yet";
  const available = artifact ? await claimable(readOnly, { artifact, account: me }) : new Map<string, bigint>();
  const rows: string[] = [];
  for (const t of tokenList) {
    const leaf = artifact?.metadata.amounts.find(
      (a) => a.account.toLowerCase() === me.toLowerCase() && a.token.toLowerCase() === t.address.toLowerCase(),
    );
    const claimed = await readOnly.distributor.claimedOf(me, t.address);
    if (!leaf && claimed === 0n) continue;
    const now = available.get(t.address) ?? 0n;
    rows.push(
      `<tr data-token="${t.address}" data-symbol="${t.symbol}"><td class="symbol">${t.symbol}</td>` +
        `<td class="entitled">${units(BigInt(leaf?.cumulativeAmount ?? "0"), t.decimals)}</td>` +
        `<td class="claimed">${units(claimed, t.decimals)}</td>` +
        `<td class="claimable">${units(now, t.decimals)}</td>` +
        `<td><button class="claim" data-token="${t.address}" ${now > 0n ? "" : "disabled"}>Claim ${t.symbol}</button></td></tr>`,
    );
  }
  $("reward-rows").innerHTML = rows.join("") || `<tr><td colspan="5">No rewards yet.</td></tr>`;
  $<HTMLButtonElement>("claim-all").disabled = available.size === 0;
}

/** Claims one token, or every token with something left when `token` is undefined. */
async function claimRewards(token: string | undefined, button: HTMLButtonElement) {
  if (!signer || !activeArtifact) return say("claim-status", "Connect an account first.", true);
  button.disabled = true;
  try {
    say("claim-status", "Claiming…");
    let paid: Map<string, bigint>;
    if (token) {
      paid = new Map([[token, (await claim(tributary, { artifact: activeArtifact, account: me, token })).paid]]);
    } else {
      const owed = [...(await claimable(readOnly, { artifact: activeArtifact, account: me })).keys()];
      paid = (
        await claimMany(tributary, { artifact: activeArtifact, requests: owed.map((t) => ({ account: me, token: t })) })
      ).paid;
    }
    await refresh();
    const list = tokenList.filter((t) => paid.has(t.address)).map((t) => amountOf(t.address, paid.get(t.address)!));
    say("claim-status", `Claimed ${list.join(", ") || "nothing"}.`);
  } catch (error) {
    say("claim-status", explain(error), true);
    button.disabled = false;
  }
}

$("reward-rows").addEventListener("click", (event) => {
  const button = event.target as HTMLButtonElement;
  if (button.tagName !== "BUTTON" || !button.dataset.token) return;
  void claimRewards(button.dataset.token, button);
});
$<HTMLButtonElement>("claim-all").addEventListener("click", (event) => {
  void claimRewards(undefined, event.target as HTMLButtonElement);
});

$<HTMLFormElement>("recipient-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!signer) return say("recipient-status", "Connect an account first.", true);
  const value = $<HTMLInputElement>("recipient").value.trim();
  const button = $<HTMLButtonElement>("recipient-button");
  button.disabled = true;
  try {
    say("recipient-status", "Setting the recipient…");
    const symbol = tokenInfo(recipientToken.value).symbol;
    await setRecipient(tributary, { token: recipientToken.value, recipient: value === "" ? null : value });
    await refresh();
    say(
      "recipient-status",
      value === "" ? `Your ${symbol} claims pay this account again.` : `Your ${symbol} claims now pay ${value}.`,
    );
  } catch (error) {
    say("recipient-status", explain(error), true);
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

if (knownAccounts[0]) {
  select.value = knownAccounts[0].address;
  await useSigner(new JsonRpcSigner(provider, knownAccounts[0].address));
}
document.body.dataset.ready = "true";

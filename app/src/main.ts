/**
 * Tributary's reference dapp: contributors register files and follow their status, validators
 * vote, and everyone sees each epoch and claims. It talks to the chain only through the typed
 * client, with an injected EIP-1193 wallet or the local node's accounts.
 */
import {
  BrowserProvider,
  JsonRpcProvider,
  JsonRpcSigner,
  formatUnits,
  type Eip1193Provider,
  type Signer,
} from "ethers";
import {
  claim,
  claimable,
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
const tokens = (value: bigint) => Number(formatUnits(value, 18)).toLocaleString("en-US", { maximumFractionDigits: 4 });

const deployment = parseDeployment(await (await fetch("/generated/deployment.json")).json());
const knownAccounts: KnownAccount[] = await (await fetch("/generated/accounts.json")).json();
const provider = new JsonRpcProvider(`${location.origin}/rpc`, undefined, { batchMaxCount: 1, pollingInterval: 250 });
const readOnly = connectTributary(deployment, provider);
const artifactCache = new Map<string, SettlementArtifact>();

let signer: Signer | undefined;
let me = "";
let tributary: TributaryContracts = readOnly;
let fileBytes: Uint8Array | undefined;

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
  const [stake, rewardToken] = await Promise.all([
    tributary.staking.activeStakeOf(me),
    tributary.distributor.REWARD_TOKEN(),
  ]);
  const balance = await erc20At(rewardToken, provider).balanceOf(me);
  const mine = await listContributions(readOnly, { contributor: me });
  const roles: string[] = [];
  if (stake > 0n) roles.push(`validator (${tokens(stake)} staked)`);
  if (mine.length > 0) roles.push("contributor");
  $("account-address").textContent = me;
  const recipient = await readOnly.distributor.recipientOf(me);
  $("recipient-current").textContent = BigInt(recipient) === 0n ? "this account" : recipient;
  $("account-roles").innerHTML = roles.map((r) => `<span class="badge">${r}</span>`).join("") || "none yet";
  $("account-balance").textContent = `${tokens(balance)} TRWD`;

  $("my-contributions").innerHTML =
    mine
      .map(
        (c) =>
          `<tr><td>#${c.id}</td><td><code>${short(c.contentHash)}</code></td><td>${escape(c.uri)}</td><td class="status-${c.status}">${c.status}</td></tr>`,
      )
      .join("") || `<tr><td colspan="4">No contributions yet.</td></tr>`;

  await renderPending(stake > 0n);
  await renderEpochs();
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

async function renderEpochs() {
  const settled: SettledEpoch[] = await (await fetch(`/generated/settlements/index.json?${Date.now()}`)).json();
  const current = await readOnly.distributor.currentEpoch();
  const active = await readOnly.distributor.activeSettlement();
  const rows: string[] = [];
  const rewards: { epoch: bigint; amount: bigint }[] = [];
  for (let epoch = 0n; epoch <= current; epoch++) {
    const view = await readEpoch(readOnly, epoch);
    const entry = settled.find((s) => BigInt(s.epoch) === epoch);
    const artifact = entry ? await artifactFor(entry.path) : undefined;
    const line = artifact?.metadata.amounts.find((a) => a.account.toLowerCase() === me.toLowerCase());
    const reward = BigInt(line?.amount ?? "0");
    if (artifact) rewards.push({ epoch, amount: reward });
    let available = 0n;
    const isActiveRoot = artifact && artifact.metadata.root.toLowerCase() === active.root.toLowerCase();
    if (artifact && isActiveRoot) available = await claimable(readOnly, artifact, me);
    const state = { open: "open", closed: "closed, not settled", pending: "in challenge", active: "active" }[
      view.state
    ];
    rows.push(
      `<tr data-epoch="${epoch}"><td>${epoch}</td><td>${tokens(view.funded)}</td><td class="state">${state}</td>` +
        `<td>${artifact ? tokens(reward) : "-"}</td><td class="claimable">${isActiveRoot ? tokens(available) : "-"}</td>` +
        `<td>${isActiveRoot ? `<button class="claim" data-path="${entry!.path}" ${available > 0n ? "" : "disabled"}>Claim</button>` : ""}</td></tr>`,
    );
  }
  $("epoch-rows").innerHTML = rows.join("");
  drawChart(rewards);
}

$("epoch-rows").addEventListener("click", async (event) => {
  const button = event.target as HTMLButtonElement;
  if (button.tagName !== "BUTTON" || !button.dataset.path) return;
  button.disabled = true;
  try {
    say("claim-status", "Claiming…");
    const { paid } = await claim(tributary, await artifactFor(button.dataset.path), me);
    await refresh();
    say("claim-status", `Claimed ${tokens(paid)} TRWD.`);
  } catch (error) {
    say("claim-status", explain(error), true);
  }
});

$<HTMLFormElement>("recipient-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!signer) return say("recipient-status", "Connect an account first.", true);
  const value = $<HTMLInputElement>("recipient").value.trim();
  const button = $<HTMLButtonElement>("recipient-button");
  button.disabled = true;
  try {
    say("recipient-status", "Setting the recipient…");
    await setRecipient(tributary, value === "" ? null : value);
    await refresh();
    say("recipient-status", value === "" ? "Your claims pay this account again." : `Your claims now pay ${value}.`);
  } catch (error) {
    say("recipient-status", explain(error), true);
  } finally {
    button.disabled = false;
  }
});

function drawChart(rewards: { epoch: bigint; amount: bigint }[]) {
  const svg = $("chart");
  const width = 520;
  const height = 200;
  const max = rewards.reduce((m, r) => (r.amount > m ? r.amount : m), 0n);
  const barWidth = Math.min(80, (width - 40) / Math.max(rewards.length, 1) - 10);
  const bars = rewards
    .map((r, i) => {
      const h = max === 0n ? 0 : Number((r.amount * 140n) / max);
      const x = 30 + i * (barWidth + 10);
      return (
        `<rect class="bar" x="${x}" y="${170 - h}" width="${barWidth}" height="${h}" fill="#1d6fd8"></rect>` +
        `<text x="${x + barWidth / 2}" y="188" text-anchor="middle" font-size="12">epoch ${r.epoch}</text>` +
        `<text x="${x + barWidth / 2}" y="${165 - h}" text-anchor="middle" font-size="11">${tokens(r.amount)}</text>`
      );
    })
    .join("");
  svg.innerHTML =
    `<line x1="25" y1="170" x2="${width - 10}" y2="170" stroke="#8a8f99"></line>${bars}` +
    (rewards.length === 0 ? `<text x="30" y="100" font-size="13">No settled epochs yet.</text>` : "");
  svg.setAttribute("height", String(height));
}

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

if (knownAccounts[0]) {
  select.value = knownAccounts[0].address;
  await useSigner(new JsonRpcSigner(provider, knownAccounts[0].address));
}
document.body.dataset.ready = "true";

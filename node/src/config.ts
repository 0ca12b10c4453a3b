/**
 * The node's configuration: one JSON file, each field overridable by an environment variable.
 * Every problem is reported as one line naming the field and where it came from.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";

export interface NodeConfig {
  /** JSON-RPC endpoint of an Ethereum node. */
  rpcUrl: string;
  /** Path of the suite's deployment.json (must name `settlementBoard`). */
  deployment: string;
  /** Encrypted JSON keystore of the validator key; absent for a keyless node. */
  keystore?: string;
  /**
   * An external signer instead of a keystore: a JSON-RPC endpoint holding the validator key
   * (`eth_accounts`, `eth_signTypedData_v4`, `eth_sendTransaction`), such as Web3Signer or Clef in front
   * of a node, and the validator's address on it.
   */
  externalSigner?: { url: string; address: string };
  /** The keystore's password: read from `passwordFile`, or TRIBUTARY_KEYSTORE_PASSWORD. */
  password?: string;
  /** Where the signing-protection database and the lock file live. */
  dataDir: string;
  /** Where settlement artifacts are written (FileSettlementStore). Default `<dataDir>/artifacts`. */
  artifactsDir: string;
  /** host:port of the HTTP endpoints; port 0 picks a free one. */
  listen: { host: string; port: number };
  /** Blocks behind the head that are considered final. */
  confirmations: number;
  /** Milliseconds between two duty steps. */
  pollIntervalMs: number;
  /** Lifetime of a signature this node starts a group with. Default one day. */
  signatureLifetimeSeconds: number;
  /** Keyless nodes only: an account unlocked at the RPC endpoint that pays submissions (dev chains). */
  submitFrom?: string;
  /** A PostgreSQL server (`postgres://user:pass@host:port/db`); absent for PGlite in `<dataDir>/db`. */
  database?: string;
  /** Module paths of the vote and attest policies (docs/policies.md); absent for the defaults. */
  policies: { contribution?: string; batch?: string };
  /** Gateway for `ipfs://` URIs, e.g. `https://ipfs.io/ipfs/`; absent to abstain on them. */
  ipfsGateway?: string;
  /**
   * The largest bond (bond-token base units) the node posts to dispute a pending settlement that differs
   * from its own computation (docs/disputes.md). Absent or 0: the node alerts but never disputes.
   */
  maxDisputeBond: bigint;
  /** URL that receives each alert as a JSON POST; absent for logs and metrics only. */
  alertWebhook?: string;
  /**
   * Allocation parameters the operator agreed to. When the chain's parameters for an epoch differ from
   * any field given here, the node refuses to sign that epoch and raises `allocation_params_mismatch`.
   */
  expectAllocation: {
    protocolFeeBps?: bigint;
    validatorShareBps?: bigint;
    idleRefundEpochs?: bigint;
    treasury?: string;
  };
  /**
   * `node` (default): the daemon with its duties and the API. `api`: an API replica that serves what
   * another node writes to a shared PostgreSQL `database`, with no key, no duties and no index sync.
   */
  role: "node" | "api";
  /** Origins allowed to read the API from a browser (CORS); `["*"]` by default. */
  corsOrigins: string[];
  /** Requests per client IP per minute before 429; 0 turns the limit off. Default 600. */
  rateLimitPerMinute: number;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Environment variables that override the file, by field. */
export const ENV_OVERRIDES: Record<string, string> = {
  rpcUrl: "TRIBUTARY_NODE_RPC_URL",
  deployment: "TRIBUTARY_NODE_DEPLOYMENT",
  keystore: "TRIBUTARY_NODE_KEYSTORE",
  passwordFile: "TRIBUTARY_NODE_PASSWORD_FILE",
  dataDir: "TRIBUTARY_NODE_DATA_DIR",
  artifactsDir: "TRIBUTARY_NODE_ARTIFACTS_DIR",
  listen: "TRIBUTARY_NODE_LISTEN",
  confirmations: "TRIBUTARY_NODE_CONFIRMATIONS",
  pollIntervalMs: "TRIBUTARY_NODE_POLL_INTERVAL_MS",
  signatureLifetimeSeconds: "TRIBUTARY_NODE_SIGNATURE_LIFETIME_SECONDS",
  submitFrom: "TRIBUTARY_NODE_SUBMIT_FROM",
  database: "TRIBUTARY_NODE_DATABASE",
  contributionPolicy: "TRIBUTARY_NODE_CONTRIBUTION_POLICY",
  batchPolicy: "TRIBUTARY_NODE_BATCH_POLICY",
  ipfsGateway: "TRIBUTARY_NODE_IPFS_GATEWAY",
  alertWebhook: "TRIBUTARY_NODE_ALERT_WEBHOOK",
  maxDisputeBond: "TRIBUTARY_NODE_MAX_DISPUTE_BOND",
  expectAllocation: "TRIBUTARY_NODE_EXPECT_ALLOCATION",
  signerUrl: "TRIBUTARY_NODE_SIGNER_URL",
  signerAddress: "TRIBUTARY_NODE_SIGNER_ADDRESS",
  role: "TRIBUTARY_NODE_ROLE",
  corsOrigins: "TRIBUTARY_NODE_CORS_ORIGINS",
  rateLimitPerMinute: "TRIBUTARY_NODE_RATE_LIMIT_PER_MINUTE",
};
const KNOWN = new Set(Object.keys(ENV_OVERRIDES));

/** Reads `file` (relative paths in it are relative to the file) and applies `env` overrides. */
export async function loadConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<NodeConfig> {
  let raw: Record<string, unknown> = {};
  let base = process.cwd();
  if (file !== undefined) {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      throw new ConfigError(`cannot read the config file ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
    }
    try {
      raw = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw new ConfigError(`the config file ${file} is not JSON: ${(error as Error).message}`);
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      throw new ConfigError(`the config file ${file} must hold a JSON object`);
    }
    for (const key of Object.keys(raw)) {
      if (!KNOWN.has(key)) throw new ConfigError(`unknown config field "${key}" in ${file}`);
    }
    base = path.dirname(path.resolve(file));
  }
  const from = (key: string) => (env[ENV_OVERRIDES[key]!] !== undefined ? `$${ENV_OVERRIDES[key]}` : "config");
  const value = (key: string): unknown => env[ENV_OVERRIDES[key]!] ?? raw[key];
  const text = (key: string, required: boolean): string | undefined => {
    const v = value(key);
    if (v === undefined || v === "") {
      if (required) throw new ConfigError(`${key} is required (config field or $${ENV_OVERRIDES[key]})`);
      return undefined;
    }
    if (typeof v !== "string") throw new ConfigError(`${key} (${from(key)}) must be a string`);
    return v;
  };
  const resolvePath = (key: string, required: boolean) => {
    const v = text(key, required);
    return v === undefined ? undefined : path.resolve(env[ENV_OVERRIDES[key]!] !== undefined ? process.cwd() : base, v);
  };
  const integer = (key: string, fallback: number, min: number): number => {
    const v = value(key);
    if (v === undefined || v === "") return fallback;
    const n = typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n) || n < min) {
      throw new ConfigError(`${key} (${from(key)}) must be a whole number ≥ ${min}, got ${JSON.stringify(v)}`);
    }
    return n;
  };

  const role = text("role", false) ?? "node";
  if (role !== "node" && role !== "api") {
    throw new ConfigError(`role (${from("role")}) must be "node" or "api", got "${role}"`);
  }
  const rpcUrl = text("rpcUrl", true)!;
  if (!/^https?:\/\/|^wss?:\/\//i.test(rpcUrl)) {
    throw new ConfigError(`rpcUrl (${from("rpcUrl")}) must be an http(s) or ws(s) URL, got "${rpcUrl}"`);
  }
  const deployment = resolvePath("deployment", true)!;
  const keystore = resolvePath("keystore", false);
  // An API replica writes nothing locally; its dataDir defaults to the working directory.
  const dataDir = resolvePath("dataDir", role === "node") ?? process.cwd();
  const artifactsDir = resolvePath("artifactsDir", false) ?? path.join(dataDir, "artifacts");

  const listenText = text("listen", false) ?? "127.0.0.1:0";
  const match = /^(.+):(\d{1,5})$/.exec(listenText);
  if (!match || Number(match[2]) > 65_535) {
    throw new ConfigError(`listen (${from("listen")}) must be host:port, got "${listenText}"`);
  }
  const listen = { host: match[1]!.replace(/^\[(.*)\]$/, "$1"), port: Number(match[2]) };

  let password: string | undefined;
  if (keystore !== undefined) {
    const passwordFile = resolvePath("passwordFile", false);
    if (passwordFile !== undefined) {
      try {
        password = (await readFile(passwordFile, "utf8")).replace(/\r?\n$/, "");
      } catch (error) {
        throw new ConfigError(
          `cannot read the password file ${passwordFile}: ${(error as NodeJS.ErrnoException).code ?? error}`,
        );
      }
    } else if (env.TRIBUTARY_KEYSTORE_PASSWORD !== undefined) {
      password = env.TRIBUTARY_KEYSTORE_PASSWORD;
    } else {
      throw new ConfigError(
        "a keystore needs its password: set passwordFile (or $TRIBUTARY_NODE_PASSWORD_FILE) or $TRIBUTARY_KEYSTORE_PASSWORD",
      );
    }
  }
  const signerUrl = text("signerUrl", false);
  const signerAddress = text("signerAddress", false);
  if ((signerUrl === undefined) !== (signerAddress === undefined)) {
    throw new ConfigError("an external signer needs both signerUrl and signerAddress");
  }
  if (signerUrl !== undefined && !/^https?:\/\/[^/]/i.test(signerUrl)) {
    throw new ConfigError(`signerUrl (${from("signerUrl")}) must be an http(s) URL, got "${signerUrl}"`);
  }
  if (signerAddress !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(signerAddress)) {
    throw new ConfigError(`signerAddress (${from("signerAddress")}) must be an address, got "${signerAddress}"`);
  }
  if (signerUrl !== undefined && keystore !== undefined) {
    throw new ConfigError("a node has one key: give either a keystore or an external signer, not both");
  }
  const submitFrom = text("submitFrom", false);
  if (submitFrom !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(submitFrom)) {
    throw new ConfigError(`submitFrom (${from("submitFrom")}) must be an address, got "${submitFrom}"`);
  }
  if (submitFrom !== undefined && (keystore !== undefined || signerUrl !== undefined)) {
    throw new ConfigError("submitFrom is for keyless nodes; a validator node pays with its own key");
  }
  const database = text("database", false);
  if (database !== undefined && !/^postgres(ql)?:\/\//i.test(database)) {
    throw new ConfigError(
      `database (${from("database")}) must be a postgres:// URL; leave it out for the embedded database in dataDir`,
    );
  }
  if (role === "api") {
    if (database === undefined) {
      throw new ConfigError(
        "role api serves another node's PostgreSQL database: set database (or $TRIBUTARY_NODE_DATABASE) to its postgres:// URL",
      );
    }
    if (keystore !== undefined || signerUrl !== undefined || submitFrom !== undefined) {
      throw new ConfigError("role api holds no key: leave out keystore, signerUrl and submitFrom");
    }
  }
  const corsOrigins = parseOrigins(value("corsOrigins"), from("corsOrigins"));
  const httpUrl = (key: string) => {
    const v = text(key, false);
    if (v !== undefined && !/^https?:\/\/[^/]/i.test(v)) {
      throw new ConfigError(`${key} (${from(key)}) must be an http(s) URL, got "${v}"`);
    }
    return v;
  };
  const ipfsGateway = httpUrl("ipfsGateway");
  const alertWebhook = httpUrl("alertWebhook");
  const expectAllocation = parseExpectAllocation(value("expectAllocation"), from("expectAllocation"));
  const maxDisputeBondText = value("maxDisputeBond");
  if (
    maxDisputeBondText !== undefined &&
    !(typeof maxDisputeBondText === "string" && /^[0-9]+$/.test(maxDisputeBondText)) &&
    !(typeof maxDisputeBondText === "number" && Number.isSafeInteger(maxDisputeBondText) && maxDisputeBondText >= 0)
  ) {
    throw new ConfigError(
      `maxDisputeBond (${from("maxDisputeBond")}) must be a whole number of bond-token base units, as a decimal string, got ${JSON.stringify(maxDisputeBondText)}`,
    );
  }
  const maxDisputeBond = maxDisputeBondText === undefined ? 0n : BigInt(maxDisputeBondText as string | number);
  if (maxDisputeBond > 0n && role === "api") {
    throw new ConfigError("role api holds no key and files no disputes: leave out maxDisputeBond");
  }
  const contributionPolicy = resolvePolicy(text("contributionPolicy", false));
  const batchPolicy = resolvePolicy(text("batchPolicy", false));
  function resolvePolicy(v: string | undefined): string | undefined {
    // A bare package name is resolved by Node; a path is relative to the config file.
    if (v === undefined || !/^\.{1,2}\/|^\//.test(v)) return v;
    return path.resolve(base, v);
  }
  return {
    rpcUrl,
    deployment,
    ...(keystore !== undefined ? { keystore } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(signerUrl !== undefined ? { externalSigner: { url: signerUrl, address: signerAddress! } } : {}),
    dataDir,
    artifactsDir,
    listen,
    confirmations: integer("confirmations", 0, 0),
    pollIntervalMs: integer("pollIntervalMs", 2_000, 50),
    signatureLifetimeSeconds: integer("signatureLifetimeSeconds", 86_400, 60),
    ...(submitFrom !== undefined ? { submitFrom } : {}),
    ...(database !== undefined ? { database } : {}),
    policies: {
      ...(contributionPolicy !== undefined ? { contribution: contributionPolicy } : {}),
      ...(batchPolicy !== undefined ? { batch: batchPolicy } : {}),
    },
    ...(ipfsGateway !== undefined ? { ipfsGateway } : {}),
    ...(alertWebhook !== undefined ? { alertWebhook } : {}),
    maxDisputeBond,
    expectAllocation,
    role,
    corsOrigins,
    rateLimitPerMinute: integer("rateLimitPerMinute", 600, 0),
  };
}

/** `corsOrigins`: `*`, or origins (`https://app.example`), as an array or, from the environment, comma-separated. */
function parseOrigins(v: unknown, source: string): string[] {
  if (v === undefined || v === "") return ["*"];
  const list = typeof v === "string" ? v.split(",").map((o) => o.trim()) : v;
  if (!Array.isArray(list) || list.length === 0) {
    throw new ConfigError(`corsOrigins (${source}) must be "*" or a list of origins, got ${JSON.stringify(v)}`);
  }
  for (const origin of list) {
    if (origin !== "*" && (typeof origin !== "string" || !/^https?:\/\/[^/]+$/i.test(origin))) {
      throw new ConfigError(
        `corsOrigins (${source}) holds ${JSON.stringify(origin)}: give "*" or origins like https://app.example`,
      );
    }
  }
  return list as string[];
}

const ALLOCATION_FIELDS = ["protocolFeeBps", "validatorShareBps", "idleRefundEpochs", "treasury"] as const;

/** `expectAllocation`: an object (or, from the environment, its JSON) of some allocation parameters. */
function parseExpectAllocation(v: unknown, source: string): NodeConfig["expectAllocation"] {
  if (v === undefined || v === "") return {};
  let object = v;
  if (typeof v === "string") {
    try {
      object = JSON.parse(v);
    } catch {
      throw new ConfigError(`expectAllocation (${source}) must be a JSON object, got ${JSON.stringify(v)}`);
    }
  }
  if (typeof object !== "object" || object === null || Array.isArray(object)) {
    throw new ConfigError(`expectAllocation (${source}) must be an object`);
  }
  const out: NodeConfig["expectAllocation"] = {};
  for (const [key, raw] of Object.entries(object)) {
    if (!(ALLOCATION_FIELDS as readonly string[]).includes(key)) {
      throw new ConfigError(
        `unknown field expectAllocation.${key} (${source}); known: ${ALLOCATION_FIELDS.join(", ")}`,
      );
    }
    if (key === "treasury") {
      if (typeof raw !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(raw)) {
        throw new ConfigError(`expectAllocation.treasury (${source}) must be an address, got ${JSON.stringify(raw)}`);
      }
      out.treasury = raw;
    } else {
      const text = typeof raw === "number" ? String(raw) : raw;
      if (typeof text !== "string" || !/^\d+$/.test(text)) {
        throw new ConfigError(`expectAllocation.${key} (${source}) must be a whole number, got ${JSON.stringify(raw)}`);
      }
      out[key as Exclude<(typeof ALLOCATION_FIELDS)[number], "treasury">] = BigInt(text);
    }
  }
  return out;
}

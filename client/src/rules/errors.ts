/**
 * Every failure the client reports is a {@link TributaryError}: a short, actionable message,
 * a stable `code`, and the original error as `cause`.
 */
export class TributaryError extends Error {
  /** Stable machine-readable code, e.g. `INVALID_INPUT`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An argument was malformed: an address, an amount, an epoch, a file. Nothing was sent or written. */
export class InvalidInputError extends TributaryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("INVALID_INPUT", message, options);
  }
}

/** A contract refused a call with a custom error, decoded into its name and arguments. */
export class ContractRevertError extends TributaryError {
  readonly errorName: string;
  readonly errorArgs: readonly unknown[];

  constructor(action: string, errorName: string, errorArgs: readonly unknown[], options?: { cause?: unknown }) {
    super(
      "CONTRACT_REVERT",
      `${action} was refused by the contract: ${errorName}(${errorArgs.map(formatArg).join(", ")})`,
      options,
    );
    this.errorName = errorName;
    this.errorArgs = errorArgs;
  }
}

/** The JSON-RPC endpoint failed, even after retries. */
export class RpcError extends TributaryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("RPC_ERROR", message, options);
  }
}

/** A settlement could not be computed, signed, submitted or verified. */
export class SettlementError extends TributaryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("SETTLEMENT_ERROR", message, options);
  }
}

/** Something asked for does not exist (an account not in a tree, an unknown contribution). */
export class NotFoundError extends TributaryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("NOT_FOUND", message, options);
  }
}

function formatArg(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return value;
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

interface EthersRevertLike {
  revert?: { name: string; args: readonly unknown[] } | null;
  data?: unknown;
  shortMessage?: string;
  message?: string;
}

/** Decodes raw revert data into a custom error; registered by the contracts module. */
type RevertDecoder = (data: string) => { name: string; args: readonly unknown[] } | undefined;
let revertDecoder: RevertDecoder | undefined;

/** Installs the decoder used for revert data that ethers could not attribute to one contract. */
export function setRevertDecoder(decoder: RevertDecoder): void {
  revertDecoder = decoder;
}

/**
 * Runs `call` and converts a contract revert into a {@link ContractRevertError}, any other
 * failure into a {@link TributaryError}. `action` names what was attempted, for the message.
 */
export async function wrapCall<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toTributaryError(action, error);
  }
}

/** Converts any thrown value into a {@link TributaryError}, decoding custom errors where possible. */
export function toTributaryError(action: string, error: unknown): TributaryError {
  if (error instanceof TributaryError) return error;
  const e = error as EthersRevertLike;
  if (e?.revert?.name) {
    return new ContractRevertError(action, e.revert.name, Array.from(e.revert.args), { cause: error });
  }
  const data = findRevertData(error);
  const decoded = data && revertDecoder?.(data);
  if (decoded) return new ContractRevertError(action, decoded.name, decoded.args, { cause: error });
  const simulated = /reverted with custom error '(\w+)\((.*)\)'/.exec(String(e?.message ?? ""));
  if (simulated) {
    const args = simulated[2] ? simulated[2].split(/,\s*/) : [];
    return new ContractRevertError(action, simulated[1]!, args, { cause: error });
  }
  const detail = e?.shortMessage ?? e?.message ?? String(error);
  return new TributaryError("CALL_FAILED", `${action} failed: ${detail}`, { cause: error });
}

function findRevertData(error: unknown, depth = 0): string | undefined {
  if (depth > 4 || error === null || typeof error !== "object") return undefined;
  const e = error as { data?: unknown; error?: unknown; cause?: unknown; info?: { error?: unknown } };
  if (typeof e.data === "string" && /^0x[0-9a-fA-F]{8}/.test(e.data)) return e.data;
  if (e.data && typeof e.data === "object") {
    const nested = findRevertData(e.data, depth + 1);
    if (nested) return nested;
  }
  return (
    findRevertData(e.error, depth + 1) ?? findRevertData(e.info?.error, depth + 1) ?? findRevertData(e.cause, depth + 1)
  );
}

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

/** No deployment of the suite is known for the source asked for (a chain id, a URL, a file). */
export class DeploymentNotFoundError extends TributaryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("DEPLOYMENT_NOT_FOUND", message, options);
  }
}

import { Interface } from "ethers";
import {
  AttributionLedger__factory,
  ContributionChallenges__factory,
  ContributionRegistry__factory,
  RewardDistributor__factory,
  SettlementDisputes__factory,
  ValidatorStaking__factory,
} from "../generated/typechain/index.js";
import { ContractRevertError, TributaryError } from "../rules/errors.js";

/** Contract calls with typed errors: reverts are decoded against every custom error of the suite. */

interface EthersRevertLike {
  revert?: { name: string; args: readonly unknown[] } | null;
  data?: unknown;
  shortMessage?: string;
  message?: string;
}

/** Every custom error of the suite, built on the first revert that needs it (nothing runs at import). */
let suiteErrors: Interface | undefined;

/** Decodes raw revert data against every custom error of the suite, or undefined if none matches. */
export function decodeSuiteError(data: string): { name: string; args: readonly unknown[] } | undefined {
  suiteErrors ??= new Interface(
    [
      ...ValidatorStaking__factory.abi,
      ...ContributionRegistry__factory.abi,
      ...AttributionLedger__factory.abi,
      ...RewardDistributor__factory.abi,
      ...SettlementDisputes__factory.abi,
      ...ContributionChallenges__factory.abi,
    ].filter((fragment) => fragment.type === "error"),
  );
  try {
    const parsed = suiteErrors.parseError(data);
    return parsed ? { name: parsed.name, args: Array.from(parsed.args) } : undefined;
  } catch {
    return undefined;
  }
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
  const decoded = data && decodeSuiteError(data);
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

import { getAddress, isAddress } from "ethers";
import { InvalidInputError } from "./errors.js";

/** Returns the checksummed form of `value`, or throws an {@link InvalidInputError} naming `what`. */
export function requireAddress(value: string, what = "address"): string {
  if (typeof value !== "string" || !isAddress(value)) {
    throw new InvalidInputError(`${what} must be a 0x-prefixed 20-byte hex address, got "${String(value)}"`);
  }
  return getAddress(value);
}

/** Parses a non-negative integer amount from a bigint, a safe integer or a decimal string. */
export function requireAmount(value: bigint | number | string, what = "amount", { positive = true } = {}): bigint {
  let parsed: bigint;
  if (typeof value === "bigint") parsed = value;
  else if (typeof value === "number" && Number.isSafeInteger(value)) parsed = BigInt(value);
  else if (typeof value === "string" && /^\d+$/.test(value.trim())) parsed = BigInt(value.trim());
  else throw new InvalidInputError(`${what} must be a whole number of token units, got "${String(value)}"`);
  if (parsed < 0n) throw new InvalidInputError(`${what} must not be negative, got ${parsed}`);
  if (positive && parsed === 0n) throw new InvalidInputError(`${what} must be greater than zero`);
  if (parsed >= 2n ** 256n) throw new InvalidInputError(`${what} does not fit in uint256`);
  return parsed;
}

/** Parses an epoch number. */
export function requireEpoch(value: bigint | number | string, what = "epoch"): bigint {
  const text = String(value).trim();
  if (typeof value === "number" ? !Number.isSafeInteger(value) || value < 0 : !/^\d+$/.test(text)) {
    throw new InvalidInputError(`${what} must be a non-negative whole number, got "${String(value)}"`);
  }
  const epoch = BigInt(text);
  if (epoch >= 2n ** 64n) throw new InvalidInputError(`${what} ${epoch} is beyond any epoch the contracts can reach`);
  return epoch;
}

/** Checks a 32-byte hex value. */
export function requireBytes32(value: string, what = "value"): string {
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(value)) {
    throw new InvalidInputError(`${what} must be 0x followed by 64 hex digits, got "${String(value)}"`);
  }
  return value.toLowerCase();
}

/**
 * Parses a human token amount such as `1000` or `12.5` into base units with `decimals` decimals.
 */
export function requireTokenAmount(value: string, decimals: number, what = "amount"): bigint {
  const text = String(value).trim();
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match)
    throw new InvalidInputError(`${what} must be a positive token amount such as 1000 or 12.5, got "${value}"`);
  const fraction = match[2] ?? "";
  if (fraction.length > decimals) {
    throw new InvalidInputError(`${what} has more than ${decimals} decimals: "${value}"`);
  }
  const units = BigInt(match[1]! + fraction.padEnd(decimals, "0"));
  return requireAmount(units, what);
}

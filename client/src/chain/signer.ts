import type { Signer } from "ethers";
import type { TributaryContracts } from "./contracts.js";
import { InvalidInputError } from "../rules/errors.js";

/** The Signer behind the contracts, or a clear error when they are bound to a read-only Provider. */
export function requireSigner(tributary: TributaryContracts): Signer {
  const runner = tributary.runner as Partial<Signer>;
  if (typeof runner.sendTransaction !== "function" || typeof runner.getAddress !== "function") {
    throw new InvalidInputError("this action sends a transaction: connect the client with a Signer, not a Provider");
  }
  return runner as Signer;
}

import { getAddress, ZeroAddress } from "ethers";
import type { TributaryContracts } from "../chain/contracts.js";
import { InvalidInputError } from "../rules/errors.js";
import { requireAddress } from "../rules/validation.js";
import { requireSigner } from "../chain/signer.js";
import { send } from "../chain/transactions.js";

/** Parameters of {@link setRecipient}. */
export interface SetRecipientParameters {
  /** A listed token. */
  token: string;
  /** Who is paid the signer's claims of `token`; `null` pays the signer again. */
  recipient: string | null;
}

/** The transaction's hash. */
export type SetRecipientResult = string;

/**
 * Makes every later claim of `token` for the signer pay `recipient` instead; `null` pays the signer
 * again. Refuses the distributor and every listed token, where the tokens would be stuck.
 * @example
 * await setRecipient(asContributor, { token: usdc, recipient: vault });
 * @throws {InvalidInputError} a malformed or unlisted token, a recipient where tokens would be stuck, or no Signer.
 * @throws {ContractRevertError} the distributor refused.
 */
export async function setRecipient(
  tributary: TributaryContracts,
  parameters: SetRecipientParameters,
): Promise<SetRecipientResult> {
  const { recipient } = parameters;
  const token = requireAddress(parameters.token, "token");
  const target = recipient === null ? ZeroAddress : requireAddress(recipient, "recipient");
  requireSigner(tributary);
  const distributor = getAddress(await tributary.distributor.getAddress());
  if (target === distributor || target === token) {
    throw new InvalidInputError(
      `recipient ${target} is the ${target === token ? "token itself" : "distributor"}: tokens paid there would be stuck; ` +
        "pass an account you control, or null to be paid directly",
    );
  }
  const listed = (await tributary.distributor.tokens()).map((t) => getAddress(t));
  if (!listed.includes(token)) {
    throw new InvalidInputError(`token ${token} is not on the distributor's allowlist (${listed.join(", ")})`);
  }
  if (listed.includes(target)) {
    throw new InvalidInputError(
      `recipient ${target} is a listed token: tokens paid there would be stuck; pass an account you control`,
    );
  }
  return (await send(`set recipient of ${token} to ${target}`, () => tributary.distributor.setRecipient(token, target)))
    .hash;
}

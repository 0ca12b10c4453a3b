import { getAddress, ZeroAddress } from "ethers";
import type { TributaryContracts } from "./contracts.js";
import { InvalidInputError } from "./errors.js";
import { requireAddress } from "./validation.js";
import { requireSigner } from "./signer.js";
import { send } from "./internal/transactions.js";

/**
 * Makes every later claim of `token` for the signer pay `recipient` instead; `null` pays the signer
 * again. Refuses the distributor and every listed token, where the tokens would be stuck.
 */
export async function setRecipient(
  tributary: TributaryContracts,
  tokenInput: string,
  recipient: string | null,
): Promise<string> {
  const token = requireAddress(tokenInput, "token");
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

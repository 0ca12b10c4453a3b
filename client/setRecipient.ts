import { getAddress, ZeroAddress } from "ethers";
import type { TributaryContracts } from "./contracts.js";
import { InvalidInputError } from "./errors.js";
import { requireAddress } from "./validation.js";
import { requireSigner } from "./signer.js";
import { send } from "./internal/transactions.js";

/**
 * Makes every later claim for the signer pay `recipient` instead; `null` pays the signer again.
 * Refuses the distributor and the reward token, where the tokens would be stuck.
 */
export async function setRecipient(tributary: TributaryContracts, recipient: string | null): Promise<string> {
  const target = recipient === null ? ZeroAddress : requireAddress(recipient, "recipient");
  requireSigner(tributary);
  const distributor = getAddress(await tributary.distributor.getAddress());
  const token = getAddress(await tributary.distributor.REWARD_TOKEN());
  if (target === distributor || target === token) {
    throw new InvalidInputError(
      `recipient ${target} is the ${target === token ? "reward token" : "distributor"}: tokens paid there would be stuck; ` +
        "pass an account you control, or null to be paid directly",
    );
  }
  return (await send(`set recipient to ${target}`, () => tributary.distributor.setRecipient(target))).hash;
}

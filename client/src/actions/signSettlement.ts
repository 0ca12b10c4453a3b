import type { Signer } from "ethers";
import type { TributaryContracts } from "./contracts.js";

/** The EIP-712 `Settlement` message validators sign. */
export interface SettlementMessage {
  epoch: bigint;
  root: string;
  /** One total per covered token, in allowlist order. */
  cumulativeTotals: bigint[];
  dataUriHash: string;
  deadline: bigint;
}
/** EIP-712 types of a settlement (`RewardDistributor.SETTLEMENT_TYPEHASH`). */
export const SETTLEMENT_TYPES = {
  Settlement: [
    { name: "epoch", type: "uint256" },
    { name: "root", type: "bytes32" },
    { name: "cumulativeTotals", type: "uint256[]" },
    { name: "dataUriHash", type: "bytes32" },
    { name: "deadline", type: "uint256" },
  ],
};
/**
 * A validator signs a settlement (EIP-712, through any ethers Signer).
 * @example
 * const signature = await signSettlement(tributary, validatorSigner, { epoch, root, cumulativeTotals, dataUriHash, deadline });
 */
export async function signSettlement(
  tributary: TributaryContracts,
  signer: Signer,
  message: SettlementMessage,
): Promise<string> {
  const [, name, version, chainId, verifyingContract] = await tributary.distributor.eip712Domain();
  return signer.signTypedData({ name, version, chainId, verifyingContract }, SETTLEMENT_TYPES, message);
}

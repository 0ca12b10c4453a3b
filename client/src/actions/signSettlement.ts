import type { Signer } from "ethers";
import type { TributaryContracts } from "../chain/contracts.js";

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
/** Parameters of {@link signSettlement}. */
export interface SignSettlementParameters {
  /** The validator, any ethers Signer. */
  signer: Signer;
  message: SettlementMessage;
}

/** The EIP-712 signature. */
export type SignSettlementResult = string;

/**
 * A validator signs a settlement (EIP-712, through any ethers Signer).
 * @example
 * const signature = await signSettlement(tributary, { signer: validator, message: { epoch, root, cumulativeTotals, dataUriHash, deadline } });
 * @throws {Error} whatever the Signer throws when it refuses to sign.
 */
export async function signSettlement(
  tributary: TributaryContracts,
  parameters: SignSettlementParameters,
): Promise<SignSettlementResult> {
  const [, name, version, chainId, verifyingContract] = await tributary.distributor.eip712Domain();
  return parameters.signer.signTypedData(
    { name, version, chainId, verifyingContract },
    SETTLEMENT_TYPES,
    parameters.message,
  );
}

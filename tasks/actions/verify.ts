import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { InvalidInputError, requireEpoch, verify } from "../../client/index.js";
import { formatAmount, open, runAction, tokenInfos } from "./common.js";

export default async function verifyTask(
  args: { epoch: string; deployment: string; confirmations: number },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runAction(async () => {
    if (args.epoch === "") throw new InvalidInputError("--epoch is required");
    const epoch = requireEpoch(args.epoch);
    if (args.confirmations < -1) throw new InvalidInputError("--confirmations must not be negative");
    const { tributary } = await open(hre, args.deployment);
    const index = args.confirmations >= 0 ? { confirmations: args.confirmations } : {};
    const result = await verify(tributary, { epoch, index });
    const info = await tokenInfos(tributary, result.tokens);
    console.log(`recomputed root  ${result.computedRoot}`);
    console.log(`on-chain root    ${result.onChainRoot ?? "none"}`);
    const count = Math.max(result.tokens.length, result.onChainTotals?.length ?? 0);
    for (let i = 0; i < count; i++) {
      const address = result.tokens[i];
      const token = address ? info.get(address)! : { address: "?", symbol: `token #${i}`, decimals: 0 };
      const computed = result.computedTotals[i];
      const onChain = result.onChainTotals?.[i];
      const show = (v: bigint | undefined) => (v === undefined ? "none" : formatAmount(v, token));
      console.log(
        `  [${i}] ${token.symbol} ${address ?? ""}: recomputed ${show(computed)}, on chain ${show(onChain)}` +
          (computed === onChain ? "" : "  MISMATCH"),
      );
    }
    if (result.matches) console.log(`epoch ${epoch}: MATCH`);
    else {
      console.error(`tributary: epoch ${epoch} does not match the chain`);
      process.exitCode = 1;
    }
  });
}

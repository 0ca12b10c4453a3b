import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { InvalidInputError, requireEpoch, verify } from "../../client/index.js";
import { formatAmount, open, runAction, tokenInfos, toJson, type TokenInfo } from "./common.js";

export default async function verifyTask(
  args: { epoch: string; deployment: string; confirmations: number; json: boolean },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runAction(async () => {
    if (args.epoch === "") throw new InvalidInputError("--epoch is required");
    const epoch = requireEpoch(args.epoch, "--epoch");
    if (args.confirmations < -1) throw new InvalidInputError("--confirmations must not be negative");
    const { tributary } = await open(hre, args.deployment);
    const next = await tributary.distributor.nextEpochToSettle();
    if (epoch >= next) {
      throw new InvalidInputError(
        `epoch ${epoch} is not settled yet (next to settle: ${next}); there is no on-chain root to compare with`,
      );
    }
    const index = args.confirmations >= 0 ? { confirmations: args.confirmations } : {};
    const result = await verify(tributary, { epoch, index });
    const info = await tokenInfos(tributary, result.tokens);
    const count = Math.max(result.tokens.length, result.onChainTotals?.length ?? 0);
    const rows = Array.from({ length: count }, (_, i) => {
      const address = result.tokens[i];
      const token: TokenInfo = address ? info.get(address)! : { address: "", symbol: `token #${i}`, decimals: 0 };
      return {
        index: i,
        token,
        computed: result.computedTotals[i],
        onChain: result.onChainTotals?.[i],
      };
    });
    if (args.json) {
      console.log(
        toJson({
          epoch,
          matches: result.matches,
          computedRoot: result.computedRoot,
          onChainRoot: result.onChainRoot ?? null,
          tokens: rows.map((r) => ({
            index: r.index,
            address: r.token.address || null,
            symbol: r.token.symbol,
            decimals: r.token.decimals,
            computedTotal: r.computed ?? null,
            onChainTotal: r.onChain ?? null,
            matches: r.computed === r.onChain,
          })),
        }),
      );
    } else {
      console.log(`recomputed root  ${result.computedRoot}`);
      console.log(`on-chain root    ${result.onChainRoot ?? "none"}`);
      for (const r of rows) {
        const show = (v: bigint | undefined) => (v === undefined ? "none" : formatAmount(v, r.token));
        console.log(
          `  [${r.index}] ${r.token.symbol} ${r.token.address}: recomputed ${show(r.computed)}, on chain ${show(r.onChain)}` +
            (r.computed === r.onChain ? "" : "  MISMATCH"),
        );
      }
      if (result.matches) console.log(`epoch ${epoch}: MATCH`);
    }
    if (!result.matches) {
      console.error(`tributary: epoch ${epoch}'s recomputed settlement does not match the root on chain (see above)`);
      process.exitCode = 1;
    }
  });
}

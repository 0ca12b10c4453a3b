import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { ContractRevertError, InvalidInputError, requireEpoch, settle } from "../../client/index.js";
import { FileSettlementStore } from "../../client/node/index.js";
import { formatAmount, open, runAction, tokenInfos } from "./common.js";

interface SettleArguments {
  epoch: string;
  deployment: string;
  out: string;
  confirmations: number;
  attempt: number;
}

export default async function settleTask(args: SettleArguments, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runAction(async () => {
    if (args.epoch === "") throw new InvalidInputError("--epoch is required");
    const epoch = requireEpoch(args.epoch, "--epoch");
    if (args.confirmations < -1) throw new InvalidInputError("--confirmations must not be negative");
    if (args.attempt < 0) throw new InvalidInputError("--attempt must be 1 or more");
    const { connection, tributary } = await open(hre, args.deployment);
    const validators = await connection.ethers.getSigners();
    const result = await settle(tributary, {
      epoch,
      validators,
      store: new FileSettlementStore(path.resolve(args.out)),
      ...(args.attempt > 0 ? { attempt: args.attempt } : {}),
      index: {
        ...(args.confirmations >= 0 ? { confirmations: args.confirmations } : {}),
        onProgress: ({ doneBlock, toBlock, events }) =>
          console.log(`  indexed to block ${doneBlock}/${toBlock} (${events} events)`),
      },
      // Totals are printed per token, in its decimals, once settled; the progress line keeps the root.
      onProgress: (step, detail) =>
        console.log(
          `[${step}] ${detail.replace(/, cumulative totals \[[^\]]*\] in (\d+) token\(s\)/, " in $1 token(s)")}`,
        ),
    }).catch((error: unknown) => {
      // The journal holds signatures over exactly what governance vetoed: it cannot be submitted again.
      if (error instanceof ContractRevertError && error.errorName === "SettlementWasVetoed") {
        throw new InvalidInputError(
          `governance vetoed the settlement signed for epoch ${epoch}, and this run would submit it unchanged; ` +
            "re-run with --attempt <vetoes of the epoch + 1>, so that validators sign a new artifact anew",
          { cause: error },
        );
      }
      throw error;
    });
    console.log(`epoch ${result.epoch} settled: root ${result.root}`);
    const info = await tokenInfos(
      tributary,
      result.computation.tokens.map((t) => t.token),
    );
    for (const t of result.computation.tokens) {
      const token = info.get(t.token)!;
      console.log(
        `  [${t.index}] ${token.symbol}: cumulative total ${formatAmount(t.cumulativeTotal, token)}, ` +
          `funded ${formatAmount(t.fundedThrough, token)}, carried ${formatAmount(t.carryOut, token)}`,
      );
    }
    console.log(`artifact: ${result.artifactLocation}`);
    console.log(`data URI: ${result.dataUri}`);
  });
}

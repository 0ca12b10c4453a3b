import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { getAddress } from "ethers";
import { claim, claimable, claimMany, InvalidInputError, NotFoundError, requireAddress } from "../../client/index.js";
import {
  accountTokens,
  formatAmount,
  open,
  readArtifact,
  requireListedToken,
  requireSameDeployment,
  runAction,
  tokenInfos,
} from "./common.js";

export default async function claimTask(
  args: { account: string; artifact: string; token: string; deployment: string },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runAction(async () => {
    if (args.account === "") throw new InvalidInputError("--account is required: the account to claim for");
    const account = requireAddress(args.account, "--account");
    if (args.token !== "") requireAddress(args.token, "--token");
    const artifact = await readArtifact(args.artifact);
    // An account owed nothing is an answer, not an error (exit code 0), as for tributary:proof.
    let tokens: string[];
    try {
      tokens = accountTokens(artifact, account, args.token);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      console.log(`${error.message}: nothing to claim`);
      return;
    }
    const { tributary } = await open(hre, args.deployment);
    requireSameDeployment(tributary, artifact);
    if (args.token !== "") await requireListedToken(tributary, args.token);
    const info = await tokenInfos(tributary, tokens);
    const available = await claimable(tributary, { artifact, account });
    const due = tokens.filter((t) => (available.get(t) ?? 0n) > 0n);
    const names = tokens.map((t) => info.get(t)!.symbol).join(", ");
    if (due.length === 0) {
      console.log(`${account} has nothing left to claim in ${names}`);
      return;
    }
    let paid: Map<string, bigint>;
    let transaction: string;
    if (due.length === 1) {
      const result = await claim(tributary, { artifact, account, token: due[0]! });
      paid = new Map([[due[0]!, result.paid]]);
      transaction = result.transaction;
    } else {
      const result = await claimMany(tributary, { artifact, requests: due.map((token) => ({ account, token })) });
      paid = result.paid;
      transaction = result.transaction;
    }
    for (const token of tokens) {
      const amount = paid.get(getAddress(token)) ?? 0n;
      if (due.includes(token)) console.log(`claimed ${formatAmount(amount, info.get(token)!)} for ${account}`);
      else console.log(`nothing left to claim in ${info.get(token)!.symbol} for ${account}`);
    }
    console.log(`transaction ${transaction}`);
  });
}

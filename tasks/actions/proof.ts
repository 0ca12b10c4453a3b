import { InvalidInputError, NotFoundError, proofFromArtifact, requireAddress } from "../../client/index.js";
import { accountTokens, readArtifact, runAction, toJson } from "./common.js";

/**
 * Prints an account's cumulative amounts and proofs from an artifact; it needs no network. An account
 * owed nothing (in any token, or in `--token`) is an answer, not an error: exit code 0, as for
 * `tributary:claim`.
 */
export default async function proofTask(args: {
  account: string;
  artifact: string;
  token: string;
  json: boolean;
}): Promise<void> {
  await runAction(async () => {
    if (args.account === "") throw new InvalidInputError("--account is required: the account whose proof to print");
    const account = requireAddress(args.account, "--account");
    const artifact = await readArtifact(args.artifact);
    const { epoch, root } = artifact.metadata;
    let tokens: string[];
    try {
      tokens = accountTokens(artifact, account, args.token);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      if (args.json) console.log(toJson({ account, epoch, root, claims: [] }));
      else console.log(`${error.message}: nothing to prove`);
      return;
    }
    const proofs = tokens.map((token) => proofFromArtifact(artifact, account, token));
    if (args.json) {
      console.log(
        toJson({
          account,
          epoch,
          root,
          claims: proofs.map((p) => ({ token: p.token, cumulativeAmount: p.cumulativeAmount, proof: p.proof })),
        }),
      );
      return;
    }
    console.log(`${account} in the epoch ${epoch} settlement (root ${root}):`);
    for (const p of proofs) {
      console.log(`  token ${p.token}: cumulative amount ${p.cumulativeAmount} base units`);
      console.log(`    proof [${p.proof.join(", ")}]`);
    }
    console.log("(amounts in the token's base units, as claim() takes them; add --json for machine-readable output)");
  });
}

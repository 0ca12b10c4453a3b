import { InvalidInputError, proofFromArtifact, requireAddress } from "../../client/index.js";
import { accountTokens, readArtifact, runAction } from "./common.js";

export default async function proofTask(args: { account: string; artifact: string; token: string }): Promise<void> {
  await runAction(async () => {
    if (args.account === "") throw new InvalidInputError("--account is required: the account whose proof to print");
    const account = requireAddress(args.account, "--account");
    const artifact = await readArtifact(args.artifact);
    const tokens = accountTokens(artifact, account, args.token);
    const proofs = tokens.map((token) => proofFromArtifact(artifact, account, token));
    console.log(
      JSON.stringify(
        {
          account,
          epoch: artifact.metadata.epoch,
          root: artifact.metadata.root,
          claims: proofs.map((p) => ({
            token: p.token,
            cumulativeAmount: p.cumulativeAmount.toString(),
            proof: p.proof,
          })),
        },
        null,
        2,
      ),
    );
  });
}

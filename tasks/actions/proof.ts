import { proofFromArtifact, requireAddress } from "../../client/index.js";
import { readArtifact, runAction } from "./common.js";

export default async function proofTask(args: { account: string; artifact: string }): Promise<void> {
  await runAction(async () => {
    const account = requireAddress(args.account, "--account");
    const artifact = await readArtifact(args.artifact);
    const proof = proofFromArtifact(artifact, account);
    console.log(JSON.stringify({ ...proof, cumulativeAmount: proof.cumulativeAmount.toString() }, null, 2));
  });
}

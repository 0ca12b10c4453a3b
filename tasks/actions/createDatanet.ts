import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { createDatanet } from "../../client/index.js";
import { runAction } from "./common.js";
import { checkFrom, openAs, required } from "./roleCommon.js";

export default async function createDatanetTask(
  args: { uri: string; from: string; deployment: string },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runAction(async () => {
    const uri = required(args.uri, "--uri", "the datanet's metadata URI, e.g. ipfs://…/datanet.json");
    checkFrom(args.from);
    const { tributary, address } = await openAs(hre, args.deployment, args.from);
    const datanetId = await createDatanet(tributary, { metadataUri: uri });
    console.log(`created datanet ${datanetId} curated by ${address} (metadata ${uri})`);
  });
}

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { ZeroAddress } from "ethers";
import { InvalidInputError, requireAddress, setRecipient } from "../../client/index.js";
import { requireListedToken, runAction } from "./common.js";
import { checkFrom, openAs, resolveToken } from "./roleCommon.js";

export default async function setRecipientTask(
  args: { token: string; recipient: string; reset: boolean; from: string; deployment: string },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runAction(async () => {
    if (args.token === "")
      throw new InvalidInputError("--token is required: the listed token (address or symbol) whose claims to redirect");
    if ((args.recipient === "") === !args.reset) {
      throw new InvalidInputError("pass exactly one of --recipient <0x…> and --reset (claims pay the account itself)");
    }
    const recipient = args.reset ? null : requireAddress(args.recipient, "--recipient");
    checkFrom(args.from);
    const { tributary, address } = await openAs(hre, args.deployment, args.from);
    const token = await resolveToken(tributary, args.token);
    await requireListedToken(tributary, token.address);
    const transaction = await setRecipient(tributary, { token: token.address, recipient });
    const now = await tributary.distributor.recipientOf(address, token.address);
    console.log(
      now === ZeroAddress
        ? `claims of ${token.symbol} for ${address} pay ${address} itself again (${transaction})`
        : `claims of ${token.symbol} for ${address} now pay ${now} (${transaction})`,
    );
  });
}

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { InvalidInputError, requireAddress } from "../../client/index.js";
import { send } from "../../client/src/chain/transactions.js";
import { formatAmount, runAction } from "./common.js";
import { checkAmountShape, checkFrom, openAs, parseAmount, required, resolveToken } from "./roleCommon.js";
import { MockERC20__factory } from "../../typechain-types/index.js";

export default async function mintTask(
  args: { token: string; amount: string; to: string; from: string; deployment: string },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runAction(async () => {
    required(args.token, "--token", "the demo token to mint, by address or symbol (TSTK, TRWD, TUSD, TSRC)");
    const text = required(args.amount, "--amount", "how much to mint, in whole tokens (e.g. 1000 or 12.5)");
    checkAmountShape(text);
    const explicitTo = args.to === "" ? undefined : requireAddress(args.to, "--to");
    checkFrom(args.from);
    const { tributary, address } = await openAs(hre, args.deployment, args.from);
    const token = await resolveToken(tributary, args.token);
    const amount = parseAmount(text, token);
    const to = explicitTo ?? address;
    const contract = MockERC20__factory.connect(token.address, tributary.runner);
    try {
      await contract.mint.staticCall(to, amount);
    } catch (error) {
      throw new InvalidInputError(
        `${token.symbol} (${token.address}) cannot be minted by ${address}: only the demo tokens of ` +
          "`tributary:deploy --demo-tokens` have a public mint",
        { cause: error },
      );
    }
    const receipt = await send(`mint ${token.symbol}`, () => contract.mint(to, amount));
    console.log(
      `minted ${formatAmount(amount, token)} to ${to} (balance ${formatAmount(await contract.balanceOf(to), token)}) in ${receipt.hash}`,
    );
  });
}

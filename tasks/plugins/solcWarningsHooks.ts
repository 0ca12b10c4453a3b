import type { HardhatHooks } from "hardhat/types/hooks";

const TRANSIENT_STORAGE_WARNING = "Transient storage as defined by EIP-1153";
const OPENZEPPELIN_TRANSIENT_SLOT = "@openzeppelin/contracts/utils/TransientSlot.sol";

/** Whether a solc diagnostic is the EIP-1153 warning raised by OpenZeppelin's TransientSlot. */
export function isOpenZeppelinTransientStorageWarning(error: {
  severity?: string;
  message?: string;
  formattedMessage?: string;
}): boolean {
  const text = error.formattedMessage ?? error.message ?? "";
  return (
    error.severity === "warning" &&
    text.includes(TRANSIENT_STORAGE_WARNING) &&
    text.replaceAll("\\", "/").includes(OPENZEPPELIN_TRANSIENT_SLOT)
  );
}

export default async (): Promise<Partial<HardhatHooks["solidity"]>> => ({
  getCompilationJobErrors: async (context, compilationJob, compilerOutput, next) => {
    const errors = await next(context, compilationJob, compilerOutput);
    return errors.filter((error) => !isOpenZeppelinTransientStorageWarning(error));
  },
});

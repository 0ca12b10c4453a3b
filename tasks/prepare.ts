/**
 * Wraps each operator task's action so that the contracts are compiled (and their TypeChain types
 * generated) before the action loads, since the actions import those types. Kept free of imports
 * of the client, which needs the generated types.
 */
import { access } from "node:fs/promises";
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { TaskArguments } from "hardhat/types/tasks";

type Action = (args: TaskArguments, hre: HardhatRuntimeEnvironment) => Promise<void>;

/** Compiles the contracts if needed (quietly, saying so on the first run, when it takes a while). */
export async function ensureCompiled(hre: HardhatRuntimeEnvironment): Promise<void> {
  const generated = path.join(hre.config.paths.root, "typechain-types", "index.ts");
  const firstRun = await access(generated).then(
    () => false,
    () => true,
  );
  // A test that has built everything beforehand runs many tasks at once, and concurrent builds would
  // race on the compile cache even with nothing to compile: it says so, and the build is skipped.
  if (!firstRun && process.env.TRIBUTARY_PREBUILT === "1") return;
  // On stderr, so that --json output on stdout stays machine-readable.
  if (firstRun) console.error("compiling the contracts (first run only)…");
  await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
}

/** An action loader for `setAction` that compiles first, then loads and runs `load`'s action. */
export function compiledAction(
  load: () => Promise<{ default: (args: never, hre: HardhatRuntimeEnvironment) => Promise<void> }>,
): () => Promise<{ default: Action }> {
  return async () => ({
    default: async (args, hre) => {
      await ensureCompiled(hre);
      const action = (await load()).default as Action;
      await action(args, hre);
    },
  });
}

/**
 * Loads the node's vote and attest policies: the modules the config names (docs/policies.md), or the
 * defaults (contentHash.ts, onChainRules.ts).
 */
import { access } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { contentHashPolicy } from "./contentHash.js";
import { onChainRulesPolicy } from "./onChainRules.js";
import type { BatchPolicy, ContributionPolicy, Policies, PolicyOptions } from "./types.js";

/** A configured policy module is missing, does not load, or does not export a policy factory. */
export class PolicyLoadError extends Error {
  override name = "PolicyLoadError";
  constructor(
    message: string,
    /** Which policy: `contribution` or `batch`. */
    readonly kind: "contribution" | "batch",
    /** The module path or package name from the config. */
    readonly modulePath: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Loads the configured policy modules (`config.policies`), each with a dynamic import, or the defaults.
 * A path (absolute, or relative to the working directory) is imported as a file; anything else as a
 * package name. The module exports its factory as `default`, or as `contributionPolicy` / `batchPolicy`.
 * @example
 * const policies = await loadPolicies(config.policies, { tributary, log, ipfsGateway: config.ipfsGateway });
 * @throws {PolicyLoadError} a module is missing, fails to load, or exports no factory of a policy.
 */
export async function loadPolicies(
  paths: { contribution?: string; batch?: string },
  options: PolicyOptions,
): Promise<Policies> {
  return {
    contribution: paths.contribution
      ? await loadPolicy<ContributionPolicy>("contribution", paths.contribution, options)
      : contentHashPolicy({ ...options, log: options.log.child({ policy: "contentHash" }) }),
    batch: paths.batch
      ? await loadPolicy<BatchPolicy>("batch", paths.batch, options)
      : onChainRulesPolicy({ ...options, log: options.log.child({ policy: "onChainRules" }) }),
  };
}

async function loadPolicy<P extends ContributionPolicy | BatchPolicy>(
  kind: "contribution" | "batch",
  modulePath: string,
  options: PolicyOptions,
): Promise<P> {
  const isPath = path.isAbsolute(modulePath) || /^\.{1,2}[\\/]/.test(modulePath);
  const specifier = isPath ? pathToFileURL(path.resolve(modulePath)).href : modulePath;
  if (
    isPath &&
    !(await access(path.resolve(modulePath)).then(
      () => true,
      () => false,
    ))
  ) {
    throw new PolicyLoadError(`the ${kind} policy module ${modulePath} does not exist`, kind, modulePath);
  }
  let module: Record<string, unknown>;
  try {
    module = (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    const missing =
      !isPath &&
      (error as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND" &&
      String((error as Error).message).includes(`'${modulePath}'`);
    throw new PolicyLoadError(
      missing
        ? `the ${kind} policy module ${modulePath} does not exist`
        : `the ${kind} policy module ${modulePath} failed to load: ${(error as Error).message}`,
      kind,
      modulePath,
      { cause: error },
    );
  }
  const named = kind === "contribution" ? "contributionPolicy" : "batchPolicy";
  const factory = typeof module[named] === "function" ? module[named] : module.default;
  if (typeof factory !== "function") {
    throw new PolicyLoadError(
      `the ${kind} policy module ${modulePath} must export a factory function as "default" or "${named}"; ` +
        `it exports ${Object.keys(module).join(", ") || "nothing"}`,
      kind,
      modulePath,
    );
  }
  let policy: unknown;
  try {
    policy = await (factory as (o: PolicyOptions) => unknown)({
      ...options,
      log: options.log.child({ policy: modulePath }),
    });
  } catch (error) {
    throw new PolicyLoadError(
      `the ${kind} policy factory of ${modulePath} threw: ${(error as Error).message}`,
      kind,
      modulePath,
      { cause: error },
    );
  }
  if (typeof policy !== "object" || policy === null || typeof (policy as P).decide !== "function") {
    throw new PolicyLoadError(
      `the ${kind} policy factory of ${modulePath} must return an object with a decide(item, context) method`,
      kind,
      modulePath,
    );
  }
  return policy as P;
}

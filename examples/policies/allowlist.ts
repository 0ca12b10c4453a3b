/**
 * An example contribution policy (docs/policies.md): accept work only from an allowlist of contributors,
 * and only when its content checks out by the default policy; reject work from anyone else.
 *
 * Configure it with `"contributionPolicy": "./examples/policies/allowlist.ts"` and the contributors in
 * $TRIBUTARY_ALLOWLIST, comma-separated addresses.
 */
import { getAddress } from "ethers";
import { contentHashPolicy } from "../../node/src/policies/contentHash.js";
import type { ContributionPolicy, PolicyOptions } from "../../node/src/policies/types.js";

export function contributionPolicy(options: PolicyOptions): ContributionPolicy {
  const allowed = new Set(
    (process.env.TRIBUTARY_ALLOWLIST ?? "")
      .split(",")
      .map((a) => a.trim())
      .filter((a) => a !== "")
      .map((a) => getAddress(a)),
  );
  options.log.info({ allowed: [...allowed] }, "allowlist policy loaded");
  const content = contentHashPolicy(options);
  return {
    async decide(contribution, context) {
      if (!allowed.has(getAddress(contribution.contributor))) {
        return { decision: "reject", reason: `contributor ${contribution.contributor} is not on the allowlist` };
      }
      const verdict = await content.decide(contribution, context);
      return { decision: verdict.decision, reason: `allowlisted contributor; ${verdict.reason}` };
    },
  };
}

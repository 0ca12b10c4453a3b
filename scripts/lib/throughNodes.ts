/**
 * The validators' part of an epoch on the networked demo, done by the validator nodes themselves: they
 * vote on the contributions by their contribution policies, the dapps hand the attribution records to
 * one node over HTTP, which proposes them, and the others attest by their batch policies. This module
 * holds no key: it hands over the records and watches the chain and the nodes until the work is done.
 */
import { contributionStatus, listAttributionBatches } from "../../client/index.js";
import { until, type InboxRecord, type ValidatorNetwork } from "./network.js";
import type { ValidatorsAct } from "./scenario.js";

export interface ThroughNodesOptions {
  /** The node the dapps hand their records to. Default 0 (validator 1). */
  proposer?: number;
  /** How long each stage (decisions, proposal, finality) may take. Default 60 s. */
  timeoutMs?: number;
  log?: (line: string) => void;
}

/**
 * A `ValidatorsAct` carried out by the running nodes of `network`. It waits until every contribution is
 * decided (the demo must not move the clock past a voting window before), checks each was decided as
 * the scenario expects, hands the records to the proposer node, and waits until each record is in a
 * Final batch, and the refused one is marked invalid by the node's inbox.
 */
export function actThroughNodes(network: ValidatorNetwork, options: ThroughNodesOptions = {}): ValidatorsAct {
  const proposer = options.proposer ?? 0;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const log = options.log ?? (() => {});
  const { tributary } = network.suite;

  /** {@link until}, with what was last seen added to the timeout's message. */
  async function watch<T>(what: string, check: (seen: (state: string) => void) => Promise<T | undefined>) {
    let last = "nothing yet";
    return until(what, () => check((state) => (last = state)), timeoutMs).catch((error: Error) => {
      throw new Error(`${error.message}; last seen: ${last}`);
    });
  }

  return async (work) => {
    const expected = new Map([
      ...work.accept.map((h) => [h.toLowerCase(), "Accepted"] as const),
      ...work.reject.map((h) => [h.toLowerCase(), "Rejected"] as const),
    ]);
    const hashes = [...expected.keys()];
    const statuses = await watch(`the nodes to decide ${hashes.length} contributions`, async (seen) => {
      const now = await Promise.all(hashes.map((contentHash) => contributionStatus(tributary, { contentHash })));
      seen(now.join(", "));
      return now.includes("Pending") ? undefined : now;
    });
    const wrong = hashes.filter((h, i) => statuses[i] !== expected.get(h));
    if (wrong.length > 0) {
      throw new Error(
        `the nodes decided ${wrong.map((h) => `${h}: ${statuses[hashes.indexOf(h)]}, not ${expected.get(h)}`).join("; ")}`,
      );
    }
    reportDecisions(network, expected, log);

    const handed = [...work.records, work.refusedRecord];
    const node = network.nodes[proposer]!;
    await network.postRecords(proposer, handed);
    log(`the dapps handed ${handed.length} attribution records to ${node.name}'s node (POST ${node.url}/v1/records)`);
    const entries = await watch(`${node.name}'s node to propose the records`, async (seen) => {
      const now = await Promise.all(handed.map((r) => network.inboxRecord(proposer, r.outputId)));
      seen(now.map((e, i) => `${handed[i]!.outputId.slice(0, 10)}… ${e?.state ?? "absent"}`).join(", "));
      return now.every((e) => e !== undefined && e.state !== "queued") ? (now as InboxRecord[]) : undefined;
    });
    const refused = entries.at(-1)!;
    if (refused.state !== "invalid") {
      throw new Error(`the record drawing on the code datanet should be invalid, but it is ${refused.state}`);
    }
    const notProposed = entries.slice(0, -1).filter((e) => e.state !== "proposed" || e.batchId === undefined);
    if (notProposed.length > 0) {
      throw new Error(`records not proposed: ${notProposed.map((e) => `${e.outputId} ${e.state} ${e.detail}`)}`);
    }
    const batchIds = [...new Set(entries.slice(0, -1).map((e) => BigInt(e.batchId!)))].sort((a, b) => (a < b ? -1 : 1));
    await watch(`batches ${batchIds.join(", ")} to become Final`, async (seen) => {
      const batches = await listAttributionBatches(tributary, { index: { confirmations: 0 } });
      const mine = batchIds.map((id) => batches.find((b) => b.batchId === id));
      seen(mine.map((b, i) => `batch ${batchIds[i]} ${b?.status ?? "absent"}`).join(", "));
      if (mine.some((b) => b?.status === "Rejected" || b?.status === "Expired")) {
        throw new Error(`a batch ended ${mine.map((b) => b?.status)}`);
      }
      return mine.every((b) => b?.status === "Final") ? true : undefined;
    });
    return { batchIds, refusal: `${node.name}'s inbox marks it ${refused.state}: ${refused.detail}` };
  };
}

/**
 * Logs, from the nodes' own log lines, why the spam was rejected and every vote (cast or too late)
 * against the outcome.
 */
function reportDecisions(
  network: ValidatorNetwork,
  expected: Map<string, "Accepted" | "Rejected">,
  log: (line: string) => void,
): void {
  const decisions = network.nodes.flatMap((node, i) =>
    [...network.logLines(i, "voted"), ...network.logLines(i, "vote not cast")]
      .filter((l) => l.kind === "contribution" && expected.has(String(l.contentHash)))
      .map((l) => ({
        node: node.name,
        id: String(l.id),
        hash: String(l.contentHash),
        decision: String(l.decision),
        reason: String(l.reason),
        cast: l.msg === "voted",
      })),
  );
  const spam = decisions.find((d) => expected.get(d.hash) === "Rejected" && d.decision === "reject");
  if (spam) log(`contribution ${spam.id} rejected as spam; ${spam.node}'s policy: ${spam.reason}`);
  for (const d of decisions) {
    const against = expected.get(d.hash) === "Accepted" ? d.decision === "reject" : d.decision === "accept";
    if (!against) continue;
    const counted = d.cast ? "voted" : "was too late to vote";
    log(`${d.node} ${counted} to ${d.decision} contribution ${d.id}, outvoted: ${d.reason}`);
  }
}

/**
 * Alerts: something an operator must look at. Each is a log line at error level with an `alert` field,
 * a count in `tributary_node_alerts_total{kind}`, and, when `alertWebhook` is configured, a JSON POST
 * to it (best effort: a webhook that fails is logged at warn level and not retried).
 */
import type { Logger } from "pino";
import type { NodeMetrics } from "./server.js";

/** Kinds of alert, as the `kind` label and the webhook's `alert` field. */
export type AlertKind =
  /** The node was asked to sign other content for an epoch it already signed; it refused. */
  | "conflicting_signature"
  /** A settlement on chain, or one a quorum signed, differs from what this node computed. */
  | "settlement_mismatch"
  /** The chain's allocation parameters for an epoch differ from the ones the operator pinned; the node refused to sign. */
  | "allocation_params_mismatch"
  /** The node disputed (or joined the dispute of) a pending settlement that differs from its computation. */
  | "settlement_disputed"
  /** A pending settlement differs from this node's computation, but the node could not dispute it (bond above its maximum, no funds). */
  | "dispute_not_filed";

export const ALERT_KINDS: readonly AlertKind[] = [
  "conflicting_signature",
  "settlement_mismatch",
  "allocation_params_mismatch",
  "settlement_disputed",
  "dispute_not_filed",
];

export class Alerts {
  /** Keys of alerts already raised by this process, so each is raised once. */
  private readonly raised = new Set<string>();

  constructor(
    private readonly o: {
      log: Logger;
      metrics: NodeMetrics;
      webhook?: string;
      /** Identifies the node in webhook payloads. */
      node: { validator: string | null };
    },
  ) {}

  /**
   * Raises `kind` once per `key`: logs it, counts it and posts it to the webhook.
   * @returns false when this key was raised before.
   */
  raise(kind: AlertKind, key: string, message: string, fields: Record<string, unknown>): boolean {
    const id = `${kind}:${key}`;
    if (this.raised.has(id)) return false;
    this.raised.add(id);
    this.o.metrics.alerts.inc({ kind });
    this.o.log.error({ alert: kind, ...fields }, message);
    if (this.o.webhook) void this.post(kind, message, fields);
    return true;
  }

  private async post(kind: AlertKind, message: string, fields: Record<string, unknown>): Promise<void> {
    const body = JSON.stringify(
      { alert: kind, message, validator: this.o.node.validator, at: new Date().toISOString(), ...fields },
      (_, v) => (typeof v === "bigint" ? v.toString() : v),
    );
    try {
      const response = await fetch(this.o.webhook!, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        signal: AbortSignal.timeout(5_000),
      });
      if (!response.ok) this.o.log.warn({ alert: kind, status: response.status }, "alert webhook refused the alert");
    } catch (error) {
      this.o.log.warn({ alert: kind, err: error }, "alert webhook unreachable");
    }
  }
}

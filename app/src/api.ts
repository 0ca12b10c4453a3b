/**
 * The rewards API a `tributary-node` serves (docs/api.md): the answers the app reads, typed, and one
 * fetch that turns an unreachable node or an error answer into a {@link RewardsApiError}.
 */
import { TributaryError, type RewardsApiResponse } from "../../client/index.js";
import type { Explanation } from "../../node/src/api/explain.js";

export type { Rounding } from "../../node/src/api/explain.js";

/** The node could not be asked (`API_UNAVAILABLE`), or its answer is not what the chain says (`API_MISMATCH`). */
export class RewardsApiError extends TributaryError {
  constructor(code: "API_UNAVAILABLE" | "API_MISMATCH", message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** `GET /v1/accounts/{address}/rewards`, as the node sends it: the client's type of that answer. */
export type RewardsAnswer = RewardsApiResponse;

/** `GET /v1/accounts/{address}/history`. */
export interface HistoryAnswer {
  account: string;
  epochs: {
    epoch: string;
    status: string;
    tokens: { token: string; amount: string; cumulative: string; roles: string[] }[];
  }[];
}

/** `GET /v1/contributions/{id}`: what the app reads of it (docs/api.md). */
export interface ContributionAnswer {
  id: string;
  status: string;
  revokedEpoch: string | null;
  challenges: { challengeId: string; status: string; challenger: string; evidenceUri: string }[];
}

/** `GET /v1/accounts/{address}/explain?epoch=N`: the node's own type (erased at build: nothing of the node is bundled). */
export type ExplainAnswer = Explanation & { status: string };

/**
 * GETs `path` from the API at `apiUrl` and parses its JSON. Throws {@link RewardsApiError}
 * `API_UNAVAILABLE` when the node cannot be reached or answers an error, with the node's message.
 */
export async function apiGet<T>(apiUrl: string, path: string): Promise<T> {
  const url = new URL(path.replace(/^\//, ""), apiUrl.endsWith("/") ? apiUrl : `${apiUrl}/`).href;
  let answer: Response;
  try {
    answer = await fetch(url, { cache: "no-store" });
  } catch (error) {
    throw new RewardsApiError(
      "API_UNAVAILABLE",
      `The rewards API at ${apiUrl} cannot be reached; nothing can be claimed until it answers.`,
      { cause: error },
    );
  }
  if (!answer.ok) {
    const body = (await answer.json().catch(() => undefined)) as { code?: string; message?: string } | undefined;
    throw new RewardsApiError(
      "API_UNAVAILABLE",
      `The rewards API at ${apiUrl} answered ${answer.status}${body?.code ? ` ${body.code}` : ""}` +
        `${body?.message ? `: ${body.message}` : ""}; nothing can be claimed until it answers.`,
    );
  }
  return (await answer.json()) as T;
}

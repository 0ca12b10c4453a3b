/**
 * How a node process is started. A long-running node keeps its V8 heap bounded: without a limit, V8
 * lets garbage from a busy sync grow the heap for a long while before collecting it, and the process
 * holds that memory for good. The node's live heap stays under 250 MB with 200 000 outputs indexed
 * (BENCHMARKS.md, the node part); the limit leaves room for the API's cached trees.
 */
export const NODE_PROCESS_FLAGS = ["--max-old-space-size=640", "--import", "tsx"] as const;

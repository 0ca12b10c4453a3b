import { expect } from "chai";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  DeploymentNotFoundError,
  InvalidInputError,
  loadDeployment as loadDeploymentBrowser,
  serializeDeployment,
  type TributaryDeployment,
} from "../../client/index.js";
import { loadDeployment } from "../../client/node/index.js";
import { generateClientBindings } from "../../scripts/lib/clientBindings.js";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const SRC = path.join(ROOT, "client", "src");

/** Layers of client/src and the layers each may import. */
const ALLOWED: Record<string, string[]> = {
  generated: ["generated"],
  rules: ["rules"],
  chain: ["chain", "rules", "generated"],
  actions: ["actions", "chain", "rules", "generated"],
  settlement: ["settlement", "actions", "chain", "rules", "generated"],
  node: ["node", "settlement", "actions", "chain", "rules", "generated"],
};

async function listTs(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listTs(full)));
    else if (entry.name.endsWith(".ts")) out.push(full);
  }
  return out.sort();
}

/** Relative imports and re-exports (type-only ones included) of every module, resolved to files. */
async function importGraph(files: string[]): Promise<Map<string, string[]>> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = await readFile(file, "utf8");
    const specs = [...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gms)].map((m) => m[1]!);
    graph.set(
      file,
      specs.filter((s) => s.startsWith(".")).map((s) => path.resolve(path.dirname(file), s.replace(/\.js$/, ".ts"))),
    );
  }
  return graph;
}

/** Every cycle reachable in `graph`, each as the list of modules around it. */
export function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, "active" | "done">();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, "active");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === "active") cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

describe("client package layout", function () {
  it("finds a cycle when there is one (the check can fail)", function () {
    const graph = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a"]],
      ["d", ["a"]],
    ]);
    expect(findCycles(graph)).to.deep.equal([["a", "b", "c", "a"]]);
    expect(
      findCycles(
        new Map([
          ["a", ["b"]],
          ["b", []],
        ]),
      ),
    ).to.deep.equal([]);
  });

  it("has no import cycles, and each layer imports only the layers below it", async function () {
    const graph = await importGraph(await listTs(SRC));
    const rel = (f: string) => path.relative(SRC, f);
    expect(findCycles(graph).map((c) => c.map(rel).join(" → "))).to.deep.equal([]);
    const violations: string[] = [];
    for (const [file, imports] of graph) {
      const layer = rel(file).split(path.sep)[0]!;
      for (const target of imports) {
        const targetLayer = rel(target).split(path.sep)[0]!;
        const allowed = ALLOWED[layer];
        if (allowed && !allowed.includes(targetLayer)) violations.push(`${rel(file)} imports ${rel(target)}`);
      }
    }
    expect(violations).to.deep.equal([]);
  });

  it("runs nothing at import: no top-level await, node: modules only in the node layer", async function () {
    const problems: string[] = [];
    for (const file of await listTs(SRC)) {
      const text = await readFile(file, "utf8");
      const relative = path.relative(SRC, file);
      if (/^(?![\s/*])(?!.*\basync\b).*\bawait\b/m.test(text)) problems.push(`${relative}: top-level await`);
      if (!relative.startsWith(`node${path.sep}`) && /from\s+"node:/.test(text))
        problems.push(`${relative}: node: import`);
    }
    expect(problems).to.deep.equal([]);
  });

  it("ships contract bindings that match the compiled contracts (npm run client:bindings)", async function () {
    const out = await mkdtemp(path.join(os.tmpdir(), "tributary-bindings-check-"));
    try {
      await generateClientBindings(path.join(ROOT, "artifacts"), out);
      const fresh = (await listTs(out)).map((f) => path.relative(out, f));
      const committedDir = path.join(SRC, "generated");
      const committed = (await listTs(committedDir)).map((f) => path.relative(committedDir, f));
      expect(committed, "run `npm run client:bindings`").to.deep.equal(fresh);
      for (const file of fresh) {
        const same =
          (await readFile(path.join(out, file), "utf8")) === (await readFile(path.join(committedDir, file), "utf8"));
        expect(same, `client/src/generated/${file} is stale: run \`npm run client:bindings\``).to.equal(true);
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});

describe("loadDeployment", function () {
  const deployment: TributaryDeployment = {
    chainId: 31337n,
    staking: "0x" + "11".repeat(20),
    registry: "0x" + "22".repeat(20),
    ledger: "0x" + "33".repeat(20),
    distributor: "0x" + "44".repeat(20),
    deployBlock: 7,
  };
  const json = JSON.stringify(serializeDeployment(deployment));
  const answer = (status: number, body: string) => async () => ({
    ok: status < 400,
    status,
    text: async () => body,
  });

  it("refuses a chain id it knows no deployment for, naming what to pass instead", async function () {
    const error = await loadDeploymentBrowser(999_999n).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(DeploymentNotFoundError);
    expect((error as Error).message).to.match(/chain 999999.*URL/);
    expect(await loadDeploymentBrowser("999999").catch((e: unknown) => e)).to.be.instanceOf(DeploymentNotFoundError);
  });

  it("reads a URL through fetch, and reports HTTP errors and malformed JSON", async function () {
    const url = "https://deployments.example/tributary.json";
    const loaded = await loadDeploymentBrowser(url, { fetch: answer(200, json) });
    expect(loaded.distributor.toLowerCase()).to.equal(deployment.distributor);
    expect(loaded.chainId).to.equal(31337n);
    const missing = await loadDeploymentBrowser(url, { fetch: answer(404, "") }).catch((e: unknown) => e);
    expect(missing).to.be.instanceOf(DeploymentNotFoundError);
    expect((missing as Error).message).to.contain("HTTP 404");
    const malformed = await loadDeploymentBrowser(url, { fetch: answer(200, '{"chainId":1}') }).catch(
      (e: unknown) => e,
    );
    expect(malformed).to.be.instanceOf(InvalidInputError);
    expect((malformed as Error).message).to.contain("not a Tributary deployment");
  });

  it("reads files only through the node entry", async function () {
    const dir = await mkdtemp(path.join(os.tmpdir(), "tributary-deployment-"));
    try {
      const file = path.join(dir, "deployment.json");
      await writeFile(file, json);
      expect((await loadDeployment(file)).deployBlock).to.equal(7);
      const browser = await loadDeploymentBrowser(file).catch((e: unknown) => e);
      expect(browser).to.be.instanceOf(InvalidInputError);
      expect((browser as Error).message).to.contain("@tributary/client/node");
      const absent = await loadDeployment(path.join(dir, "absent.json")).catch((e: unknown) => e);
      expect(absent).to.be.instanceOf(DeploymentNotFoundError);
      expect((absent as Error).message).to.contain("tributary:deploy");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

#!/usr/bin/env bash
# The package as a consumer sees it: builds @tributary/client, packs it, installs the tarball in a fresh
# project outside the repository with the system Node's npm, deploys the demo suite to a local
# hardhat node, and reads it through the package from a type-checked TypeScript script, a plain .mjs
# and viem with the exported `as const` ABIs. Needs only the npm registry. Usage: npm run check:package
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
cd "$REPO"

# The consumer side runs under the system Node: the repository's node_modules/.bin (and its pinned
# Node 22) must not be on its PATH.
SYSTEM_PATH="$(printf '%s' "$PATH" | tr ':' '\n' | grep -v "node_modules/.bin" | paste -sd: -)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/tributary-package-check.XXXXXX")"
NODE_PID=""
cleanup() {
  if [ -n "$NODE_PID" ] && kill -0 "$NODE_PID" 2>/dev/null; then
    kill "$NODE_PID" 2>/dev/null || true
    wait "$NODE_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
  if [ -n "${PORT:-}" ]; then rm -rf "$REPO/deploy/deployments/package-check-$PORT"; fi
}
trap cleanup EXIT

echo "== build and pack @tributary/client"
npm run client:build
(cd client && npm pack --pack-destination "$WORK" --silent) >/dev/null
TARBALL="$(ls "$WORK"/tributary-client-*.tgz)"
echo "packed $(basename "$TARBALL"): $(tar -tzf "$TARBALL" | wc -l) files"
if tar -tzf "$TARBALL" | grep -v -E '^package/(dist/|README\.md$|package\.json$|LICENSE)'; then
  echo "check-package: the tarball holds files outside dist/ and README.md" >&2
  exit 1
fi

echo "== local hardhat node and the demo suite"
PORT="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
RPC="http://127.0.0.1:$PORT"
"$REPO/node_modules/.bin/hardhat" node --hostname 127.0.0.1 --port "$PORT" >"$WORK/node.log" 2>&1 &
NODE_PID=$!
for _ in $(seq 1 120); do
  if curl -s -o /dev/null -X POST -H 'content-type: application/json' \
    --data '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "$RPC"; then
    break
  fi
  if ! kill -0 "$NODE_PID" 2>/dev/null; then
    cat "$WORK/node.log" >&2
    exit 1
  fi
  sleep 0.5
done
DEPLOYMENT="$WORK/deployment.json"
TRIBUTARY_RPC_URL="$RPC" npx hardhat tributary:deploy --network localhost --demo-tokens \
  --deployment-id "package-check-$PORT" --out "$DEPLOYMENT" >"$WORK/deploy.log" 2>&1 || {
  cat "$WORK/deploy.log" >&2
  exit 1
}

echo "== a fresh consumer project with the system Node ($(PATH="$SYSTEM_PATH" node --version))"
CONSUMER="$WORK/consumer"
mkdir -p "$CONSUMER"
cd "$CONSUMER"
cat >package.json <<'JSON'
{ "name": "tributary-package-consumer", "private": true, "type": "module" }
JSON
PATH="$SYSTEM_PATH" npm install --no-audit --no-fund --ignore-scripts --silent \
  "$TARBALL" ethers@6.17.0 viem@2 typescript@5.9.3 @types/node@22 >/dev/null

cat >tsconfig.json <<'JSON'
{
  "compilerOptions": {
    "module": "node16",
    "moduleResolution": "node16",
    "target": "es2022",
    "lib": ["es2023", "dom"],
    "types": ["node"],
    "strict": true,
    "outDir": "out"
  },
  "include": ["read.ts", "viem.ts"]
}
JSON
cat >read.ts <<'TS'
import { JsonRpcProvider } from "ethers";
import { connectTributary, listPools, readEpoch, type EpochView, type PoolInfo } from "@tributary/client";
import { loadDeployment } from "@tributary/client/node";

const [rpc, file] = process.argv.slice(2) as [string, string];
const deployment = await loadDeployment(file);
const tributary = connectTributary(deployment, new JsonRpcProvider(rpc));
const current: bigint = await tributary.distributor.currentEpoch();
const epoch: EpochView = await readEpoch(tributary, { epoch: current });
const pools: PoolInfo[] = await listPools(tributary);
if (epoch.state !== "open" || pools.length < 1) throw new Error(`unexpected: ${epoch.state}, ${pools.length} pools`);
console.log(`ts: epoch ${epoch.epoch} is ${epoch.state}; ${pools.length} pool(s), pool 0 pays in ${pools[0]!.token}`);
TS
cat >read.mjs <<'JS'
import { readFile } from "node:fs/promises";
import { JsonRpcProvider } from "ethers";
import { connectTributary, listPools, parseDeployment, readEpoch } from "@tributary/client";

const [rpc, file] = process.argv.slice(2);
const deployment = parseDeployment(JSON.parse(await readFile(file, "utf8")));
const tributary = connectTributary(deployment, new JsonRpcProvider(rpc));
const epoch = await readEpoch(tributary, { epoch: await tributary.distributor.currentEpoch() });
const pools = await listPools(tributary);
if (epoch.state !== "open" || pools.length < 1) throw new Error(`unexpected: ${epoch.state}, ${pools.length} pools`);
console.log(`mjs: epoch ${epoch.epoch} is ${epoch.state}; ${pools.length} pool(s)`);
JS
cat >viem.ts <<'TS'
import { readFile } from "node:fs/promises";
import { createPublicClient, http, type Address } from "viem";
import { distributorAbi } from "@tributary/client/abis";

const [rpc, file] = process.argv.slice(2) as [string, string];
const distributor = JSON.parse(await readFile(file, "utf8")).distributor as Address;
const client = createPublicClient({ transport: http(rpc) });
// Typed by the `as const` ABI: a wrong functionName or result type fails tsc.
const epoch: bigint = await client.readContract({ address: distributor, abi: distributorAbi, functionName: "currentEpoch" });
const tokens: readonly Address[] = await client.readContract({
  address: distributor,
  abi: distributorAbi,
  functionName: "tokens",
});
if (tokens.length < 1) throw new Error("no tokens listed");
console.log(`viem: currentEpoch ${epoch}; tokens ${tokens.join(", ")}`);
TS

echo "== (a) TypeScript: tsc, then run"
PATH="$SYSTEM_PATH" npx --no-install tsc -p tsconfig.json
PATH="$SYSTEM_PATH" node out/read.js "$RPC" "$DEPLOYMENT"
echo "== (b) plain .mjs"
PATH="$SYSTEM_PATH" node read.mjs "$RPC" "$DEPLOYMENT"
echo "== (c) viem with the exported ABIs (type-checked above)"
PATH="$SYSTEM_PATH" node out/viem.js "$RPC" "$DEPLOYMENT"
echo "check-package: ok"

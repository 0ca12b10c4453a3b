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
VALIDATOR_PID=""
cleanup() {
  for pid in "$VALIDATOR_PID" "$NODE_PID"; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
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

echo "== a validator node settles epoch 0 and serves the rewards API"
# Hardhat's account 5 validates through the hardhat node as its external signer; account 1 is the
# treasury, owed the protocol fee on the funding.
TREASURY=0x70997970C51812dc3A010C7d01b50e0d17dc79C8
task() { TRIBUTARY_RPC_URL="$RPC" npx hardhat "$@" --network localhost --deployment "$DEPLOYMENT" >>"$WORK/tasks.log" 2>&1 || {
  cat "$WORK/tasks.log" >&2
  exit 1
}; }
task tributary:mint --token TSTK --amount 1000 --from 5
task tributary:stake --amount 1000 --from 5
task tributary:mint --token TRWD --amount 100
task tributary:fund --amount 100
API_PORT="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
API="http://127.0.0.1:$API_PORT"
cat >"$WORK/node.json" <<JSON
{ "rpcUrl": "$RPC", "deployment": "$DEPLOYMENT", "dataDir": "$WORK/node-data", "listen": "127.0.0.1:$API_PORT",
  "signerUrl": "$RPC", "signerAddress": "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
  "confirmations": 0, "pollIntervalMs": 300 }
JSON
node --import tsx node/src/main.ts --config "$WORK/node.json" >"$WORK/validator.log" 2>&1 &
VALIDATOR_PID=$!
wait_for() { # what, command
  for _ in $(seq 1 240); do
    if eval "$2" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$VALIDATOR_PID" 2>/dev/null; then break; fi
    sleep 0.5
  done
  echo "check-package: timed out waiting for $1" >&2
  tail -20 "$WORK/validator.log" >&2
  exit 1
}
wait_for "the validator node to be ready" "curl -sf $API/readyz"
clock() { TRIBUTARY_RPC_URL="$RPC" npx hardhat tributary:time --network localhost --advance "$1" >>"$WORK/tasks.log" 2>&1 || {
  cat "$WORK/tasks.log" >&2
  exit 1
}; }
clock 1d
wait_for "epoch 0 to be settled" "curl -sf $API/v1/epochs/0 | grep -q '\"status\":\"pending\"'"
clock 1h
wait_for "epoch 0 to be active" "curl -sf $API/v1/accounts/$TREASURY/rewards | grep -q '\"activeEpoch\":\"0\"'"

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

cat >rewards.mjs <<'JS'
import { readFile } from "node:fs/promises";
import { JsonRpcProvider } from "ethers";
import { claim, connectTributary, erc20At, fetchRewards, parseDeployment } from "@tributary/client";

const [rpc, file, api, account] = process.argv.slice(2);
const provider = new JsonRpcProvider(rpc);
const tributary = connectTributary(parseDeployment(JSON.parse(await readFile(file, "utf8"))), provider);
// Every proof, amount and calldata is checked against the chain before it is returned.
const { rewards } = await fetchRewards(tributary, { apiUrl: api, account });
const reward = rewards.find((r) => r.claimable > 0n);
if (!reward) throw new Error(`nothing claimable for ${account}: ${JSON.stringify(rewards, (_, v) => String(v))}`);
const token = erc20At(reward.token, provider);
const before = await token.balanceOf(account);
await claim(connectTributary(tributary.deployment, await provider.getSigner(account)), { entitlement: reward });
const paid = (await token.balanceOf(account)) - before;
if (paid !== reward.claimable) throw new Error(`paid ${paid}, expected ${reward.claimable}`);
console.log(`api: fetched and checked ${rewards.length} reward(s) for ${account}; claimed ${paid} of ${reward.token}`);
JS

echo "== (a) TypeScript: tsc, then run"
PATH="$SYSTEM_PATH" npx --no-install tsc -p tsconfig.json
PATH="$SYSTEM_PATH" node out/read.js "$RPC" "$DEPLOYMENT"
echo "== (b) plain .mjs"
PATH="$SYSTEM_PATH" node read.mjs "$RPC" "$DEPLOYMENT"
echo "== (c) viem with the exported ABIs (type-checked above)"
PATH="$SYSTEM_PATH" node out/viem.js "$RPC" "$DEPLOYMENT"
echo "== (d) rewards from the node's API, checked by the client, then claimed"
PATH="$SYSTEM_PATH" node rewards.mjs "$RPC" "$DEPLOYMENT" "$API" "$TREASURY"
echo "check-package: ok"

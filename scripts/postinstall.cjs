// Hardhat 3 and EDR need Node >= 22. The project pins Node 22 as the `node` dev
// dependency, but npm itself may run under an older system Node, and then it
// silently skips EDR's platform package (its `engines` says >= 22). This script
// detects the missing native binding and re-runs the install once under the
// pinned Node, which installs it. It is idempotent and does nothing when the
// binding already loads.
"use strict";

const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const pinnedNode = path.join(root, "node_modules", "node", "bin", "node");
const GUARD = "TRIBUTARY_POSTINSTALL_RERUN";

function bindingLoads(nodeBin) {
  const probe = spawnSync(nodeBin, ["-e", "require('@nomicfoundation/edr')"], {
    cwd: root,
    stdio: "ignore",
  });
  return probe.status === 0;
}

if (!fs.existsSync(pinnedNode)) {
  console.error(`postinstall: the pinned Node binary is missing at ${pinnedNode}; run npm install again.`);
  process.exit(1);
}

if (bindingLoads(pinnedNode)) process.exit(0);

if (process.env[GUARD]) {
  console.error("postinstall: EDR's native binding still does not load under the pinned Node 22.");
  process.exit(1);
}

const npmCli = process.env.npm_execpath;
if (!npmCli) {
  console.error("postinstall: npm_execpath is not set; run `npm install` through npm.");
  process.exit(1);
}

console.log("postinstall: installing EDR's native binding under the pinned Node 22");
const rerun = spawnSync(pinnedNode, [npmCli, "install", "--no-audit", "--no-fund"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, [GUARD]: "1" },
});
if (rerun.status !== 0 || !bindingLoads(pinnedNode)) {
  console.error("postinstall: could not install EDR's native binding under Node 22.");
  process.exit(1);
}

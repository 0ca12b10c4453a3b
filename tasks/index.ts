/**
 * Operator CLI: `npx hardhat tributary:<action> --network <name>`.
 * Every action prints one clear line and exits nonzero on bad input, writing nothing.
 */
import { task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";
import { compiledAction } from "./prepare.js";
import { roleTasks } from "./roles.js";

const json = {
  name: "json",
  description: "Print machine-readable JSON (amounts as decimal strings of base units)",
} as const;

const deployment = {
  name: "deployment",
  description: "Deployment descriptor (default: deploy/deployments/chain-<chainId>/tributary.json)",
  type: ArgumentType.STRING,
  defaultValue: "",
} as const;

export const tributaryTasks = [
  task("tributary:deploy", "Deploy the Tributary suite with Ignition and record its addresses")
    .addOption({
      name: "parameters",
      description: "Ignition parameter file (default: deploy/parameters/<network>.json)",
      type: ArgumentType.STRING,
      defaultValue: "",
    })
    .addFlag({ name: "demoTokens", description: "Deploy two mintable demo tokens instead of using existing ERC20s" })
    .addOption({
      name: "deploymentId",
      description: "Ignition deployment id (default: chain-<chainId>)",
      type: ArgumentType.STRING,
      defaultValue: "",
    })
    .addOption({
      name: "out",
      description: "Where to record the deployment (default: deploy/deployments/chain-<chainId>/tributary.json)",
      type: ArgumentType.STRING,
      defaultValue: "",
    })
    .addFlag({
      name: "reset",
      description: "Discard this deployment id's Ignition journal (e.g. after a dev node restarted) and deploy afresh",
    })
    .setAction(compiledAction(() => import("./actions/deploy.js")))
    .build(),
  task(
    "tributary:status",
    "Show the suite's epochs, settlements, allowlisted tokens with their funding and totals, pools and stake",
  )
    .addOption(deployment)
    .addFlag(json)
    .setAction(compiledAction(() => import("./actions/status.js")))
    .build(),
  task(
    "tributary:settle",
    "Compute, sign (with this network's validator accounts), submit and record an epoch's settlement",
  )
    .addOption({ name: "epoch", description: "Epoch to settle", type: ArgumentType.STRING, defaultValue: "" })
    .addOption(deployment)
    .addOption({
      name: "out",
      description: "Directory for journals and artifacts",
      type: ArgumentType.STRING,
      defaultValue: "settlements",
    })
    .addOption({
      name: "confirmations",
      description: "Blocks behind the head treated as final (default: 0 on a local dev chain, 64 elsewhere)",
      type: ArgumentType.INT,
      defaultValue: -1,
    })
    .addOption({
      name: "attempt",
      description:
        "Settle the epoch again after governance vetoes, as attempt <vetoes + 1> (a new artifact, so a new data URI)",
      type: ArgumentType.INT,
      defaultValue: 0,
    })
    .setAction(compiledAction(() => import("./actions/settle.js")))
    .build(),
  task("tributary:verify", "Recompute an epoch from the chain and compare it with the on-chain root")
    .addOption({ name: "epoch", description: "Epoch to verify", type: ArgumentType.STRING, defaultValue: "" })
    .addOption(deployment)
    .addOption({
      name: "confirmations",
      description: "Blocks behind the head treated as final (default: 0 on a local dev chain, 64 elsewhere)",
      type: ArgumentType.INT,
      defaultValue: -1,
    })
    .addFlag(json)
    .setAction(compiledAction(() => import("./actions/verify.js")))
    .build(),
  task(
    "tributary:claim",
    "Claim an account's rewards against the active root, in one token or every token it is owed (one transaction)",
  )
    .addOption({ name: "account", description: "Account to claim for", type: ArgumentType.STRING, defaultValue: "" })
    .addOption({
      name: "artifact",
      description: "Settlement artifact of the active root",
      type: ArgumentType.STRING,
      defaultValue: "",
    })
    .addOption({
      name: "token",
      description: "Token to claim (default: every token the account has a leaf in)",
      type: ArgumentType.STRING,
      defaultValue: "",
    })
    .addOption(deployment)
    .setAction(compiledAction(() => import("./actions/claim.js")))
    .build(),
  task("tributary:fund", "Fund a pool for an epoch from the first account, in the pool's token (approving it first)")
    .addOption({
      name: "pool",
      description: "Pool to fund (default: 0, the network pool)",
      type: ArgumentType.STRING,
      defaultValue: "0",
    })
    .addOption({
      name: "epoch",
      description: "Epoch to fund (default: the current one)",
      type: ArgumentType.STRING,
      defaultValue: "",
    })
    .addOption({
      name: "amount",
      description: "Amount in whole tokens of the pool's token, e.g. 1000 or 12.5",
      type: ArgumentType.STRING,
      defaultValue: "",
    })
    .addOption(deployment)
    .setAction(compiledAction(() => import("./actions/fund.js")))
    .build(),
  task("tributary:create-pool", "Create a reward pool owned by the first account, in an allowlisted token")
    .addOption({
      name: "token",
      description: "Allowlisted ERC-20 the pool pays in",
      type: ArgumentType.STRING,
      defaultValue: "",
    })
    .addOption({
      name: "datanets",
      description: "Comma-separated datanet ids the pool's records may draw on (default: every datanet)",
      type: ArgumentType.STRING,
      defaultValue: "",
    })
    .addOption(deployment)
    .setAction(compiledAction(() => import("./actions/createPool.js")))
    .build(),
  task(
    "tributary:proof",
    "Print an account's cumulative amounts and Merkle proofs, per token, from a settlement artifact",
  )
    .addOption({ name: "account", description: "Account", type: ArgumentType.STRING, defaultValue: "" })
    .addOption({ name: "artifact", description: "Settlement artifact", type: ArgumentType.STRING, defaultValue: "" })
    .addOption({
      name: "token",
      description: "Token (default: every token the account has a leaf in)",
      type: ArgumentType.STRING,
      defaultValue: "",
    })
    .addFlag(json)
    .setAction(compiledAction(() => import("./actions/proof.js")))
    .build(),
  ...roleTasks,
];

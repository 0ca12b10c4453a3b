/**
 * A settler in its own process (used by the kill tests): settles epoch SETTLE_EPOCH over plain ethers
 * JSON-RPC signers, and kills itself with SIGKILL right after step CRASH_AT, if given.
 */
import { JsonRpcProvider } from "ethers";
import { connectTributary, parseDeployment, settle, type SettleStep } from "../../client/index.js";
import { FileSettlementStore } from "../../client/node/index.js";

const env = (name: string) => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

const provider = new JsonRpcProvider(env("NODE_URL"), undefined, { batchMaxCount: 1 });
const admin = await provider.getSigner(env("ADMIN"));
const validators = await Promise.all(
  env("VALIDATORS")
    .split(",")
    .map((a) => provider.getSigner(a)),
);
const tributary = connectTributary(parseDeployment(JSON.parse(env("DEPLOYMENT"))), admin);
const crashAt = process.env.CRASH_AT as SettleStep | undefined;

const result = await settle(tributary, {
  epoch: BigInt(env("SETTLE_EPOCH")),
  validators,
  store: new FileSettlementStore(env("STORE_DIR")),
  attempts: 5,
  afterStep: (step) => {
    if (step === crashAt) process.kill(process.pid, "SIGKILL");
  },
});
console.log(
  JSON.stringify({ root: result.root, artifact: result.artifactLocation, submittedNow: result.submittedNow }),
);
provider.destroy();

/**
 * `npm run app`: starts a hardhat node on 127.0.0.1, seeds it with the demo flow (one settled
 * epoch with unclaimed rewards, contributions awaiting votes), starts a keyless tributary-node that
 * indexes the chain and serves the rewards API, and serves the dapp with Vite, pointed at that API.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { startApiNode, waitForActiveArtifact } from "./lib/apiNode.js";
import { startHardhatNode } from "./lib/node.js";
import { GENERATED_DIRECTORY, seedApp } from "./lib/seedApp.js";

const node = await startHardhatNode();
console.log(`hardhat node on ${node.url}`);
const apiDirectory = await mkdtemp(path.join(os.tmpdir(), "tributary-app-node-"));
let api: Awaited<ReturnType<typeof startApiNode>> | undefined;
const stop = async () => {
  await api?.stop();
  await node.stop();
  await rm(apiDirectory, { recursive: true, force: true });
};
try {
  const connection = await network.create({ network: "localhost", override: { url: node.url } });
  await seedApp(connection, (line) => console.log(line));
  api = await startApiNode({
    rpcUrl: node.url,
    deployment: path.join(GENERATED_DIRECTORY, "deployment.json"),
    directory: apiDirectory,
  });
  await waitForActiveArtifact(api.url);
} catch (error) {
  await stop();
  throw error;
}
console.log(
  `tributary-node (keyless) serving the rewards API on ${api.url}; the app reads it ` +
    "(another node: ?api=<url> or VITE_TRIBUTARY_API_URL). Settle later epochs with\n" +
    `  TRIBUTARY_RPC_URL=${node.url} npx hardhat tributary:settle --network localhost --epoch <n> ` +
    "--deployment app/public/generated/deployment.json --out app/public/generated/settlements",
);
process.env.TRIBUTARY_RPC_URL = node.url;
process.env.VITE_TRIBUTARY_API_URL = api.url;
const { createServer } = await import("vite");
const server = await createServer({ configFile: path.resolve("app", "vite.config.ts") });
await server.listen();
server.printUrls();
console.log("Press Ctrl-C to stop the app and the nodes.");
const shutdown = async () => {
  await server.close();
  await stop();
  process.exit(0);
};
// Vite exits the process on SIGTERM once it has closed itself, which would leave the nodes running:
// this handler stops them first.
for (const listener of process.listeners("SIGTERM")) process.off("SIGTERM", listener);
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());
await new Promise(() => {});

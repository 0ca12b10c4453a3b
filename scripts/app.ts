/**
 * `npm run app`: starts a hardhat node on 127.0.0.1, seeds it with the demo flow (one settled
 * epoch with unclaimed rewards, contributions awaiting votes) and serves the dapp with Vite.
 */
import path from "node:path";
import { network } from "hardhat";
import { startHardhatNode } from "./lib/node.js";
import { seedApp } from "./lib/seedApp.js";

const node = await startHardhatNode();
console.log(`hardhat node on ${node.url}`);
const connection = await network.create({ network: "localhost", override: { url: node.url } });
await seedApp(connection, (line) => console.log(line));
process.env.TRIBUTARY_RPC_URL = node.url;
const { createServer } = await import("vite");
const server = await createServer({ configFile: path.resolve("app", "vite.config.ts") });
await server.listen();
server.printUrls();
console.log("Press Ctrl-C to stop the app and the node.");
const stop = async () => {
  await server.close();
  await node.stop();
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
await new Promise(() => {});

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
console.log(
  "The app finds settlements on chain and their artifacts in app/public/generated/settlements/; settle later epochs with\n" +
    `  TRIBUTARY_RPC_URL=${node.url} npx hardhat tributary:settle --network localhost --epoch <n> ` +
    "--deployment app/public/generated/deployment.json --out app/public/generated/settlements\n" +
    "(serve another settlements directory with ?settlements=<url> or VITE_TRIBUTARY_SETTLEMENTS_URL).",
);
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

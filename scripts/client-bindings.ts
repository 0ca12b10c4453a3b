/**
 * `npm run client:bindings`: compiles the contracts (through `hardhat run`) and regenerates the
 * bindings committed in client/src/generated/. Run it after changing a contract's interface; a
 * test fails while the committed copy is stale.
 */
import path from "node:path";
import { generateClientBindings } from "./lib/clientBindings.js";

const out = path.resolve("client", "src", "generated");
await generateClientBindings(path.resolve("artifacts"), out);
console.log(`Wrote the client's contract bindings to ${path.relative(process.cwd(), out)}`);

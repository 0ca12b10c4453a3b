import { defineConfig } from "vite";

/** The app talks to the node through `/rpc`, proxied to TRIBUTARY_RPC_URL, so no CORS is needed. */
const rpc = process.env.TRIBUTARY_RPC_URL ?? "http://127.0.0.1:8545";

export default defineConfig({
  root: import.meta.dirname,
  // One bundle: ethers, the typed client and the TypeChain factories come to about 1 MB.
  build: { target: "es2022", outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 2_000 },
  server: { host: "127.0.0.1", port: 5173, proxy: { "/rpc": { target: rpc, rewrite: () => "/" } } },
  preview: { host: "127.0.0.1", port: 4173, proxy: { "/rpc": { target: rpc, rewrite: () => "/" } } },
});

// Fails unless every line of every non-mock contract is covered, reading coverage/lcov.info.
import { readFileSync } from "node:fs";

const lcov = readFileSync(new URL("../coverage/lcov.info", import.meta.url), "utf8");
let file = "";
let failed = false;
for (const line of lcov.split("\n")) {
  if (line.startsWith("SF:")) file = line.slice(3);
  const ours = /(^|\/)contracts\//.test(file) && !file.includes("node_modules") && !file.includes("contracts/mocks/");
  if (line.startsWith("DA:") && ours) {
    const [lineNumber, hits] = line.slice(3).split(",");
    if (Number(hits) === 0) {
      console.error(`uncovered: ${file}:${lineNumber}`);
      failed = true;
    }
  }
}
if (failed) {
  console.error("coverage: contracts/ (mocks excluded) must be 100 % covered by lines");
  process.exit(1);
}
console.log("coverage: 100 % of lines in contracts/ (mocks excluded)");

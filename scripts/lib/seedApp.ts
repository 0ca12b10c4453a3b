/**
 * Seeds a node for the reference dapp: one settled, active epoch of the three-pool demo (rewards in
 * TRWD, TUSD and TSRC, all unclaimed), and two contributions waiting for votes. Writes under
 * `app/public/generated/` the deployment and the accounts the app reads, and the settlements directory
 * (`settlements/`, laid out as `tributary:settle --out` writes it) for operators; the app reads rewards
 * from a node's API, not from there.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { id } from "ethers";
import {
  devChainWaitUntil,
  register,
  serializeDeployment,
  settle,
  withRunner,
  type RawRpcProvider,
} from "../../client/index.js";
import { FileSettlementStore } from "../../client/node/index.js";
import {
  deployDemoSuite,
  EPOCH_SECONDS,
  seedEpoch,
  setupNetwork,
  type Connection,
  type DemoNetwork,
  type DemoSuite,
} from "./scenario.js";

export const GENERATED_DIRECTORY = path.resolve(import.meta.dirname, "..", "..", "app", "public", "generated");
/** The settlements directory the app serves at `/generated/settlements/`: settle with `--out` this. */
export const SETTLEMENTS_DIRECTORY = path.join(GENERATED_DIRECTORY, "settlements");

export async function seedApp(
  connection: Connection,
  log: (line: string) => void = () => {},
  directory = GENERATED_DIRECTORY,
): Promise<{ suite: DemoSuite; net: DemoNetwork }> {
  await rm(directory, { recursive: true, force: true });
  await mkdir(path.join(directory, "settlements"), { recursive: true });
  const suite = await deployDemoSuite(connection);
  const net = await setupNetwork(suite, log);
  await seedEpoch(connection, suite, net, 0, log);
  const genesis = await suite.tributary.distributor.GENESIS();
  await connection.networkHelpers.time.increaseTo(genesis + EPOCH_SECONDS + 1n);
  const result = await settle(withRunner(suite.tributary, suite.cast.admin), {
    epoch: 0n,
    validators: suite.cast.validators,
    store: new FileSettlementStore(path.join(directory, "settlements")),
  });
  await connection.networkHelpers.time.increase(3_600);
  log(`epoch 0 settled and active (root ${result.root})`);

  const latecomer = suite.cast.contributors[4]!;
  for (const label of ["translation-corpus", "eval-harness"]) {
    await register(withRunner(suite.tributary, latecomer), {
      datanetId: net.corpusDatanet,
      contentHash: id(label),
      uri: `ipfs://${label}`,
      waitUntil: devChainWaitUntil(connection.ethers.provider as unknown as RawRpcProvider),
    });
  }
  log("2 contributions are waiting for votes");

  const names: [string, Promise<string>][] = [
    ...suite.cast.contributors.map((c, i) => [`contributor-${i + 1}`, c.getAddress()] as [string, Promise<string>]),
    ...suite.cast.validators.map((v, i) => [`validator-${i + 1}`, v.getAddress()] as [string, Promise<string>]),
    ["treasury", suite.cast.treasury.getAddress()],
    ["chat-dapp", suite.cast.dapp.getAddress()],
    ["search-dapp", suite.cast.searchDapp.getAddress()],
  ];
  const accounts = await Promise.all(names.map(async ([name, address]) => ({ name, address: await address })));
  await writeFile(path.join(directory, "accounts.json"), JSON.stringify(accounts, null, 2) + "\n");
  await writeFile(
    path.join(directory, "deployment.json"),
    JSON.stringify(serializeDeployment(suite.deployment), null, 2) + "\n",
  );
  return { suite, net };
}

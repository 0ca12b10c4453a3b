import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { id } from "ethers";
import { openDatabase, type Database } from "../../node/src/db.js";
import {
  ProtectionImportError,
  SigningProtection,
  exportProtection,
  importProtection,
  type SignedRecord,
} from "../../node/src/protection.js";

const owner = {
  chainId: "31337",
  distributor: "0x00000000000000000000000000000000000000d1",
  validator: "0x00000000000000000000000000000000000000a1",
};
const record = (epoch: bigint, label: string): SignedRecord => ({
  epoch,
  digest: id(`digest ${label}`),
  root: id(`root ${label}`),
  cumulativeTotals: [epoch * 100n, 7n],
  dataUri: `tributary:settlement:${label}`,
  deadline: 1_000n + epoch,
});

describe("tributary-node: signing protection export and import", function () {
  let work: string;
  const dbs: Database[] = [];
  async function fresh(name: string): Promise<SigningProtection> {
    const db = await openDatabase({ dataDir: path.join(work, name), name: "db" });
    dbs.push(db);
    return SigningProtection.open(db);
  }
  before(async () => (work = await mkdtemp(path.join(os.tmpdir(), "tributary-protection-"))));
  after(async () => {
    for (const db of dbs) await db.close();
    await rm(work, { recursive: true, force: true });
  });

  it("a record moved to a new machine refuses there what the old machine refused", async function () {
    const old = await fresh("old");
    for (const e of [0n, 1n, 2n]) expect((await old.claim(record(e, `e${e}`))).allowed).to.equal(true);
    const document = await exportProtection(old, owner);
    expect(document.records.map((r) => r.epoch)).to.deep.equal(["0", "1", "2"]);

    const moved = await fresh("new");
    // Round trip through JSON, as a file would carry it.
    expect(await importProtection(moved, owner, JSON.parse(JSON.stringify(document)))).to.deep.equal({
      added: 3,
      unchanged: 0,
    });
    expect(await moved.claim(record(1n, "other content"))).to.include({ allowed: false });
    expect(await moved.claim(record(1n, "e1"))).to.deep.equal({ allowed: true, reason: "same-digest" });
    expect(await moved.claim(record(3n, "e3"))).to.deep.equal({ allowed: true, reason: "new" });
    // Importing again changes nothing.
    expect(await importProtection(moved, owner, document)).to.deep.equal({ added: 0, unchanged: 3 });
  });

  it("refuses, writing nothing, a record that contradicts the database or belongs elsewhere", async function () {
    const a = await fresh("a");
    await a.claim(record(7n, "mine"));
    const b = await fresh("b");
    await b.claim(record(5n, "five"));
    await b.claim(record(7n, "theirs"));
    const document = await exportProtection(b, owner);
    let error: unknown;
    try {
      await importProtection(a, owner, document);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(ProtectionImportError);
    expect(String(error)).to.match(/epoch 7: this database signed root .* Nothing was imported/);
    // Epoch 5 came before the conflict in the document, and was rolled back with it.
    expect(await a.get(5n)).to.equal(undefined);

    for (const [field, value] of [
      ["validator", "0x00000000000000000000000000000000000000a2"],
      ["distributor", "0x00000000000000000000000000000000000000d2"],
      ["chainId", "1"],
    ] as const) {
      const other = { ...owner, [field]: value };
      await importProtection(a, other, document).then(
        () => expect.fail(`imported a record of another ${field}`),
        (e: Error) => expect(e.message).to.include(`the record is for ${field}`),
      );
    }
    for (const bad of [null, { format: "eip-3076" }, { ...document, version: 2 }, { ...document, records: [{}] }]) {
      await importProtection(a, owner, bad).then(
        () => expect.fail(`imported ${JSON.stringify(bad)}`),
        (e: Error) => expect(e).to.be.instanceOf(ProtectionImportError),
      );
    }
  });
});

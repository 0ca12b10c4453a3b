/** Random but well-formed pooled histories, shared by the allocation tests. */
import { ZeroAddress, getAddress, id } from "ethers";
import type { AllocationParams, AttributionRecord, TributaryEvent } from "../../client/index.js";

export function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    s ^= s >>> 13;
    return (s >>> 0) % n;
  };
}

export const address = (n: number) => getAddress("0x" + n.toString(16).padStart(40, "0"));
export const TREASURY = address(0xfee);

export interface History {
  events: TributaryEvent[];
  epochs: number;
  params: AllocationParams[];
  pools: { poolId: bigint; owner: string; token: string; datanets: bigint[] }[];
}

/**
 * Random but well-formed histories: 2–3 tokens, the network pool and 2–4 dapp pools (some limited to
 * datanets), records naming random pools and drawing only on Accepted contributions the pool allows,
 * funding in random epochs with idle stretches, parameters that change from epoch to epoch, and
 * revocations: about a third of the Accepted contributions are revoked, in the epoch of their decision
 * or a later one, while batches decided in later epochs still name them (records proposed before the
 * revocation can still become final).
 */
export function randomHistory(seed: number): History {
  const r = rng(seed);
  const events: TributaryEvent[] = [];
  let block = 1;
  const pos = () => ({ blockNumber: block++, logIndex: r(3), transactionHash: "0x" });
  const epochs = 2 + r(6);
  const contributors = [1, 2, 3, 4, 5, 6].map((i) => address(0xc00 + i));
  const validators = [1, 2, 3, 4, 5, 6].map((i) => address(0xa00 + i));
  const owners = [1, 2, 3].map((i) => address(0xd00 + i));

  const tokens = Array.from({ length: 2 + r(2) }, (_, i) => address(0xe00 + i));
  tokens.forEach((token, index) => events.push({ ...pos(), kind: "TokenAllowed", token, index }));
  const pools: History["pools"] = [{ poolId: 0n, owner: ZeroAddress, token: tokens[0]!, datanets: [] }];
  const dappPools = 2 + r(3);
  for (let i = 1; i <= dappPools; i++) {
    const datanets = r(2) === 0 ? [] : [1n, 2n, 3n].filter(() => r(2) === 0);
    pools.push({ poolId: BigInt(i), owner: owners[r(3)]!, token: tokens[r(tokens.length)]!, datanets });
  }
  for (const p of pools) events.push({ ...pos(), kind: "PoolCreated", ...p });

  const contributions: { id: bigint; datanet: bigint; accepted: boolean; epoch: bigint }[] = [];
  for (let i = 1; i <= 14; i++) {
    const cid = BigInt(i);
    const datanet = BigInt(1 + r(3));
    events.push({
      ...pos(),
      kind: "ContributionRegistered",
      id: cid,
      contributor: contributors[r(contributors.length)]!,
      datanetId: datanet,
      contentHash: id(`c${i}`),
      uri: "",
    });
    const decided = r(5) !== 0;
    const accepted = decided && r(4) !== 0;
    const epoch = BigInt(r(epochs));
    for (const v of validators) {
      if (r(2) === 0) continue;
      events.push({
        ...pos(),
        kind: "VoteCast",
        id: cid,
        validator: v,
        accept: r(3) !== 0,
        stake: BigInt(1 + r(1000)) * 10n ** BigInt(r(19)),
        epoch,
      });
    }
    if (decided) events.push({ ...pos(), kind: "ContributionDecided", id: cid, status: accepted ? 2 : 3, epoch });
    contributions.push({ id: cid, datanet, accepted, epoch });
  }

  const outputs = Array.from({ length: 14 }, (_, i) => id(`out-${i}`));
  for (let b = 1n; b <= 9n; b++) {
    const records: AttributionRecord[] = [];
    const chosen = [...new Set(Array.from({ length: 1 + r(4) }, () => outputs[r(outputs.length)]!))].sort();
    for (const outputId of chosen) {
      const pool = pools[r(pools.length)]!;
      // The ledger only takes Accepted contributions, on datanets the pool allows.
      const usable = contributions.filter(
        (c) => c.accepted && (pool.datanets.length === 0 || pool.datanets.includes(c.datanet)),
      );
      if (usable.length === 0) continue;
      const ids = [...new Set(Array.from({ length: 1 + r(3) }, () => usable[r(usable.length)]!.id))].sort((x, y) =>
        x < y ? -1 : 1,
      );
      const weights = ids.map(() => 1 + r(100));
      weights[weights.length - 1] = 10_000 - weights.slice(0, -1).reduce((x, y) => x + y, 0);
      records.push({
        outputId,
        poolId: pool.poolId,
        value: BigInt(1 + r(10 ** 6)) * 10n ** BigInt(r(13)),
        vector: ids.map((contributionId, i) => ({ contributionId, weightBps: weights[i]! })),
      });
    }
    if (records.length === 0) continue;
    const epoch = BigInt(r(epochs));
    const proposer = validators[r(validators.length)]!;
    events.push({ ...pos(), kind: "BatchProposed", batchId: b, proposer, epoch, stake: BigInt(1 + r(1000)), records });
    for (const v of validators) {
      if (v === proposer || r(2) === 0) continue;
      events.push({
        ...pos(),
        kind: "BatchAttested",
        batchId: b,
        validator: v,
        support: r(4) !== 0,
        stake: BigInt(1 + r(1000)),
        epoch,
      });
    }
    const outcome = r(4);
    if (outcome !== 0)
      events.push({ ...pos(), kind: "BatchDecided", batchId: b, status: outcome === 3 ? 3 : 2, epoch });
  }

  // Funding: each pool in a few random epochs, often none, so idle stretches occur.
  for (const p of pools) {
    for (let e = 0; e < epochs + 1; e++) {
      if (r(3) !== 0) continue;
      events.push({
        ...pos(),
        kind: "Funded",
        poolId: p.poolId,
        epoch: BigInt(e),
        funder: p.poolId === 0n ? address(0xd00) : p.owner,
        token: p.token,
        amount: BigInt(1 + r(10 ** 9)) * 10n ** BigInt(r(18)),
      });
    }
  }
  const params: AllocationParams[] = Array.from({ length: epochs }, () => ({
    protocolFeeBps: BigInt(r(2_001)),
    validatorShareBps: BigInt(r(5_001)),
    idleRefundEpochs: BigInt(1 + r(3)),
    treasury: r(3) === 0 ? validators[0]! : TREASURY,
  }));
  // Revocations, drawn last so that everything above is the same history as without them. The batches
  // above chose among all Accepted contributions, so later batches name revoked ones.
  for (const c of contributions) {
    if (!c.accepted || r(3) !== 0) continue;
    const epoch = c.epoch + BigInt(r(epochs - Number(c.epoch)));
    events.push({ ...pos(), kind: "ContributionRevoked", id: c.id, epoch });
  }
  return { events, epochs, params, pools };
}

/**
 * A random history as a chain would order it: an event tagged with an epoch sits in that epoch's
 * blocks (registrations and the allowlist first), so chain order and epoch order agree.
 */
export function chainOrdered(events: readonly TributaryEvent[]): TributaryEvent[] {
  const epochOf = (e: TributaryEvent) => ("epoch" in e ? e.epoch : -1n);
  return [...events]
    .map((e, i) => ({ e, i }))
    .sort((a, b) => {
      const x = epochOf(a.e);
      const y = epochOf(b.e);
      return x < y ? -1 : x > y ? 1 : a.i - b.i;
    })
    .map(({ e }, i) => ({ ...e, blockNumber: i + 1, logIndex: 0 }));
}

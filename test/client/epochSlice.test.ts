import { expect } from "chai";
import {
  computeSettlement,
  emptyAllocationState,
  epochSliceOf,
  finalOutputIds,
  foldEpoch,
  outputsCountedBefore,
} from "../../client/index.js";
import { chainOrdered, randomHistory } from "./histories.js";

describe("allocation: one epoch at a time from its slice equals the whole history", function () {
  for (const seed of Array.from({ length: 40 }, (_, i) => i + 1)) {
    it(`randomized pooled history #${seed}`, function () {
      const history = randomHistory(seed);
      const events = chainOrdered(history.events);
      const paramsAt = (e: bigint) => history.params[Number(e)]!;
      const state = emptyAllocationState();
      for (let epoch = 0n; epoch < BigInt(history.epochs); epoch++) {
        const slice = epochSliceOf(events, epoch);
        const counted = outputsCountedBefore(events, epoch, finalOutputIds(slice));
        const folded = foldEpoch(state, epoch, slice, counted, paramsAt(epoch));
        const full = computeSettlement(events, epoch, paramsAt);
        expect(folded.entries, `leaves through epoch ${epoch}`).to.deep.equal(full.entries);
        expect(folded.cumulativeTotals, `totals through epoch ${epoch}`).to.deep.equal(full.cumulativeTotals);
        expect(folded.tokens).to.deep.equal(full.tokens);
        // The pools funded so far, with this epoch's allocation as the full ledger's last entry.
        expect(folded.pools.map((l) => l.pool.poolId)).to.deep.equal(full.pools.map((l) => l.pool.poolId));
        expect(folded.pools.map((l) => l.epochs[0])).to.deep.equal(full.pools.map((l) => l.epochs.at(-1)));
      }
    });
  }

  it("a slice holds only its epoch's decisions and funding, and the contributions its records name", function () {
    const history = randomHistory(7);
    const events = chainOrdered(history.events);
    const slice = epochSliceOf(events, 1n);
    for (const e of slice) {
      if (e.kind === "Funded" || e.kind === "ContributionDecided" || e.kind === "BatchDecided") {
        expect(e.epoch).to.equal(1n);
      }
    }
    expect(slice.length).to.be.lessThan(events.length);
    expect(slice.filter((e) => e.kind === "TokenAllowed").length).to.equal(
      events.filter((e) => e.kind === "TokenAllowed").length,
    );
  });

  it("a slice holds the earlier revocations of the contributions its batches name, and no other", function () {
    // Across the seeds, some slices hold a revocation, so the folds above exercise the rule.
    let seen = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const history = randomHistory(seed);
      const events = chainOrdered(history.events);
      for (let epoch = 0n; epoch < BigInt(history.epochs); epoch++) {
        const slice = epochSliceOf(events, epoch);
        const named = new Set(
          slice.flatMap((e) =>
            e.kind === "BatchProposed" ? e.records.flatMap((r) => r.vector.map((x) => x.contributionId)) : [],
          ),
        );
        const expected = events.filter((e) => e.kind === "ContributionRevoked" && e.epoch < epoch && named.has(e.id));
        expect(slice.filter((e) => e.kind === "ContributionRevoked")).to.deep.equal(expected);
        seen += expected.length;
      }
    }
    expect(seen).to.be.greaterThan(10);
  });

  it("an output counted in an earlier epoch does not count again", function () {
    // Across the seeds, some history re-proposes a counted output in a later epoch's final batch.
    let seen = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const history = randomHistory(seed);
      const events = chainOrdered(history.events);
      for (let epoch = 1n; epoch < BigInt(history.epochs); epoch++) {
        seen += outputsCountedBefore(events, epoch, finalOutputIds(epochSliceOf(events, epoch))).size;
      }
    }
    expect(seen).to.be.greaterThan(0);
  });
});

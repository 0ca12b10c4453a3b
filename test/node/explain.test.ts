import { expect } from "chai";
import { emptyAllocationState, epochSliceOf, finalOutputIds, outputsCountedBefore } from "../../client/index.js";
import { allocateForExplaining, explainAccount } from "../../node/src/api/explain.js";
import { chainOrdered, randomHistory } from "../client/histories.js";

describe("api explain: every account's items add up to what the rule owes it, revocations included", function () {
  for (const seed of Array.from({ length: 20 }, (_, i) => i + 1)) {
    it(`randomized pooled history #${seed}`, function () {
      const history = randomHistory(seed);
      const events = chainOrdered(history.events);
      const state = emptyAllocationState();
      let explained = 0;
      for (let epoch = 0n; epoch < BigInt(history.epochs); epoch++) {
        const slice = epochSliceOf(events, epoch);
        const countedBefore = outputsCountedBefore(events, epoch, finalOutputIds(slice));
        // Folds the epoch onto `state`, as the node does.
        const allocated = allocateForExplaining({
          epoch,
          slice,
          countedBefore,
          params: history.params[Number(epoch)]!,
          stateBefore: state,
        });
        const owedByAccount = new Map<string, Map<string, bigint>>();
        for (const { pool, allocation } of allocated.steps) {
          for (const [account, amount] of allocation.owed) {
            const byToken = owedByAccount.get(account) ?? new Map<string, bigint>();
            byToken.set(pool.token, (byToken.get(pool.token) ?? 0n) + amount);
            owedByAccount.set(account, byToken);
          }
        }
        for (const [account, byToken] of owedByAccount) {
          // Throws when the items found do not add up to the weight the rule used.
          const explanation = explainAccount(allocated, account);
          const totals = new Map(explanation.totals.map((t) => [t.token, BigInt(t.amount)]));
          for (const [token, amount] of byToken) if (amount > 0n) expect(totals.get(token)).to.equal(amount);
          explained += 1;
        }
      }
      expect(explained).to.be.greaterThan(0);
    });
  }
});

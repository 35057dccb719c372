// The store's round-trip counter (lanes_store_queries_total): every statement sent is counted once, BEGIN
// and COMMIT included, on both stores; a chunk's runs cost two statements however many runs it holds.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Metrics } from '../src/http/metrics.ts';
import { RUN_EXAMPLE, runFromPayload, storeContract } from './helpers/store-contract.ts';

storeContract('query count', ({ withStore }) => {
  void it('counts each statement, and a chunk of runs is one read and one upsert', async () => {
    await withStore(async (s) => {
      const base = runFromPayload(RUN_EXAMPLE);
      const runs = [1, 2, 3, 4, 5].map((i) => ({ ...base, runId: 7000 + i }));
      const c0 = s.queryCount();
      await s.getRun(1);
      assert.equal(s.queryCount() - c0, 1, 'one read, one statement');
      const c1 = s.queryCount();
      assert.deepEqual(
        await s.transaction((tx) => tx.upsertRuns(runs)),
        runs.map(() => 'applied'),
      );
      assert.equal(s.queryCount() - c1, 4, 'begin, the locking read, one multi-row upsert, commit');
      const c2 = s.queryCount();
      await s.transaction(async (tx) => {
        for (const r of runs) await tx.upsertRun({ ...r, runId: r.runId + 100 });
      });
      assert.equal(s.queryCount() - c2, 2 + 2 * runs.length, 'one by one: a read and a write per run');
      const text = await new Metrics().render(s, new Date());
      const m = new RegExp(`^lanes_store_queries_total\\{store="${s.dialect}"\\} (\\d+)$`, 'm').exec(text);
      assert.ok(m, text);
      assert.ok(Number(m[1]) >= c2 + 2 + 2 * runs.length);
    });
  });
});

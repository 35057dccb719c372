// The Store's behavioural suite: the change feed.
// Runs on SQLite and on PostgreSQL alike; the shared set-up is in helpers/store-contract.ts.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { at, canon, storeContract } from './helpers/store-contract.ts';

storeContract('change-feed', ({ withStore }) => {
  void it('appends changes with increasing seq and reads them since a seq', async () => {
    await withStore(async (s) => {
      assert.equal(await s.latestChangeSeq(), 0);
      const seqs: number[] = [];
      for (let i = 0; i < 5; i++)
        seqs.push(await s.transaction((tx) => tx.appendChange(i % 2 ? 'run' : 'lane', { i }, at(i))));
      for (let i = 1; i < seqs.length; i++) assert.ok((seqs[i] ?? 0) > (seqs[i - 1] ?? 0));
      assert.equal(await s.latestChangeSeq(), seqs[4]);
      const since = await s.changesSince(seqs[1] ?? 0, 2);
      assert.deepEqual(since, [
        { seq: seqs[2], at: canon(at(2)), topic: 'lane', data: { i: 2 } },
        { seq: seqs[3], at: canon(at(3)), topic: 'run', data: { i: 3 } },
      ]);
      assert.deepEqual(await s.changesSince(seqs[4] ?? 0, 10), []);
      // Concurrent transactions appending changes: all present, seq unique and gap-free in order.
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          s.transaction(async (tx) => {
            await tx.appendChange('run', { c: i }, at(10));
            await tx.appendChange('lane', { c: i }, at(10));
          }),
        ),
      );
      const all = await s.changesSince(0, 100);
      assert.equal(all.length, 25);
      for (let i = 1; i < all.length; i++) assert.ok((all[i]?.seq ?? 0) > (all[i - 1]?.seq ?? 0));
    });
  });
});

// The Store's behavioural suite: the outbox.
// Runs on SQLite and on PostgreSQL alike; the shared set-up is in helpers/store-contract.ts.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { at, canon, storeContract } from './helpers/store-contract.ts';
import { outboxRows } from './helpers/store-rows.ts';

storeContract('outbox', ({ withStore }) => {
  void it('runs the outbox: idempotent enqueue, claim with lease, retry, dead and done', async () => {
    await withStore(async (s) => {
      const effect = {
        key: 'dispatch:PL-04:rel-1',
        kind: 'github.dispatch',
        payload: { workflow: 'deploy-staging.yml', ref: 'main' },
        runAt: at(0),
      };
      assert.equal(await s.transaction((tx) => tx.enqueue(effect)), 'enqueued');
      assert.equal(
        await s.transaction((tx) => tx.enqueue({ ...effect, payload: { other: true } })),
        'duplicate',
      );
      assert.equal(
        await s.transaction((tx) =>
          tx.enqueue({
            key: 'notify:1',
            kind: 'alert.notify',
            payload: { text: 'PL-09 failed' },
            runAt: at(0),
          }),
        ),
        'enqueued',
      );
      assert.equal(
        await s.transaction((tx) =>
          tx.enqueue({ key: 'later', kind: 'github.commit_status', payload: null, runAt: at(60) }),
        ),
        'enqueued',
      );

      const c1 = await s.claimOutbox({ limit: 10, now: at(1), leaseMs: 30_000 });
      assert.deepEqual(
        c1.map((o) => o.key),
        ['dispatch:PL-04:rel-1', 'notify:1'],
      );
      assert.deepEqual(c1[0]?.payload, effect.payload);
      assert.equal(c1[0]?.attempts, 1);
      assert.deepEqual(await s.claimOutbox({ limit: 10, now: at(1.2), leaseMs: 30_000 }), []);
      const [dispatch, notify] = c1;
      assert.ok(dispatch && notify);
      await s.failOutbox(dispatch.id, 'HTTP 502', at(5));
      await s.completeOutbox(notify.id, at(1.5));
      assert.deepEqual(await s.claimOutbox({ limit: 10, now: at(4), leaseMs: 30_000 }), []);
      const c2 = await s.claimOutbox({ limit: 10, now: at(5), leaseMs: 30_000 });
      assert.deepEqual(
        c2.map((o) => [o.key, o.attempts, o.lastError]),
        [['dispatch:PL-04:rel-1', 2, 'HTTP 502']],
      );
      // Lease expiry (worker died): claimed again.
      const c3 = await s.claimOutbox({ limit: 10, now: at(6), leaseMs: 30_000 });
      assert.deepEqual(
        c3.map((o) => o.attempts),
        [3],
      );
      await s.failOutbox(dispatch.id, 'HTTP 422', null);
      assert.deepEqual(
        (await outboxRows(s, { status: 'dead' })).map((o) => [o.key, o.lastError]),
        [['dispatch:PL-04:rel-1', 'HTTP 422']],
      );
      assert.deepEqual(
        (await outboxRows(s, { status: 'done' })).map((o) => o.key),
        ['notify:1'],
      );
      assert.deepEqual(
        (await outboxRows(s, { status: 'pending' })).map((o) => o.runAt),
        [canon(at(60))],
      );
      assert.deepEqual(
        (await outboxRows(s, { kind: 'alert.notify' })).map((o) => o.key),
        ['notify:1'],
      );
      assert.equal((await s.claimOutbox({ limit: 10, now: at(61), leaseMs: 1000 })).length, 1);
    });
  });

  void it('defers a waiting item: pending at runAt, the claimed attempt given back, the note kept', async () => {
    await withStore(async (s) => {
      const effect = {
        key: 'dispatch:wait',
        kind: 'github.dispatch',
        payload: { ref: 'main' },
        runAt: at(0),
      };
      assert.equal(await s.transaction((tx) => tx.enqueue(effect)), 'enqueued');
      for (let i = 1; i <= 12; i++) {
        const [item] = await s.claimOutbox({ limit: 10, now: at(i * 2), leaseMs: 30_000 });
        assert.equal(item?.attempts, 1, `claim ${i} counts one attempt from 0`);
        await s.deferOutbox(item.id, 'waiting: GitHub is not configured', at(i * 2 + 1));
        assert.deepEqual(await s.claimOutbox({ limit: 10, now: at(i * 2 + 0.5), leaseMs: 30_000 }), []);
      }
      const [row] = await outboxRows(s, { status: 'pending' });
      assert.deepEqual(
        [row?.attempts, row?.lastError, row?.runAt],
        [0, 'waiting: GitHub is not configured', canon(at(25))],
      );
      // Never below 0 (a deferral without a claim, e.g. a duplicate settle).
      assert.ok(row);
      await s.deferOutbox(row.id, 'waiting: again', at(30));
      assert.deepEqual(
        (await outboxRows(s, { status: 'pending' })).map((o) => [o.attempts, o.lastError]),
        [[0, 'waiting: again']],
      );
      // A done item is not moved back.
      const [again] = await s.claimOutbox({ limit: 10, now: at(30), leaseMs: 30_000 });
      assert.ok(again);
      await s.completeOutbox(again.id, at(30.1));
      await s.deferOutbox(again.id, 'waiting: late', at(40));
      assert.deepEqual(
        (await outboxRows(s, { status: 'done' })).map((o) => [o.key, o.attempts]),
        [['dispatch:wait', 1]],
      );
    });
  });
});

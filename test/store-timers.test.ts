// The Store's behavioural suite: timers, and claims shared between two stores.
// Runs on SQLite and on PostgreSQL alike; the shared set-up is in helpers/store-contract.ts.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { at, delivery, storeContract } from './helpers/store-contract.ts';

storeContract('timers', ({ makeTarget, withStore }) => {
  void it('fires timers once and in order', async () => {
    await withStore(async (s) => {
      assert.equal(
        await s.transaction((tx) =>
          tx.schedule({
            key: 'hold:RG-12:rel-1',
            kind: 'gate.window',
            payload: { gate: 'RG-12' },
            fireAt: at(15),
          }),
        ),
        'scheduled',
      );
      assert.equal(
        await s.transaction((tx) =>
          tx.schedule({ key: 'hold:RG-12:rel-1', kind: 'gate.window', payload: {}, fireAt: at(1) }),
        ),
        'duplicate',
      );
      await s.transaction((tx) =>
        tx.schedule({
          key: 'hold:RG-13:rel-1',
          kind: 'gate.window',
          payload: { gate: 'RG-13' },
          fireAt: at(24 * 60),
        }),
      );
      await s.transaction((tx) =>
        tx.schedule({ key: 'early', kind: 'drill.check', payload: null, fireAt: at(5) }),
      );
      assert.deepEqual(await s.claimDueTimers({ limit: 10, now: at(4) }), []);
      const fired = await s.claimDueTimers({ limit: 10, now: at(20) });
      assert.deepEqual(
        fired.map((t) => [t.key, t.status]),
        [
          ['early', 'fired'],
          ['hold:RG-12:rel-1', 'fired'],
        ],
      );
      assert.deepEqual(fired[1]?.payload, { gate: 'RG-12' });
      assert.deepEqual(await s.claimDueTimers({ limit: 10, now: at(20) }), []);
      assert.deepEqual(
        (await s.listTimers({ status: 'pending' })).map((t) => t.key),
        ['hold:RG-13:rel-1'],
      );
      // Concurrent claims from one store: each timer goes to exactly one caller.
      for (let i = 0; i < 30; i++)
        await s.transaction((tx) => tx.schedule({ key: `c-${i}`, kind: 'k', payload: i, fireAt: at(30) }));
      const batches = await Promise.all(
        Array.from({ length: 8 }, () => s.claimDueTimers({ limit: 4, now: at(31) })),
      );
      const keys = batches.flat().map((t) => t.key);
      assert.equal(keys.length, 30);
      assert.equal(new Set(keys).size, 30);
    });
  });

  void it('gives each due timer to exactly one of two stores claiming at once', async () => {
    const t = await makeTarget();
    if (t.kind === 'sqlite') {
      // SQLite is single-process (one store per file); in-process concurrency is covered above.
      const s = await t.open();
      await s.close();
      return;
    }
    const a = await t.open();
    const b = await t.open();
    try {
      for (let i = 0; i < 60; i++)
        await a.transaction((tx) => tx.schedule({ key: `x-${i}`, kind: 'k', payload: i, fireAt: at(0) }));
      const claims = await Promise.all(
        Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).claimDueTimers({ limit: 7, now: at(1) })),
      );
      const keys = claims.flat().map((x) => x.key);
      assert.equal(new Set(keys).size, keys.length, 'no timer fired twice');
      // Whatever was skipped as locked is still pending and fires on the next round.
      const rest = await a.claimDueTimers({ limit: 100, now: at(1) });
      const all = [...keys, ...rest.map((x) => x.key)];
      assert.equal(all.length, 60);
      assert.equal(new Set(all).size, 60);
      // Deliveries and outbox items, too, go to one claimer each.
      await a.insertDeliveries(Array.from({ length: 40 }, (_, i) => delivery(`cd-${i}`)));
      for (let i = 0; i < 40; i++)
        await a.transaction((tx) => tx.enqueue({ key: `ob-${i}`, kind: 'k', payload: i, runAt: at(0) }));
      const [d1, d2, o1, o2] = await Promise.all([
        a.claimDeliveries({ limit: 25, leaseMs: 60_000, now: at(1), worker: 'a' }),
        b.claimDeliveries({ limit: 25, leaseMs: 60_000, now: at(1), worker: 'b' }),
        a.claimOutbox({ limit: 25, now: at(1), leaseMs: 60_000 }),
        b.claimOutbox({ limit: 25, now: at(1), leaseMs: 60_000 }),
      ]);
      const dg = [...d1, ...d2].map((d) => d.guid);
      assert.equal(new Set(dg).size, dg.length);
      const og = [...o1, ...o2].map((o) => o.key);
      assert.equal(new Set(og).size, og.length);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

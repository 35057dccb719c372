// The Store's behavioural suite: engine state: monitoring starts, the deprecated kv table and its migration.
// Runs on SQLite and on PostgreSQL alike; the shared set-up is in helpers/store-contract.ts.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { at, canon, migrateTo, rawDb, storeContract } from './helpers/store-contract.ts';

storeContract('engine-state', ({ makeTarget, withStore }) => {
  void it('keeps the deprecated kv values (newest write wins)', async () => {
    await withStore(async (s) => {
      assert.equal(await s.kvGet('engine.cursor'), undefined);
      await s.kvSet('engine.cursor', { seq: 1, flags: [true, null] }, at(0));
      await s.kvSet('engine.cursor', { seq: 2, flags: [false] }, at(1));
      assert.deepEqual(await s.kvGet('engine.cursor'), { seq: 2, flags: [false] });
    });
  });

  void it('records when monitoring began once: the first writer wins', async () => {
    await withStore(async (s) => {
      assert.equal(await s.transaction((tx) => tx.ensureMonitoredSince('drills', at(5))), canon(at(5)));
      assert.equal(await s.transaction((tx) => tx.ensureMonitoredSince('drills', at(9))), canon(at(5)));
      const both = await Promise.all([
        s.transaction((tx) => tx.ensureMonitoredSince('drills', at(1))),
        s.transaction((tx) => tx.ensureMonitoredSince('drills', at(2))),
      ]);
      assert.deepEqual(both, [canon(at(5)), canon(at(5))]);
    });
  });

  void it('moves engine state out of kv into typed tables when migrating an older database', async () => {
    const t = await makeTarget({ empty: true });
    // A database as release 0001 left it, with the engine's kv rows and a refs row.
    await migrateTo(t, '0001_initial', async (db) => {
      const kv = (key: string, value: unknown): Promise<unknown> =>
        sql`insert into kv (key, value, updated_at) values (${key}, ${JSON.stringify(value)}, ${at(0)})`.execute(
          db,
        );
      await kv('release-overrides:rel-1', [
        { lane: 'PL-08', by: 'alice', reason: 'hotfix', at: at(2), window: 'FW-1' },
        { lane: 'PL-09', by: 'bob', reason: 'incident', at: at(1), window: null },
      ]);
      await kv('release-green-at:rel-1', { 'PL-07': at(3) });
      await kv('drills-monitored-since', at(4));
      await kv('engine.cursor', { seq: 7 });
      await sql`insert into refs (repo, ref, sha, updated_at) values ('o/r', 'refs/heads/main', null, ${at(0)})`.execute(
        db,
      );
    });
    const s = await t.open();
    try {
      assert.deepEqual(await s.listReleaseOverrides('rel-1'), [
        { lane: 'PL-08', by: 'alice', reason: 'hotfix', at: canon(at(2)), window: 'FW-1' },
        { lane: 'PL-09', by: 'bob', reason: 'incident', at: canon(at(1)), window: null },
      ]);
      assert.deepEqual(await s.getReleaseGreenAt('rel-1'), { 'PL-07': canon(at(3)) });
      assert.equal(await s.transaction((tx) => tx.ensureMonitoredSince('drills', at(9))), canon(at(4)));
      // Moved rows are gone from kv; anything else stays.
      assert.equal(await s.kvGet('release-overrides:rel-1'), undefined);
      assert.equal(await s.kvGet('release-green-at:rel-1'), undefined);
      assert.equal(await s.kvGet('drills-monitored-since'), undefined);
      assert.deepEqual(await s.kvGet('engine.cursor'), { seq: 7 });
      await assert.rejects(sql`select * from refs`.execute(rawDb(s)));
    } finally {
      await s.close();
    }
  });
});

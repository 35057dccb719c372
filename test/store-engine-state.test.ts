// The Store's behavioural suite: engine state: monitoring starts, the move out of kv (0002) and the drop of
// the tables nothing uses (0011).
// Runs on SQLite and on PostgreSQL alike; the shared set-up is in helpers/store-contract.ts.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { UNUSED_TABLES } from '../src/store/migration-0011-cleanup.ts';
import { at, canon, migrateTo, rawDb, storeContract } from './helpers/store-contract.ts';

storeContract('engine-state', ({ makeTarget, withStore }) => {
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
    // Right after 0002, the moved rows are gone from kv and anything else is still there.
    await migrateTo(t, '0002_typed_engine_state', async (db) => {
      const left = await sql<{ key: string; value: string }>`select key, value from kv order by key`.execute(
        db,
      );
      assert.deepEqual(left.rows, [{ key: 'engine.cursor', value: '{"seq":7}' }]);
    });
    const s = await t.open();
    try {
      assert.deepEqual(await s.listReleaseOverrides('rel-1'), [
        { lane: 'PL-08', by: 'alice', reason: 'hotfix', at: canon(at(2)), window: 'FW-1' },
        { lane: 'PL-09', by: 'bob', reason: 'incident', at: canon(at(1)), window: null },
      ]);
      assert.deepEqual(await s.getReleaseGreenAt('rel-1'), { 'PL-07': canon(at(3)) });
      assert.equal(await s.transaction((tx) => tx.ensureMonitoredSince('drills', at(9))), canon(at(4)));
      await assert.rejects(sql`select * from refs`.execute(rawDb(s)));
      // 0011 dropped kv itself with the other tables nothing reads.
      await assert.rejects(sql`select * from kv`.execute(rawDb(s)));
    } finally {
      await s.close();
    }
  });

  void it('drops the tables nothing uses (kv, artifacts, release_lanes, people) and keeps the rest', async () => {
    const t = await makeTarget({ empty: true });
    await migrateTo(t, '0003_delivery_bodies', async (db) => {
      for (const table of UNUSED_TABLES) await sql`select count(*) from ${sql.table(table)}`.execute(db);
      await sql`insert into kv (key, value, updated_at) values ('engine.cursor', '{}', ${at(0)})`.execute(db);
    });
    const s = await t.open();
    try {
      for (const table of UNUSED_TABLES)
        await assert.rejects(
          sql`select count(*) from ${sql.table(table)}`.execute(rawDb(s)),
          `${table} dropped`,
        );
      // The tables in use are untouched: a write and a read through the store still work.
      assert.equal(await s.transaction((tx) => tx.ensureMonitoredSince('drills', at(1))), canon(at(1)));
      assert.equal((await s.listTokens()).length, 0);
    } finally {
      await s.close();
    }
  });
});

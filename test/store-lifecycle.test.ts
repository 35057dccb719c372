// The Store's behavioural suite: migrations, transactions, time checks and notifications.
// Runs on SQLite and on PostgreSQL alike; the shared set-up is in helpers/store-contract.ts.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { buildMigrations } from '../src/store/migrations.ts';
import { SqliteStore } from '../src/store/sqlite-store.ts';
import {
  at,
  canonRun,
  eventually,
  openInChild,
  RUN_EXAMPLE,
  runFromPayload,
  storeContract,
} from './helpers/store-contract.ts';
import { outboxRows } from './helpers/store-rows.ts';

storeContract('lifecycle', ({ makeTarget, withStore }) => {
  void it('migrates idempotently and reports its dialect', async () => {
    const t = await makeTarget({ empty: true });
    const a = await t.open();
    assert.equal(a.dialect, t.kind);
    await a.ping();
    if (a instanceof SqliteStore) {
      assert.equal(a.pragma('journal_mode'), 'wal');
      assert.equal(a.pragma('synchronous'), process.env.LANES_SQLITE_SYNC === 'full' ? 2 : 1); // FULL : NORMAL
      assert.ok(Number(a.pragma('busy_timeout')) > 0);
    }
    await a.migrate(); // again on an up-to-date database
    await a.close();
    const b = await t.open(); // a later process
    await b.close();
    assert.equal(await t.migrationRows(), Object.keys(buildMigrations(t.kind)).length);
  });

  void it('migrates safely when two processes open the same database at once', async () => {
    const t = await makeTarget({ empty: true });
    if (t.kind === 'postgres') {
      // In-process, two pools: the server's locks are the real thing.
      const [a, b] = await Promise.all([t.open(), t.open()]);
      await Promise.all([a.ping(), b.ping()]);
      await a.close();
      await b.close();
    }
    // Separate OS processes on a fresh database (both dialects): both migrate, start and write.
    const t2 = await makeTarget({ empty: true });
    const [c1, c2] = await Promise.all([openInChild(t2.childEnv), openInChild(t2.childEnv)]);
    assert.equal(c1.code, 0, c1.out);
    assert.equal(c2.code, 0, c2.out);
    assert.match(c1.out, /opened/);
    assert.match(c2.out, /opened/);
    assert.equal(await t2.migrationRows(), Object.keys(buildMigrations(t2.kind)).length);
    const s = await t2.open();
    assert.equal((await s.listAudit({ objectType: 'process' })).length, 2);
    await s.close();
  });

  void it('commits a transaction as a whole, and a failed one leaves nothing behind', async () => {
    await withStore(async (s) => {
      const run = runFromPayload(RUN_EXAMPLE);
      await assert.rejects(
        s.transaction(async (tx) => {
          assert.equal(await tx.upsertRun(run), 'applied');
          assert.deepEqual(await tx.getRun(run.runId), canonRun(run)); // sees its own write
          await tx.appendAudit({
            at: at(0),
            actor: 'system',
            action: 'run.updated',
            objectType: 'run',
            objectId: String(run.runId),
            reason: null,
            data: null,
          });
          await tx.enqueue({ key: 'k1', kind: 'github.dispatch', payload: {}, runAt: at(0) });
          await tx.schedule({ key: 't1', kind: 'gate.window', payload: {}, fireAt: at(0) });
          await tx.appendChange('run', { runId: run.runId }, at(0));
          await tx.raiseAlert({
            key: 'lane-failed:PL-09',
            rule: 'lane_failed',
            severity: 'critical',
            title: 'PL-09 failed',
            at: at(0),
            data: {},
          });
          throw new Error('decision failed');
        }),
        /decision failed/,
      );
      assert.equal(await s.getRun(run.runId), undefined);
      assert.deepEqual(await s.listAudit({}), []);
      assert.deepEqual(await outboxRows(s, {}), []);
      assert.deepEqual(await s.listTimers({}), []);
      assert.equal(await s.latestChangeSeq(), 0);
      assert.equal(await s.countOpenAlerts(), 0);

      const result = await s.transaction(async (tx) => {
        await tx.upsertRun(run);
        await tx.enqueue({ key: 'k1', kind: 'github.dispatch', payload: {}, runAt: at(0) });
        return tx.appendChange('run', { runId: run.runId }, at(0));
      });
      assert.equal(typeof result, 'number');
      assert.ok(await s.getRun(run.runId));
      assert.equal((await outboxRows(s, {})).length, 1);
    });
  });

  void it('keeps concurrent transactions apart', async () => {
    await withStore(async (s) => {
      const run = runFromPayload(RUN_EXAMPLE);
      const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
      const outcomes = await Promise.allSettled([
        s.transaction(async (tx) => {
          await tx.upsertRun({ ...run, runId: 1 });
          await tick();
          await tx.appendAudit({
            at: at(0),
            actor: 'system',
            action: 'a',
            objectType: 'run',
            objectId: '1',
            reason: null,
            data: null,
          });
          await tick();
          throw new Error('roll back 1');
        }),
        s.transaction(async (tx) => {
          await tick();
          await tx.upsertRun({ ...run, runId: 2 });
          await tick();
          await tx.appendAudit({
            at: at(0),
            actor: 'system',
            action: 'b',
            objectType: 'run',
            objectId: '2',
            reason: null,
            data: null,
          });
        }),
        s.transaction((tx) => tx.upsertRun({ ...run, runId: 3 })),
      ]);
      assert.deepEqual(
        outcomes.map((o) => o.status),
        ['rejected', 'fulfilled', 'fulfilled'],
      );
      assert.equal(await s.getRun(1), undefined);
      assert.ok(await s.getRun(2));
      assert.ok(await s.getRun(3));
      assert.deepEqual(
        (await s.listAudit({})).map((e) => e.action),
        ['b'],
      );
    });
  });

  void it('rejects invalid timestamps instead of storing them', async () => {
    await withStore(async (s) => {
      await assert.rejects(
        s.transaction((tx) => tx.upsertRun(runFromPayload(RUN_EXAMPLE, { updatedAt: 'yesterday' }))),
        /invalid timestamp/,
      );
      assert.equal(await s.getRun(runFromPayload(RUN_EXAMPLE).runId), undefined);
    });
  });

  void it('delivers notifications to listeners', async () => {
    const t = await makeTarget();
    const a = await t.open();
    const b = t.kind === 'postgres' ? await t.open() : a; // SQLite is one process: in-process wake-ups
    try {
      let got = 0;
      let other = 0;
      const off = b.onNotify('changes', () => got++);
      b.onNotify('outbox', () => other++);
      const received = await eventually(
        () => got > 0,
        () => a.notify('changes'),
      );
      assert.ok(received, 'a notify on one store reaches the listener of the other');
      assert.equal(other, 0);
      off();
      const before = got;
      // After unsubscribing, a notification on another channel proves delivery still flows, and the
      // unsubscribed listener is not called.
      const flowing = await eventually(
        () => other > 0,
        async () => {
          await a.notify('changes');
          await a.notify('outbox');
        },
      );
      assert.ok(flowing);
      assert.equal(got, before);
    } finally {
      if (b !== a) await b.close();
      await a.close();
    }
  });
});

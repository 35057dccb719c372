// The Store's behavioural suite: a processing chunk's tail (StoreTx.appendApplied — audit, change feed and
// delivery marks; one statement on PostgreSQL). Runs on SQLite and on PostgreSQL alike.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { at, canon, delivery, storeContract } from './helpers/store-contract.ts';
import { storedDelivery } from './helpers/store-rows.ts';

storeContract('applied-batch', ({ withStore }) => {
  void it('writes the audit entries, the changes and the marks of a chunk together', async () => {
    await withStore(async (s) => {
      await s.insertDeliveries([delivery('a-1'), delivery('a-2'), delivery('a-3')]);
      await s.transaction((tx) =>
        tx.appendApplied({
          audits: [
            {
              at: at(1),
              actor: 'github:a-1',
              action: 'run.updated',
              objectType: 'run',
              objectId: '11',
              reason: 'r1',
              data: { n: 1 },
            },
            {
              at: at(1),
              actor: 'github:a-1',
              action: 'job.updated',
              objectType: 'job',
              objectId: '12',
              reason: null,
              data: null,
              catalogVersion: 3,
            },
          ],
          changes: [
            { topic: 'run', data: { delivery: 'a-1', id: '11' }, at: at(1) },
            { topic: 'job', data: { delivery: 'a-1', id: '12' }, at: at(1) },
          ],
          marks: [
            { guid: 'a-1', status: 'processed', at: at(1), error: null },
            {
              guid: 'a-2',
              status: 'ignored',
              at: at(2),
              error: 'unknown_repository: not in the catalog',
              ignoredReason: 'unknown_repository',
            },
          ],
        }),
      );
      const d1 = await storedDelivery(s, 'a-1');
      assert.equal(d1?.status, 'processed');
      assert.equal(d1?.processedAt, canon(at(1)));
      assert.equal(d1?.error, null);
      assert.equal(d1?.ignoredReason, null);
      const d2 = await storedDelivery(s, 'a-2');
      assert.equal(d2?.status, 'ignored');
      assert.equal(d2?.processedAt, canon(at(2)));
      assert.equal(d2?.error, 'unknown_repository: not in the catalog');
      assert.equal(d2?.ignoredReason, 'unknown_repository');
      assert.equal((await storedDelivery(s, 'a-3'))?.status, 'pending');
      const changes = await s.changesSince(0, 10);
      assert.deepEqual(
        changes.map((c) => [c.topic, c.data, c.at]),
        [
          ['run', { delivery: 'a-1', id: '11' }, canon(at(1))],
          ['job', { delivery: 'a-1', id: '12' }, canon(at(1))],
        ],
      );
      assert.ok((changes[1]?.seq ?? 0) > (changes[0]?.seq ?? 0));
      const audit = await s.listAudit({});
      const byAction = new Map(audit.map((e) => [e.action, e]));
      assert.equal(audit.length, 2);
      assert.deepEqual(
        { ...byAction.get('run.updated'), id: 0 },
        {
          id: 0,
          at: canon(at(1)),
          actor: 'github:a-1',
          action: 'run.updated',
          objectType: 'run',
          objectId: '11',
          reason: 'r1',
          data: { n: 1 },
          catalogVersion: null,
        },
      );
      assert.equal(byAction.get('job.updated')?.catalogVersion, 3);
      assert.equal(byAction.get('job.updated')?.reason, null);
      // Nothing to write writes nothing.
      await s.transaction((tx) => tx.appendApplied({ audits: [], changes: [], marks: [] }));
      assert.equal((await s.changesSince(0, 10)).length, 2);
    });
  });

  void it('PostgreSQL: a chunk committing later cannot be skipped by a reader (seq order is commit order)', async () => {
    await withStore(async (s) => {
      // SQLite runs one transaction at a time in a process: the question does not arise there.
      if (s.dialect !== 'postgres') return;
      await s.insertDeliveries([delivery('o-1'), delivery('o-2')]);
      const chunk = (guid: string) => ({
        audits: [],
        changes: [{ topic: 'run', data: { delivery: guid }, at: at(1) }],
        marks: [{ guid, status: 'processed' as const, at: at(1), error: null }],
      });
      let release: () => void = () => undefined;
      const gate = new Promise<void>((r) => (release = r));
      let firstWrote: () => void = () => undefined;
      const wrote = new Promise<void>((r) => (firstWrote = r));
      // The first chunk writes its changes, then stays open; the second chunk writes and commits meanwhile.
      const first = s.transaction(async (tx) => {
        await tx.appendApplied(chunk('o-1'));
        firstWrote();
        await gate;
      });
      await wrote;
      const second = s.transaction((tx) => tx.appendApplied(chunk('o-2')));
      let seen: unknown[];
      try {
        // Whatever the second chunk managed so far, a reader never sees a seq above one still to commit.
        await new Promise((r) => setTimeout(r, 200));
        seen = await s.changesSince(0, 10);
      } finally {
        release();
        await first;
        await second;
      }
      assert.deepEqual(seen, [], 'the second chunk waited for the first (it holds the change-feed lock)');
      const all = await s.changesSince(0, 10);
      assert.deepEqual(
        all.map((c) => (c.data as { delivery: string }).delivery),
        ['o-1', 'o-2'],
      );
    });
  });
});

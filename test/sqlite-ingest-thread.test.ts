// The SQLite ingest thread (src/store/sqlite-ingest-client.ts): webhook deliveries inserted on a second
// connection in a worker thread give the same results and rows as the in-process insert, a setting made on
// the store (max_page_count, per connection) reaches the thread's connection, and a store failure met there
// comes back with the driver's code, so the webhook route answers 503 for it as before.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SqliteStore } from '../src/store/sqlite-store.ts';
import { isStoreFailure } from '../src/store/store-failure.ts';
import { delivery } from './helpers/store-contract.ts';
import { storedDelivery } from './helpers/store-rows.ts';
import { freshSqliteDir } from './helpers/test-database.ts';

async function open(ingestThread: boolean): Promise<SqliteStore> {
  const s = SqliteStore.open({ dataDir: await freshSqliteDir(), ingestThread });
  await s.migrate();
  return s;
}

void describe('SQLite ingest thread', () => {
  void it('stores the same rows and answers the same results as the in-process insert', async () => {
    const threaded = await open(true);
    const inProcess = await open(false);
    try {
      const batches = [
        [delivery('t-1'), delivery('t-2', { action: null }), delivery('t-1', { body: '{"late":1}' })],
        [delivery('t-2', { body: 'changed' }), delivery('t-3', { body: '{"ü":"✓"}', event: 'ping' })],
        Array.from({ length: 600 }, (_, i) => delivery(`bulk-${i}`, { body: `{"n":${i}}` })), // > one chunk
      ];
      for (const batch of batches)
        assert.deepEqual(await threaded.insertDeliveries(batch), await inProcess.insertDeliveries(batch));
      for (const guid of ['t-1', 't-2', 't-3', 'bulk-0', 'bulk-599']) {
        const a = await storedDelivery(threaded, guid);
        assert.ok(a, guid);
        assert.deepEqual(a, await storedDelivery(inProcess, guid));
      }
      assert.equal((await storedDelivery(threaded, 't-3'))?.body, '{"ü":"✓"}');
      assert.equal((await threaded.inboxStats()).received, 603);
    } finally {
      await threaded.close();
      await inProcess.close();
    }
  });

  void it('applies the store’s settings on its connection and reports a full store as a store failure', async () => {
    const s = await open(true);
    try {
      assert.deepEqual(await s.insertDeliveries([delivery('before-full')]), ['inserted']);
      s.pragma(`max_page_count = ${Number(s.pragma('page_count'))}`);
      const err: unknown = await s
        .insertDeliveries([delivery('too-big', { body: JSON.stringify({ zen: 'x'.repeat(256 * 1024) }) })])
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      assert.ok(err instanceof Error, 'the insert into a full store is refused');
      assert.equal((err as Error & { code?: string }).code, 'SQLITE_FULL');
      assert.ok(isStoreFailure(err));
      assert.equal(await storedDelivery(s, 'too-big'), undefined);
      s.pragma('max_page_count = 1073741823');
      assert.deepEqual(await s.insertDeliveries([delivery('too-big', { body: '{"zen":"fits"}' })]), [
        'inserted',
      ]);
    } finally {
      await s.close();
    }
  });
});

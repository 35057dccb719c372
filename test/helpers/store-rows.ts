// What tests read straight from the store's tables: a stored delivery and the outbox rows. No product
// path reads these one by one (the workers claim them), so the Store has no such methods; tests look at
// the rows with SQL and map them with the repos' own row mappers, so they see what the workers see.
import assert from 'node:assert/strict';
import { KyselyStore, type Db } from '../../src/store/kysely-store.ts';
import { rowToDelivery } from '../../src/store/repos/deliveries.ts';
import { rowToOutbox } from '../../src/store/repos/outbox.ts';
import type { Delivery, OutboxItem, Store } from '../../src/store/store.ts';

function dbOf(store: Store): Db {
  assert.ok(store instanceof KyselyStore, 'a Kysely store');
  return store.db;
}

/** The delivery stored under this GUID, with its body; undefined when none is. */
export async function storedDelivery(store: Store, guid: string): Promise<Delivery | undefined> {
  const db = dbOf(store);
  const row = await db.selectFrom('deliveries').selectAll().where('guid', '=', guid).executeTakeFirst();
  if (row === undefined) return undefined;
  const body = await db
    .selectFrom('delivery_bodies')
    .select('body')
    .where('seq', '=', row.seq)
    .executeTakeFirst();
  return rowToDelivery(row, body?.body ?? '');
}

export interface OutboxFilter {
  status?: OutboxItem['status'];
  kind?: string;
  limit?: number;
}

/** Outbox rows in enqueue order, optionally of one status or kind. */
export async function outboxRows(store: Store, filter: OutboxFilter = {}): Promise<OutboxItem[]> {
  const rows = await dbOf(store)
    .selectFrom('outbox')
    .selectAll()
    .$if(filter.status !== undefined, (q) => q.where('status', '=', filter.status ?? ''))
    .$if(filter.kind !== undefined, (q) => q.where('kind', '=', filter.kind ?? ''))
    .orderBy('id')
    .limit(filter.limit ?? 100_000)
    .execute();
  return rows.map(rowToOutbox);
}

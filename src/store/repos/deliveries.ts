// The durable inbox: every verified webhook delivery, stored before GitHub gets its 202.
// Guarantees: a GUID is stored once (a repeat, in the batch or later, is 'duplicate' and never
// overwrites); a batch is one transaction, so the caller's 202 follows its commit; the body is
// written once into delivery_bodies and never rewritten by status updates; claims hand out pending
// deliveries oldest first under a lease (FOR UPDATE SKIP LOCKED on PostgreSQL, BEGIN IMMEDIATE on
// SQLite), so replicas never process one delivery at the same time, and an expired lease makes it
// claimable again.
//
// The batch insert is the acknowledging hot path: it skips the query builder and sends one
// parameterised multi-row INSERT ... ON CONFLICT DO NOTHING per chunk, whose text depends only on
// the row count (so better-sqlite3's statement cache in sqlite-store.ts reuses the prepared statement).
import { CompiledQuery, sql } from 'kysely';
import type { Delivery, DeliveryStatus, DeliverySummary, InboxStats, NewDelivery } from '../store.ts';
import {
  batchResults,
  deliveryBodiesInsert,
  deliveryRowsInsert,
  distinctByGuid,
} from './delivery-insert-sql.ts';
import {
  INSERT_CHUNK,
  addMs,
  chunks,
  iso,
  num,
  type Db,
  type Row,
  type StoreCtx,
  type TxCtx,
} from './shared.ts';

export function rowToDelivery(r: Row<'deliveries'>, body: string): Delivery {
  return {
    seq: num(r.seq),
    guid: r.guid,
    event: r.event,
    action: r.action,
    receivedAt: r.received_at,
    body,
    source: r.source,
    status: r.status as DeliveryStatus,
    attempts: num(r.attempts),
    processedAt: r.processed_at,
    error: r.error,
    ignoredReason: r.ignored_reason ?? null,
  };
}

/** Inserts one chunk of distinct deliveries; returns the GUIDs actually inserted. */
async function insertChunk(tx: Db, pg: boolean, part: NewDelivery[]): Promise<Set<string>> {
  const rowsInsert = deliveryRowsInsert(pg, part);
  const { rows } = await tx.executeQuery<{ seq: number; guid: string }>(
    CompiledQuery.raw(rowsInsert.text, rowsInsert.params),
  );
  if (rows.length === 0) return new Set();
  const bodies = deliveryBodiesInsert(pg, part, rows);
  await tx.executeQuery(CompiledQuery.raw(bodies.text, bodies.params));
  return new Set(rows.map((r) => r.guid));
}

async function bodiesOf(db: Db, seqs: number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const part of chunks(seqs, INSERT_CHUNK)) {
    const rows = await db
      .selectFrom('delivery_bodies')
      .select(['seq', 'body'])
      .where('seq', 'in', part)
      .execute();
    for (const r of rows) out.set(num(r.seq), r.body);
  }
  return out;
}

/**
 * PostgreSQL: the claim and the bodies in ONE statement (an UPDATE ... RETURNING in a CTE joined to the
 * bodies), committed on its own — one round trip instead of begin, update, select, commit.
 */
async function claimInOneStatement(
  db: Db,
  o: { limit: number; now: string; until: string; worker: string },
): Promise<Delivery[]> {
  const { rows } = await sql<Row<'deliveries'> & { body: string | null }>`
    with claimed as (
      update deliveries set lease_until = ${o.until}, worker = ${o.worker}, attempts = attempts + 1
      where seq in (
        select seq from deliveries
        where status = 'pending' and (lease_until is null or lease_until <= ${o.now})
        order by seq limit ${o.limit} for update skip locked)
      returning *)
    select claimed.*, b.body from claimed left join delivery_bodies b on b.seq = claimed.seq
    order by claimed.seq`.execute(db);
  return rows.map((r) => rowToDelivery(r, r.body ?? ''));
}

export function deliveryStore({ db, pg, runTx }: StoreCtx) {
  return {
    /** One transaction for the batch. A GUID already stored (or earlier in the batch) is 'duplicate'. */
    insertDeliveries(ds: NewDelivery[]): Promise<('inserted' | 'duplicate')[]> {
      if (ds.length === 0) return Promise.resolve([]);
      const unique = distinctByGuid(ds);
      return runTx(async (tx) => {
        const inserted = new Set<string>();
        for (const part of chunks(unique, INSERT_CHUNK))
          for (const g of await insertChunk(tx, pg, part)) inserted.add(g);
        return batchResults(ds, inserted);
      });
    },

    /** Whether a delivery with this GUID was ever stored (the reconcile loop asks before a redelivery). */
    async hasDelivery(guid: string): Promise<boolean> {
      const row = await db
        .selectFrom('deliveries')
        .select('guid')
        .where('guid', '=', guid)
        .executeTakeFirst();
      return row !== undefined;
    },

    /** Pending deliveries not leased (or whose lease expired), oldest first; leases them and bumps attempts. */
    claimDeliveries(opts: {
      limit: number;
      leaseMs: number;
      now: string;
      worker: string;
    }): Promise<Delivery[]> {
      const now = iso(opts.now);
      const until = addMs(now, opts.leaseMs);
      if (pg) return claimInOneStatement(db, { ...opts, now, until });
      return runTx(async (tx) => {
        const rows = await tx
          .updateTable('deliveries')
          .set((eb) => ({ lease_until: until, worker: opts.worker, attempts: eb('attempts', '+', 1) }))
          .where('seq', 'in', (eb) =>
            eb
              .selectFrom('deliveries')
              .select('seq')
              .where('status', '=', 'pending')
              .where((w) => w.or([w('lease_until', 'is', null), w('lease_until', '<=', now)]))
              .orderBy('seq')
              .limit(opts.limit)
              .$if(pg, (q) => q.forUpdate().skipLocked()),
          )
          .returningAll()
          .execute();
        const bodies = await bodiesOf(
          tx,
          rows.map((r) => num(r.seq)),
        );
        return rows.map((r) => rowToDelivery(r, bodies.get(num(r.seq)) ?? '')).sort((a, b) => a.seq - b.seq);
      });
    },

    /** Newest first, without bodies (a list screen): by status, paged with `before` (a seq). */
    async listDeliveries(filter: {
      status?: DeliveryStatus;
      before?: number;
      limit?: number;
    }): Promise<DeliverySummary[]> {
      const rows = await db
        .selectFrom('deliveries')
        .selectAll()
        .$if(filter.status !== undefined, (q) => q.where('status', '=', filter.status ?? 'pending'))
        .$if(filter.before !== undefined, (q) => q.where('seq', '<', filter.before ?? 0))
        .orderBy('seq', 'desc')
        .limit(filter.limit ?? 100)
        .execute();
      return rows.map((r) => {
        const { body: _body, ...summary } = rowToDelivery(r, '');
        return summary;
      });
    },

    /** Ignored deliveries per reason code (null reason: ignored before reasons were kept). */
    async ignoredDeliveryCounts(): Promise<{ reason: string | null; count: number }[]> {
      const rows = await db
        .selectFrom('deliveries')
        .select(['ignored_reason', (eb) => eb.fn.countAll<number>().as('n')])
        .where('status', '=', 'ignored')
        .groupBy('ignored_reason')
        .execute();
      return rows.map((r) => ({ reason: r.ignored_reason ?? null, count: num(r.n) }));
    },

    async inboxStats(): Promise<InboxStats> {
      const counts = await db
        .selectFrom('deliveries')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('status')
        .execute();
      const oldest = await db
        .selectFrom('deliveries')
        .select('received_at')
        .where('status', '=', 'pending')
        .orderBy('seq')
        .limit(1)
        .executeTakeFirst();
      const by = new Map(counts.map((c) => [c.status, num(c.n)]));
      const get = (s: DeliveryStatus): number => by.get(s) ?? 0;
      return {
        received: [...by.values()].reduce((a, b) => a + b, 0),
        pending: get('pending'),
        processed: get('processed'),
        ignored: get('ignored'),
        failed: get('failed'),
        oldestPendingAt: oldest?.received_at ?? null,
      };
    },
  };
}

export function deliveryWrites({ db }: TxCtx) {
  async function markDelivery(
    guid: string,
    status: DeliveryStatus,
    at: string,
    error?: string | null,
    ignoredReason?: string | null,
  ): Promise<void> {
    await db
      .updateTable('deliveries')
      .set({
        status,
        processed_at: iso(at),
        error: error ?? null,
        lease_until: null,
        ignored_reason: status === 'ignored' ? (ignoredReason ?? null) : null,
      })
      .where('guid', '=', guid)
      .execute();
  }
  return {
    markDelivery,

    /** Error-free marks sharing a status and time go out as one UPDATE ... WHERE guid IN (...). */
    async markDeliveries(
      items: {
        guid: string;
        status: DeliveryStatus;
        at: string;
        error: string | null;
        ignoredReason?: string | null;
      }[],
    ): Promise<void> {
      const byKey = new Map<string, { status: DeliveryStatus; at: string; guids: string[] }>();
      for (const i of items) {
        if (i.error !== null) continue;
        const at = iso(i.at);
        const k = `${i.status}|${at}`;
        const group = byKey.get(k) ?? { status: i.status, at, guids: [] };
        group.guids.push(i.guid);
        byKey.set(k, group);
      }
      for (const { status, at, guids } of byKey.values()) {
        for (const part of chunks(guids, INSERT_CHUNK)) {
          await db
            .updateTable('deliveries')
            .set({ status, processed_at: at, error: null, lease_until: null })
            .where('guid', 'in', part)
            .execute();
        }
      }
      for (const i of items)
        if (i.error !== null) await markDelivery(i.guid, i.status, i.at, i.error, i.ignoredReason);
    },
  };
}

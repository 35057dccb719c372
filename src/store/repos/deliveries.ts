// The durable inbox: every verified webhook delivery, stored before GitHub gets its 202.
// Guarantees: a GUID is stored once (a repeat, in the batch or later, is 'duplicate' and never
// overwrites); a batch is one transaction; claims hand out pending deliveries oldest first under a
// lease (FOR UPDATE SKIP LOCKED on PostgreSQL, BEGIN IMMEDIATE on SQLite), so replicas never
// process one delivery at the same time, and an expired lease makes it claimable again.
import type { Delivery, DeliveryStatus, InboxStats, NewDelivery } from '../store.ts';
import { INSERT_CHUNK, addMs, chunks, iso, num, type Row, type StoreCtx, type TxCtx } from './shared.ts';

function rowToDelivery(r: Row<'deliveries'>): Delivery {
  return {
    seq: num(r.seq),
    guid: r.guid,
    event: r.event,
    action: r.action,
    receivedAt: r.received_at,
    body: r.body,
    source: r.source,
    status: r.status as DeliveryStatus,
    attempts: num(r.attempts),
    processedAt: r.processed_at,
    error: r.error,
  };
}

export function deliveryStore({ db, pg, runTx }: StoreCtx) {
  return {
    /** One transaction for the batch. A GUID already stored (or earlier in the batch) is 'duplicate'. */
    insertDeliveries(ds: NewDelivery[]): Promise<('inserted' | 'duplicate')[]> {
      if (ds.length === 0) return Promise.resolve([]);
      const rows = ds.map((d) => ({
        guid: d.guid,
        event: d.event,
        action: d.action,
        received_at: iso(d.receivedAt),
        body: d.body,
        source: d.source,
        status: 'pending',
      }));
      return runTx(async (tx) => {
        const seen = new Set<string>();
        const unique = rows.filter((r) => (seen.has(r.guid) ? false : (seen.add(r.guid), true)));
        const inserted = new Set<string>();
        for (const part of chunks(unique, INSERT_CHUNK)) {
          const got = await tx
            .insertInto('deliveries')
            .values(part)
            .onConflict((oc) => oc.column('guid').doNothing())
            .returning('guid')
            .execute();
          for (const g of got) inserted.add(g.guid);
        }
        // First occurrence of an inserted GUID is 'inserted'; any repeat in the batch is 'duplicate'.
        return ds.map((d) => (inserted.delete(d.guid) ? 'inserted' : 'duplicate'));
      });
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
        return rows.map(rowToDelivery).sort((a, b) => a.seq - b.seq);
      });
    },

    async getDelivery(guid: string): Promise<Delivery | undefined> {
      const row = await db.selectFrom('deliveries').selectAll().where('guid', '=', guid).executeTakeFirst();
      return row === undefined ? undefined : rowToDelivery(row);
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
  ): Promise<void> {
    await db
      .updateTable('deliveries')
      .set({ status, processed_at: iso(at), error: error ?? null, lease_until: null })
      .where('guid', '=', guid)
      .execute();
  }
  return {
    markDelivery,

    /** Error-free marks sharing a status and time go out as one UPDATE ... WHERE guid IN (...). */
    async markDeliveries(
      items: { guid: string; status: DeliveryStatus; at: string; error: string | null }[],
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
      for (const i of items) if (i.error !== null) await markDelivery(i.guid, i.status, i.at, i.error);
    },
  };
}

// The outbox: side effects (GitHub dispatches, reviews, statuses, notifications) written in the same
// transaction as the decision that causes them, and sent later by the outbox worker.
// Guarantees: enqueue is idempotent by key (the same key twice is 'duplicate'); a claim leases due
// items oldest first (FOR UPDATE SKIP LOCKED on PostgreSQL), so one item is sent by one replica at a
// time; an expired lease makes it claimable again (at-least-once, de-duplicated by key downstream).
import type { OutboxEffect, OutboxItem } from '../store.ts';
import { addMs, dueOrder, fromJson, iso, num, toJson, type Row, type StoreCtx, type TxCtx } from './shared.ts';

export function rowToOutbox(r: Row<'outbox'>): OutboxItem {
  return {
    id: num(r.id),
    key: r.key,
    kind: r.kind,
    payload: fromJson(r.payload),
    runAt: r.run_at,
    attempts: num(r.attempts),
    status: r.status as OutboxItem['status'],
    lastError: r.last_error,
  };
}

export function outboxWrites({ db }: TxCtx) {
  return {
    async enqueue(effect: OutboxEffect): Promise<'enqueued' | 'duplicate'> {
      const runAt = iso(effect.runAt);
      const row = await db
        .insertInto('outbox')
        .values({
          key: effect.key,
          kind: effect.kind,
          payload: toJson(effect.payload),
          status: 'pending',
          run_at: runAt,
          created_at: runAt,
        })
        .onConflict((oc) => oc.column('key').doNothing())
        .returning('id')
        .executeTakeFirst();
      return row === undefined ? 'duplicate' : 'enqueued';
    },
  };
}

export function outboxStore({ db, pg, runTx }: StoreCtx) {
  return {
    claimOutbox(opts: { limit: number; now: string; leaseMs: number }): Promise<OutboxItem[]> {
      const now = iso(opts.now);
      const until = addMs(now, opts.leaseMs);
      return runTx(async (tx) => {
        const rows = await tx
          .updateTable('outbox')
          .set((eb) => ({ lease_until: until, attempts: eb('attempts', '+', 1) }))
          .where('id', 'in', (eb) =>
            eb
              .selectFrom('outbox')
              .select('id')
              .where('status', '=', 'pending')
              .where('run_at', '<=', now)
              .where((w) => w.or([w('lease_until', 'is', null), w('lease_until', '<=', now)]))
              .orderBy('run_at')
              .orderBy('id')
              .limit(opts.limit)
              .$if(pg, (q) => q.forUpdate().skipLocked()),
          )
          .returningAll()
          .execute();
        return rows.map(rowToOutbox).sort(dueOrder((o) => o.runAt));
      });
    },

    async completeOutbox(id: number, at: string): Promise<void> {
      await db
        .updateTable('outbox')
        .set({ status: 'done', done_at: iso(at), lease_until: null })
        .where('id', '=', id)
        .execute();
    },

    /** retryAt: back to pending at that time; null: dead (no more attempts). */
    async failOutbox(id: number, error: string, retryAt: string | null): Promise<void> {
      await db
        .updateTable('outbox')
        .set(
          retryAt === null
            ? { status: 'dead', last_error: error, lease_until: null }
            : { status: 'pending', last_error: error, lease_until: null, run_at: iso(retryAt) },
        )
        .where('id', '=', id)
        .execute();
    },

  };
}

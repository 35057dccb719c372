// The outbox: side effects (GitHub dispatches, reviews, statuses, notifications) written in the same
// transaction as the decision that causes them, and sent later by the outbox worker.
// Guarantees: enqueue is idempotent by key (the same key twice is 'duplicate'); a claim leases due
// items oldest first (FOR UPDATE SKIP LOCKED on PostgreSQL), so one item is sent by one replica at a
// time; an expired lease makes it claimable again (at-least-once, de-duplicated by key downstream).
// An effect's state moves: pending → done, or → dead (retryable failures past the attempt limit, or a
// final failure); an admin's retry moves dead → pending with attempts reset, same key and id.
import type { OutboxEffect, OutboxItem } from '../store.ts';
import { effectSubject } from './outbox-subject.ts';
import {
  addMs,
  dueOrder,
  fromJson,
  iso,
  num,
  toJson,
  type Row,
  type StoreCtx,
  type TxCtx,
} from './shared.ts';

/** An outbox row as the effects API shows it: the item plus its bookkeeping. */
export interface OutboxRecord extends OutboxItem {
  releaseId: string | null;
  laneId: string | null;
  createdAt: string;
  updatedAt: string;
  doneAt: string | null;
  leaseUntil: string | null;
  /** Times it went dead (an admin's retry does not reset it). */
  deaths: number;
}

/** Stored status, plus `retrying` (pending after a failed attempt) as the effects list filters it. */
export type OutboxFilterState = 'pending' | 'retrying' | 'done' | 'dead';

export interface OutboxFilter {
  state?: OutboxFilterState;
  releaseId?: string;
  limit?: number;
}

function rowToRecord(r: Row<'outbox'>): OutboxRecord {
  return {
    ...rowToOutbox(r),
    releaseId: r.release_id,
    laneId: r.lane_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at ?? r.done_at ?? r.created_at,
    doneAt: r.done_at,
    leaseUntil: r.lease_until,
    deaths: num(r.deaths),
  };
}

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
          updated_at: runAt,
          release_id: effectSubject(effect.payload).releaseId,
          lane_id: effectSubject(effect.payload).laneId,
        })
        .onConflict((oc) => oc.column('key').doNothing())
        .returning('id')
        .executeTakeFirst();
      return row === undefined ? 'duplicate' : 'enqueued';
    },

    /** Dead now (no more automatic attempts); counts a death. */
    async markOutboxDead(id: number, error: string, at: string): Promise<void> {
      await db
        .updateTable('outbox')
        .set((eb) => ({
          status: 'dead',
          last_error: error,
          lease_until: null,
          updated_at: iso(at),
          deaths: eb('deaths', '+', 1),
        }))
        .where('id', '=', id)
        .execute();
    },

    /** dead → pending, due now, attempts reset (same key: the same effect_id). false unless it was dead. */
    async retryOutbox(id: number, at: string): Promise<boolean> {
      const r = await db
        .updateTable('outbox')
        .set({ status: 'pending', attempts: 0, run_at: iso(at), lease_until: null, updated_at: iso(at) })
        .where('id', '=', id)
        .where('status', '=', 'dead')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
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
        .set({ status: 'done', done_at: iso(at), lease_until: null, updated_at: iso(at) })
        .where('id', '=', id)
        .execute();
    },

    /** retryAt: back to pending at that time; null: dead (no more attempts). */
    async failOutbox(id: number, error: string, retryAt: string | null): Promise<void> {
      await db
        .updateTable('outbox')
        .set((eb) =>
          retryAt === null
            ? { status: 'dead', last_error: error, lease_until: null, deaths: eb('deaths', '+', 1) }
            : { status: 'pending', last_error: error, lease_until: null, run_at: iso(retryAt) },
        )
        .where('id', '=', id)
        .execute();
    },

    /** Not an attempt: pending again at runAt, the attempt counted at claim given back, the note kept. */
    async deferOutbox(id: number, note: string, runAt: string): Promise<void> {
      await db
        .updateTable('outbox')
        .set((eb) => ({
          status: 'pending',
          last_error: note,
          lease_until: null,
          run_at: iso(runAt),
          attempts: eb
            .case()
            .when('attempts', '>', 0)
            .then(eb('attempts', '-', 1))
            .else(0)
            .end(),
        }))
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .execute();
    },

    /** Newest first. */
    async listOutbox(filter: OutboxFilter): Promise<OutboxRecord[]> {
      const state = filter.state;
      const rows = await db
        .selectFrom('outbox')
        .selectAll()
        .$if(state === 'done' || state === 'dead', (q) => q.where('status', '=', state ?? ''))
        .$if(state === 'pending', (q) => q.where('status', '=', 'pending').where('attempts', '=', 0))
        .$if(state === 'retrying', (q) => q.where('status', '=', 'pending').where('attempts', '>', 0))
        .$if(filter.releaseId !== undefined, (q) => q.where('release_id', '=', filter.releaseId ?? ''))
        .orderBy('id', 'desc')
        .limit(filter.limit ?? 100)
        .execute();
      return rows.map(rowToRecord);
    },

    async getOutbox(id: number): Promise<OutboxRecord | undefined> {
      const r = await db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? rowToRecord(r) : undefined;
    },

    /** Rows per stored status, and deaths ever (the dead-effects counter). */
    async outboxStats(): Promise<{ byStatus: Record<string, number>; deaths: number }> {
      const rows = await db
        .selectFrom('outbox')
        .select((eb) => [
          'status',
          eb.fn.countAll().as('n'),
          eb.fn.sum<number | string | null>('deaths').as('d'),
        ])
        .groupBy('status')
        .execute();
      const byStatus: Record<string, number> = {};
      let deaths = 0;
      for (const r of rows) {
        byStatus[r.status] = num(r.n);
        deaths += r.d === null ? 0 : num(r.d);
      }
      return { byStatus, deaths };
    },
  };
}

// Timers: durable "wake me at T" records (gate soak times, freeze ends, drill checks).
// Guarantees: schedule is idempotent by key; a due timer is marked fired and returned to exactly one
// claimer (FOR UPDATE SKIP LOCKED on PostgreSQL, BEGIN IMMEDIATE on SQLite), in fire_at order.
import type { TimerItem, TimerSpec } from '../store.ts';
import { dueOrder, fromJson, iso, num, toJson, type Row, type StoreCtx, type TxCtx } from './shared.ts';

function rowToTimer(r: Row<'timers'>): TimerItem {
  return {
    id: num(r.id),
    key: r.key,
    kind: r.kind,
    payload: fromJson(r.payload),
    fireAt: r.fire_at,
    status: r.status as TimerItem['status'],
  };
}

export function timerWrites({ db }: TxCtx) {
  return {
    async schedule(timer: TimerSpec): Promise<'scheduled' | 'duplicate'> {
      const row = await db
        .insertInto('timers')
        .values({
          key: timer.key,
          kind: timer.kind,
          payload: toJson(timer.payload),
          fire_at: iso(timer.fireAt),
          status: 'pending',
          created_at: new Date().toISOString(),
        })
        .onConflict((oc) => oc.column('key').doNothing())
        .returning('id')
        .executeTakeFirst();
      return row === undefined ? 'duplicate' : 'scheduled';
    },
  };
}

export function timerStore({ db, pg, runTx }: StoreCtx) {
  return {
    /** Marks due timers fired and returns them: each timer is returned to exactly one caller. */
    claimDueTimers(opts: { limit: number; now: string }): Promise<TimerItem[]> {
      const now = iso(opts.now);
      return runTx(async (tx) => {
        const rows = await tx
          .updateTable('timers')
          .set({ status: 'fired', fired_at: now })
          .where('status', '=', 'pending')
          .where('id', 'in', (eb) =>
            eb
              .selectFrom('timers')
              .select('id')
              .where('status', '=', 'pending')
              .where('fire_at', '<=', now)
              .orderBy('fire_at')
              .orderBy('id')
              .limit(opts.limit)
              .$if(pg, (q) => q.forUpdate().skipLocked()),
          )
          .returningAll()
          .execute();
        return rows.map(rowToTimer).sort(dueOrder((t) => t.fireAt));
      });
    },

    async listTimers(filter: {
      status?: TimerItem['status'];
      kind?: string;
      limit?: number;
    }): Promise<TimerItem[]> {
      const rows = await db
        .selectFrom('timers')
        .selectAll()
        .$if(filter.status !== undefined, (q) => q.where('status', '=', filter.status ?? ''))
        .$if(filter.kind !== undefined, (q) => q.where('kind', '=', filter.kind ?? ''))
        .orderBy('fire_at')
        .orderBy('id')
        .limit(filter.limit ?? 1000)
        .execute();
      return rows.map(rowToTimer);
    },
  };
}

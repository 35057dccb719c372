// Small engine state that is not a release: when Lanes began watching something (so a rule can
// tell "missed" from "not watched yet").
// Guarantees: ensureMonitoredSince is first-writer-wins (insert-if-absent, then read), so replicas
// starting together agree on one start time.
import type { MonitoredSubject } from '../store.ts';
import { iso, type ReadCtx, type TxCtx } from './shared.ts';

export function engineStateWrites({ db }: Pick<TxCtx, 'db'>) {
  return {
    /** Records `at` as the start of monitoring `subject` unless one is stored; returns the stored start. */
    async ensureMonitoredSince(subject: MonitoredSubject, at: string): Promise<string> {
      await db
        .insertInto('monitoring_starts')
        .values({ subject, started_at: iso(at) })
        .onConflict((oc) => oc.column('subject').doNothing())
        .execute();
      const row = await db
        .selectFrom('monitoring_starts')
        .select('started_at')
        .where('subject', '=', subject)
        .executeTakeFirstOrThrow();
      return row.started_at;
    },
  };
}

export function engineStateReads({ db }: Pick<ReadCtx, 'db'>) {
  return {
    /** When monitoring `subject` began, or null when it has not begun (read-only: screens use it). */
    async getMonitoredSince(subject: MonitoredSubject): Promise<string | null> {
      const row = await db
        .selectFrom('monitoring_starts')
        .select('started_at')
        .where('subject', '=', subject)
        .executeTakeFirst();
      return row?.started_at ?? null;
    },
  };
}

// Small engine state that is not a release: when Lanes began watching something (so a rule can
// tell "missed" from "not watched yet"), and the deprecated JSON key-value table it replaces.
// Guarantees: ensureMonitoredSince is first-writer-wins (insert-if-absent, then read), so replicas
// starting together agree on one start time.
import type { MonitoredSubject } from '../store.ts';
import { fromJson, iso, toJson, type ReadCtx, type TxCtx } from './shared.ts';

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

    /** @deprecated Domain state has typed tables now (release overrides, green-at, monitoring starts). */
    async kvSet(key: string, value: unknown, at: string): Promise<void> {
      const row = { key, value: toJson(value), updated_at: iso(at) };
      await db
        .insertInto('kv')
        .values(row)
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: row.value, updated_at: row.updated_at }))
        .execute();
    },
  };
}

export function engineStateReads({ db }: ReadCtx) {
  return {
    /** @deprecated Domain state has typed tables now (release overrides, green-at, monitoring starts). */
    async kvGet(key: string): Promise<unknown> {
      const row = await db.selectFrom('kv').select('value').where('key', '=', key).executeTakeFirst();
      return row === undefined ? undefined : fromJson(row.value);
    },
  };
}

// Alerts: one live alert per de-duplication key, counting repeats instead of piling up rows.
// Guarantees: raiseAlert reads the live alert for the key (row-locked on PostgreSQL) and bumps it, or
// creates one — so one incident is one alert with a count; ack only moves open → acked, resolve
// only moves a live alert to resolved (each returns undefined when the move does not apply).
import type { Updateable } from 'kysely';
import type { Database } from '../db-schema.ts';
import type { AlertInput, AlertRecord } from '../store.ts';
import { fromJson, iso, num, toJson, type ReadCtx, type Row, type TxCtx } from './shared.ts';

function rowToAlert(r: Row<'alerts'>): AlertRecord {
  return {
    id: num(r.id),
    key: r.key,
    rule: r.rule,
    severity: r.severity,
    title: r.title,
    status: r.status as AlertRecord['status'],
    count: num(r.count),
    firstAt: r.first_at,
    lastAt: r.last_at,
    ackedBy: r.acked_by,
    ackedAt: r.acked_at,
    resolvedBy: r.resolved_by,
    resolvedAt: r.resolved_at,
    data: fromJson(r.data),
  };
}

export function alertWrites({ db, pg }: TxCtx) {
  /** One status move of an alert, only from the given statuses; undefined when it is not in one. */
  const move = async (
    id: number,
    from: AlertRecord['status'][],
    set: Updateable<Database['alerts']>,
  ): Promise<AlertRecord | undefined> => {
    const row = await db
      .updateTable('alerts')
      .set(set)
      .where('id', '=', id)
      .where('status', 'in', from)
      .returningAll()
      .executeTakeFirst();
    return row === undefined ? undefined : rowToAlert(row);
  };
  return {
    /** Creates the live alert for this key, or bumps its count and last_at. */
    async raiseAlert(a: AlertInput): Promise<{ alert: AlertRecord; created: boolean; repeated: boolean }> {
      const at = iso(a.at);
      const live = await db
        .selectFrom('alerts')
        .selectAll()
        .where('key', '=', a.key)
        .where('status', '<>', 'resolved')
        .$if(pg, (q) => q.forUpdate())
        .executeTakeFirst();
      if (live !== undefined) {
        // Two evaluations of the same occurrence (concurrent replicas or workers) count it once: the row
        // read here (locked on PostgreSQL) is the judge, not the caller's earlier read.
        const liveData = fromJson(live.data);
        const liveOccurrence =
          typeof liveData === 'object' && liveData !== null && 'occurrence' in liveData
            ? liveData.occurrence
            : undefined;
        if (a.occurrence !== undefined && liveOccurrence === a.occurrence)
          return { alert: rowToAlert(live), created: false, repeated: false };
        const updated = await db
          .updateTable('alerts')
          .set((eb) => ({
            count: eb('count', '+', 1),
            last_at: at > live.last_at ? at : live.last_at,
            title: a.title,
            severity: a.severity,
            data: toJson(a.data),
          }))
          .where('id', '=', live.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        return { alert: rowToAlert(updated), created: false, repeated: true };
      }
      const inserted = await db
        .insertInto('alerts')
        .values({
          key: a.key,
          rule: a.rule,
          severity: a.severity,
          title: a.title,
          status: 'open',
          count: 1,
          first_at: at,
          last_at: at,
          data: toJson(a.data),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return { alert: rowToAlert(inserted), created: true, repeated: false };
    },

    /** undefined when not open. */
    ackAlert(id: number, by: string, at: string): Promise<AlertRecord | undefined> {
      return move(id, ['open'], { status: 'acked', acked_by: by, acked_at: iso(at) });
    },

    /** undefined when already resolved or missing. */
    resolveAlert(id: number, by: string, at: string): Promise<AlertRecord | undefined> {
      return move(id, ['open', 'acked'], { status: 'resolved', resolved_by: by, resolved_at: iso(at) });
    },
  };
}

export function alertReads({ db }: ReadCtx) {
  return {
    async getAlert(id: number): Promise<AlertRecord | undefined> {
      const row = await db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : rowToAlert(row);
    },

    /** Newest activity first. `live` = open or acked. */
    async listAlerts(filter: {
      status?: AlertRecord['status'] | 'live';
      key?: string;
      limit?: number;
    }): Promise<AlertRecord[]> {
      const rows = await db
        .selectFrom('alerts')
        .selectAll()
        .$if(filter.status === 'live', (q) => q.where('status', '<>', 'resolved'))
        .$if(filter.status !== undefined && filter.status !== 'live', (q) =>
          q.where('status', '=', filter.status ?? ''),
        )
        .$if(filter.key !== undefined, (q) => q.where('key', '=', filter.key ?? ''))
        .orderBy('last_at', 'desc')
        .orderBy('id', 'desc')
        .limit(filter.limit ?? 200)
        .execute();
      return rows.map(rowToAlert);
    },

    /** Open or acked (not resolved): the header's "Alerts N". */
    async countOpenAlerts(): Promise<number> {
      const row = await db
        .selectFrom('alerts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '<>', 'resolved')
        .executeTakeFirst();
      return num(row?.n ?? 0);
    },
  };
}

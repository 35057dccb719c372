// Evidence: one row per evidence key (job:123, check_run:456, api:<uuid>) saying a check passed,
// failed or is pending for a commit (and optionally a run and lane).
// Guarantees: newest-state-wins by recorded_at — a report older than the stored one is 'stale'.
import type { EvidenceRecord } from '../../core/run-model.ts';
import type { Upsert } from '../store.ts';
import { compareAndSet, iso, numOrNull, type ReadCtx, type Row, type TxCtx } from './shared.ts';

function evidenceToRow(e: EvidenceRecord): Row<'evidence'> {
  return {
    key: e.key,
    check_name: e.check,
    outcome: e.outcome,
    sha: e.sha,
    run_id: e.runId,
    lane_id: e.laneId,
    source: e.source,
    url: e.url,
    details: e.details,
    recorded_at: iso(e.recordedAt),
    reported_by: e.reportedBy,
    provenance: e.provenance ?? null,
    authority: e.authority ?? null,
  };
}
function rowToEvidence(r: Row<'evidence'>): EvidenceRecord {
  return {
    key: r.key,
    check: r.check_name,
    outcome: r.outcome as EvidenceRecord['outcome'],
    sha: r.sha,
    runId: numOrNull(r.run_id),
    laneId: r.lane_id,
    source: r.source as EvidenceRecord['source'],
    url: r.url,
    details: r.details,
    recordedAt: r.recorded_at,
    reportedBy: r.reported_by,
    provenance: r.provenance ?? null,
    authority: r.authority === 'github' || r.authority === 'api' ? r.authority : null,
  };
}

export function evidenceReads({ db }: ReadCtx) {
  return {
    /** Filters combine with AND; newest first; default limit 1000. */
    async listEvidence(filter: {
      shas?: string[];
      runIds?: number[];
      laneId?: string;
      limit?: number;
    }): Promise<EvidenceRecord[]> {
      if (filter.shas?.length === 0 || filter.runIds?.length === 0) return [];
      const rows = await db
        .selectFrom('evidence')
        .selectAll()
        .$if(filter.shas !== undefined, (q) => q.where('sha', 'in', filter.shas ?? []))
        .$if(filter.runIds !== undefined, (q) => q.where('run_id', 'in', filter.runIds ?? []))
        .$if(filter.laneId !== undefined, (q) => q.where('lane_id', '=', filter.laneId ?? ''))
        .orderBy('recorded_at', 'desc')
        .orderBy('key')
        .limit(filter.limit ?? 1000)
        .execute();
      return rows.map(rowToEvidence);
    },
  };
}

export function evidenceWrites({ db, pg }: TxCtx) {
  return {
    upsertEvidence(e: EvidenceRecord): Promise<Upsert> {
      const row = evidenceToRow(e);
      return compareAndSet({
        read: () =>
          db
            .selectFrom('evidence')
            .selectAll()
            .where('key', '=', e.key)
            .$if(pg, (q) => q.forUpdate())
            .executeTakeFirst(),
        insert: async () =>
          (await db
            .insertInto('evidence')
            .values(row)
            .onConflict((oc) => oc.column('key').doNothing())
            .returning('key')
            .executeTakeFirst()) !== undefined,
        isNewer: (cur) => row.recorded_at > cur.recorded_at,
        update: async () => {
          await db.updateTable('evidence').set(row).where('key', '=', e.key).execute();
        },
      });
    },
  };
}

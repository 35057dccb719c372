// The audit log: who did what to which object, and why — append-only, never updated.
// Guarantees: entries written in a transaction commit (or vanish) with the decision they record;
// ids increase, so listing newest first and paging by `before` id is stable.
import type { AuditEvent, StoredAuditEvent } from '../store.ts';
import {
  INSERT_CHUNK,
  chunks,
  fromJson,
  iso,
  num,
  toJson,
  type ReadCtx,
  type Row,
  type TxCtx,
} from './shared.ts';

function auditToRow(e: AuditEvent) {
  return {
    at: iso(e.at),
    actor: e.actor,
    action: e.action,
    object_type: e.objectType,
    object_id: e.objectId,
    reason: e.reason,
    data: toJson(e.data),
    catalog_version: e.catalogVersion ?? null,
  };
}
function rowToAudit(r: Row<'audit'>): StoredAuditEvent {
  return {
    id: num(r.id),
    at: r.at,
    actor: r.actor,
    action: r.action,
    objectType: r.object_type,
    objectId: r.object_id,
    reason: r.reason,
    data: fromJson(r.data),
    catalogVersion: r.catalog_version === null ? null : num(r.catalog_version),
  };
}

export function auditWrites({ db }: TxCtx) {
  return {
    async appendAudit(e: AuditEvent): Promise<void> {
      await db.insertInto('audit').values(auditToRow(e)).execute();
    },

    /** One INSERT per chunk: what keeps a burst cheap on PostgreSQL. */
    async appendAudits(events: AuditEvent[]): Promise<void> {
      for (const part of chunks(events, INSERT_CHUNK))
        await db.insertInto('audit').values(part.map(auditToRow)).execute();
    },
  };
}

export function auditReads({ db }: ReadCtx) {
  return {
    /** Newest first (by id); `before` pages by id. Default limit 100. */
    async listAudit(filter: {
      limit?: number;
      before?: number;
      objectType?: string;
      objectId?: string;
    }): Promise<StoredAuditEvent[]> {
      const rows = await db
        .selectFrom('audit')
        .selectAll()
        .$if(filter.before !== undefined, (q) => q.where('id', '<', filter.before ?? 0))
        .$if(filter.objectType !== undefined, (q) => q.where('object_type', '=', filter.objectType ?? ''))
        .$if(filter.objectId !== undefined, (q) => q.where('object_id', '=', filter.objectId ?? ''))
        .orderBy('id', 'desc')
        .limit(filter.limit ?? 100)
        .execute();
      return rows.map(rowToAudit);
    },
  };
}

// The tail of a processing chunk (apply-delivery.ts): its audit entries, change-feed entries and delivery
// marks. On PostgreSQL they are ONE statement — the audit insert and the marks' update as data-modifying
// CTEs, the change-feed lock as a CTE the changes' insert reads — instead of four round trips (audit,
// lock, changes, marks) inside the chunk's transaction, while it holds the change-feed lock.
// Guarantees: the same rows as appendAudits + appendChanges + markDeliveries; the change-feed lock
// (change-feed.ts) is taken before any of the chunk's seqs is allocated: every inserted row is formed
// from a join with the lock's one-row CTE, and the seq default is evaluated only when the row is inserted.
// SQLite (one writer) and very large chunks take the three-call path.
import { sql, type RawBuilder } from 'kysely';
import type { AuditEvent, DeliveryStatus } from '../store.ts';
import { CHANGES_LOCK_KEY, changeWrites } from './change-feed.ts';
import { auditWrites } from './audit.ts';
import { deliveryWrites } from './deliveries.ts';
import { iso, toJson, type TxCtx } from './shared.ts';

export interface AppliedMark {
  guid: string;
  status: DeliveryStatus;
  at: string;
  error: string | null;
  ignoredReason?: string | null;
}

export interface AppliedBatch {
  audits: AuditEvent[];
  changes: { topic: string; data: unknown; at: string }[];
  marks: AppliedMark[];
}

/** Past this many parameters the batch goes out as separate statements (PostgreSQL allows 65,535). */
const MAX_PARAMS = 30_000;

export function appliedBatchWrites(ctx: TxCtx) {
  const separately = async (b: AppliedBatch): Promise<void> => {
    await auditWrites(ctx).appendAudits(b.audits);
    await changeWrites(ctx).appendChanges(b.changes);
    await deliveryWrites(ctx).markDeliveries(b.marks);
  };
  return {
    /** Audit, change feed and delivery marks of one processing chunk (one statement on PostgreSQL). */
    async appendApplied(b: AppliedBatch): Promise<void> {
      const params = b.audits.length * 8 + b.changes.length * 3 + b.marks.length * 5;
      if (!ctx.pg || params > MAX_PARAMS) return separately(b);
      const ctes: RawBuilder<unknown>[] = [];
      if (b.changes.length > 0)
        ctes.push(sql`l as (select pg_advisory_xact_lock(${CHANGES_LOCK_KEY}) as locked)`);
      if (b.audits.length > 0) {
        const rows = b.audits.map(
          (e) =>
            sql`(${iso(e.at)}, ${e.actor}, ${e.action}, ${e.objectType}, ${e.objectId}, ${e.reason}, ${toJson(e.data)}, ${e.catalogVersion ?? null}::integer)`,
        );
        ctes.push(
          sql`a as (insert into audit (at, actor, action, object_type, object_id, reason, data, catalog_version) values ${sql.join(rows)})`,
        );
      }
      if (b.marks.length > 0) {
        const rows = b.marks.map(
          (m) =>
            sql`(${m.guid}, ${m.status}, ${iso(m.at)}, ${m.error}::text, ${m.status === 'ignored' ? (m.ignoredReason ?? null) : null}::text)`,
        );
        ctes.push(
          sql`m as (update deliveries d set status = v.status, processed_at = v.at, error = v.error, lease_until = null, ignored_reason = v.reason from (values ${sql.join(rows)}) as v(guid, status, at, error, reason) where d.guid = v.guid)`,
        );
      }
      if (ctes.length === 0) return;
      const main =
        b.changes.length > 0
          ? sql`insert into changes (at, topic, data) select v.at, v.topic, v.data from (values ${sql.join(
              b.changes.map((c) => sql`(${iso(c.at)}, ${c.topic}, ${toJson(c.data)})`),
            )}) as v(at, topic, data) cross join l`
          : sql`select 1`;
      await sql`with ${sql.join(ctes)} ${main}`.execute(ctx.db);
    },
  };
}

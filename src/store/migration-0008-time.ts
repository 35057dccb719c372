// Migration 0008: why a delivery was ignored, as a short reason code beside the free-text error (issue 15),
// so `lanes_deliveries_ignored_total{reason}` and the ignored-deliveries list read one indexed column.
// Deliveries ignored before this migration keep a null reason (reported as "unknown").
import { sql, type Kysely, type Migration } from 'kysely';

export function ignoredReasons(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`alter table deliveries add column ignored_reason text`.execute(db);
      await sql`create index deliveries_status_reason on deliveries (status, ignored_reason)`.execute(db);
    },
  };
}

// Migration 0015: outbox effects become visible and drivable (issue 11). Each row names the release and
// lane it concerns (filled from its payload at enqueue; earlier rows are back-filled here), when it last
// changed, and how many times it went dead (`deaths`: the lanes_effects_dead_total counter survives an
// admin's retry, which moves the row back to pending).
import { sql, type Kysely, type Migration } from 'kysely';
import { effectSubject } from './repos/outbox-subject.ts';

export function effects(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('outbox').addColumn('release_id', 'text').execute();
      await db.schema.alterTable('outbox').addColumn('lane_id', 'text').execute();
      await db.schema.alterTable('outbox').addColumn('updated_at', 'text').execute();
      await db.schema
        .alterTable('outbox')
        .addColumn('deaths', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('outbox_release').on('outbox').columns(['release_id', 'id']).execute();
      // Back-fill in pages (a long-lived outbox holds many done rows).
      let after = 0;
      for (;;) {
        const rows = await sql<{ id: number | string; payload: string; status: string }>`
          select id, payload, status from outbox where id > ${after} order by id limit 500`.execute(db);
        if (rows.rows.length === 0) break;
        for (const r of rows.rows) {
          const s = effectSubject(r.payload);
          const deaths = r.status === 'dead' ? 1 : 0;
          if (s.releaseId !== null || s.laneId !== null || deaths > 0)
            await sql`update outbox set release_id = ${s.releaseId}, lane_id = ${s.laneId}, deaths = ${deaths}
              where id = ${r.id}`.execute(db);
        }
        after = Number(rows.rows[rows.rows.length - 1]?.id ?? after);
      }
    },
  };
}

// Migration 0009: gate-step requests (`lanes gate wait`), one row per (repository, run, attempt,
// environment). The row is the run attempt's one decision: it is written `waiting` when the step first
// asks and moves to `allowed` or `rejected` exactly once (the write is conditional on `waiting`).
import { sql, type Kysely, type Migration } from 'kysely';

export function gateSteps(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('gate_steps')
        .addColumn('repo', 'text', (c) => c.notNull())
        .addColumn('run_id', 'bigint', (c) => c.notNull())
        .addColumn('run_attempt', 'integer', (c) => c.notNull())
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('lane_id', 'text', (c) => c.notNull())
        .addColumn('workflow_file', 'text', (c) => c.notNull())
        .addColumn('workflow_id', 'text')
        .addColumn('sha', 'text', (c) => c.notNull())
        .addColumn('ref', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('release_id', 'text')
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('waiting_for', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('requested_at', 'text', (c) => c.notNull())
        .addColumn('decided_at', 'text')
        .addPrimaryKeyConstraint('gate_steps_pk', ['repo', 'run_id', 'run_attempt', 'environment'])
        .execute();
      await sql`create index gate_steps_requested on gate_steps (requested_at)`.execute(db);
      await sql`create index gate_steps_run on gate_steps (run_id)`.execute(db);
    },
  };
}

// Migration 0017: reviewers' answers to a run's deployment (the deployment_review webhook), one row per
// (repository, run, attempt, environment); the first answer stands (issue 15: a run a reviewer rejected is
// recorded as rejected, not failed).
import { sql, type Kysely, type Migration } from 'kysely';

export function deploymentReviews(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('deployment_reviews')
        .addColumn('repo', 'text', (c) => c.notNull())
        .addColumn('run_id', 'bigint', (c) => c.notNull())
        .addColumn('run_attempt', 'integer', (c) => c.notNull())
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('sha', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('reviewer', 'text')
        .addColumn('comment', 'text')
        .addColumn('reviewed_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('deployment_reviews_pk', ['repo', 'run_id', 'run_attempt', 'environment'])
        .execute();
      await sql`create index deployment_reviews_run on deployment_reviews (run_id)`.execute(db);
    },
  };
}

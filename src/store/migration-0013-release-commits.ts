// Migration 0013: a release's change summary as GitHub's compare API answered it. `release_compares` holds
// one row per release once the compare came back (the base and head it compared, how many commits GitHub
// counted); `release_commits` the commits themselves in GitHub's order (oldest first), at most the bound the
// engine keeps (src/core/change-summary.ts). Written once per release, in one transaction with the
// notification that announces it.
import { sql, type Kysely, type Migration } from 'kysely';

export function releaseCommits(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('release_compares')
        .addColumn('release_id', 'text', (c) => c.primaryKey())
        .addColumn('base_sha', 'text', (c) => c.notNull())
        .addColumn('head_sha', 'text', (c) => c.notNull())
        .addColumn('total_commits', 'integer', (c) => c.notNull())
        .addColumn('fetched_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('release_commits')
        .addColumn('release_id', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('sha', 'text', (c) => c.notNull())
        .addColumn('author_login', 'text')
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('url', 'text')
        .addPrimaryKeyConstraint('release_commits_pk', ['release_id', 'position'])
        .execute();
      // The release timeline reads the outbox rows of a release's time span.
      await sql`create index outbox_created on outbox (created_at)`.execute(db);
    },
  };
}

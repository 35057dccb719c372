// Migration 0012: catalog from Git (issue 12). `catalog_versions` also keeps the versions Lanes REJECTED
// (status 'rejected', with their file:line:col errors as JSON), so the list shows what was tried and why it
// was refused; existing rows are accepted ones. `audit.catalog_version` names the catalog version an entry's
// decision was taken with (null for entries written before 0012 and for those no catalog decided).
// `runs.display_title` keeps GitHub's run title: a run an ops repository ran for a release Lanes dispatched
// names that release there (`run-name`), which is how it joins a release built on another commit.
import { type Kysely, type Migration } from 'kysely';

export function catalogFromGit(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('catalog_versions')
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('accepted'))
        .execute();
      await db.schema.alterTable('catalog_versions').addColumn('errors', 'text').execute();
      await db.schema.alterTable('audit').addColumn('catalog_version', 'integer').execute();
      await db.schema.alterTable('runs').addColumn('display_title', 'text').execute();
    },
  };
}

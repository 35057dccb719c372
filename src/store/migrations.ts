// Schema migrations, in code. Run at start-up by openStore(); append new migrations, never edit old ones.
// Locking (several processes starting at once) is done by the callers: postgres-store.ts holds a
// session advisory lock around runMigrations(); sqlite-store.ts runs it inside one BEGIN IMMEDIATE
// transaction (others wait on busy_timeout).
import {
  Migrator,
  sql,
  type ColumnDefinitionBuilder,
  type CreateTableBuilder,
  type Kysely,
  type Migration,
} from 'kysely';

import { typedEngineState } from './migration-0002-typed-state.ts';
import { deliveryBodies } from './migration-0003-delivery-bodies.ts';
import { policyIdentities } from './migration-0006-policy-identities.ts';
import { connectTables } from './migration-0005-connect.ts';
import { ignoredReasons } from './migration-0008-time.ts';
import { gateSteps } from './migration-0009-gate-steps.ts';
import { writeProbe } from './migration-0010-write-probe.ts';
import { cleanup } from './migration-0011-cleanup.ts';
import { catalogFromGit } from './migration-0012-catalog-from-git.ts';
import { releaseCommits } from './migration-0013-release-commits.ts';
import { deploymentReviews } from './migration-0017-deployment-reviews.ts';
import { effects } from './migration-0015-effects.ts';

export type Dialect = 'sqlite' | 'postgres';

/** Kysely<unknown>: migrations are written against the raw schema builder, not the typed Database. */
type AnyDb = Kysely<unknown>;

/** Auto-increment primary key: never reused (SSE ids, inbox order). */
function idColumn<T extends string, C extends string>(
  t: CreateTableBuilder<T, C>,
  name: string,
  dialect: Dialect,
): CreateTableBuilder<T, C> {
  return dialect === 'postgres'
    ? t.addColumn(name, 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    : t.addColumn(name, 'integer', (c) => c.primaryKey().autoIncrement());
}

const notNull = (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder => c.notNull();

function initial(dialect: Dialect): Migration {
  return {
    async up(db: AnyDb): Promise<void> {
      // deliveries: the durable inbox
      await idColumn(db.schema.createTable('deliveries'), 'seq', dialect)
        .addColumn('guid', 'text', (c) => c.notNull().unique())
        .addColumn('event', 'text', notNull)
        .addColumn('action', 'text')
        .addColumn('received_at', 'text', notNull)
        .addColumn('body', 'text', notNull)
        .addColumn('source', 'text', notNull)
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('lease_until', 'text')
        .addColumn('worker', 'text')
        .addColumn('processed_at', 'text')
        .addColumn('error', 'text')
        .execute();
      await db.schema
        .createIndex('deliveries_status_seq')
        .on('deliveries')
        .columns(['status', 'seq'])
        .execute();

      await db.schema
        .createTable('runs')
        .addColumn('run_id', 'bigint', (c) => c.primaryKey())
        .addColumn('run_attempt', 'integer', notNull)
        .addColumn('repo', 'text', notNull)
        .addColumn('workflow_path', 'text', notNull)
        .addColumn('workflow_name', 'text', notNull)
        .addColumn('workflow_id', 'text')
        .addColumn('run_number', 'integer', notNull)
        .addColumn('event', 'text', notNull)
        .addColumn('head_branch', 'text')
        .addColumn('head_sha', 'text', notNull)
        .addColumn('status', 'text', notNull)
        .addColumn('conclusion', 'text')
        .addColumn('environment', 'text')
        .addColumn('html_url', 'text', notNull)
        .addColumn('run_started_at', 'text', notNull)
        .addColumn('updated_at', 'text', notNull)
        .addColumn('actor', 'text')
        .execute();
      await db.schema
        .createIndex('runs_workflow_started')
        .on('runs')
        .columns(['workflow_id', 'run_started_at desc', 'run_id desc'])
        .execute();
      await db.schema
        .createIndex('runs_workflow_path_started')
        .on('runs')
        .columns(['repo', 'workflow_path', 'run_started_at desc'])
        .execute();
      await db.schema
        .createIndex('runs_started')
        .on('runs')
        .columns(['run_started_at desc', 'run_id desc'])
        .execute();
      await db.schema
        .createIndex('runs_environment_started')
        .on('runs')
        .columns(['environment', 'run_started_at desc'])
        .execute();
      await db.schema.createIndex('runs_head_sha').on('runs').column('head_sha').execute();

      await db.schema
        .createTable('jobs')
        .addColumn('job_id', 'bigint', (c) => c.primaryKey())
        .addColumn('run_id', 'bigint', notNull)
        .addColumn('run_attempt', 'integer', notNull)
        .addColumn('repo', 'text', notNull)
        .addColumn('name', 'text', notNull)
        .addColumn('status', 'text', notNull)
        .addColumn('conclusion', 'text')
        .addColumn('started_at', 'text')
        .addColumn('completed_at', 'text')
        .addColumn('html_url', 'text')
        .addColumn('labels', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('runner_name', 'text')
        .addColumn('updated_at', 'text', notNull)
        .execute();
      await db.schema.createIndex('jobs_run_id').on('jobs').column('run_id').execute();

      await db.schema
        .createTable('evidence')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('check_name', 'text', notNull)
        .addColumn('outcome', 'text', notNull)
        .addColumn('sha', 'text', notNull)
        .addColumn('run_id', 'bigint')
        .addColumn('lane_id', 'text')
        .addColumn('source', 'text', notNull)
        .addColumn('url', 'text')
        .addColumn('details', 'text')
        .addColumn('recorded_at', 'text', notNull)
        .addColumn('reported_by', 'text')
        .execute();
      await db.schema.createIndex('evidence_sha').on('evidence').columns(['sha', 'recorded_at']).execute();
      await db.schema.createIndex('evidence_run_id').on('evidence').column('run_id').execute();
      await db.schema
        .createIndex('evidence_lane')
        .on('evidence')
        .columns(['lane_id', 'recorded_at desc'])
        .execute();

      await idColumn(db.schema.createTable('artifacts'), 'id', dialect)
        .addColumn('run_id', 'bigint', notNull)
        .addColumn('name', 'text', notNull)
        .addColumn('artifact_id', 'bigint')
        .addColumn('size', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('url', 'text')
        .addColumn('expired', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text')
        .addColumn('updated_at', 'text', notNull)
        .addUniqueConstraint('artifacts_run_name', ['run_id', 'name'])
        .execute();

      await db.schema
        .createTable('refs')
        .addColumn('repo', 'text', notNull)
        .addColumn('ref', 'text', notNull)
        .addColumn('sha', 'text')
        .addColumn('updated_at', 'text', notNull)
        .addPrimaryKeyConstraint('refs_pk', ['repo', 'ref'])
        .execute();

      await db.schema
        .createTable('deployments')
        .addColumn('deployment_id', 'bigint', (c) => c.primaryKey())
        .addColumn('repo', 'text', notNull)
        .addColumn('environment', 'text', notNull)
        .addColumn('sha', 'text', notNull)
        .addColumn('ref', 'text', notNull)
        .addColumn('run_id', 'bigint')
        .addColumn('state', 'text', notNull)
        .addColumn('updated_at', 'text', notNull)
        .execute();
      await db.schema.createIndex('deployments_run_id').on('deployments').column('run_id').execute();
      await db.schema.createIndex('deployments_sha').on('deployments').column('sha').execute();
      await db.schema
        .createIndex('deployments_env_updated')
        .on('deployments')
        .columns(['environment', 'updated_at desc'])
        .execute();

      await idColumn(db.schema.createTable('protection_requests'), 'id', dialect)
        .addColumn('repo', 'text', notNull)
        .addColumn('run_id', 'bigint', notNull)
        .addColumn('environment', 'text', notNull)
        .addColumn('sha', 'text')
        .addColumn('ref', 'text')
        .addColumn('deployment_id', 'bigint')
        .addColumn('review_path', 'text', notNull)
        .addColumn('installation_id', 'bigint')
        .addColumn('requested_at', 'text', notNull)
        .addColumn('answered_at', 'text')
        .addColumn('answer', 'text')
        .addColumn('answer_comment', 'text')
        .addUniqueConstraint('protection_requests_run_env', ['repo', 'run_id', 'environment'])
        .execute();
      await db.schema
        .createIndex('protection_requests_pending')
        .on('protection_requests')
        .columns(['answered_at', 'requested_at'])
        .execute();

      await db.schema
        .createTable('releases')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('repo', 'text')
        .addColumn('tag', 'text', notNull)
        .addColumn('version', 'text', notNull)
        .addColumn('sha', 'text', notNull)
        .addColumn('manifest', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('change_summary', 'text')
        .addColumn('includes_migrations', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('state', 'text', notNull)
        .addColumn('current_lane', 'text')
        .addColumn('previous_release_id', 'text')
        .addColumn('created_by', 'text', notNull)
        .addColumn('created_at', 'text', notNull)
        .addColumn('updated_at', 'text', notNull)
        .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'))
        .execute();
      await db.schema.createIndex('releases_created').on('releases').column('created_at desc').execute();
      await db.schema.createIndex('releases_tag').on('releases').column('tag').execute();
      await db.schema
        .createIndex('releases_state')
        .on('releases')
        .columns(['state', 'created_at desc'])
        .execute();

      await db.schema
        .createTable('release_lanes')
        .addColumn('release_id', 'text', notNull)
        .addColumn('lane_id', 'text', notNull)
        .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('state', 'text', notNull)
        .addColumn('run_id', 'bigint')
        .addColumn('started_at', 'text')
        .addColumn('finished_at', 'text')
        .addColumn('detail', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('updated_at', 'text', notNull)
        .addPrimaryKeyConstraint('release_lanes_pk', ['release_id', 'lane_id'])
        .execute();

      await db.schema
        .createTable('gate_decisions')
        .addColumn('release_id', 'text', notNull)
        .addColumn('gate_id', 'text', notNull)
        .addColumn('state', 'text', notNull)
        .addColumn('detail', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('waits_until', 'text')
        .addColumn('decided_at', 'text', notNull)
        .addPrimaryKeyConstraint('gate_decisions_pk', ['release_id', 'gate_id'])
        .execute();

      await idColumn(db.schema.createTable('approvals'), 'id', dialect)
        .addColumn('release_id', 'text', notNull)
        .addColumn('gate_id', 'text', notNull)
        .addColumn('person', 'text', notNull)
        .addColumn('at', 'text', notNull)
        .addColumn('comment', 'text')
        .addUniqueConstraint('approvals_once', ['release_id', 'gate_id', 'person'])
        .execute();

      await idColumn(db.schema.createTable('alerts'), 'id', dialect)
        .addColumn('key', 'text', notNull)
        .addColumn('rule', 'text', notNull)
        .addColumn('severity', 'text', notNull)
        .addColumn('title', 'text', notNull)
        .addColumn('status', 'text', notNull)
        .addColumn('count', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('first_at', 'text', notNull)
        .addColumn('last_at', 'text', notNull)
        .addColumn('acked_by', 'text')
        .addColumn('acked_at', 'text')
        .addColumn('resolved_by', 'text')
        .addColumn('resolved_at', 'text')
        .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'))
        .execute();
      // One live alert per key: dedup holds while it is open or acked; resolved ones are history.
      await db.schema
        .createIndex('alerts_key_live')
        .on('alerts')
        .column('key')
        .unique()
        .where(sql.ref('status'), '<>', 'resolved')
        .execute();
      await db.schema
        .createIndex('alerts_status_last')
        .on('alerts')
        .columns(['status', 'last_at desc'])
        .execute();

      await idColumn(db.schema.createTable('audit'), 'id', dialect)
        .addColumn('at', 'text', notNull)
        .addColumn('actor', 'text', notNull)
        .addColumn('action', 'text', notNull)
        .addColumn('object_type', 'text', notNull)
        .addColumn('object_id', 'text', notNull)
        .addColumn('reason', 'text')
        .addColumn('data', 'text', (c) => c.notNull().defaultTo('null'))
        .execute();
      await db.schema
        .createIndex('audit_object')
        .on('audit')
        .columns(['object_type', 'object_id', 'id'])
        .execute();

      await idColumn(db.schema.createTable('outbox'), 'id', dialect)
        .addColumn('key', 'text', (c) => c.notNull().unique())
        .addColumn('kind', 'text', notNull)
        .addColumn('payload', 'text', notNull)
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('run_at', 'text', notNull)
        .addColumn('lease_until', 'text')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', notNull)
        .addColumn('done_at', 'text')
        .execute();
      await db.schema
        .createIndex('outbox_status_run_at')
        .on('outbox')
        .columns(['status', 'run_at', 'id'])
        .execute();

      await idColumn(db.schema.createTable('timers'), 'id', dialect)
        .addColumn('key', 'text', (c) => c.notNull().unique())
        .addColumn('kind', 'text', notNull)
        .addColumn('payload', 'text', notNull)
        .addColumn('fire_at', 'text', notNull)
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
        .addColumn('fired_at', 'text')
        .addColumn('created_at', 'text', notNull)
        .execute();
      await db.schema
        .createIndex('timers_status_fire_at')
        .on('timers')
        .columns(['status', 'fire_at', 'id'])
        .execute();

      await idColumn(db.schema.createTable('changes'), 'seq', dialect)
        .addColumn('at', 'text', notNull)
        .addColumn('topic', 'text', notNull)
        .addColumn('data', 'text', notNull)
        .execute();

      await db.schema
        .createTable('people')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', notNull)
        .addColumn('created_at', 'text', notNull)
        .execute();

      await db.schema
        .createTable('tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('person_id', 'text', notNull)
        .addColumn('name', 'text', notNull)
        .addColumn('hash', 'text', (c) => c.notNull().unique())
        .addColumn('scope', 'text', notNull)
        .addColumn('created_at', 'text', notNull)
        .addColumn('expires_at', 'text')
        .addColumn('revoked_at', 'text')
        .addColumn('last_used_at', 'text')
        .execute();
      await db.schema.createIndex('tokens_person').on('tokens').column('person_id').execute();

      await db.schema
        .createTable('kv')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', notNull)
        .addColumn('updated_at', 'text', notNull)
        .execute();
    },
  };
}

/** All migrations, in order. Names sort lexically; append, never rename. */
export function buildMigrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001_initial': initial(dialect),
    '0002_typed_engine_state': typedEngineState(dialect),
    '0003_delivery_bodies': deliveryBodies(dialect),
    '0005_connect': connectTables(dialect),
    '0006_policy_identities': policyIdentities(),
    '0008_time': ignoredReasons(),
    '0009_gate_steps': gateSteps(),
    '0010_write_probe': writeProbe(),
    '0011_cleanup': cleanup(),
    '0012_catalog_from_git': catalogFromGit(),
    '0013_release_commits': releaseCommits(),
    '0015_effects': effects(),
    '0017_deployment_reviews': deploymentReviews(),
  };
}

export const MIGRATION_TABLE = 'lanes_migration';
export const MIGRATION_LOCK_TABLE = 'lanes_migration_lock';

/** Applies every pending migration; throws on failure. The caller provides cross-process locking. */
export async function runMigrations(db: AnyDb, dialect: Dialect): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(buildMigrations(dialect)) },
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    const err = new Error(
      `migration failed (${failed}): ${error instanceof Error ? error.message : String(error)}`,
    );
    (err as Error & { cause?: unknown }).cause = error;
    throw err;
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

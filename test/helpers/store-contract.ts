// Shared set-up of the Store's behavioural suite (test/store-<aggregate>.test.ts): the same tests
// against SQLite (a real file) and PostgreSQL (LANES_TEST_DATABASE_URL, or an embedded server), each
// on a fresh database; payload-shaped fixtures from @octokit/webhooks-examples; and the raw handle
// for the few checks no product path reads (rows of a table nothing lists).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { after, describe } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { JobRecord, RunRecord } from '../../src/core/run-model.ts';
import { KyselyStore, type Db } from '../../src/store/kysely-store.ts';
import { MIGRATION_LOCK_TABLE, MIGRATION_TABLE, buildMigrations } from '../../src/store/migrations.ts';
import { openStore } from '../../src/store/open-store.ts';
import { SQLITE_FILE } from '../../src/store/sqlite-store.ts';
import type { NewDelivery, Store } from '../../src/store/store.ts';
import { cleanupTestDatabases, freshPostgresDatabase, freshSqliteDir } from './test-database.ts';

const require = createRequire(import.meta.url);

// ---------------------------------------------------------------------------------------------
// Payload-shaped fixtures

interface Example {
  name: string;
  examples: Record<string, unknown>[];
}
const EXAMPLES = require('@octokit/webhooks-examples/api.github.com/index.json') as Example[];

function examplesOf(name: string): Record<string, unknown>[] {
  const e = EXAMPLES.find((x) => x.name === name);
  assert.ok(e, `no example payloads for ${name}`);
  return e.examples;
}
export type Obj = Record<string, unknown>;
export const obj = (v: unknown): Obj => v as Obj;
export const str = (v: unknown): string => String(v);
export const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** A RunRecord from a workflow_run payload, as the normaliser would produce it. */
export function runFromPayload(p: Obj, over: Partial<RunRecord> = {}): RunRecord {
  const r = obj(p.workflow_run);
  const wf = obj(p.workflow ?? {});
  return {
    runId: Number(r.id),
    runAttempt: Number(r.run_attempt ?? 1),
    repo: str(obj(p.repository).full_name),
    workflowPath: str(r.path ?? wf.path),
    workflowName: str(r.name),
    workflowId: null,
    runNumber: Number(r.run_number),
    event: str(r.event),
    headBranch: strOrNull(r.head_branch),
    headSha: str(r.head_sha),
    status: r.status as RunRecord['status'],
    conclusion: (r.conclusion ?? null) as RunRecord['conclusion'],
    environment: null,
    htmlUrl: str(r.html_url),
    runStartedAt: str(r.run_started_at ?? r.created_at),
    updatedAt: str(r.updated_at),
    actor: strOrNull(obj(p.sender ?? {}).login),
    ...over,
  };
}

export function jobFromPayload(p: Obj, over: Partial<JobRecord> = {}): JobRecord {
  const j = obj(p.workflow_job);
  return {
    jobId: Number(j.id),
    runId: Number(j.run_id),
    runAttempt: Number(j.run_attempt ?? 1),
    name: str(j.name),
    status: j.status as JobRecord['status'],
    conclusion: (j.conclusion ?? null) as JobRecord['conclusion'],
    startedAt: strOrNull(j.started_at),
    completedAt: strOrNull(j.completed_at),
    htmlUrl: strOrNull(j.html_url),
    labels: (j.labels as string[] | undefined) ?? [],
    runnerName: strOrNull(j.runner_name),
    updatedAt: str(j.completed_at ?? j.started_at),
    ...over,
  };
}

export const RUN_EXAMPLE =
  examplesOf('workflow_run').find((e) => obj(e.workflow_run).status === 'completed') ?? {};
export const JOB_EXAMPLES = examplesOf('workflow_job');
export const DEPLOYMENT_EXAMPLE = examplesOf('deployment')[0] ?? {};
export const CHECK_RUN_EXAMPLE = examplesOf('check_run')[0] ?? {};

/** Canonical form the store returns. */
export const canon = (t: string): string => new Date(t).toISOString();
const T0 = Date.parse('2024-05-01T10:00:00Z');
/** ISO time `min` minutes after T0, in GitHub's own format (no milliseconds). */
export const at = (min: number): string => new Date(T0 + min * 60_000).toISOString().replace('.000Z', 'Z');

export function canonRun(r: RunRecord): RunRecord {
  return { ...r, runStartedAt: canon(r.runStartedAt), updatedAt: canon(r.updatedAt) };
}

export function delivery(guid: string, over: Partial<NewDelivery> = {}): NewDelivery {
  return {
    guid,
    event: 'workflow_run',
    action: 'completed',
    receivedAt: at(0),
    body: JSON.stringify(RUN_EXAMPLE),
    source: 'webhook',
    ...over,
  };
}

// ---------------------------------------------------------------------------------------------
// Targets

export interface Target {
  kind: 'sqlite' | 'postgres';
  /** Opens (and migrates) another store on the same database. */
  open(): Promise<Store>;
  /** Number of rows in the migration table (raw client). */
  migrationRows(): Promise<number>;
  /** Environment for openInChild (T_DIR / T_URL). */
  childEnv: Record<string, string>;
  /** A raw Kysely on the same database, below the Store (for migration tests). */
  raw(): Kysely<unknown>;
}
/** A store target on a fresh database; `empty` skips the migrated template (for migration tests). */
export type MakeTarget = (opts?: { empty?: boolean }) => Promise<Target>;

const makeSqlite: MakeTarget = async () => {
  const dir = await freshSqliteDir();
  return {
    kind: 'sqlite',
    childEnv: { T_DIR: dir, T_URL: '' },
    open: () => openStore({ dataDir: dir }),
    raw: () =>
      new Kysely<unknown>({
        dialect: new SqliteDialect({ database: new Database(`${dir}/${SQLITE_FILE}`) }),
      }),
    migrationRows: () => {
      const raw = new Database(`${dir}/${SQLITE_FILE}`, { readonly: true });
      try {
        return Promise.resolve(
          (raw.prepare(`select count(*) as n from ${MIGRATION_TABLE}`).get() as { n: number }).n,
        );
      } finally {
        raw.close();
      }
    },
  };
};

const makePostgres: MakeTarget = async (opts = {}) => {
  const url = await freshPostgresDatabase({ migrated: opts.empty !== true });
  const dir = await freshSqliteDir(); // never used by a postgres store
  return {
    kind: 'postgres',
    childEnv: { T_DIR: dir, T_URL: url },
    open: () => openStore({ databaseUrl: url, dataDir: dir }),
    raw: () =>
      new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url }) }) }),
    migrationRows: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        const r = await c.query<{ n: string }>(`select count(*) as n from ${MIGRATION_TABLE}`);
        return Number(r.rows[0]?.n);
      } finally {
        await c.end();
      }
    },
  };
};

/** What a suite body gets: a fresh target maker, and withStore (a store on a fresh database, closed after). */
export interface ContractContext {
  makeTarget: MakeTarget;
  withStore(fn: (s: Store, t: Target) => Promise<void>): Promise<void>;
}

/** Registers `body` once per database ("Store <aggregate> on SQLite" / "... on PostgreSQL"). */
export function storeContract(aggregate: string, body: (ctx: ContractContext) => void): void {
  for (const [name, makeTarget] of [
    ['SQLite', makeSqlite],
    ['PostgreSQL', makePostgres],
  ] as const) {
    void describe(`Store ${aggregate} on ${name}`, () => {
      async function withStore(fn: (s: Store, t: Target) => Promise<void>): Promise<void> {
        const t = await makeTarget();
        const s = await t.open();
        try {
          await fn(s, t);
        } finally {
          await s.close();
        }
      }
      body({ makeTarget, withStore });
    });
  }
  after(async () => {
    await cleanupTestDatabases();
  });
}

/** The store's Kysely handle, for checks of rows no product path lists. */
export function rawDb(s: Store): Db {
  assert.ok(s instanceof KyselyStore, 'a Kysely store');
  return s.db;
}

/** Brings a fresh, empty target's database up to migration `name` only, then runs fn on it (an older release's database). */
export async function migrateTo(
  t: Target,
  name: string,
  fn: (db: Kysely<unknown>) => Promise<void>,
): Promise<void> {
  const db = t.raw();
  try {
    const migrator = new Migrator({
      db,
      provider: { getMigrations: () => Promise.resolve(buildMigrations(t.kind)) },
      migrationTableName: MIGRATION_TABLE,
      migrationLockTableName: MIGRATION_LOCK_TABLE,
    });
    const { error } = await migrator.migrateTo(name);
    if (error !== undefined) throw error;
    await fn(db);
  } finally {
    await db.destroy();
  }
}

const OPEN_STORE_URL = pathToFileURL(
  fileURLToPath(new URL('../../src/store/open-store.ts', import.meta.url)),
).href;

/** Runs openStore in a separate node process (real cross-process concurrency), then one write. */
export function openInChild(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const code = [
    `import { openStore } from ${JSON.stringify(OPEN_STORE_URL)};`,
    `const s = await openStore({ dataDir: process.env.T_DIR, databaseUrl: process.env.T_URL || undefined });`,
    `await s.transaction((tx) => tx.appendAudit({ at: new Date().toISOString(), actor: 'system', action: 'opened',`,
    `  objectType: 'process', objectId: String(process.pid), reason: null, data: null }));`,
    `await s.close();`,
    `console.log('opened');`,
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.on('error', reject);
    child.on('close', (c) => resolve({ code: c, out }));
  });
}

export async function eventually(
  check: () => boolean,
  poke: () => Promise<void>,
  tries = 100,
): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    await poke();
    await new Promise((r) => setTimeout(r, 50));
    if (check()) return true;
  }
  return false;
}

// The Store's behavioural suite: the same tests against SQLite (a real file) and PostgreSQL
// (LANES_TEST_DATABASE_URL, or an embedded server). Each test opens a store on a fresh database.
// Data is shaped like GitHub's published webhook payloads (@octokit/webhooks-examples).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { after, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import type {
  DeploymentRecord,
  EvidenceRecord,
  JobRecord,
  ProtectionRequest,
  RunRecord,
} from '../src/core/run-model.ts';
import { DeliveryWriter } from '../src/store/group-commit.ts';
import { MIGRATION_TABLE, buildMigrations } from '../src/store/migrations.ts';
import { openStore } from '../src/store/open-store.ts';
import { SQLITE_FILE, SqliteStore } from '../src/store/sqlite-store.ts';
import type { NewDelivery, Store } from '../src/store/store.ts';
import { cleanupTestDatabases, freshPostgresDatabase, freshSqliteDir } from './helpers/test-database.ts';

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
type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => v as Obj;
const str = (v: unknown): string => String(v);
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** A RunRecord from a workflow_run payload, as the normaliser would produce it. */
function runFromPayload(p: Obj, over: Partial<RunRecord> = {}): RunRecord {
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

function jobFromPayload(p: Obj, over: Partial<JobRecord> = {}): JobRecord {
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

const RUN_EXAMPLE = examplesOf('workflow_run').find((e) => obj(e.workflow_run).status === 'completed') ?? {};
const JOB_EXAMPLES = examplesOf('workflow_job');
const DEPLOYMENT_EXAMPLE = examplesOf('deployment')[0] ?? {};
const CHECK_RUN_EXAMPLE = examplesOf('check_run')[0] ?? {};

/** Canonical form the store returns. */
const canon = (t: string): string => new Date(t).toISOString();
const T0 = Date.parse('2024-05-01T10:00:00Z');
/** ISO time `min` minutes after T0, in GitHub's own format (no milliseconds). */
const at = (min: number): string => new Date(T0 + min * 60_000).toISOString().replace('.000Z', 'Z');

function canonRun(r: RunRecord): RunRecord {
  return { ...r, runStartedAt: canon(r.runStartedAt), updatedAt: canon(r.updatedAt) };
}

function delivery(guid: string, over: Partial<NewDelivery> = {}): NewDelivery {
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

interface Target {
  kind: 'sqlite' | 'postgres';
  /** Opens (and migrates) another store on the same database. */
  open(): Promise<Store>;
  /** Number of rows in the migration table (raw client). */
  migrationRows(): Promise<number>;
  /** Environment for openInChild (T_DIR / T_URL). */
  childEnv: Record<string, string>;
}
/** A store target on a fresh database; `empty` skips the migrated template (for migration tests). */
type MakeTarget = (opts?: { empty?: boolean }) => Promise<Target>;

const makeSqlite: MakeTarget = async () => {
  const dir = await freshSqliteDir();
  return {
    kind: 'sqlite',
    childEnv: { T_DIR: dir, T_URL: '' },
    open: () => openStore({ dataDir: dir }),
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

const OPEN_STORE_URL = pathToFileURL(
  fileURLToPath(new URL('../src/store/open-store.ts', import.meta.url)),
).href;

/** Runs openStore in a separate node process (real cross-process concurrency). */
function openInChild(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const code = [
    `import { openStore } from ${JSON.stringify(OPEN_STORE_URL)};`,
    `const s = await openStore({ dataDir: process.env.T_DIR, databaseUrl: process.env.T_URL || undefined });`,
    `await s.upsertRef({ repo: 'o/r', ref: 'refs/heads/p' + process.pid, sha: 'a'.repeat(40), updatedAt: new Date().toISOString() });`,
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

async function eventually(check: () => boolean, poke: () => Promise<void>, tries = 100): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    await poke();
    await new Promise((r) => setTimeout(r, 50));
    if (check()) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// The suite

export function storeSuite(name: string, makeTarget: MakeTarget): void {
  void describe(`Store on ${name}`, () => {
    async function withStore(fn: (s: Store, t: Target) => Promise<void>): Promise<void> {
      const t = await makeTarget();
      const s = await t.open();
      try {
        await fn(s, t);
      } finally {
        await s.close();
      }
    }

    void it('migrates idempotently and reports its dialect', async () => {
      const t = await makeTarget({ empty: true });
      const a = await t.open();
      assert.equal(a.dialect, t.kind);
      await a.ping();
      if (a instanceof SqliteStore) {
        assert.equal(a.pragma('journal_mode'), 'wal');
        assert.equal(a.pragma('synchronous'), process.env.LANES_SQLITE_SYNC === 'full' ? 2 : 1); // FULL : NORMAL
        assert.ok(Number(a.pragma('busy_timeout')) > 0);
      }
      await a.migrate(); // again on an up-to-date database
      await a.close();
      const b = await t.open(); // a later process
      await b.close();
      assert.equal(await t.migrationRows(), Object.keys(buildMigrations(t.kind)).length);
    });

    void it('migrates safely when two processes open the same database at once', async () => {
      const t = await makeTarget({ empty: true });
      if (t.kind === 'postgres') {
        // In-process, two pools: the server's locks are the real thing.
        const [a, b] = await Promise.all([t.open(), t.open()]);
        await Promise.all([a.ping(), b.ping()]);
        await a.close();
        await b.close();
      }
      // Separate OS processes on a fresh database (both dialects): both migrate, start and write.
      const t2 = await makeTarget({ empty: true });
      const [c1, c2] = await Promise.all([openInChild(t2.childEnv), openInChild(t2.childEnv)]);
      assert.equal(c1.code, 0, c1.out);
      assert.equal(c2.code, 0, c2.out);
      assert.match(c1.out, /opened/);
      assert.match(c2.out, /opened/);
      assert.equal(await t2.migrationRows(), Object.keys(buildMigrations(t2.kind)).length);
      const s = await t2.open();
      assert.equal((await s.listRefs({ repo: 'o/r' })).length, 2);
      await s.close();
    });

    void it('stores deliveries once: duplicates in a batch and across batches, never overwriting', async () => {
      await withStore(async (s) => {
        const r1 = await s.insertDeliveries([
          delivery('g-1'),
          delivery('g-2'),
          delivery('g-1', { body: '{"other":1}' }),
        ]);
        assert.deepEqual(r1, ['inserted', 'inserted', 'duplicate']);
        const r2 = await s.insertDeliveries([
          delivery('g-2', { body: 'changed' }),
          delivery('g-3', { action: null }),
        ]);
        assert.deepEqual(r2, ['duplicate', 'inserted']);
        const d1 = await s.getDelivery('g-1');
        assert.ok(d1);
        assert.equal(d1.body, JSON.stringify(RUN_EXAMPLE));
        assert.equal(d1.status, 'pending');
        assert.equal(d1.attempts, 0);
        assert.equal(d1.receivedAt, canon(at(0)));
        assert.equal((await s.getDelivery('g-2'))?.body, JSON.stringify(RUN_EXAMPLE));
        assert.equal((await s.getDelivery('g-3'))?.action, null);
        assert.equal(await s.getDelivery('missing'), undefined);
        assert.deepEqual(await s.insertDeliveries([]), []);
        const stats = await s.inboxStats();
        assert.deepEqual(stats, {
          received: 3,
          pending: 3,
          processed: 0,
          ignored: 0,
          failed: 0,
          oldestPendingAt: canon(at(0)),
        });
      });
    });

    void it('claims deliveries in order with leases, re-claims after lease expiry, and marks them', async () => {
      await withStore(async (s) => {
        await s.insertDeliveries(['a', 'b', 'c'].map((g, i) => delivery(g, { receivedAt: at(i) })));
        const first = await s.claimDeliveries({ limit: 2, leaseMs: 60_000, now: at(10), worker: 'w1' });
        assert.deepEqual(
          first.map((d) => d.guid),
          ['a', 'b'],
        );
        assert.ok(first[0] && first[1] && first[0].seq < first[1].seq);
        assert.deepEqual(
          first.map((d) => d.attempts),
          [1, 1],
        );
        // Leased ones are not handed out again while the lease holds.
        const second = await s.claimDeliveries({ limit: 10, leaseMs: 60_000, now: at(10), worker: 'w2' });
        assert.deepEqual(
          second.map((d) => d.guid),
          ['c'],
        );
        assert.deepEqual(
          await s.claimDeliveries({ limit: 10, leaseMs: 60_000, now: at(10.5), worker: 'w2' }),
          [],
        );
        await s.markDelivery('a', 'processed', at(10.5));
        await s.markDelivery('c', 'failed', at(10.5), 'boom');
        // After the lease expired, the unmarked one comes back, with its attempts counted.
        const third = await s.claimDeliveries({ limit: 10, leaseMs: 60_000, now: at(12), worker: 'w3' });
        assert.deepEqual(
          third.map((d) => [d.guid, d.attempts]),
          [['b', 2]],
        );
        await s.markDelivery('b', 'ignored', at(12));
        assert.deepEqual(await s.claimDeliveries({ limit: 10, leaseMs: 1, now: at(100), worker: 'w4' }), []);
        const c = await s.getDelivery('c');
        assert.equal(c?.status, 'failed');
        assert.equal(c?.error, 'boom');
        assert.equal(c?.processedAt, canon(at(10.5)));
        const stats = await s.inboxStats();
        assert.deepEqual(stats, {
          received: 3,
          pending: 0,
          processed: 1,
          ignored: 1,
          failed: 1,
          oldestPendingAt: null,
        });
      });
    });

    void it('group-commits 200 concurrent writes (with duplicates) into few transactions', async () => {
      await withStore(async (s) => {
        await s.insertDeliveries([delivery('pre-1'), delivery('pre-2')]);
        let calls = 0;
        const counting = {
          insertDeliveries: (ds: NewDelivery[]) => {
            calls++;
            return s.insertDeliveries(ds);
          },
        };
        const writer = new DeliveryWriter(counting, { maxBatch: 64, maxDelayMs: 2 });
        // 150 unique GUIDs, 48 repeats of them (some in the same batch, some across), 2 already stored.
        const guids: string[] = [];
        for (let i = 0; i < 150; i++) guids.push(`gc-${i}`);
        for (let i = 0; i < 48; i++) guids.push(`gc-${(i * 7) % 150}`);
        guids.push('pre-1', 'pre-2');
        assert.equal(guids.length, 200);
        const results = await Promise.all(
          guids.map((g, i) => writer.write(delivery(g, { body: `{"n":${i}}` }))),
        );
        const inserted = guids.filter((_, i) => results[i] === 'inserted');
        assert.equal(inserted.length, 150);
        assert.equal(new Set(inserted).size, 150);
        assert.equal(results.filter((r) => r === 'duplicate').length, 50);
        // Batches commit concurrently, so which of two concurrent writes of a GUID wins is not fixed;
        // what is fixed: the stored body is the one whose caller was told 'inserted'.
        for (const g of ['gc-0', 'gc-7', 'gc-149']) {
          const winner = guids.findIndex((x, i) => x === g && results[i] === 'inserted');
          assert.equal((await s.getDelivery(g))?.body, `{"n":${winner}}`);
        }
        assert.equal(results[198], 'duplicate'); // pre-1, stored before
        assert.equal(results[199], 'duplicate');
        assert.equal((await s.getDelivery('pre-1'))?.body, JSON.stringify(RUN_EXAMPLE));
        assert.equal((await s.inboxStats()).received, 152);
        assert.ok(calls <= 4, `expected at most 4 batches, got ${calls}`);
        // A failing batch rejects every caller in it, and stores none of it.
        const bad = await Promise.allSettled([
          writer.write(delivery('ok-in-bad-batch')),
          writer.write(delivery('bad-time', { receivedAt: 'not a time' })),
        ]);
        assert.deepEqual(
          bad.map((b) => b.status),
          ['rejected', 'rejected'],
        );
        assert.equal(await s.getDelivery('ok-in-bad-batch'), undefined);
        assert.equal(await writer.write(delivery('after-failure')), 'inserted');
        await writer.close();
        await assert.rejects(writer.write(delivery('after-close')), /closed/);
      });
    });

    void it('applies run updates by attempt and GitHub time, never by arrival order', async () => {
      await withStore(async (s) => {
        const base = runFromPayload(RUN_EXAMPLE, { runId: 30_433_642_812 }); // GitHub ids exceed 32 bits
        const inProgress = { ...base, status: 'in_progress' as const, conclusion: null, updatedAt: at(2) };
        assert.equal(await s.upsertRun(inProgress), 'applied');
        assert.deepEqual(await s.getRun(base.runId), canonRun(inProgress));
        // Older state arriving later: stale.
        assert.equal(
          await s.upsertRun({ ...base, status: 'queued', conclusion: null, updatedAt: at(1) }),
          'stale',
        );
        // Same state again (redelivery): stale.
        assert.equal(await s.upsertRun(inProgress), 'stale');
        const completed = {
          ...base,
          status: 'completed' as const,
          conclusion: 'failure' as const,
          updatedAt: at(5),
        };
        assert.equal(await s.upsertRun(completed), 'applied');
        // A completed attempt never goes back to in progress, even with a later timestamp.
        assert.equal(await s.upsertRun({ ...inProgress, updatedAt: at(9) }), 'stale');
        assert.equal((await s.getRun(base.runId))?.status, 'completed');
        // A higher attempt wins even with an older timestamp; the old attempt cannot come back.
        const rerun = {
          ...base,
          runAttempt: 2,
          status: 'queued' as const,
          conclusion: null,
          updatedAt: at(4),
        };
        assert.equal(await s.upsertRun(rerun), 'applied');
        assert.equal(await s.upsertRun({ ...completed, updatedAt: at(30) }), 'stale');
        const stored = await s.getRun(base.runId);
        assert.deepEqual(stored, canonRun(rerun));
        assert.equal(typeof stored?.runId, 'number');
        assert.equal(await s.getRun(1), undefined);
      });
    });

    void it('keeps facts learnt elsewhere (environment, workflow id) across run updates', async () => {
      await withStore(async (s) => {
        const base = runFromPayload(RUN_EXAMPLE, {
          status: 'in_progress',
          conclusion: null,
          updatedAt: at(1),
        });
        await s.upsertRun({ ...base, workflowId: 'WF-03' });
        await s.setRunEnvironment(base.runId, 'staging');
        assert.equal(
          await s.upsertRun({ ...base, status: 'completed', conclusion: 'success', updatedAt: at(2) }),
          'applied',
        );
        const r = await s.getRun(base.runId);
        assert.equal(r?.environment, 'staging');
        assert.equal(r?.workflowId, 'WF-03');
        assert.equal(r?.conclusion, 'success');
      });
    });

    void it('lists runs newest first with filters and paging', async () => {
      await withStore(async (s) => {
        const base = runFromPayload(RUN_EXAMPLE);
        const runs: RunRecord[] = [];
        for (let i = 0; i < 12; i++) {
          runs.push({
            ...base,
            runId: 1000 + i,
            runNumber: i + 1,
            workflowId: i % 3 === 0 ? 'WF-01' : i % 3 === 1 ? 'WF-02' : null,
            event: i % 2 === 0 ? 'push' : 'pull_request',
            headSha: i < 6 ? 'a'.repeat(40) : 'b'.repeat(40),
            environment: i % 4 === 0 ? 'production' : null,
            runStartedAt: at(i),
            updatedAt: at(i + 1),
          });
        }
        // Insert out of order.
        for (const r of [...runs].reverse()) assert.equal(await s.upsertRun(r), 'applied');
        const ids = (rs: RunRecord[]): number[] => rs.map((r) => r.runId);
        assert.deepEqual(ids(await s.listRuns({ limit: 3 })), [1011, 1010, 1009]);
        assert.deepEqual(ids(await s.listRuns({ workflowId: 'WF-01' })), [1009, 1006, 1003, 1000]);
        assert.deepEqual(
          ids(await s.listRuns({ workflowIds: ['WF-01', 'WF-02'], limit: 4 })),
          [1010, 1009, 1007, 1006],
        );
        assert.deepEqual(await s.listRuns({ workflowIds: [] }), []);
        assert.deepEqual(ids(await s.listRuns({ environment: 'production' })), [1008, 1004, 1000]);
        assert.deepEqual(
          ids(await s.listRuns({ headSha: 'b'.repeat(40), event: 'push' })),
          [1010, 1008, 1006],
        );
        assert.deepEqual(ids(await s.listRuns({ before: at(3), limit: 10 })), [1002, 1001, 1000]);
        // Paging by `before` with the last start time of the previous page.
        const page1 = await s.listRuns({ workflowId: 'WF-01', limit: 2 });
        const page2 = await s.listRuns({
          workflowId: 'WF-01',
          limit: 2,
          before: page1[1]?.runStartedAt ?? '',
        });
        assert.deepEqual(ids(page2), [1003, 1000]);
      });
    });

    void it('orders jobs by attempt and time, and lists them by run', async () => {
      await withStore(async (s) => {
        const inProgress = JOB_EXAMPLES.find((e) => Number(obj(e.workflow_job).id) === 14541957942);
        assert.ok(inProgress, 'example job 14541957942');
        const j = jobFromPayload(inProgress);
        const repo = str(obj(inProgress.repository).full_name);
        assert.equal(await s.upsertJob(j, repo), 'applied');
        assert.equal(
          await s.upsertJob({ ...j, status: 'queued', updatedAt: '2023-06-26T03:31:00Z' }, repo),
          'stale',
        );
        const done: JobRecord = {
          ...j,
          status: 'completed',
          conclusion: 'success',
          completedAt: '2023-06-26T03:40:00Z',
          updatedAt: '2023-06-26T03:40:00Z',
        };
        assert.equal(await s.upsertJob(done, repo), 'applied');
        assert.equal(await s.upsertJob({ ...j, updatedAt: '2023-06-26T04:00:00Z' }, repo), 'stale');
        const other = jobFromPayload(JOB_EXAMPLES[1] ?? {});
        await s.upsertJob(other, 'octo-org/example-workflow');
        const jobs = await s.listJobs([j.runId]);
        assert.equal(jobs.length, 1);
        assert.deepEqual(jobs[0], {
          ...done,
          startedAt: canon(done.startedAt ?? ''),
          completedAt: canon(done.completedAt ?? ''),
          updatedAt: canon(done.updatedAt),
        });
        assert.deepEqual(jobs[0]?.labels, j.labels);
        assert.equal((await s.listJobs([j.runId, other.runId])).length, 2);
        assert.deepEqual(await s.listJobs([]), []);
      });
    });

    void it('keeps the newest evidence per key and filters it', async () => {
      await withStore(async (s) => {
        const cr = obj(CHECK_RUN_EXAMPLE.check_run);
        const ev: EvidenceRecord = {
          key: `check_run:${str(cr.id)}`,
          check: str(cr.name),
          outcome: 'pending',
          sha: str(cr.head_sha),
          runId: null,
          laneId: 'PL-05',
          source: 'check_run',
          url: strOrNull(cr.html_url),
          details: null,
          recordedAt: str(cr.started_at),
          reportedBy: null,
        };
        assert.equal(await s.upsertEvidence(ev), 'applied');
        const passed = { ...ev, outcome: 'passed' as const, recordedAt: at(100_000_000 / 60_000) };
        assert.equal(
          await s.upsertEvidence({ ...ev, outcome: 'failed', recordedAt: '2000-01-01T00:00:00Z' }),
          'stale',
        );
        assert.equal(await s.upsertEvidence(passed), 'applied');
        assert.equal(await s.upsertEvidence(passed), 'stale');
        await s.upsertEvidence({
          ...ev,
          key: 'api:1',
          check: 'smoke',
          sha: 'c'.repeat(40),
          runId: 77,
          laneId: 'PL-04',
          source: 'api',
          recordedAt: at(1),
        });
        const bySha = await s.listEvidence({ shas: [ev.sha] });
        assert.deepEqual(bySha, [{ ...passed, recordedAt: canon(passed.recordedAt) }]);
        assert.deepEqual(
          (await s.listEvidence({ runIds: [77] })).map((e) => e.key),
          ['api:1'],
        );
        assert.deepEqual(
          (await s.listEvidence({ laneId: 'PL-05' })).map((e) => e.key),
          [ev.key],
        );
        assert.deepEqual((await s.listEvidence({})).map((e) => e.key).sort(), ['api:1', ev.key].sort());
        assert.deepEqual(await s.listEvidence({ shas: [] }), []);
        assert.deepEqual(await s.listEvidence({ shas: [ev.sha], laneId: 'PL-04' }), []);
      });
    });

    void it('keeps refs and deployments by their own timestamps', async () => {
      await withStore(async (s) => {
        const repo = 'Codertocat/Hello-World';
        assert.equal(
          await s.upsertRef({ repo, ref: 'refs/heads/main', sha: 'a'.repeat(40), updatedAt: at(2) }),
          'applied',
        );
        assert.equal(
          await s.upsertRef({ repo, ref: 'refs/heads/main', sha: 'b'.repeat(40), updatedAt: at(1) }),
          'stale',
        );
        assert.equal(
          await s.upsertRef({ repo, ref: 'refs/tags/v1.4.0', sha: 'c'.repeat(40), updatedAt: at(1) }),
          'applied',
        );
        assert.equal(
          await s.upsertRef({ repo, ref: 'refs/tags/v1.4.0', sha: null, updatedAt: at(3) }),
          'applied',
        );
        assert.deepEqual(await s.getRef(repo, 'refs/heads/main'), {
          repo,
          ref: 'refs/heads/main',
          sha: 'a'.repeat(40),
          updatedAt: canon(at(2)),
        });
        assert.deepEqual(await s.listRefs({ repo, prefix: 'refs/tags/' }), [
          { repo, ref: 'refs/tags/v1.4.0', sha: null, updatedAt: canon(at(3)) },
        ]);
        assert.equal((await s.listRefs({})).length, 2);

        const d = obj(DEPLOYMENT_EXAMPLE.deployment);
        const dep: DeploymentRecord = {
          deploymentId: Number(d.id),
          repo: str(obj(DEPLOYMENT_EXAMPLE.repository).full_name),
          environment: str(d.environment),
          sha: str(d.sha),
          ref: str(d.ref),
          runId: 555,
          state: 'created',
          updatedAt: str(d.updated_at),
        };
        assert.equal(await s.upsertDeployment(dep), 'applied');
        const later = new Date(Date.parse(dep.updatedAt) + 60_000).toISOString();
        assert.equal(
          await s.upsertDeployment({ ...dep, state: 'success', runId: null, updatedAt: later }),
          'applied',
        );
        assert.equal(await s.upsertDeployment({ ...dep, state: 'in_progress' }), 'stale');
        const got = await s.listDeployments({ sha: dep.sha });
        assert.deepEqual(got, [{ ...dep, state: 'success', updatedAt: later }]); // runId kept
        assert.equal((await s.listDeployments({ runId: 555 })).length, 1);
        assert.equal((await s.listDeployments({ environment: 'production' })).length, 1);
        assert.equal((await s.listDeployments({ environment: 'staging' })).length, 0);
      });
    });

    void it('saves protection requests once, answers them once, and resets on a newer request', async () => {
      await withStore(async (s) => {
        const run = runFromPayload(RUN_EXAMPLE);
        const req: ProtectionRequest = {
          repo: run.repo,
          runId: run.runId,
          environment: 'production',
          sha: run.headSha,
          ref: run.headBranch,
          deploymentId: 145988746,
          reviewPath: `/repos/${run.repo}/actions/runs/${run.runId}/deployment_protection_rule`,
          installationId: 2_000_000_001,
          requestedAt: at(1),
        };
        assert.equal(await s.saveProtectionRequest(req), 'applied');
        assert.equal(await s.saveProtectionRequest(req), 'stale');
        let pending = await s.listProtectionRequests({ pendingOnly: true });
        assert.equal(pending.length, 1);
        assert.deepEqual(pending[0], {
          ...req,
          requestedAt: canon(req.requestedAt),
          answeredAt: null,
          answer: null,
          answerComment: null,
        });
        const key = { repo: req.repo, runId: req.runId, environment: req.environment };
        assert.equal(await s.answerProtectionRequest(key, 'approved', 'RG-11 passed', at(2)), true);
        assert.equal(await s.answerProtectionRequest(key, 'rejected', null, at(3)), false);
        assert.deepEqual(await s.listProtectionRequests({ pendingOnly: true }), []);
        const all = await s.listProtectionRequests({});
        assert.equal(all[0]?.answer, 'approved');
        assert.equal(all[0]?.answeredAt, canon(at(2)));
        // A re-run asks again: the request is replaced and waits for a new answer.
        assert.equal(await s.saveProtectionRequest({ ...req, requestedAt: at(10) }), 'applied');
        pending = await s.listProtectionRequests({ pendingOnly: true, runId: req.runId });
        assert.equal(pending.length, 1);
        assert.equal(pending[0]?.answer, null);
      });
    });

    void it('runs the outbox: idempotent enqueue, claim with lease, retry, dead and done', async () => {
      await withStore(async (s) => {
        const effect = {
          key: 'dispatch:PL-04:rel-1',
          kind: 'github.dispatch',
          payload: { workflow: 'deploy-staging.yml', ref: 'main' },
          runAt: at(0),
        };
        assert.equal(await s.enqueue(effect), 'enqueued');
        assert.equal(await s.enqueue({ ...effect, payload: { other: true } }), 'duplicate');
        assert.equal(
          await s.enqueue({
            key: 'notify:1',
            kind: 'alert.notify',
            payload: { text: 'PL-09 failed' },
            runAt: at(0),
          }),
          'enqueued',
        );
        assert.equal(
          await s.enqueue({ key: 'later', kind: 'github.commit_status', payload: null, runAt: at(60) }),
          'enqueued',
        );

        const c1 = await s.claimOutbox({ limit: 10, now: at(1), leaseMs: 30_000 });
        assert.deepEqual(
          c1.map((o) => o.key),
          ['dispatch:PL-04:rel-1', 'notify:1'],
        );
        assert.deepEqual(c1[0]?.payload, effect.payload);
        assert.equal(c1[0]?.attempts, 1);
        assert.deepEqual(await s.claimOutbox({ limit: 10, now: at(1.2), leaseMs: 30_000 }), []);
        const [dispatch, notify] = c1;
        assert.ok(dispatch && notify);
        await s.failOutbox(dispatch.id, 'HTTP 502', at(5));
        await s.completeOutbox(notify.id, at(1.5));
        assert.deepEqual(await s.claimOutbox({ limit: 10, now: at(4), leaseMs: 30_000 }), []);
        const c2 = await s.claimOutbox({ limit: 10, now: at(5), leaseMs: 30_000 });
        assert.deepEqual(
          c2.map((o) => [o.key, o.attempts, o.lastError]),
          [['dispatch:PL-04:rel-1', 2, 'HTTP 502']],
        );
        // Lease expiry (worker died): claimed again.
        const c3 = await s.claimOutbox({ limit: 10, now: at(6), leaseMs: 30_000 });
        assert.deepEqual(
          c3.map((o) => o.attempts),
          [3],
        );
        await s.failOutbox(dispatch.id, 'HTTP 422', null);
        assert.deepEqual(
          (await s.listOutbox({ status: 'dead' })).map((o) => [o.key, o.lastError]),
          [['dispatch:PL-04:rel-1', 'HTTP 422']],
        );
        assert.deepEqual(
          (await s.listOutbox({ status: 'done' })).map((o) => o.key),
          ['notify:1'],
        );
        assert.deepEqual(
          (await s.listOutbox({ status: 'pending' })).map((o) => o.runAt),
          [canon(at(60))],
        );
        assert.deepEqual(
          (await s.listOutbox({ kind: 'alert.notify' })).map((o) => o.key),
          ['notify:1'],
        );
        assert.equal((await s.claimOutbox({ limit: 10, now: at(61), leaseMs: 1000 })).length, 1);
      });
    });

    void it('fires timers once, in order, and not when cancelled', async () => {
      await withStore(async (s) => {
        assert.equal(
          await s.schedule({
            key: 'hold:RG-12:rel-1',
            kind: 'gate.window',
            payload: { gate: 'RG-12' },
            fireAt: at(15),
          }),
          'scheduled',
        );
        assert.equal(
          await s.schedule({ key: 'hold:RG-12:rel-1', kind: 'gate.window', payload: {}, fireAt: at(1) }),
          'duplicate',
        );
        await s.schedule({
          key: 'hold:RG-13:rel-1',
          kind: 'gate.window',
          payload: { gate: 'RG-13' },
          fireAt: at(24 * 60),
        });
        await s.schedule({ key: 'early', kind: 'drill.check', payload: null, fireAt: at(5) });
        await s.schedule({ key: 'cancelled', kind: 'drill.check', payload: null, fireAt: at(5) });
        await s.cancelTimer('cancelled');
        assert.deepEqual(await s.claimDueTimers({ limit: 10, now: at(4) }), []);
        const fired = await s.claimDueTimers({ limit: 10, now: at(20) });
        assert.deepEqual(
          fired.map((t) => [t.key, t.status]),
          [
            ['early', 'fired'],
            ['hold:RG-12:rel-1', 'fired'],
          ],
        );
        assert.deepEqual(fired[1]?.payload, { gate: 'RG-12' });
        assert.deepEqual(await s.claimDueTimers({ limit: 10, now: at(20) }), []);
        assert.deepEqual(
          (await s.listTimers({ status: 'pending' })).map((t) => t.key),
          ['hold:RG-13:rel-1'],
        );
        assert.deepEqual(
          (await s.listTimers({ status: 'cancelled' })).map((t) => t.key),
          ['cancelled'],
        );
        // Concurrent claims from one store: each timer goes to exactly one caller.
        for (let i = 0; i < 30; i++)
          await s.schedule({ key: `c-${i}`, kind: 'k', payload: i, fireAt: at(30) });
        const batches = await Promise.all(
          Array.from({ length: 8 }, () => s.claimDueTimers({ limit: 4, now: at(31) })),
        );
        const keys = batches.flat().map((t) => t.key);
        assert.equal(keys.length, 30);
        assert.equal(new Set(keys).size, 30);
      });
    });

    void it('appends changes with increasing seq and reads them since a seq', async () => {
      await withStore(async (s) => {
        assert.equal(await s.latestChangeSeq(), 0);
        const seqs: number[] = [];
        for (let i = 0; i < 5; i++) seqs.push(await s.appendChange(i % 2 ? 'run' : 'lane', { i }, at(i)));
        for (let i = 1; i < seqs.length; i++) assert.ok((seqs[i] ?? 0) > (seqs[i - 1] ?? 0));
        assert.equal(await s.latestChangeSeq(), seqs[4]);
        const since = await s.changesSince(seqs[1] ?? 0, 2);
        assert.deepEqual(since, [
          { seq: seqs[2], at: canon(at(2)), topic: 'lane', data: { i: 2 } },
          { seq: seqs[3], at: canon(at(3)), topic: 'run', data: { i: 3 } },
        ]);
        assert.deepEqual(await s.changesSince(seqs[4] ?? 0, 10), []);
        // Concurrent transactions appending changes: all present, seq unique and gap-free in order.
        await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            s.transaction(async (tx) => {
              await tx.appendChange('run', { c: i }, at(10));
              await tx.appendChange('lane', { c: i }, at(10));
            }),
          ),
        );
        const all = await s.changesSince(0, 100);
        assert.equal(all.length, 25);
        for (let i = 1; i < all.length; i++) assert.ok((all[i]?.seq ?? 0) > (all[i - 1]?.seq ?? 0));
      });
    });

    void it('appends audit events and lists them newest first with filters', async () => {
      await withStore(async (s) => {
        for (let i = 0; i < 5; i++) {
          await s.appendAudit({
            at: at(i),
            actor: i % 2 ? 'token:tok_1' : 'github:72d3162e-cc78-11e3-81ab-4c9367dc0958',
            action: i % 2 ? 'gate.approved' : 'run.updated',
            objectType: i % 2 ? 'gate' : 'run',
            objectId: i % 2 ? 'RG-11' : String(1000 + i),
            reason: i === 1 ? 'smoke evidence attached' : null,
            data: { i, nested: { ok: true } },
          });
        }
        const all = await s.listAudit({});
        assert.deepEqual(
          all.map((e) => (e.data as { i: number }).i),
          [4, 3, 2, 1, 0],
        );
        assert.equal(all[3]?.reason, 'smoke evidence attached');
        assert.equal(all[3]?.at, canon(at(1)));
        const gates = await s.listAudit({ objectType: 'gate', objectId: 'RG-11' });
        assert.deepEqual(
          gates.map((e) => e.action),
          ['gate.approved', 'gate.approved'],
        );
        const page = await s.listAudit({ limit: 2, before: all[1]?.id ?? 0 });
        assert.deepEqual(
          page.map((e) => e.id),
          [all[2]?.id, all[3]?.id],
        );
      });
    });

    void it('commits a transaction as a whole, and a failed one leaves nothing behind', async () => {
      await withStore(async (s) => {
        const run = runFromPayload(RUN_EXAMPLE);
        await assert.rejects(
          s.transaction(async (tx) => {
            assert.equal(await tx.upsertRun(run), 'applied');
            assert.deepEqual(await tx.getRun(run.runId), canonRun(run)); // sees its own write
            await tx.appendAudit({
              at: at(0),
              actor: 'system',
              action: 'run.updated',
              objectType: 'run',
              objectId: String(run.runId),
              reason: null,
              data: null,
            });
            await tx.enqueue({ key: 'k1', kind: 'github.dispatch', payload: {}, runAt: at(0) });
            await tx.schedule({ key: 't1', kind: 'gate.window', payload: {}, fireAt: at(0) });
            await tx.appendChange('run', { runId: run.runId }, at(0));
            await tx.raiseAlert({
              key: 'lane-failed:PL-09',
              rule: 'lane_failed',
              severity: 'critical',
              title: 'PL-09 failed',
              at: at(0),
              data: {},
            });
            throw new Error('decision failed');
          }),
          /decision failed/,
        );
        assert.equal(await s.getRun(run.runId), undefined);
        assert.deepEqual(await s.listAudit({}), []);
        assert.deepEqual(await s.listOutbox({}), []);
        assert.deepEqual(await s.listTimers({}), []);
        assert.equal(await s.latestChangeSeq(), 0);
        assert.equal(await s.countOpenAlerts(), 0);

        const result = await s.transaction(async (tx) => {
          await tx.upsertRun(run);
          await tx.enqueue({ key: 'k1', kind: 'github.dispatch', payload: {}, runAt: at(0) });
          return tx.appendChange('run', { runId: run.runId }, at(0));
        });
        assert.equal(typeof result, 'number');
        assert.ok(await s.getRun(run.runId));
        assert.equal((await s.listOutbox({})).length, 1);
      });
    });

    void it('keeps concurrent transactions apart', async () => {
      await withStore(async (s) => {
        const run = runFromPayload(RUN_EXAMPLE);
        const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
        const outcomes = await Promise.allSettled([
          s.transaction(async (tx) => {
            await tx.upsertRun({ ...run, runId: 1 });
            await tick();
            await tx.appendAudit({
              at: at(0),
              actor: 'system',
              action: 'a',
              objectType: 'run',
              objectId: '1',
              reason: null,
              data: null,
            });
            await tick();
            throw new Error('roll back 1');
          }),
          s.transaction(async (tx) => {
            await tick();
            await tx.upsertRun({ ...run, runId: 2 });
            await tick();
            await tx.appendAudit({
              at: at(0),
              actor: 'system',
              action: 'b',
              objectType: 'run',
              objectId: '2',
              reason: null,
              data: null,
            });
          }),
          s.upsertRun({ ...run, runId: 3 }),
        ]);
        assert.deepEqual(
          outcomes.map((o) => o.status),
          ['rejected', 'fulfilled', 'fulfilled'],
        );
        assert.equal(await s.getRun(1), undefined);
        assert.ok(await s.getRun(2));
        assert.ok(await s.getRun(3));
        assert.deepEqual(
          (await s.listAudit({})).map((e) => e.action),
          ['b'],
        );
      });
    });

    void it('keeps releases, lanes, gate decisions, approvals, artifacts, alerts, tokens and kv', async () => {
      await withStore(async (s) => {
        const rel = {
          id: 'rel-1.4.0',
          repo: 'octo-org/example-workflow',
          tag: 'v1.4.0',
          version: '1.4.0',
          sha: 'e3103f8eb03e1ad7f2331c5446b23c070fc54055',
          manifest: { images: [{ name: 'api', digest: 'sha256:abc' }] },
          changeSummary: '12 commits',
          includesMigrations: true,
          state: 'candidate',
          currentLane: null,
          previousReleaseId: 'rel-1.3.2',
          createdBy: 'alice',
          createdAt: at(0),
          updatedAt: at(0),
          data: {},
        };
        assert.equal(await s.createRelease(rel), 'created');
        assert.equal(await s.createRelease({ ...rel, state: 'other' }), 'duplicate');
        assert.equal(
          await s.updateRelease(rel.id, { state: 'promoting', currentLane: 'PL-08', updatedAt: at(1) }),
          true,
        );
        const got = await s.getRelease(rel.id);
        assert.deepEqual(got, {
          ...rel,
          state: 'promoting',
          currentLane: 'PL-08',
          createdAt: canon(at(0)),
          updatedAt: canon(at(1)),
        });
        assert.equal(got?.includesMigrations, true);
        assert.deepEqual(
          (await s.listReleases({ state: 'promoting' })).map((r) => r.id),
          [rel.id],
        );

        await s.upsertReleaseLane({
          releaseId: rel.id,
          laneId: 'PL-08',
          position: 1,
          state: 'running',
          runId: 30_433_642_812,
          startedAt: at(1),
          finishedAt: null,
          detail: {},
          updatedAt: at(1),
        });
        await s.upsertReleaseLane({
          releaseId: rel.id,
          laneId: 'PL-07',
          position: 0,
          state: 'passed',
          runId: null,
          startedAt: null,
          finishedAt: at(1),
          detail: { note: 'ok' },
          updatedAt: at(1),
        });
        await s.upsertReleaseLane({
          releaseId: rel.id,
          laneId: 'PL-08',
          position: 1,
          state: 'passed',
          runId: 30_433_642_812,
          startedAt: at(1),
          finishedAt: at(2),
          detail: {},
          updatedAt: at(2),
        });
        const lanes = await s.listReleaseLanes(rel.id);
        assert.deepEqual(
          lanes.map((l) => [l.laneId, l.state, l.runId]),
          [
            ['PL-07', 'passed', null],
            ['PL-08', 'passed', 30_433_642_812],
          ],
        );

        await s.saveGateDecision({
          releaseId: rel.id,
          gateId: 'RG-12',
          state: 'pending',
          detail: { criteria: [] },
          waitsUntil: at(17),
          decidedAt: at(2),
        });
        await s.saveGateDecision({
          releaseId: rel.id,
          gateId: 'RG-12',
          state: 'passed',
          detail: { criteria: [1] },
          waitsUntil: null,
          decidedAt: at(18),
        });
        assert.deepEqual(await s.listGateDecisions({ releaseId: rel.id }), [
          {
            releaseId: rel.id,
            gateId: 'RG-12',
            state: 'passed',
            detail: { criteria: [1] },
            waitsUntil: null,
            decidedAt: canon(at(18)),
          },
        ]);
        assert.equal(
          await s.addApproval({
            releaseId: rel.id,
            gateId: 'RG-08',
            person: 'bob',
            at: at(3),
            comment: 'lgtm',
          }),
          'added',
        );
        assert.equal(
          await s.addApproval({
            releaseId: rel.id,
            gateId: 'RG-08',
            person: 'bob',
            at: at(4),
            comment: null,
          }),
          'duplicate',
        );
        assert.deepEqual(await s.listApprovals({ gateId: 'RG-08' }), [
          { releaseId: rel.id, gateId: 'RG-08', person: 'bob', at: canon(at(3)), comment: 'lgtm' },
        ]);

        await s.upsertArtifact({
          runId: 30_433_642_812,
          name: 'evidence-pack',
          artifactId: 9_876_543_210,
          size: 5_000_000_000,
          url: null,
          expired: false,
          createdAt: at(2),
          updatedAt: at(2),
        });
        await s.upsertArtifact({
          runId: 30_433_642_812,
          name: 'evidence-pack',
          artifactId: 9_876_543_210,
          size: 5_000_000_000,
          url: 'https://example.invalid/a',
          expired: true,
          createdAt: at(2),
          updatedAt: at(3),
        });
        assert.deepEqual(await s.listArtifacts([30_433_642_812]), [
          {
            runId: 30_433_642_812,
            name: 'evidence-pack',
            artifactId: 9_876_543_210,
            size: 5_000_000_000,
            url: 'https://example.invalid/a',
            expired: true,
            createdAt: canon(at(2)),
            updatedAt: canon(at(3)),
          },
        ]);

        // Alerts: one live alert per key with a count; resolved ones are history.
        const a1 = await s.raiseAlert({
          key: 'lane-failed:PL-09',
          rule: 'lane_failed',
          severity: 'critical',
          title: 'PL-09 failed',
          at: at(5),
          data: { run: 1 },
        });
        const a2 = await s.raiseAlert({
          key: 'lane-failed:PL-09',
          rule: 'lane_failed',
          severity: 'critical',
          title: 'PL-09 failed again',
          at: at(6),
          data: { run: 2 },
        });
        assert.equal(a1.created, true);
        assert.equal(a2.created, false);
        assert.equal(a2.alert.id, a1.alert.id);
        assert.equal(a2.alert.count, 2);
        assert.equal(a2.alert.lastAt, canon(at(6)));
        assert.equal(a2.alert.firstAt, canon(at(5)));
        assert.equal(await s.countOpenAlerts(), 1);
        assert.equal((await s.ackAlert(a1.alert.id, 'alice', at(7)))?.status, 'acked');
        assert.equal(await s.ackAlert(a1.alert.id, 'alice', at(7)), undefined);
        assert.equal(
          (
            await s.raiseAlert({
              key: 'lane-failed:PL-09',
              rule: 'lane_failed',
              severity: 'critical',
              title: 't',
              at: at(8),
              data: {},
            })
          ).alert.count,
          3,
        );
        assert.equal((await s.resolveAlert(a1.alert.id, 'system', at(9)))?.status, 'resolved');
        assert.equal(await s.countOpenAlerts(), 0);
        const a3 = await s.raiseAlert({
          key: 'lane-failed:PL-09',
          rule: 'lane_failed',
          severity: 'critical',
          title: 'PL-09 failed',
          at: at(10),
          data: {},
        });
        assert.equal(a3.created, true);
        assert.notEqual(a3.alert.id, a1.alert.id);
        assert.deepEqual(
          (await s.listAlerts({ status: 'live' })).map((a) => a.id),
          [a3.alert.id],
        );
        assert.deepEqual(
          (await s.listAlerts({ key: 'lane-failed:PL-09' })).map((a) => a.status),
          ['open', 'resolved'],
        );
        assert.equal((await s.getAlert(a1.alert.id))?.resolvedBy, 'system');

        await s.upsertPerson({ id: 'alice', name: 'Alice', createdAt: at(0) });
        await s.upsertPerson({ id: 'alice', name: 'Alice A.', createdAt: at(1) });
        assert.deepEqual(await s.listPeople(), [{ id: 'alice', name: 'Alice A.', createdAt: canon(at(0)) }]);
        const tok = {
          id: 'tok_1',
          personId: 'alice',
          name: 'ci',
          hash: 'h'.repeat(64),
          scope: 'operate' as const,
          createdAt: at(0),
          expiresAt: null,
          revokedAt: null,
          lastUsedAt: null,
        };
        await s.createToken(tok);
        await assert.rejects(s.createToken({ ...tok, id: 'tok_2' })); // hash is unique
        await s.touchToken('tok_1', at(2));
        assert.deepEqual(await s.findTokenByHash(tok.hash), {
          ...tok,
          createdAt: canon(at(0)),
          lastUsedAt: canon(at(2)),
        });
        assert.equal(await s.revokeToken('tok_1', at(3)), true);
        assert.equal(await s.revokeToken('tok_1', at(4)), false);
        assert.equal((await s.listTokens('alice'))[0]?.revokedAt, canon(at(3)));
        assert.deepEqual(await s.listTokens('nobody'), []);

        assert.equal(await s.kvGet('engine.cursor'), undefined);
        await s.kvSet('engine.cursor', { seq: 1, flags: [true, null] }, at(0));
        await s.kvSet('engine.cursor', { seq: 2, flags: [false] }, at(1));
        assert.deepEqual(await s.kvGet('engine.cursor'), { seq: 2, flags: [false] });
      });
    });

    void it('rejects invalid timestamps instead of storing them', async () => {
      await withStore(async (s) => {
        await assert.rejects(
          s.upsertRun(runFromPayload(RUN_EXAMPLE, { updatedAt: 'yesterday' })),
          /invalid timestamp/,
        );
        assert.equal(await s.getRun(runFromPayload(RUN_EXAMPLE).runId), undefined);
      });
    });

    void it('delivers notifications to listeners', async () => {
      const t = await makeTarget();
      const a = await t.open();
      const b = t.kind === 'postgres' ? await t.open() : a; // SQLite is one process: in-process wake-ups
      try {
        let got = 0;
        let other = 0;
        const off = b.onNotify('changes', () => got++);
        b.onNotify('outbox', () => other++);
        const received = await eventually(
          () => got > 0,
          () => a.notify('changes'),
        );
        assert.ok(received, 'a notify on one store reaches the listener of the other');
        assert.equal(other, 0);
        off();
        const before = got;
        // After unsubscribing, a notification on another channel proves delivery still flows, and the
        // unsubscribed listener is not called.
        const flowing = await eventually(
          () => other > 0,
          async () => {
            await a.notify('changes');
            await a.notify('outbox');
          },
        );
        assert.ok(flowing);
        assert.equal(got, before);
      } finally {
        if (b !== a) await b.close();
        await a.close();
      }
    });

    void it('gives each due timer to exactly one of two stores claiming at once', async () => {
      const t = await makeTarget();
      if (t.kind === 'sqlite') {
        // SQLite is single-process (one store per file); in-process concurrency is covered above.
        const s = await t.open();
        await s.close();
        return;
      }
      const a = await t.open();
      const b = await t.open();
      try {
        for (let i = 0; i < 60; i++)
          await a.schedule({ key: `x-${i}`, kind: 'k', payload: i, fireAt: at(0) });
        const claims = await Promise.all(
          Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).claimDueTimers({ limit: 7, now: at(1) })),
        );
        const keys = claims.flat().map((x) => x.key);
        assert.equal(new Set(keys).size, keys.length, 'no timer fired twice');
        // Whatever was skipped as locked is still pending and fires on the next round.
        const rest = await a.claimDueTimers({ limit: 100, now: at(1) });
        const all = [...keys, ...rest.map((x) => x.key)];
        assert.equal(all.length, 60);
        assert.equal(new Set(all).size, 60);
        // Deliveries and outbox items, too, go to one claimer each.
        await a.insertDeliveries(Array.from({ length: 40 }, (_, i) => delivery(`cd-${i}`)));
        for (let i = 0; i < 40; i++) await a.enqueue({ key: `ob-${i}`, kind: 'k', payload: i, runAt: at(0) });
        const [d1, d2, o1, o2] = await Promise.all([
          a.claimDeliveries({ limit: 25, leaseMs: 60_000, now: at(1), worker: 'a' }),
          b.claimDeliveries({ limit: 25, leaseMs: 60_000, now: at(1), worker: 'b' }),
          a.claimOutbox({ limit: 25, now: at(1), leaseMs: 60_000 }),
          b.claimOutbox({ limit: 25, now: at(1), leaseMs: 60_000 }),
        ]);
        const dg = [...d1, ...d2].map((d) => d.guid);
        assert.equal(new Set(dg).size, dg.length);
        const og = [...o1, ...o2].map((o) => o.key);
        assert.equal(new Set(og).size, og.length);
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
}

storeSuite('SQLite', makeSqlite);
storeSuite('PostgreSQL', makePostgres);

after(async () => {
  await cleanupTestDatabases();
});

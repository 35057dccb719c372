// Seeds run history straight into a Lanes database (not through HTTP): batched multi-row inserts, one
// transaction per 5,000 runs. Runs are spread over the 11 catalog workflows (examples/ops/lanes.yaml)
// with realistic fields (newest last, a few failures and cancellations, the newest few still running),
// and every 4th run gets two jobs. Run ids and start times continue from what is already there, so
// 10 k → 100 k → 1 M is seeded incrementally.
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { SQLITE_FILE } from '../src/store/sqlite-store.ts';
import { JOB_COLS, RUN_COLS } from '../src/store/repos/runs-batch.ts';

export const CATALOG_WORKFLOWS: {
  id: string;
  file: string;
  name: string;
  event: string;
  environment: string | null;
}[] = [
  { id: 'WF-01', file: 'ci-pr-fast.yml', name: 'ci-pr-fast', event: 'pull_request', environment: null },
  {
    id: 'WF-02',
    file: 'ci-pr-contracts.yml',
    name: 'ci-pr-contracts',
    event: 'pull_request',
    environment: null,
  },
  {
    id: 'WF-03',
    file: 'build-main-release-assets.yml',
    name: 'build-main-release-assets',
    event: 'push',
    environment: null,
  },
  { id: 'WF-04', file: 'deploy-staging.yml', name: 'deploy-staging', event: 'push', environment: 'staging' },
  {
    id: 'WF-05',
    file: 'open-release-candidate.yml',
    name: 'open-release-candidate',
    event: 'workflow_dispatch',
    environment: null,
  },
  {
    id: 'WF-06',
    file: 'prod-db-preflight.yml',
    name: 'prod-db-preflight',
    event: 'workflow_dispatch',
    environment: 'prod',
  },
  { id: 'WF-07', file: 'release-prod-ops.yml', name: 'release-prod-ops', event: 'push', environment: 'prod' },
  {
    id: 'WF-08',
    file: 'release-prod-pulse.yml',
    name: 'release-prod-pulse',
    event: 'push',
    environment: 'prod',
  },
  {
    id: 'WF-09',
    file: 'post-release-verify.yml',
    name: 'post-release-verify',
    event: 'workflow_run',
    environment: 'prod',
  },
  {
    id: 'WF-10',
    file: 'rollback-prod-ops.yml',
    name: 'rollback-prod-ops',
    event: 'workflow_dispatch',
    environment: 'prod',
  },
  {
    id: 'WF-11',
    file: 'rollback-prod-pulse.yml',
    name: 'rollback-prod-pulse',
    event: 'workflow_dispatch',
    environment: 'prod',
  },
];

// The store's own column lists; the seeder leaves `display_title` empty (NULL), as for runs of old deliveries.
const RUN_COLUMNS = RUN_COLS.filter((c) => c !== 'display_title');
const JOB_COLUMNS = JOB_COLS;
const PG_RUN_TYPES = [
  'bigint',
  'int',
  'text',
  'text',
  'text',
  'text',
  'int',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
];
const PG_JOB_TYPES = [
  'bigint',
  'bigint',
  'int',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
];

const FIRST_RUN_ID = 9_000_000_000;
const START_MS = Date.parse('2020-01-01T00:00:00Z');
const STEP_MS = 60_000; // one run a minute across all workflows
const BATCH = 5_000;
const ACTORS = ['nata-onl', 'release-bot', 'dependabot[bot]', 'mira-k', 'oskar-j'];

type Row = (string | number | null)[];

function hex(n: number, len: number): string {
  let s = '';
  let x = n >>> 0;
  while (s.length < len) {
    x = (Math.imul(x ^ (x >>> 15), 2246822507) + 0x9e3779b9) >>> 0;
    s += x.toString(16).padStart(8, '0');
  }
  return s.slice(0, len);
}

/** Rows for run index i (0-based over the whole history); `total` decides which newest runs are still running. */
function rowsFor(i: number, total: number): { run: Row; jobs: Row[] } {
  const wf = CATALOG_WORKFLOWS[i % CATALOG_WORKFLOWS.length] ?? CATALOG_WORKFLOWS[0];
  if (!wf) throw new Error('no workflows');
  const runId = FIRST_RUN_ID + i;
  const started = new Date(START_MS + i * STEP_MS);
  const running = i >= total - 3;
  const roll = (i * 7919) % 100;
  const conclusion = running ? null : roll < 6 ? 'failure' : roll < 8 ? 'cancelled' : 'success';
  const updated = new Date(started.getTime() + (running ? 30_000 : 240_000 + (roll % 10) * 30_000));
  const sha = hex(Math.floor(i / 3), 40);
  const branch = wf.event === 'pull_request' ? `feature/change-${Math.floor(i / 11) % 997}` : 'main';
  const run: Row = [
    runId,
    1,
    'nata-onl/ops',
    `.github/workflows/${wf.file}`,
    wf.name,
    wf.id,
    Math.floor(i / 11) + 1,
    wf.event,
    branch,
    sha,
    running ? 'in_progress' : 'completed',
    conclusion,
    wf.environment,
    `https://github.com/nata-onl/ops/actions/runs/${runId}`,
    started.toISOString(),
    updated.toISOString(),
    ACTORS[i % ACTORS.length] ?? null,
  ];
  const jobs: Row[] = [];
  if (i % 4 === 0) {
    for (const [k, name] of ['build', 'test'].entries()) {
      const jobId = 2 * runId + k;
      jobs.push([
        jobId,
        runId,
        1,
        'nata-onl/ops',
        name,
        running ? 'in_progress' : 'completed',
        conclusion,
        started.toISOString(),
        running ? null : updated.toISOString(),
        `https://github.com/nata-onl/ops/actions/runs/${runId}/job/${jobId}`,
        JSON.stringify(['ubuntu-latest']),
        `GitHub Actions ${(i % 50) + 1}`,
        updated.toISOString(),
      ]);
    }
  }
  return { run, jobs };
}

export interface SeedTarget {
  kind: 'sqlite' | 'postgres';
  dataDir: string;
  databaseUrl?: string;
}

/** Adds runs until the store holds `total` seeded runs. Returns how many were added and the time taken. */
export async function seedRunsTo(
  target: SeedTarget,
  total: number,
  progress: (done: number) => void = () => undefined,
): Promise<{ added: number; ms: number }> {
  const t0 = performance.now();
  if (target.kind === 'sqlite') {
    const db = new Database(path.join(target.dataDir, SQLITE_FILE));
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      const have = (
        db.prepare('select count(*) as n from runs where run_id >= ?').get(FIRST_RUN_ID) as { n: number }
      ).n;
      // Multi-row statements of 500 rows (17 params each, under SQLite's 32,766 parameter limit).
      const CHUNK = 500;
      const insRuns = db.prepare(
        `insert into runs (${RUN_COLUMNS.join(',')}) values ${Array(CHUNK)
          .fill(`(${RUN_COLUMNS.map(() => '?').join(',')})`)
          .join(',')}`,
      );
      const insRun1 = db.prepare(
        `insert into runs (${RUN_COLUMNS.join(',')}) values (${RUN_COLUMNS.map(() => '?').join(',')})`,
      );
      const insJob1 = db.prepare(
        `insert into jobs (${JOB_COLUMNS.join(',')}) values (${JOB_COLUMNS.map(() => '?').join(',')})`,
      );
      const batch = db.transaction((from: number, to: number) => {
        let i = from;
        for (; i + CHUNK <= to; i += CHUNK) {
          const params: Row = [];
          for (let j = i; j < i + CHUNK; j++) {
            const r = rowsFor(j, total);
            params.push(...r.run);
            for (const job of r.jobs) insJob1.run(job);
          }
          insRuns.run(params);
        }
        for (; i < to; i++) {
          const r = rowsFor(i, total);
          insRun1.run(r.run);
          for (const job of r.jobs) insJob1.run(job);
        }
      });
      // The previous newest runs were "still running": finish them, as newer history now exists.
      db.prepare(
        `update runs set status='completed', conclusion='success' where run_id >= ? and status <> 'completed'`,
      ).run(FIRST_RUN_ID);
      for (let from = have; from < total; from += BATCH) {
        batch(from, Math.min(total, from + BATCH));
        progress(Math.min(total, from + BATCH));
      }
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.exec('analyze');
      return { added: Math.max(0, total - have), ms: performance.now() - t0 };
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: target.databaseUrl });
  await client.connect();
  try {
    const have = Number(
      (await client.query('select count(*) as n from runs where run_id >= $1', [FIRST_RUN_ID])).rows[0]?.n ??
        0,
    );
    await client.query(
      `update runs set status='completed', conclusion='success' where run_id >= $1 and status <> 'completed'`,
      [FIRST_RUN_ID],
    );
    // One multi-row insert per table per batch: unnest() over one array per column.
    const unnestSql = (table: string, cols: readonly string[], types: string[]) =>
      `insert into ${table} (${cols.join(',')}) select * from unnest(${cols.map((_, k) => `$${k + 1}::${types[k]}[]`).join(',')})`;
    const runSql = unnestSql('runs', RUN_COLUMNS, PG_RUN_TYPES);
    const jobSql = unnestSql('jobs', JOB_COLUMNS, PG_JOB_TYPES);
    for (let from = have; from < total; from += BATCH) {
      const to = Math.min(total, from + BATCH);
      const runCols: Row[] = RUN_COLUMNS.map(() => []);
      const jobCols: Row[] = JOB_COLUMNS.map(() => []);
      for (let i = from; i < to; i++) {
        const r = rowsFor(i, total);
        r.run.forEach((v, k) => runCols[k]?.push(v));
        for (const job of r.jobs) job.forEach((v, k) => jobCols[k]?.push(v));
      }
      await client.query('begin');
      await client.query(runSql, runCols);
      if ((jobCols[0]?.length ?? 0) > 0) await client.query(jobSql, jobCols);
      await client.query('commit');
      progress(to);
    }
    await client.query('analyze runs');
    await client.query('analyze jobs');
    return { added: Math.max(0, total - have), ms: performance.now() - t0 };
  } finally {
    await client.end();
  }
}

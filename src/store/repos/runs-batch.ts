// Runs and jobs of one processing chunk written together: one locking read of the rows they touch and
// one multi-row INSERT ... ON CONFLICT DO UPDATE per table (per 500 rows), instead of a read and a write
// per delivery. Guarantees: each item's outcome is what upsertRun / upsertJob would have given applying
// the items one by one in order (newest state wins by attempt, then GitHub's time — core's
// isNewerRunState / isNewerJobState; a later item for the same run wins only when it is newer; facts learnt
// elsewhere survive). A row absent at the read that another transaction inserts before our write is left
// to that transaction (the upsert updates only rows it read and locked); its items are then applied one
// by one against the winner (the per-row compare-and-set).
import { CompiledQuery } from 'kysely';
import { isNewerJobState, isNewerRunState, type JobRecord, type RunRecord } from '../../core/run-model.ts';
import type { Upsert } from '../store.ts';
import { INSERT_CHUNK, chunks, type Db, type Row, type TxCtx } from './shared.ts';

/** The runs table's columns a run record fills (also the bench seeder's). */
export const RUN_COLS = [
  'run_id',
  'run_attempt',
  'repo',
  'workflow_path',
  'workflow_name',
  'workflow_id',
  'run_number',
  'event',
  'head_branch',
  'head_sha',
  'status',
  'conclusion',
  'environment',
  'html_url',
  'run_started_at',
  'updated_at',
  'actor',
  'display_title',
] as const satisfies readonly (keyof Row<'runs'>)[];

/** The jobs table's columns a job record fills (also the bench seeder's). */
export const JOB_COLS = [
  'job_id',
  'run_id',
  'run_attempt',
  'repo',
  'name',
  'status',
  'conclusion',
  'started_at',
  'completed_at',
  'html_url',
  'labels',
  'runner_name',
  'updated_at',
] as const satisfies readonly (keyof Row<'jobs'>)[];

/** How one table is batched: its key, columns, conversions, ordering and merge of an update. */
interface Spec<Rec, R extends Row<'runs'> | Row<'jobs'>> {
  table: 'runs' | 'jobs';
  key: 'run_id' | 'job_id';
  cols: readonly (keyof R & string)[];
  keyOf: (r: Rec) => number;
  toRow: (r: Rec) => R;
  fromRow: (r: R) => Rec;
  isNewer: (incoming: Rec, cur: Rec) => boolean;
  /** The row written when `incoming` replaces `cur` (undefined: a new row). */
  merge: (incoming: R, cur: R | undefined) => R;
  /** SQL for one column's value (default a parameter); the runs' environment falls back to a deployment's. */
  valueSql?: (col: string, p: () => string) => string | undefined;
  extraParams?: (col: string, row: R) => unknown[];
}

const sqlTexts = new Map<string, string>();

function upsertText<R extends Row<'runs'> | Row<'jobs'>>(
  spec: Spec<unknown, R>,
  pg: boolean,
  rows: number,
  existing: number,
): string {
  const cacheKey = `${spec.table}|${pg ? 'pg' : 'sqlite'}|${rows}|${existing}`;
  const hit = sqlTexts.get(cacheKey);
  if (hit !== undefined) return hit;
  let n = 0;
  const p = (): string => (pg ? `$${++n}` : '?');
  const tuple = (): string => `(${spec.cols.map((c) => spec.valueSql?.(c, p) ?? p()).join(', ')})`;
  const values = Array.from({ length: rows }, tuple).join(', ');
  const set = spec.cols
    .filter((c) => c !== spec.key)
    .map((c) => `${c} = excluded.${c}`)
    .join(', ');
  // Only rows read (and, on PostgreSQL, locked) are updated: a row inserted meanwhile is not overwritten.
  const onConflict =
    existing === 0
      ? 'do nothing'
      : `do update set ${set} where excluded.${spec.key} in (${Array.from({ length: existing }, p).join(', ')})`;
  const text = `insert into ${spec.table} (${spec.cols.join(', ')}) values ${values} on conflict (${spec.key}) ${onConflict} returning ${spec.key}`;
  sqlTexts.set(cacheKey, text);
  return text;
}

async function batchUpsert<Rec, R extends Row<'runs'> | Row<'jobs'>>(
  { db, pg }: TxCtx,
  spec: Spec<Rec, R>,
  items: Rec[],
  one: (r: Rec) => Promise<Upsert>,
): Promise<Upsert[]> {
  if (items.length === 0) return [];
  const keys = [...new Set(items.map(spec.keyOf))];
  const current = new Map<number, R>();
  for (const part of chunks(keys, INSERT_CHUNK)) {
    const rows = (await db
      .selectFrom(spec.table)
      .selectAll()
      .where(spec.key, 'in', part)
      .orderBy(spec.key) // one lock order for every replica
      .$if(pg, (q) => q.forUpdate())
      .execute()) as R[];
    for (const r of rows) current.set(Number(r[spec.key as keyof R]), r);
  }
  const existed = new Set(current.keys());
  // Apply in order in memory: the outcome of each item, and the row each key ends with.
  const changed = new Set<number>();
  const outcomes: Upsert[] = items.map((item) => {
    const k = spec.keyOf(item);
    const cur = current.get(k);
    if (cur !== undefined && !spec.isNewer(item, spec.fromRow(cur))) return 'stale';
    current.set(k, spec.merge(spec.toRow(item), cur));
    changed.add(k);
    return 'applied';
  });
  const written = new Set<number>();
  for (const part of chunks([...changed], INSERT_CHUNK)) {
    const olds = part.filter((k) => existed.has(k));
    const params: unknown[] = [];
    for (const k of part) {
      const row = current.get(k);
      if (row === undefined) continue;
      for (const c of spec.cols) {
        params.push(row[c]);
        params.push(...(spec.extraParams?.(c, row) ?? []));
      }
    }
    params.push(...olds);
    const text = upsertText(spec as unknown as Spec<unknown, R>, pg, part.length, olds.length);
    const { rows } = await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, params));
    for (const r of rows) written.add(Number(r[spec.key]));
  }
  // Lost an insert race (PostgreSQL, another replica inserted the row first): one by one against the winner.
  const lost = new Set([...changed].filter((k) => !written.has(k)));
  if (lost.size === 0) return outcomes;
  const out = [...outcomes];
  for (const [i, item] of items.entries()) if (lost.has(spec.keyOf(item))) out[i] = await one(item);
  return out;
}

/** upsertRuns / upsertJobs over a transaction, given the row conversions of repos/runs.ts. */
export function batchWrites(
  ctx: TxCtx,
  conv: {
    runToRow: (r: RunRecord) => Row<'runs'>;
    rowToRun: (r: Row<'runs'>) => RunRecord;
    jobToRow: (j: JobRecord, repo: string) => Row<'jobs'>;
    rowToJob: (r: Row<'jobs'>) => JobRecord;
    upsertRun: (r: RunRecord) => Promise<Upsert>;
    upsertJob: (j: JobRecord, repo: string) => Promise<Upsert>;
  },
) {
  const runSpec: Spec<RunRecord, Row<'runs'>> = {
    table: 'runs',
    key: 'run_id',
    cols: RUN_COLS,
    keyOf: (r) => r.runId,
    toRow: conv.runToRow,
    fromRow: conv.rowToRun,
    isNewer: (incoming, cur) => isNewerRunState(incoming, cur),
    merge: (row, cur) => ({
      ...row,
      environment: row.environment ?? cur?.environment ?? null,
      workflow_id: row.workflow_id ?? cur?.workflow_id ?? null,
      actor: row.actor ?? cur?.actor ?? null,
      display_title: row.display_title ?? cur?.display_title ?? null,
    }),
    // A run that does not say its environment takes it from a deployment of that run stored earlier.
    valueSql: (col, p) =>
      col === 'environment'
        ? `coalesce(${p()}, (select d.environment from deployments d where d.run_id = ${p()} order by d.updated_at desc limit 1))`
        : undefined,
    extraParams: (col, row) => (col === 'environment' ? [row.run_id] : []),
  };
  type JobItem = { job: JobRecord; repo: string };
  const jobSpec: Spec<JobItem, Row<'jobs'>> = {
    table: 'jobs',
    key: 'job_id',
    cols: JOB_COLS,
    keyOf: (j) => j.job.jobId,
    toRow: (j) => conv.jobToRow(j.job, j.repo),
    fromRow: (r) => ({ job: conv.rowToJob(r), repo: r.repo }),
    isNewer: (incoming, cur) => isNewerJobState(incoming.job, cur.job),
    merge: (row) => row,
  };
  return {
    upsertRuns: (runs: RunRecord[]): Promise<Upsert[]> =>
      batchUpsert(ctx, runSpec, runs, (r) => conv.upsertRun(r)),
    upsertJobs: (jobs: JobItem[]): Promise<Upsert[]> =>
      batchUpsert(ctx, jobSpec, jobs, (j) => conv.upsertJob(j.job, j.repo)),
    /** Runs by id, read inside the transaction (sees its own writes); absent ids are left out. */
    async getRuns(runIds: number[]): Promise<RunRecord[]> {
      const out: RunRecord[] = [];
      for (const part of chunks([...new Set(runIds)], INSERT_CHUNK)) {
        const rows = await (ctx.db as Db)
          .selectFrom('runs')
          .selectAll()
          .where('run_id', 'in', part)
          .execute();
        out.push(...rows.map(conv.rowToRun));
      }
      return out;
    },
  };
}

// Workflow runs and their jobs: one row per run (its newest attempt) and one per job.
// Guarantees: newest-state-wins — an update is applied only when core's isNewerRunState /
// isNewerJobState says it is newer (attempt, then GitHub's own time), never by arrival order; facts
// learnt from other sources (environment, workflow id, actor) survive an update that lacks them.
// upsertRuns / upsertJobs (runs-batch.ts) give the same outcomes for a chunk in two statements.
import {
  isNewerJobState,
  isNewerRunState,
  type GhConclusion,
  type GhRunStatus,
  type JobRecord,
  type RunRecord,
} from '../../core/run-model.ts';
import type { RunFilter, Upsert } from '../store.ts';
import { batchWrites } from './runs-batch.ts';
import {
  INSERT_CHUNK,
  chunks,
  compareAndSet,
  fromJson,
  iso,
  isoOrNull,
  num,
  toJson,
  type ReadCtx,
  type Row,
  type TxCtx,
} from './shared.ts';

function runToRow(r: RunRecord): Row<'runs'> {
  return {
    run_id: r.runId,
    run_attempt: r.runAttempt,
    repo: r.repo,
    workflow_path: r.workflowPath,
    workflow_name: r.workflowName,
    workflow_id: r.workflowId,
    run_number: r.runNumber,
    event: r.event,
    head_branch: r.headBranch,
    head_sha: r.headSha,
    status: r.status,
    conclusion: r.conclusion,
    environment: r.environment,
    html_url: r.htmlUrl,
    run_started_at: iso(r.runStartedAt),
    updated_at: iso(r.updatedAt),
    actor: r.actor,
    display_title: r.displayTitle ?? null,
  };
}
function rowToRun(r: Row<'runs'>): RunRecord {
  return {
    runId: num(r.run_id),
    runAttempt: num(r.run_attempt),
    repo: r.repo,
    workflowPath: r.workflow_path,
    workflowName: r.workflow_name,
    workflowId: r.workflow_id,
    runNumber: num(r.run_number),
    event: r.event,
    headBranch: r.head_branch,
    headSha: r.head_sha,
    status: r.status as GhRunStatus,
    conclusion: r.conclusion as GhConclusion | null,
    environment: r.environment,
    htmlUrl: r.html_url,
    runStartedAt: r.run_started_at,
    updatedAt: r.updated_at,
    actor: r.actor,
    // Present only when GitHub sent one (as the normaliser does).
    ...(r.display_title !== null ? { displayTitle: r.display_title } : {}),
  };
}
function jobToRow(j: JobRecord, repo: string): Row<'jobs'> {
  return {
    job_id: j.jobId,
    run_id: j.runId,
    run_attempt: j.runAttempt,
    repo,
    name: j.name,
    status: j.status,
    conclusion: j.conclusion,
    started_at: isoOrNull(j.startedAt),
    completed_at: isoOrNull(j.completedAt),
    html_url: j.htmlUrl,
    labels: toJson(j.labels),
    runner_name: j.runnerName,
    updated_at: iso(j.updatedAt),
  };
}
function rowToJob(r: Row<'jobs'>): JobRecord {
  return {
    jobId: num(r.job_id),
    runId: num(r.run_id),
    runAttempt: num(r.run_attempt),
    name: r.name,
    status: r.status as GhRunStatus,
    conclusion: r.conclusion as GhConclusion | null,
    startedAt: r.started_at,
    completedAt: r.completed_at,
    htmlUrl: r.html_url,
    labels: (fromJson(r.labels) as string[] | null) ?? [],
    runnerName: r.runner_name,
    updatedAt: r.updated_at,
  };
}

export function runReads({ db }: ReadCtx) {
  return {
    async getRun(runId: number): Promise<RunRecord | undefined> {
      const row = await db.selectFrom('runs').selectAll().where('run_id', '=', runId).executeTakeFirst();
      return row === undefined ? undefined : rowToRun(row);
    },

    /** Newest first (run_started_at desc, run_id desc). Default limit 100. */
    async listRuns(filter: RunFilter): Promise<RunRecord[]> {
      if (filter.workflowIds !== undefined && filter.workflowIds.length === 0) return [];
      const rows = await db
        .selectFrom('runs')
        .selectAll()
        .$if(filter.workflowId !== undefined, (q) => q.where('workflow_id', '=', filter.workflowId ?? ''))
        .$if(filter.workflowIds !== undefined, (q) => q.where('workflow_id', 'in', filter.workflowIds ?? []))
        .$if(filter.environment !== undefined, (q) => q.where('environment', '=', filter.environment ?? ''))
        .$if(filter.event !== undefined, (q) => q.where('event', '=', filter.event ?? ''))
        .$if(filter.headSha !== undefined, (q) => q.where('head_sha', '=', filter.headSha ?? ''))
        // Candidates only (LIKE's _ is a wildcard): the core's runNamesRelease decides.
        .$if(filter.namesRelease !== undefined, (q) =>
          q
            .where('event', '=', 'workflow_dispatch')
            .where((eb) =>
              eb.or([
                eb('display_title', '=', filter.namesRelease ?? ''),
                eb('display_title', 'like', `${filter.namesRelease ?? ''} %`),
              ]),
            ),
        )
        .$if(filter.before !== undefined, (q) => q.where('run_started_at', '<', iso(filter.before ?? '')))
        .orderBy('run_started_at', 'desc')
        .orderBy('run_id', 'desc')
        .limit(filter.limit ?? 100)
        .execute();
      return rows.map(rowToRun);
    },

    /** Jobs of these runs, by run then job id. */
    async listJobs(runIds: number[]): Promise<JobRecord[]> {
      const out: JobRecord[] = [];
      for (const part of chunks([...new Set(runIds)], INSERT_CHUNK)) {
        const rows = await db
          .selectFrom('jobs')
          .selectAll()
          .where('run_id', 'in', part)
          .orderBy('run_id', 'desc')
          .orderBy('job_id')
          .execute();
        out.push(...rows.map(rowToJob));
      }
      return out;
    },
  };
}

export function runWrites(ctx: TxCtx) {
  const { db, pg } = ctx;
  const single = {
    upsertRun(run: RunRecord): Promise<Upsert> {
      const row = runToRow(run);
      // A run that does not say its environment takes it from a deployment of that run stored earlier (they
      // arrive in either order) inside the same statement: one round trip less per run delivery on PostgreSQL
      // than a separate adoptDeploymentEnvironment after it.
      const deployedEnvironment = db
        .selectFrom('deployments')
        .select('environment')
        .where('run_id', '=', run.runId)
        .orderBy('updated_at', 'desc')
        .limit(1);
      return compareAndSet({
        read: () =>
          db
            .selectFrom('runs')
            .selectAll()
            .where('run_id', '=', run.runId)
            .$if(pg, (q) => q.forUpdate())
            .executeTakeFirst(),
        insert: async () =>
          (await db
            .insertInto('runs')
            .values({ ...row, environment: row.environment ?? deployedEnvironment })
            .onConflict((oc) => oc.column('run_id').doNothing())
            .returning('run_id')
            .executeTakeFirst()) !== undefined,
        isNewer: (cur) => isNewerRunState(run, rowToRun(cur)),
        update: async (cur) => {
          await db
            .updateTable('runs')
            .set({
              ...row,
              environment: row.environment ?? cur.environment ?? deployedEnvironment,
              workflow_id: row.workflow_id ?? cur.workflow_id,
              actor: row.actor ?? cur.actor,
              display_title: row.display_title ?? cur.display_title,
            })
            .where('run_id', '=', run.runId)
            .execute();
        },
      });
    },

    /** Sets a run's deployment environment learnt from its jobs or deployments (upsertRun keeps it). */
    async setRunEnvironment(runId: number, environment: string): Promise<void> {
      await db.updateTable('runs').set({ environment }).where('run_id', '=', runId).execute();
    },

    /** A run whose environment is unknown takes it from a deployment that arrived before it (one statement). */
    async adoptDeploymentEnvironment(runId: number): Promise<void> {
      await db
        .updateTable('runs')
        .set((eb) => ({
          environment: eb
            .selectFrom('deployments')
            .select('environment')
            .where('run_id', '=', runId)
            .orderBy('updated_at', 'desc')
            .limit(1),
        }))
        .where('run_id', '=', runId)
        .where('environment', 'is', null)
        .where((eb) => eb.exists(eb.selectFrom('deployments').select('run_id').where('run_id', '=', runId)))
        .execute();
    },

    upsertJob(job: JobRecord, repo: string): Promise<Upsert> {
      const row = jobToRow(job, repo);
      return compareAndSet({
        read: () =>
          db
            .selectFrom('jobs')
            .selectAll()
            .where('job_id', '=', job.jobId)
            .$if(pg, (q) => q.forUpdate())
            .executeTakeFirst(),
        insert: async () =>
          (await db
            .insertInto('jobs')
            .values(row)
            .onConflict((oc) => oc.column('job_id').doNothing())
            .returning('job_id')
            .executeTakeFirst()) !== undefined,
        isNewer: (cur) => isNewerJobState(job, rowToJob(cur)),
        update: async () => {
          await db.updateTable('jobs').set(row).where('job_id', '=', job.jobId).execute();
        },
      });
    },
  };
  // The same, for a whole processing chunk at once (repos/runs-batch.ts).
  const batch = batchWrites(ctx, {
    runToRow,
    rowToRun,
    jobToRow,
    rowToJob,
    upsertRun: single.upsertRun,
    upsertJob: single.upsertJob,
  });
  return { ...single, ...batch };
}

// The reconcile loop: nothing GitHub did is lost because a webhook was. One pass (every
// LANES_RECONCILE_INTERVAL seconds, or now through `lanes reconcile`):
// - the App's hook deliveries: a delivery GitHub could not hand over (no 2xx), whose GUID never reached
//   the inbox and was not retried lately, is redelivered by GitHub (same GUID, so the inbox dedupes it);
// - each catalog repository's recent workflow runs (and the jobs of a run that differs): a run or job the
//   store lacks, or holds in an older state, is fed to the SAME inbox as a synthetic delivery in webhook
//   shape. Its GUID is derived from the GitHub object's id and state, so a second pass (or another replica)
//   adds nothing, and the applier's compare-and-set keeps it idempotent with a webhook arriving later.
// Guarantees: a pass never writes state directly (only inbox rows, applied by the inbox worker like any
// delivery); counts of gaps found and filled per source are kept in the store (metrics read them there);
// one failing source is reported and does not stop the others; passes never overlap in one process.
import type { Logger } from 'pino';
import type { Catalog } from '../core/catalog-model.ts';
import { workflowRepository } from '../core/evidence-provenance.ts';
import { catalogRepositories } from '../core/run-scope.ts';
import type { ReconcileResult, ReconcileSourceResult } from '../contract/views.ts';
import {
  deliveryFailed,
  type HookDelivery,
  type ReconcileClient,
  type WorkflowJobSummary,
  type WorkflowRunSummary,
} from '../github/reconcile-client.ts';
import type { NewDelivery, Store } from '../store/store.ts';

export interface ReconcilerOptions {
  clock: () => Date;
  log: Logger;
  /** How far back runs are compared (default 24 h): a run created earlier is left alone. */
  lookbackMs?: number;
  /** Whether the App's hook deliveries can be listed (App credentials, not a token). */
  asApp: boolean;
  /** A failed delivery redelivered within this window is not asked for again (default 30 min). */
  redeliverBackoffMs?: number;
  /** Called when synthetic deliveries were stored (wakes the inbox). */
  onDeliveryStored: () => void;
  /** Catalog from Git: adopt the newest accepted version, fetch a branch head never judged (issue 12). */
  catalog?: (() => Promise<ReconcileSourceResult>) | undefined;
}

const DAY_MS = 24 * 3600_000;

function actionOf(status: string | null, queued: string): string {
  return status === 'completed' ? 'completed' : status === 'in_progress' ? 'in_progress' : queued;
}

function repositoryObject(raw: Record<string, unknown>, repo: string): unknown {
  const r = raw.repository;
  return r !== null && typeof r === 'object' ? r : { full_name: repo };
}

function workflowFiles(c: Catalog, repo: string): Set<string> {
  return new Set(c.workflows.filter((w) => workflowRepository(c, w) === repo).map((w) => w.file));
}

export class Reconciler {
  private running: Promise<ReconcileResult> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly catalog: () => Catalog,
    private readonly client: ReconcileClient,
    private readonly opts: ReconcilerOptions,
  ) {}

  /** One pass; a pass already in flight in this process is joined, not doubled. */
  runOnce(): Promise<ReconcileResult> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Every intervalS seconds (the first pass soon after start). 0: off. */
  start(intervalS: number): void {
    if (intervalS <= 0 || this.timer) return;
    const tick = (delayMs: number) => {
      this.timer = setTimeout(() => {
        void this.runOnce()
          .catch((e: unknown) => this.opts.log.error({ err: String(e) }, 'reconcile pass failed'))
          .finally(() => {
            if (this.timer) tick(intervalS * 1000);
          });
      }, delayMs);
      this.timer.unref();
    };
    tick(Math.min(5_000, intervalS * 1000));
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  private async pass(): Promise<ReconcileResult> {
    const startedAt = this.opts.clock().toISOString();
    const sources: ReconcileSourceResult[] = [];
    sources.push(await this.deliveries(startedAt));
    if (this.opts.catalog) sources.push(await this.opts.catalog());
    const catalog = this.catalog();
    for (const repo of catalogRepositories(catalog))
      sources.push(await this.runs(repo, workflowFiles(catalog, repo), startedAt));
    const stored = sources.reduce((n, s) => n + s.filled, 0);
    if (stored > 0) this.opts.onDeliveryStored();
    for (const s of sources)
      if (s.error === null)
        await this.store.recordReconcilePass(s.source, {
          checkedUntil: startedAt,
          found: s.found,
          filled: s.filled,
          at: startedAt,
        });
    const result: ReconcileResult = { at: startedAt, sources };
    this.opts.log.info(
      { found: sources.reduce((n, s) => n + s.found, 0), filled: stored },
      'reconcile pass finished',
    );
    return result;
  }

  /** Failed App deliveries that never reached the inbox: ask GitHub to redeliver them. */
  private async deliveries(now: string): Promise<ReconcileSourceResult> {
    const source = 'app-deliveries';
    if (!this.opts.asApp)
      return { source, checked: 0, found: 0, filled: 0, error: null, skipped: 'not a GitHub App' };
    const since = new Date(Date.parse(now) - (this.opts.lookbackMs ?? DAY_MS)).toISOString();
    const listed = await this.client.listAppHookDeliveries({ since });
    if (!listed.ok) return { source, checked: 0, found: 0, filled: 0, error: listed.message, skipped: null };
    const byGuid = new Map<string, HookDelivery[]>();
    for (const d of listed.data) byGuid.set(d.guid, [...(byGuid.get(d.guid) ?? []), d]);
    const backoff = this.opts.redeliverBackoffMs ?? 30 * 60_000;
    let found = 0;
    let filled = 0;
    for (const [guid, attempts] of byGuid) {
      if (guid === '' || attempts.some((a) => !deliveryFailed(a))) continue;
      if (await this.store.hasDelivery(guid)) continue;
      found++;
      const recentRetry = attempts.some(
        (a) => a.redelivery && Date.parse(now) - Date.parse(a.deliveredAt) < backoff,
      );
      if (recentRetry) continue;
      const newest = attempts.reduce((a, b) =>
        Date.parse(b.deliveredAt) > Date.parse(a.deliveredAt) ? b : a,
      );
      const r = await this.client.redeliverAppHookDelivery(newest.id);
      if (r.ok) filled++;
      else this.opts.log.warn({ guid, err: r.message }, 'redelivery request failed');
    }
    return { source, checked: listed.data.length, found, filled, error: null, skipped: null };
  }

  /** Runs (and their jobs) GitHub has that the store lacks or holds older: feed them to the inbox. */
  private async runs(repo: string, files: Set<string>, now: string): Promise<ReconcileSourceResult> {
    const source = `runs:${repo}`;
    const since = new Date(Date.parse(now) - (this.opts.lookbackMs ?? DAY_MS)).toISOString();
    const listed = await this.client.listWorkflowRuns(repo, { created: `>=${since}` });
    if (!listed.ok) return { source, checked: 0, found: 0, filled: 0, error: listed.message, skipped: null };
    const runs = listed.data.filter((r) => r.path !== null && files.has(r.path.split('@')[0] ?? ''));
    const missing: NewDelivery[] = [];
    let found = 0;
    for (const run of runs) {
      const stored = await this.store.getRun(run.id);
      const behind =
        !stored ||
        stored.runAttempt < run.runAttempt ||
        (stored.runAttempt === run.runAttempt &&
          (stored.status !== run.status || stored.conclusion !== run.conclusion));
      if (behind) {
        found++;
        missing.push(this.runDelivery(repo, run, now));
      }
      if (behind || run.status !== 'completed' || stored?.status !== 'completed') {
        const jobs = await this.client.listJobsForRunAttempt(repo, run.id, run.runAttempt);
        if (!jobs.ok)
          return { source, checked: runs.length, found, filled: 0, error: jobs.message, skipped: null };
        const have = new Map((await this.store.listJobs([run.id])).map((j) => [j.jobId, j]));
        for (const job of jobs.data) {
          const h = have.get(job.id);
          if (
            h &&
            h.runAttempt === job.runAttempt &&
            h.status === job.status &&
            h.conclusion === job.conclusion
          )
            continue;
          found++;
          missing.push(this.jobDelivery(repo, run, job, now));
        }
      }
    }
    const inserted = missing.length > 0 ? await this.store.insertDeliveries(missing) : [];
    const filled = inserted.filter((r) => r === 'inserted').length;
    return { source, checked: runs.length, found, filled, error: null, skipped: null };
  }

  private runDelivery(repo: string, run: WorkflowRunSummary, now: string): NewDelivery {
    const action = actionOf(run.status, 'requested');
    return {
      guid: `reconcile:run:${run.id}:${run.runAttempt}:${run.status ?? ''}:${run.conclusion ?? ''}`,
      event: 'workflow_run',
      action,
      receivedAt: now,
      body: JSON.stringify({
        action,
        workflow_run: run.raw,
        repository: repositoryObject(run.raw, repo),
      }),
      source: 'reconcile',
    };
  }

  private jobDelivery(
    repo: string,
    run: WorkflowRunSummary,
    job: WorkflowJobSummary,
    now: string,
  ): NewDelivery {
    const action = actionOf(job.status, 'queued');
    return {
      guid: `reconcile:job:${job.id}:${job.runAttempt}:${job.status ?? ''}:${job.conclusion ?? ''}`,
      event: 'workflow_job',
      action,
      receivedAt: now,
      body: JSON.stringify({
        action,
        workflow_job: { head_sha: run.headSha, ...job.raw },
        repository: repositoryObject(run.raw, repo),
      }),
      source: 'reconcile',
    };
  }
}

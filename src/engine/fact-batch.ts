// The runs and jobs of one processing chunk, written together (StoreTx.upsertRuns / upsertJobs: one
// locking read and one multi-row upsert each) instead of a read and a write per delivery.
// Guarantees: the outcomes are those of applying the facts one by one in delivery order — queued runs are
// written before anything else reads or writes runs (flushRuns), jobs touch only their own table so they
// wait until the end of the chunk; a later state of the same run or job in the chunk wins only when newer.
import type { JobRecord, RunRecord } from '../core/run-model.ts';
import type { StoreTx, Upsert } from '../store/store.ts';

/** An outcome known now ('applied' / 'stale') or once the chunk's batch is flushed. */
export interface Slot {
  outcome: Upsert | undefined;
}

export class FactBatch {
  private runs: { run: RunRecord; slot: Slot }[] = [];
  private jobs: { job: JobRecord; repo: string; slot: Slot }[] = [];

  constructor(private readonly tx: StoreTx) {}

  static done(outcome: Upsert): Slot {
    return { outcome };
  }

  run(run: RunRecord): Slot {
    const slot: Slot = { outcome: undefined };
    this.runs.push({ run, slot });
    return slot;
  }

  job(job: JobRecord, repo: string): Slot {
    const slot: Slot = { outcome: undefined };
    this.jobs.push({ job, repo, slot });
    return slot;
  }

  /** Writes the queued runs: call before anything else reads or writes runs (or deployments they adopt). */
  async flushRuns(): Promise<void> {
    const runs = this.runs;
    if (runs.length === 0) return;
    this.runs = [];
    const outs = await this.tx.upsertRuns(runs.map((r) => r.run));
    runs.forEach((r, i) => (r.slot.outcome = outs[i]));
  }

  /** Writes everything queued: every slot has its outcome afterwards. */
  async flush(): Promise<void> {
    await this.flushRuns();
    const jobs = this.jobs;
    if (jobs.length === 0) return;
    this.jobs = [];
    const outs = await this.tx.upsertJobs(jobs.map((j) => ({ job: j.job, repo: j.repo })));
    jobs.forEach((j, i) => (j.slot.outcome = outs[i]));
  }
}

// Lane and workflow status from runs, jobs and evidence. Pure: the caller fetches the newest runs.
import picomatch from 'picomatch';
import type { Catalog, Lane, LaneBinding, Workflow } from './catalog-model.ts';
import type { EvidenceRecord, JobRecord, RunRecord } from './run-model.ts';

export type LaneStatus = 'green' | 'pending' | 'failed' | 'idle';
export type WorkflowStatus = 'success' | 'running' | 'pending' | 'failed' | 'idle';
export type CheckState = 'passed' | 'failed' | 'pending' | 'missing';

const FAILED_CONCLUSIONS = new Set(['failure', 'timed_out', 'startup_failure', 'cancelled']);

export function workflowStatusOf(run: RunRecord | undefined): WorkflowStatus {
  if (!run) return 'idle';
  switch (run.status) {
    case 'completed':
      if (run.conclusion && FAILED_CONCLUSIONS.has(run.conclusion)) return 'failed';
      if (run.conclusion === 'action_required' || run.conclusion === 'stale') return 'pending';
      return 'success';
    case 'in_progress':
      return 'running';
    case 'requested':
    case 'queued':
    case 'pending':
    case 'waiting':
      return 'pending';
  }
}

/** Newest run first: by start time, then attempt. */
export function compareRunsNewestFirst(a: RunRecord, b: RunRecord): number {
  return (
    Date.parse(b.runStartedAt) - Date.parse(a.runStartedAt) ||
    b.runAttempt - a.runAttempt ||
    b.runId - a.runId
  );
}

export function runMatchesBinding(run: RunRecord, b: LaneBinding): boolean {
  if (run.workflowId !== b.workflow) return false;
  if (b.event && !b.event.includes(run.event)) return false;
  if (b.environment) {
    if (!run.environment) return false;
    const env = run.environment;
    if (!b.environment.some((p) => picomatch.isMatch(env, p))) return false;
  }
  return true;
}

/** The state of a lane's part of one run: the whole run, or only its bound jobs. */
export function bindingRunStatus(run: RunRecord, jobs: JobRecord[], b: LaneBinding): LaneStatus | undefined {
  if (!b.jobs) return laneWordOf(workflowStatusOf(run));
  const bound = jobs.filter((j) => j.runId === run.runId && b.jobs?.includes(j.name));
  if (bound.length === 0) return undefined; // this run has not reached the lane's jobs
  if (bound.some((j) => j.status === 'completed' && j.conclusion && FAILED_CONCLUSIONS.has(j.conclusion)))
    return 'failed';
  if (bound.length < b.jobs.length || bound.some((j) => j.status !== 'completed')) {
    // A finished run settles jobs whose own completion we never heard of: they share its verdict.
    return run.status === 'completed' ? laneWordOf(workflowStatusOf(run)) : 'pending';
  }
  return 'green';
}

function laneWordOf(w: WorkflowStatus): LaneStatus {
  switch (w) {
    case 'success':
      return 'green';
    case 'failed':
      return 'failed';
    case 'running':
    case 'pending':
      return 'pending';
    case 'idle':
      return 'idle';
  }
}

export interface LaneRunState {
  status: LaneStatus;
  lastRun: RunRecord | undefined;
  /** The newest run of each binding that reached the lane. */
  runs: RunRecord[];
}

/**
 * A lane's status: the newest run of each of its bindings (a binding may be a whole workflow, some of its
 * jobs, or runs filtered by environment/event). Any failed → failed; any unfinished → pending; all green →
 * green; no run → idle. A failed check on the lane's newest run's commit also makes the lane failed.
 */
export function laneRunState(
  lane: Lane,
  candidateRuns: RunRecord[],
  jobs: JobRecord[],
  evidence: EvidenceRecord[] = [],
): LaneRunState {
  const sorted = [...candidateRuns].sort(compareRunsNewestFirst);
  const perBinding: { run: RunRecord; status: LaneStatus }[] = [];
  for (const b of lane.run_by) {
    for (const run of sorted) {
      if (!runMatchesBinding(run, b)) continue;
      const s = bindingRunStatus(run, jobs, b);
      if (s === undefined) continue;
      perBinding.push({ run, status: s });
      break;
    }
  }
  if (perBinding.length === 0) return { status: 'idle', lastRun: undefined, runs: [] };
  const runs = perBinding.map((p) => p.run).sort(compareRunsNewestFirst);
  const lastRun = runs[0];
  let status: LaneStatus = 'green';
  if (perBinding.some((p) => p.status === 'failed')) status = 'failed';
  else if (perBinding.some((p) => p.status === 'pending')) status = 'pending';
  if (status === 'green' && lastRun) {
    const checks = checkStates(
      lane,
      evidence.filter((e) => e.sha === lastRun.headSha),
    );
    if (checks.some((c) => c.state === 'failed')) status = 'failed';
  }
  return { status, lastRun, runs };
}

export interface CheckResult {
  name: string;
  state: CheckState;
  evidence: EvidenceRecord | undefined;
}

/** Whether GitHub vouches for a report (webhook, OIDC); rows older than 0006: every non-API row. */
const vouched = (e: EvidenceRecord): number =>
  (e.authority ?? (e.source === 'api' ? 'api' : 'github')) === 'github' ? 1 : 0;

/**
 * Each of the lane's checks against its evidence of that name (case-insensitive): the newest report GitHub
 * vouches for, else the newest API report (an API report never overrides GitHub's, as in selectEvidence).
 */
export function checkStates(lane: Lane, evidence: EvidenceRecord[]): CheckResult[] {
  return lane.checks.map((name) => {
    const key = name.toLowerCase();
    const newest = evidence
      .filter((e) => e.check.toLowerCase() === key && (e.laneId === null || e.laneId === lane.id))
      .sort((a, b) => vouched(b) - vouched(a) || Date.parse(b.recordedAt) - Date.parse(a.recordedAt))[0];
    return { name, state: newest ? newest.outcome : 'missing', evidence: newest };
  });
}

export function lanesServedBy(c: Catalog, w: Workflow): string[] {
  return c.lanes.filter((l) => l.run_by.some((b) => b.workflow === w.id)).map((l) => l.id);
}

// A run GitHub completed as a failure because its deployment was rejected (by Lanes' answer to the
// deployment protection rule, or by a reviewer of the environment) deployed nothing: it is *rejected*, not
// failed. Told from GitHub's own data and our recorded answer, never from timing: the run completed without
// success, a rejection is recorded for it, and none of its jobs failed after reaching a runner (a job held
// at a rejected environment completes as a failure without a runner and without steps). Such a run does
// not count for its lane (no failure, no lane-failure alert, no block on the release); the lane's next
// dispatch is a new run. Pure.
import type { Lane } from './catalog-model.ts';
import { runMatchesBinding } from './lane-status.ts';
import type { JobRecord, RunRecord } from './run-model.ts';

/** A rejection recorded for a run's deployment: our protection answer or a reviewer's. */
export interface DeploymentRejection {
  runId: number;
  environment: string;
  by: 'lanes' | 'reviewer';
  at: string | null;
  comment: string | null;
}

const SUCCESSFUL = new Set(['success', 'skipped', 'neutral']);

export function isRejectedRun(
  run: RunRecord,
  jobs: readonly JobRecord[],
  rejections: readonly DeploymentRejection[],
): boolean {
  if (run.status !== 'completed' || (run.conclusion !== null && SUCCESSFUL.has(run.conclusion))) return false;
  if (!rejections.some((r) => r.runId === run.runId)) return false;
  // A job that ran on a runner and failed is a real failure, rejection or not.
  return !jobs.some(
    (j) =>
      j.runId === run.runId &&
      j.runAttempt === run.runAttempt &&
      j.runnerName !== null &&
      j.conclusion !== null &&
      !SUCCESSFUL.has(j.conclusion),
  );
}

/** Splits runs into those that count and those rejected. */
export function splitRejectedRuns(
  runs: readonly RunRecord[],
  jobs: readonly JobRecord[],
  rejections: readonly DeploymentRejection[],
): { counted: RunRecord[]; rejected: RunRecord[] } {
  const counted: RunRecord[] = [];
  const rejected: RunRecord[] = [];
  for (const r of runs) (isRejectedRun(r, jobs, rejections) ? rejected : counted).push(r);
  return { counted, rejected };
}

/** Per lane id: the ids of the rejected runs that ran for it (ascending). Lanes without any are absent. */
export function rejectedRunsByLane(
  lanes: readonly Lane[],
  rejected: readonly RunRecord[],
): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const lane of lanes) {
    const ids = rejected
      .filter((r) => lane.run_by.some((b) => runMatchesBinding(r, b)))
      .map((r) => r.runId)
      .sort((a, b) => a - b);
    if (ids.length > 0) out[lane.id] = ids;
  }
  return out;
}

/**
 * Lanes whose newest rejected run was rejected by a person reviewing the environment in GitHub (not by
 * Lanes' own answer). Lanes does not start such a lane again by itself (that would ask the reviewer the
 * same question at once): the release stays promotable and the next promote dispatches a new run.
 */
export function reviewerRejectedLanes(
  rejectedByLane: Readonly<Record<string, readonly number[]>>,
  rejections: readonly DeploymentRejection[],
): string[] {
  return Object.entries(rejectedByLane)
    .filter(([, ids]) => {
      const newest = ids.at(-1);
      return rejections.some((r) => r.runId === newest && r.by === 'reviewer');
    })
    .map(([lane]) => lane)
    .sort();
}

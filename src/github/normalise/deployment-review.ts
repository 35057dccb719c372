// deployment_review → one review fact per environment the reviewer answered (issue 15). GitHub sends it when
// a person approves or rejects a job waiting at an environment with required reviewers: `approver` and
// `comment` say who and why, `workflow_run` names the run (id, attempt, head sha), and the environments are
// in `workflow_job_runs[]` (or the single `workflow_job_run`). `requested` announces the wait only: it
// yields no fact. A rejected run then completes as a failure without having deployed anything, which the
// engine records as rejected (src/core/rejected-runs.ts). Times are GitHub's: the job run's updated_at,
// else the delivery's receipt.
import type { DeploymentReview, NormalisedFact } from '../../core/run-model.ts';
import {
  clip,
  fail,
  isObj,
  loginOf,
  optId,
  optObj,
  optStr,
  optTime,
  own,
  reqId,
  reqSha,
  reqStr,
  reqText,
  repoOf,
  type Obj,
} from './field-readers.ts';

const MAX_JOB_RUNS = 50;
const CONTROL_RE = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/** The job runs a review answered: `workflow_job_runs[]`, else the single `workflow_job_run`. */
function jobRunsOf(p: Obj): Obj[] {
  const many = own(p, 'workflow_job_runs');
  if (many !== undefined && many !== null) {
    if (!Array.isArray(many)) fail('workflow_job_runs is not an array');
    if (many.length > MAX_JOB_RUNS) fail('workflow_job_runs has too many entries');
    return many.map((j: unknown, i) => {
      if (!isObj(j)) fail(`workflow_job_runs[${i}] is not an object`);
      return j;
    });
  }
  const one = optObj(p, 'workflow_job_run', 'workflow_job_run');
  return one === null ? [] : [one];
}

export function deploymentReview(p: Obj, receivedAt: string): NormalisedFact[] {
  const repo = repoOf(p);
  const action = reqStr(p, 'action', 'action', 32);
  if (action === 'requested') return []; // the wait itself: nothing was decided yet
  if (action !== 'approved' && action !== 'rejected') fail(`action "${action}" is not a review`);
  const wr = optObj(p, 'workflow_run', 'workflow_run');
  if (wr === null) return []; // a review of a deployment no workflow run made: not ours to judge
  const runId = reqId(wr, 'id', 'workflow_run.id');
  const runAttempt = optId(wr, 'run_attempt', 'workflow_run.run_attempt') ?? 1;
  const sha = reqSha(wr, 'head_sha', 'workflow_run.head_sha');
  const rawComment = optStr(p, 'comment', 'comment', 65536);
  const comment = rawComment === null || rawComment === '' ? null : clip(rawComment.replace(CONTROL_RE, ' '));
  const reviewer = loginOf(p, 'approver', 'approver') ?? loginOf(p, 'sender', 'sender');
  const jobRuns = jobRunsOf(p);
  const environments = new Map<string, string>();
  jobRuns.forEach((j, i) => {
    const env = reqText(j, 'environment', `workflow_job_runs[${i}].environment`);
    const at = optTime(j, 'updated_at', `workflow_job_runs[${i}].updated_at`) ?? receivedAt;
    const seen = environments.get(env);
    if (seen === undefined || at > seen) environments.set(env, at);
  });
  // Older payloads name the environment at the top level only.
  if (environments.size === 0) environments.set(reqText(p, 'environment', 'environment'), receivedAt);
  return [...environments].map(([environment, reviewedAt]) => {
    const review: DeploymentReview = {
      repo,
      runId,
      runAttempt,
      environment,
      sha,
      state: action,
      reviewer,
      comment,
      reviewedAt,
    };
    return { kind: 'deployment_review', review };
  });
}

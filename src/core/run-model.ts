// What GitHub tells us, normalised: the shapes the core reasons about. Produced by src/github/normalise-event.ts,
// stored by src/store, read by src/core/lane-status.ts. Times are ISO 8601 UTC strings.

export type GhRunStatus = 'requested' | 'queued' | 'pending' | 'waiting' | 'in_progress' | 'completed';
export type GhConclusion =
  | 'success'
  | 'failure'
  | 'cancelled'
  | 'skipped'
  | 'neutral'
  | 'timed_out'
  | 'action_required'
  | 'stale'
  | 'startup_failure';

/** One execution (attempt) of a GitHub Actions workflow, newest known state. */
export interface RunRecord {
  runId: number;
  runAttempt: number;
  repo: string; // owner/name
  workflowPath: string; // .github/workflows/x.yml
  workflowName: string;
  workflowId: string | null; // WF-xx from the catalog, when mapped
  runNumber: number;
  event: string; // push, pull_request, schedule, workflow_dispatch, ...
  headBranch: string | null;
  headSha: string;
  status: GhRunStatus;
  conclusion: GhConclusion | null;
  environment: string | null; // deployment environment, when known (from jobs/deployments)
  htmlUrl: string;
  runStartedAt: string;
  updatedAt: string; // GitHub's updated_at: the ordering key with runAttempt
  actor: string | null;
  /** GitHub's display_title: the workflow's `run-name` (a dispatched ops run names its release there). */
  displayTitle?: string | null;
}

export interface JobRecord {
  jobId: number;
  runId: number;
  runAttempt: number;
  name: string;
  status: GhRunStatus;
  conclusion: GhConclusion | null;
  startedAt: string | null;
  completedAt: string | null;
  htmlUrl: string | null;
  labels: string[];
  runnerName: string | null;
  /** Ordering key: completed_at ?? started_at ?? created_at. */
  updatedAt: string;
}

export type EvidenceOutcome = 'passed' | 'failed' | 'pending';
export type EvidenceSource = 'job' | 'check_run' | 'api' | 'artifact';

/** A check result, attached to a sha and (when known) a run and lane. */
export interface EvidenceRecord {
  /** Stable key for idempotency, e.g. job:123, check_run:456, api:<uuid>. */
  key: string;
  check: string; // check name as in the catalog's lane checks
  outcome: EvidenceOutcome;
  sha: string;
  runId: number | null;
  laneId: string | null;
  source: EvidenceSource;
  url: string | null;
  details: string | null;
  recordedAt: string; // GitHub's or the reporter's timestamp: ordering key
  reportedBy: string | null;
  /** The verified reporter (sourceKey in evidence-provenance.ts); absent on rows older than 0006. */
  provenance?: string | null;
  /** Whether GitHub vouches for the report (webhook, OIDC) or only an API token. */
  authority?: 'github' | 'api' | null;
}

export interface RefRecord {
  repo: string;
  ref: string; // refs/heads/main, refs/tags/v1.4.0
  sha: string | null; // null when deleted
  updatedAt: string;
}

export interface DeploymentRecord {
  deploymentId: number;
  repo: string;
  environment: string;
  sha: string;
  ref: string;
  runId: number | null;
  state: string; // created, queued, in_progress, success, failure, error, inactive, waiting
  updatedAt: string;
}

/** A deployment_protection_rule request waiting for our answer. */
export interface ProtectionRequest {
  repo: string;
  runId: number;
  environment: string;
  sha: string | null;
  ref: string | null;
  deploymentId: number | null;
  /** Path relative to the configured API base, e.g. /repos/o/r/actions/runs/1/deployment_protection_rule */
  reviewPath: string;
  installationId: number | null;
  requestedAt: string;
}

/** A reviewer's answer to a run's deployment (the deployment_review webhook), per environment. */
export interface DeploymentReview {
  repo: string;
  runId: number;
  runAttempt: number;
  environment: string;
  sha: string;
  state: 'approved' | 'rejected';
  reviewer: string | null;
  comment: string | null;
  reviewedAt: string;
}

/** The result of normalising one delivery: zero or more facts. */
export type NormalisedFact =
  | { kind: 'run'; run: RunRecord }
  | {
      kind: 'job';
      job: JobRecord;
      repo: string;
      workflowName: string | null;
      /** The job's deployment environment when the payload names one (workflow_job carries a top-level
       * `deployment` for jobs that target an environment); null/absent when unknown. Added for run.environment. */
      environment?: string | null;
    }
  /** `repo`: the repository a check run was delivered for (owner/name); jobs take their run's. */
  | { kind: 'evidence'; evidence: EvidenceRecord; repo?: string }
  | { kind: 'ref'; ref: RefRecord }
  | { kind: 'deployment'; deployment: DeploymentRecord }
  | { kind: 'protection_request'; request: ProtectionRequest }
  | { kind: 'deployment_review'; review: DeploymentReview }
  | {
      kind: 'release';
      repo: string;
      tag: string;
      sha: string | null;
      name: string | null;
      action: string;
      at: string;
    };

export type NormaliseResult =
  | { ok: true; facts: NormalisedFact[] }
  | { ok: false; reason: 'unsupported_event' | 'missing_fields' | 'not_an_object'; detail: string };

/** Newer-state ordering for runs: attempt first, then GitHub's updated_at, then status progress. */
const RUN_STATUS_RANK: Record<GhRunStatus, number> = {
  requested: 0,
  pending: 1,
  queued: 2,
  waiting: 3,
  in_progress: 4,
  completed: 5,
};

/** The ordering both runs and jobs follow (they share attempt, status and GitHub's updated_at). */
interface Versioned {
  runAttempt: number;
  status: GhRunStatus;
  updatedAt: string;
}

function isNewerState(incoming: Versioned, current: Versioned | undefined): boolean {
  if (!current) return true;
  if (incoming.runAttempt !== current.runAttempt) return incoming.runAttempt > current.runAttempt;
  // A completed attempt never goes back to in progress.
  if (current.status === 'completed' && incoming.status !== 'completed') return false;
  if (incoming.status === 'completed' && current.status !== 'completed') return true;
  const t = Date.parse(incoming.updatedAt) - Date.parse(current.updatedAt);
  if (t !== 0) return t > 0;
  return RUN_STATUS_RANK[incoming.status] > RUN_STATUS_RANK[current.status];
}

export function isNewerRunState(incoming: RunRecord, current: RunRecord | undefined): boolean {
  return isNewerState(incoming, current);
}

export function isNewerJobState(incoming: JobRecord, current: JobRecord | undefined): boolean {
  return isNewerState(incoming, current);
}

// Builders for real-shaped GitHub deliveries (published examples with our fields set) used by the
// end-to-end release tests: runs with jobs, deployments (environment) and protection-rule requests.
import { readFileSync } from 'node:fs';
import { example, sendDelivery, workflowRunPayload } from './lanes-harness.ts';

const REPO = 'nata-onl/ops';
let nextRunId = 70_000_000;
let nextJobId = 90_000_000;
let nextDeploymentId = 50_000_000;

export interface RunSpec {
  file: string; // deploy-staging.yml
  name: string; // deploy-staging
  sha: string;
  at: string; // start time
  event?: string;
  branch?: string;
  conclusion?: 'success' | 'failure';
  /** Leave the run in progress (no completed event). */
  open?: boolean;
  jobs?: { name: string; conclusion?: 'success' | 'failure' }[];
  environment?: string;
  runId?: number;
  actor?: string;
}

const plus = (iso: string, s: number) => new Date(Date.parse(iso) + s * 1000).toISOString();

/** Sends a run's deliveries (requested, deployment, in_progress, jobs, completed); returns the run id. */
export async function sendRun(url: string, spec: RunSpec): Promise<number> {
  const runId = spec.runId ?? nextRunId++;
  const base = {
    runId,
    workflowFile: spec.file,
    workflowName: spec.name,
    startedAt: spec.at,
    sha: spec.sha,
    event: spec.event ?? 'workflow_dispatch',
    branch: spec.branch ?? 'main',
  };
  const post = async (event: string, payload: unknown) => {
    const r = await sendDelivery(url, event, payload);
    if (r.status !== 202) throw new Error(`${event} delivery answered ${r.status}`);
  };
  const runPayload = (status: string, conclusion: string | null, updatedAt: string) => {
    const p = workflowRunPayload({ ...base, status, conclusion, updatedAt });
    if (spec.actor)
      (p.workflow_run as Record<string, unknown>).actor = { login: spec.actor, id: 1, type: 'User' };
    return p;
  };
  await post('workflow_run', runPayload('queued', null, spec.at));
  if (spec.environment) {
    const d = example('deployment', 1);
    const id = nextDeploymentId++;
    Object.assign(d.deployment as object, {
      id,
      sha: spec.sha,
      ref: spec.branch ?? 'main',
      environment: spec.environment,
      original_environment: spec.environment,
      created_at: plus(spec.at, 1),
      updated_at: plus(spec.at, 1),
    });
    d.workflow_run = runPayload('in_progress', null, plus(spec.at, 1)).workflow_run;
    (d.repository as Record<string, unknown>).full_name = REPO;
    await post('deployment', d);
  }
  await post('workflow_run', runPayload('in_progress', null, plus(spec.at, 2)));
  let t = 3;
  for (const j of spec.jobs ?? []) {
    const jobId = nextJobId++;
    const p = example('workflow_job', 1);
    const job = (status: string, conclusion: string | null, completed: string | null) => ({
      ...(p.workflow_job as object),
      id: jobId,
      run_id: runId,
      run_attempt: 1,
      head_sha: spec.sha,
      name: j.name,
      workflow_name: spec.name,
      status,
      conclusion,
      created_at: plus(spec.at, t),
      started_at: plus(spec.at, t),
      completed_at: completed,
      html_url: `https://github.com/${REPO}/actions/runs/${runId}/job/${jobId}`,
    });
    (p.repository as Record<string, unknown>).full_name = REPO;
    await post('workflow_job', { ...p, action: 'in_progress', workflow_job: job('in_progress', null, null) });
    t += 5;
    await post('workflow_job', {
      ...p,
      action: 'completed',
      workflow_job: job('completed', j.conclusion ?? 'success', plus(spec.at, t)),
    });
  }
  if (!spec.open) {
    await post('workflow_run', runPayload('completed', spec.conclusion ?? 'success', plus(spec.at, t + 2)));
  }
  return runId;
}

const FIXTURE = JSON.parse(
  readFileSync(new URL('../fixtures/deployment_protection_rule.requested.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

/** GitHub asks us whether run `runId` may deploy to `environment` (deployment_protection_rule.requested). */
export async function sendProtectionRequest(
  url: string,
  opts: { runId: number; environment: string; sha: string; ref: string },
) {
  const p = structuredClone(FIXTURE);
  p.environment = opts.environment;
  p.sha = opts.sha;
  p.ref = `refs/tags/${opts.ref}`;
  p.deployment_callback_url = `https://api.github.com/repos/${REPO}/actions/runs/${opts.runId}/deployment_protection_rule`;
  const repo = p.repository as Record<string, unknown>;
  repo.full_name = REPO;
  repo.name = 'ops';
  (repo.owner as Record<string, unknown>).login = 'nata-onl';
  Object.assign(p.deployment as object, {
    environment: opts.environment,
    original_environment: opts.environment,
    sha: opts.sha,
    ref: opts.ref,
  });
  const r = await sendDelivery(url, 'deployment_protection_rule', p);
  if (r.status !== 202) throw new Error(`protection rule delivery answered ${r.status}`);
}

/** PR, build and staging runs that make `sha` a green staging build. */
export async function sendGreenStaging(url: string, sha: string, at: string): Promise<void> {
  await sendRun(url, {
    file: 'ci-pr-fast.yml',
    name: 'ci-pr-fast',
    sha,
    at,
    event: 'pull_request',
    branch: 'feature/x',
    jobs: ['lint', 'typecheck', 'unit', 'schema drift', 'secret scan'].map((name) => ({ name })),
  });
  await sendRun(url, {
    file: 'ci-pr-contracts.yml',
    name: 'ci-pr-contracts',
    sha,
    at: plus(at, 30),
    event: 'pull_request',
    branch: 'feature/x',
    jobs: ['contract diff', 'migration dry-run', 'ws handshake smoke'].map((name) => ({ name })),
  });
  await sendRun(url, {
    file: 'build-main-release-assets.yml',
    name: 'build-main-release-assets',
    sha,
    at: plus(at, 300),
    event: 'push',
    jobs: ['container build', 'image scan', 'SBOM', 'release manifest'].map((name) => ({ name })),
  });
  await sendRun(url, {
    file: 'deploy-staging.yml',
    name: 'deploy-staging',
    sha,
    at: plus(at, 600),
    event: 'workflow_run',
    environment: 'staging',
    jobs: [
      'deploy preflight',
      'env diff',
      'secrets present',
      'config validation',
      'deploy',
      'overview smoke',
      'ws connect',
      'queue',
      'memory',
      'reports',
      'alerts',
      'smoke',
    ].map((name) => ({ name })),
  });
}

/**
 * GitHub's deliveries for a production run whose deployment was rejected (by Lanes or by a reviewer): its
 * deploy job fails with no runner and no steps, then the run completes as a failure.
 */
export async function sendRejectedRun(
  url: string,
  r: { runId: number; sha: string; branch: string; startedAt: string; at: string; file?: string },
): Promise<void> {
  const post = async (event: string, payload: unknown): Promise<void> => {
    const res = await sendDelivery(url, event, payload);
    if (res.status !== 202) throw new Error(`${event} answered ${res.status}`);
  };
  const p = example('workflow_job', 1);
  (p.repository as Record<string, unknown>).full_name = 'nata-onl/ops';
  await post('workflow_job', {
    ...p,
    action: 'completed',
    workflow_job: {
      ...(p.workflow_job as object),
      id: r.runId + 1,
      run_id: r.runId,
      run_attempt: 1,
      head_sha: r.sha,
      name: 'deploy',
      workflow_name: 'release-prod-ops',
      status: 'completed',
      conclusion: 'failure',
      created_at: r.at,
      started_at: r.at,
      completed_at: r.at,
      runner_id: null,
      runner_name: null,
      runner_group_id: null,
      runner_group_name: null,
      labels: [],
      steps: [],
    },
  });
  await post(
    'workflow_run',
    workflowRunPayload({
      runId: r.runId,
      workflowFile: r.file ?? 'release-prod-ops.yml',
      workflowName: 'release-prod-ops',
      startedAt: r.startedAt,
      sha: r.sha,
      event: 'workflow_dispatch',
      branch: r.branch,
      status: 'completed',
      conclusion: 'failure',
      updatedAt: r.at,
    }),
  );
}

// Generates examples/ops/demo-history.jsonl: realistic GitHub deliveries (shapes taken from
// @octokit/webhooks-examples, fields set for the ops catalog) that reproduce the reference screen, and
// examples/ops/demo-actions.json: what people did, each at its moment (open a release, approve a gate).
// src/cli/demo-loader.ts plays both on ONE timeline through the real HTTP paths, so the demo's history obeys
// enforcement like any real one: a release is opened from a green staging build before its candidate runs,
// approvals come before the lanes they gate (Lanes dispatches PL-08 the moment RG-07/RG-08 pass, PL-09 when
// its hold ends and RG-09/RG-10 passed), and nothing reaches production while a gate of its release waits.
// test/demo-consistency.test.ts checks exactly that.
// Run: node --import tsx examples/ops/generate-demo-history.ts
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const examples = require('@octokit/webhooks-examples/api.github.com/index.json') as {
  name: string;
  examples: Record<string, unknown>[];
}[];
const template = (name: string, i = 0): Record<string, unknown> => {
  const ex = examples.find((e) => e.name === name)?.examples[i];
  if (!ex) throw new Error(`no example ${name}`);
  return structuredClone(ex);
};

const OWNER = 'nata-onl';
const REPO = 'ops';
/** GitHub's actor for runs Lanes dispatched itself (through its GitHub App). */
const LANES_APP = 'lanes-app[bot]';
const FULL = `${OWNER}/${REPO}`;
const repository = (() => {
  const r = template('workflow_run').repository as Record<string, unknown>;
  return {
    ...r,
    id: 734112233,
    name: REPO,
    full_name: FULL,
    html_url: `https://github.com/${FULL}`,
    url: `https://api.github.com/repos/${FULL}`,
    owner: { ...(r.owner as object), login: OWNER, id: 90011 },
  };
})();

export interface DemoDelivery {
  event: string;
  guid: string;
  payload: Record<string, unknown>;
}
const out: DemoDelivery[] = [];
let n = 0;
const guid = () => {
  const h = createHash('sha1').update(`lanes-demo-${n++}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
const sha = (s: string) => createHash('sha1').update(s).digest('hex');
const iso = (s: string, plusSec = 0) =>
  new Date(Date.parse(s) + plusSec * 1000).toISOString().replace('.000Z', 'Z');

const WORKFLOWS: Record<string, { name: string; file: string; id: number }> = {
  'WF-01': { name: 'ci-pr-fast', file: 'ci-pr-fast.yml', id: 5001 },
  'WF-02': { name: 'ci-pr-contracts', file: 'ci-pr-contracts.yml', id: 5002 },
  'WF-03': { name: 'build-main-release-assets', file: 'build-main-release-assets.yml', id: 5003 },
  'WF-04': { name: 'deploy-staging', file: 'deploy-staging.yml', id: 5004 },
  'WF-05': { name: 'open-release-candidate', file: 'open-release-candidate.yml', id: 5005 },
  'WF-06': { name: 'prod-db-preflight', file: 'prod-db-preflight.yml', id: 5006 },
  'WF-07': { name: 'release-prod-ops', file: 'release-prod-ops.yml', id: 5007 },
  'WF-08': { name: 'release-prod-pulse', file: 'release-prod-pulse.yml', id: 5008 },
  'WF-09': { name: 'post-release-verify', file: 'post-release-verify.yml', id: 5009 },
  'WF-10': { name: 'rollback-prod-ops', file: 'rollback-prod-ops.yml', id: 5010 },
  'WF-11': { name: 'rollback-prod-pulse', file: 'rollback-prod-pulse.yml', id: 5011 },
};

let runSeq = 8_100_000_000;
let jobSeq = 23_000_000_000;
let runNumber = 400;
let deploymentSeq = 1_900_000_000;

interface JobSpec {
  name: string;
  conclusion: 'success' | 'failure' | null; // null = still running
  status?: 'queued' | 'in_progress' | 'waiting' | 'completed';
  seconds?: number;
}
interface RunSpec {
  wf: keyof typeof WORKFLOWS;
  start: string;
  event: string;
  branch: string;
  headSha: string;
  /** final state of the run */
  status: 'completed' | 'in_progress' | 'queued' | 'waiting';
  conclusion?: 'success' | 'failure';
  jobs?: JobSpec[];
  environment?: string;
  actor?: string;
  seconds?: number;
}

function run(spec: RunSpec): void {
  const wf = WORKFLOWS[spec.wf];
  if (!wf) throw new Error(spec.wf);
  const id = runSeq++;
  const number = runNumber++;
  const actor = { ...(template('workflow_run').sender as object), login: spec.actor ?? 'release-bot' };
  const base = template('workflow_run', 0);
  const wr = (status: string, conclusion: string | null, updated: string) => ({
    ...(base.workflow_run as object),
    id,
    name: wf.name,
    path: `.github/workflows/${wf.file}`,
    display_title: `${wf.name} #${number}`,
    workflow_id: wf.id,
    run_number: number,
    run_attempt: 1,
    event: spec.event,
    head_branch: spec.branch,
    head_sha: spec.headSha,
    status,
    conclusion,
    actor,
    triggering_actor: actor,
    html_url: `https://github.com/${FULL}/actions/runs/${id}`,
    url: `https://api.github.com/repos/${FULL}/actions/runs/${id}`,
    jobs_url: `https://api.github.com/repos/${FULL}/actions/runs/${id}/jobs`,
    artifacts_url: `https://api.github.com/repos/${FULL}/actions/runs/${id}/artifacts`,
    created_at: spec.start,
    run_started_at: spec.start,
    updated_at: updated,
    repository,
    head_repository: repository,
    pull_requests: [],
  });
  const emitRun = (action: string, status: string, conclusion: string | null, at: string) =>
    out.push({
      event: 'workflow_run',
      guid: guid(),
      payload: {
        action,
        workflow_run: wr(status, conclusion, at),
        workflow: { id: wf.id, name: wf.name, path: `.github/workflows/${wf.file}` },
        repository,
        sender: actor,
      },
    });
  emitRun('requested', 'queued', null, spec.start);
  if (spec.environment) {
    const dep = template('deployment', 1);
    const depId = deploymentSeq++;
    out.push({
      event: 'deployment',
      guid: guid(),
      payload: {
        ...dep,
        action: 'created',
        deployment: {
          ...(dep.deployment as object),
          id: depId,
          sha: spec.headSha,
          ref: spec.branch,
          environment: spec.environment,
          original_environment: spec.environment,
          created_at: iso(spec.start, 5),
          updated_at: iso(spec.start, 5),
          url: `https://api.github.com/repos/${FULL}/deployments/${depId}`,
          statuses_url: `https://api.github.com/repos/${FULL}/deployments/${depId}/statuses`,
          repository_url: `https://api.github.com/repos/${FULL}`,
        },
        workflow: { id: wf.id, name: wf.name, path: `.github/workflows/${wf.file}` },
        workflow_run: wr('waiting', null, iso(spec.start, 5)),
        repository,
        sender: actor,
      },
    });
  }
  if (spec.status === 'queued') return;
  if (spec.status === 'waiting') {
    emitRun('in_progress', 'waiting', null, iso(spec.start, 8));
    return;
  }
  emitRun('in_progress', 'in_progress', null, iso(spec.start, 10));
  let t = 12;
  const jobTemplate = template('workflow_job', 1);
  for (const j of spec.jobs ?? []) {
    const jobId = jobSeq++;
    const job = (
      status: string,
      conclusion: string | null,
      started: string | null,
      completed: string | null,
    ) => ({
      ...(jobTemplate.workflow_job as object),
      id: jobId,
      run_id: id,
      run_attempt: 1,
      run_url: `https://api.github.com/repos/${FULL}/actions/runs/${id}`,
      html_url: `https://github.com/${FULL}/actions/runs/${id}/job/${jobId}`,
      url: `https://api.github.com/repos/${FULL}/actions/jobs/${jobId}`,
      head_sha: spec.headSha,
      head_branch: spec.branch,
      workflow_name: wf.name,
      name: j.name,
      status,
      conclusion,
      created_at: iso(spec.start, t - 2),
      started_at: started,
      completed_at: completed,
      labels:
        spec.wf === 'WF-01' || spec.wf === 'WF-02' || spec.wf === 'WF-03' || spec.wf === 'WF-05'
          ? ['ubuntu-latest']
          : ['self-hosted', 'linux'],
      runner_name: spec.wf === 'WF-01' ? 'GitHub Actions 12' : `ops-runner-${(jobId % 7) + 1}`,
      steps: [],
    });
    const emitJob = (
      action: string,
      status: string,
      conclusion: string | null,
      started: string | null,
      completed: string | null,
    ) =>
      out.push({
        event: 'workflow_job',
        guid: guid(),
        payload: {
          action,
          workflow_job: job(status, conclusion, started, completed),
          repository,
          sender: actor,
        },
      });
    const started = iso(spec.start, t);
    emitJob('queued', 'queued', null, null, null);
    if (j.status === 'queued') continue;
    emitJob('in_progress', 'in_progress', null, started, null);
    t += j.seconds ?? 40;
    if (j.conclusion === null) continue;
    emitJob('completed', 'completed', j.conclusion, started, iso(spec.start, t));
  }
  if (spec.status === 'completed') {
    emitRun(
      'completed',
      'completed',
      spec.conclusion ?? 'success',
      iso(spec.start, Math.max(t + 5, spec.seconds ?? 0)),
    );
  }
}

const ok = (names: string[], seconds = 30): JobSpec[] =>
  names.map((name) => ({ name, conclusion: 'success', seconds }));

// ---- Older history (for the workflow catalog and lane pages) ----
const prevRelease = sha('release v1.3.2');
const release = sha('release v1.4.0');
const smokeJobs = ['overview smoke', 'ws connect', 'queue', 'memory', 'reports', 'alerts', 'smoke'];
const stagingJobs = ['deploy preflight', 'env diff', 'secrets present', 'config validation', 'deploy'];
// Release v1.3.2: the previous good release (the rollback target), through the whole flow on 3 March.
run({
  wf: 'WF-01',
  start: '2026-03-03T08:10:00Z',
  event: 'pull_request',
  branch: 'feature/report-cache',
  headSha: prevRelease,
  status: 'completed',
  conclusion: 'success',
  jobs: ok(['lint', 'typecheck', 'unit', 'schema drift', 'secret scan']),
});
run({
  wf: 'WF-02',
  start: '2026-03-03T08:11:00Z',
  event: 'pull_request',
  branch: 'feature/report-cache',
  headSha: prevRelease,
  status: 'completed',
  conclusion: 'success',
  jobs: ok(['contract diff', 'migration dry-run', 'ws handshake smoke']),
});
run({
  wf: 'WF-03',
  start: '2026-03-03T09:02:11Z',
  event: 'push',
  branch: 'main',
  headSha: prevRelease,
  status: 'completed',
  conclusion: 'success',
  jobs: ok(['container build', 'image scan', 'SBOM', 'release manifest']),
});
run({
  wf: 'WF-04',
  start: '2026-03-03T09:20:00Z',
  event: 'workflow_run',
  branch: 'main',
  headSha: prevRelease,
  status: 'completed',
  conclusion: 'success',
  environment: 'staging',
  jobs: [...ok(stagingJobs), ...ok(smokeJobs, 20)],
});
run({
  wf: 'WF-05',
  start: '2026-03-03T10:00:00Z',
  event: 'workflow_dispatch',
  branch: 'main',
  headSha: prevRelease,
  status: 'completed',
  conclusion: 'success',
  actor: LANES_APP, // dispatched by Lanes when hana opened v1.3.2 (09:58)
  jobs: ok(['change summary', 'freeze window', 'rollback target exists']),
});
run({
  wf: 'WF-07',
  start: '2026-03-03T11:00:00Z',
  event: 'workflow_dispatch',
  actor: LANES_APP, // dispatched by Lanes when RG-08 passed (10:58:30)
  branch: 'v1.3.2',
  headSha: prevRelease,
  status: 'completed',
  conclusion: 'success',
  environment: 'prod-ops',
  jobs: ok(['ops checklist', 'canary health', 'queue backlog threshold', 'deploy'], 60),
});
run({
  wf: 'WF-09',
  start: '2026-03-03T11:05:00Z',
  event: 'workflow_run',
  branch: 'v1.3.2',
  headSha: prevRelease,
  status: 'completed',
  conclusion: 'success',
  environment: 'prod-ops',
  jobs: ok(['5xx', 'ws disconnect', 'queue lag', 'report success', 'alert duplication']),
});
run({
  wf: 'WF-08',
  start: '2026-03-03T11:20:00Z',
  event: 'workflow_dispatch',
  actor: LANES_APP, // dispatched by Lanes when the 15 min hold after PL-08 ended, RG-09/RG-10 approved
  branch: 'v1.3.2',
  headSha: prevRelease,
  status: 'completed',
  conclusion: 'success',
  environment: 'prod-pulse',
  jobs: ok(['15 min green after ops', 'feed freshness', 'workspace isolation', 'deploy'], 60),
});
run({
  wf: 'WF-01',
  start: '2026-03-09T09:12:40Z',
  event: 'pull_request',
  branch: 'feature/queue-metrics',
  headSha: sha('pr-1'),
  status: 'completed',
  conclusion: 'failure',
  jobs: [...ok(['lint', 'typecheck']), { name: 'unit', conclusion: 'failure' }],
});
run({
  wf: 'WF-01',
  start: '2026-03-09T11:40:02Z',
  event: 'pull_request',
  branch: 'feature/queue-metrics',
  headSha: sha('pr-1b'),
  status: 'completed',
  conclusion: 'success',
  jobs: ok(['lint', 'typecheck', 'unit', 'schema drift', 'secret scan']),
});
run({
  wf: 'WF-02',
  start: '2026-03-09T11:41:15Z',
  event: 'pull_request',
  branch: 'feature/queue-metrics',
  headSha: sha('pr-1b'),
  status: 'completed',
  conclusion: 'success',
  jobs: ok(['contract diff', 'migration dry-run', 'ws handshake smoke']),
});
// The weekly rollback drill (PL-12) on staging: both rollback workflows on schedule, from main.
run({
  wf: 'WF-10',
  start: '2026-03-02T16:00:04Z',
  event: 'schedule',
  branch: 'main',
  headSha: sha('main-0302'),
  status: 'completed',
  conclusion: 'success',
  jobs: ok(['simulate bad deploy', 'rollback', 'smoke verify', 'lessons learned']),
});
run({
  wf: 'WF-11',
  start: '2026-03-02T16:00:09Z',
  event: 'schedule',
  branch: 'main',
  headSha: sha('main-0302'),
  status: 'completed',
  conclusion: 'success',
  jobs: ok(['rollback', 'smoke verify']),
});
// PL-11: an incident rollback on 6 March (of a hotfix that never became a release).
run({
  wf: 'WF-10',
  start: '2026-03-06T14:22:00Z',
  event: 'workflow_dispatch',
  branch: 'main',
  headSha: sha('main-0306'),
  status: 'completed',
  conclusion: 'success',
  environment: 'prod-ops',
  actor: 'elena',
  jobs: ok(['incident declared', 'previous version healthy', 'owner assigned', 'rollback']),
});
run({
  wf: 'WF-11',
  start: '2026-03-06T14:22:30Z',
  event: 'workflow_dispatch',
  branch: 'main',
  headSha: sha('main-0306'),
  status: 'completed',
  conclusion: 'success',
  environment: 'prod-pulse',
  actor: 'elena',
  jobs: ok(['rollback']),
});
run({
  wf: 'WF-10',
  start: '2026-03-09T16:00:00Z',
  event: 'schedule',
  branch: 'main',
  headSha: sha('main-0309'),
  status: 'completed',
  conclusion: 'success',
  jobs: ok(['simulate bad deploy', 'rollback', 'smoke verify', 'lessons learned']),
});
run({
  wf: 'WF-11',
  start: '2026-03-09T16:00:00Z',
  event: 'schedule',
  branch: 'main',
  headSha: sha('main-0309'),
  status: 'completed',
  conclusion: 'success',
  jobs: ok(['rollback', 'smoke verify']),
});

// ---- Release v1.4.0 through staging and production on 10 March ----
run({
  wf: 'WF-01',
  start: '2026-03-10T14:30:00Z',
  event: 'pull_request',
  branch: 'feature/pulse-feeds',
  headSha: release,
  status: 'completed',
  conclusion: 'success',
  jobs: ok(['lint', 'typecheck', 'unit', 'schema drift', 'secret scan']),
});
run({
  wf: 'WF-02',
  start: '2026-03-10T14:31:00Z',
  event: 'pull_request',
  branch: 'feature/pulse-feeds',
  headSha: release,
  status: 'completed',
  conclusion: 'success',
  jobs: ok(['contract diff', 'migration dry-run', 'ws handshake smoke']),
});
run({
  wf: 'WF-03',
  start: '2026-03-10T15:05:00Z',
  event: 'push',
  branch: 'main',
  headSha: release,
  status: 'completed',
  conclusion: 'success',
  jobs: ok(['container build', 'image scan', 'SBOM', 'release manifest']),
});
run({
  wf: 'WF-04',
  start: '2026-03-10T15:20:00Z',
  event: 'workflow_run',
  branch: 'main',
  headSha: release,
  status: 'completed',
  conclusion: 'success',
  environment: 'staging',
  jobs: [...ok(stagingJobs), ...ok(smokeJobs)],
});
run({
  wf: 'WF-05',
  start: '2026-03-10T16:02:00Z',
  event: 'workflow_dispatch',
  branch: 'main',
  headSha: release,
  status: 'completed',
  conclusion: 'success',
  actor: LANES_APP, // dispatched by Lanes when hana opened v1.4.0 (16:01:30)
  jobs: ok(['change summary', 'freeze window', 'rollback target exists']),
});
run({
  wf: 'WF-06',
  start: '2026-03-10T20:14:00Z',
  event: 'workflow_dispatch',
  branch: 'v1.4.0',
  headSha: release,
  status: 'waiting',
  environment: 'prod-db',
  actor: 'chiara',
});
run({
  wf: 'WF-07',
  start: '2026-03-10T20:32:00Z',
  event: 'workflow_dispatch',
  actor: LANES_APP, // dispatched by Lanes when RG-08 passed (20:31:30)
  branch: 'v1.4.0',
  headSha: release,
  status: 'completed',
  conclusion: 'success',
  environment: 'prod-ops',
  jobs: ok(['ops checklist', 'canary health', 'queue backlog threshold', 'deploy'], 10),
});
run({
  wf: 'WF-08',
  // PL-08 was green at 20:32:57 and the 15 min hold had passed, but RG-09/RG-10 still waited for Compute and
  // Product, so Lanes did not dispatch PL-09. farid (on call) started the workflow by hand to get its
  // pre-deploy checks going; its deploy job needs them and is the only job on the prod-pulse environment,
  // whose protection rule Lanes answers. feed freshness failed, so the deploy job never started: no
  // deployment was created and nothing reached prod-pulse. The run failed, and with it PL-09 (RG-11 blocked).
  start: '2026-03-10T20:48:00Z',
  event: 'workflow_dispatch',
  actor: 'farid',
  branch: 'v1.4.0',
  headSha: release,
  status: 'completed',
  conclusion: 'failure',
  jobs: [
    { name: '15 min green after ops', conclusion: 'success' },
    { name: 'workspace isolation', conclusion: 'success' },
    { name: 'feed freshness', conclusion: 'failure', seconds: 90 },
  ],
});
run({
  wf: 'WF-09',
  start: '2026-03-10T21:03:00Z',
  event: 'workflow_run',
  branch: 'v1.4.0',
  headSha: release,
  status: 'waiting',
  environment: 'prod-ops',
});
run({
  wf: 'WF-09',
  start: '2026-03-10T21:06:00Z',
  event: 'workflow_run',
  branch: 'v1.4.0',
  headSha: release,
  status: 'completed',
  conclusion: 'failure',
  environment: 'prod-pulse',
  jobs: [
    { name: 'feed freshness', conclusion: 'failure' },
    { name: 'workspace isolation', conclusion: 'success' },
  ],
});

// ---- 11 and 12 March: the next candidate and the current main line ----
run({
  wf: 'WF-05',
  start: '2026-03-11T18:05:00Z',
  event: 'workflow_dispatch',
  branch: 'main',
  headSha: sha('main-0311'),
  status: 'queued',
  actor: 'ivan',
});
const main0312a = sha('main-0312-a');
const main0312b = sha('main-0312-b');
run({
  wf: 'WF-04',
  start: '2026-03-12T09:19:00Z',
  event: 'workflow_run',
  branch: 'main',
  headSha: main0312a,
  status: 'completed',
  conclusion: 'success',
  environment: 'staging',
  jobs: [
    ...ok(['deploy']),
    ...ok(['overview smoke', 'ws connect', 'queue', 'memory', 'reports', 'alerts', 'smoke'], 20),
  ],
});
run({
  wf: 'WF-04',
  start: '2026-03-12T09:26:00Z',
  event: 'workflow_run',
  branch: 'main',
  headSha: main0312b,
  status: 'in_progress',
  environment: 'staging',
  jobs: [...ok(['deploy preflight', 'env diff'], 20), { name: 'deploy', conclusion: null }],
});
run({
  wf: 'WF-03',
  start: '2026-03-12T09:31:00Z',
  event: 'push',
  branch: 'main',
  headSha: sha('main-0312-c'),
  status: 'completed',
  conclusion: 'success',
  jobs: ok(['container build', 'image scan', 'SBOM', 'release manifest']),
});
run({
  wf: 'WF-02',
  start: '2026-03-12T09:39:00Z',
  event: 'pull_request',
  branch: 'fix/ws-handshake',
  headSha: sha('pr-2'),
  status: 'completed',
  conclusion: 'success',
  jobs: ok(['contract diff', 'migration dry-run', 'ws handshake smoke']),
});
run({
  wf: 'WF-01',
  start: '2026-03-12T09:42:00Z',
  event: 'pull_request',
  branch: 'fix/ws-handshake',
  headSha: sha('pr-2'),
  status: 'completed',
  conclusion: 'success',
  jobs: ok(['lint', 'typecheck', 'unit', 'schema drift', 'secret scan']),
});

// GitHub delivers out of order: swap some neighbours deterministically (the result must not change).
for (let i = 3; i < out.length - 1; i += 7) {
  const a = out[i];
  const b = out[i + 1];
  if (a && b) {
    out[i] = b;
    out[i + 1] = a;
  }
}
// And it delivers some twice (same GUID).
const dupes = out.filter((_, i) => i % 23 === 5).map((d) => ({ ...d }));
out.push(...dupes);

// People's actions, each at its moment on the history's clock, through the same API as that person.
const approve = (at: string, as: string, gate: string, release: string, comment: string) => ({
  at,
  as,
  method: 'POST',
  path: `/api/v1/gates/${gate}/approve`,
  body: { release, comment },
});
const actions = [
  // v1.3.2: opened from the green staging build of 3 March; Lanes dispatches PL-06 (10:00).
  {
    at: '2026-03-03T09:58:00Z',
    as: 'hana',
    method: 'POST',
    path: '/api/v1/releases',
    body: {
      version: 'v1.3.2',
      sha: prevRelease,
      changeSummary: ['report cache warm-up', 'queue metrics'],
      includesMigrations: false,
      reason: 'weekly release',
    },
  },
  approve('2026-03-03T10:05:00Z', 'giulia', 'RG-05', 'rel-v1.3.2', 'staging smoke pack reviewed'),
  approve(
    '2026-03-03T10:40:00Z',
    'ivan',
    'RG-07',
    'rel-v1.3.2',
    'change summary checked; rollback target is the last good build',
  ),
  // RG-08 passes: Lanes dispatches PL-08 (run at 11:00).
  approve('2026-03-03T10:58:30Z', 'dmitri', 'RG-08', 'rel-v1.3.2', 'no migrations in this release'),
  // RG-09/RG-10 pass during PL-08's 15 min hold: Lanes dispatches PL-09 when the hold ends (run at 11:20).
  approve(
    '2026-03-03T11:10:00Z',
    'jonas',
    'RG-09',
    'rel-v1.3.2',
    'compute headroom checked for the pulse rollout',
  ),
  approve('2026-03-03T11:15:00Z', 'giulia', 'RG-10', 'rel-v1.3.2', 'pulse release notes reviewed'),
  approve(
    '2026-03-04T11:30:00Z',
    'ivan',
    'RG-13',
    'rel-v1.3.2',
    '24 h after the release: error rate and alerts normal',
  ),
  // v1.4.0: opened from the green staging build of 10 March; Lanes dispatches PL-06 (16:02).
  {
    at: '2026-03-10T16:01:30Z',
    as: 'hana',
    method: 'POST',
    path: '/api/v1/releases',
    body: {
      version: 'v1.4.0',
      sha: release,
      changeSummary: ['pulse feed pipeline', 'ws handshake hardening', 'queue backlog threshold alert'],
      includesMigrations: false,
      reason: 'weekly release',
    },
  },
  approve('2026-03-10T16:15:00Z', 'giulia', 'RG-05', 'rel-v1.4.0', 'staging smoke pack reviewed'),
  approve(
    '2026-03-10T20:24:00Z',
    'ivan',
    'RG-07',
    'rel-v1.4.0',
    'change summary and rollback target v1.3.2 checked',
  ),
  // RG-08 passes: Lanes dispatches PL-08 (run at 20:32). RG-09 and RG-10 are never approved for v1.4.0.
  approve('2026-03-10T20:31:30Z', 'dmitri', 'RG-08', 'rel-v1.4.0', 'no migrations in this release'),
];
writeFileSync(
  new URL('./demo-actions.json', import.meta.url),
  `${JSON.stringify({ start: '2026-03-02T15:55:00Z', now: '2026-03-12T09:45:00Z', actions }, null, 2)}\n`,
);

const file = new URL('./demo-history.jsonl', import.meta.url);
writeFileSync(file, `${out.map((d) => JSON.stringify(d)).join('\n')}\n`);
process.stdout.write(`wrote ${out.length} deliveries to ${file.pathname}\n`);

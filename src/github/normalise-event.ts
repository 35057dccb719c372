// One GitHub delivery (event name + parsed JSON body) → normalised facts (src/core/run-model.ts).
//
// Contract: normaliseDelivery never throws, whatever it is given. Anything that is not the documented shape
// gives { ok: false, reason, detail }: 'unsupported_event' for events we do not consume, 'not_an_object' when
// the body is not a JSON object, 'missing_fields' for a missing or invalid field (wrong type, invalid date,
// non-numeric id, unsafe callback URL, ...). The code never recurses into the payload, so deep or huge inputs
// cost nothing beyond the fields read.
//
// Decisions worth knowing (see also the comments at each event):
// - Times are GitHub's own timestamps, ISO 8601 strings, normalised with new Date(x).toISOString(). A string
//   that is not ISO 8601 (date, 'T', time, zone) is rejected, not guessed at.
// - Evidence outcome (workflow_job and check_run): not completed → pending; success or neutral → passed
//   (GitHub itself lets neutral satisfy required checks); failure, cancelled, timed_out, action_required,
//   startup_failure, stale → failed; skipped → pending, with details "skipped": a skipped job did not run, so
//   it cannot be proof that the check passed (it would let a gate pass on nothing), and it did not fail either
//   (conditional jobs are skipped on purpose). A missing conclusion on a completed job → pending.
// - create (ref created) carries no sha, and a RefRecord with sha null means "deleted", so create yields no
//   fact (ok with zero facts); the push event GitHub sends for the same ref carries the sha. delete → ref fact
//   with sha null.
// - Run environment: workflow_run payloads have none, so run.environment stays null. It is known from
//   deployment/deployment_status (deployment fact: runId + environment, when the payload has workflow_run), from
//   workflow_job when the payload has a top-level deployment (job fact `environment`), and from
//   deployment_protection_rule (request: runId + environment). The engine joins those on runId.
// - deployment_protection_rule: the review call's path is rebuilt from the payload's own repository and the run
//   id taken from deployment_callback_url, after checking that URL's path is exactly
//   [/api/v3]/repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule. The host is never kept.
import type {
  DeploymentRecord,
  EvidenceOutcome,
  EvidenceRecord,
  GhConclusion,
  GhRunStatus,
  JobRecord,
  NormaliseResult,
  NormalisedFact,
  ProtectionRequest,
  RefRecord,
  RunRecord,
} from '../core/run-model.ts';
import { normaliseWorkflowPath, type WorkflowResolver } from './workflow-mapping.ts';

export interface NormaliseContext {
  resolveWorkflow: WorkflowResolver;
  /** When we received the delivery (ISO): fallback ordering time only where GitHub sends no timestamp. */
  receivedAt: string;
}

export const SUPPORTED_EVENTS = [
  'workflow_run',
  'workflow_job',
  'check_run',
  'push',
  'pull_request',
  'create',
  'delete',
  'release',
  'deployment',
  'deployment_status',
  'deployment_protection_rule',
] as const;
export type SupportedEvent = (typeof SUPPORTED_EVENTS)[number];

export function isSupportedEvent(event: unknown): event is SupportedEvent {
  return typeof event === 'string' && (SUPPORTED_EVENTS as readonly string[]).includes(event);
}

// ---------------------------------------------------------------------------------------------------------
// Field readers. Each takes the object, the key and a path for the error detail; they throw Reject, which
// normaliseDelivery turns into { ok: false }.

class Reject extends Error {
  constructor(
    readonly reason: 'missing_fields' | 'not_an_object',
    readonly detail: string,
  ) {
    super(detail);
  }
}

type Obj = Record<string, unknown>;

const MAX_TEXT = 1024; // names, refs, environments: anything longer is not a GitHub value
const MAX_URL = 2048;
const MAX_DETAILS = 1000;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function own(o: Obj, k: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined;
}

function fail(detail: string): never {
  throw new Reject('missing_fields', detail);
}

function reqObj(o: Obj, k: string, at: string): Obj {
  const v = own(o, k);
  if (!isObj(v)) fail(v === undefined || v === null ? `${at} missing` : `${at} is not an object`);
  return v;
}

function optObj(o: Obj, k: string, at: string): Obj | null {
  const v = own(o, k);
  if (v === undefined || v === null) return null;
  if (!isObj(v)) fail(`${at} is not an object`);
  return v;
}

function optStr(o: Obj, k: string, at: string, max = MAX_TEXT): string | null {
  const v = own(o, k);
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') fail(`${at} is not a string`);
  if (v.length > max) fail(`${at} is too long`);
  return v;
}

/** A required, non-empty string. */
function reqStr(o: Obj, k: string, at: string, max = MAX_TEXT): string {
  const v = optStr(o, k, at, max);
  if (v === null || v.length === 0) fail(`${at} missing`);
  return v;
}

function nonEmpty(s: string | null): string | null {
  return s === null || s.length === 0 ? null : s;
}

/** A positive safe integer (GitHub ids, run numbers, attempts). Numeric strings are refused. */
function optId(o: Obj, k: string, at: string): number | null {
  const v = own(o, k);
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) fail(`${at} is not a positive integer`);
  return v;
}

function reqId(o: Obj, k: string, at: string): number {
  const v = optId(o, k, at);
  if (v === null) fail(`${at} missing`);
  return v;
}

const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

function toIso(v: string, at: string): string {
  if (!ISO_RE.test(v)) fail(`${at} is not an ISO 8601 time`);
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) fail(`${at} is not a valid time`);
  return d.toISOString();
}

function optTime(o: Obj, k: string, at: string): string | null {
  const v = optStr(o, k, at, 64);
  return v === null ? null : toIso(v, at);
}

function reqTime(o: Obj, k: string, at: string): string {
  const v = optTime(o, k, at);
  if (v === null) fail(`${at} missing`);
  return v;
}

const SHA_RE = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

function reqSha(o: Obj, k: string, at: string): string {
  const v = reqStr(o, k, at, 64);
  if (!SHA_RE.test(v)) fail(`${at} is not a commit sha`);
  return v;
}

function optSha(o: Obj, k: string, at: string): string | null {
  const v = nonEmpty(optStr(o, k, at, 64));
  if (v === null) return null;
  if (!SHA_RE.test(v)) fail(`${at} is not a commit sha`);
  return v;
}

/** A link we may show: http(s) only (no javascript:, data:, ...), else null. */
function optLink(o: Obj, k: string, at: string): string | null {
  const v = nonEmpty(optStr(o, k, at, MAX_URL));
  if (v === null) return null;
  try {
    const u = new URL(v);
    return u.protocol === 'https:' || u.protocol === 'http:' ? v : null;
  } catch {
    return null;
  }
}

// Refs, environments, check names: printable text without control characters.
const CONTROL_RE = /[\u0000-\u001f\u007f]/;

function reqText(o: Obj, k: string, at: string): string {
  const v = reqStr(o, k, at);
  if (CONTROL_RE.test(v)) fail(`${at} has control characters`);
  return v;
}

function optText(o: Obj, k: string, at: string): string | null {
  const v = nonEmpty(optStr(o, k, at));
  if (v !== null && CONTROL_RE.test(v)) fail(`${at} has control characters`);
  return v;
}

const OWNER_RE = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,99})$/;
const REPO_RE = /^[A-Za-z0-9_.-]{1,100}$/;

function splitFullName(fullName: string): { owner: string; name: string } | null {
  const parts = fullName.split('/');
  if (parts.length !== 2) return null;
  const [owner, name] = parts as [string, string];
  if (!OWNER_RE.test(owner) || !REPO_RE.test(name) || name === '.' || name === '..') return null;
  return { owner, name };
}

/** The payload's repository full_name ("owner/name"), validated. */
function repoOf(p: Obj): string {
  const repo = reqObj(p, 'repository', 'repository');
  const fullName = reqStr(repo, 'full_name', 'repository.full_name', 201);
  if (splitFullName(fullName) === null) fail('repository.full_name is not owner/name');
  return fullName;
}

function loginOf(o: Obj, k: string, at: string): string | null {
  const u = optObj(o, k, at);
  return u === null ? null : optText(u, 'login', `${at}.login`);
}

const RUN_STATUSES: readonly GhRunStatus[] = [
  'requested',
  'queued',
  'pending',
  'waiting',
  'in_progress',
  'completed',
];
const CONCLUSIONS: readonly GhConclusion[] = [
  'success',
  'failure',
  'cancelled',
  'skipped',
  'neutral',
  'timed_out',
  'action_required',
  'stale',
  'startup_failure',
];

function reqStatus(o: Obj, k: string, at: string): GhRunStatus {
  const v = reqStr(o, k, at, 32);
  const s = RUN_STATUSES.find((x) => x === v);
  if (s === undefined) fail(`${at} "${v}" is not a known status`);
  return s;
}

function optConclusion(o: Obj, k: string, at: string): GhConclusion | null {
  const v = nonEmpty(optStr(o, k, at, 32));
  if (v === null) return null;
  const c = CONCLUSIONS.find((x) => x === v);
  if (c === undefined) fail(`${at} "${v}" is not a known conclusion`);
  return c;
}

function evidenceOutcome(status: string, conclusion: GhConclusion | null): EvidenceOutcome {
  if (status !== 'completed' || conclusion === null) return 'pending';
  switch (conclusion) {
    case 'success':
    case 'neutral':
      return 'passed';
    case 'failure':
    case 'cancelled':
    case 'timed_out':
    case 'action_required':
    case 'startup_failure':
    case 'stale':
      return 'failed';
    case 'skipped':
      return 'pending';
  }
}

function clip(s: string): string {
  return s.length > MAX_DETAILS ? `${s.slice(0, MAX_DETAILS - 1)}…` : s;
}

/** Repository pushed_at: epoch seconds in push payloads, ISO string in create/delete payloads. */
function pushedAt(p: Obj): string | null {
  const repo = reqObj(p, 'repository', 'repository');
  const v = own(repo, 'pushed_at');
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) || v <= 0 || v > 253402300799)
      fail('repository.pushed_at is not a valid time');
    return new Date(v * 1000).toISOString();
  }
  if (typeof v === 'string') return toIso(v, 'repository.pushed_at');
  return fail('repository.pushed_at is not a time');
}

// ---------------------------------------------------------------------------------------------------------
// Events

function workflowRun(p: Obj, ctx: NormaliseContext): NormalisedFact[] {
  const repo = repoOf(p);
  const wr = reqObj(p, 'workflow_run', 'workflow_run');
  const wf = optObj(p, 'workflow', 'workflow');
  // Some payloads (older ones) carry the path only on the top-level `workflow` object.
  const rawPath =
    nonEmpty(optStr(wr, 'path', 'workflow_run.path')) ??
    (wf === null ? null : nonEmpty(optStr(wf, 'path', 'workflow.path')));
  if (rawPath === null) fail('workflow_run.path missing');
  const workflowPath = normaliseWorkflowPath(rawPath);
  if (workflowPath === null) fail('workflow_run.path is not a path');
  const workflowName =
    nonEmpty(optStr(wr, 'name', 'workflow_run.name')) ??
    (wf === null ? null : nonEmpty(optStr(wf, 'name', 'workflow.name'))) ??
    '';
  const updatedAt = reqTime(wr, 'updated_at', 'workflow_run.updated_at');
  const runStartedAt =
    optTime(wr, 'run_started_at', 'workflow_run.run_started_at') ??
    reqTime(wr, 'created_at', 'workflow_run.created_at');
  const htmlUrl = optLink(wr, 'html_url', 'workflow_run.html_url');
  if (htmlUrl === null) fail('workflow_run.html_url missing');
  const run: RunRecord = {
    runId: reqId(wr, 'id', 'workflow_run.id'),
    runAttempt: optId(wr, 'run_attempt', 'workflow_run.run_attempt') ?? 1,
    repo,
    workflowPath,
    workflowName,
    workflowId: ctx.resolveWorkflow(workflowPath, nonEmpty(workflowName)),
    runNumber: reqId(wr, 'run_number', 'workflow_run.run_number'),
    event: reqText(wr, 'event', 'workflow_run.event'),
    headBranch: optText(wr, 'head_branch', 'workflow_run.head_branch'),
    headSha: reqSha(wr, 'head_sha', 'workflow_run.head_sha'),
    status: reqStatus(wr, 'status', 'workflow_run.status'),
    conclusion: optConclusion(wr, 'conclusion', 'workflow_run.conclusion'),
    environment: null, // not in workflow_run payloads; see the header comment
    htmlUrl,
    runStartedAt,
    updatedAt,
    actor:
      loginOf(wr, 'actor', 'workflow_run.actor') ??
      loginOf(wr, 'triggering_actor', 'workflow_run.triggering_actor'),
  };
  return [{ kind: 'run', run }];
}

function workflowJob(p: Obj): NormalisedFact[] {
  const repo = repoOf(p);
  const wj = reqObj(p, 'workflow_job', 'workflow_job');
  const startedAt = optTime(wj, 'started_at', 'workflow_job.started_at');
  const completedAt = optTime(wj, 'completed_at', 'workflow_job.completed_at');
  const createdAt = optTime(wj, 'created_at', 'workflow_job.created_at');
  const updatedAt = completedAt ?? startedAt ?? createdAt;
  if (updatedAt === null) fail('workflow_job has no completed_at, started_at or created_at');
  const labelsRaw = own(wj, 'labels');
  if (labelsRaw !== undefined && labelsRaw !== null && !Array.isArray(labelsRaw))
    fail('workflow_job.labels is not a list');
  const labels = Array.isArray(labelsRaw)
    ? labelsRaw
        .slice(0, 100)
        .filter((l): l is string => typeof l === 'string' && l.length > 0 && l.length <= MAX_TEXT)
    : [];
  const job: JobRecord = {
    jobId: reqId(wj, 'id', 'workflow_job.id'),
    runId: reqId(wj, 'run_id', 'workflow_job.run_id'),
    runAttempt: optId(wj, 'run_attempt', 'workflow_job.run_attempt') ?? 1,
    name: reqText(wj, 'name', 'workflow_job.name'),
    status: reqStatus(wj, 'status', 'workflow_job.status'),
    conclusion: optConclusion(wj, 'conclusion', 'workflow_job.conclusion'),
    startedAt,
    completedAt,
    htmlUrl: optLink(wj, 'html_url', 'workflow_job.html_url'),
    labels,
    runnerName: optText(wj, 'runner_name', 'workflow_job.runner_name'),
    updatedAt,
  };
  const headSha = reqSha(wj, 'head_sha', 'workflow_job.head_sha');
  const deployment = optObj(p, 'deployment', 'deployment');
  const environment =
    deployment === null ? null : optText(deployment, 'environment', 'deployment.environment');
  const outcome = evidenceOutcome(job.status, job.conclusion);
  const evidence: EvidenceRecord = {
    key: `job:${job.jobId}`,
    check: job.name,
    outcome,
    sha: headSha,
    runId: job.runId,
    laneId: null,
    source: 'job',
    url: job.htmlUrl,
    details: job.conclusion ?? job.status,
    recordedAt: updatedAt,
    reportedBy: null,
  };
  return [
    {
      kind: 'job',
      job,
      repo,
      workflowName: nonEmpty(optStr(wj, 'workflow_name', 'workflow_job.workflow_name')),
      environment,
    },
    { kind: 'evidence', evidence },
  ];
}

function checkRun(p: Obj): NormalisedFact[] {
  repoOf(p);
  const cr = reqObj(p, 'check_run', 'check_run');
  const status = reqStr(cr, 'status', 'check_run.status', 32);
  if (!RUN_STATUSES.some((s) => s === status)) fail(`check_run.status "${status}" is not a known status`);
  const conclusion = optConclusion(cr, 'conclusion', 'check_run.conclusion');
  const recordedAt =
    optTime(cr, 'completed_at', 'check_run.completed_at') ??
    optTime(cr, 'started_at', 'check_run.started_at');
  if (recordedAt === null) fail('check_run has no completed_at or started_at');
  const output = optObj(cr, 'output', 'check_run.output');
  const title = output === null ? null : nonEmpty(optStr(output, 'title', 'check_run.output.title', 65_535));
  const app = optObj(cr, 'app', 'check_run.app');
  const evidence: EvidenceRecord = {
    key: `check_run:${reqId(cr, 'id', 'check_run.id')}`,
    check: reqText(cr, 'name', 'check_run.name'),
    outcome: evidenceOutcome(status, conclusion),
    sha: reqSha(cr, 'head_sha', 'check_run.head_sha'),
    runId: null, // a check run does not name its workflow run
    laneId: null,
    source: 'check_run',
    url: optLink(cr, 'html_url', 'check_run.html_url'),
    details: clip(title ?? conclusion ?? status),
    recordedAt,
    reportedBy: app === null ? null : optText(app, 'slug', 'check_run.app.slug'),
  };
  return [{ kind: 'evidence', evidence }];
}

const ZERO_SHA_RE = /^0+$/;

function push(p: Obj, receivedAt: string): NormalisedFact[] {
  const repo = repoOf(p);
  const ref = reqText(p, 'ref', 'ref');
  if (!ref.startsWith('refs/')) fail('ref is not a full ref (refs/...)');
  const after = nonEmpty(optStr(p, 'after', 'after', 64));
  const deletedFlag = own(p, 'deleted');
  if (deletedFlag !== undefined && deletedFlag !== null && typeof deletedFlag !== 'boolean')
    fail('deleted is not a boolean');
  const deleted = deletedFlag === true || (after !== null && ZERO_SHA_RE.test(after));
  let sha: string | null = null;
  if (!deleted) sha = reqSha(p, 'after', 'after');
  // GitHub's time of the push: repository.pushed_at. Only when absent, the time we received it.
  const updatedAt = pushedAt(p) ?? receivedAt;
  const r: RefRecord = { repo, ref, sha, updatedAt };
  return [{ kind: 'ref', ref: r }];
}

/** pull_request: the PR's head as a ref (refs/pull/N/head → head sha), dated by the PR's updated_at. */
function pullRequest(p: Obj): NormalisedFact[] {
  const repo = repoOf(p);
  const pr = reqObj(p, 'pull_request', 'pull_request');
  const number = reqId(pr, 'number', 'pull_request.number');
  const head = reqObj(pr, 'head', 'pull_request.head');
  const sha = reqSha(head, 'sha', 'pull_request.head.sha');
  const updatedAt = reqTime(pr, 'updated_at', 'pull_request.updated_at');
  const closed = own(p, 'action') === 'closed';
  const r: RefRecord = { repo, ref: `refs/pull/${number}/head`, sha: closed ? null : sha, updatedAt };
  return [{ kind: 'ref', ref: r }];
}

function refType(p: Obj): 'tag' | 'branch' {
  const t = reqStr(p, 'ref_type', 'ref_type', 32);
  if (t !== 'tag' && t !== 'branch') fail(`ref_type "${t}" is not tag or branch`);
  return t;
}

function shortRef(p: Obj): string {
  const ref = reqText(p, 'ref', 'ref');
  if (ref.startsWith('refs/')) fail('ref is expected as a short name');
  return ref;
}

function create(p: Obj): NormalisedFact[] {
  // Validated, but no fact: create carries no sha (see the header comment); the push event has it.
  repoOf(p);
  refType(p);
  shortRef(p);
  return [];
}

function deleteRef(p: Obj, receivedAt: string): NormalisedFact[] {
  const repo = repoOf(p);
  const type = refType(p);
  const name = shortRef(p);
  const ref = `${type === 'tag' ? 'refs/tags/' : 'refs/heads/'}${name}`;
  const r: RefRecord = { repo, ref, sha: null, updatedAt: pushedAt(p) ?? receivedAt };
  return [{ kind: 'ref', ref: r }];
}

function release(p: Obj, receivedAt: string): NormalisedFact[] {
  const repo = repoOf(p);
  const action = reqText(p, 'action', 'action');
  const rel = reqObj(p, 'release', 'release');
  const tag = reqText(rel, 'tag_name', 'release.tag_name');
  // target_commitish is usually a branch name; it is a sha only when it looks like one.
  const commitish = nonEmpty(optStr(rel, 'target_commitish', 'release.target_commitish'));
  const sha = commitish !== null && SHA_RE.test(commitish) ? commitish : null;
  const createdAt = optTime(rel, 'created_at', 'release.created_at');
  const publishedAt = optTime(rel, 'published_at', 'release.published_at');
  // The payload dates the release's creation and publication only. For those actions we use them; for
  // edited/deleted/unpublished GitHub sends no time of the change, so it is the time we received it.
  let at: string;
  switch (action) {
    case 'created':
      at = createdAt ?? receivedAt;
      break;
    case 'published':
    case 'released':
    case 'prereleased':
      at = publishedAt ?? createdAt ?? receivedAt;
      break;
    default:
      at = receivedAt;
  }
  return [{ kind: 'release', repo, tag, sha, name: optText(rel, 'name', 'release.name'), action, at }];
}

/** The workflow run that created a deployment, when the payload says (Actions-created deployments). */
function deploymentRunId(p: Obj): number | null {
  const wr = optObj(p, 'workflow_run', 'workflow_run');
  return wr === null ? null : reqId(wr, 'id', 'workflow_run.id');
}

function deploymentBase(p: Obj): Omit<DeploymentRecord, 'state' | 'updatedAt'> & { dep: Obj } {
  const repo = repoOf(p);
  const dep = reqObj(p, 'deployment', 'deployment');
  return {
    dep,
    deploymentId: reqId(dep, 'id', 'deployment.id'),
    repo,
    environment: reqText(dep, 'environment', 'deployment.environment'),
    sha: reqSha(dep, 'sha', 'deployment.sha'),
    ref: reqText(dep, 'ref', 'deployment.ref'),
    runId: deploymentRunId(p),
  };
}

function deployment(p: Obj): NormalisedFact[] {
  const { dep, ...base } = deploymentBase(p);
  // The deployment event announces the creation: its state is 'created', as of the deployment's created_at
  // (not updated_at, which moves with later statuses and would outrank them).
  const updatedAt =
    optTime(dep, 'created_at', 'deployment.created_at') ??
    reqTime(dep, 'updated_at', 'deployment.updated_at');
  return [{ kind: 'deployment', deployment: { ...base, state: 'created', updatedAt } }];
}

const DEPLOYMENT_STATE_RE = /^[a-z_]{1,32}$/;

function deploymentStatus(p: Obj): NormalisedFact[] {
  const { dep: _dep, ...base } = deploymentBase(p);
  const ds = reqObj(p, 'deployment_status', 'deployment_status');
  const state = reqStr(ds, 'state', 'deployment_status.state', 32);
  if (!DEPLOYMENT_STATE_RE.test(state)) fail('deployment_status.state is not a state');
  const updatedAt =
    optTime(ds, 'updated_at', 'deployment_status.updated_at') ??
    reqTime(ds, 'created_at', 'deployment_status.created_at');
  return [{ kind: 'deployment', deployment: { ...base, state, updatedAt } }];
}

// [scheme]://[authority][/api/v3]/repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule, nothing
// after it (no query, no fragment). Owner and repo segments admit no '%' (no encoded slashes or dots), no '/'
// and no backslash; '.' and '..' are refused separately. The run id is digits without a leading zero.
const CALLBACK_RE =
  /^https?:\/\/([^/?#\\@\s]+)((?:\/api\/v3)?)\/repos\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)\/actions\/runs\/([1-9][0-9]{0,15})\/deployment_protection_rule$/;

/**
 * Validates GitHub's deployment_callback_url against the payload's own repository and returns the review
 * path relative to the API base, or null. The host is checked for well-formedness only and then dropped:
 * where the review goes is our configured API base, never something the payload names.
 */
export function reviewPathFromCallbackUrl(
  callbackUrl: string,
  repoFullName: string,
): { reviewPath: string; runId: number } | null {
  if (callbackUrl.length > MAX_URL) return null;
  const m = CALLBACK_RE.exec(callbackUrl);
  if (!m) return null;
  const [, authority, , owner, name, runIdText] = m;
  if (authority === undefined || owner === undefined || name === undefined || runIdText === undefined)
    return null;
  if (owner === '.' || owner === '..' || name === '.' || name === '..') return null;
  let url: URL;
  try {
    url = new URL(callbackUrl);
  } catch {
    return null;
  }
  // The URL parser must see the same path we matched (no normalisation happened, no credentials, no query).
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') return null;
  const rawPath = callbackUrl.slice(callbackUrl.indexOf('://') + 3 + authority.length);
  if (url.pathname !== rawPath) return null;
  const repo = splitFullName(repoFullName);
  if (repo === null) return null;
  // GitHub owner and repository names are case-insensitive; the path we keep uses the payload's full_name.
  if (owner.toLowerCase() !== repo.owner.toLowerCase() || name.toLowerCase() !== repo.name.toLowerCase())
    return null;
  const runId = Number(runIdText);
  if (!Number.isSafeInteger(runId) || runId <= 0) return null;
  return {
    reviewPath: `/repos/${repo.owner}/${repo.name}/actions/runs/${runId}/deployment_protection_rule`,
    runId,
  };
}

function deploymentProtectionRule(p: Obj, receivedAt: string): NormalisedFact[] {
  const repo = repoOf(p);
  const action = reqStr(p, 'action', 'action', 32);
  if (action !== 'requested') fail(`action "${action}" is not requested`);
  const environment = reqText(p, 'environment', 'environment');
  const callbackUrl = reqStr(p, 'deployment_callback_url', 'deployment_callback_url', MAX_URL);
  const review = reviewPathFromCallbackUrl(callbackUrl, repo);
  if (review === null)
    fail("deployment_callback_url is not this repository's deployment_protection_rule URL");
  // Not documented for this event, but if a workflow_run is present it must agree with the callback URL.
  const wr = optObj(p, 'workflow_run', 'workflow_run');
  if (wr !== null && reqId(wr, 'id', 'workflow_run.id') !== review.runId)
    fail('workflow_run.id differs from the callback URL');
  const dep = optObj(p, 'deployment', 'deployment');
  const installation = optObj(p, 'installation', 'installation');
  const request: ProtectionRequest = {
    repo,
    runId: review.runId,
    environment,
    sha: optSha(p, 'sha', 'sha') ?? (dep === null ? null : optSha(dep, 'sha', 'deployment.sha')),
    ref: optText(p, 'ref', 'ref') ?? (dep === null ? null : optText(dep, 'ref', 'deployment.ref')),
    deploymentId: dep === null ? null : optId(dep, 'id', 'deployment.id'),
    reviewPath: review.reviewPath,
    installationId: installation === null ? null : optId(installation, 'id', 'installation.id'),
    // The payload carries no time of the request; it is the delivery's receipt time.
    requestedAt: receivedAt,
  };
  return [{ kind: 'protection_request', request }];
}

// ---------------------------------------------------------------------------------------------------------

function dispatch(
  event: SupportedEvent,
  p: Obj,
  ctx: NormaliseContext,
  receivedAt: string,
): NormalisedFact[] {
  switch (event) {
    case 'workflow_run':
      return workflowRun(p, ctx);
    case 'workflow_job':
      return workflowJob(p);
    case 'check_run':
      return checkRun(p);
    case 'push':
      return push(p, receivedAt);
    case 'pull_request':
      return pullRequest(p);
    case 'create':
      return create(p);
    case 'delete':
      return deleteRef(p, receivedAt);
    case 'release':
      return release(p, receivedAt);
    case 'deployment':
      return deployment(p);
    case 'deployment_status':
      return deploymentStatus(p);
    case 'deployment_protection_rule':
      return deploymentProtectionRule(p, receivedAt);
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

/** Normalises one delivery. Never throws. */
export function normaliseDelivery(event: string, payload: unknown, ctx: NormaliseContext): NormaliseResult {
  try {
    if (!isSupportedEvent(event)) {
      const name = typeof event === 'string' ? event.slice(0, 64) : describe(event);
      return { ok: false, reason: 'unsupported_event', detail: `event ${name} is not consumed` };
    }
    if (!isObj(payload))
      return { ok: false, reason: 'not_an_object', detail: `payload is ${describe(payload)}` };
    if (typeof ctx?.receivedAt !== 'string')
      return { ok: false, reason: 'missing_fields', detail: 'receivedAt missing' };
    const receivedAt = toIso(ctx.receivedAt, 'receivedAt');
    return { ok: true, facts: dispatch(event, payload, ctx, receivedAt) };
  } catch (e) {
    if (e instanceof Reject) return { ok: false, reason: e.reason, detail: e.detail };
    // Not ours (an exotic input, e.g. a throwing getter, or the resolver failed): still an answer, not a throw.
    let msg = 'unexpected error';
    try {
      if (e instanceof Error) msg = e.message.slice(0, 200);
    } catch {
      // keep the generic message
    }
    return { ok: false, reason: 'missing_fields', detail: `could not normalise: ${msg}` };
  }
}

// One GitHub delivery (event name + parsed JSON body) → normalised facts (src/core/run-model.ts).
//
// Contract: normaliseDelivery never throws, whatever it is given. Anything that is not the documented shape
// gives { ok: false, reason, detail }: 'unsupported_event' for events we do not consume, 'not_an_object' when
// the body is not a JSON object, 'missing_fields' for a missing or invalid field (wrong type, invalid date,
// non-numeric id, unsafe callback URL, ...). The code never recurses into the payload, so deep or huge inputs
// cost nothing beyond the fields read.
//
// One file per concept under ./normalise/: field-readers (the validated readers every event uses),
// evidence-outcome, workflow-run, workflow-job, check-run, refs (push, pull_request, create, delete), release,
// deployment (deployment, deployment_status) and protection-rule. This module names the supported events,
// dispatches by event and turns a Reject into { ok: false }.
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
// - deployment_review (a person approving or rejecting a job waiting at an environment): one review fact per
//   environment, so that a run a reviewer rejected is recorded as rejected, not failed (issue 15).
import type { NormaliseResult, NormalisedFact } from '../core/run-model.ts';
import type { WorkflowResolver } from './workflow-mapping.ts';
import { checkRun } from './normalise/check-run.ts';
import { deployment, deploymentStatus } from './normalise/deployment.ts';
import { deploymentReview } from './normalise/deployment-review.ts';
import { isObj, Reject, toIso, type Obj } from './normalise/field-readers.ts';
import { deploymentProtectionRule } from './normalise/protection-rule.ts';
import { create, deleteRef, pullRequest, push } from './normalise/refs.ts';
import { release } from './normalise/release.ts';
import { workflowJob } from './normalise/workflow-job.ts';
import { workflowRun } from './normalise/workflow-run.ts';

export { reviewPathFromCallbackUrl } from './normalise/protection-rule.ts';

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
  'deployment_review',
] as const;
export type SupportedEvent = (typeof SUPPORTED_EVENTS)[number];

export function isSupportedEvent(event: unknown): event is SupportedEvent {
  return typeof event === 'string' && (SUPPORTED_EVENTS as readonly string[]).includes(event);
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
      return workflowRun(p, ctx.resolveWorkflow);
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
    case 'deployment_review':
      return deploymentReview(p, receivedAt);
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

// deployment_protection_rule → one protection request. The review call's path is rebuilt from the payload's
// own repository and the run id taken from deployment_callback_url, after checking that URL's path is exactly
// [/api/v3]/repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule. The host is never kept:
// where the review goes is our configured API base, never something the payload names.
import type { NormalisedFact, ProtectionRequest } from '../../core/run-model.ts';
import {
  MAX_URL,
  fail,
  optObj,
  reqStr,
  optId,
  reqId,
  optSha,
  reqText,
  optText,
  splitFullName,
  repoOf,
  type Obj,
} from './field-readers.ts';

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

export function deploymentProtectionRule(p: Obj, receivedAt: string): NormalisedFact[] {
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

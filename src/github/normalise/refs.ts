// Branch and tag heads: push, pull_request, create and delete → ref facts. A RefRecord with sha null means
// "deleted". create carries no sha, so it is validated and yields no fact; the push GitHub sends for the same
// ref carries the sha. Times are GitHub's (repository.pushed_at, the PR's updated_at); only when GitHub sends
// none is it the time we received the delivery.
import type { NormalisedFact, RefRecord } from '../../core/run-model.ts';
import {
  own,
  fail,
  reqObj,
  optStr,
  reqStr,
  nonEmpty,
  reqId,
  toIso,
  reqTime,
  reqSha,
  reqText,
  repoOf,
  type Obj,
} from './field-readers.ts';

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

const ZERO_SHA_RE = /^0+$/;

export function push(p: Obj, receivedAt: string): NormalisedFact[] {
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
export function pullRequest(p: Obj): NormalisedFact[] {
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

export function create(p: Obj): NormalisedFact[] {
  // Validated, but no fact: create carries no sha (see the header comment); the push event has it.
  repoOf(p);
  refType(p);
  shortRef(p);
  return [];
}

export function deleteRef(p: Obj, receivedAt: string): NormalisedFact[] {
  const repo = repoOf(p);
  const type = refType(p);
  const name = shortRef(p);
  const ref = `${type === 'tag' ? 'refs/tags/' : 'refs/heads/'}${name}`;
  const r: RefRecord = { repo, ref, sha: null, updatedAt: pushedAt(p) ?? receivedAt };
  return [{ kind: 'ref', ref: r }];
}

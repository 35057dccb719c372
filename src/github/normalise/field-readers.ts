// Field readers for GitHub payloads: each takes the object, the key and a path for the error detail, and
// either returns a validated value or throws Reject, which normaliseDelivery (../normalise-event.ts) turns
// into { ok: false, reason, detail }. Guarantees: only own properties are read (never the prototype chain),
// strings are length-bounded, times are ISO 8601 normalised to toISOString(), shas are 40 or 64 lowercase
// hex digits, links are http(s) only, text has no control characters, and nothing recurses into the payload.
import type { GhConclusion, GhRunStatus } from '../../core/run-model.ts';

export class Reject extends Error {
  constructor(
    readonly reason: 'missing_fields' | 'not_an_object',
    readonly detail: string,
  ) {
    super(detail);
  }
}

export type Obj = Record<string, unknown>;

export const MAX_TEXT = 1024; // names, refs, environments: anything longer is not a GitHub value
export const MAX_URL = 2048;
const MAX_DETAILS = 1000;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function own(o: Obj, k: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined;
}

export function fail(detail: string): never {
  throw new Reject('missing_fields', detail);
}

export function reqObj(o: Obj, k: string, at: string): Obj {
  const v = own(o, k);
  if (!isObj(v)) fail(v === undefined || v === null ? `${at} missing` : `${at} is not an object`);
  return v;
}

export function optObj(o: Obj, k: string, at: string): Obj | null {
  const v = own(o, k);
  if (v === undefined || v === null) return null;
  if (!isObj(v)) fail(`${at} is not an object`);
  return v;
}

export function optStr(o: Obj, k: string, at: string, max = MAX_TEXT): string | null {
  const v = own(o, k);
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') fail(`${at} is not a string`);
  if (v.length > max) fail(`${at} is too long`);
  return v;
}

/** A required, non-empty string. */
export function reqStr(o: Obj, k: string, at: string, max = MAX_TEXT): string {
  const v = optStr(o, k, at, max);
  if (v === null || v.length === 0) fail(`${at} missing`);
  return v;
}

export function nonEmpty(s: string | null): string | null {
  return s === null || s.length === 0 ? null : s;
}

/** A positive safe integer (GitHub ids, run numbers, attempts). Numeric strings are refused. */
export function optId(o: Obj, k: string, at: string): number | null {
  const v = own(o, k);
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) fail(`${at} is not a positive integer`);
  return v;
}

export function reqId(o: Obj, k: string, at: string): number {
  const v = optId(o, k, at);
  if (v === null) fail(`${at} missing`);
  return v;
}

const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

export function toIso(v: string, at: string): string {
  if (!ISO_RE.test(v)) fail(`${at} is not an ISO 8601 time`);
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) fail(`${at} is not a valid time`);
  return d.toISOString();
}

export function optTime(o: Obj, k: string, at: string): string | null {
  const v = optStr(o, k, at, 64);
  return v === null ? null : toIso(v, at);
}

export function reqTime(o: Obj, k: string, at: string): string {
  const v = optTime(o, k, at);
  if (v === null) fail(`${at} missing`);
  return v;
}

export const SHA_RE = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

export function reqSha(o: Obj, k: string, at: string): string {
  const v = reqStr(o, k, at, 64);
  if (!SHA_RE.test(v)) fail(`${at} is not a commit sha`);
  return v;
}

export function optSha(o: Obj, k: string, at: string): string | null {
  const v = nonEmpty(optStr(o, k, at, 64));
  if (v === null) return null;
  if (!SHA_RE.test(v)) fail(`${at} is not a commit sha`);
  return v;
}

/** A link we may show: http(s) only (no javascript:, data:, ...), else null. */
export function optLink(o: Obj, k: string, at: string): string | null {
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

export function reqText(o: Obj, k: string, at: string): string {
  const v = reqStr(o, k, at);
  if (CONTROL_RE.test(v)) fail(`${at} has control characters`);
  return v;
}

export function optText(o: Obj, k: string, at: string): string | null {
  const v = nonEmpty(optStr(o, k, at));
  if (v !== null && CONTROL_RE.test(v)) fail(`${at} has control characters`);
  return v;
}

const OWNER_RE = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,99})$/;
const REPO_RE = /^[A-Za-z0-9_.-]{1,100}$/;

export function splitFullName(fullName: string): { owner: string; name: string } | null {
  const parts = fullName.split('/');
  if (parts.length !== 2) return null;
  const [owner, name] = parts as [string, string];
  if (!OWNER_RE.test(owner) || !REPO_RE.test(name) || name === '.' || name === '..') return null;
  return { owner, name };
}

/** The payload's repository full_name ("owner/name"), validated. */
export function repoOf(p: Obj): string {
  const repo = reqObj(p, 'repository', 'repository');
  const fullName = reqStr(repo, 'full_name', 'repository.full_name', 201);
  if (splitFullName(fullName) === null) fail('repository.full_name is not owner/name');
  return fullName;
}

export function loginOf(o: Obj, k: string, at: string): string | null {
  const u = optObj(o, k, at);
  return u === null ? null : optText(u, 'login', `${at}.login`);
}

export const RUN_STATUSES: readonly GhRunStatus[] = [
  'requested',
  'queued',
  'pending',
  'waiting',
  'in_progress',
  'completed',
];
export const CONCLUSIONS: readonly GhConclusion[] = [
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

export function reqStatus(o: Obj, k: string, at: string): GhRunStatus {
  const v = reqStr(o, k, at, 32);
  const s = RUN_STATUSES.find((x) => x === v);
  if (s === undefined) fail(`${at} "${v}" is not a known status`);
  return s;
}

export function optConclusion(o: Obj, k: string, at: string): GhConclusion | null {
  const v = nonEmpty(optStr(o, k, at, 32));
  if (v === null) return null;
  const c = CONCLUSIONS.find((x) => x === v);
  if (c === undefined) fail(`${at} "${v}" is not a known conclusion`);
  return c;
}

/** Details shown to people are bounded: longer text is cut with an ellipsis. */
export function clip(s: string): string {
  return s.length > MAX_DETAILS ? `${s.slice(0, MAX_DETAILS - 1)}…` : s;
}

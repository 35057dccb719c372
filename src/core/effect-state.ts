// Outbox effects as people see them: the state word, where an effect goes, a last error safe to show, and
// the alert a dead effect raises. Pure: the engine passes the stored row's fields.
// - state: done and dead as stored; a pending effect is `retrying` once an attempt failed, else `pending`.
// - target: built from the payload's public fields only (a notification's webhook URL is a secret, so a
//   notification names its alert route, taken from its key).
// - lastError: error text from GitHub or a webhook may echo a URL or a credential; URLs keep only their
//   origin, and token-like words are replaced, so the API, CLI and dashboard never show one.
// - waiting: an effect that cannot go out yet (GitHub not configured) is pending with its attempt given back;
//   the worker stores why as lastError behind the `waiting: ` mark, and the view shows it as waitingFor.
// - alerts: one alert per dead effect (key effect_dead:<id>); the same effect dying again after a retry is
//   a new occurrence of the same incident (its count grows); a retry that succeeds resolves it.
import type { AlertIntent } from './alert-model.ts';
import { alertKey } from './alert-model.ts';

export type EffectState = 'pending' | 'retrying' | 'done' | 'dead';

export interface EffectFacts {
  id: number;
  kind: string;
  key: string;
  status: 'pending' | 'done' | 'dead';
  attempts: number;
  lastError: string | null;
  payload: unknown;
  releaseId: string | null;
  laneId: string | null;
}

export function effectState(e: Pick<EffectFacts, 'status' | 'attempts' | 'lastError'>): EffectState {
  if (e.status !== 'pending') return e.status;
  return e.attempts > 0 && e.lastError !== null ? 'retrying' : 'pending';
}

const WAITING_MARK = 'waiting: ';

/** The lastError stored while an effect waits (the reason, already sanitised). */
export function waitingNote(reason: string): string {
  return `${WAITING_MARK}${reason}`;
}

/** Why a pending effect waits, or null when it does not (a real error, or not pending). */
export function waitingFor(e: Pick<EffectFacts, 'status' | 'lastError'>): string | null {
  if (e.status !== 'pending' || e.lastError === null || !e.lastError.startsWith(WAITING_MARK)) return null;
  return e.lastError.slice(WAITING_MARK.length);
}

const TOKEN_WORDS = [
  /\b(gh[pousr]_[A-Za-z0-9_]{8,})/g, // GitHub tokens
  /\b(github_pat_[A-Za-z0-9_]{8,})/g,
  /\b(lanes_[A-Za-z0-9_]{8,})/g, // Lanes API tokens
  /\b(xox[abposr]-[A-Za-z0-9-]{8,})/g, // Slack tokens
  /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, // JWTs
];

/** An error message safe to show: URLs reduced to their origin, credentials and bearer values replaced. */
export function sanitiseEffectError(message: string | null): string | null {
  return message === null ? null : sanitiseErrorText(message);
}

/**
 * The same for a message being made: the outbox worker passes every failure through this once, before it
 * is logged, stored (lastError, audit, alert) or shown, so no consumer ever sees the raw text.
 */
export function sanitiseErrorText(message: string): string {
  let out = message.replace(
    /\b(https?):\/\/([^/\s?#@]*@)?([^/\s?#]+)[^\s"'<>]*/gi,
    (_m, scheme: string, _u, host: string) => `${scheme}://${host}/…`,
  );
  out = out.replace(/\b(bearer|token|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [redacted]');
  out = out.replace(/\b((?:access_)?token|secret|password|signature|key)=([^\s&]+)/gi, '$1=[redacted]');
  for (const re of TOKEN_WORDS) out = out.replace(re, '[redacted]');
  return out.slice(0, 500);
}

function field(p: unknown, name: string): string | undefined {
  if (typeof p !== 'object' || p === null || !(name in p)) return undefined;
  const v: unknown = (p as Record<string, unknown>)[name];
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}

/** Where the effect goes, from its public fields (never a notification's URL). */
export function effectTarget(kind: string, key: string, payload: unknown): string {
  switch (kind) {
    case 'github.dispatch':
      return `${field(payload, 'repo') ?? '?'} ${field(payload, 'workflowFile') ?? '?'}@${field(payload, 'ref') ?? '?'}`;
    case 'github.protection_review':
      return `run ${field(payload, 'runId') ?? '?'} ${field(payload, 'environment') ?? '?'}: ${field(payload, 'state') ?? '?'}`;
    case 'github.commit_status':
      return `${field(payload, 'context') ?? '?'}=${field(payload, 'state') ?? '?'} on ${(field(payload, 'sha') ?? '?').slice(0, 12)}`;
    case 'alert.notify':
      // notify:<route id>:<alert key>…
      return `alert route ${key.split(':')[1] ?? '?'}`;
    default:
      return kind;
  }
}

export function effectDeadKey(id: number): string {
  return alertKey('effect_dead', String(id));
}

/** The alert a dead effect raises; `deadAt` tells a second death (after a retry) from a re-evaluation. */
export function effectDeadAlert(e: EffectFacts, deadAt: string): AlertIntent {
  const what = e.kind === 'github.dispatch' ? 'dispatch' : e.kind.replace(/^[a-z]+\./, '').replace(/_/g, ' ');
  const subject = {
    ...(e.releaseId !== null ? { releaseId: e.releaseId } : {}),
    ...(e.laneId !== null ? { laneId: e.laneId } : {}),
  };
  return {
    action: 'raise',
    key: effectDeadKey(e.id),
    rule: 'effect_dead',
    severity: e.kind === 'alert.notify' || e.kind === 'github.commit_status' ? 'warning' : 'critical',
    title: `${what} ${e.key} failed for good`,
    detail:
      `effect ${e.id} (${effectTarget(e.kind, e.key, e.payload)}) is dead after ${e.attempts} attempt(s): ` +
      `${sanitiseEffectError(e.lastError) ?? 'no error recorded'}. An admin can re-send it: lanes effects retry ${e.id}`,
    occurrence: `dead:${deadAt}`,
    subject,
  };
}

/** A retried effect went through: its incident is over. */
export function effectRecoveredAlert(id: number): AlertIntent {
  return { action: 'resolve', key: effectDeadKey(id), rule: 'effect_dead', reason: `effect ${id} was sent` };
}

// Who may do what: one pure function, `decide`, over the catalog's `policy:` section and its safe defaults.
// - release create / promote / roll back: policy.<action>, default the release seats (policy.release_seats);
//   admin scope does not widen a default (only a catalog with no release seat falls back to `admin`);
// - trigger a lane: never a lane of the promotion flow, a rollback lane or a production lane (the release
//   flow dispatches those); otherwise the first policy.trigger rule naming the lane (who + refs), default
//   the lane's owners (seats owning a gate on it) and the release seats, on the refs its trigger or the
//   branch policy lets it run on;
// - approve a gate: a person of the gate's owner seat; never a service; never the person behind the release
//   unless the gate allows self-approval; admin scope does not widen this;
// - post evidence: only the sources the catalog allows for the check (see evidence-provenance.ts);
// - acknowledge / resolve an alert: policy.alerts, default the owners of the lane or gate it is about plus
//   the release seats;
// - manage tokens, override a freeze, retry an effect: admin scope, then policy.<action> (default: admin).
// Principals: a seat id, `service:<name>`, `owners` (of the target) or `admin` (admin scope). Every identity
// needs operate scope to act at all. A refusal carries a stable code and the rule that refused.
import type { RefusalCode } from '../contract/refusal.ts';
import type { Catalog, Lane, Principal } from './catalog-model.ts';
import { laneById } from './catalog-model.ts';
import { globMatch, normaliseRef } from './branch-policy.ts';
import type { EvidenceClaim } from './evidence-provenance.ts';
import { mayReportEvidence } from './evidence-provenance.ts';
import { isProductionLane } from './release-model.ts';

export type Scope = 'read' | 'operate' | 'admin';

export type Identity =
  | { kind: 'person'; login: string; seats: readonly string[]; scope: Scope }
  | { kind: 'service'; name: string; scope: Scope };

export type PolicyRequest =
  | { action: 'release.create' }
  | { action: 'release.promote' }
  | { action: 'release.rollback' }
  | { action: 'lane.trigger'; lane: string; ref: string }
  /** createdBy: the person behind the release (its creator, or the person a service created it for). */
  | { action: 'gate.approve'; gate: string; release: { createdBy: string | null } }
  | { action: 'evidence.post'; check: string; claim: EvidenceClaim }
  | { action: 'alert.acknowledge' | 'alert.resolve'; subject: { laneId?: string; gateId?: string } }
  | { action: 'token.manage' }
  | { action: 'freeze.override'; lane?: string }
  | { action: 'effect.retry' };

export type PolicyAction = PolicyRequest['action'];

export type PolicyDecision =
  { ok: true; rule: string } | { ok: false; code: RefusalCode; rule: string; message: string };

const SCOPE_RANK: Record<Scope, number> = { read: 0, operate: 1, admin: 2 };

function who(i: Identity): string {
  return i.kind === 'person' ? i.login : `service:${i.name}`;
}

function deny(rule: string, message: string, code: RefusalCode = 'policy_denied'): PolicyDecision {
  return { ok: false, code, rule, message };
}

/** Whether the identity is one of the principals; `owners` are the seats owning the target. */
export function matchesPrincipal(
  i: Identity,
  principals: readonly Principal[],
  owners: readonly string[],
): boolean {
  return principals.some((p) => {
    if (p === 'admin') return i.scope === 'admin';
    if (p === 'owners') return i.kind === 'person' && owners.some((s) => i.seats.includes(s));
    if (p.startsWith('service:')) return i.kind === 'service' && p === `service:${i.name}`;
    return i.kind === 'person' && i.seats.includes(p);
  });
}

/** The seats that run releases. */
export function releaseSeats(c: Catalog): string[] {
  return c.policy?.release_seats ?? [];
}

/**
 * The release seats as the default principals. Admin scope is for managing Lanes, not for bypassing seats:
 * it is in a default only while the catalog names no release seat (someone must be able to release).
 */
export function releaseDefaultPrincipals(c: Catalog): Principal[] {
  const seats = releaseSeats(c);
  return seats.length > 0 ? seats : ['admin'];
}

/** Seats owning a lane: the owners of the gates that judge it or hold it back. */
export function laneOwners(c: Catalog, laneId: string): string[] {
  const seats = c.gates
    .filter((g) => g.criteria.lanes.includes(laneId) || g.blocks.includes(laneId))
    .map((g) => g.owner);
  return [...new Set(seats)];
}

/** Lanes only the release flow dispatches: promotion flow, rollback lanes, production lanes. */
export function isReleaseFlowLane(c: Catalog, lane: Lane): boolean {
  return (
    (c.promotion?.flow ?? []).includes(lane.id) ||
    (c.promotion?.rollback ?? []).includes(lane.id) ||
    lane.kind !== 'delivery' ||
    isProductionLane(c, lane)
  );
}

/** The refs a lane may be triggered on by default: its trigger's branches/tags, else the branch policy's. */
export function defaultTriggerRefs(c: Catalog, lane: Lane): string[] {
  const t = lane.trigger;
  if ((t.on === 'push' || t.on === 'pull_request') && t.branches) return t.branches;
  if (t.on === 'tag') return t.tags;
  return [...new Set(c.branch_policy.filter((r) => r.lanes.includes(lane.id)).flatMap((r) => r.refs))];
}

function byPrincipals(
  i: Identity,
  rule: string,
  principals: readonly Principal[],
  owners: readonly string[],
  what: string,
): PolicyDecision {
  if (matchesPrincipal(i, principals, owners)) return { ok: true, rule };
  const listed = principals.map((p) => (p === 'owners' ? `owners (${owners.join(', ') || 'none'})` : p));
  return deny(rule, `${who(i)} may not ${what}; allowed: ${listed.join(', ') || 'nobody'}`);
}

export function decide(c: Catalog, i: Identity, req: PolicyRequest): PolicyDecision {
  if (SCOPE_RANK[i.scope] < SCOPE_RANK.operate)
    return deny(
      'scope.operate',
      `${who(i)} has ${i.scope} scope; ${req.action} needs operate`,
      'insufficient_scope',
    );
  const pol = c.policy;
  const releaseDefault = releaseDefaultPrincipals(c);
  switch (req.action) {
    case 'release.create':
      return byPrincipals(
        i,
        pol?.create_release ? 'policy.create_release' : 'default.release_seats',
        pol?.create_release ?? releaseDefault,
        [],
        'create a release',
      );
    case 'release.promote':
      return byPrincipals(
        i,
        pol?.promote ? 'policy.promote' : 'default.release_seats',
        pol?.promote ?? releaseDefault,
        [],
        'promote a release',
      );
    case 'release.rollback':
      return byPrincipals(
        i,
        pol?.rollback ? 'policy.rollback' : 'default.release_seats',
        pol?.rollback ?? releaseDefault,
        [],
        'roll back a release',
      );
    case 'lane.trigger':
      return decideTrigger(c, i, req.lane, req.ref);
    case 'gate.approve': {
      const gate = c.gates.find((g) => g.id === req.gate);
      if (!gate) return deny('approve.gate', `unknown gate ${req.gate}`, 'not_found');
      if (i.kind === 'service')
        return deny(
          'approve.person',
          `${who(i)} is a service; only a person approves a gate`,
          'service_cannot_approve',
        );
      if (!i.seats.includes(gate.owner))
        return deny(
          'approve.owner_seat',
          `${i.login} is not a member of ${gate.owner}, which owns ${gate.id}`,
          'not_seat_member',
        );
      if (!gate.self_approval && req.release.createdBy === i.login)
        return deny(
          'approve.self',
          `${i.login} is behind this release and cannot approve ${gate.id}`,
          'self_approval',
        );
      return { ok: true, rule: 'approve.owner_seat' };
    }
    case 'evidence.post': {
      const d = mayReportEvidence(c, req.check, req.claim);
      return d.ok ? { ok: true, rule: 'evidence.sources' } : deny('evidence.sources', d.message, d.code);
    }
    case 'alert.acknowledge':
    case 'alert.resolve': {
      const owners = [
        ...(req.subject.laneId ? laneOwners(c, req.subject.laneId) : []),
        ...c.gates.filter((g) => g.id === req.subject.gateId).map((g) => g.owner),
      ];
      const principals = pol?.alerts ?? ['owners', ...releaseDefault];
      return byPrincipals(
        i,
        pol?.alerts ? 'policy.alerts' : 'default.alert_owners',
        principals,
        owners,
        `${req.action === 'alert.resolve' ? 'resolve' : 'acknowledge'} this alert`,
      );
    }
    case 'token.manage':
    case 'freeze.override':
    case 'effect.retry': {
      const key = (
        {
          'token.manage': 'manage_tokens',
          'freeze.override': 'override_freeze',
          'effect.retry': 'retry_effect',
        } as const
      )[req.action];
      if (i.scope !== 'admin')
        return deny('scope.admin', `${req.action} needs admin scope`, 'insufficient_scope');
      const listed = pol?.[key];
      return byPrincipals(i, listed ? `policy.${key}` : 'default.admin', listed ?? ['admin'], [], req.action);
    }
  }
}

/** Whether a lane may be triggered freely (by hand) at all, and on which refs; whoever asks. */
export interface FreeTrigger {
  allowed: boolean;
  /** The ref patterns a free trigger may use (globs, e.g. `feature/*`); empty when not allowed. */
  refs: string[];
  reason?: string;
}

/** The refs a free trigger of the lane may use: its policy.trigger rule's, else its trigger's/branch policy's. */
function freeTriggerRefs(c: Catalog, lane: Lane): string[] {
  const rule = c.policy?.trigger.find((r) => r.lanes.includes(lane.id));
  return rule && rule.refs.length > 0 ? rule.refs : defaultTriggerRefs(c, lane);
}

/** The catalog's answer for a lane, without the person (who may trigger it is `decide`'s `lane.trigger`). */
export function freeTrigger(c: Catalog, lane: Lane): FreeTrigger {
  if (isReleaseFlowLane(c, lane))
    return {
      allowed: false,
      refs: [],
      reason: `${lane.id} is dispatched by the release flow (promote or roll back a release)`,
    };
  const refs = freeTriggerRefs(c, lane);
  if (refs.length === 0)
    return { allowed: false, refs, reason: `${lane.id} has no refs it may be triggered on` };
  return { allowed: true, refs };
}

function decideTrigger(c: Catalog, i: Identity, laneId: string, ref: string): PolicyDecision {
  const lane = laneById(c, laneId);
  if (!lane) return deny('trigger.lane', `unknown lane ${laneId}`, 'not_found');
  if (isReleaseFlowLane(c, lane))
    return deny(
      'trigger.release_flow',
      `${lane.id} is dispatched only by the release flow (promote or roll back a release)`,
      'lane_not_triggerable',
    );
  const rule = c.policy?.trigger.find((r) => r.lanes.includes(lane.id));
  const principals = rule?.who ?? ['owners', ...releaseDefaultPrincipals(c)];
  const refs = freeTriggerRefs(c, lane);
  const ruleName = rule ? 'policy.trigger' : 'default.trigger';
  const allowed = byPrincipals(i, ruleName, principals, laneOwners(c, lane.id), `trigger ${lane.id}`);
  if (!allowed.ok) return allowed;
  const { name } = normaliseRef(ref);
  if (!globMatch(refs, name))
    return deny(
      `${ruleName}.refs`,
      refs.length === 0
        ? `${lane.id} has no refs it may be triggered on (declare policy.trigger refs)`
        : `${lane.id} may be triggered on ${refs.join(', ')}, not ${name}`,
    );
  return allowed;
}

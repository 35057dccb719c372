// Release gates: per release and gate, the criteria (lanes green, checks passed), the approvals from the owner
// seat, and the window the gate holds for after the production deploy. A gate is blocked when a criterion
// failed, pending while it waits, passed when everything holds. Pure: the clock is a parameter.
import type { Catalog, Gate, Lane } from './catalog-model.ts';
import { durationMs, laneById, phaseOf } from './catalog-model.ts';
import type { Approval, ReleaseState } from './release-model.ts';
import { iso, isProductionLane, isSeatMember, laneApplies, laneRun } from './release-model.ts';
import type { Clock } from './freeze-windows.ts';
import { toMs } from './freeze-windows.ts';

export type GateState = 'passed' | 'pending' | 'blocked';
export type CriterionState = 'passed' | 'failed' | 'pending' | 'missing';

export interface GateCriterion {
  kind: 'lane' | 'check' | 'approval' | 'window' | 'unsanctioned';
  name: string;
  state: CriterionState;
  detail?: string;
}

export type ApprovalRefusal =
  'unknown_gate' | 'no_approval_required' | 'not_seat_member' | 'self_approval' | 'already_approved';

/** Structurally a GateView (src/contract/views.ts) plus the approvals that did not count. */
export interface GateEvaluation {
  id: string;
  phase: string;
  owner: string;
  state: GateState;
  release: string | null;
  criteria: GateCriterion[];
  /** Approvals that count (distinct owner-seat members, not self unless allowed), oldest first. */
  approvals: { by: string; at: string; comment: string | null }[];
  approvalsRequired: number;
  window: string | null;
  /** When the gate's window ends (while it is waiting on it), else null. */
  waitsUntil: string | null;
  blocks: string[];
  /** Approvals recorded on the gate that do not count, with why. */
  ignoredApprovals: { by: string; at: string; code: 'not_seat_member' | 'self_approval' | 'duplicate' }[];
}

/** People who may not approve a gate of this release unless the gate allows self-approval. */
export function selfApprovalSubjects(gate: Gate, r: ReleaseState): Set<string> {
  const people = new Set<string>([r.createdBy]);
  for (const laneId of [...gate.criteria.lanes, ...gate.blocks]) {
    const actor = r.laneRuns[laneId]?.actor;
    if (actor) people.add(actor);
  }
  return people;
}

export type ApprovalCheck = { ok: true } | { ok: false; code: ApprovalRefusal; message: string };

/** May `person` approve gate `gateId` of release `r`? (The API records the approval only when ok.) */
export function canApprove(c: Catalog, gateId: string, person: string, r: ReleaseState): ApprovalCheck {
  const gate = c.gates.find((g) => g.id === gateId);
  if (!gate) return { ok: false, code: 'unknown_gate', message: `unknown gate ${gateId}` };
  if (gate.approvals === 0) {
    return { ok: false, code: 'no_approval_required', message: `${gateId} does not take approvals` };
  }
  if (!isSeatMember(c, gate.owner, person)) {
    return { ok: false, code: 'not_seat_member', message: `${person} is not a member of ${gate.owner}` };
  }
  if (!gate.self_approval && selfApprovalSubjects(gate, r).has(person)) {
    return {
      ok: false,
      code: 'self_approval',
      message: `${person} created or triggered release ${r.version} and cannot approve ${gateId} (self-approval is off)`,
    };
  }
  if (r.approvals.some((a) => a.gate === gateId && a.by === person)) {
    return {
      ok: false,
      code: 'already_approved',
      message: `${person} already approved ${gateId} for ${r.version}`,
    };
  }
  return { ok: true };
}

function countedApprovals(c: Catalog, gate: Gate, r: ReleaseState) {
  const counted: Approval[] = [];
  const ignored: GateEvaluation['ignoredApprovals'] = [];
  const self = selfApprovalSubjects(gate, r);
  const mine = r.approvals
    .filter((a) => a.gate === gate.id)
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  for (const a of mine) {
    if (!isSeatMember(c, gate.owner, a.by)) ignored.push({ by: a.by, at: a.at, code: 'not_seat_member' });
    else if (!gate.self_approval && self.has(a.by))
      ignored.push({ by: a.by, at: a.at, code: 'self_approval' });
    else if (counted.some((x) => x.by === a.by)) ignored.push({ by: a.by, at: a.at, code: 'duplicate' });
    else counted.push(a);
  }
  return { counted, ignored };
}

/** How a lane stands as a gate criterion for this release. `applicable: false` means it passes as n/a. */
export function laneCriterion(
  c: Catalog,
  gate: Pick<Gate, 'optional_when_lanes_skipped'>,
  laneId: string,
  r: ReleaseState,
): GateCriterion & { applicable: boolean } {
  const lane = laneById(c, laneId);
  if (!lane) return { kind: 'lane', name: laneId, state: 'failed', detail: 'unknown lane', applicable: true };
  if (!laneApplies(lane, r)) {
    return {
      kind: 'lane',
      name: laneId,
      state: 'passed',
      detail: `not applicable (${r.includesMigrations ? 'release includes migrations' : 'no migrations in release'})`,
      applicable: false,
    };
  }
  const run = laneRun(r, laneId);
  if (r.skippedLanes.includes(laneId) && run.status === 'idle') {
    return gate.optional_when_lanes_skipped
      ? {
          kind: 'lane',
          name: laneId,
          state: 'passed',
          detail: 'skipped (optional when skipped)',
          applicable: false,
        }
      : {
          kind: 'lane',
          name: laneId,
          state: 'failed',
          detail: 'skipped, but the gate requires it',
          applicable: true,
        };
  }
  switch (run.status) {
    case 'green':
      return {
        kind: 'lane',
        name: laneId,
        state: 'passed',
        detail: `green${run.completedAt ? ` at ${run.completedAt}` : ''}`,
        applicable: true,
      };
    case 'failed':
      return {
        kind: 'lane',
        name: laneId,
        state: 'failed',
        detail: `failed${run.completedAt ? ` at ${run.completedAt}` : ''}`,
        applicable: true,
      };
    case 'pending':
      return { kind: 'lane', name: laneId, state: 'pending', detail: 'running', applicable: true };
    case 'idle':
      return { kind: 'lane', name: laneId, state: 'missing', detail: 'no run yet', applicable: true };
  }
}

function checkCriterion(c: Catalog, gate: Gate, check: string, r: ReleaseState): GateCriterion {
  const owners: Lane[] = c.lanes.filter((l) => l.checks.includes(check));
  const liveOwners = owners.filter(
    (l) => laneApplies(l, r) && !(gate.optional_when_lanes_skipped && r.skippedLanes.includes(l.id)),
  );
  if (owners.length > 0 && liveOwners.length === 0) {
    return { kind: 'check', name: check, state: 'passed', detail: 'not applicable to this release' };
  }
  const outcome = r.evidence[check];
  if (outcome === undefined)
    return { kind: 'check', name: check, state: 'missing', detail: 'no evidence yet' };
  if (outcome === 'passed') return { kind: 'check', name: check, state: 'passed' };
  if (outcome === 'failed') return { kind: 'check', name: check, state: 'failed', detail: 'evidence failed' };
  return { kind: 'check', name: check, state: 'pending', detail: 'evidence pending' };
}

/**
 * When the gate's window starts: the moment all its applicable criteria lanes were green (the latest
 * completion). A gate with a window but no applicable lanes anchors on the production deploy: the latest
 * completion of a green production lane in the promotion flow. Null while not (yet) there.
 */
export function windowAnchor(
  c: Catalog,
  gate: Gate,
  r: ReleaseState,
): { at: string | null; waitingFor: string } {
  const applicable = gate.criteria.lanes.filter((id) => {
    const lane = laneById(c, id);
    return (
      lane !== undefined &&
      laneApplies(lane, r) &&
      !(gate.optional_when_lanes_skipped && r.skippedLanes.includes(id))
    );
  });
  if (applicable.length > 0) {
    let latest = -Infinity;
    for (const id of applicable) {
      const run = laneRun(r, id);
      const done = run.completedAt ?? run.startedAt;
      if (run.status !== 'green' || !done) return { at: null, waitingFor: `${applicable.join(', ')} green` };
      latest = Math.max(latest, Date.parse(done));
    }
    return { at: iso(latest), waitingFor: '' };
  }
  const prod = (c.promotion?.flow ?? [])
    .map((id) => laneById(c, id))
    .filter((l): l is Lane => l !== undefined && isProductionLane(c, l) && laneApplies(l, r));
  let latest = -Infinity;
  for (const l of prod) {
    const run = laneRun(r, l.id);
    if (run.status === 'green' && run.completedAt) latest = Math.max(latest, Date.parse(run.completedAt));
  }
  return Number.isFinite(latest)
    ? { at: iso(latest), waitingFor: '' }
    : { at: null, waitingFor: 'the production deploy' };
}

/** Evaluate one gate for one release at `now`. */
export function evaluateGate(c: Catalog, gate: Gate, r: ReleaseState, now: Clock): GateEvaluation {
  const t = toMs(now);
  const criteria: GateCriterion[] = [];
  for (const laneId of gate.criteria.lanes) {
    const { applicable: _a, ...crit } = laneCriterion(c, gate, laneId, r);
    criteria.push(crit);
  }
  for (const check of gate.criteria.checks) criteria.push(checkCriterion(c, gate, check, r));

  const { counted, ignored } = countedApprovals(c, gate, r);
  if (gate.approvals > 0) {
    const have = Math.min(counted.length, gate.approvals);
    criteria.push({
      kind: 'approval',
      name: gate.owner,
      state: counted.length >= gate.approvals ? 'passed' : 'pending',
      detail: `${have}/${gate.approvals} approval${gate.approvals === 1 ? '' : 's'} from ${gate.owner}`,
    });
  }

  let waitsUntil: string | null = null;
  if (gate.window) {
    const anchor = windowAnchor(c, gate, r);
    if (anchor.at === null) {
      criteria.push({
        kind: 'window',
        name: gate.window,
        state: 'pending',
        detail: `starts when ${anchor.waitingFor}`,
      });
    } else {
      const end = Date.parse(anchor.at) + durationMs(gate.window);
      if (t >= end) {
        criteria.push({
          kind: 'window',
          name: gate.window,
          state: 'passed',
          detail: `green from ${anchor.at} to ${iso(end)}`,
        });
      } else {
        waitsUntil = iso(end);
        criteria.push({
          kind: 'window',
          name: gate.window,
          state: 'pending',
          detail: `holding until ${waitsUntil}`,
        });
      }
    }
  }

  // A deploy that went around Lanes puts everything after production in doubt until a person looks at it.
  if (phaseOf(c, gate.phase).after_production)
    for (const d of r.unsanctionedDeploys ?? [])
      criteria.push({ kind: 'unsanctioned', name: 'unsanctioned deploy', state: 'failed', detail: d });

  const state: GateState = criteria.some((x) => x.state === 'failed')
    ? 'blocked'
    : criteria.some((x) => x.state === 'pending' || x.state === 'missing')
      ? 'pending'
      : 'passed';

  return {
    id: gate.id,
    phase: gate.phase,
    owner: gate.owner,
    state,
    release: r.id,
    criteria,
    approvals: counted.map((a) => ({ by: a.by, at: a.at, comment: a.comment })),
    approvalsRequired: gate.approvals,
    window: gate.window ?? null,
    waitsUntil: state === 'pending' ? waitsUntil : null,
    blocks: [...gate.blocks],
    ignoredApprovals: ignored,
  };
}

/** All catalog gates for a release, in catalog order. */
export function evaluateGates(c: Catalog, r: ReleaseState, now: Clock): GateEvaluation[] {
  return c.gates.map((g) => evaluateGate(c, g, r, now));
}

/** Gates that hold back a lane (their `blocks` lists it). */
export function gatesBlocking(c: Catalog, laneId: string): Gate[] {
  return c.gates.filter((g) => g.blocks.includes(laneId));
}

// Promotion: given a release, the catalog and `now`, decide what must happen. Which lanes may run (their
// predecessors green, the gates that block them passed, their hold elapsed, no freeze), which lanes Lanes
// dispatches itself (trigger `approval` or `hold`), how to answer pending deployment protection rule
// requests, which timers to schedule and which commit statuses and alerts to emit. Decisions are data;
// every effect carries an idempotency key. Pure: the clock is a parameter.
import picomatch from 'picomatch';
import type { Catalog, Lane, LaneBinding } from './catalog-model.ts';
import { durationMs, laneById, workflowById } from './catalog-model.ts';
import { lanePredecessors } from '../catalog/validate-references.ts';
import type { GateEvaluation } from './gates.ts';
import { evaluateGates, gatesBlocking } from './gates.ts';
import type { Clock } from './freeze-windows.ts';
import { freezeStatus, toMs } from './freeze-windows.ts';
import type { AlertIntent } from './alert-rules.ts';
import { releaseAlerts, rollbackSucceededAt } from './alert-rules.ts';
import type {
  ManifestArtifact,
  PendingProtectionRequest,
  ReleaseLaneStatus,
  ReleaseState,
} from './release-model.ts';
import { iso, laneApplies, laneRun } from './release-model.ts';

// --------------------------------------------------------------------------------------------- types

export type ConditionState = 'passed' | 'pending' | 'blocked';

export interface LaneCondition {
  kind: 'predecessor' | 'gate' | 'hold' | 'freeze' | 'release';
  /** Lane id, gate id, freeze window id, or release id. */
  id: string;
  state: ConditionState;
  detail: string;
  /** When the clock alone will change this condition (hold end, freeze end). */
  until?: string;
}

export interface LaneReadiness {
  laneId: string;
  applicable: boolean;
  status: ReleaseLaneStatus;
  conditions: LaneCondition[];
  /** go: every condition passed; wait: some pending; stop: some blocked (failed gate, failed lane, freeze). */
  verdict: 'go' | 'wait' | 'stop';
  /** Earliest `until` among conditions not passed, or null. */
  waitsUntil: string | null;
}

export interface DispatchPayload {
  releaseId: string;
  version: string;
  sha: string;
  laneId: string;
  workflowId: string;
  workflowFile: string;
  /** Git ref to run the workflow on (the release tag). */
  ref: string;
  inputs: Record<string, string>;
  reason: string;
}

export interface ProtectionReviewPayload {
  runId: number;
  environment: string;
  state: 'approved' | 'rejected';
  comment: string;
  laneIds: string[];
  releaseId: string;
}

export interface CommitStatusPayload {
  sha: string;
  context: string; // lanes/RG-07
  state: 'success' | 'pending' | 'failure';
  description: string;
  gateId: string;
  releaseId: string;
}

/** Outbox effects (structurally Store OutboxEffect minus runAt). */
export type Effect =
  | { kind: 'github.dispatch'; key: string; payload: DispatchPayload }
  | { kind: 'github.protection_review'; key: string; payload: ProtectionReviewPayload }
  | { kind: 'github.commit_status'; key: string; payload: CommitStatusPayload };

/** Timers (structurally Store TimerSpec): re-evaluate the release when the clock changes a decision. */
export interface TimerIntent {
  key: string;
  kind: 'release.reevaluate';
  fireAt: string;
  payload: {
    releaseId: string;
    reason: 'hold_end' | 'window_end' | 'freeze_end';
    laneId?: string;
    gateId?: string;
  };
}

export interface ReleaseEvaluation {
  releaseId: string;
  at: string;
  gates: GateEvaluation[];
  /** Readiness of the promotion-flow lanes (and of lanes with a pending protection request). */
  lanes: LaneReadiness[];
  /** Lanes dispatched by this decision (trigger approval/hold, idle, verdict go). */
  nextLanes: string[];
  effects: Effect[];
  timers: TimerIntent[];
  alerts: AlertIntent[];
  /** Protection requests no lane is bound to (left unanswered). */
  unmatchedProtectionRequests: PendingProtectionRequest[];
  outcome: ReleaseOutcome;
}

export type ReleaseOutcome = 'in_progress' | 'deployed' | 'failed' | 'rolled_back';

// ------------------------------------------------------------------------------------------ readiness

/**
 * Whether a lane may run for this release now: its predecessors (trigger after/hold/approval/manual-after)
 * are green (or do not apply), the gates that block it passed, its hold elapsed since its predecessor
 * turned green, no freeze window holds it (unless overridden), and the release was not rolled back.
 * The lane's own run status is reported but not a condition (see dispatchable lanes for that).
 */
export function laneReadiness(
  c: Catalog,
  r: ReleaseState,
  laneId: string,
  now: Clock,
  gates: readonly GateEvaluation[] = evaluateGates(c, r, now),
): LaneReadiness {
  const t = toMs(now);
  const lane = laneById(c, laneId);
  const status = laneRun(r, laneId).status;
  if (!lane) {
    return {
      laneId,
      applicable: false,
      status,
      conditions: [{ kind: 'predecessor', id: laneId, state: 'blocked', detail: 'unknown lane' }],
      verdict: 'stop',
      waitsUntil: null,
    };
  }
  const conditions: LaneCondition[] = [];

  if (lane.kind === 'delivery' && rollbackSucceededAt(c, r) !== null) {
    conditions.push({
      kind: 'release',
      id: r.id,
      state: 'blocked',
      detail: `release ${r.version} was rolled back`,
    });
  }

  for (const p of lanePredecessors(lane.trigger)) {
    const pl = laneById(c, p);
    if (!pl || !laneApplies(pl, r)) {
      conditions.push({
        kind: 'predecessor',
        id: p,
        state: 'passed',
        detail: 'not applicable to this release',
      });
      continue;
    }
    const run = laneRun(r, p);
    if (run.status === 'idle' && r.skippedLanes.includes(p)) {
      conditions.push({ kind: 'predecessor', id: p, state: 'passed', detail: 'skipped for this change' });
      continue;
    }
    switch (run.status) {
      case 'green':
        conditions.push({ kind: 'predecessor', id: p, state: 'passed', detail: `${p} green` });
        break;
      case 'failed':
        conditions.push({ kind: 'predecessor', id: p, state: 'blocked', detail: `${p} failed` });
        break;
      case 'pending':
        conditions.push({ kind: 'predecessor', id: p, state: 'pending', detail: `${p} running` });
        break;
      case 'idle':
        conditions.push({ kind: 'predecessor', id: p, state: 'pending', detail: `${p} has not run` });
        break;
    }
  }

  if (lane.trigger.on === 'hold') {
    const p = lane.trigger.lane;
    const run = laneRun(r, p);
    const greenAt = run.status === 'green' ? (run.completedAt ?? run.greenAt ?? null) : null;
    if (greenAt === null) {
      conditions.push({
        kind: 'hold',
        id: p,
        state: 'pending',
        detail: `${lane.trigger.hold} hold starts when ${p} is green`,
      });
    } else {
      const end = Date.parse(greenAt) + durationMs(lane.trigger.hold);
      conditions.push(
        t >= end
          ? {
              kind: 'hold',
              id: p,
              state: 'passed',
              detail: `${p} green for ${lane.trigger.hold} (since ${greenAt})`,
            }
          : {
              kind: 'hold',
              id: p,
              state: 'pending',
              detail: `${lane.trigger.hold} hold after ${p} until ${iso(end)}`,
              until: iso(end),
            },
      );
    }
  }

  for (const g of gatesBlocking(c, laneId)) {
    const ev = gates.find((x) => x.id === g.id);
    const state: ConditionState = ev
      ? ev.state === 'passed'
        ? 'passed'
        : ev.state === 'blocked'
          ? 'blocked'
          : 'pending'
      : 'pending';
    const open =
      ev?.criteria
        .filter((x) => x.state !== 'passed')
        .map((x) => `${x.kind} ${x.name}${x.detail ? ` (${x.detail})` : ''}`) ?? [];
    conditions.push({
      kind: 'gate',
      id: g.id,
      state,
      detail: state === 'passed' ? `${g.id} passed` : `${g.id} ${ev?.state ?? 'pending'}: ${open.join(', ')}`,
    });
  }

  const fz = freezeStatus(c, laneId, r.overrides, t);
  switch (fz.state) {
    case 'clear':
      break;
    case 'frozen':
      conditions.push({
        kind: 'freeze',
        id: fz.occurrence.windowId,
        state: 'blocked',
        detail: `${fz.occurrence.name} until ${fz.occurrence.end}${fz.occurrence.overrideSeats.length > 0 ? ` (override: ${fz.occurrence.overrideSeats.join(', ')})` : ''}`,
        until: fz.occurrence.end,
      });
      break;
    case 'overridden':
      conditions.push({
        kind: 'freeze',
        id: fz.occurrence.windowId,
        state: 'passed',
        detail: `${fz.occurrence.name} overridden by ${fz.override.by}: ${fz.override.reason}`,
      });
      break;
  }

  const verdict = conditions.some((x) => x.state === 'blocked')
    ? 'stop'
    : conditions.some((x) => x.state === 'pending')
      ? 'wait'
      : 'go';
  const untils = conditions
    .filter((x) => x.state !== 'passed' && x.until)
    .map((x) => Date.parse(x.until as string));
  return {
    laneId,
    applicable: laneApplies(lane, r),
    status,
    conditions,
    verdict,
    waitsUntil: untils.length > 0 ? iso(Math.min(...untils)) : null,
  };
}

/** Lanes Lanes itself starts: trigger approval (gate-approved) or hold (after a soak). */
export function isAutoDispatched(lane: Lane): boolean {
  return lane.trigger.on === 'approval' || lane.trigger.on === 'hold';
}

function dispatchBindings(lane: Lane): LaneBinding[] {
  return lane.run_by.filter((b) => !b.event || b.event.includes('workflow_dispatch'));
}

/** Dispatch effects for a lane: one per workflow binding that accepts workflow_dispatch. */
export function dispatchEffects(
  c: Catalog,
  r: ReleaseState,
  lane: Lane,
  reason: string,
  keyPrefix = 'dispatch',
  extraInputs: Record<string, string> = {},
): Effect[] {
  const bindings = dispatchBindings(lane);
  return bindings.flatMap((b): Effect[] => {
    const wf = workflowById(c, b.workflow);
    if (!wf) return [];
    const key =
      bindings.length === 1 ? `${keyPrefix}:${r.id}:${lane.id}` : `${keyPrefix}:${r.id}:${lane.id}:${wf.id}`;
    return [
      {
        kind: 'github.dispatch',
        key,
        payload: {
          releaseId: r.id,
          version: r.version,
          sha: r.sha,
          laneId: lane.id,
          workflowId: wf.id,
          workflowFile: wf.file,
          ref: r.version,
          inputs: { release: r.id, version: r.version, sha: r.sha, lane: lane.id, ...extraInputs },
          reason,
        },
      },
    ];
  });
}

// ------------------------------------------------------------------------------------- protection

/** Lanes bound to a deployment protection request: same workflow, environment matching, event allowed. */
export function lanesForProtectionRequest(
  c: Catalog,
  req: Pick<PendingProtectionRequest, 'workflowId' | 'environment' | 'event'>,
): Lane[] {
  if (!req.workflowId) return [];
  const wf = workflowById(c, req.workflowId);
  return c.lanes.filter((lane) =>
    lane.run_by.some((b) => {
      if (b.workflow !== req.workflowId) return false;
      if (req.event && b.event && !b.event.includes(req.event)) return false;
      const envs = b.environment ?? wf?.environment ?? [];
      return envs.length === 0 || envs.some((p) => picomatch.isMatch(req.environment, p, { dot: true }));
    }),
  );
}

export type ProtectionDecision =
  | { decision: 'approve' | 'reject'; comment: string; laneIds: string[] }
  | { decision: 'wait'; reason: string; laneIds: string[]; waitsUntil: string | null }
  | { decision: 'unmatched' };

/** How to answer one protection request: approve when every bound lane may run, reject when one is stopped. */
export function decideProtection(
  c: Catalog,
  r: ReleaseState,
  req: PendingProtectionRequest,
  now: Clock,
  gates: readonly GateEvaluation[] = evaluateGates(c, r, now),
): ProtectionDecision {
  const lanes = lanesForProtectionRequest(c, req);
  if (lanes.length === 0) return { decision: 'unmatched' };
  const readiness = lanes.map((l) => laneReadiness(c, r, l.id, now, gates));
  const laneIds = lanes.map((l) => l.id);
  const describe = (rd: LaneReadiness, states: ConditionState[]) =>
    rd.conditions.filter((x) => states.includes(x.state)).map((x) => `${rd.laneId}: ${x.detail}`);
  const stopped = readiness.filter((x) => x.verdict === 'stop');
  if (stopped.length > 0) {
    return {
      decision: 'reject',
      comment: `Lanes: ${stopped.flatMap((x) => describe(x, ['blocked'])).join('; ')} (release ${r.version})`,
      laneIds,
    };
  }
  const waiting = readiness.filter((x) => x.verdict === 'wait');
  if (waiting.length > 0) {
    const untils = waiting
      .map((x) => x.waitsUntil)
      .filter((x): x is string => x !== null)
      .map(Date.parse);
    return {
      decision: 'wait',
      reason: waiting.flatMap((x) => describe(x, ['pending'])).join('; '),
      laneIds,
      waitsUntil: untils.length > 0 ? iso(Math.min(...untils)) : null,
    };
  }
  const passedGates = readiness.flatMap((x) =>
    x.conditions.filter((y) => y.kind === 'gate').map((y) => y.id),
  );
  return {
    decision: 'approve',
    comment: `Lanes: ${laneIds.join(', ')} may deploy ${r.version}${passedGates.length > 0 ? `; gates ${[...new Set(passedGates)].join(', ')} passed` : ''}`,
    laneIds,
  };
}

// ------------------------------------------------------------------------------------------ outcome

/** rolled_back: a rollback lane succeeded; failed: an applicable flow lane failed; deployed: all green. */
export function releaseOutcome(c: Catalog, r: ReleaseState): ReleaseOutcome {
  if (rollbackSucceededAt(c, r) !== null) return 'rolled_back';
  const flow = (c.promotion?.flow ?? [])
    .map((id) => laneById(c, id))
    .filter((l): l is Lane => l !== undefined && laneApplies(l, r));
  if (flow.some((l) => laneRun(r, l.id).status === 'failed')) return 'failed';
  if (flow.length > 0 && flow.every((l) => laneRun(r, l.id).status === 'green')) return 'deployed';
  return 'in_progress';
}

/** The rollback target for `current`: the newest earlier release whose outcome is deployed. */
export function previousGoodRelease(
  c: Catalog,
  releases: readonly ReleaseState[],
  current: ReleaseState,
): ReleaseState | null {
  const before = releases
    .filter((x) => x.id !== current.id && Date.parse(x.createdAt) < Date.parse(current.createdAt))
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  return before.find((x) => releaseOutcome(c, x) === 'deployed') ?? null;
}

// --------------------------------------------------------------------------------------- evaluation

const STATUS_WORD = { passed: 'success', pending: 'pending', blocked: 'failure' } as const;

/**
 * The decision for one release at `now`:
 * - gates: every catalog gate evaluated;
 * - effects: dispatch of each promotion-flow lane with trigger approval/hold that is idle, applicable and
 *   ready (key dispatch:<release>:<lane>); answers to pending protection requests that can be decided
 *   (key protection:<runId>:<environment>); one commit status per gate and state (key
 *   status:<release>:<gate>:<state>);
 * - timers: re-evaluation when a hold, a gate window or a freeze ends (keys hold:/window:/freeze:… with the
 *   fire time, so a restarted window gets a new timer);
 * - alerts: release alert intents (see releaseAlerts); pass the keys of open alerts to get resolve intents.
 */
export function evaluateRelease(
  c: Catalog,
  r: ReleaseState,
  now: Clock,
  opts: { openAlertKeys?: Iterable<string> } = {},
): ReleaseEvaluation {
  const t = toMs(now);
  const gates = evaluateGates(c, r, t);
  const effects: Effect[] = [];
  const timers = new Map<string, TimerIntent>();
  const addTimer = (x: TimerIntent) => timers.set(x.key, x);

  const flowIds = c.promotion?.flow ?? [];
  const protectionLanes = new Set(
    r.protectionRequests.flatMap((q) => lanesForProtectionRequest(c, q).map((l) => l.id)),
  );
  const laneIds = [...new Set([...flowIds, ...protectionLanes])];
  const lanes = laneIds.map((id) => laneReadiness(c, r, id, t, gates));

  const nextLanes: string[] = [];
  for (const rd of lanes) {
    const lane = laneById(c, rd.laneId);
    if (
      !lane ||
      !flowIds.includes(lane.id) ||
      !isAutoDispatched(lane) ||
      !rd.applicable ||
      rd.status !== 'idle'
    )
      continue;
    if (rd.verdict === 'go') {
      nextLanes.push(lane.id);
      const why = rd.conditions.map((x) => x.detail).join('; ');
      effects.push(...dispatchEffects(c, r, lane, why));
      continue;
    }
    timersFor(rd, r.id, addTimer);
  }

  const unmatched: PendingProtectionRequest[] = [];
  for (const req of r.protectionRequests) {
    const d = decideProtection(c, r, req, t, gates);
    switch (d.decision) {
      case 'unmatched':
        unmatched.push(req);
        break;
      case 'wait':
        for (const id of d.laneIds) {
          const rd = lanes.find((x) => x.laneId === id);
          if (rd) timersFor(rd, r.id, addTimer);
        }
        break;
      case 'approve':
      case 'reject':
        effects.push({
          kind: 'github.protection_review',
          key: `protection:${req.runId}:${req.environment}`,
          payload: {
            runId: req.runId,
            environment: req.environment,
            state: d.decision === 'approve' ? 'approved' : 'rejected',
            comment: d.comment,
            laneIds: d.laneIds,
            releaseId: r.id,
          },
        });
        break;
    }
  }

  for (const g of gates) {
    if (g.state === 'pending' && g.waitsUntil) {
      addTimer({
        key: `window:${r.id}:${g.id}:${g.waitsUntil}`,
        kind: 'release.reevaluate',
        fireAt: g.waitsUntil,
        payload: { releaseId: r.id, reason: 'window_end', gateId: g.id },
      });
    }
    const open = g.criteria.filter((x) => x.state !== 'passed').map((x) => `${x.kind} ${x.name}`);
    effects.push({
      kind: 'github.commit_status',
      key: `status:${r.id}:${g.id}:${g.state}`,
      payload: {
        sha: r.sha,
        context: `lanes/${g.id}`,
        state: STATUS_WORD[g.state],
        description: truncate(
          `${g.phase} · ${g.owner}: ${g.state}${open.length > 0 ? ` (${open.join(', ')})` : ''}`,
          140,
        ),
        gateId: g.id,
        releaseId: r.id,
      },
    });
  }

  return {
    releaseId: r.id,
    at: iso(t),
    gates,
    lanes,
    nextLanes,
    effects,
    timers: [...timers.values()],
    alerts: releaseAlerts(c, r, gates, t, opts.openAlertKeys ?? []),
    unmatchedProtectionRequests: unmatched,
    outcome: releaseOutcome(c, r),
  };
}

/** Timers for clock-driven conditions (hold end, freeze end), only once nothing else is outstanding. */
function timersFor(rd: LaneReadiness, releaseId: string, add: (t: TimerIntent) => void): void {
  if (rd.conditions.some((x) => x.state !== 'passed' && !x.until)) return;
  for (const x of rd.conditions) {
    if (x.state === 'passed' || !x.until) continue;
    if (x.kind === 'hold') {
      add({
        key: `hold:${releaseId}:${rd.laneId}:${x.until}`,
        kind: 'release.reevaluate',
        fireAt: x.until,
        payload: { releaseId, reason: 'hold_end', laneId: rd.laneId },
      });
    } else if (x.kind === 'freeze') {
      add({
        key: `freeze:${releaseId}:${rd.laneId}:${x.until}`,
        kind: 'release.reevaluate',
        fireAt: x.until,
        payload: { releaseId, reason: 'freeze_end', laneId: rd.laneId },
      });
    }
  }
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

// ------------------------------------------------------------------------------ people-driven actions

export type PromoteResult =
  | { ok: true; laneId: string; effects: Effect[] }
  | {
      ok: false;
      code: 'complete' | 'in_progress' | 'lane_failed' | 'not_ready' | 'not_dispatchable' | 'rolled_back';
      laneId: string | null;
      message: string;
      conditions?: LaneCondition[];
    };

/**
 * POST releases/{id}/promote: start the next lane of the promotion flow for this release (the first
 * applicable flow lane that is not green), if it may run now. Lanes started by GitHub itself (push, tag,
 * after, schedule) cannot be promoted by hand: not_dispatchable.
 */
export function planPromote(c: Catalog, r: ReleaseState, now: Clock): PromoteResult {
  const t = toMs(now);
  if (rollbackSucceededAt(c, r) !== null)
    return { ok: false, code: 'rolled_back', laneId: null, message: `release ${r.version} was rolled back` };
  const next = (c.promotion?.flow ?? [])
    .map((id) => laneById(c, id))
    .find((l): l is Lane => l !== undefined && laneApplies(l, r) && laneRun(r, l.id).status !== 'green');
  if (!next)
    return {
      ok: false,
      code: 'complete',
      laneId: null,
      message: `release ${r.version} is through the promotion flow`,
    };
  const status = laneRun(r, next.id).status;
  if (status === 'pending')
    return { ok: false, code: 'in_progress', laneId: next.id, message: `${next.id} is running` };
  if (status === 'failed')
    return {
      ok: false,
      code: 'lane_failed',
      laneId: next.id,
      message: `${next.id} failed; roll back or re-run it`,
    };
  const on = next.trigger.on;
  if (on !== 'manual' && on !== 'approval' && on !== 'hold') {
    return {
      ok: false,
      code: 'not_dispatchable',
      laneId: next.id,
      message: `${next.id} is started by its trigger (${on}), not by hand`,
    };
  }
  const rd = laneReadiness(c, r, next.id, t);
  if (rd.verdict !== 'go') {
    return {
      ok: false,
      code: 'not_ready',
      laneId: next.id,
      message: `${next.id} may not run yet`,
      conditions: rd.conditions.filter((x) => x.state !== 'passed'),
    };
  }
  return { ok: true, laneId: next.id, effects: dispatchEffects(c, r, next, 'promoted by hand') };
}

export type RollbackPlan =
  | {
      ok: true;
      target: { id: string; version: string; sha: string; manifest: ManifestArtifact[] };
      lanes: string[];
      effects: Effect[];
    }
  | { ok: false; code: 'no_rollback_target' | 'no_rollback_lane' | 'reason_required'; message: string };

/**
 * POST releases/{id}/rollback: dispatch the rollback lanes (kind rollback in promotion.rollback, else any)
 * with the target release's version, sha and manifest as inputs. Key rollback:<release>:<lane>[:<wf>].
 */
export function planRollback(
  c: Catalog,
  r: ReleaseState,
  target: Pick<ReleaseState, 'id' | 'version' | 'sha' | 'manifest'> | null,
  by: string,
  reason: string,
): RollbackPlan {
  if (!target)
    return {
      ok: false,
      code: 'no_rollback_target',
      message: `release ${r.version} has no previous good release to roll back to`,
    };
  if (reason.trim() === '')
    return { ok: false, code: 'reason_required', message: 'a rollback needs a reason' };
  const listed = c.promotion?.rollback ?? [];
  const lanes = c.lanes.filter(
    (l) => l.kind === 'rollback' && (listed.length === 0 || listed.includes(l.id)),
  );
  if (lanes.length === 0)
    return { ok: false, code: 'no_rollback_lane', message: 'the catalog has no rollback lane' };
  const inputs = {
    target_release: target.id,
    target_version: target.version,
    target_sha: target.sha,
    target_manifest: JSON.stringify(target.manifest),
    requested_by: by,
    reason,
  };
  return {
    ok: true,
    target: { id: target.id, version: target.version, sha: target.sha, manifest: target.manifest },
    lanes: lanes.map((l) => l.id),
    effects: lanes.flatMap((l) =>
      dispatchEffects(c, r, l, `rollback to ${target.version} by ${by}: ${reason}`, 'rollback', inputs),
    ),
  };
}

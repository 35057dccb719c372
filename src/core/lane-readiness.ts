// Whether a lane may run for a release now, as a list of conditions (predecessors green, blocking gates
// passed, hold elapsed, no freeze, release not rolled back) and a verdict. Pure: the clock is a parameter.
import type { Catalog } from './catalog-model.ts';
import { durationMs, laneById, lanePredecessors } from './catalog-model.ts';
import type { GateEvaluation } from './gates.ts';
import { evaluateGates, gatesBlocking } from './gates.ts';
import type { Clock } from './freeze-windows.ts';
import { freezeStatus, toMs } from './freeze-windows.ts';
import type { ReleaseLaneStatus, ReleaseState } from './release-model.ts';
import { iso, laneApplies, laneRun } from './release-model.ts';
import { rollbackSucceededAt } from './release-outcome.ts';

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

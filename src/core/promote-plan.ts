// POST releases/{id}/promote as a pure decision: the next lane of the promotion flow and its dispatch, or
// why not (complete, running, failed, not started by hand, not ready, rolled back).
import type { Catalog, Lane } from './catalog-model.ts';
import { laneById } from './catalog-model.ts';
import type { Clock } from './freeze-windows.ts';
import { toMs } from './freeze-windows.ts';
import type { ReleaseState } from './release-model.ts';
import { laneApplies, laneRun } from './release-model.ts';
import type { Effect } from './effect-model.ts';
import type { LaneCondition } from './lane-readiness.ts';
import { laneReadiness } from './lane-readiness.ts';
import { dispatchEffects } from './dispatch-plan.ts';
import { rollbackSucceededAt } from './release-outcome.ts';

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

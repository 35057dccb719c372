// How to answer a GitHub deployment protection request: the lanes bound to it (same workflow, environment
// matching, event allowed), then approve when every bound lane may run, reject when one is stopped, wait
// otherwise. Pure: the clock is a parameter.
import picomatch from 'picomatch';
import type { Catalog, Lane } from './catalog-model.ts';
import { workflowById } from './catalog-model.ts';
import type { GateEvaluation } from './gates.ts';
import { evaluateGates } from './gates.ts';
import type { Clock } from './freeze-windows.ts';
import type { PendingProtectionRequest, ReleaseState } from './release-model.ts';
import { iso } from './release-model.ts';
import type { ConditionState, LaneReadiness } from './lane-readiness.ts';
import { laneReadiness } from './lane-readiness.ts';

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

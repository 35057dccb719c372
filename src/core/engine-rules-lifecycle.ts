// The stored state of a release after an evaluation: rolled back, deployed and failed follow the core's
// outcome; a candidate becomes "promoting" once any production lane of the flow has run for it; otherwise
// the state stays. Pure: no I/O, no clock.
import type { Catalog } from './catalog-model.ts';
import type { ReleaseOutcome } from './promotion.ts';
import type { ReleaseState } from './release-model.ts';

/** States in which a release is still evaluated (deliveries, timers and actions can change its decisions). */
export const ACTIVE_RELEASE_STATES: ReadonlySet<string> = new Set([
  'candidate',
  'promoting',
  'deployed',
  'failed',
]);

export function isActiveRelease(state: string): boolean {
  return ACTIVE_RELEASE_STATES.has(state);
}

/** Whether a production lane of the promotion flow has a run for this release. */
export function productionStarted(c: Catalog, r: Pick<ReleaseState, 'laneRuns'>): boolean {
  return (c.promotion?.flow ?? []).some((id) => {
    const lane = c.lanes.find((l) => l.id === id);
    return (
      lane !== undefined &&
      lane.environment.some((e) => c.environments.find((x) => x.id === e)?.production) &&
      r.laneRuns[id] !== undefined
    );
  });
}

export function nextReleaseState(
  c: Catalog,
  current: string,
  outcome: ReleaseOutcome,
  r: Pick<ReleaseState, 'laneRuns'>,
): string {
  if (outcome === 'rolled_back' || outcome === 'deployed' || outcome === 'failed') return outcome;
  if (current === 'candidate' && productionStarted(c, r)) return 'promoting';
  return current;
}

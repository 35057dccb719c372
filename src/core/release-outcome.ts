// Where a release stands as a whole (rolled back, failed, deployed, in progress) and which earlier release
// is its rollback target. Derived from lane runs only; pure.
import type { Catalog, Lane } from './catalog-model.ts';
import { laneById } from './catalog-model.ts';
import type { ReleaseState } from './release-model.ts';
import { laneApplies, laneRun } from './release-model.ts';

export type ReleaseOutcome = 'in_progress' | 'deployed' | 'failed' | 'rolled_back';

/** The latest completion of a successful rollback lane (kind rollback) run for this release, or null. */
export function rollbackSucceededAt(c: Catalog, r: ReleaseState): number | null {
  let latest: number | null = null;
  for (const lane of c.lanes) {
    if (lane.kind !== 'rollback') continue;
    const run = laneRun(r, lane.id);
    if (run.status !== 'green') continue;
    const t = run.completedAt ?? run.startedAt;
    if (t) latest = Math.max(latest ?? -Infinity, Date.parse(t));
  }
  return latest;
}

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

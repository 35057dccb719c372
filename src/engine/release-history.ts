// What the engine remembers of a release's life beyond its state word: when it reached production and when
// its post-deploy checks passed (kept in the release record's data, written once, never cleared), and the
// rollback target that follows from them (core `rollbackTarget`). Also which release speaks for a commit
// when several releases share it: the newest one still evaluated (else the newest), so a commit gets one
// status per gate and one alert per incident of its shared runs. Runs attributed to one release (core
// run-attribution) are that release's: it answers their protection requests and raises their alerts.
import { isEvaluatedState, rollbackTarget, type ReleaseHistoryEntry } from '../core/release-lifecycle.ts';
import type { ReleaseRecord } from '../store/store.ts';
import type { EngineContext } from './engine-context.ts';

export interface ReleaseMilestones {
  reachedProductionAt: string | null;
  verifiedAt: string | null;
}

function dataOf(rec: Pick<ReleaseRecord, 'data'>): Record<string, unknown> {
  return rec.data !== null && typeof rec.data === 'object' ? (rec.data as Record<string, unknown>) : {};
}

export function milestonesOf(rec: Pick<ReleaseRecord, 'data'>): ReleaseMilestones {
  const d = dataOf(rec);
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  return { reachedProductionAt: str(d.reachedProductionAt), verifiedAt: str(d.verifiedAt) };
}

/** The data to store once a milestone is newly known; undefined when nothing new. First record wins. */
export function withMilestones(
  rec: Pick<ReleaseRecord, 'data'>,
  seen: ReleaseMilestones,
): Record<string, unknown> | undefined {
  const had = milestonesOf(rec);
  const next = {
    reachedProductionAt: had.reachedProductionAt ?? seen.reachedProductionAt,
    verifiedAt: had.verifiedAt ?? seen.verifiedAt,
  };
  if (next.reachedProductionAt === had.reachedProductionAt && next.verifiedAt === had.verifiedAt)
    return undefined;
  return { ...dataOf(rec), ...next };
}

export function historyEntry(rec: ReleaseRecord): ReleaseHistoryEntry {
  return { id: rec.id, createdAt: rec.createdAt, ...milestonesOf(rec) };
}

/** The release a rollback of `excludeId` (or a new release) returns to, per the core rule. */
export async function rollbackTargetOf(
  ctx: EngineContext,
  excludeId?: string,
): Promise<ReleaseRecord | undefined> {
  const all = await ctx.store.listReleases({ limit: 200 });
  const t = rollbackTarget(all.map(historyEntry), excludeId);
  return t ? all.find((r) => r.id === t.id) : undefined;
}

function newestFirst(a: ReleaseRecord, b: ReleaseRecord): number {
  return Date.parse(b.createdAt) - Date.parse(a.createdAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** The release that speaks for `sha` among `releases`: newest evaluated one, else newest; undefined if none. */
export function commitOwner(releases: readonly ReleaseRecord[], sha: string): ReleaseRecord | undefined {
  const on = releases.filter((r) => r.sha === sha).sort(newestFirst);
  return on.find((r) => isEvaluatedState(r.state)) ?? on[0];
}

/**
 * An incident already alerted under another release on the same commit stays that alert: a raise by the
 * release now speaking for the commit is folded into the sibling's live alert (its count grows) instead of
 * opening a second alert for the same failing run.
 */
export function foldIntoSiblingAlerts<T extends { action: string; key: string }>(
  intents: readonly T[],
  releaseId: string,
  siblingIds: readonly string[],
  liveKeys: ReadonlySet<string>,
): T[] {
  return intents.map((a) => {
    if (a.action !== 'raise' || liveKeys.has(a.key) || !a.key.includes(`:${releaseId}:`)) return a;
    for (const sib of siblingIds) {
      const key = a.key.replace(`:${releaseId}:`, `:${sib}:`);
      if (liveKeys.has(key)) return { ...a, key };
    }
    return a;
  });
}

// Which release a run (or a deployment protection request) was made for, when Lanes can tell. Several
// releases may share a commit (a re-cut v4.0.1 of v4.0.0's sha); a run Lanes dispatched for one of them
// belongs to that one only. A run is attributed to a release when:
//   1. it is a dispatched run whose title names the release id (the `run-name: ${{ inputs.release }} …`
//      convention, core run-scope `releaseNamedByRun`), or
//   2. its ref (GitHub's head_branch; a protection request's ref) is the release's tag: Lanes dispatches a
//      release's lanes on its tag, and a tag push run is that tag's.
// Anything else (main, staging, a pull request's branch) is the commit's: it counts for every release on
// the commit. A run attributed to release A never counts for release B, neither green nor failed, and its
// protection request is A's to answer. Pure.
import { releaseNamedByRun } from './run-scope.ts';

export interface AttributionRelease {
  id: string;
  version: string;
  tag?: string;
}

export interface AttributableRun {
  event: string;
  headBranch: string | null;
  displayTitle?: string | null;
}

/** `refs/tags/v1`, `refs/heads/main` → `v1`, `main` (GitHub names refs either way in its payloads). */
export function shortRef(ref: string | null | undefined): string | null {
  if (!ref) return null;
  return ref.replace(/^refs\/(heads|tags)\//, '');
}

function byRef(ref: string | null | undefined, releases: readonly AttributionRelease[]): string | null {
  const r = shortRef(ref);
  if (r === null) return null;
  return releases.find((x) => x.version === r || x.tag === r || x.id === r)?.id ?? null;
}

/**
 * The id of the release among `releases` (those on the run's commit) the run was made for; null when Lanes
 * cannot tell (the run is the commit's and counts for each of them).
 */
export function runAttribution(run: AttributableRun, releases: readonly AttributionRelease[]): string | null {
  const named = releaseNamedByRun(run);
  if (named !== null && releases.some((x) => x.id === named)) return named;
  return byRef(run.headBranch, releases);
}

/**
 * A protection request belongs to the release its run belongs to; before the run itself is known (GitHub
 * may ask before the run's webhook arrives), the request's own ref decides.
 */
export function requestAttribution(
  req: { ref: string | null },
  run: AttributableRun | undefined,
  releases: readonly AttributionRelease[],
): string | null {
  return (run ? runAttribution(run, releases) : null) ?? byRef(req.ref, releases);
}

/** Whether a run attributed `attributedTo` counts for release `releaseId`: its own, or the commit's. */
export function countsForRelease(attributedTo: string | null, releaseId: string): boolean {
  return attributedTo === null || attributedTo === releaseId;
}

/**
 * The alert intents a release that does not speak for its commit keeps: resolves, and raises about its own
 * runs (occurrence `run:<id>:<attempt>` of a run attributed to it). Incidents of the commit's shared runs and
 * gates are raised once, by the release speaking for the commit.
 */
export function ownIncidentAlerts<T extends { action: string; occurrence?: string }>(
  intents: readonly T[],
  ownRunIds: ReadonlySet<number>,
): T[] {
  return intents.filter((a) => {
    if (a.action !== 'raise') return true;
    const m = /^run:(\d+):/.exec(a.occurrence ?? '');
    return m !== null && ownRunIds.has(Number(m[1]));
  });
}

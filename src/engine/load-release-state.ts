// Assembles a release's state (src/core/release-model.ts) from the store: runs, jobs and evidence of its
// commit, approvals, freeze overrides and the pending protection requests for its commit. Read-only: the
// same store contents always give the same state, so every decision can be re-derived after a crash.
import { laneRunState } from '../core/lane-status.ts';
import { rejectedRunsByLane, reviewerRejectedLanes, splitRejectedRuns } from '../core/rejected-runs.ts';
import type { EvidenceRecord, JobRecord, RunRecord } from '../core/run-model.ts';
import type {
  Approval,
  FreezeOverride,
  ManifestArtifact,
  ReleaseLaneRun,
  ReleaseState,
} from '../core/release-model.ts';
import type { ProtectionRequestState, ReleaseRecord } from '../store/store.ts';
import type { EngineContext } from './engine-context.ts';
import { deploymentRejections } from './rejected-deployments.ts';
import type { Catalog } from '../core/catalog-model.ts';
import { runCounts, runNamesRelease, type RunScope } from '../core/run-scope.ts';
import { evidenceOutcomes, type EvidenceReport } from '../core/evidence-provenance.ts';
import {
  countsForRelease,
  requestAttribution,
  runAttribution,
  type AttributionRelease,
} from '../core/run-attribution.ts';

/**
 * A stored evidence row as provenance sees it. Rows from before migration 0006 carry no provenance: a
 * webhook row (job, check run, artifact) is GitHub's own, each key its own source; an API row the reporter's.
 */
export function reportOf(e: EvidenceRecord): EvidenceReport {
  const github = e.source !== 'api';
  return {
    check: e.check,
    outcome: e.outcome,
    at: e.recordedAt,
    source: e.provenance ?? (github ? `github:${e.key}` : `api:${e.reportedBy ?? e.key}`),
    authority: e.authority ?? (github ? 'github' : 'api'),
  };
}

export interface CommitFacts {
  runs: RunRecord[];
  jobs: JobRecord[];
  evidence: EvidenceRecord[];
  /** Run ids of `runs` attributed to the release asked about (core run-attribution). */
  attributed: Set<number>;
  /** The releases on the commit (with the one asked about) that runs are attributed among. */
  onCommit: AttributionRelease[];
}

/** The run as run scope judges it (repository, event, ref, workflow). */
function scopeOf(r: RunRecord): RunScope {
  return { repo: r.repo, event: r.event, headBranch: r.headBranch, workflowId: r.workflowId };
}

/** Runs that count for this lane (core `runCounts`: its workflow's repository, event, branch policy). */
export function runsCountingFor(c: Catalog, laneId: string, runs: readonly RunRecord[]): RunRecord[] {
  return runs.filter((r) => runCounts(c, laneId, scopeOf(r)).counts);
}

/** The releases on `sha`, plus `release` itself when it is not stored yet (a release being created). */
export async function releasesOnCommit(
  ctx: EngineContext,
  sha: string,
  release?: AttributionRelease,
): Promise<AttributionRelease[]> {
  const all = (await ctx.store.listReleases({ limit: 200 }))
    .filter((r) => r.sha === sha)
    .map((r) => ({ id: r.id, version: r.version, tag: r.tag }));
  return release && !all.some((r) => r.id === release.id) ? [...all, release] : all;
}

/**
 * A commit's facts; only runs that count for at least one lane of their workflow are kept. With a release,
 * only the commit's shared runs and the runs attributed to that release are kept (a run Lanes dispatched for
 * another release on the same commit is not this one's, core run-attribution), and the runs dispatched for
 * it in other repositories (their own commit; the release named in their title, `runNamesRelease`) join.
 */
export async function commitFacts(
  ctx: EngineContext,
  sha: string,
  release?: AttributionRelease,
): Promise<CommitFacts> {
  const c = ctx.catalog;
  const onCommit = await releasesOnCommit(ctx, sha, release);
  const attributed = new Set<number>();
  const ownOrShared = (await ctx.store.listRuns({ headSha: sha, limit: 500 })).filter((r) => {
    if (!release) return true;
    const to = runAttribution(r, onCommit);
    if (to === release.id) attributed.add(r.runId);
    return countsForRelease(to, release.id);
  });
  const named =
    release === undefined
      ? []
      : (await ctx.store.listRuns({ namesRelease: release.id, limit: 500 })).filter(
          (r) => r.headSha !== sha && runNamesRelease(r, release.id),
        );
  for (const r of named) attributed.add(r.runId);
  const runs = [...ownOrShared, ...named].filter((r) =>
    c.lanes.some((l) => runCounts(c, l.id, scopeOf(r)).counts),
  );
  const evidence = await ctx.store.listEvidence({ shas: [sha] });
  const jobs = runs.length > 0 ? await ctx.store.listJobs(runs.map((r) => r.runId)) : [];
  return { runs, jobs, evidence, attributed, onCommit };
}

/** When each lane of the release first turned green (kept so a later failure can be placed in a hold). */
export async function greenAtOf(ctx: EngineContext, releaseId: string): Promise<Record<string, string>> {
  return ctx.store.getReleaseGreenAt(releaseId);
}

export async function overridesOf(ctx: EngineContext, releaseId: string): Promise<FreezeOverride[]> {
  return ctx.store.listReleaseOverrides(releaseId);
}

function latestUpdate(runs: readonly RunRecord[]): string | null {
  return (
    runs
      .map((r) => r.updatedAt)
      .sort()
      .pop() ?? null
  );
}

/** `pendingRequests`: pass them when the caller already read them (one read serves a whole evaluation). */
export async function loadReleaseState(
  ctx: EngineContext,
  rec: ReleaseRecord,
  pendingRequests?: ProtectionRequestState[],
): Promise<ReleaseState> {
  const { store, catalog } = ctx;
  const facts = await commitFacts(ctx, rec.sha, { id: rec.id, version: rec.version, tag: rec.tag });
  const { jobs, evidence } = facts;
  // Runs failed by a rejected deployment deployed nothing: they do not count for their lane (issue 15).
  const rejections = await deploymentRejections(ctx, facts.runs);
  const split = splitRejectedRuns(facts.runs, jobs, rejections);
  const rejectedRuns = rejectedRunsByLane(catalog.lanes, split.rejected);
  const runs = split.counted;
  const greenAt = await greenAtOf(ctx, rec.id);
  const laneRuns: Record<string, ReleaseLaneRun> = {};
  for (const lane of catalog.lanes) {
    const st = laneRunState(lane, runsCountingFor(catalog, lane.id, runs), jobs, evidence);
    if (!st.lastRun) continue;
    const completed = st.runs.every((r) => r.status === 'completed');
    laneRuns[lane.id] = {
      status: st.status,
      runId: st.lastRun.runId,
      runAttempt: st.lastRun.runAttempt,
      startedAt: st.lastRun.runStartedAt,
      completedAt: completed ? latestUpdate(st.runs) : null,
      greenAt: greenAt[lane.id] ?? (st.status === 'green' ? latestUpdate(st.runs) : null),
      actor: st.lastRun.actor,
    };
  }
  const ev = evidenceOutcomes(evidence.map(reportOf));
  const approvals: Approval[] = (await store.listApprovals({ releaseId: rec.id })).map((a) => ({
    gate: a.gateId,
    by: a.person,
    at: a.at,
    comment: a.comment,
  }));
  const pending = pendingRequests ?? (await store.listProtectionRequests({ pendingOnly: true }));
  const protectionRequests = [];
  const attributedRunIds = new Set(facts.attributed);
  for (const p of pending) {
    const run =
      runs.find((r) => r.runId === p.runId) ?? (p.sha === rec.sha ? await store.getRun(p.runId) : undefined);
    if (!run || (run.headSha !== rec.sha && !runNamesRelease(run, rec.id))) continue;
    // A request whose run was made for another release on this commit is that release's to answer.
    const to = run.headSha === rec.sha ? requestAttribution(p, run, facts.onCommit) : rec.id;
    if (!countsForRelease(to, rec.id)) continue;
    if (to === rec.id) attributedRunIds.add(p.runId);
    protectionRequests.push({
      runId: p.runId,
      environment: p.environment,
      workflowId: run.workflowId,
      event: run.event,
      requestedAt: p.requestedAt,
    });
  }
  const manifest = Array.isArray(rec.manifest) ? (rec.manifest as ManifestArtifact[]) : [];
  return {
    id: rec.id,
    version: rec.version,
    sha: rec.sha,
    createdBy: rec.createdBy,
    createdAt: rec.createdAt,
    includesMigrations: rec.includesMigrations,
    manifest,
    changeSummary: rec.changeSummary,
    previousReleaseId: rec.previousReleaseId,
    laneRuns,
    skippedLanes: [],
    evidence: ev,
    approvals,
    overrides: await overridesOf(ctx, rec.id),
    protectionRequests,
    rejectedRuns,
    reviewerRejectedLanes: reviewerRejectedLanes(rejectedRuns, rejections),
    unsanctionedDeploys: await unsanctionedDeploysOf(ctx, rec.id),
    attributedRunIds: [...attributedRunIds],
  };
}

/** By id, or by tag (the CLI and the dashboard name releases either way). */
export async function findRelease(ctx: EngineContext, idOrTag: string): Promise<ReleaseRecord | undefined> {
  return (
    (await ctx.store.getRelease(idOrTag)) ?? (await ctx.store.listReleases({ tag: idOrTag, limit: 1 }))[0]
  );
}

/** States in which a release is over: nothing is approved for it any more. */
const CLOSED_STATES = new Set(['superseded', 'rolled_back']);

/** Releases still open, newest first: "approve" without a release needs exactly one. */
export async function openReleases(ctx: EngineContext): Promise<ReleaseRecord[]> {
  const list = await ctx.store.listReleases({ limit: 50 });
  return list
    .filter((r) => !CLOSED_STATES.has(r.state))
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
}

/** The newest release that is not superseded. */
export async function currentRelease(ctx: EngineContext): Promise<ReleaseRecord | undefined> {
  const list = await ctx.store.listReleases({ limit: 20 });
  return list
    .filter((r) => r.state !== 'superseded')
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0];
}

/** Open (not yet acknowledged) unsanctioned-change alerts about this release: their titles. */
async function unsanctionedDeploysOf(ctx: EngineContext, releaseId: string): Promise<string[]> {
  const open = await ctx.store.listAlerts({ status: 'open', limit: 500 });
  return open
    .filter((a) => {
      if (a.rule !== 'unsanctioned_change') return false;
      const data = a.data as { subject?: { releaseId?: unknown } } | null;
      return data?.subject?.releaseId === releaseId;
    })
    .map((a) => `${a.title} (alert ${a.id}: acknowledge it to clear)`);
}

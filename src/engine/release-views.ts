// Read views of releases, gates and alerts (src/contract/views.ts). Read-only: views are recomputed from
// the stored facts and the core on every read, so they always agree with what the engine would decide.
import type { Lane } from '../core/catalog-model.ts';
import { evaluateGates, type GateEvaluation } from '../core/gates.ts';
import { evaluateRelease, releaseOutcome } from '../core/promotion.ts';
import { activeFreeze, overrideExpiresAt } from '../core/freeze-windows.ts';
import { nextFreezesFor } from '../core/freeze-schedule.ts';
import type { AlertRecord, ReleaseRecord } from '../store/store.ts';
import type { AlertView, GateView, ReleaseView } from '../contract/views.ts';
import { nowIso, type EngineContext } from './engine-context.ts';
import { currentRelease, loadReleaseState } from './load-release-state.ts';
import { changeSummaryView } from './change-summary.ts';

export function toGateView(g: GateEvaluation, releaseId: string): GateView {
  return {
    id: g.id,
    phase: g.phase,
    owner: g.owner,
    state: g.state,
    release: releaseId,
    criteria: g.criteria,
    approvals: g.approvals,
    approvalsRequired: g.approvalsRequired,
    window: g.window,
    waitsUntil: g.waitsUntil,
    blocks: g.blocks,
  };
}

export function alertView(a: AlertRecord): AlertView {
  const data = (a.data ?? {}) as { detail?: string; subject?: { laneId?: unknown; gateId?: unknown } };
  const subject = data.subject ?? {};
  return {
    id: a.id,
    key: a.key,
    rule: a.rule,
    severity: a.severity,
    title: a.title,
    detail: data.detail ?? null,
    status: a.status,
    count: a.count,
    firstAt: a.firstAt,
    lastAt: a.lastAt,
    ackedBy: a.ackedBy,
    ackedAt: a.ackedAt,
    resolvedBy: a.resolvedBy,
    resolvedAt: a.resolvedAt,
    laneId: typeof subject.laneId === 'string' ? subject.laneId : null,
    gateId: typeof subject.gateId === 'string' ? subject.gateId : null,
  };
}

export async function gateViewsOf(ctx: EngineContext, rec: ReleaseRecord): Promise<GateView[]> {
  const state = await loadReleaseState(ctx, rec);
  return evaluateGates(ctx.catalog, state, nowIso(ctx)).map((g) => toGateView(g, rec.id));
}

/** The gates of the current release; undefined when there is no release yet. */
export async function currentGateViews(ctx: EngineContext): Promise<GateView[] | undefined> {
  const rec = await currentRelease(ctx);
  return rec ? gateViewsOf(ctx, rec) : undefined;
}

function laneOf(ctx: EngineContext, id: string): Lane {
  // Catalog validation guarantees that promotion lists name existing lanes.
  return ctx.catalog.lanes.find((l) => l.id === id) as Lane;
}

export async function releaseView(ctx: EngineContext, rec: ReleaseRecord): Promise<ReleaseView> {
  const { catalog } = ctx;
  const state = await loadReleaseState(ctx, rec);
  const now = nowIso(ctx);
  const evaluation = evaluateRelease(catalog, state, now);
  const flow = catalog.promotion?.flow ?? [];
  const lanes = flow.map((id) => {
    const lane = laneOf(ctx, id);
    const lr = state.laneRuns[id];
    return {
      id,
      name: lane.name,
      // A lane whose only runs were rejected deployments shows that, not "idle".
      status: lr?.status ?? (state.rejectedRuns?.[id] ? 'rejected' : 'idle'),
      applies: !lane.when || lane.when.migrations === state.includesMigrations,
      runId: lr?.runId ?? state.rejectedRuns?.[id]?.at(-1) ?? null,
      startedAt: lr?.startedAt ?? null,
      url: null,
    };
  });
  const rollback = (catalog.promotion?.rollback ?? []).map((id) => {
    const lr = state.laneRuns[id];
    return { id, name: laneOf(ctx, id).name, status: lr?.status ?? 'idle', lastRunAt: lr?.startedAt ?? null };
  });
  const freezes = flow.flatMap((id) => {
    const f = activeFreeze(catalog, id, now);
    if (!f) return [];
    return [
      { lane: id, window: f.windowId, until: f.end, overridden: state.overrides.some((o) => o.lane === id) },
    ];
  });
  return {
    id: rec.id,
    version: rec.version,
    sha: rec.sha,
    state: rec.state,
    outcome: releaseOutcome(catalog, state),
    includesMigrations: rec.includesMigrations,
    manifest: rec.manifest,
    changeSummary: rec.changeSummary,
    previousReleaseId: rec.previousReleaseId,
    createdBy: rec.createdBy,
    createdAt: rec.createdAt,
    lanes,
    rollback,
    gates: evaluation.gates.map((g) => toGateView(g, rec.id)),
    nextLanes: evaluation.nextLanes,
    freezes,
    overrides: state.overrides.map((o) => ({
      lane: o.lane,
      by: o.by,
      reason: o.reason,
      at: o.at,
      window: o.window ?? null,
      expiresAt: overrideExpiresAt(catalog, o),
    })),
    rejectedRuns: Object.entries(state.rejectedRuns ?? {}).map(([lane, runIds]) => ({ lane, runIds })),
    commits: await changeSummaryView(ctx, rec),
    // Freezes ahead of the lanes this release has still to run (issue 15).
    nextFreezes: nextFreezesFor(
      catalog,
      lanes.filter((l) => l.applies && l.status !== 'green').map((l) => l.id),
      now,
    ),
  };
}

export async function listReleaseViews(ctx: EngineContext): Promise<ReleaseView[]> {
  const list = await ctx.store.listReleases({ limit: 50 });
  return Promise.all(list.map((r) => releaseView(ctx, r)));
}

export async function listAlertViews(ctx: EngineContext, all: boolean): Promise<AlertView[]> {
  const list = await ctx.store.listAlerts({ status: all ? undefined : 'live', limit: 200 });
  return list.map(alertView);
}

// Re-evaluation: after deliveries, timers and actions, each active release's state is reloaded and the
// core decides again (gates, effects, timers, alerts, lifecycle state). Everything one evaluation decides is
// written in ONE transaction with its audit; unchanged decisions write nothing (idempotent: evaluating twice
// is evaluating once), which is what makes the start-up sweep a safe recovery for lost timers.
// The lifecycle state moves only through the core state machine (src/core/release-lifecycle.ts). When
// several releases share a commit, only the one that speaks for it (release-history `commitOwner`) posts
// commit statuses and answers and alerts about the commit's shared runs; each release answers the protection
// requests of the runs attributed to it and raises its own runs' incidents (core run-attribution). Requests
// no evaluated release answers (terminal releases, commits without a release) go to answerOrphanRequests.
import type { GateEvaluation } from '../core/gates.ts';
import { evaluateRelease } from '../core/promotion.ts';
import {
  applyReleaseEvents,
  evaluationEvents,
  fromStoredState,
  isEvaluatedState,
  nextReleaseState,
  passedPostDeployChecks,
  reachedProductionAt,
  toStoredState,
} from '../core/release-lifecycle.ts';
import { ownIncidentAlerts } from '../core/run-attribution.ts';
import type { ReleaseRecord } from '../store/store.ts';
import { applyAlerts } from './apply-alerts.ts';
import { auditEntry } from './audit-entry.ts';
import { evaluateDrills } from './drills.ts';
import { enqueueEffect } from './effects.ts';
import { nowIso, type EngineContext } from './engine-context.ts';
import { greenAtOf, loadReleaseState } from './load-release-state.ts';
import { answerOrphanRequests } from './orphan-requests.ts';
import { commitOwner, foldIntoSiblingAlerts, withMilestones } from './release-history.ts';

export function gateDetail(g: GateEvaluation): unknown {
  return { criteria: g.criteria, approvals: g.approvals };
}

/** Re-evaluate every active release and the drill rules (timers, start-up). */
export async function reevaluateAll(ctx: EngineContext, reason: string, actor = 'system'): Promise<void> {
  const releases = await ctx.store.listReleases({ limit: 50 });
  for (const rec of releases) {
    if (isEvaluatedState(rec.state)) await reevaluateRelease(ctx, rec, reason, actor);
  }
  await answerOrphanRequests(ctx);
  await evaluateDrills(ctx);
}

/** Re-evaluate only the active releases on these commits (after deliveries): cheap under webhook load. */
/** Re-decides the releases on these commits, and those named by runs in other repositories (ids). */
export async function reevaluateCommits(
  ctx: EngineContext,
  shas: string[],
  reason: string,
  releaseIds: string[] = [],
): Promise<void> {
  if (shas.length === 0 && releaseIds.length === 0) return;
  const wanted = new Set(shas);
  const named = new Set(releaseIds);
  const releases = await ctx.store.listReleases({ limit: 50 });
  for (const rec of releases) {
    if (isEvaluatedState(rec.state) && (wanted.has(rec.sha) || named.has(rec.id)))
      await reevaluateRelease(ctx, rec, reason);
  }
  await answerOrphanRequests(ctx, wanted);
}

export async function reevaluateRelease(
  ctx: EngineContext,
  rec: ReleaseRecord,
  reason: string,
  actor = 'system',
): Promise<void> {
  const { store, catalog } = ctx;
  // One read of the pending protection requests serves both the state and the review paths.
  const requests = await store.listProtectionRequests({ pendingOnly: true });
  const siblings = await store.listReleases({ limit: 200 });
  const speaks = commitOwner(siblings, rec.sha)?.id === rec.id;
  const loaded = await loadReleaseState(ctx, rec, requests);
  const own = new Set(loaded.attributedRunIds ?? []);
  // A release that does not speak for its commit answers only the requests of its own runs (core
  // run-attribution); the commit's shared requests are the speaking release's.
  const state = speaks
    ? loaded
    : { ...loaded, protectionRequests: loaded.protectionRequests.filter((q) => own.has(q.runId)) };
  const now = nowIso(ctx);
  const openAlerts = await store.listAlerts({ status: 'live', limit: 500 });
  const decided = evaluateRelease(catalog, state, now, { openAlertKeys: openAlerts.map((a) => a.key) });
  const siblingIds = siblings.filter((x) => x.sha === rec.sha && x.id !== rec.id).map((x) => x.id);
  const liveKeys = new Set(openAlerts.map((a) => a.key));
  const evaluation = speaks
    ? { ...decided, alerts: foldIntoSiblingAlerts(decided.alerts, rec.id, siblingIds, liveKeys) }
    : {
        ...decided,
        effects: decided.effects.filter((e) => e.kind !== 'github.commit_status'),
        alerts: ownIncidentAlerts(decided.alerts, own),
      };
  const previous = await store.listGateDecisions({ releaseId: rec.id });
  const greenAt = await greenAtOf(ctx, rec.id);
  let greenChanged = false;
  for (const [laneId, lr] of Object.entries(state.laneRuns)) {
    if (lr.status === 'green' && !greenAt[laneId] && lr.greenAt) {
      greenAt[laneId] = lr.greenAt;
      greenChanged = true;
    }
  }
  const current = fromStoredState(rec.state) ?? 'created';
  const next = applyReleaseEvents(current, evaluationEvents(catalog, current, evaluation.outcome, state));
  const newState = next === current ? rec.state : toStoredState(next);
  const reachedAt = reachedProductionAt(catalog, state);
  const milestones = withMilestones(rec, {
    reachedProductionAt: reachedAt,
    verifiedAt: reachedAt && passedPostDeployChecks(catalog, evaluation.gates) ? now : null,
  });

  const changed = await store.transaction(async (tx) => {
    let touched = false;
    if (greenChanged) await tx.recordReleaseGreenAt(rec.id, greenAt);
    for (const g of evaluation.gates) {
      const before = previous.find((p) => p.gateId === g.id);
      const detail = gateDetail(g);
      if (
        before &&
        before.state === g.state &&
        before.waitsUntil === g.waitsUntil &&
        JSON.stringify(before.detail) === JSON.stringify(detail)
      )
        continue;
      await tx.saveGateDecision({
        releaseId: rec.id,
        gateId: g.id,
        state: g.state,
        detail,
        waitsUntil: g.waitsUntil,
        decidedAt: now,
      });
      if (!before || before.state !== g.state) {
        await tx.appendAudit(
          auditEntry({
            catalogVersion: ctx.catalogVersion,
            at: now,
            actor,
            action: `gate.${g.state}`,
            object: { type: 'gate', releaseId: rec.id, gateId: g.id },
            reason,
            data: { release: rec.version, from: before?.state ?? null, to: g.state },
          }),
        );
      }
      await tx.appendChange('gate', { release: rec.id, gate: g.id, state: g.state }, now);
      touched = true;
    }
    for (const e of evaluation.effects) {
      if ((await enqueueEffect(tx, ctx, e, requests, now)) !== 'enqueued') continue;
      touched = true;
      await tx.appendAudit(
        auditEntry({
          catalogVersion: ctx.catalogVersion,
          at: now,
          actor,
          action: `effect.${e.kind}`,
          object: { type: 'release', id: rec.id },
          reason,
          data: { key: e.key, payload: e.payload },
        }),
      );
      if (e.kind === 'github.protection_review') {
        await tx.answerProtectionRequest(
          { repo: catalog.repository, runId: e.payload.runId, environment: e.payload.environment },
          e.payload.state,
          e.payload.comment,
          now,
        );
      }
    }
    for (const t of evaluation.timers) {
      if (
        (await tx.schedule({ key: t.key, kind: t.kind, payload: t.payload, fireAt: t.fireAt })) ===
        'scheduled'
      )
        touched = true;
    }
    if (await applyAlerts(tx, ctx, evaluation.alerts, openAlerts, now, actor)) touched = true;
    if (milestones) {
      await tx.updateRelease(rec.id, { data: milestones, updatedAt: now });
      touched = true;
    }
    if (newState !== rec.state) {
      await tx.updateRelease(rec.id, { state: newState, updatedAt: now });
      await tx.appendAudit(
        auditEntry({
          catalogVersion: ctx.catalogVersion,
          at: now,
          actor,
          action: `release.${newState}`,
          object: { type: 'release', id: rec.id },
          reason,
          data: { from: rec.state, to: newState },
        }),
      );
      touched = true;
    }
    if (next === 'deployed' && current !== 'deployed') {
      // A release reaching production supersedes the older ones still open (their requests are then rejected).
      for (const older of siblings) {
        if (Date.parse(older.createdAt) >= Date.parse(rec.createdAt) || older.id === rec.id) continue;
        const from = fromStoredState(older.state);
        if (!from) continue;
        const t = nextReleaseState(from, { type: 'superseded', detail: rec.id });
        if (!t.ok) continue;
        await tx.updateRelease(older.id, { state: toStoredState(t.to), updatedAt: now });
        await tx.appendAudit(
          auditEntry({
            catalogVersion: ctx.catalogVersion,
            at: now,
            actor,
            action: 'release.superseded',
            object: { type: 'release', id: older.id },
            reason: `${rec.version} reached production`,
            data: { from: older.state, by: rec.id },
          }),
        );
        await tx.appendChange('release', { release: older.id, state: toStoredState(t.to) }, now);
      }
    }
    if (touched) await tx.appendChange('release', { release: rec.id, state: newState }, now);
    return touched;
  });
  if (changed) {
    await store.notify('changes');
    await store.notify('outbox');
  }
}

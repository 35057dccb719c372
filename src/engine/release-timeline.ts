// The read side of a release's timeline (GET /api/v1/releases/{id}/timeline, `lanes release show`): every
// decision (audit entries about the release and its gates), effect (outbox rows: enqueued, sent, dead),
// approval, run (runs of its lanes on its commit, with their conclusion), protection request and answer,
// and alert (opened, acknowledged, resolved), merged in time order by the core (src/core/release-timeline.ts).
// Each source is bounded; `truncated` says when one held more than was read.
import { effectBelongsTo, effectTarget, mergeTimeline } from '../core/release-timeline.ts';
import type { ReleaseTimeline, TimelineEntry } from '../contract/views.ts';
import type { AlertRecord, ReleaseRecord } from '../store/store.ts';
import type { RunRecord } from '../core/run-model.ts';
import type { EngineContext } from './engine-context.ts';
import { loadReleaseState } from './load-release-state.ts';

const AUDIT_LIMIT = 500;
const GATE_AUDIT_LIMIT = 100;
const OUTBOX_LIMIT = 2000;
const RUN_LIMIT = 200;
const ALERT_LIMIT = 500;

function auditSummary(action: string, reason: string | null): string {
  return `${action}${reason ? `: ${reason}` : ''}`;
}

function alertBelongsTo(a: AlertRecord, releaseId: string): boolean {
  if (a.key.includes(`:${releaseId}:`) || a.key.endsWith(`:${releaseId}`)) return true;
  const d = a.data !== null && typeof a.data === 'object' ? (a.data as Record<string, unknown>) : {};
  const subject =
    d.subject !== null && typeof d.subject === 'object' ? (d.subject as Record<string, unknown>) : {};
  return subject.releaseId === releaseId;
}

/** The lanes a release goes through: its promotion flow and the rollback lanes. */
function releaseLanes(ctx: EngineContext): Set<string> {
  return new Set([...(ctx.catalog.promotion?.flow ?? []), ...(ctx.catalog.promotion?.rollback ?? [])]);
}

/** The release's lanes that a run of this workflow serves. */
function lanesOfRun(ctx: EngineContext, run: RunRecord): string[] {
  const own = releaseLanes(ctx);
  return ctx.catalog.lanes
    .filter((l) => own.has(l.id) && l.run_by.some((b) => b.workflow === run.workflowId))
    .map((l) => l.id);
}

async function runsOf(ctx: EngineContext, rec: ReleaseRecord): Promise<{ runs: RunRecord[]; full: boolean }> {
  const onCommit = await ctx.store.listRuns({ headSha: rec.sha, limit: RUN_LIMIT });
  const runs = new Map<number, RunRecord>();
  for (const r of onCommit) if (lanesOfRun(ctx, r).length > 0) runs.set(r.runId, r);
  // Runs the release counts that ran on another commit (a rollback runs the previous release's ref).
  const state = await loadReleaseState(ctx, rec);
  const own = releaseLanes(ctx);
  for (const [laneId, lr] of Object.entries(state.laneRuns)) {
    if (!own.has(laneId) || lr.runId === null || runs.has(lr.runId)) continue;
    const r = await ctx.store.getRun(lr.runId);
    if (r) runs.set(r.runId, r);
  }
  return { runs: [...runs.values()], full: onCommit.length >= RUN_LIMIT };
}

export async function releaseTimeline(ctx: EngineContext, rec: ReleaseRecord): Promise<ReleaseTimeline> {
  const { store, catalog } = ctx;
  const items: TimelineEntry[] = [];
  let truncated = false;

  const audit = await store.listAudit({ objectType: 'release', objectId: rec.id, limit: AUDIT_LIMIT });
  truncated ||= audit.length >= AUDIT_LIMIT;
  // The outbox rows themselves show each effect (below): their audit twins would say it twice.
  for (const a of audit.filter((x) => !x.action.startsWith('effect.')))
    items.push({
      at: a.at,
      kind: 'decision',
      who: a.actor,
      summary: auditSummary(a.action, a.reason),
      links: { release: rec.id, audit: a.id },
    });
  for (const g of catalog.gates) {
    const gateAudit = await store.listAudit({
      objectType: 'gate',
      objectId: `${rec.id}/${g.id}`,
      limit: GATE_AUDIT_LIMIT,
    });
    truncated ||= gateAudit.length >= GATE_AUDIT_LIMIT;
    // Approvals are shown from the approvals themselves (below).
    for (const a of gateAudit.filter((x) => x.action !== 'gate.approved'))
      items.push({
        at: a.at,
        kind: 'decision',
        who: a.actor,
        summary: `${g.id} ${auditSummary(a.action, a.reason)}`,
        links: { release: rec.id, gate: g.id, audit: a.id },
      });
  }

  for (const ap of await store.listApprovals({ releaseId: rec.id }))
    items.push({
      at: ap.at,
      kind: 'approval',
      who: ap.person,
      summary: `approved ${ap.gateId}${ap.comment ? `: ${ap.comment}` : ''}`,
      links: { release: rec.id, gate: ap.gateId },
    });

  const outbox = await store.listOutboxSince({ since: rec.createdAt, limit: OUTBOX_LIMIT });
  truncated ||= outbox.length >= OUTBOX_LIMIT;
  // One entry per effect, at its latest state: sent (done), dead, or waiting in the outbox.
  for (const o of outbox.filter((x) => effectBelongsTo(x, rec))) {
    const what = effectTarget(o.kind, o.payload);
    const links = { release: rec.id, effect: o.id };
    const tries = o.attempts > 1 ? ` after ${o.attempts} attempts` : '';
    const error = o.lastError ? ` (${o.lastError.slice(0, 200)})` : '';
    if (o.status === 'done' && o.doneAt)
      items.push({ at: o.doneAt, kind: 'effect', who: 'system', summary: `sent ${what}${tries}`, links });
    else if (o.status === 'dead')
      items.push({
        at: o.runAt,
        kind: 'effect',
        who: 'system',
        summary: `dead${tries}: ${what}${error}`,
        links,
      });
    else
      items.push({
        at: o.createdAt,
        kind: 'effect',
        who: 'system',
        summary: `enqueued ${what}${o.attempts > 0 ? `, ${o.attempts} attempt(s) failed, retrying${error}` : ''}`,
        links,
      });
  }

  const { runs, full } = await runsOf(ctx, rec);
  truncated ||= full;
  for (const r of runs) {
    const lanes = lanesOfRun(ctx, r);
    const links: TimelineEntry['links'] = { release: rec.id, run: r.runId };
    if (lanes[0]) links.lane = lanes[0];
    const name = `${lanes.join('/') || r.workflowName} run ${r.runId}${r.runAttempt > 1 ? ` attempt ${r.runAttempt}` : ''}`;
    items.push({
      at: r.runStartedAt,
      kind: 'run',
      who: r.actor ?? 'github',
      summary: `${name} started`,
      links,
    });
    if (r.status === 'completed')
      items.push({
        at: r.updatedAt,
        kind: 'run',
        who: r.actor ?? 'github',
        summary: `${name} completed: ${r.conclusion ?? 'unknown'}`,
        links,
      });
    for (const p of await store.listProtectionRequests({ runId: r.runId })) {
      const plinks = { release: rec.id, run: r.runId };
      items.push({
        at: p.requestedAt,
        kind: 'protection',
        who: 'github',
        summary: `protection requested for run ${r.runId} (${p.environment})`,
        links: plinks,
      });
      if (p.answeredAt && p.answer)
        items.push({
          at: p.answeredAt,
          kind: 'protection',
          who: 'lanes',
          summary: `protection ${p.answer} for run ${r.runId} (${p.environment})${p.answerComment ? `: ${p.answerComment}` : ''}`,
          links: plinks,
        });
    }
  }

  const alerts = await store.listAlerts({ limit: ALERT_LIMIT });
  truncated ||= alerts.length >= ALERT_LIMIT;
  for (const a of alerts.filter((x) => alertBelongsTo(x, rec.id))) {
    const links = { release: rec.id, alert: a.id };
    const count = a.count > 1 ? ` (×${a.count}, last ${a.lastAt})` : '';
    items.push({
      at: a.firstAt,
      kind: 'alert',
      who: 'system',
      summary: `alert opened: ${a.title}${count}`,
      links,
    });
    if (a.ackedAt)
      items.push({
        at: a.ackedAt,
        kind: 'alert',
        who: a.ackedBy ?? 'system',
        summary: `alert acknowledged: ${a.title}`,
        links,
      });
    if (a.resolvedAt)
      items.push({
        at: a.resolvedAt,
        kind: 'alert',
        who: a.resolvedBy ?? 'system',
        summary: `alert resolved: ${a.title}`,
        links,
      });
  }

  return { releaseId: rec.id, version: rec.version, entries: mergeTimeline(items), truncated };
}

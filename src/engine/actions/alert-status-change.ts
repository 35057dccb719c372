// Shared by ack-alert.ts and resolve-alert.ts: a person moves an alert on (open → acked, live → resolved).
// The policy first (`alert.acknowledge` / `alert.resolve`: by default the owners of the lane or gate the
// alert is about plus the release seats; refusals audited).
// The status change, its audit entry and its change event commit in ONE transaction; an alert already in
// that status is a conflict and writes nothing.
import { refuse, type Outcome } from '../../contract/refusal.ts';
import type { AlertView } from '../../contract/views.ts';
import { auditEntry } from '../audit-entry.ts';
import { authorize } from './authorize.ts';
import { nowIso, type Actor, type EngineContext } from '../engine-context.ts';
import { alertView } from '../release-views.ts';
import { reevaluateAlertRelease } from '../unasked-runs.ts';

export async function changeAlertStatus(
  ctx: EngineContext,
  actor: Actor,
  id: number,
  to: 'acked' | 'resolved',
  comment?: string,
): Promise<Outcome<AlertView>> {
  const { store } = ctx;
  const now = nowIso(ctx);
  const existing = await store.getAlert(id);
  if (!existing) return refuse('not_found', `no alert ${id}`);
  const allowed = await authorize(
    ctx,
    actor,
    { action: to === 'acked' ? 'alert.acknowledge' : 'alert.resolve', subject: subjectOf(existing.data) },
    { type: 'alert', id },
    { key: existing.key },
  );
  if (!allowed.ok) return allowed;
  const updated = await store.transaction(async (tx) => {
    const r =
      to === 'acked'
        ? await tx.ackAlert(id, actor.personId, now)
        : await tx.resolveAlert(id, actor.personId, now);
    if (!r) return r;
    await tx.appendAudit(
      auditEntry({
        catalogVersion: ctx.catalogVersion,
        at: now,
        actor: actor.label,
        action: `alert.${to}`,
        object: { type: 'alert', id },
        reason: comment,
        data: { key: existing.key, rule: allowed.rule },
      }),
    );
    await tx.appendChange('alert', { id, status: r.status }, now);
    return r;
  });
  if (!updated) return refuse('conflict', `alert ${id} is already ${existing.status}`);
  await store.notify('changes');
  // An acknowledged unsanctioned deploy no longer fails its release's post-deploy gates: decide again.
  await reevaluateAlertRelease(ctx, existing, actor.label);
  return { ok: true, value: alertView(updated) };
}

/** The lane or gate an alert is about, as apply-alerts.ts stored it (`data.subject`). */
function subjectOf(data: unknown): { laneId?: string; gateId?: string } {
  const subject: unknown =
    typeof data === 'object' && data !== null && 'subject' in data ? data.subject : undefined;
  if (typeof subject !== 'object' || subject === null) return {};
  const out: { laneId?: string; gateId?: string } = {};
  if ('laneId' in subject && typeof subject.laneId === 'string') out.laneId = subject.laneId;
  if ('gateId' in subject && typeof subject.gateId === 'string') out.gateId = subject.gateId;
  return out;
}

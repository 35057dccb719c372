// Action: promote a release to its next lane by hand. The policy first (`release.promote`; an override of a
// freeze also `freeze.override`, admin only; refusals audited). The core plans it (`planPromote`); a freeze window
// holds production lanes unless a permitted person overrides it with a reason (`canOverrideFreeze`; refusals
// audited). The override is written with its audit in one transaction; the promotion's dispatches, audit and
// change event in ONE transaction; then the release is re-evaluated.
import { activeFreeze, canOverrideFreeze } from '../../core/freeze-windows.ts';
import { planPromote } from '../../core/promotion.ts';
import { refuse, type Outcome } from '../../contract/refusal.ts';
import type { ReleaseView } from '../../contract/views.ts';
import { auditEntry } from '../audit-entry.ts';
import { authorize } from './authorize.ts';
import { enqueueNewEffects } from '../effects.ts';
import { nowIso, type Actor, type EngineContext } from '../engine-context.ts';
import { reevaluateRelease } from '../evaluate-release.ts';
import { findRelease, loadReleaseState } from '../load-release-state.ts';
import { auditedRefusal } from '../refusal-audit.ts';
import { releaseView } from '../release-views.ts';

export async function promoteRelease(
  ctx: EngineContext,
  actor: Actor,
  releaseId: string,
  opts: { override?: { reason: string }; reason?: string },
): Promise<Outcome<ReleaseView>> {
  const { store, catalog } = ctx;
  const now = nowIso(ctx);
  const allowed = await authorize(
    ctx,
    actor,
    { action: 'release.promote' },
    { type: 'release', id: releaseId },
  );
  if (!allowed.ok) return allowed;
  const rec = await findRelease(ctx, releaseId);
  if (!rec) return refuse('not_found', `no release ${releaseId}`);
  let state = await loadReleaseState(ctx, rec);
  let plan = planPromote(catalog, state, now);
  const frozenLane =
    !plan.ok && plan.laneId && activeFreeze(catalog, plan.laneId, now) ? plan.laneId : undefined;
  if (!plan.ok && frozenLane) {
    if (!opts.override)
      return auditedRefusal(
        ctx,
        actor,
        'release.promote_refused',
        { type: 'release', id: rec.id },
        refuse('frozen', `${frozenLane} is inside a freeze window; override with a reason`, plan.conditions),
        { lane: frozenLane },
      );
    const reason = opts.override.reason;
    const may = await authorize(
      ctx,
      actor,
      { action: 'freeze.override', lane: frozenLane },
      { type: 'lane', id: frozenLane },
      { release: rec.id },
    );
    if (!may.ok) return may;
    const check = canOverrideFreeze(catalog, frozenLane, actor.personId, reason, now);
    const lane = { type: 'lane' as const, id: frozenLane };
    if (!check.ok)
      return auditedRefusal(
        ctx,
        actor,
        'freeze.override_refused',
        lane,
        refuse(check.code === 'not_seat_member' ? 'not_seat_member' : 'validation_failed', check.message),
        { release: rec.id },
      );
    const override = {
      lane: frozenLane,
      by: actor.personId,
      reason,
      at: now,
      window: check.windows[0] ?? null,
    };
    await store.transaction(async (tx) => {
      await tx.addReleaseOverride(rec.id, override);
      await tx.appendAudit(
        auditEntry({
          catalogVersion: ctx.catalogVersion,
          at: now,
          actor: actor.label,
          action: 'freeze.overridden',
          object: lane,
          reason,
          data: { release: rec.id, windows: check.windows, rule: may.rule },
        }),
      );
    });
    state = await loadReleaseState(ctx, rec);
    plan = planPromote(catalog, state, now);
  }
  if (!plan.ok)
    return auditedRefusal(
      ctx,
      actor,
      'release.promote_refused',
      { type: 'release', id: rec.id },
      refuse(plan.code === 'not_ready' ? 'gate_not_ready' : 'conflict', plan.message, plan.conditions),
      { lane: plan.laneId },
    );
  const { laneId, effects } = plan;
  const sent = await store.transaction(async (tx) => {
    const keys = await enqueueNewEffects(tx, ctx, effects, now);
    // Every dispatch already queued or sent (e.g. by opening the release): nothing new to do.
    if (keys.length === 0) return keys;
    await tx.appendAudit(
      auditEntry({
        catalogVersion: ctx.catalogVersion,
        at: now,
        actor: actor.label,
        action: 'release.promoted',
        object: { type: 'release', id: rec.id },
        reason: opts.reason,
        data: { lane: laneId, effects: effects.map((e) => e.key), rule: allowed.rule },
      }),
    );
    await tx.appendChange('release', { release: rec.id, promoted: laneId }, now);
    return keys;
  });
  if (sent.length === 0)
    return refuse(
      'conflict',
      `${laneId} was already dispatched for ${rec.version} (${effects.map((e) => e.key).join(', ')}); waiting for its run to start`,
      { lane: laneId, effects: effects.map((e) => e.key) },
    );
  await store.notify('outbox');
  await reevaluateRelease(ctx, rec, 'promoted', actor.label);
  const view = await releaseView(ctx, (await store.getRelease(rec.id)) ?? rec);
  const answer = { did: 'dispatched' as const, effects: sent, detail: `dispatched ${laneId}` };
  return { ok: true, value: { ...view, answer } };
}

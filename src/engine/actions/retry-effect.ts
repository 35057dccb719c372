// Action: an admin re-sends a dead effect. The policy first (`effect.retry`: admin scope, then
// policy.retry_effect, default admin; refusals audited by authorize). An unknown effect (not_found) and one
// that is not dead (effect_not_retryable: pending ones are still being tried, done ones were sent) are
// refused and audited. The retry moves the row back to pending with its attempts reset — the same row, key
// and effect_id, so a workflow that already saw this effect_id can drop a duplicate — and writes its audit
// entry and change event in ONE transaction; a concurrent retry of the same effect loses (conflict, audited).
// Its open effect_dead alert stays open until the effect is sent (src/engine/effect-alerts.ts).
import { refuse, type Outcome } from '../../contract/refusal.ts';
import type { EffectView } from '../../contract/views.ts';
import { effectState } from '../../core/effect-state.ts';
import { auditEntry } from '../audit-entry.ts';
import { effectView } from '../effect-views.ts';
import { nowIso, type Actor, type EngineContext } from '../engine-context.ts';
import { auditedRefusal } from '../refusal-audit.ts';
import { authorize } from './authorize.ts';

export async function retryEffect(
  ctx: EngineContext,
  actor: Actor,
  id: number,
  comment?: string,
): Promise<Outcome<EffectView>> {
  const { store } = ctx;
  const now = nowIso(ctx);
  const object = { type: 'effect' as const, id };
  const allowed = await authorize(ctx, actor, { action: 'effect.retry' }, object);
  if (!allowed.ok) return allowed;
  const rec = await store.getOutbox(id);
  if (!rec)
    return auditedRefusal(ctx, actor, 'effect.retry_refused', object, refuse('not_found', `no effect ${id}`));
  const state = effectState(rec);
  if (state !== 'dead')
    return auditedRefusal(
      ctx,
      actor,
      'effect.retry_refused',
      object,
      refuse(
        'effect_not_retryable',
        state === 'done'
          ? `effect ${id} (${rec.key}) was sent; there is nothing to re-send`
          : `effect ${id} (${rec.key}) is ${state}: the outbox worker is still trying it`,
        { state },
      ),
      { key: rec.key, state },
    );
  const retried = await store.transaction(async (tx) => {
    if (!(await tx.retryOutbox(id, now))) return false;
    await tx.appendAudit(
      auditEntry({
        catalogVersion: ctx.catalogVersion,
        at: now,
        actor: actor.label,
        action: 'effect.retried',
        object,
        reason: comment,
        data: {
          key: rec.key,
          kind: rec.kind,
          release: rec.releaseId,
          attemptsBefore: rec.attempts,
          rule: allowed.rule,
        },
      }),
    );
    await tx.appendChange('effect', { id, state: 'pending', release: rec.releaseId }, now);
    return true;
  });
  if (!retried)
    return auditedRefusal(
      ctx,
      actor,
      'effect.retry_refused',
      object,
      refuse('effect_not_retryable', `effect ${id} is no longer dead (retried by someone else)`),
      { key: rec.key },
    );
  await store.notify('outbox');
  await store.notify('changes');
  const after = await store.getOutbox(id);
  return { ok: true, value: effectView(after ?? rec) };
}

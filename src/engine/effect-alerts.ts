// The outbox worker's two hooks into the engine (wired in lanes-engine.ts):
// - an effect goes dead: the dead mark, its audit entry, its change event and its alert (one per effect,
//   src/core/effect-state.ts `effectDeadAlert`, de-duplicated by the core's alert rules) commit in ONE
//   transaction, so there is never a dead effect without its alert. A dead notification raises its alert
//   without notifying (a failing route must not feed itself).
// - an effect that had failed before is done: its open effect_dead alert (if any) is resolved. This runs
//   after the done mark (which stays the very next write after the call, keeping the crash window small);
//   a crash in between leaves the alert open for a person to resolve.
import { effectDeadAlert, effectDeadKey, effectRecoveredAlert } from '../core/effect-state.ts';
import type { OutboxItem } from '../store/store.ts';
import { applyAlerts } from './apply-alerts.ts';
import { auditEntry } from './audit-entry.ts';
import type { EngineContext } from './engine-context.ts';

const WORKER = 'system (outbox worker)';

export async function markEffectDead(
  ctx: EngineContext,
  item: OutboxItem,
  message: string,
  now: string,
): Promise<void> {
  const { store } = ctx;
  const rec = await store.getOutbox(item.id);
  const live = await store.listAlerts({ status: 'live', key: effectDeadKey(item.id) });
  const intent = effectDeadAlert(
    {
      ...item,
      lastError: message,
      releaseId: rec?.releaseId ?? null,
      laneId: rec?.laneId ?? null,
    },
    now,
  );
  await store.transaction(async (tx) => {
    await tx.markOutboxDead(item.id, message, now);
    await tx.appendAudit(
      auditEntry({
        catalogVersion: ctx.catalogVersion,
        at: now,
        actor: WORKER,
        action: 'effect.dead',
        object: { type: 'effect', id: item.id },
        reason: intent.action === 'raise' ? intent.detail : null,
        data: { key: item.key, kind: item.kind, attempts: item.attempts, release: rec?.releaseId ?? null },
      }),
    );
    await tx.appendChange('effect', { id: item.id, state: 'dead', release: rec?.releaseId ?? null }, now);
    await applyAlerts(tx, ctx, [intent], live, now, WORKER, { notify: item.kind !== 'alert.notify' });
  });
  await store.notify('changes');
}

export async function effectRecovered(ctx: EngineContext, item: OutboxItem, now: string): Promise<void> {
  const { store } = ctx;
  const live = await store.listAlerts({ status: 'live', key: effectDeadKey(item.id) });
  if (live.length === 0) return;
  await store.transaction((tx) =>
    applyAlerts(tx, ctx, [effectRecoveredAlert(item.id)], live, now, WORKER, {
      notify: item.kind !== 'alert.notify',
    }),
  );
  await store.notify('changes');
}

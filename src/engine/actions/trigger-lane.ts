// Action: start a lane by hand (workflow_dispatch). The policy first (`lane.trigger`: never a lane of the
// promotion flow, a rollback or production lane; only the lane's owners or the release seats, or who the
// catalog's policy names; only on the refs it allows); every refusal is audited. Lanes' own inputs (release,
// sha, lane, ...) cannot be set by the caller. Then the core's timing (`triggerPlan`: freeze windows).
// One dispatch per workflow of the lane; dispatches, audit and change event commit in ONE transaction.
import { laneById } from '../../core/catalog-model.ts';
import { reservedInputsUsed, triggerPlan } from '../../core/engine-rules-actions.ts';
import { refuse, type Outcome } from '../../contract/refusal.ts';
import { auditEntry } from '../audit-entry.ts';
import { dispatchEffect } from '../effects.ts';
import { nowIso, type Actor, type EngineContext } from '../engine-context.ts';
import { auditedRefusal } from '../refusal-audit.ts';
import { authorize } from './authorize.ts';

export interface TriggerInput {
  ref?: string;
  reason?: string;
  inputs?: Record<string, string>;
}

export async function triggerLane(
  ctx: EngineContext,
  actor: Actor,
  laneId: string,
  opts: TriggerInput,
): Promise<Outcome<{ lane: string; dispatches: string[] }>> {
  const { store, catalog } = ctx;
  const now = nowIso(ctx);
  const def = laneById(catalog, laneId);
  if (!def) return refuse('not_found', `no lane ${laneId}`);
  const lane = { type: 'lane' as const, id: laneId };
  const ref = opts.ref ?? 'main';
  const given = opts.inputs ?? {};
  const allowed = await authorize(ctx, actor, { action: 'lane.trigger', lane: laneId, ref }, lane, {
    ref,
    reason: opts.reason ?? null,
  });
  if (!allowed.ok) return allowed;
  const reserved = reservedInputsUsed(given);
  if (reserved.length > 0)
    return auditedRefusal(
      ctx,
      actor,
      'lane.trigger_refused',
      lane,
      refuse('validation_failed', `inputs ${reserved.join(', ')} are set by Lanes, not by a trigger`, {
        inputs: reserved,
      }),
      { ref },
    );
  const plan = triggerPlan(catalog, def, now);
  if (!plan.ok)
    return auditedRefusal(
      ctx,
      actor,
      'lane.trigger_refused',
      lane,
      refuse(plan.code, plan.message, plan.details),
      { ref },
    );
  // The clock in the key: each trigger is its own dispatch, a retried enqueue of the same one is not.
  const dispatches = plan.workflows.map((wf) => ({
    key: `trigger:${laneId}:${wf.id}:${now}`,
    workflowId: wf.id,
    workflowFile: wf.file,
    ref,
    inputs: { ...given, lane: laneId },
    laneId,
  }));
  const keys = dispatches.map((d) => d.key);
  await store.transaction(async (tx) => {
    for (const d of dispatches) await tx.enqueue(dispatchEffect(ctx, d, now));
    await tx.appendAudit(
      auditEntry({
        catalogVersion: ctx.catalogVersion,
        at: now,
        actor: actor.label,
        action: 'lane.triggered',
        object: lane,
        reason: opts.reason,
        data: { ref, dispatches: keys, rule: allowed.rule },
      }),
    );
    await tx.appendChange('lane', { lane: laneId, triggered: true }, now);
  });
  await store.notify('outbox');
  return { ok: true, value: { lane: laneId, dispatches: keys } };
}

// Action: start a lane by hand (workflow_dispatch). The core decides whether it may run now
// (`checkTrigger`: seat membership, gated lanes never, freeze windows); a gated refusal is audited.
// One dispatch per workflow of the lane; dispatches, audit and change event commit in ONE transaction.
import { checkTrigger } from '../../core/engine-rules-actions.ts';
import { refuse, type Outcome } from '../../contract/refusal.ts';
import { auditEntry } from '../audit-entry.ts';
import { dispatchEffect } from '../effects.ts';
import { nowIso, type Actor, type EngineContext } from '../engine-context.ts';

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
  const { store } = ctx;
  const now = nowIso(ctx);
  const lane = { type: 'lane' as const, id: laneId };
  const check = checkTrigger(ctx.catalog, laneId, actor.seats, now);
  if (!check.ok) {
    const audit = check.audit;
    if (audit)
      await store.transaction((tx) =>
        tx.appendAudit(
          auditEntry({
            at: now,
            actor: actor.label,
            action: audit.action,
            object: lane,
            reason: opts.reason,
            data: audit.data,
          }),
        ),
      );
    return refuse(check.code, check.message, check.details);
  }
  const ref = opts.ref ?? 'main';
  // The clock in the key: each trigger is its own dispatch, a retried enqueue of the same one is not.
  const dispatches = check.workflows.map((wf) => ({
    key: `trigger:${laneId}:${wf.id}:${now}`,
    workflowId: wf.id,
    workflowFile: wf.file,
    ref,
    inputs: { lane: laneId, ...(opts.inputs ?? {}) },
    laneId,
  }));
  const keys = dispatches.map((d) => d.key);
  await store.transaction(async (tx) => {
    for (const d of dispatches) await tx.enqueue(dispatchEffect(ctx, d, now));
    await tx.appendAudit(
      auditEntry({
        at: now,
        actor: actor.label,
        action: 'lane.triggered',
        object: lane,
        reason: opts.reason,
        data: { ref, dispatches: keys },
      }),
    );
    await tx.appendChange('lane', { lane: laneId, triggered: true }, now);
  });
  await store.notify('outbox');
  return { ok: true, value: { lane: laneId, dispatches: keys } };
}

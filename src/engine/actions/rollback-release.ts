// Action: roll a release back to its previous good release. The policy first (`release.rollback`; refusals
// audited); a rollback always names its reason, incident and owner. The core plans the rollback lanes' dispatches (`planRollback`); they carry the
// incident, owner and reason as workflow inputs. Dispatches, audit and change event commit in ONE transaction.
import { planRollback, type Effect } from '../../core/promotion.ts';
import { refuse, type Outcome } from '../../contract/refusal.ts';
import type { ReleaseView } from '../../contract/views.ts';
import { auditEntry } from '../audit-entry.ts';
import { authorize } from './authorize.ts';
import { enqueueEffect } from '../effects.ts';
import { nowIso, type Actor, type EngineContext } from '../engine-context.ts';
import { findRelease, loadReleaseState } from '../load-release-state.ts';
import { releaseView } from '../release-views.ts';

export interface RollbackInput {
  reason: string;
  incident: string;
  owner: string;
}

function withIncident(e: Effect, input: RollbackInput): Effect {
  if (e.kind !== 'github.dispatch') return e;
  const inputs = { ...e.payload.inputs, incident: input.incident, owner: input.owner, reason: input.reason };
  return { ...e, payload: { ...e.payload, inputs } };
}

export async function rollbackRelease(
  ctx: EngineContext,
  actor: Actor,
  releaseId: string,
  input: RollbackInput,
): Promise<Outcome<ReleaseView>> {
  const { store, catalog } = ctx;
  const now = nowIso(ctx);
  const allowed = await authorize(ctx, actor, { action: 'release.rollback' }, { type: 'release', id: releaseId });
  if (!allowed.ok) return allowed;
  const rec = await findRelease(ctx, releaseId);
  if (!rec) return refuse('not_found', `no release ${releaseId}`);
  const release = { type: 'release' as const, id: rec.id };
  const missing = (['reason', 'incident', 'owner'] as const).filter((k) => input[k].trim() === '');
  if (missing.length > 0)
    return refuse('validation_failed', `a rollback needs ${missing.join(', ')}`, { missing });
  const state = await loadReleaseState(ctx, rec);
  const target = rec.previousReleaseId ? await store.getRelease(rec.previousReleaseId) : undefined;
  const targetState = target ? await loadReleaseState(ctx, target) : null;
  const plan = planRollback(catalog, state, targetState, actor.personId, input.reason);
  if (!plan.ok)
    return refuse(plan.code === 'reason_required' ? 'validation_failed' : 'conflict', plan.message);
  const rollbackLane = catalog.lanes.find((l) => l.kind === 'rollback');
  await store.transaction(async (tx) => {
    for (const e of plan.effects) await enqueueEffect(tx, ctx, withIncident(e, input), [], now);
    await tx.appendAudit(
      auditEntry({
        at: now,
        actor: actor.label,
        action: 'release.rollback_started',
        object: release,
        reason: input.reason,
        data: {
          incident: input.incident,
          owner: input.owner,
          target: plan.target.id,
          lanes: plan.lanes,
          rollbackLane: rollbackLane?.id ?? null,
          rule: allowed.rule,
        },
      }),
    );
    await tx.appendChange('release', { release: rec.id, rollback: plan.target.id }, now);
  });
  await store.notify('outbox');
  return { ok: true, value: await releaseView(ctx, rec) };
}

// Action: roll a release back to the core's rollback target (`rollbackTarget`: the last release that reached
// production and passed its post-deploy checks, whatever happened to it since). The policy first
// (`release.rollback`; refusals audited); a rollback always names its reason, incident and owner. The
// lifecycle must allow rollback_started (a rolled-back or superseded release refuses). The core plans the
// rollback lanes' dispatches (`planRollback`); they carry the incident, owner and reason as workflow inputs.
// Dispatches, the rolling_back state, audit and change event commit in ONE transaction. Re-issuing a
// rollback after its workflow failed dispatches again (a new attempt key).
import { planRollback, type Effect } from '../../core/promotion.ts';
import { refuse, type Outcome } from '../../contract/refusal.ts';
import type { ReleaseView } from '../../contract/views.ts';
import { auditEntry } from '../audit-entry.ts';
import { authorize } from './authorize.ts';
import { enqueueNewEffects } from '../effects.ts';
import { nowIso, type Actor, type EngineContext } from '../engine-context.ts';
import { findRelease, loadReleaseState } from '../load-release-state.ts';
import { rollbackTargetOf } from '../release-history.ts';
import { fromStoredState, nextReleaseState, toStoredState } from '../../core/release-lifecycle.ts';
import { auditedRefusal } from '../refusal-audit.ts';
import { releaseView } from '../release-views.ts';

export interface RollbackInput {
  reason: string;
  incident: string;
  owner: string;
}

/**
 * The rollback dispatch with the incident inputs. A rollback workflow whose newest run on the commit failed is
 * dispatched again under a new key (`:after-<failed run>`), so re-issuing a failed rollback sends; asking
 * twice while it is queued or running is the same key, so it sends once.
 */
function withIncident(e: Effect, input: RollbackInput, failedRun: number | null): Effect {
  if (e.kind !== 'github.dispatch') return e;
  const inputs = { ...e.payload.inputs, incident: input.incident, owner: input.owner, reason: input.reason };
  const key = failedRun === null ? e.key : `${e.key}:after-${failedRun}`;
  return { ...e, key, payload: { ...e.payload, inputs } };
}

/** The newest run of a workflow on the commit, when it failed; else null. */
async function failedRunOf(ctx: EngineContext, sha: string, workflowId: string): Promise<number | null> {
  const [run] = await ctx.store.listRuns({ workflowId, headSha: sha, limit: 1 });
  const failed =
    run?.status === 'completed' && ['failure', 'timed_out', 'startup_failure'].includes(run.conclusion ?? '');
  return failed ? run.runId : null;
}

export async function rollbackRelease(
  ctx: EngineContext,
  actor: Actor,
  releaseId: string,
  input: RollbackInput,
): Promise<Outcome<ReleaseView>> {
  const { store, catalog } = ctx;
  const now = nowIso(ctx);
  const allowed = await authorize(
    ctx,
    actor,
    { action: 'release.rollback' },
    { type: 'release', id: releaseId },
  );
  if (!allowed.ok) return allowed;
  const rec = await findRelease(ctx, releaseId);
  if (!rec) return refuse('not_found', `no release ${releaseId}`);
  const release = { type: 'release' as const, id: rec.id };
  const missing = (['reason', 'incident', 'owner'] as const).filter((k) => input[k].trim() === '');
  if (missing.length > 0)
    return refuse('validation_failed', `a rollback needs ${missing.join(', ')}`, { missing });
  const transition = nextReleaseState(fromStoredState(rec.state) ?? 'created', { type: 'rollback_started' });
  if (!transition.ok) return refuse(transition.code, transition.message, transition.details);
  const state = await loadReleaseState(ctx, rec);
  const target = await rollbackTargetOf(ctx, rec.id);
  const targetState = target ? await loadReleaseState(ctx, target) : null;
  const plan = planRollback(catalog, state, targetState, actor.personId, input.reason);
  if (!plan.ok)
    return auditedRefusal(
      ctx,
      actor,
      'release.rollback_refused',
      { type: 'release', id: rec.id },
      refuse(plan.code === 'reason_required' ? 'validation_failed' : 'conflict', plan.message),
    );
  const rollbackLane = catalog.lanes.find((l) => l.kind === 'rollback');
  // A rollback lane may run several workflows (one per production environment): only the workflow whose own
  // newest run on this commit failed is sent again; one still queued or running keeps its key (sent once).
  const effects = await Promise.all(
    plan.effects.map(async (e) =>
      withIncident(
        e,
        input,
        e.kind === 'github.dispatch' ? await failedRunOf(ctx, rec.sha, e.payload.workflowId) : null,
      ),
    ),
  );
  const sent = await store.transaction(async (tx) => {
    const keys = await enqueueNewEffects(tx, ctx, effects, now);
    if (keys.length === 0) return keys;
    await tx.appendAudit(
      auditEntry({
        catalogVersion: ctx.catalogVersion,
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
    const stored = toStoredState(transition.to);
    if (stored !== rec.state) await tx.updateRelease(rec.id, { state: stored, updatedAt: now });
    await tx.appendChange('release', { release: rec.id, rollback: plan.target.id }, now);
    return keys;
  });
  const view = await releaseView(ctx, (await store.getRelease(rec.id)) ?? rec);
  if (sent.length === 0) {
    const keys = effects.map((e) => e.key);
    const detail = `the rollback to ${plan.target.version} is already dispatched (${keys.join(', ')}); waiting for its run`;
    return { ok: true, value: { ...view, answer: { did: 'waiting', effects: keys, detail } } };
  }
  await store.notify('outbox');
  const detail = `dispatched ${plan.lanes.join(', ')} to roll back to ${plan.target.version}`;
  return { ok: true, value: { ...view, answer: { did: 'dispatched', effects: sent, detail } } };
}

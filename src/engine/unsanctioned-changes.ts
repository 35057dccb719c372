// Deploys around Lanes, acted on: a protection request for a commit no release covers, or a production
// delivery run on such a commit. The core (`judgeUnsanctionedChange`) decides per environment (reject,
// alert, ignore); this module writes what it decided in ONE transaction per change: the rejection (outbox
// effect + the request marked answered) and the alert with its audit and notification. One change raises
// one alert ever: a change already alerted on (open or resolved) is not judged again, so resolving the
// alert does not reopen it on the next sweep. Callers: the orphan-request sweep (protection requests) and
// the delivery path (runs); gate-step environments can call `actOnUnsanctioned` with their own input.
import type { Lane } from '../core/catalog-model.ts';
import { lanesForProtectionRequest } from '../core/protection-decision.ts';
import { isProductionLane } from '../core/release-model.ts';
import type { RunRecord } from '../core/run-model.ts';
import { judgeUnsanctionedChange, type UnsanctionedInput } from '../core/unsanctioned-change.ts';
import { protectionAnswerKey } from '../core/release-evaluation.ts';
import type { ProtectionRequestState } from '../store/store.ts';
import { applyAlerts } from './apply-alerts.ts';
import { auditEntry } from './audit-entry.ts';
import { enqueueEffect } from './effects.ts';
import { nowIso, type EngineContext } from './engine-context.ts';

/** Acts on one unsanctioned change; `request` is the protection request to reject, if any. */
export async function actOnUnsanctioned(
  ctx: EngineContext,
  input: UnsanctionedInput,
  request: ProtectionRequestState | undefined,
): Promise<'rejected' | 'alerted' | 'ignored' | 'known'> {
  const { store, catalog } = ctx;
  const decision = judgeUnsanctionedChange(catalog, input);
  if (decision.action === 'ignore') return 'ignored';
  const reject = decision.action === 'reject' && request !== undefined;
  const known = (await store.listAlerts({ key: decision.alert.key, limit: 1 })).length > 0;
  if (known && !reject) return 'known';
  const now = nowIso(ctx);
  const live = await store.listAlerts({ status: 'live', limit: 500 });
  await store.transaction(async (tx) => {
    if (reject) {
      const e = {
        kind: 'github.protection_review' as const,
        key: protectionAnswerKey(request),
        payload: {
          runId: request.runId,
          environment: request.environment,
          state: 'rejected' as const,
          comment: decision.comment,
          laneIds: input.lanes.map((l) => l.id),
          releaseId: '',
        },
      };
      if ((await enqueueEffect(tx, ctx, e, [request], now)) === 'enqueued') {
        await tx.answerProtectionRequest(
          { repo: request.repo, runId: request.runId, environment: request.environment },
          'rejected',
          decision.comment,
          now,
        );
        await tx.appendAudit(
          auditEntry({
            catalogVersion: ctx.catalogVersion,
            at: now,
            actor: 'system',
            action: 'protection.rejected_unsanctioned',
            object: { type: 'lane', id: input.lanes[0]?.id ?? request.environment },
            reason: input.why,
            data: { key: e.key, environment: request.environment, sha: input.sha },
          }),
        );
      }
    }
    if (!known) await applyAlerts(tx, ctx, [decision.alert], live, now, 'system');
    await tx.appendChange('alert', { unsanctioned: input.runId }, now);
  });
  await store.notify('changes');
  await store.notify('outbox');
  return reject ? 'rejected' : 'alerted';
}

/** A pending protection request for a commit that no release covers. */
export async function judgeProtectionRequest(
  ctx: EngineContext,
  request: ProtectionRequestState,
  run: RunRecord,
  why: string,
): Promise<void> {
  const lanes = lanesForProtectionRequest(ctx.catalog, {
    workflowId: run.workflowId,
    environment: request.environment,
    event: run.event,
  });
  if (lanes.length === 0) return;
  await actOnUnsanctioned(
    ctx,
    {
      lanes,
      runId: request.runId,
      runAttempt: run.runAttempt,
      sha: run.headSha,
      environment: request.environment,
      why,
    },
    request,
  );
}

/** Production delivery lanes a run of this workflow and event stands for. */
function productionLanesOf(ctx: EngineContext, run: RunRecord): Lane[] {
  const c = ctx.catalog;
  return c.lanes.filter(
    (l) =>
      l.kind === 'delivery' &&
      isProductionLane(c, l) &&
      l.run_by.some((b) => b.workflow === run.workflowId && (!b.event || b.event.includes(run.event))),
  );
}

/**
 * Production delivery runs on `shas` that no release covers (the deploy went around the protection rule):
 * one alert per run, whatever its attempts. `covered` says whether a release allowed deploys of a commit.
 */
export async function judgeProductionRuns(
  ctx: EngineContext,
  shas: Iterable<string>,
  covered: (sha: string) => boolean,
): Promise<void> {
  for (const sha of shas) {
    if (covered(sha)) continue;
    const runs = await ctx.store.listRuns({ headSha: sha, limit: 200 });
    for (const run of runs) {
      const lanes = productionLanesOf(ctx, run);
      if (lanes.length === 0) continue;
      const env =
        run.environment ??
        lanes[0]?.environment.find((e) => ctx.catalog.environments.some((x) => x.id === e && x.production)) ??
        'production';
      await actOnUnsanctioned(
        ctx,
        {
          lanes,
          runId: run.runId,
          runAttempt: run.runAttempt,
          sha,
          environment: env,
          why: 'no release covers this commit',
        },
        undefined,
      );
    }
  }
}

// What the gate step cannot stop is seen: after deliveries, every completed run on the touched commits that
// deployed to a gate-step environment of a production lane (core/gate-step-decision.ts lanesNeedingGateStep)
// without its attempt ever asking Lanes raises the unsanctioned-change alert, naming run and actor. The
// alert is keyed by run and its occurrence is the run, so re-reading the same run raises nothing new:
// exactly one alert per run. The release concerned is then re-evaluated: its post-deploy gates fail while
// the alert is open (see unacknowledgedUnsanctioned in load-release-state.ts).
import { unaskedRunAlert } from '../core/gate-step-decision.ts';
import { applyAlerts } from './apply-alerts.ts';
import { nowIso, type EngineContext } from './engine-context.ts';
import { releaseOnCommit } from './actions/ask-gate-step.ts';
import { currentRelease } from './load-release-state.ts';
import { reevaluateRelease } from './evaluate-release.ts';
import { isEvaluatedState } from '../core/release-lifecycle.ts';
import type { AlertRecord } from '../store/store.ts';

export async function detectUnaskedRuns(ctx: EngineContext, shas: readonly string[]): Promise<void> {
  const { store, catalog } = ctx;
  for (const sha of new Set(shas)) {
    const runs = await store.listRuns({ headSha: sha, limit: 100 });
    for (const run of runs) {
      if (run.status !== 'completed' || !run.environment) continue;
      const asked = (await store.listGateSteps({ runId: run.runId, limit: 100 })).some(
        (g) => g.runAttempt === run.runAttempt,
      );
      if (asked) continue;
      const release = (await releaseOnCommit(ctx, sha)) ?? (await currentRelease(ctx));
      const intent = unaskedRunAlert(catalog, {
        runId: run.runId,
        runAttempt: run.runAttempt,
        environment: run.environment,
        workflowFile: run.workflowPath,
        sha: run.headSha,
        actor: run.actor,
        url: run.htmlUrl,
        releaseId: release?.id ?? null,
      });
      if (!intent) continue;
      const live = await store.listAlerts({ status: 'live', limit: 500 });
      const now = nowIso(ctx);
      const raised = await store.transaction((tx) => applyAlerts(tx, ctx, [intent], live, now, 'system'));
      if (!raised) continue;
      await store.notify('changes');
      await store.notify('outbox');
      if (release && isEvaluatedState(release.state))
        await reevaluateRelease(ctx, release, `unsanctioned deploy by run ${run.runId}`);
    }
  }
}

/** After a person moved an unsanctioned-change alert on: re-decide the release it names, if active. */
export async function reevaluateAlertRelease(
  ctx: EngineContext,
  alert: AlertRecord,
  actor: string,
): Promise<void> {
  if (alert.rule !== 'unsanctioned_change') return;
  const data = alert.data as { subject?: { releaseId?: unknown } } | null;
  const id = data?.subject?.releaseId;
  if (typeof id !== 'string') return;
  const rec = await ctx.store.getRelease(id);
  if (rec && isEvaluatedState(rec.state))
    await reevaluateRelease(ctx, rec, `alert ${alert.id} acknowledged`, actor);
}

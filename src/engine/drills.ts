// Rollback drill rules (lanes of kind rollback-drill): a failed or missed drill raises an alert; a drill
// check timer is scheduled for the next due time (+ grace) so a missed drill is noticed without any
// delivery. Alerts go through the same de-duplication as release alerts (apply-alerts.ts).
import { Cron } from 'croner';
import { DEFAULT_DRILL_GRACE_MS, drillAlerts, type DrillHistory } from '../core/alert-rules.ts';
import { compareRunsNewestFirst, laneRunState, workflowStatusOf } from '../core/lane-status.ts';
import { applyAlerts } from './apply-alerts.ts';
import { nowIso, type EngineContext } from './engine-context.ts';

export async function evaluateDrills(ctx: EngineContext): Promise<void> {
  const { store, catalog } = ctx;
  const now = nowIso(ctx);
  // A drill that never ran is "missed" only once a full period has passed since Lanes began watching.
  const since = await store.transaction((tx) => tx.ensureMonitoredSince('drills', now));
  const drillLanes = catalog.lanes.filter((l) => l.kind === 'rollback-drill');
  const drills: DrillHistory[] = [];
  for (const lane of drillLanes) {
    const wfIds = [...new Set(lane.run_by.map((b) => b.workflow))];
    const runs = (await Promise.all(wfIds.map((id) => store.listRuns({ workflowId: id, limit: 50 })))).flat();
    const st = laneRunState(lane, runs, []);
    const successes = runs
      .filter(
        (r) =>
          lane.run_by.some((b) => b.workflow === r.workflowId && (!b.event || b.event.includes(r.event))) &&
          workflowStatusOf(r) === 'success',
      )
      .sort(compareRunsNewestFirst);
    drills.push({
      laneId: lane.id,
      lastRun: st.lastRun
        ? {
            runId: st.lastRun.runId,
            status: st.status,
            startedAt: st.lastRun.runStartedAt,
            completedAt: st.lastRun.status === 'completed' ? st.lastRun.updatedAt : null,
          }
        : null,
      lastSuccessAt: successes[0]?.updatedAt ?? null,
      monitoringSince: since,
    });
  }
  if (drills.length === 0) return;
  for (const lane of drillLanes) {
    if (lane.trigger.on !== 'schedule') continue;
    const next = new Cron(lane.trigger.cron, { timezone: 'UTC', paused: true }).nextRun(new Date(now));
    if (!next) continue;
    const fireAt = new Date(next.getTime() + DEFAULT_DRILL_GRACE_MS + 60_000).toISOString();
    await store.transaction((tx) =>
      tx.schedule({
        key: `drill-check:${lane.id}:${fireAt}`,
        kind: 'drill.check',
        payload: { laneId: lane.id },
        fireAt,
      }),
    );
  }
  const live = await store.listAlerts({ status: 'live', limit: 500 });
  const intents = drillAlerts(catalog, drills, now, { openAlertKeys: live.map((a) => a.key) });
  if (intents.length === 0) return;
  const touched = await store.transaction((tx) => applyAlerts(tx, ctx, intents, live, now, 'system'));
  if (touched) await store.notify('changes');
}

// Rollback drill rules (lanes of kind rollback-drill): a failed or missed drill raises an alert, a green
// one resolves it. Evaluated after every batch of deliveries that changed state (so a drill run's verdict
// reaches its alert within the same second) and on a drill check timer at each lane's `checkAt` (the due
// time plus the lane's own drill_grace), so a missed drill is noticed without any delivery. Alerts go
// through the same de-duplication as release alerts (apply-alerts.ts).
import { drillAlerts, type DrillHistory } from '../core/drill-alerts.ts';
import { drillCheckTimes, drillHistoryOf } from '../core/drill-check.ts';
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
    drills.push(drillHistoryOf(lane, runs, since));
  }
  if (drills.length === 0) return;
  // One timer per lane and check time (the key makes re-scheduling on every evaluation a no-op).
  const checks = drillCheckTimes(catalog, drills, now);
  if (checks.length > 0)
    await store.transaction(async (tx) => {
      for (const c of checks)
        await tx.schedule({
          key: `drill-check:${c.laneId}:${c.at}`,
          kind: 'drill.check',
          payload: { laneId: c.laneId },
          fireAt: c.at,
        });
    });
  const live = await store.listAlerts({ status: 'live', limit: 500 });
  const intents = drillAlerts(catalog, drills, now, { openAlertKeys: live.map((a) => a.key) });
  if (intents.length === 0) return;
  const touched = await store.transaction((tx) => applyAlerts(tx, ctx, intents, live, now, 'system'));
  if (touched) await store.notify('changes');
}

// When the engine must look at the drill rules again without any delivery: the earliest instant each
// drill could turn "missed". Two bounds, whichever comes first and is still ahead: the schedule's own
// check time (`nextDrillDue(...).checkAt`: a due fire plus the lane's grace) and, when the drill has
// succeeded before, the instant that success becomes older than one cron period plus grace (which can
// fall after the fire's check time; without it a missed drill would be noticed one period late). Pure.
import { Cron } from 'croner';
import type { Catalog } from './catalog-model.ts';
import { drillGraceMs, nextDrillDue, type DrillHistory } from './drill-alerts.ts';
import type { Clock } from './freeze-windows.ts';
import { toMs } from './freeze-windows.ts';

export interface DrillCheck {
  laneId: string;
  at: string;
}

export function drillCheckTimes(c: Catalog, drills: readonly DrillHistory[], now: Clock): DrillCheck[] {
  const t = toMs(now);
  return nextDrillDue(c, t).map((s): DrillCheck => {
    const lane = c.lanes.find((l) => l.id === s.laneId);
    const h = drills.find((d) => d.laneId === s.laneId);
    let at = Date.parse(s.checkAt);
    if (lane && lane.trigger.on === 'schedule' && h?.lastSuccessAt) {
      const cron = new Cron(lane.trigger.cron, { timezone: 'UTC', paused: true });
      const [last, before] = cron.previousRuns(2, new Date(t + 1));
      if (last && before) {
        // drillMissed counts "missed" strictly after period + grace: look 1 ms past it.
        const stale =
          Date.parse(h.lastSuccessAt) + (last.getTime() - before.getTime()) + drillGraceMs(lane) + 1;
        if (stale > t && stale < at) at = stale;
      }
    }
    return { laneId: s.laneId, at: new Date(at).toISOString() };
  });
}

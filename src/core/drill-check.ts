// When the engine must look at the drill rules again without any delivery: the earliest instant each
// drill could turn "missed". Two bounds, whichever comes first and is still ahead: the schedule's own
// check time (`nextDrillDue(...).checkAt`: a due fire plus the lane's grace) and the instant the last
// success (or, for a drill that never succeeded, the start of monitoring) becomes older than one cron
// period plus grace (which can fall after the fire's check time; without it a missed drill would be
// noticed one period late). Also the drill states screens show (drillStates). Pure.
import { Cron } from 'croner';
import type { Catalog, Lane } from './catalog-model.ts';
import { compareRunsNewestFirst, laneRunState, workflowStatusOf } from './lane-status.ts';
import type { RunRecord } from './run-model.ts';
import { drillGraceMs, drillMissed, nextDrillDue, type DrillHistory } from './drill-alerts.ts';
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
    // Since the last success or, for a drill that never succeeded, since monitoring began (drillMissed's rule).
    const since = h?.lastSuccessAt ?? h?.monitoringSince ?? null;
    if (lane && lane.trigger.on === 'schedule' && since) {
      const cron = new Cron(lane.trigger.cron, { timezone: 'UTC', paused: true });
      const [last, before] = cron.previousRuns(2, new Date(t + 1));
      if (last && before) {
        // drillMissed counts "missed" strictly after period + grace: look 1 ms past it.
        const stale = Date.parse(since) + (last.getTime() - before.getTime()) + drillGraceMs(lane) + 1;
        if (stale > t && stale < at) at = stale;
      }
    }
    return { laneId: s.laneId, at: new Date(at).toISOString() };
  });
}

/** A scheduled drill as screens show it: when it is next due, when it turns "missed", and how it stands. */
export interface DrillState {
  laneId: string;
  name: string;
  /** The cron (UTC) and the grace (catalog `drill_grace`, or the default) as written. */
  cron: string;
  graceMs: number;
  /** The next scheduled fire after `now`. */
  nextDueAt: string;
  /** When the drill counts as missed unless a successful run comes first (in the past when missed). */
  missedAfter: string;
  state: 'ok' | 'failed' | 'missed' | 'never';
  lastRun: { runId: number | null; status: string; at: string | null } | null;
  lastSuccessAt: string | null;
}

/**
 * For every scheduled drill lane: next due, missed-after and state, from its history and the clock. Missed
 * follows drillMissed exactly: no success within one cron period plus grace of the last success (or of when
 * monitoring began); a drill never run and never watched turns missed at its due fire plus grace.
 */
export function drillStates(c: Catalog, drills: readonly DrillHistory[], now: Clock): DrillState[] {
  const t = toMs(now);
  return nextDrillDue(c, t).flatMap((s): DrillState[] => {
    const lane = c.lanes.find((l) => l.id === s.laneId);
    if (!lane || lane.trigger.on !== 'schedule') return [];
    const h = drills.find((d) => d.laneId === lane.id) ?? {
      laneId: lane.id,
      lastRun: null,
      lastSuccessAt: null,
    };
    const grace = drillGraceMs(lane);
    const cron = new Cron(lane.trigger.cron, { timezone: 'UTC', paused: true });
    const missed = drillMissed(lane.trigger.cron, h, t, grace);
    const since = h.lastSuccessAt ?? h.monitoringSince ?? null;
    // drillMissed: missed once more than one cron period plus grace has passed since the last success (or
    // since monitoring began); with neither, once the due fire's grace has passed (checkAt).
    const [a, b] = cron.nextRuns(2, new Date(t));
    const period = a && b ? b.getTime() - a.getTime() : 0;
    const missedAfter =
      since !== null
        ? Date.parse(since) + period + grace
        : missed
          ? Date.parse(missed.due) + grace
          : Date.parse(s.checkAt);
    const state: DrillState['state'] =
      h.lastRun?.status === 'failed'
        ? 'failed'
        : missed
          ? 'missed'
          : h.lastSuccessAt === null && h.lastRun === null
            ? 'never'
            : 'ok';
    return [
      {
        laneId: lane.id,
        name: lane.name,
        cron: lane.trigger.cron,
        graceMs: grace,
        nextDueAt: s.nextDueAt,
        missedAfter: new Date(missedAfter).toISOString(),
        state,
        lastRun: h.lastRun
          ? {
              runId: h.lastRun.runId,
              status: h.lastRun.status,
              at: h.lastRun.completedAt ?? h.lastRun.startedAt,
            }
          : null,
        lastSuccessAt: h.lastSuccessAt,
      },
    ];
  });
}

/** A drill lane's history from its recent runs (any release): the newest run and the newest success. */
export function drillHistoryOf(
  lane: Lane,
  runs: readonly RunRecord[],
  monitoringSince: string | null,
): DrillHistory {
  const st = laneRunState(lane, [...runs], []);
  const successes = runs
    .filter(
      (r) =>
        lane.run_by.some((b) => b.workflow === r.workflowId && (!b.event || b.event.includes(r.event))) &&
        workflowStatusOf(r) === 'success',
    )
    .sort(compareRunsNewestFirst);
  return {
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
    monitoringSince,
  };
}

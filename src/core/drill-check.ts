// When the engine must look at the drill rules again without any delivery: the instant the drill turns
// "missed" — the fire it answers next (the first after its last success, or after monitoring began) plus
// the lane's grace — while that is ahead; otherwise the schedule's own check time
// (`nextDrillDue(...).checkAt`). Also the drill states screens show (drillStates). Pure.
import type { Catalog, Lane } from './catalog-model.ts';
import { compareRunsNewestFirst, laneRunState, workflowStatusOf } from './lane-status.ts';
import type { RunRecord } from './run-model.ts';
import { drillFireDue, drillGraceMs, drillMissed, nextDrillDue, type DrillHistory } from './drill-alerts.ts';
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
    if (lane && lane.trigger.on === 'schedule' && h) {
      const due = drillFireDue(lane.trigger.cron, h);
      const missedAt = due ? due.getTime() + drillGraceMs(lane) : null;
      // The fire the drill answers next decides; once it is missed, the schedule's own checks carry on.
      if (missedAt !== null && missedAt > t) at = missedAt;
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
 * follows drillMissed exactly: the first fire after the last success (or after monitoring began) plus grace
 * passed without a success; a drill never run and never watched turns missed at its due fire plus grace.
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
    const missed = drillMissed(lane.trigger.cron, h, t, grace);
    // drillMissed's rule: the fire the drill answers next (the first after its last success, or after
    // monitoring began) plus grace; with neither, the latest fire's (when missed) or the schedule's check.
    const due = drillFireDue(lane.trigger.cron, h);
    const missedAfter =
      due !== null ? due.getTime() + grace : missed ? Date.parse(missed.due) + grace : Date.parse(s.checkAt);
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

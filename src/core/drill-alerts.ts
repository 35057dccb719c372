// Rollback drill rules: drill failed (its newest run failed) and drill missed (a due fire plus the lane's
// grace, a catalog field, passed without a successful run at or after that fire). Pure: the clock is a
// parameter.
import { Cron } from 'croner';
import type { Catalog, Lane } from './catalog-model.ts';
import { durationMs } from './catalog-model.ts';
import type { ReleaseLaneRun } from './release-model.ts';
import type { Clock } from './freeze-windows.ts';
import { toMs } from './freeze-windows.ts';
import type { AlertIntent, AlertRule, RaiseIntent, ResolveIntent } from './alert-model.ts';
import { alertKey } from './alert-model.ts';

export interface DrillHistory {
  laneId: string;
  /** The newest run of the drill lane (any release), or null. */
  lastRun: {
    runId: number | null;
    status: ReleaseLaneRun['status'];
    startedAt: string | null;
    completedAt: string | null;
  } | null;
  /** Completion time of the newest successful run, or null. */
  lastSuccessAt: string | null;
  /** Since when the drill is watched (e.g. when the lane entered the catalog); used when it never succeeded. */
  monitoringSince?: string | null;
}

export const DEFAULT_DRILL_GRACE_MS = 2 * 3_600_000;

/**
 * Drill rules for every scheduled rollback-drill lane: drill failed (its newest run failed) and drill missed
 * (its due fire plus grace passed without a successful run at or after that fire: drillMissed). Lanes absent
 * from `drills` have no runs at all.
 */
export function drillAlerts(
  c: Catalog,
  drills: readonly DrillHistory[],
  now: Clock,
  /** graceMs overrides every lane's own drill_grace (kept for callers that pass one; prefer the catalog). */
  opts: { graceMs?: number; openAlertKeys?: Iterable<string> } = {},
): AlertIntent[] {
  const t = toMs(now);
  const raises: RaiseIntent[] = [];
  const considered = new Map<string, { rule: AlertRule; reason: string }>();
  for (const lane of c.lanes) {
    if (lane.kind !== 'rollback-drill' || lane.trigger.on !== 'schedule') continue;
    const h = drills.find((d) => d.laneId === lane.id) ?? {
      laneId: lane.id,
      lastRun: null,
      lastSuccessAt: null,
    };

    const failedKey = alertKey('drill_failed', lane.id);
    if (h.lastRun?.status === 'failed') {
      raises.push({
        action: 'raise',
        key: failedKey,
        rule: 'drill_failed',
        severity: 'warning',
        title: `Rollback drill ${lane.id} ${lane.name} failed`,
        detail: `${lane.id} ${lane.name} failed at ${h.lastRun.completedAt ?? h.lastRun.startedAt ?? 'unknown time'}: the rollback path is not proven`,
        occurrence:
          h.lastRun.runId !== null
            ? `run:${h.lastRun.runId}`
            : `at:${h.lastRun.completedAt ?? h.lastRun.startedAt ?? ''}`,
        subject: { laneId: lane.id },
      });
    } else {
      considered.set(failedKey, {
        rule: 'drill_failed',
        reason: `${lane.id}'s newest run is ${h.lastRun?.status ?? 'absent'}`,
      });
    }

    const missedKey = alertKey('drill_missed', lane.id);
    const missed = drillMissed(lane.trigger.cron, h, t, opts.graceMs ?? drillGraceMs(lane));
    if (missed) {
      raises.push({
        action: 'raise',
        key: missedKey,
        rule: 'drill_missed',
        severity: 'warning',
        title: `Rollback drill ${lane.id} ${lane.name} missed`,
        detail: `no successful ${lane.id} run since ${h.lastSuccessAt ?? 'ever'}; scheduled ${lane.trigger.cron} (UTC), due ${missed.due} and not run within its grace`,
        occurrence: `due:${missed.due}`,
        subject: { laneId: lane.id },
      });
    } else {
      considered.set(missedKey, {
        rule: 'drill_missed',
        reason: `${lane.id} succeeded at ${h.lastSuccessAt ?? '?'}`,
      });
    }
  }
  const resolves: ResolveIntent[] = [];
  for (const key of new Set(opts.openAlertKeys ?? [])) {
    const c2 = considered.get(key);
    if (c2) resolves.push({ action: 'resolve', key, rule: c2.rule, reason: c2.reason });
  }
  return [...raises, ...resolves];
}

/**
 * The fire a drill answers next: the first scheduled fire after the last success (a run counts for the fires
 * at or before it, never for a later one), or, when it never succeeded, after monitoring began. Null when
 * there is neither (then the latest fire is the one due).
 */
export function drillFireDue(
  cronExpr: string,
  h: Pick<DrillHistory, 'lastSuccessAt' | 'monitoringSince'>,
): Date | null {
  const since = h.lastSuccessAt ?? h.monitoringSince ?? null;
  if (since === null) return null;
  return new Cron(cronExpr, { timezone: 'UTC', paused: true }).nextRun(new Date(Date.parse(since)));
}

/**
 * Missed once a due fire plus grace has passed without a successful run at or after that fire (README: "its
 * due fire plus drill_grace passes without a successful run"). Returns that fire (the first one missed:
 * the alert's occurrence, so a drill missed week after week stays one alert), or null.
 */
export function drillMissed(
  cronExpr: string,
  h: DrillHistory,
  now: number,
  graceMs: number,
): { due: string } | null {
  const since = h.lastSuccessAt ?? h.monitoringSince ?? null;
  const due =
    since === null
      ? (new Cron(cronExpr, { timezone: 'UTC', paused: true }).previousRuns(1, new Date(now + 1))[0] ?? null)
      : drillFireDue(cronExpr, h);
  if (!due || now < due.getTime() + graceMs) return null;
  return { due: due.toISOString() };
}

// ------------------------------------------------------------------------------------------ routing

/** The grace before a due drill counts as missed: the lane's `drill_grace`, or DEFAULT_DRILL_GRACE_MS. */
export function drillGraceMs(lane: Pick<Lane, 'drill_grace'>): number {
  return lane.drill_grace ? durationMs(lane.drill_grace) : DEFAULT_DRILL_GRACE_MS;
}

export interface DrillSchedule {
  laneId: string;
  /** The next scheduled fire after `now`. */
  nextDueAt: string;
  /** When that fire counts as missed if no successful run came: nextDueAt + grace. */
  missedAfter: string;
  /** When to look again for the fire already due (last fire + grace), if it is still ahead of `now`. */
  checkAt: string;
}

/**
 * When each scheduled drill is next due and when it becomes missed, for screens and for the timer that
 * re-evaluates drills (fire at the earliest `checkAt`). Lanes without a schedule are left out.
 */
export function nextDrillDue(c: Catalog, now: Clock): DrillSchedule[] {
  const t = toMs(now);
  const out: DrillSchedule[] = [];
  for (const lane of c.lanes) {
    if (lane.kind !== 'rollback-drill' || lane.trigger.on !== 'schedule') continue;
    const cron = new Cron(lane.trigger.cron, { timezone: 'UTC', paused: true });
    const next = cron.nextRun(new Date(t));
    if (!next) continue;
    const grace = drillGraceMs(lane);
    const [last] = cron.previousRuns(1, new Date(t + 1));
    const lastCheck = last ? last.getTime() + grace : null;
    const checkAt = lastCheck !== null && lastCheck > t ? lastCheck : next.getTime() + grace;
    out.push({
      laneId: lane.id,
      nextDueAt: next.toISOString(),
      missedAfter: new Date(next.getTime() + grace).toISOString(),
      checkAt: new Date(checkAt).toISOString(),
    });
  }
  return out;
}

// Alert rules: lane failed, gate blocked, hold broken, drill failed, drill missed. Rules return intents
// (raise with a dedupe key and an occurrence id, or resolve when the cause cleared); applyAlertIntent is the
// pure reducer the store applies so that one incident is one alert with an occurrence count.
import { Cron } from 'croner';
import type { AlertRoute, Catalog, Lane } from './catalog-model.ts';
import { durationMs, laneById } from './catalog-model.ts';
import type { GateEvaluation } from './gates.ts';
import type { ReleaseLaneRun, ReleaseState } from './release-model.ts';
import { isProductionLane, laneApplies, laneRun } from './release-model.ts';
import type { Clock } from './freeze-windows.ts';
import { toMs } from './freeze-windows.ts';

export type AlertRule = 'lane_failed' | 'gate_blocked' | 'hold_broken' | 'drill_failed' | 'drill_missed';
export type AlertSeverity = 'critical' | 'warning' | 'info';

export interface AlertSubject {
  releaseId?: string;
  laneId?: string;
  gateId?: string;
}

export interface RaiseIntent {
  action: 'raise';
  /** Dedupe key: one incident = one key (e.g. lane_failed:<release>:PL-09, drill_missed:PL-12). */
  key: string;
  rule: AlertRule;
  severity: AlertSeverity;
  title: string;
  detail: string;
  /**
   * Identity of this occurrence of the cause (e.g. run:123:1, or the missed cron fire). Re-evaluating the same
   * situation yields the same occurrence; a new failing run yields a new one (the alert's count goes up).
   */
  occurrence: string;
  subject: AlertSubject;
}

export interface ResolveIntent {
  action: 'resolve';
  key: string;
  rule: AlertRule;
  reason: string;
}

export type AlertIntent = RaiseIntent | ResolveIntent;

export function alertKey(rule: AlertRule, ...parts: string[]): string {
  return [rule, ...parts].join(':');
}

function failedAt(run: ReleaseLaneRun): number {
  const t = run.completedAt ?? run.startedAt;
  return t ? Date.parse(t) : -Infinity;
}

function occurrenceOf(run: ReleaseLaneRun): string {
  if (run.runId !== null) return `run:${run.runId}:${run.runAttempt ?? 1}`;
  return `at:${run.completedAt ?? run.startedAt ?? 'unknown'}`;
}

/** The latest completion of a successful rollback lane (kind rollback) run for this release, or null. */
export function rollbackSucceededAt(c: Catalog, r: ReleaseState): number | null {
  let latest: number | null = null;
  for (const lane of c.lanes) {
    if (lane.kind !== 'rollback') continue;
    const run = laneRun(r, lane.id);
    if (run.status !== 'green') continue;
    const t = run.completedAt ?? run.startedAt;
    if (t) latest = Math.max(latest ?? -Infinity, Date.parse(t));
  }
  return latest;
}

/** Whether a lane failure of this release still counts as an open cause (not fixed, not rolled back). */
function failureActive(run: ReleaseLaneRun, rollbackAt: number | null): boolean {
  if (run.status !== 'failed') return false;
  return rollbackAt === null || rollbackAt < failedAt(run);
}

/** The hold lane whose hold `lane` broke by failing during it (lane green, then failed within the hold). */
function brokenHold(c: Catalog, lane: Lane, r: ReleaseState): Lane | null {
  const run = laneRun(r, lane.id);
  if (run.status !== 'failed' || !run.greenAt) return null;
  for (const h of c.lanes) {
    if (h.trigger.on !== 'hold' || h.trigger.lane !== lane.id || !laneApplies(h, r)) continue;
    if (laneRun(r, h.id).status !== 'idle') continue;
    const start = Date.parse(run.greenAt);
    const end = start + durationMs(h.trigger.hold);
    const at = failedAt(run);
    if (at >= start && at < end) return h;
  }
  return null;
}

/**
 * Alert intents for one release: raise for every active cause, resolve for every key in `openAlertKeys`
 * that belongs to this release and whose cause cleared. A gate blocked only by failed lanes does not raise
 * its own alert: the lane's alert names the gates it blocks (one incident, one alert).
 */
export function releaseAlerts(
  c: Catalog,
  r: ReleaseState,
  gates: readonly GateEvaluation[],
  _now: Clock,
  openAlertKeys: Iterable<string> = [],
): AlertIntent[] {
  const raises: RaiseIntent[] = [];
  const rollbackAt = rollbackSucceededAt(c, r);
  const laneAlerted = new Set<string>(); // lanes whose failure is covered by a lane alert (active or rolled back)

  for (const lane of c.lanes) {
    if (lane.kind === 'rollback-drill' || !laneApplies(lane, r)) continue;
    const run = laneRun(r, lane.id);
    if (run.status !== 'failed') continue;
    laneAlerted.add(lane.id);
    if (!failureActive(run, rollbackAt)) continue;
    const blocked = gates.filter(
      (g) =>
        g.state === 'blocked' &&
        g.criteria.some((x) => x.kind === 'lane' && x.name === lane.id && x.state === 'failed'),
    );
    const blocks = blocked.length > 0 ? `; blocks ${blocked.map((g) => g.id).join(', ')}` : '';
    const when = run.completedAt ?? run.startedAt ?? 'unknown time';
    const hold = brokenHold(c, lane, r);
    if (hold && hold.trigger.on === 'hold') {
      raises.push({
        action: 'raise',
        key: alertKey('hold_broken', r.id, hold.id),
        rule: 'hold_broken',
        severity: 'critical',
        title: `Hold broken before ${hold.id}: ${lane.id} ${lane.name} failed (${r.version})`,
        detail: `${lane.id} turned green at ${run.greenAt ?? '?'} and failed at ${when}, inside the ${hold.trigger.hold} hold before ${hold.id} ${hold.name}; ${hold.id} will not be dispatched${blocks}`,
        occurrence: occurrenceOf(run),
        subject: { releaseId: r.id, laneId: lane.id },
      });
      continue;
    }
    raises.push({
      action: 'raise',
      key: alertKey('lane_failed', r.id, lane.id),
      rule: 'lane_failed',
      severity: isProductionLane(c, lane) || lane.kind === 'rollback' ? 'critical' : 'warning',
      title: `${lane.id} ${lane.name} failed (${r.version})`,
      detail: `${lane.id} ${lane.name} failed at ${when} for release ${r.version} (${r.sha.slice(0, 7)})${blocks}`,
      occurrence: occurrenceOf(run),
      subject: { releaseId: r.id, laneId: lane.id },
    });
  }

  for (const g of gates) {
    if (g.state !== 'blocked') continue;
    const failed = g.criteria.filter((x) => x.state === 'failed');
    if (failed.every((x) => x.kind === 'lane' && laneAlerted.has(x.name))) continue;
    if (rollbackAt !== null) continue; // the release was rolled back: its blocked gates are settled
    raises.push({
      action: 'raise',
      key: alertKey('gate_blocked', r.id, g.id),
      rule: 'gate_blocked',
      severity: g.phase.startsWith('Post-Prod') ? 'critical' : 'warning',
      title: `${g.id} (${g.phase}, ${g.owner}) blocked (${r.version})`,
      detail: `${g.id} is blocked for release ${r.version}: ${failed.map((x) => `${x.kind} ${x.name}${x.detail ? ` (${x.detail})` : ''}`).join(', ')}`,
      occurrence: `criteria:${failed
        .map((x) => `${x.kind}=${x.name}`)
        .sort()
        .join(',')}`,
      subject: { releaseId: r.id, gateId: g.id },
    });
  }

  const active = new Set(raises.map((x) => x.key));
  const resolves: ResolveIntent[] = [];
  for (const key of new Set(openAlertKeys)) {
    if (active.has(key)) continue;
    const m = /^(lane_failed|gate_blocked|hold_broken):(.*):([^:]+)$/.exec(key);
    if (!m || m[2] !== r.id) continue;
    const rule = m[1] as AlertRule;
    const id = m[3] ?? '';
    resolves.push({ action: 'resolve', key, rule, reason: resolveReason(c, r, rule, id, gates, rollbackAt) });
  }
  return [...raises, ...resolves];
}

function resolveReason(
  c: Catalog,
  r: ReleaseState,
  rule: AlertRule,
  id: string,
  gates: readonly GateEvaluation[],
  rollbackAt: number | null,
): string {
  const rolledBack =
    rollbackAt !== null
      ? `rolled back (${c.lanes
          .filter((l) => l.kind === 'rollback' && laneRun(r, l.id).status === 'green')
          .map((l) => l.id)
          .join(', ')} green at ${new Date(rollbackAt).toISOString()})`
      : null;
  switch (rule) {
    case 'lane_failed': {
      const st = laneRun(r, id).status;
      if (st === 'green') return `${id} is green again`;
      return rolledBack ?? `${id} is no longer failed (${st})`;
    }
    case 'hold_broken': {
      const lane = laneById(c, id);
      const pred = lane && lane.trigger.on === 'hold' ? lane.trigger.lane : null;
      if (pred && laneRun(r, pred).status === 'green') return `${pred} is green again`;
      return rolledBack ?? 'the hold is no longer broken';
    }
    case 'gate_blocked': {
      const g = gates.find((x) => x.id === id);
      if (g && g.state !== 'blocked') return `${id} is ${g.state}`;
      return rolledBack ?? `${id} is no longer blocked`;
    }
    case 'drill_failed':
    case 'drill_missed':
      return 'cause cleared';
  }
}

// ---------------------------------------------------------------------------------------------- drills

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
 * (no successful run within one cron period + grace). Lanes absent from `drills` have no runs at all.
 */
export function drillAlerts(
  c: Catalog,
  drills: readonly DrillHistory[],
  now: Clock,
  opts: { graceMs?: number; openAlertKeys?: Iterable<string> } = {},
): AlertIntent[] {
  const t = toMs(now);
  const grace = opts.graceMs ?? DEFAULT_DRILL_GRACE_MS;
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
    const missed = drillMissed(lane.trigger.cron, h, t, grace);
    if (missed) {
      raises.push({
        action: 'raise',
        key: missedKey,
        rule: 'drill_missed',
        severity: 'warning',
        title: `Rollback drill ${lane.id} ${lane.name} missed`,
        detail: `no successful ${lane.id} run since ${h.lastSuccessAt ?? 'ever'}; scheduled ${lane.trigger.cron} (UTC), last due ${missed.due}`,
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
 * Missed when the time since the last success (or since monitoring began, when it never succeeded) exceeds
 * one cron period (the gap between the two latest fires) plus grace. Returns the latest due fire, or null.
 */
export function drillMissed(
  cronExpr: string,
  h: DrillHistory,
  now: number,
  graceMs: number,
): { due: string } | null {
  const cron = new Cron(cronExpr, { timezone: 'UTC', paused: true });
  const [last, before] = cron.previousRuns(2, new Date(now + 1));
  if (!last || !before) return null;
  const period = last.getTime() - before.getTime();
  const since = h.lastSuccessAt ?? h.monitoringSince ?? null;
  if (since === null) return now >= last.getTime() + graceMs ? { due: last.toISOString() } : null;
  if (now - Date.parse(since) <= period + graceMs) return null;
  // The cycle that was missed: the latest fire whose grace has elapsed.
  const due = now >= last.getTime() + graceMs ? last : before;
  return { due: due.toISOString() };
}

// ------------------------------------------------------------------------------------------ routing

/** Alert routes of the catalog that match an alert (by severity and rule, when the route filters). */
export function routesFor(c: Catalog, a: { rule: AlertRule; severity: AlertSeverity }): AlertRoute[] {
  return c.alert_routes.filter(
    (r) =>
      (!r.match.severity || r.match.severity.includes(a.severity)) &&
      (!r.match.rules || r.match.rules.includes(a.rule)),
  );
}

// ------------------------------------------------------------------------------------------ dedupe

export type AlertStatus = 'open' | 'acked' | 'resolved';

export interface AlertRecord {
  key: string;
  rule: AlertRule;
  severity: AlertSeverity;
  title: string;
  detail: string;
  subject: AlertSubject;
  status: AlertStatus;
  /** Occurrences of the cause folded into this alert. */
  count: number;
  lastOccurrence: string;
  firstSeenAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
  resolution: string | null;
}

export type AlertChange = 'opened' | 'counted' | 'reopened' | 'resolved' | 'unchanged';

/**
 * Apply one intent to the stored alert with its key (undefined when none). `notify` says whether the alert
 * routes should be told (opened, reopened, resolved); a repeated evaluation of the same cause changes nothing.
 * A raise for a resolved alert with the same occurrence stays resolved (a person resolved it, or a rollback
 * did); a new occurrence reopens it.
 */
export function applyAlertIntent(
  existing: AlertRecord | undefined,
  intent: AlertIntent,
  now: Clock,
): { record: AlertRecord | undefined; change: AlertChange; notify: boolean } {
  const at = new Date(toMs(now)).toISOString();
  if (intent.action === 'resolve') {
    if (!existing || existing.status === 'resolved')
      return { record: existing, change: 'unchanged', notify: false };
    return {
      record: { ...existing, status: 'resolved', resolvedAt: at, resolution: intent.reason },
      change: 'resolved',
      notify: true,
    };
  }
  if (!existing) {
    return {
      record: {
        key: intent.key,
        rule: intent.rule,
        severity: intent.severity,
        title: intent.title,
        detail: intent.detail,
        subject: intent.subject,
        status: 'open',
        count: 1,
        lastOccurrence: intent.occurrence,
        firstSeenAt: at,
        lastSeenAt: at,
        resolvedAt: null,
        resolution: null,
      },
      change: 'opened',
      notify: true,
    };
  }
  if (existing.lastOccurrence === intent.occurrence)
    return { record: existing, change: 'unchanged', notify: false };
  const updated: AlertRecord = {
    ...existing,
    severity: intent.severity,
    title: intent.title,
    detail: intent.detail,
    count: existing.count + 1,
    lastOccurrence: intent.occurrence,
    lastSeenAt: at,
  };
  if (existing.status === 'resolved') {
    return {
      record: { ...updated, status: 'open', resolvedAt: null, resolution: null },
      change: 'reopened',
      notify: true,
    };
  }
  return { record: updated, change: 'counted', notify: false };
}

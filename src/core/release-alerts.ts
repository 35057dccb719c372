// Alert rules for one release: lane failed, hold broken, gate blocked. Each returns intents (raise with a
// dedupe key and an occurrence id, or resolve when the cause cleared); one incident raises one alert (a
// gate blocked only by a failed lane is covered by the lane's alert). Severity comes from catalog fields
// (production environments, phases after production), never from a name.
import type { Catalog, Lane } from './catalog-model.ts';
import { durationMs, laneById, phaseOf } from './catalog-model.ts';
import type { GateEvaluation } from './gates.ts';
import type { ReleaseLaneRun, ReleaseState } from './release-model.ts';
import { isProductionLane, laneApplies, laneRun } from './release-model.ts';
import type { Clock } from './freeze-windows.ts';
import type { AlertIntent, AlertRule, RaiseIntent, ResolveIntent } from './alert-model.ts';
import { alertKey } from './alert-model.ts';
import { rollbackSucceededAt } from './release-outcome.ts';

function failedAt(run: ReleaseLaneRun): number {
  const t = run.completedAt ?? run.startedAt;
  return t ? Date.parse(t) : -Infinity;
}

function occurrenceOf(run: ReleaseLaneRun): string {
  if (run.runId !== null) return `run:${run.runId}:${run.runAttempt ?? 1}`;
  return `at:${run.completedAt ?? run.startedAt ?? 'unknown'}`;
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
      severity: phaseOf(c, g.phase).after_production ? 'critical' : 'warning',
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
    if (rollbackAt === null && rerunning(c, r, rule, id)) continue;
    resolves.push({ action: 'resolve', key, rule, reason: resolveReason(c, r, rule, id, gates, rollbackAt) });
  }
  return [...raises, ...resolves];
}

/**
 * A failed lane that is running again (a re-run queued or in progress) has not recovered yet: the incident
 * stays open until the re-run succeeds or the release is rolled back, so a re-run that fails again counts
 * into the same alert instead of opening a second one.
 */
function rerunning(c: Catalog, r: ReleaseState, rule: AlertRule, id: string): boolean {
  if (rule === 'lane_failed') return laneRun(r, id).status === 'pending';
  if (rule === 'hold_broken') {
    const lane = laneById(c, id);
    const pred = lane && lane.trigger.on === 'hold' ? lane.trigger.lane : null;
    return pred !== null && laneRun(r, pred).status === 'pending';
  }
  return false;
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
    case 'unsanctioned_change':
    case 'effect_dead':
    case 'catalog_rejected':
      return 'cause cleared';
  }
}

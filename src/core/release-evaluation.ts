// The decision for one release at `now`: gates, lane readiness, dispatches, protection answers, commit
// statuses, timers and alert intents, all as data with idempotency keys. Pure: the clock is a parameter.
import type { Catalog } from './catalog-model.ts';
import { laneById } from './catalog-model.ts';
import type { GateEvaluation } from './gates.ts';
import { evaluateGates } from './gates.ts';
import type { Clock } from './freeze-windows.ts';
import { toMs } from './freeze-windows.ts';
import type { AlertIntent } from './alert-model.ts';
import { releaseAlerts } from './release-alerts.ts';
import type { PendingProtectionRequest, ReleaseState } from './release-model.ts';
import { iso } from './release-model.ts';
import type { Effect, TimerIntent } from './effect-model.ts';
import type { LaneReadiness } from './lane-readiness.ts';
import { laneReadiness } from './lane-readiness.ts';
import { dispatchEffects, isAutoDispatched } from './dispatch-plan.ts';
import { decideProtection, lanesForProtectionRequest } from './protection-decision.ts';
import type { ReleaseOutcome } from './release-outcome.ts';
import { releaseOutcome } from './release-outcome.ts';

export interface ReleaseEvaluation {
  releaseId: string;
  at: string;
  gates: GateEvaluation[];
  /** Readiness of the promotion-flow lanes (and of lanes with a pending protection request). */
  lanes: LaneReadiness[];
  /** Lanes dispatched by this decision (trigger approval/hold, idle, verdict go). */
  nextLanes: string[];
  effects: Effect[];
  timers: TimerIntent[];
  alerts: AlertIntent[];
  /** Protection requests no lane is bound to (left unanswered). */
  unmatchedProtectionRequests: PendingProtectionRequest[];
  outcome: ReleaseOutcome;
}

const STATUS_WORD = { passed: 'success', pending: 'pending', blocked: 'failure' } as const;

/**
 * The decision for one release at `now`:
 * - gates: every catalog gate evaluated;
 * - effects: dispatch of each promotion-flow lane with trigger approval/hold that is idle, applicable and
 *   ready (key dispatch:<release>:<lane>); answers to pending protection requests that can be decided
 *   (key protection:<runId>:<environment>:<requestedAt>, see protectionAnswerKey); one commit status per gate and state (key
 *   status:<sha>:<gate>:<state>);
 * - timers: re-evaluation when a hold, a gate window or a freeze ends (keys hold:/window:/freeze:… with the
 *   fire time, so a restarted window gets a new timer);
 * - alerts: release alert intents (see releaseAlerts); pass the keys of open alerts to get resolve intents.
 */
export function evaluateRelease(
  c: Catalog,
  r: ReleaseState,
  now: Clock,
  opts: { openAlertKeys?: Iterable<string> } = {},
): ReleaseEvaluation {
  const t = toMs(now);
  const gates = evaluateGates(c, r, t);
  const effects: Effect[] = [];
  const timers = new Map<string, TimerIntent>();
  const addTimer = (x: TimerIntent) => timers.set(x.key, x);

  const flowIds = c.promotion?.flow ?? [];
  const protectionLanes = new Set(
    r.protectionRequests.flatMap((q) => lanesForProtectionRequest(c, q).map((l) => l.id)),
  );
  const laneIds = [...new Set([...flowIds, ...protectionLanes])];
  const lanes = laneIds.map((id) => laneReadiness(c, r, id, t, gates));

  const nextLanes: string[] = [];
  for (const rd of lanes) {
    const lane = laneById(c, rd.laneId);
    if (
      !lane ||
      !flowIds.includes(lane.id) ||
      !isAutoDispatched(lane) ||
      !rd.applicable ||
      rd.status !== 'idle' ||
      // A person rejected its last deployment in GitHub: only a promote starts it again (issue 15).
      (r.reviewerRejectedLanes ?? []).includes(lane.id)
    )
      continue;
    if (rd.verdict === 'go') {
      nextLanes.push(lane.id);
      const why = rd.conditions.map((x) => x.detail).join('; ');
      effects.push(...dispatchEffects(c, r, lane, why));
      continue;
    }
    timersFor(rd, r.id, addTimer);
  }

  const unmatched: PendingProtectionRequest[] = [];
  for (const req of r.protectionRequests) {
    const d = decideProtection(c, r, req, t, gates);
    switch (d.decision) {
      case 'unmatched':
        unmatched.push(req);
        break;
      case 'wait':
        for (const id of d.laneIds) {
          const rd = lanes.find((x) => x.laneId === id);
          if (rd) timersFor(rd, r.id, addTimer);
        }
        break;
      case 'approve':
      case 'reject':
        effects.push({
          kind: 'github.protection_review',
          key: protectionAnswerKey(req),
          payload: {
            runId: req.runId,
            environment: req.environment,
            state: d.decision === 'approve' ? 'approved' : 'rejected',
            comment: d.comment,
            laneIds: d.laneIds,
            releaseId: r.id,
          },
        });
        break;
    }
  }

  for (const g of gates) {
    if (g.state === 'pending' && g.waitsUntil) {
      addTimer({
        key: `window:${r.id}:${g.id}:${g.waitsUntil}`,
        kind: 'release.reevaluate',
        fireAt: g.waitsUntil,
        payload: { releaseId: r.id, reason: 'window_end', gateId: g.id },
      });
    }
    const open = g.criteria.filter((x) => x.state !== 'passed').map((x) => `${x.kind} ${x.name}`);
    effects.push({
      kind: 'github.commit_status',
      // Keyed by commit, not release: a second release on the same commit does not post the same status again.
      key: `status:${r.sha}:${g.id}:${g.state}`,
      payload: {
        sha: r.sha,
        context: `lanes/${g.id}`,
        state: STATUS_WORD[g.state],
        description: truncate(
          `${g.phase} · ${g.owner}: ${g.state}${open.length > 0 ? ` (${open.join(', ')})` : ''}`,
          140,
        ),
        gateId: g.id,
        releaseId: r.id,
      },
    });
  }

  return {
    releaseId: r.id,
    at: iso(t),
    gates,
    lanes,
    nextLanes,
    effects,
    timers: [...timers.values()],
    alerts: releaseAlerts(c, r, gates, t, opts.openAlertKeys ?? []),
    unmatchedProtectionRequests: unmatched,
    outcome: releaseOutcome(c, r),
  };
}

/**
 * One answer per protection request. A re-run (same run id, next attempt) asks again with a new request
 * time, so the time is part of the key: the second attempt's request is a new effect, never "already done".
 */
export function protectionAnswerKey(
  req: Pick<PendingProtectionRequest, 'runId' | 'environment' | 'requestedAt'>,
): string {
  return `protection:${req.runId}:${req.environment}:${req.requestedAt}`;
}

/** Timers for clock-driven conditions (hold end, freeze end), only once nothing else is outstanding. */
function timersFor(rd: LaneReadiness, releaseId: string, add: (t: TimerIntent) => void): void {
  if (rd.conditions.some((x) => x.state !== 'passed' && !x.until)) return;
  for (const x of rd.conditions) {
    if (x.state === 'passed' || !x.until) continue;
    if (x.kind === 'hold') {
      add({
        key: `hold:${releaseId}:${rd.laneId}:${x.until}`,
        kind: 'release.reevaluate',
        fireAt: x.until,
        payload: { releaseId, reason: 'hold_end', laneId: rd.laneId },
      });
    } else if (x.kind === 'freeze') {
      add({
        key: `freeze:${releaseId}:${rd.laneId}:${x.until}`,
        kind: 'release.reevaluate',
        fireAt: x.until,
        payload: { releaseId, reason: 'freeze_end', laneId: rd.laneId },
      });
    }
  }
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

// What Lanes answers the gate step (`lanes gate wait`, gate-step enforcement) for one run attempt, and
// what it says about a production run in a gate-step environment that never asked. The answer comes from
// decideProtection — the very function that answers GitHub's deployment protection rule — so the two
// enforcement modes cannot disagree: approve → allowed, reject → rejected, wait → waiting (with the
// pending conditions: which gate and whose approval, which predecessor or hold, which freeze). A commit
// without a release is judged by judgeUnsanctionedChange like a protection request for it. Pure.
import picomatch from 'picomatch';
import type { RaiseIntent } from './alert-model.ts';
import { alertKey } from './alert-model.ts';
import type { Catalog, Lane } from './catalog-model.ts';
import { laneById } from './catalog-model.ts';
import { laneGithubEnvironments, laneNeedsGateStep } from './enforcement-mode.ts';
import type { Clock } from './freeze-windows.ts';
import { evaluateGates } from './gates.ts';
import { laneReadiness } from './lane-readiness.ts';
import { decideProtection, lanesForProtectionRequest } from './protection-decision.ts';
import type { ReleaseState } from './release-model.ts';
import { isProductionLane } from './release-model.ts';
import { judgeUnsanctionedChange } from './unsanctioned-change.ts';

/** Who asks, as the job's OIDC token says (the lane is the step's argument). */
export interface GateStepAsk {
  laneId: string;
  runId: number;
  runAttempt: number;
  /** GitHub environment of the job ('' when the job has none). */
  environment: string;
  /** WF-xx of the token's workflow file, when the catalog names it. */
  workflowId: string | null;
  workflowFile: string;
  event: string;
  sha: string;
  requestedAt: string;
}

export interface WaitingCondition {
  kind: string;
  id: string;
  detail: string;
  until: string | null;
}

export type GateStepVerdict =
  | { state: 'allowed' | 'rejected'; reason: string; waitingFor: []; alert?: RaiseIntent }
  | { state: 'waiting'; reason: string; waitingFor: WaitingCondition[]; waitsUntil: string | null };

/**
 * The answer for one ask: `release` is the release on the token's commit (null when there is none).
 * A lane the token's workflow and environment do not run is rejected: a step cannot borrow another lane's
 * approval.
 */
export function decideGateStep(
  c: Catalog,
  release: ReleaseState | null,
  ask: GateStepAsk,
  now: Clock,
): GateStepVerdict {
  const lane = laneById(c, ask.laneId);
  if (!lane)
    return { state: 'rejected', reason: `Lanes: no lane ${ask.laneId} in the catalog`, waitingFor: [] };
  const req = {
    runId: ask.runId,
    environment: ask.environment,
    workflowId: ask.workflowId,
    event: ask.event,
    requestedAt: ask.requestedAt,
  };
  const bound = lanesForProtectionRequest(c, req);
  if (!bound.some((l) => l.id === lane.id)) {
    const env = ask.environment === '' ? 'no environment' : `environment ${ask.environment}`;
    return {
      state: 'rejected',
      reason: `Lanes: ${lane.id} is not run by ${ask.workflowFile} (${ask.event}) in ${env}`,
      waitingFor: [],
    };
  }
  if (!release) {
    const j = judgeUnsanctionedChange(c, {
      lanes: bound,
      runId: ask.runId,
      runAttempt: ask.runAttempt,
      sha: ask.sha,
      environment: ask.environment,
      why: 'no release for this commit',
    });
    if (j.action === 'ignore')
      return {
        state: 'allowed',
        reason: `Lanes: no release for ${ask.sha.slice(0, 12)}; ${ask.environment} does not require one`,
        waitingFor: [],
      };
    return {
      state: j.action === 'reject' ? 'rejected' : 'allowed',
      reason: j.comment,
      waitingFor: [],
      alert: j.alert,
    };
  }
  const gates = evaluateGates(c, release, now);
  const d = decideProtection(c, release, req, now, gates);
  switch (d.decision) {
    case 'approve':
      return { state: 'allowed', reason: d.comment, waitingFor: [] };
    case 'reject':
      return { state: 'rejected', reason: d.comment, waitingFor: [] };
    case 'unmatched':
      return { state: 'rejected', reason: `Lanes: no lane is bound to this run`, waitingFor: [] };
    case 'wait': {
      const waitingFor = d.laneIds.flatMap((id) =>
        laneReadiness(c, release, id, now, gates)
          .conditions.filter((x) => x.state === 'pending')
          .map((x) => ({ kind: x.kind, id: x.id, detail: `${id}: ${x.detail}`, until: x.until ?? null })),
      );
      return {
        state: 'waiting',
        reason: `Lanes: waiting: ${d.reason}`,
        waitingFor,
        waitsUntil: d.waitsUntil,
      };
    }
  }
}

/** Production lanes whose runs in this GitHub environment must ask through the gate step. */
export function lanesNeedingGateStep(c: Catalog, environment: string): Lane[] {
  return c.lanes.filter(
    (l) =>
      laneNeedsGateStep(c, l) &&
      isProductionLane(c, l) &&
      laneGithubEnvironments(c, l).some((p) => picomatch.isMatch(environment, p, { dot: true })),
  );
}

export interface UnaskedRun {
  runId: number;
  runAttempt: number;
  environment: string;
  workflowFile: string;
  sha: string;
  actor: string | null;
  url: string;
  /** The release whose post-deploy gates this run puts in doubt (on its commit, else the newest active). */
  releaseId: string | null;
}

/**
 * A run deployed to a gate-step environment of a production lane without asking Lanes (the step was
 * removed, or another workflow deploys there): the unsanctioned-change alert, naming run and actor. One
 * incident per run: the key is the unsanctioned-change key of the run, so every path that sees the same
 * run (a protection request without a release, a re-run attempt) folds into one alert.
 */
export function unaskedRunAlert(c: Catalog, run: UnaskedRun): RaiseIntent | null {
  const lanes = lanesNeedingGateStep(c, run.environment);
  if (lanes.length === 0) return null;
  const laneIds = lanes.map((l) => l.id).join(', ');
  const actor = run.actor ?? 'an unknown actor';
  return {
    action: 'raise',
    key: alertKey('unsanctioned_change', String(run.runId)),
    rule: 'unsanctioned_change',
    severity: 'critical',
    title: `Unsanctioned deploy to ${run.environment}: run ${run.runId} by ${actor} never asked Lanes (${laneIds})`,
    detail: `run ${run.runId} attempt ${run.runAttempt} of ${run.workflowFile} by ${actor} deployed ${run.sha.slice(0, 12)} to ${run.environment} without the Lanes gate step (${run.url}); post-deploy gates fail until a person acknowledges this alert`,
    occurrence: `run:${run.runId}`,
    subject: { laneId: lanes[0]?.id, ...(run.releaseId ? { releaseId: run.releaseId } : {}) },
  };
}

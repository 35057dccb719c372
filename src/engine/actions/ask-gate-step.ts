// Action: the gate step of a run asks whether it may deploy (gate-step enforcement). Who asks is the job's
// verified GitHub Actions OIDC identity; the answer is core/gate-step-decision.ts, which is the protection
// rule's own decision. Guarantees:
// - a token for a repository the catalog does not govern is refused before anything is recorded;
// - the ask is recorded once per (repository, run, attempt, environment) and audited; a re-run attempt is a
//   new ask with its own decision;
// - the row leaves `waiting` exactly once (a conditional write), with its audit entry and any alert in the
//   same transaction: every later ask of that attempt gets the recorded decision, never a new one;
// - `waitSeconds` long-polls: the decision is re-taken about once a second until it is final or time is up.
import type { ActionsIdentity } from '../../github/actions-oidc.ts';
import { isEvaluatedState } from '../../core/release-lifecycle.ts';
import { decideGateStep, type GateStepVerdict } from '../../core/gate-step-decision.ts';
import { refuse, type Outcome } from '../../contract/refusal.ts';
import type { GateStepRequest } from '../../contract/requests.ts';
import type { GateStepView } from '../../contract/views.ts';
import type { GateStepKey, GateStepRecord, ReleaseRecord } from '../../store/store.ts';
import { applyAlerts } from '../apply-alerts.ts';
import { auditEntry } from '../audit-entry.ts';
import { nowIso, type EngineContext } from '../engine-context.ts';
import { loadReleaseState } from '../load-release-state.ts';

const POLL_MS = 1000;

export function gateStepView(g: GateStepRecord): GateStepView {
  const waitingFor = Array.isArray(g.waitingFor) ? (g.waitingFor as GateStepView['waitingFor']) : [];
  return {
    repository: g.repo,
    runId: g.runId,
    runAttempt: g.runAttempt,
    environment: g.environment,
    laneId: g.laneId,
    workflow: g.workflowFile,
    workflowId: g.workflowId,
    sha: g.sha,
    ref: g.ref,
    actor: g.actor,
    event: g.event,
    releaseId: g.releaseId,
    state: g.state,
    reason: g.reason,
    waitingFor,
    requestedAt: g.requestedAt,
    decidedAt: g.decidedAt,
  };
}

/** The release a commit's runs deploy: the newest active one on it, else the newest on it at all. */
export async function releaseOnCommit(ctx: EngineContext, sha: string): Promise<ReleaseRecord | undefined> {
  const onSha = (await ctx.store.listReleases({ limit: 50 }))
    .filter((r) => r.sha === sha)
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  return onSha.find((r) => isEvaluatedState(r.state)) ?? onSha[0];
}

export async function askGateStep(
  ctx: EngineContext,
  who: ActionsIdentity,
  req: GateStepRequest,
  signal?: AbortSignal,
): Promise<Outcome<GateStepView>> {
  const { catalog: c } = ctx;
  const governed = [c.repository, ...c.repositories];
  if (!governed.includes(who.repository))
    return refuse(
      'forbidden',
      `the token is for ${who.repository}; this Lanes governs ${governed.join(', ')}`,
    );
  const key: GateStepKey = {
    repo: who.repository,
    runId: who.runId,
    runAttempt: who.runAttempt,
    environment: who.environment ?? '',
  };
  const deadline = Date.now() + req.waitSeconds * 1000;
  for (;;) {
    const rec = await decideOnce(ctx, who, key, req.lane);
    if (rec.laneId !== req.lane)
      return refuse('conflict', `run ${who.runId} attempt ${who.runAttempt} already asked for ${rec.laneId}`);
    if (rec.state !== 'waiting' || Date.now() + POLL_MS > deadline || signal?.aborted)
      return { ok: true, value: gateStepView(rec) };
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

async function decideOnce(
  ctx: EngineContext,
  who: ActionsIdentity,
  key: GateStepKey,
  laneId: string,
): Promise<GateStepRecord> {
  const { store, catalog: c } = ctx;
  const existing = await store.getGateStep(key);
  if (existing && existing.state !== 'waiting') return existing;
  const now = nowIso(ctx);
  const workflow = c.workflows.find((w) => w.file === who.workflowFile);
  const release = await releaseOnCommit(ctx, who.sha);
  const state = release ? await loadReleaseState(ctx, release) : null;
  const verdict: GateStepVerdict = decideGateStep(
    c,
    state,
    {
      laneId: existing?.laneId ?? laneId,
      runId: who.runId,
      runAttempt: who.runAttempt,
      environment: key.environment,
      workflowId: workflow?.id ?? null,
      workflowFile: who.workflowFile,
      event: who.eventName,
      sha: who.sha,
      requestedAt: existing?.requestedAt ?? now,
    },
    now,
  );
  const outcome = {
    state: verdict.state,
    reason: verdict.reason,
    waitingFor: verdict.waitingFor,
    releaseId: release?.id ?? null,
  };
  // Nothing new to write: the answer is still the same wait.
  if (
    existing &&
    verdict.state === 'waiting' &&
    existing.reason === outcome.reason &&
    JSON.stringify(existing.waitingFor) === JSON.stringify(outcome.waitingFor)
  )
    return existing;
  const live =
    verdict.state !== 'waiting' && verdict.alert
      ? await store.listAlerts({ status: 'live', limit: 500 })
      : [];
  const actor = `github-actions:${who.repository} run ${who.runId}#${who.runAttempt} (${who.actor})`;
  const objectId = `${who.repository}/${who.runId}/${who.runAttempt}/${key.environment}`;
  const changed = await store.transaction(async (tx) => {
    let touched = false;
    if (!existing) {
      const inserted = await tx.insertGateStep({
        ...key,
        laneId,
        workflowFile: who.workflowFile,
        workflowId: workflow?.id ?? null,
        sha: who.sha,
        ref: who.ref,
        actor: who.actor,
        event: who.eventName,
        releaseId: release?.id ?? null,
        state: 'waiting',
        reason: 'asked',
        waitingFor: [],
        requestedAt: now,
        decidedAt: null,
      });
      if (inserted === 'exists') return false; // another replica recorded it first: read its row
      await tx.appendAudit(
        auditEntry({
          catalogVersion: ctx.catalogVersion,
          at: now,
          actor,
          action: 'gate_step.requested',
          object: { type: 'gate_step', id: objectId },
          reason: `gate step of ${who.workflowFile} for ${laneId}`,
          data: {
            lane: laneId,
            sha: who.sha,
            ref: who.ref,
            environment: key.environment,
            event: who.eventName,
          },
        }),
      );
      touched = true;
    }
    const final = verdict.state !== 'waiting';
    if (!(await tx.decideGateStepRow(key, outcome, final ? now : null))) return touched;
    if (final) {
      await tx.appendAudit(
        auditEntry({
          catalogVersion: ctx.catalogVersion,
          at: now,
          actor: 'system',
          action: `gate_step.${verdict.state}`,
          object: { type: 'gate_step', id: objectId },
          reason: verdict.reason,
          data: { lane: laneId, release: release?.id ?? null, actor: who.actor },
        }),
      );
      if (verdict.alert) await applyAlerts(tx, ctx, [verdict.alert], live, now, 'system');
    }
    await tx.appendChange('gate_step', { ...key, state: verdict.state }, now);
    return true;
  });
  if (changed) await store.notify('changes');
  const after = await store.getGateStep(key);
  if (!after) throw new Error(`gate step ${objectId} vanished`);
  return after;
}

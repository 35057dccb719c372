// Protection requests no evaluated release answers, and production runs no release covers. After the
// releases of a commit were evaluated, a pending request whose release (the one its run was made for, else
// the commit's owner) is settled (rolled back, superseded) is rejected with a comment naming that release; a request or a production
// delivery run on a commit without any release is an unsanctioned change (unsanctioned-changes.ts).
// Idempotent: the answer's outbox key and the alert's key make a second sweep write nothing.
import { lanesForProtectionRequest } from '../core/protection-decision.ts';
import { fromStoredState, isEvaluatedState } from '../core/release-lifecycle.ts';
import { protectionAnswerKey } from '../core/release-evaluation.ts';
import { requestAttribution } from '../core/run-attribution.ts';
import type { ProtectionRequestState, ReleaseRecord } from '../store/store.ts';
import { auditEntry } from './audit-entry.ts';
import { enqueueEffect } from './effects.ts';
import { nowIso, type EngineContext } from './engine-context.ts';
import { commitOwner } from './release-history.ts';
import { judgeProductionRuns, judgeProtectionRequest } from './unsanctioned-changes.ts';

/** `shas`: only requests and runs on these commits (a delivery); all pending requests otherwise. */
export async function answerOrphanRequests(ctx: EngineContext, shas?: ReadonlySet<string>): Promise<void> {
  const { store } = ctx;
  const pending = await store.listProtectionRequests({ pendingOnly: true });
  if (pending.length === 0 && !shas) return;
  const releases = await store.listReleases({ limit: 200 });
  for (const p of pending) {
    const run = await store.getRun(p.runId);
    const sha = p.sha ?? run?.headSha;
    if (!sha || !run || (shas && !shas.has(sha))) continue;
    // The release the request's run was made for answers it (core run-attribution); else the commit's owner.
    const onCommit = releases.filter((r) => r.sha === sha);
    const to = requestAttribution(p, run.headSha === sha ? run : undefined, onCommit);
    const owner = onCommit.find((r) => r.id === to) ?? commitOwner(releases, sha);
    if (owner && isEvaluatedState(owner.state)) continue; // that release answers it
    if (owner) await rejectForSettled(ctx, p, run.workflowId, run.event, owner);
    else await judgeProtectionRequest(ctx, p, run, 'no release covers this commit');
  }
  if (shas) await judgeProductionRuns(ctx, shas, (sha) => releases.some((r) => r.sha === sha));
}

async function rejectForSettled(
  ctx: EngineContext,
  p: ProtectionRequestState,
  workflowId: string | null,
  event: string,
  owner: ReleaseRecord,
): Promise<void> {
  const lanes = lanesForProtectionRequest(ctx.catalog, { workflowId, environment: p.environment, event });
  if (lanes.length === 0) return;
  const state = (fromStoredState(owner.state) ?? owner.state).replace('_', ' ');
  const comment = `Lanes: release ${owner.version} was ${state}; it deploys nothing more to ${p.environment}`;
  const now = nowIso(ctx);
  const e = {
    kind: 'github.protection_review' as const,
    key: protectionAnswerKey(p),
    payload: {
      runId: p.runId,
      environment: p.environment,
      state: 'rejected' as const,
      comment,
      laneIds: lanes.map((l) => l.id),
      releaseId: owner.id,
    },
  };
  const wrote = await ctx.store.transaction(async (tx) => {
    if ((await enqueueEffect(tx, ctx, e, [p], now)) !== 'enqueued') return false;
    await tx.answerProtectionRequest(
      { repo: p.repo, runId: p.runId, environment: p.environment },
      'rejected',
      comment,
      now,
    );
    await tx.appendAudit(
      auditEntry({
        catalogVersion: ctx.catalogVersion,
        at: now,
        actor: 'system',
        action: 'effect.github.protection_review',
        object: { type: 'release', id: owner.id },
        reason: comment,
        data: { key: e.key, payload: e.payload },
      }),
    );
    await tx.appendChange('release', { release: owner.id, state: owner.state }, now);
    return true;
  });
  if (wrote) await ctx.store.notify('outbox');
}

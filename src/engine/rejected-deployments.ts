// Reads the rejections recorded for a commit's failed runs so that load-release-state can set rejected runs
// apart (src/core/rejected-runs.ts): our answers to deployment protection rules (stored with the request)
// and reviewers' rejections in GitHub (the deployment_review webhook, for the run's current attempt).
// Only completed, unsuccessful runs are looked up: two small indexed reads per such run.
import type { DeploymentRejection } from '../core/rejected-runs.ts';
import type { RunRecord } from '../core/run-model.ts';
import type { EngineContext } from './engine-context.ts';

export async function deploymentRejections(
  ctx: EngineContext,
  runs: readonly RunRecord[],
): Promise<DeploymentRejection[]> {
  const candidates = runs.filter((r) => r.status === 'completed' && r.conclusion !== 'success');
  const out: DeploymentRejection[] = [];
  for (const run of candidates) {
    for (const p of await ctx.store.listProtectionRequests({ runId: run.runId })) {
      if (p.answer !== 'rejected') continue;
      out.push({
        runId: p.runId,
        environment: p.environment,
        by: 'lanes',
        at: p.answeredAt,
        comment: p.answerComment,
      });
    }
    for (const r of await ctx.store.listDeploymentReviews({ runId: run.runId })) {
      if (r.state !== 'rejected' || r.runAttempt !== run.runAttempt) continue;
      out.push({
        runId: r.runId,
        environment: r.environment,
        by: 'reviewer',
        at: r.reviewedAt,
        comment: r.comment,
      });
    }
  }
  return out;
}

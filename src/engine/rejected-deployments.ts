// Reads the rejections recorded for a commit's failed runs (our answers to deployment protection rules,
// stored with the request) so that load-release-state can set rejected runs apart (src/core/rejected-runs.ts).
// Only completed, unsuccessful runs are looked up: one small indexed read per such run.
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
  }
  return out;
}

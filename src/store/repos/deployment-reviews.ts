// Reviewers' answers to a run's deployment (the deployment_review webhook, issue 15).
// Guarantees: one row per (repository, run, attempt, environment); the first answer stands (a redelivery
// or a second reviewer's answer for the same wait is 'stale'); reads are by run.
import type { DeploymentReview } from '../../core/run-model.ts';
import type { Upsert } from '../store.ts';
import { iso, num, type ReadCtx, type Row, type TxCtx } from './shared.ts';

function recordOf(r: Row<'deployment_reviews'>): DeploymentReview {
  return {
    repo: r.repo,
    runId: num(r.run_id),
    runAttempt: num(r.run_attempt),
    environment: r.environment,
    sha: r.sha,
    state: r.state === 'approved' ? 'approved' : 'rejected',
    reviewer: r.reviewer,
    comment: r.comment,
    reviewedAt: r.reviewed_at,
  };
}

export function deploymentReviewReads({ db }: ReadCtx) {
  return {
    /** The reviews of one run, oldest first. */
    async listDeploymentReviews(filter: { runId: number }): Promise<DeploymentReview[]> {
      const rows = await db
        .selectFrom('deployment_reviews')
        .selectAll()
        .where('run_id', '=', filter.runId)
        .orderBy('reviewed_at')
        .orderBy('environment')
        .execute();
      return rows.map(recordOf);
    },
  };
}

export function deploymentReviewWrites({ db }: TxCtx) {
  return {
    async saveDeploymentReview(r: DeploymentReview): Promise<Upsert> {
      const inserted = await db
        .insertInto('deployment_reviews')
        .values({
          repo: r.repo,
          run_id: r.runId,
          run_attempt: r.runAttempt,
          environment: r.environment,
          sha: r.sha,
          state: r.state,
          reviewer: r.reviewer,
          comment: r.comment,
          reviewed_at: iso(r.reviewedAt),
        })
        .onConflict((oc) => oc.columns(['repo', 'run_id', 'run_attempt', 'environment']).doNothing())
        .returning('run_id')
        .executeTakeFirst();
      return inserted === undefined ? 'stale' : 'applied';
    },
  };
}

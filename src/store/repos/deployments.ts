// Deployments and deployment-protection requests: what GitHub says is (waiting to be) deployed where.
// Guarantees: deployments are newest-state-wins by updated_at (a known run id is never erased);
// one protection request per (repo, run, environment): the same request again is 'stale', a newer
// one (a re-run) replaces it unanswered; a request is answered at most once.
import type { DeploymentRecord, ProtectionRequest } from '../../core/run-model.ts';
import type { ProtectionAnswer, ProtectionRequestState, Upsert } from '../store.ts';
import { compareAndSet, iso, num, numOrNull, type ReadCtx, type Row, type TxCtx } from './shared.ts';

function rowToProtection(r: Row<'protection_requests'>): ProtectionRequestState {
  return {
    repo: r.repo,
    runId: num(r.run_id),
    environment: r.environment,
    sha: r.sha,
    ref: r.ref,
    deploymentId: numOrNull(r.deployment_id),
    reviewPath: r.review_path,
    installationId: numOrNull(r.installation_id),
    requestedAt: r.requested_at,
    answeredAt: r.answered_at,
    answer: r.answer as ProtectionAnswer | null,
    answerComment: r.answer_comment,
  };
}

export function deploymentReads({ db }: ReadCtx) {
  return {
    /** Oldest request first. */
    async listProtectionRequests(filter: {
      pendingOnly?: boolean;
      runId?: number;
    }): Promise<ProtectionRequestState[]> {
      const rows = await db
        .selectFrom('protection_requests')
        .selectAll()
        .$if(filter.pendingOnly === true, (q) => q.where('answered_at', 'is', null))
        .$if(filter.runId !== undefined, (q) => q.where('run_id', '=', filter.runId ?? 0))
        .orderBy('requested_at')
        .orderBy('id')
        .execute();
      return rows.map(rowToProtection);
    },
  };
}

export function deploymentWrites({ db, pg }: TxCtx) {
  return {
    upsertDeployment(d: DeploymentRecord): Promise<Upsert> {
      const row: Row<'deployments'> = {
        deployment_id: d.deploymentId,
        repo: d.repo,
        environment: d.environment,
        sha: d.sha,
        ref: d.ref,
        run_id: d.runId,
        state: d.state,
        updated_at: iso(d.updatedAt),
      };
      return compareAndSet({
        read: () =>
          db
            .selectFrom('deployments')
            .selectAll()
            .where('deployment_id', '=', d.deploymentId)
            .$if(pg, (q) => q.forUpdate())
            .executeTakeFirst(),
        insert: async () =>
          (await db
            .insertInto('deployments')
            .values(row)
            .onConflict((oc) => oc.column('deployment_id').doNothing())
            .returning('deployment_id')
            .executeTakeFirst()) !== undefined,
        isNewer: (cur) => row.updated_at > cur.updated_at,
        update: async (cur) => {
          await db
            .updateTable('deployments')
            .set({ ...row, run_id: row.run_id ?? cur.run_id })
            .where('deployment_id', '=', d.deploymentId)
            .execute();
        },
      });
    },

    /** New request → applied. The same request again → stale. A newer request (re-run) replaces it, unanswered. */
    saveProtectionRequest(r: ProtectionRequest): Promise<Upsert> {
      const row = {
        repo: r.repo,
        run_id: r.runId,
        environment: r.environment,
        sha: r.sha,
        ref: r.ref,
        deployment_id: r.deploymentId,
        review_path: r.reviewPath,
        installation_id: r.installationId,
        requested_at: iso(r.requestedAt),
      };
      return compareAndSet({
        read: () =>
          db
            .selectFrom('protection_requests')
            .selectAll()
            .where('repo', '=', r.repo)
            .where('run_id', '=', r.runId)
            .where('environment', '=', r.environment)
            .$if(pg, (q) => q.forUpdate())
            .executeTakeFirst(),
        insert: async () =>
          (await db
            .insertInto('protection_requests')
            .values(row)
            .onConflict((oc) => oc.columns(['repo', 'run_id', 'environment']).doNothing())
            .returning('id')
            .executeTakeFirst()) !== undefined,
        isNewer: (cur) => row.requested_at > cur.requested_at,
        update: async (cur) => {
          await db
            .updateTable('protection_requests')
            .set({ ...row, answered_at: null, answer: null, answer_comment: null })
            .where('id', '=', cur.id)
            .execute();
        },
      });
    },

    /** Records our answer; false when there is no such unanswered request. */
    async answerProtectionRequest(
      key: { repo: string; runId: number; environment: string },
      answer: ProtectionAnswer,
      comment: string | null,
      at: string,
    ): Promise<boolean> {
      const res = await db
        .updateTable('protection_requests')
        .set({ answer, answer_comment: comment, answered_at: iso(at) })
        .where('repo', '=', key.repo)
        .where('run_id', '=', key.runId)
        .where('environment', '=', key.environment)
        .where('answered_at', 'is', null)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    },
  };
}

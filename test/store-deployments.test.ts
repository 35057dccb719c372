// The Store's behavioural suite: deployments and protection requests.
// Runs on SQLite and on PostgreSQL alike; the shared set-up is in helpers/store-contract.ts.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { DeploymentRecord, ProtectionRequest } from '../src/core/run-model.ts';
import {
  at,
  canon,
  DEPLOYMENT_EXAMPLE,
  obj,
  rawDb,
  RUN_EXAMPLE,
  runFromPayload,
  storeContract,
  str,
} from './helpers/store-contract.ts';

storeContract('deployments', ({ withStore }) => {
  void it('keeps deployments by their own timestamps, and runs adopt their environment', async () => {
    await withStore(async (s) => {
      const d = obj(DEPLOYMENT_EXAMPLE.deployment);
      const dep: DeploymentRecord = {
        deploymentId: Number(d.id),
        repo: str(obj(DEPLOYMENT_EXAMPLE.repository).full_name),
        environment: str(d.environment),
        sha: str(d.sha),
        ref: str(d.ref),
        runId: 555,
        state: 'created',
        updatedAt: str(d.updated_at),
      };
      assert.equal(await s.transaction((tx) => tx.upsertDeployment(dep)), 'applied');
      const later = new Date(Date.parse(dep.updatedAt) + 60_000).toISOString();
      assert.equal(
        await s.transaction((tx) =>
          tx.upsertDeployment({ ...dep, state: 'success', runId: null, updatedAt: later }),
        ),
        'applied',
      );
      assert.equal(
        await s.transaction((tx) => tx.upsertDeployment({ ...dep, state: 'in_progress' })),
        'stale',
      );
      // Nothing lists deployments; their one reader is a run adopting the environment (below).
      const rows = await rawDb(s).selectFrom('deployments').selectAll().execute();
      assert.deepEqual(
        rows.map((r) => [Number(r.deployment_id), r.state, Number(r.run_id), r.updated_at]),
        [[dep.deploymentId, 'success', 555, later]], // runId kept
      );
      const run = runFromPayload(RUN_EXAMPLE, { runId: 555 });
      await s.transaction(async (tx) => {
        await tx.upsertRun(run);
        await tx.adoptDeploymentEnvironment(555);
      });
      assert.equal((await s.getRun(555))?.environment, dep.environment);
      // A known environment is never replaced by a deployment's.
      await s.transaction(async (tx) => {
        await tx.upsertRun({ ...run, runId: 556, environment: 'staging' });
        await tx.adoptDeploymentEnvironment(556);
      });
      assert.equal((await s.getRun(556))?.environment, 'staging');
    });
  });

  void it('saves protection requests once, answers them once, and resets on a newer request', async () => {
    await withStore(async (s) => {
      const run = runFromPayload(RUN_EXAMPLE);
      const req: ProtectionRequest = {
        repo: run.repo,
        runId: run.runId,
        environment: 'production',
        sha: run.headSha,
        ref: run.headBranch,
        deploymentId: 145988746,
        reviewPath: `/repos/${run.repo}/actions/runs/${run.runId}/deployment_protection_rule`,
        installationId: 2_000_000_001,
        requestedAt: at(1),
      };
      assert.equal(await s.transaction((tx) => tx.saveProtectionRequest(req)), 'applied');
      assert.equal(await s.transaction((tx) => tx.saveProtectionRequest(req)), 'stale');
      let pending = await s.listProtectionRequests({ pendingOnly: true });
      assert.equal(pending.length, 1);
      assert.deepEqual(pending[0], {
        ...req,
        requestedAt: canon(req.requestedAt),
        answeredAt: null,
        answer: null,
        answerComment: null,
      });
      const key = { repo: req.repo, runId: req.runId, environment: req.environment };
      assert.equal(
        await s.transaction((tx) => tx.answerProtectionRequest(key, 'approved', 'RG-11 passed', at(2))),
        true,
      );
      assert.equal(
        await s.transaction((tx) => tx.answerProtectionRequest(key, 'rejected', null, at(3))),
        false,
      );
      assert.deepEqual(await s.listProtectionRequests({ pendingOnly: true }), []);
      const all = await s.listProtectionRequests({});
      assert.equal(all[0]?.answer, 'approved');
      assert.equal(all[0]?.answeredAt, canon(at(2)));
      // A re-run asks again: the request is replaced and waits for a new answer.
      assert.equal(
        await s.transaction((tx) => tx.saveProtectionRequest({ ...req, requestedAt: at(10) })),
        'applied',
      );
      pending = await s.listProtectionRequests({ pendingOnly: true, runId: req.runId });
      assert.equal(pending.length, 1);
      assert.equal(pending[0]?.answer, null);
    });
  });
});

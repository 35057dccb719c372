// A deployment a person rejected in GitHub (an environment reviewer, not Lanes) is recorded as rejected, not
// failed (issue 15), end to end on both stores: PL-08 is dispatched, Lanes answers its protection request
// with approve, a reviewer then rejects the job waiting at prod-ops (the deployment_review webhook, in the
// published payload shape), and GitHub completes the run as a failure (its deploy job failed without a
// runner or steps). No lane_failed alert, the release is not failed, Lanes does not re-dispatch by itself
// (the reviewer would be asked again at once), and a promote starts exactly one new PL-08 run.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { STORE_KINDS, example, sendDelivery } from './helpers/lanes-harness.ts';
import {
  sendGreenStaging,
  sendProtectionRequest,
  sendRejectedRun,
  sendRun,
} from './helpers/github-events.ts';
import { releaseHarness, type ReleaseHarness } from './helpers/release-harness.ts';
import { normaliseDelivery } from '../src/github/normalise-event.ts';
import { makeWorkflowResolver } from '../src/github/workflow-mapping.ts';
import { loadCatalogFile } from '../src/catalog/load-catalog.ts';

const SHA = 'c0ffee00000000000000000000000000000000f2';
const WEDNESDAY = '2026-04-01T09:00:00.000Z';
const PROD_FILE = 'release-prod-ops.yml';
const REPO = 'nata-onl/ops';

async function post(url: string, event: string, payload: unknown): Promise<void> {
  const r = await sendDelivery(url, event, payload);
  if (r.status !== 202) throw new Error(`${event} answered ${r.status}`);
}

/** deployment_review.rejected as GitHub sends it: the published `requested` example turned into the
 * documented `rejected` shape (approver, comment, workflow_job_runs[]; no top-level environment). */
function reviewRejected(opts: {
  runId: number;
  sha: string;
  environment: string;
  at: string;
  login: string;
}): Record<string, unknown> {
  const p = example('deployment_review', 0);
  (p.repository as Record<string, unknown>).full_name = REPO;
  Object.assign(p.workflow_run as object, {
    id: opts.runId,
    head_sha: opts.sha,
    run_attempt: 1,
    status: 'waiting',
    path: `.github/workflows/${PROD_FILE}`,
  });
  const jobRun = p.workflow_job_run as Record<string, unknown>;
  delete p.workflow_job_run;
  delete p.environment;
  delete p.requestor;
  return {
    ...p,
    action: 'rejected',
    approver: { login: opts.login, id: 4242, type: 'User' },
    comment: 'not during the migration window\u0007, sorry',
    workflow_job_runs: [
      {
        ...jobRun,
        id: opts.runId + 1,
        name: 'deploy',
        status: 'completed',
        conclusion: 'failure',
        environment: opts.environment,
        updated_at: opts.at,
      },
    ],
  };
}

/** GitHub's deliveries for a run whose deployment was rejected (helpers/github-events.ts). */
const completeAsRejected = (url: string, runId: number, at: string): Promise<void> =>
  sendRejectedRun(url, {
    runId,
    sha: SHA,
    branch: 'v2.2.0',
    startedAt: '2026-04-01T09:30:00Z',
    at,
    file: PROD_FILE,
  });

describe('deployment_review normalises to review facts', () => {
  const loaded = loadCatalogFile('examples/ops/lanes.yaml');
  assert.ok(loaded.ok);
  const ctx = { resolveWorkflow: makeWorkflowResolver(loaded.catalog), receivedAt: '2026-04-01T10:00:00Z' };
  it('requested (the published example) yields no fact; rejected and approved yield one per environment', () => {
    const requested = normaliseDelivery('deployment_review', example('deployment_review', 0), ctx);
    assert.deepEqual(requested, { ok: true, facts: [] });
    const p = reviewRejected({
      runId: 77,
      sha: SHA,
      environment: 'prod-ops',
      at: '2026-04-01T09:59:00Z',
      login: 'olga',
    });
    const r = normaliseDelivery('deployment_review', p, ctx);
    assert.deepEqual(r, {
      ok: true,
      facts: [
        {
          kind: 'deployment_review',
          review: {
            repo: REPO,
            runId: 77,
            runAttempt: 1,
            environment: 'prod-ops',
            sha: SHA,
            state: 'rejected',
            reviewer: 'olga',
            comment: 'not during the migration window , sorry',
            reviewedAt: '2026-04-01T09:59:00.000Z',
          },
        },
      ],
    });
    const approved = normaliseDelivery('deployment_review', { ...p, action: 'approved' }, ctx);
    assert.equal(
      approved.ok && approved.facts[0]?.kind === 'deployment_review' && approved.facts[0].review.state,
      'approved',
    );
  });
  it('a review without an environment, or with another action, is refused with the field', () => {
    const p = reviewRejected({
      runId: 77,
      sha: SHA,
      environment: 'prod-ops',
      at: '2026-04-01T09:59:00Z',
      login: 'o',
    });
    const noEnv = normaliseDelivery('deployment_review', { ...p, workflow_job_runs: [] }, ctx);
    assert.equal(noEnv.ok, false);
    assert.match(noEnv.ok ? '' : noEnv.detail, /environment missing/);
    const odd = normaliseDelivery('deployment_review', { ...p, action: 'dismissed' }, ctx);
    assert.equal(odd.ok ? '' : odd.reason, 'missing_fields');
    const badSha = normaliseDelivery(
      'deployment_review',
      { ...p, workflow_run: { ...(p.workflow_run as object), head_sha: 'main' } },
      ctx,
    );
    assert.match(badSha.ok ? '' : badSha.detail, /head_sha is not a commit sha/);
  });
});

for (const kind of STORE_KINDS) {
  describe(`a deployment a reviewer rejected in GitHub is not a failure; a promote starts one new run (${kind})`, () => {
    let h: ReleaseHarness;
    let runId = 0;
    const prodDispatches = () => h.dispatches().filter((d) => d.file === PROD_FILE);
    before(async () => {
      h = await releaseHarness(kind, WEDNESDAY);
      await sendGreenStaging(h.lanes.url, SHA, '2026-04-01T07:00:00Z');
      await sendRun(h.lanes.url, {
        file: 'open-release-candidate.yml',
        name: 'open-release-candidate',
        sha: SHA,
        at: '2026-04-01T08:00:00Z',
        branch: 'v2.2.0',
        jobs: ['change summary', 'freeze window', 'rollback target exists'].map((name) => ({ name })),
      });
      await h.settle();
    });
    after(async () => {
      await h.close();
    });

    it('PL-08 is dispatched and Lanes approves its deployment', async () => {
      assert.equal(
        (await h.api('hana', 'POST', '/api/v1/releases', { version: 'v2.2.0', sha: SHA })).status,
        201,
      );
      for (const [who, gate] of [
        ['ivan', 'RG-07'],
        ['dmitri', 'RG-08'],
      ] as const)
        assert.equal(
          (await h.api(who, 'POST', `/api/v1/gates/${gate}/approve`, { release: 'rel-v2.2.0' })).status,
          200,
        );
      await h.settle();
      assert.equal(prodDispatches().length, 1);
      h.setNow('2026-04-01T09:31:00.000Z');
      runId = await sendRun(h.lanes.url, {
        file: PROD_FILE,
        name: 'release-prod-ops',
        sha: SHA,
        at: '2026-04-01T09:30:00Z',
        branch: 'v2.2.0',
        open: true,
      });
      await sendProtectionRequest(h.lanes.url, { runId, environment: 'prod-ops', sha: SHA, ref: 'v2.2.0' });
      await h.settle();
      const [review] = h.reviews().filter((r) => r.runId === runId);
      assert.equal(review?.state, 'approved', JSON.stringify(h.reviews()));
    });

    it('a reviewer rejects it in GitHub and the run fails: recorded as rejected, nothing fails', async () => {
      h.setNow('2026-04-01T09:40:00.000Z');
      await post(
        h.lanes.url,
        'deployment_review',
        reviewRejected({
          runId,
          sha: SHA,
          environment: 'prod-ops',
          at: '2026-04-01T09:39:00Z',
          login: 'olga',
        }),
      );
      // A redelivery (new delivery id, same review) changes nothing: the first answer stands.
      await post(
        h.lanes.url,
        'deployment_review',
        reviewRejected({
          runId,
          sha: SHA,
          environment: 'prod-ops',
          at: '2026-04-01T09:39:10Z',
          login: 'pavel',
        }),
      );
      await completeAsRejected(h.lanes.url, runId, '2026-04-01T09:39:30Z');
      await h.settle();
      assert.equal((await h.lanes.store.getRun(runId))?.conclusion, 'failure', 'GitHub failed the run');
      const reviews = await h.lanes.store.listDeploymentReviews({ runId });
      assert.deepEqual(
        reviews.map((r) => [r.state, r.reviewer, r.environment]),
        [['rejected', 'olga', 'prod-ops']],
      );
      const rel = await h.lanes.store.getRelease('rel-v2.2.0');
      assert.notEqual(rel?.state, 'failed');
      const state = await h.lanes.engine.loadState(rel ?? assert.fail('no release'));
      assert.deepEqual(state.rejectedRuns, { 'PL-08': [runId] });
      assert.deepEqual(state.reviewerRejectedLanes, ['PL-08']);
      assert.notEqual(state.laneRuns['PL-08']?.status, 'failed');
      const view = (await h.api('ivan', 'GET', '/api/v1/releases/rel-v2.2.0')).body as {
        lanes?: { id: string; status: string }[];
        rejectedRuns?: { lane: string; runIds: number[] }[];
        nextFreezes?: { window: string; lanes: string[]; start: string; end: string }[];
      };
      assert.deepEqual(view.rejectedRuns, [{ lane: 'PL-08', runIds: [runId] }]);
      assert.deepEqual(
        view.nextFreezes?.map((f) => [f.window, f.lanes.includes('PL-08'), f.start, f.end]),
        [['friday-evening', true, '2026-04-03T17:00:00.000Z', '2026-04-06T08:00:00.000Z']],
        'the release page shows the freeze ahead of its remaining lanes',
      );
      await h.lanes.engine.reevaluateAll('test: again');
      await h.settle();
      assert.equal(prodDispatches().length, 1, 'Lanes does not ask the reviewer again by itself');
    });

    it('a promote starts exactly one new PL-08 run', async () => {
      const ok = await h.api('ivan', 'POST', '/api/v1/releases/rel-v2.2.0/promote', {});
      assert.equal(ok.status, 202, JSON.stringify(ok.body));
      await h.settle();
      assert.equal(prodDispatches().length, 2, JSON.stringify(prodDispatches()));
      await h.api('ivan', 'POST', '/api/v1/releases/rel-v2.2.0/promote', {});
      await h.lanes.engine.reevaluateAll('test: after promote');
      await h.settle();
      assert.equal(prodDispatches().length, 2, 'a repeat does not dispatch again');
    });

    it('no lane_failed alert was ever raised', async () => {
      const all = [
        ...(await h.lanes.store.listAlerts({ status: 'live', limit: 100 })),
        ...(await h.lanes.store.listAlerts({ status: 'resolved', limit: 100 })),
      ];
      assert.deepEqual(
        all.filter((a) => a.rule === 'lane_failed').map((a) => a.key),
        [],
      );
    });
  });
}

// A deployment rejected during a freeze (issue 15), end to end on both stores with an injectable clock:
// PL-08 is dispatched before the Friday freeze, its run asks for the prod-ops environment inside the
// freeze, Lanes rejects it, and GitHub completes the run as a failure (its deploy job failed without a
// runner or steps, as GitHub reports a rejected deployment). The run is recorded as rejected: no
// lane_failed alert, the release is not failed, and then either a permitted override or the end of the
// window starts exactly one new PL-08 run.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { STORE_KINDS } from './helpers/lanes-harness.ts';
import {
  sendGreenStaging,
  sendProtectionRequest,
  sendRejectedRun,
  sendRun,
} from './helpers/github-events.ts';
import { releaseHarness, type ReleaseHarness } from './helpers/release-harness.ts';

const SHA = 'c0ffee00000000000000000000000000000000f1';
const FRIDAY_NOON = '2026-04-03T12:00:00.000Z';
const IN_FREEZE = '2026-04-03T17:05:00.000Z'; // friday-evening: Fri 17:00 for 63h
const AFTER_FREEZE = '2026-04-06T08:01:00.000Z';
const PROD_FILE = 'release-prod-ops.yml';

/** GitHub's deliveries for a run whose deployment was rejected (helpers/github-events.ts). */
const completeAsRejected = (url: string, runId: number, at: string): Promise<void> =>
  sendRejectedRun(url, {
    runId,
    sha: SHA,
    branch: 'v2.1.0',
    startedAt: '2026-04-03T17:04:00Z',
    at,
    file: PROD_FILE,
  });

for (const kind of STORE_KINDS) {
  for (const resume of ['override', 'window end'] as const) {
    describe(`a deployment rejected in a freeze is not a failure; ${resume} starts one new run (${kind})`, () => {
      let h: ReleaseHarness;
      const prodDispatches = () => h.dispatches().filter((d) => d.file === PROD_FILE);
      before(async () => {
        h = await releaseHarness(kind, FRIDAY_NOON);
        await sendGreenStaging(h.lanes.url, SHA, '2026-04-03T10:00:00Z');
        await sendRun(h.lanes.url, {
          file: 'open-release-candidate.yml',
          name: 'open-release-candidate',
          sha: SHA,
          at: '2026-04-03T11:00:00Z',
          branch: 'v2.1.0',
          jobs: ['change summary', 'freeze window', 'rollback target exists'].map((name) => ({ name })),
        });
        await h.settle();
      });
      after(async () => {
        await h.close();
      });

      it('PL-08 is dispatched before the freeze, its deployment is rejected inside it', async () => {
        assert.equal(
          (await h.api('hana', 'POST', '/api/v1/releases', { version: 'v2.1.0', sha: SHA })).status,
          201,
        );
        assert.equal(
          (await h.api('ivan', 'POST', '/api/v1/gates/RG-07/approve', { release: 'rel-v2.1.0' })).status,
          200,
        );
        assert.equal(
          (await h.api('dmitri', 'POST', '/api/v1/gates/RG-08/approve', { release: 'rel-v2.1.0' })).status,
          200,
        );
        assert.equal(prodDispatches().length, 1, 'dispatched at noon, before the freeze');

        h.setNow(IN_FREEZE);
        const runId = await sendRun(h.lanes.url, {
          file: PROD_FILE,
          name: 'release-prod-ops',
          sha: SHA,
          at: '2026-04-03T17:04:00Z',
          branch: 'v2.1.0',
          open: true,
        });
        await sendProtectionRequest(h.lanes.url, { runId, environment: 'prod-ops', sha: SHA, ref: 'v2.1.0' });
        await h.settle();
        const [review] = h.reviews().filter((r) => r.runId === runId);
        assert.equal(review?.state, 'rejected', JSON.stringify(h.reviews()));
        assert.match(review?.comment ?? '', /freeze/i);

        await completeAsRejected(h.lanes.url, runId, '2026-04-03T17:06:00Z');
        await h.settle();
        assert.equal((await h.lanes.store.getRun(runId))?.conclusion, 'failure', 'GitHub failed the run');

        const alerts = await h.lanes.store.listAlerts({ status: 'live', limit: 100 });
        assert.deepEqual(
          alerts.filter((a) => a.rule === 'lane_failed').map((a) => a.key),
          [],
        );
        const rel = await h.lanes.store.getRelease('rel-v2.1.0');
        assert.notEqual(rel?.state, 'failed');
        const state = await h.lanes.engine.loadState(rel ?? assert.fail('no release'));
        assert.deepEqual(state.rejectedRuns, { 'PL-08': [runId] });
        assert.notEqual(state.laneRuns['PL-08']?.status, 'failed');
        assert.equal(prodDispatches().length, 1, 'nothing new while frozen');
      });

      if (resume === 'override') {
        it('a permitted override starts exactly one new PL-08 run', async () => {
          const plain = await h.api('ivan', 'POST', '/api/v1/releases/rel-v2.1.0/promote', {});
          assert.equal(plain.status, 409);
          assert.equal(
            (plain.body.error as { code: string }).code,
            'frozen',
            'held by the freeze, not "PL-08 failed"',
          );
          const refusals = (
            await h.lanes.store.listAudit({ objectType: 'release', objectId: 'rel-v2.1.0' })
          ).filter((e) => e.action === 'release.promote_refused');
          assert.equal(refusals.length, 1, 'the refusal for the freeze is audited');
          assert.match(refusals[0]?.actor ?? '', /^ivan/);
          assert.equal((refusals[0]?.data as { code?: string }).code, 'frozen');
          const ok = await h.api('admin:ivan', 'POST', '/api/v1/releases/rel-v2.1.0/promote', {
            override: { reason: 'customer hotfix agreed with on-call' },
          });
          assert.equal(ok.status, 202, JSON.stringify(ok.body));
          await h.settle();
          assert.equal(prodDispatches().length, 2, JSON.stringify(prodDispatches()));
          const view = (await h.api('ivan', 'GET', '/api/v1/releases/rel-v2.1.0')).body as {
            overrides?: { lane: string; by: string; expiresAt: string | null }[];
            rejectedRuns?: { lane: string; runIds: number[] }[];
          };
          assert.deepEqual(
            view.overrides?.map((o) => [o.lane, o.by, o.expiresAt]),
            [['PL-08', 'ivan', '2026-04-06T08:00:00.000Z']],
            'the override is shown with the end of the window',
          );
          assert.deepEqual(
            view.rejectedRuns?.map((r) => r.lane),
            ['PL-08'],
          );
          await h.api('admin:ivan', 'POST', '/api/v1/releases/rel-v2.1.0/promote', {
            override: { reason: 'again' },
          });
          await h.settle();
          assert.equal(prodDispatches().length, 2, 'a repeat does not dispatch again');
        });
      } else {
        it('at the end of the window PL-08 starts by itself, exactly once', async () => {
          h.setNow(AFTER_FREEZE);
          await h.lanes.engine.reevaluateAll('test: window ended');
          await h.settle();
          await h.lanes.engine.reevaluateAll('test: again');
          await h.settle();
          assert.equal(prodDispatches().length, 2, JSON.stringify(prodDispatches()));
        });
      }

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
}

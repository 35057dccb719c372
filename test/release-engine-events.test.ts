// The release engine under the events real teams produce (issue 11), end to end against the local GitHub
// stand-in with signed webhooks, on both stores: a re-run asks for protection again and gets its own
// answer while the incident stays one alert; promote with nothing new to send is a 409 with the reason;
// a deploy around Lanes (no release for the commit) is rejected with one alert; a second release on the
// same commit posts no duplicate commit status and raises no second alert.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { STORE_KINDS, sendDelivery, workflowRunPayload } from './helpers/lanes-harness.ts';
import { releaseHarness, type ReleaseHarness } from './helpers/release-harness.ts';
import { sendGreenStaging, sendProtectionRequest, sendRun } from './helpers/github-events.ts';

const SHA = 'c0ffee0000000000000000000000000000000011';
const STRAY = 'c0ffee0000000000000000000000000000000012';

interface H extends ReleaseHarness {
  /** The protection answers GitHub received for one run. */
  reviewsOf(runId: number): { state: string; comment: string }[];
  alerts(): Promise<{ key: string; count: number; rule: string; status: string }[]>;
}

async function harness(kind: (typeof STORE_KINDS)[number], start: string): Promise<H> {
  const h = await releaseHarness(kind, start);
  return Object.assign(h, {
    reviewsOf: (runId: number) =>
      h
        .reviews()
        .filter((r) => r.runId === runId)
        .map(({ state, comment }) => ({ state, comment })),
    alerts: async () =>
      (await h.api('elena', 'GET', '/api/v1/alerts')).body.alerts as {
        key: string;
        count: number;
        rule: string;
        status: string;
      }[],
  });
}

/** One attempt of a prod-ops run, as GitHub reports a re-run: same run id, next attempt. */
async function sendAttempt(
  url: string,
  runId: number,
  attempt: number,
  status: string,
  conclusion: string | null,
  at: string,
) {
  const p = workflowRunPayload({
    runId,
    workflowFile: 'release-prod-ops.yml',
    workflowName: 'release-prod-ops',
    status,
    conclusion,
    startedAt: at,
    updatedAt: at,
    attempt,
    event: 'workflow_dispatch',
    sha: SHA,
    branch: 'v3.0.0',
  });
  const r = await sendDelivery(url, 'workflow_run', p);
  assert.equal(r.status, 202);
}

for (const kind of STORE_KINDS) {
  describe(`release engine under real events (${kind})`, () => {
    let h: H;
    let prodRun = 0;
    before(async () => {
      h = await harness(kind, '2026-04-01T08:00:00.000Z');
      await sendGreenStaging(h.lanes.url, SHA, '2026-04-01T07:00:00Z');
      await h.settle();
    });
    after(async () => {
      await h.close();
    });

    it('promote before the opening lane ran answers 409 with the reason; dispatches carry effect_id', async () => {
      const created = await h.api('hana', 'POST', '/api/v1/releases', { version: 'v3.0.0', sha: SHA });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const promote = await h.api('hana', 'POST', '/api/v1/releases/rel-v3.0.0/promote', {});
      assert.equal(promote.status, 409, JSON.stringify(promote.body));
      assert.match((promote.body.error as { message: string }).message, /already dispatched.*waiting/);
      const dispatches = h.github.calls.filter((c) => c.path.endsWith('/dispatches'));
      assert.equal(dispatches.length, 1, 'promote sent nothing more');
      const inputs = (dispatches[0]?.json as { inputs: Record<string, string> }).inputs;
      assert.equal(inputs.effect_id, 'dispatch:rel-v3.0.0:PL-06');
    });

    it('a re-run asks again and gets its own answer; the incident stays one alert across attempts', async () => {
      await sendRun(h.lanes.url, {
        file: 'open-release-candidate.yml',
        name: 'open-release-candidate',
        sha: SHA,
        at: '2026-04-01T08:01:00Z',
        branch: 'v3.0.0',
        jobs: ['change summary', 'freeze window', 'rollback target exists'].map((name) => ({ name })),
      });
      await h.settle();
      assert.equal(
        (await h.api('ivan', 'POST', '/api/v1/gates/RG-07/approve', { release: 'rel-v3.0.0' })).status,
        200,
      );
      assert.equal(
        (await h.api('dmitri', 'POST', '/api/v1/gates/RG-08/approve', { release: 'rel-v3.0.0' })).status,
        200,
      );
      prodRun = await sendRun(h.lanes.url, {
        file: 'release-prod-ops.yml',
        name: 'release-prod-ops',
        sha: SHA,
        at: '2026-04-01T08:10:00Z',
        branch: 'v3.0.0',
        open: true,
      });
      h.setNow('2026-04-01T08:10:05.000Z');
      await sendProtectionRequest(h.lanes.url, {
        runId: prodRun,
        environment: 'prod-ops',
        sha: SHA,
        ref: 'v3.0.0',
      });
      await h.settle();
      assert.deepEqual(
        h.reviewsOf(prodRun).map((r) => r.state),
        ['approved'],
      );

      await sendAttempt(h.lanes.url, prodRun, 1, 'completed', 'failure', '2026-04-01T08:15:00Z');
      h.setNow('2026-04-01T08:16:00.000Z');
      await h.settle();
      let alerts = await h.alerts();
      assert.deepEqual(
        alerts.map((a) => [a.key, a.count]),
        [['lane_failed:rel-v3.0.0:PL-08', 1]],
      );
      assert.equal((await h.lanes.store.getRelease('rel-v3.0.0'))?.state, 'failed');

      // Re-run: attempt 2 queued; it asks for a new review.
      await sendAttempt(h.lanes.url, prodRun, 2, 'in_progress', null, '2026-04-01T08:20:00Z');
      h.setNow('2026-04-01T08:20:05.000Z');
      await sendProtectionRequest(h.lanes.url, {
        runId: prodRun,
        environment: 'prod-ops',
        sha: SHA,
        ref: 'v3.0.0',
      });
      await h.settle();
      assert.equal(h.reviewsOf(prodRun).length, 2, 'the second attempt got exactly one answer of its own');
      alerts = await h.alerts();
      assert.equal(alerts.length, 1, 'queueing the re-run did not resolve the alert');
      assert.equal(alerts[0]?.status, 'open');
      assert.equal(
        (await h.lanes.store.getRelease('rel-v3.0.0'))?.state,
        'promoting',
        'failed is recoverable',
      );

      await sendAttempt(h.lanes.url, prodRun, 2, 'completed', 'failure', '2026-04-01T08:25:00Z');
      h.setNow('2026-04-01T08:26:00.000Z');
      await h.settle();
      alerts = await h.alerts();
      assert.deepEqual(
        alerts.map((a) => [a.key, a.count]),
        [['lane_failed:rel-v3.0.0:PL-08', 2]],
      );
      await h.settle();
      assert.equal(h.reviewsOf(prodRun).length, 2, 'no extra answer on re-evaluation');
    });

    it('a second release on the same commit posts no duplicate status and raises no second alert', async () => {
      const created = await h.api('hana', 'POST', '/api/v1/releases', { version: 'v3.0.1', sha: SHA });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      await h.settle();
      const posted = h.github.calls
        .filter((c) => c.method === 'POST' && /\/statuses\//.test(c.path))
        .map((c) => c.json as { context: string; state: string });
      const seen = new Map<string, number>();
      for (const s of posted)
        seen.set(`${s.context}=${s.state}`, (seen.get(`${s.context}=${s.state}`) ?? 0) + 1);
      assert.deepEqual(
        [...seen].filter(([, n]) => n > 1),
        [],
        'one status per gate and state per commit',
      );
      const alerts = await h.alerts();
      assert.equal(alerts.length, 1, JSON.stringify(alerts));
    });

    it('a protection request for a commit without a release is rejected with the reason and one alert', async () => {
      const stray = await sendRun(h.lanes.url, {
        file: 'release-prod-ops.yml',
        name: 'release-prod-ops',
        sha: STRAY,
        at: '2026-04-01T09:00:00Z',
        branch: 'main',
        open: true,
      });
      h.setNow('2026-04-01T09:00:05.000Z');
      await sendProtectionRequest(h.lanes.url, {
        runId: stray,
        environment: 'prod-ops',
        sha: STRAY,
        ref: 'main',
      });
      await h.settle();
      const first = h.reviewsOf(stray);
      assert.deepEqual(
        first.map((r) => r.state),
        ['rejected'],
      );
      assert.match(first[0]?.comment ?? '', /no release covers this commit/);
      // The same run re-run asks again: rejected again (one answer per request), still one alert.
      h.setNow('2026-04-01T09:05:00.000Z');
      await sendProtectionRequest(h.lanes.url, {
        runId: stray,
        environment: 'prod-ops',
        sha: STRAY,
        ref: 'main',
      });
      await h.settle();
      assert.deepEqual(
        h.reviewsOf(stray).map((r) => r.state),
        ['rejected', 'rejected'],
      );
      const unsanctioned = (await h.alerts()).filter((a) => a.rule === 'unsanctioned_change');
      assert.deepEqual(
        unsanctioned.map((a) => [a.key, a.count]),
        [[`unsanctioned_change:${stray}`, 1]],
      );
    });
  });
}

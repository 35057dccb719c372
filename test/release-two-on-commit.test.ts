// Several releases on one commit each own their own runs (issue 11, point 4), end to end against the local
// GitHub stand-in with signed webhooks, on both stores. A run dispatched for v4.0.0 (its tag as ref) is
// v4.0.0's: its protection request is answered by v4.0.0's gates with a comment naming v4.0.0, even after
// v4.0.1 was cut on the same commit; v4.0.1 borrows none of it (not its green, not its failure), opens its
// own candidate and is dispatched on its own tag. Staging runs on the commit count for both. One status per
// gate per commit, one alert per incident, naming the release it is about.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_ACTIONS, DEMO_HISTORY, demoClock, loadDemo, readDemoActions } from '../src/cli/demo-loader.ts';
import { issueToken } from '../src/http/auth.ts';
import type { LanesProcess } from '../src/server.ts';
import { SECRET, STORE_KINDS, startTestLanes } from './helpers/lanes-harness.ts';
import { releaseHarness, type ReleaseHarness } from './helpers/release-harness.ts';
import { sendGreenStaging, sendProtectionRequest, sendRun } from './helpers/github-events.ts';

const SHA = 'c0ffee0000000000000000000000000000000021';
const SHA2 = 'c0ffee0000000000000000000000000000000022';
const CANDIDATE_JOBS = ['change summary', 'freeze window', 'rollback target exists'].map((name) => ({
  name,
}));

interface LaneView {
  id: string;
  status: string;
  runId: number | null;
}

async function release(h: ReleaseHarness, id: string): Promise<{ state: string; lanes: LaneView[] }> {
  const r = await h.api('ivan', 'GET', `/api/v1/releases/${id}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body as unknown as { state: string; lanes: LaneView[] };
}

const laneOf = (r: { lanes: LaneView[] }, id: string) => r.lanes.find((l) => l.id === id);

async function approve(h: ReleaseHarness, releaseId: string): Promise<void> {
  for (const [who, gate] of [
    ['ivan', 'RG-07'],
    ['dmitri', 'RG-08'],
  ] as const) {
    const r = await h.api(who, 'POST', `/api/v1/gates/${gate}/approve`, { release: releaseId });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
}

function statusDuplicates(h: ReleaseHarness): string[] {
  const posted = h.github.calls
    .filter((c) => c.method === 'POST' && /\/statuses\//.test(c.path))
    .map((c) => {
      const j = c.json as { context: string; state: string };
      return `${c.path.split('/').at(-1) ?? ''}:${j.context}=${j.state}`;
    });
  return posted.filter((s, i) => posted.indexOf(s) !== i);
}

async function alerts(h: ReleaseHarness) {
  return (await h.api('elena', 'GET', '/api/v1/alerts')).body.alerts as {
    key: string;
    count: number;
    title: string;
    status: string;
  }[];
}

for (const kind of STORE_KINDS) {
  describe(`two releases on one commit (${kind})`, () => {
    let h: ReleaseHarness;
    let prodA = 0;
    before(async () => {
      h = await releaseHarness(kind, '2026-05-01T08:00:00.000Z');
      await sendGreenStaging(h.lanes.url, SHA, '2026-05-01T07:00:00Z');
      await sendGreenStaging(h.lanes.url, SHA2, '2026-05-01T07:10:00Z');
      await h.settle();
    });
    after(async () => {
      await h.close();
    });

    it('a second release cut while the first is being deployed opens its own candidate and borrows nothing', async () => {
      assert.equal(
        (await h.api('hana', 'POST', '/api/v1/releases', { version: 'v4.0.0', sha: SHA })).status,
        201,
      );
      await sendRun(h.lanes.url, {
        file: 'open-release-candidate.yml',
        name: 'open-release-candidate',
        sha: SHA,
        at: '2026-05-01T08:01:00Z',
        branch: 'v4.0.0',
        environment: 'release-journal',
        jobs: CANDIDATE_JOBS,
      });
      h.setNow('2026-05-01T08:03:00.000Z');
      await h.settle();
      await approve(h, 'rel-v4.0.0');
      assert.deepEqual(
        h.dispatches().map((d) => [d.file, d.ref, d.inputs.release, d.inputs.effect_id]),
        [
          ['open-release-candidate.yml', 'v4.0.0', 'rel-v4.0.0', 'dispatch:rel-v4.0.0:PL-06'],
          ['release-prod-ops.yml', 'v4.0.0', 'rel-v4.0.0', 'dispatch:rel-v4.0.0:PL-08'],
        ],
      );

      h.setNow('2026-05-01T08:05:00.000Z');
      const b = await h.api('hana', 'POST', '/api/v1/releases', { version: 'v4.0.1', sha: SHA });
      assert.equal(b.status, 201, JSON.stringify(b.body));
      assert.notEqual(b.body.state, 'failed');
      const dispatched = h.dispatches().at(-1);
      assert.deepEqual(
        [dispatched?.file, dispatched?.ref, dispatched?.inputs.release, dispatched?.inputs.effect_id],
        ['open-release-candidate.yml', 'v4.0.1', 'rel-v4.0.1', 'dispatch:rel-v4.0.1:PL-06'],
        'the second release opens its own candidate',
      );
      const B = await release(h, 'rel-v4.0.1');
      assert.notEqual(laneOf(B, 'PL-06')?.status, 'green', "v4.0.0's candidate run is not v4.0.1's");
      assert.equal(laneOf(B, 'PL-04')?.status, 'green', 'the staging runs on the commit count for both');
      const A = await release(h, 'rel-v4.0.0');
      assert.equal(laneOf(A, 'PL-06')?.status, 'green');
    });

    it("the first release's production run is answered by its own gates, naming it", async () => {
      prodA = await sendRun(h.lanes.url, {
        file: 'release-prod-ops.yml',
        name: 'release-prod-ops',
        sha: SHA,
        at: '2026-05-01T08:06:00Z',
        branch: 'v4.0.0',
        environment: 'prod-ops',
        open: true,
      });
      h.setNow('2026-05-01T08:06:05.000Z');
      await sendProtectionRequest(h.lanes.url, {
        runId: prodA,
        environment: 'prod-ops',
        sha: SHA,
        ref: 'v4.0.0',
      });
      await h.settle();
      const answers = h.reviews().filter((r) => r.runId === prodA);
      assert.deepEqual(
        answers.map((r) => r.state),
        ['approved'],
      );
      assert.match(answers[0]?.comment ?? '', /v4\.0\.0/);
      assert.doesNotMatch(answers[0]?.comment ?? '', /v4\.0\.1/);

      // Its run started: promote does not claim it is still waiting for it; v4.0.1 waits for its own candidate.
      const pa = await h.api('hana', 'POST', '/api/v1/releases/rel-v4.0.0/promote', {});
      assert.equal(pa.status, 409, JSON.stringify(pa.body));
      assert.match(JSON.stringify(pa.body), /PL-08 is running/);
      const pb = await h.api('hana', 'POST', '/api/v1/releases/rel-v4.0.1/promote', {});
      assert.equal(pb.status, 409, JSON.stringify(pb.body));
      assert.match(JSON.stringify(pb.body), /PL-06 was already dispatched for v4\.0\.1/);
    });

    it("the second release goes its own way on its own tag; no second answer for the first one's run", async () => {
      await sendRun(h.lanes.url, {
        file: 'open-release-candidate.yml',
        name: 'open-release-candidate',
        sha: SHA,
        at: '2026-05-01T08:07:00Z',
        branch: 'v4.0.1',
        environment: 'release-journal',
        jobs: CANDIDATE_JOBS,
      });
      h.setNow('2026-05-01T08:08:00.000Z');
      await h.settle();
      await approve(h, 'rel-v4.0.1');
      assert.equal(h.reviews().filter((r) => r.runId === prodA).length, 1, 'one answer per request');
      assert.deepEqual(
        h.dispatches().map((d) => `${d.file}@${d.ref}:${d.inputs.release}`),
        [
          'open-release-candidate.yml@v4.0.0:rel-v4.0.0',
          'release-prod-ops.yml@v4.0.0:rel-v4.0.0',
          'open-release-candidate.yml@v4.0.1:rel-v4.0.1',
          'release-prod-ops.yml@v4.0.1:rel-v4.0.1',
        ],
      );
      assert.deepEqual(statusDuplicates(h), [], 'one status per gate and state per commit');
    });

    it("the first release's failed deploy is its incident alone: one alert naming it, the second not failed", async () => {
      await sendRun(h.lanes.url, {
        file: 'release-prod-ops.yml',
        name: 'release-prod-ops',
        sha: SHA,
        at: '2026-05-01T08:06:00Z',
        branch: 'v4.0.0',
        environment: 'prod-ops',
        runId: prodA,
        conclusion: 'failure',
      });
      h.setNow('2026-05-01T08:12:00.000Z');
      await h.settle();
      assert.equal((await release(h, 'rel-v4.0.0')).state, 'failed');
      const B = await release(h, 'rel-v4.0.1');
      assert.notEqual(B.state, 'failed');
      assert.notEqual(laneOf(B, 'PL-08')?.runId, prodA);
      const live = (await alerts(h)).filter((a) => a.status !== 'resolved');
      assert.deepEqual(
        live.map((a) => [a.key, a.count]),
        [['lane_failed:rel-v4.0.0:PL-08', 1]],
      );
      assert.match(live[0]?.title ?? '', /\(v4\.0\.0\)/);
      assert.deepEqual(statusDuplicates(h), []);
    });

    it('a release cut on the commit of a deployed one is not deployed (nor failed) from birth', async () => {
      h.setNow('2026-05-01T09:00:00.000Z');
      assert.equal(
        (await h.api('hana', 'POST', '/api/v1/releases', { version: 'v5.0.0', sha: SHA2 })).status,
        201,
      );
      await sendRun(h.lanes.url, {
        file: 'open-release-candidate.yml',
        name: 'open-release-candidate',
        sha: SHA2,
        at: '2026-05-01T09:01:00Z',
        branch: 'v5.0.0',
        environment: 'release-journal',
        jobs: CANDIDATE_JOBS,
      });
      h.setNow('2026-05-01T09:02:00.000Z');
      await h.settle();
      await approve(h, 'rel-v5.0.0');
      const prod = await sendRun(h.lanes.url, {
        file: 'release-prod-ops.yml',
        name: 'release-prod-ops',
        sha: SHA2,
        at: '2026-05-01T09:03:00Z',
        branch: 'v5.0.0',
        environment: 'prod-ops',
      });
      h.setNow('2026-05-01T09:10:00.000Z');
      await h.settle();
      assert.equal(laneOf(await release(h, 'rel-v5.0.0'), 'PL-08')?.runId, prod);

      const before = h.dispatches().length;
      const c = await h.api('hana', 'POST', '/api/v1/releases', { version: 'v5.0.1', sha: SHA2 });
      assert.equal(c.status, 201, JSON.stringify(c.body));
      const C = await release(h, 'rel-v5.0.1');
      assert.ok(!['failed', 'deployed'].includes(C.state), C.state);
      assert.equal(laneOf(C, 'PL-08')?.status ?? 'idle', 'idle', "v5.0.0's deploy is not v5.0.1's");
      assert.deepEqual(
        h
          .dispatches()
          .slice(before)
          .map((d) => `${d.file}@${d.ref}:${d.inputs.release}`),
        ['open-release-candidate.yml@v5.0.1:rel-v5.0.1'],
      );
      const audit = (await h.lanes.store.listAudit({ limit: 1000 })).filter(
        (e) => e.objectType === 'release' && e.objectId === 'rel-v5.0.1',
      );
      assert.deepEqual(
        audit.filter((e) => /^release\.(failed|deployed)$/.test(e.action)).map((e) => e.action),
        [],
      );
    });
  });
}

describe('two releases on one commit: the demo', () => {
  let lanes: LanesProcess;
  before(async () => {
    const clock = demoClock(readDemoActions(DEMO_ACTIONS).now);
    lanes = await startTestLanes('sqlite', {}, { clock });
    const res = await loadDemo(lanes, SECRET, { clock, history: DEMO_HISTORY, actions: DEMO_ACTIONS });
    assert.equal(res.replay.failed.length, 0);
  });
  after(async () => {
    await lanes?.close();
  });

  it("a release cut on v1.4.0's commit borrows none of v1.4.0's runs and is not failed from birth", async () => {
    const { token } = await issueToken(lanes.store, {
      personId: 'hana',
      name: 'test',
      scope: 'operate',
      now: new Date(readDemoActions(DEMO_ACTIONS).now),
    });
    const call = async (method: string, path: string, body?: unknown) => {
      const r = await fetch(`${lanes.url}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    };
    const v140 = await lanes.store.getRelease('rel-v1.4.0');
    assert.ok(v140);
    const made = await call('POST', '/releases', { version: 'v9.9.9', sha: v140.sha });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const view = (await call('GET', '/releases/rel-v9.9.9')).body as unknown as {
      state: string;
      lanes: LaneView[];
    };
    assert.ok(!['failed', 'deployed'].includes(view.state), view.state);
    const runsOf140 = new Set(
      (await lanes.store.listRuns({ headSha: v140.sha, limit: 500 }))
        .filter((r) => r.headBranch === 'v1.4.0')
        .map((r) => r.runId),
    );
    assert.ok(runsOf140.size > 0);
    for (const l of view.lanes) assert.ok(l.runId === null || !runsOf140.has(l.runId), l.id);
    const audit = (await lanes.store.listAudit({ limit: 100_000 })).filter(
      (e) => e.objectType === 'release' && e.objectId === 'rel-v9.9.9',
    );
    assert.deepEqual(
      audit.filter((e) => e.action === 'release.failed'),
      [],
    );
    // Its production lane waits for its own approvals; the demo's candidate run was opened from main (not
    // on v1.4.0's tag): Lanes cannot tell whose it is, so it is the commit's and counts for both.
    assert.equal(laneOf(view, 'PL-08')?.status ?? 'idle', 'idle');
    const queued = await lanes.store.listOutbox({ releaseId: 'rel-v9.9.9', limit: 100 });
    assert.deepEqual(
      queued.map((e) => e.key).filter((k) => k.startsWith('dispatch:')),
      [],
    );
  });
});

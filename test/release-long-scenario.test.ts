// The long acceptance scenario of issue 11, end to end against the local GitHub stand-in with signed
// webhooks, on both stores. A baseline release ships and passes its post-deploy checks (the rollback target).
// Then one release goes from create to post-deploy through what real teams do: its production dispatch goes
// dead while GitHub fails and an admin re-sends it; its production run fails and is re-run (same run id,
// attempt 2, a new protection request answered exactly once); its pulse deploy fails after production, it is
// rolled back, the rollback workflow fails once and the rollback is re-issued; finally a second release is
// opened on the same commit (it opens its own candidate). Asserted throughout: what the stand-in received (count, order, payload), exactly
// one protection answer per (run, attempt, environment), and one alert per incident.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EffectView } from '../src/contract/views.ts';
import { STORE_KINDS, sendDelivery, workflowRunPayload } from './helpers/lanes-harness.ts';
import { sendGreenStaging, sendProtectionRequest, sendRun } from './helpers/github-events.ts';
import { releaseHarness, type ReleaseHarness } from './helpers/release-harness.ts';
import { compareResponder } from './helpers/fake-compare.ts';

// GitHub's compare for the change summary of each release (the commits between the two releases).
const compare = compareResponder([
  { sha: 'c0ffee0000000000000000000000000000000050', message: 'start', login: 'hana' },
  { sha: 'c0ffee0000000000000000000000000000000051', message: 'the baseline', login: 'hana' },
  { sha: 'c0ffee0000000000000000000000000000000052', message: 'the change', login: 'elena' },
]);

const BASE_SHA = 'c0ffee0000000000000000000000000000000051';
const SHA = 'c0ffee0000000000000000000000000000000052';
const T0 = '2026-04-06T08:00:00.000Z'; // a Monday: no freeze window all week

interface Alert {
  id: number;
  key: string;
  rule: string;
  count: number;
  status: string;
}

const plusMin = (iso: string, m: number) => new Date(Date.parse(iso) + m * 60_000).toISOString();

/** One attempt of a run as GitHub reports a re-run: same run id, the attempt number. */
async function sendAttempt(
  url: string,
  o: {
    runId: number;
    file: string;
    sha: string;
    ref: string;
    attempt: number;
    status: string;
    conclusion: string | null;
    at: string;
  },
): Promise<void> {
  const p = workflowRunPayload({
    runId: o.runId,
    workflowFile: o.file,
    workflowName: o.file.replace(/\.yml$/, ''),
    status: o.status,
    conclusion: o.conclusion,
    startedAt: o.at,
    updatedAt: o.at,
    attempt: o.attempt,
    event: 'workflow_dispatch',
    sha: o.sha,
    branch: o.ref,
  });
  const r = await sendDelivery(url, 'workflow_run', p);
  assert.equal(r.status, 202);
}

const OPEN_JOBS = ['change summary', 'freeze window', 'rollback target exists'].map((name) => ({ name }));
const OPS_JOBS = ['ops checklist', 'canary health', 'queue backlog threshold'].map((name) => ({ name }));
const PULSE_JOBS = ['15 min green after ops', 'feed freshness', 'workspace isolation'].map((name) => ({
  name,
}));
const VERIFY_JOBS = ['5xx', 'ws disconnect', 'queue lag', 'report success', 'alert duplication'].map(
  (name) => ({
    name,
  }),
);

for (const kind of STORE_KINDS) {
  describe(`the long release scenario (${kind})`, () => {
    let h: ReleaseHarness;
    let now = T0;
    const at = (m: number) => {
      now = plusMin(now, m);
      h.setNow(now);
      return now;
    };
    // The release's alerts: this week runs no rollback drill, so PL-12's weekly drill is (rightly) missed on
    // Monday evening; drills are the subject of time-drills.test.ts, not of this scenario.
    const alerts = async (all = false): Promise<Alert[]> =>
      ((await h.api('elena', 'GET', `/api/v1/alerts${all ? '?all=1' : ''}`)).body.alerts as Alert[]).filter(
        (a) => a.rule !== 'drill_missed',
      );
    const release = async (id: string) => (await h.api('elena', 'GET', `/api/v1/releases/${id}`)).body;
    const answers = (runId: number) => h.reviews().filter((r) => r.runId === runId);

    before(async () => {
      h = await releaseHarness(kind, T0);
      h.github.setResponder(compare);
      await sendGreenStaging(h.lanes.url, BASE_SHA, '2026-04-06T06:00:00Z');
      await sendGreenStaging(h.lanes.url, SHA, '2026-04-06T07:00:00Z');
      await h.settle();
    });
    after(async () => {
      await h.close();
    });

    /** Ships a release through production and its post-deploy checks (no failures). */
    async function ship(version: string, sha: string): Promise<void> {
      const id = `rel-${version}`;
      assert.equal((await h.api('hana', 'POST', '/api/v1/releases', { version, sha })).status, 201);
      await sendRun(h.lanes.url, {
        file: 'open-release-candidate.yml',
        name: 'open-release-candidate',
        sha,
        at: at(1),
        branch: version,
        jobs: OPEN_JOBS,
      });
      await h.settle();
      assert.equal((await h.api('ivan', 'POST', '/api/v1/gates/RG-07/approve', { release: id })).status, 200);
      assert.equal(
        (await h.api('dmitri', 'POST', '/api/v1/gates/RG-08/approve', { release: id })).status,
        200,
      );
      const ops = await sendRun(h.lanes.url, {
        file: 'release-prod-ops.yml',
        name: 'release-prod-ops',
        sha,
        at: at(1),
        branch: version,
        open: true,
      });
      await sendProtectionRequest(h.lanes.url, { runId: ops, environment: 'prod-ops', sha, ref: version });
      await h.settle();
      assert.deepEqual(
        answers(ops).map((a) => a.state),
        ['approved'],
      );
      await sendRun(h.lanes.url, {
        file: 'release-prod-ops.yml',
        name: 'release-prod-ops',
        sha,
        at: now,
        branch: version,
        runId: ops,
        jobs: OPS_JOBS,
      });
      await sendRun(h.lanes.url, {
        file: 'post-release-verify.yml',
        name: 'post-release-verify',
        sha,
        at: at(1),
        branch: version,
        environment: 'prod-ops',
        jobs: VERIFY_JOBS,
      });
      const pulse = await sendRun(h.lanes.url, {
        file: 'release-prod-pulse.yml',
        name: 'release-prod-pulse',
        sha,
        at: at(1),
        branch: version,
        open: true,
      });
      await sendProtectionRequest(h.lanes.url, {
        runId: pulse,
        environment: 'prod-pulse',
        sha,
        ref: version,
      });
      assert.equal(
        (await h.api('jonas', 'POST', '/api/v1/gates/RG-09/approve', { release: id })).status,
        200,
      );
      assert.equal(
        (await h.api('giulia', 'POST', '/api/v1/gates/RG-10/approve', { release: id })).status,
        200,
      );
      at(20);
      await h.settle(); // the 15 min hold after PL-08 ends
      assert.deepEqual(
        answers(pulse).map((a) => a.state),
        ['approved'],
      );
      await sendRun(h.lanes.url, {
        file: 'release-prod-pulse.yml',
        name: 'release-prod-pulse',
        sha,
        at: now,
        branch: version,
        runId: pulse,
        jobs: PULSE_JOBS,
      });
      assert.equal((await h.api('ivan', 'POST', '/api/v1/gates/RG-13/approve', { release: id })).status, 200);
      at(24 * 60 + 5);
      await h.settle(); // the 24 h window of RG-13
    }

    it('a baseline release ships and passes its post-deploy checks', async () => {
      await ship('v6.0.0', BASE_SHA);
      const r = await release('rel-v6.0.0');
      const gates = (r.gates as { id: string; state: string }[]).filter((g) =>
        ['RG-11', 'RG-12', 'RG-13'].includes(g.id),
      );
      assert.deepEqual(
        gates.map((g) => [g.id, g.state]),
        [
          ['RG-11', 'passed'],
          ['RG-12', 'passed'],
          ['RG-13', 'passed'],
        ],
        JSON.stringify(r),
      );
      assert.deepEqual(await alerts(), []);
      const rec = await h.lanes.store.getRelease('rel-v6.0.0');
      assert.ok((rec?.data as { verifiedAt?: string }).verifiedAt, JSON.stringify(rec));
    });

    const ID = 'rel-v6.1.0';
    const PROD_KEY = `dispatch:${ID}:PL-08`;
    let mark = 0; // dispatches the stand-in had received before the main release
    let opsRun = 0;
    let pulseRun = 0;
    let deadEffect: EffectView;

    it('the production dispatch goes dead while GitHub fails: one alert; promote sends nothing', async () => {
      mark = h.dispatches().length;
      assert.equal(
        (await h.api('hana', 'POST', '/api/v1/releases', { version: 'v6.1.0', sha: SHA })).status,
        201,
      );
      await sendRun(h.lanes.url, {
        file: 'open-release-candidate.yml',
        name: 'open-release-candidate',
        sha: SHA,
        at: at(1),
        branch: 'v6.1.0',
        jobs: OPEN_JOBS,
      });
      await h.settle();
      h.github.setResponder((c) =>
        c.path.endsWith('/release-prod-ops.yml/dispatches')
          ? { status: 503, body: { message: 'unavailable' } }
          : compare(c),
      );
      assert.equal((await h.api('ivan', 'POST', '/api/v1/gates/RG-07/approve', { release: ID })).status, 200);
      assert.equal(
        (await h.api('dmitri', 'POST', '/api/v1/gates/RG-08/approve', { release: ID })).status,
        200,
      );
      const dead = async () =>
        (await h.api('elena', 'GET', `/api/v1/effects?state=dead&release=${ID}`)).body
          .effects as EffectView[];
      for (let i = 0; i < 30 && (await dead()).length === 0; i++) {
        at(1);
        await h.settle();
      }
      const list = await dead();
      assert.deepEqual(
        list.map((e) => [e.key, e.attempts]),
        [[PROD_KEY, 8]],
      );
      deadEffect = list[0] as EffectView;
      const sent = h.dispatches().slice(mark);
      assert.deepEqual(
        sent.map((d) => d.file),
        ['open-release-candidate.yml', ...Array<string>(8).fill('release-prod-ops.yml')],
      );
      for (const d of sent.slice(1))
        assert.deepEqual([d.ref, d.inputs.effect_id, d.inputs.release], ['v6.1.0', PROD_KEY, ID]);
      assert.deepEqual(
        (await alerts()).map((a) => [a.key, a.count]),
        [[`effect_dead:${deadEffect.id}`, 1]],
      );

      const promote = await h.api('hana', 'POST', `/api/v1/releases/${ID}/promote`, {});
      assert.equal(promote.status, 409, 'the dispatch exists (dead): promote sends nothing and says so');
      assert.match((promote.body.error as { message: string }).message, new RegExp(PROD_KEY));
      assert.equal(h.dispatches().length, mark + 9);
    });

    it('an admin re-sends it: GitHub receives it exactly once more, same effect_id; the alert resolves', async () => {
      h.github.setResponder(compare);
      const retried = await h.api('admin:jonas', 'POST', `/api/v1/effects/${deadEffect.id}/retry`, {
        comment: 'GitHub is back',
      });
      assert.equal(retried.status, 202, JSON.stringify(retried.body));
      at(1);
      await h.settle();
      const sent = h.dispatches().slice(mark + 9);
      assert.deepEqual(
        sent.map((d) => [d.file, d.inputs.effect_id]),
        [['release-prod-ops.yml', PROD_KEY]],
      );
      assert.deepEqual(await alerts(), []);
    });

    it('the production run fails and is re-run: attempt 2 gets its own answer, once; one alert across attempts', async () => {
      opsRun = await sendRun(h.lanes.url, {
        file: 'release-prod-ops.yml',
        name: 'release-prod-ops',
        sha: SHA,
        at: at(1),
        branch: 'v6.1.0',
        open: true,
      });
      await sendProtectionRequest(h.lanes.url, {
        runId: opsRun,
        environment: 'prod-ops',
        sha: SHA,
        ref: 'v6.1.0',
      });
      await h.settle();
      assert.deepEqual(
        answers(opsRun).map((a) => a.state),
        ['approved'],
      );
      const attempt = (n: number, status: string, conclusion: string | null) =>
        sendAttempt(h.lanes.url, {
          runId: opsRun,
          file: 'release-prod-ops.yml',
          sha: SHA,
          ref: 'v6.1.0',
          attempt: n,
          status,
          conclusion,
          at: at(1),
        });
      await attempt(1, 'completed', 'failure');
      await h.settle();
      assert.deepEqual(
        (await alerts()).map((a) => [a.key, a.count, a.status]),
        [[`lane_failed:${ID}:PL-08`, 1, 'open']],
      );
      assert.equal((await release(ID)).state, 'failed');

      await attempt(2, 'in_progress', null);
      at(1);
      await sendProtectionRequest(h.lanes.url, {
        runId: opsRun,
        environment: 'prod-ops',
        sha: SHA,
        ref: 'v6.1.0',
      });
      await h.settle();
      at(1);
      await h.settle();
      assert.deepEqual(
        answers(opsRun).map((a) => a.state),
        ['approved', 'approved'],
        'one answer per attempt',
      );
      assert.deepEqual(
        (await alerts()).map((a) => [a.key, a.count, a.status]),
        [[`lane_failed:${ID}:PL-08`, 1, 'open']],
      );

      await attempt(2, 'completed', 'success');
      await h.settle();
      assert.deepEqual(await alerts(), [], 'the re-run succeeded: the incident is over');
      const all = (await alerts(true)).filter((a) => a.key === `lane_failed:${ID}:PL-08`);
      assert.deepEqual(
        all.map((a) => [a.count, a.status]),
        [[1, 'resolved']],
        'one alert for the incident',
      );
      assert.notEqual((await release(ID)).state, 'failed', 'failed is recoverable');
    });

    it('after production the pulse deploy fails: one alert', async () => {
      await sendRun(h.lanes.url, {
        file: 'post-release-verify.yml',
        name: 'post-release-verify',
        sha: SHA,
        at: at(1),
        branch: 'v6.1.0',
        environment: 'prod-ops',
        jobs: VERIFY_JOBS,
      });
      pulseRun = await sendRun(h.lanes.url, {
        file: 'release-prod-pulse.yml',
        name: 'release-prod-pulse',
        sha: SHA,
        at: at(1),
        branch: 'v6.1.0',
        open: true,
      });
      await sendProtectionRequest(h.lanes.url, {
        runId: pulseRun,
        environment: 'prod-pulse',
        sha: SHA,
        ref: 'v6.1.0',
      });
      assert.equal(
        (await h.api('jonas', 'POST', '/api/v1/gates/RG-09/approve', { release: ID })).status,
        200,
      );
      assert.equal(
        (await h.api('giulia', 'POST', '/api/v1/gates/RG-10/approve', { release: ID })).status,
        200,
      );
      at(20);
      await h.settle();
      assert.deepEqual(
        answers(pulseRun).map((a) => a.state),
        ['approved'],
      );
      await sendRun(h.lanes.url, {
        file: 'release-prod-pulse.yml',
        name: 'release-prod-pulse',
        sha: SHA,
        at: at(1),
        branch: 'v6.1.0',
        runId: pulseRun,
        conclusion: 'failure',
        jobs: [{ name: 'deploy', conclusion: 'failure' }],
      });
      await h.settle();
      at(1);
      await h.settle();
      assert.deepEqual(
        (await alerts()).map((a) => [a.key, a.count]),
        [[`lane_failed:${ID}:PL-09`, 1]],
      );
    });

    let rollbackMark = 0;
    it('it is rolled back to the baseline; the rollback workflow fails once and the re-issued rollback sends it again', async () => {
      rollbackMark = h.dispatches().length;
      const body = { reason: 'pulse deploy failed', incident: 'INC-61', owner: 'elena' };
      const first = await h.api('elena', 'POST', `/api/v1/releases/${ID}/rollback`, body);
      assert.equal(first.status, 202, JSON.stringify(first.body));
      const answer = first.body.answer as { did: string; effects: string[] };
      assert.equal(answer.did, 'dispatched');
      const sent = h.dispatches().slice(rollbackMark);
      assert.deepEqual(sent.map((d) => d.file).sort(), ['rollback-prod-ops.yml', 'rollback-prod-pulse.yml']);
      for (const d of sent) {
        assert.equal(d.inputs.target_release, 'rel-v6.0.0');
        assert.equal(d.inputs.target_version, 'v6.0.0');
        assert.equal(d.inputs.incident, 'INC-61');
        assert.ok(answer.effects.includes(d.inputs.effect_id ?? ''), 'each dispatch carries its effect id');
      }
      const twice = await h.api('elena', 'POST', `/api/v1/releases/${ID}/rollback`, body);
      assert.equal(twice.status, 202);
      assert.equal(
        (twice.body.answer as { did: string }).did,
        'waiting',
        'asked again while queued: nothing sent',
      );
      assert.equal(h.dispatches().length, rollbackMark + 2);

      const failedRollback = await sendRun(h.lanes.url, {
        file: 'rollback-prod-ops.yml',
        name: 'rollback-prod-ops',
        sha: SHA,
        at: at(1),
        branch: 'v6.1.0',
        environment: 'prod-ops',
        actor: 'elena',
        conclusion: 'failure',
        jobs: [{ name: 'rollback', conclusion: 'failure' }],
      });
      await h.settle();
      const again = await h.api('elena', 'POST', `/api/v1/releases/${ID}/rollback`, body);
      assert.equal(again.status, 202, JSON.stringify(again.body));
      const reissued = again.body.answer as { did: string; effects: string[] };
      assert.equal(reissued.did, 'dispatched');
      const resent = h.dispatches().slice(rollbackMark + 2);
      assert.deepEqual(
        resent.map((d) => d.file),
        ['rollback-prod-ops.yml'],
        'only the failed rollback lane again',
      );
      assert.match(resent[0]?.inputs.effect_id ?? '', new RegExp(`:after-${failedRollback}$`));
      assert.deepEqual(reissued.effects, [resent[0]?.inputs.effect_id]);

      await sendRun(h.lanes.url, {
        file: 'rollback-prod-ops.yml',
        name: 'rollback-prod-ops',
        sha: SHA,
        at: at(1),
        branch: 'v6.1.0',
        environment: 'prod-ops',
        actor: 'elena',
        jobs: [{ name: 'rollback' }],
      });
      await sendRun(h.lanes.url, {
        file: 'rollback-prod-pulse.yml',
        name: 'rollback-prod-pulse',
        sha: SHA,
        at: at(1),
        branch: 'v6.1.0',
        environment: 'prod-pulse',
        actor: 'elena',
        jobs: [{ name: 'rollback' }],
      });
      await h.settle();
      at(1);
      await h.settle();
      const r = await h.lanes.store.getRelease(ID);
      assert.equal(r?.state, 'rolled_back', JSON.stringify(r));
      assert.deepEqual(await alerts(), [], 'the rollback resolved the incident');
      const pulseAlerts = (await alerts(true)).filter((a) => a.key === `lane_failed:${ID}:PL-09`);
      assert.deepEqual(
        pulseAlerts.map((a) => [a.count, a.status]),
        [[1, 'resolved']],
      );
    });

    it('a second release on the same commit: no duplicate status, no new alert, no extra answer', async () => {
      const before = { dispatches: h.dispatches().length, reviews: h.reviews().length };
      const created = await h.api('hana', 'POST', '/api/v1/releases', { version: 'v6.1.1', sha: SHA });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      at(1);
      await h.settle();
      // The first release's candidate run (PL-06, on its tag) is not this one's: it opens its own.
      assert.deepEqual(
        h
          .dispatches()
          .slice(before.dispatches)
          .map((d) => [d.file, d.ref, d.inputs.release, d.inputs.effect_id]),
        [['open-release-candidate.yml', 'v6.1.1', 'rel-v6.1.1', 'dispatch:rel-v6.1.1:PL-06']],
      );
      assert.equal(h.reviews().length, before.reviews);
      const statuses = h.github.calls
        .filter((c) => c.method === 'POST' && c.path.endsWith(`/statuses/${SHA}`))
        .map((c) => c.json as { context: string; state: string });
      const seen = new Map<string, number>();
      for (const st of statuses)
        seen.set(`${st.context}=${st.state}`, (seen.get(`${st.context}=${st.state}`) ?? 0) + 1);
      assert.deepEqual(
        [...seen].filter(([, n]) => n > 1),
        [],
        'one status per gate and state per commit',
      );
      assert.deepEqual(await alerts(), []);
    });

    it('over the whole scenario: one answer per (run, attempt, environment), one alert per incident', async () => {
      const perRun = new Map<number, string[]>();
      for (const r of h.reviews()) perRun.set(r.runId, [...(perRun.get(r.runId) ?? []), r.state]);
      assert.deepEqual(
        perRun.get(opsRun),
        ['approved', 'approved'],
        'attempts 1 and 2 of the production run',
      );
      assert.deepEqual(perRun.get(pulseRun), ['approved']);
      assert.equal(h.reviews().length, 5, 'baseline ops + pulse, main ops ×2 attempts + pulse');
      const all = await alerts(true);
      const keys = all.map((a) => a.key).sort();
      assert.deepEqual(keys, [...new Set(keys)], 'one alert per incident');
      assert.ok(
        all.every((a) => a.status === 'resolved'),
        JSON.stringify(all),
      );
      assert.deepEqual(
        all
          .filter((a) => a.key.startsWith(`lane_failed:${ID}`) || a.key.startsWith('effect_dead'))
          .map((a) => [a.key.replace(/:\d+$/, ':N'), a.count])
          .sort(),
        [
          ['effect_dead:N', 1],
          [`lane_failed:${ID}:PL-08`, 1],
          [`lane_failed:${ID}:PL-09`, 1],
          [`lane_failed:${ID}:PL-11`, 1], // the rollback workflow that failed once
        ],
      );
      // What the stand-in received for the main release, in order (the rollback lanes go out together).
      const main = h
        .dispatches()
        .slice(mark)
        .map((d) => d.file);
      assert.deepEqual(main.slice(0, 10), [
        'open-release-candidate.yml',
        ...Array<string>(9).fill('release-prod-ops.yml'),
      ]);
      assert.deepEqual(main.slice(10, 12).sort(), ['rollback-prod-ops.yml', 'rollback-prod-pulse.yml']);
      // Then the re-issued rollback, and the second release's own candidate.
      assert.deepEqual(main.slice(12), ['rollback-prod-ops.yml', 'open-release-candidate.yml']);
    });
  });
}

// Releases, gates and enforcement end to end, against a local HTTP server standing in for the GitHub API
// (recording every call): dispatches and protection-rule answers happen only when their gate holds; a pulse
// failure raises one alert that a rollback resolves; a freeze holds PL-08 until overridden; refusals audited.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { issueToken } from '../src/http/auth.ts';
import { startLanes, type LanesProcess } from '../src/server.ts';
import { demoClock, loadDemo } from '../src/cli/demo-loader.ts';
import { startFakeGitHub, type FakeGitHub } from './helpers/fake-github.ts';
import { SECRET, STORE_KINDS, testConfig } from './helpers/lanes-harness.ts';
import { sendGreenStaging, sendProtectionRequest, sendRun } from './helpers/github-events.ts';
import { SCREEN_GATES } from './helpers/reference-screen.ts';
import { GH_TOKEN, releaseHarness, type ReleaseHarness } from './helpers/release-harness.ts';

type Harness = ReleaseHarness;
const harness = releaseHarness;

const SHA = 'c0ffee0000000000000000000000000000000001';
const T0 = '2026-04-01T08:00:00.000Z'; // a Wednesday: no freeze window

for (const kind of STORE_KINDS) {
  describe(`a release from main to production, enforced (${kind})`, () => {
    let h: Harness;
    before(async () => {
      h = await harness(kind, T0);
    });
    after(async () => {
      await h.close();
    });

    it('refuses a candidate without a green staging build, then opens it and dispatches PL-06', async () => {
      const early = await h.api('hana', 'POST', '/api/v1/releases', { version: 'v2.0.0', sha: SHA });
      assert.equal(early.status, 409);
      assert.equal((early.body.error as { code: string }).code, 'gate_not_ready');

      await sendGreenStaging(h.lanes.url, SHA, '2026-04-01T07:00:00Z');
      await h.settle();
      const created = await h.api('hana', 'POST', '/api/v1/releases', {
        version: 'v2.0.0',
        sha: SHA,
        changeSummary: ['feeds'],
        includesMigrations: false,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.deepEqual(
        h.dispatches().map((d) => [d.file, d.ref]),
        [['open-release-candidate.yml', 'v2.0.0']],
      );
      // The same request again is not a second release.
      const again = await h.api('hana', 'POST', '/api/v1/releases', { version: 'v2.0.0', sha: SHA });
      assert.equal(again.status, 200);
      assert.equal(h.dispatches().length, 1);
    });

    it('dispatches PL-08 only once the gates blocking it pass', async () => {
      await sendRun(h.lanes.url, {
        file: 'open-release-candidate.yml',
        name: 'open-release-candidate',
        sha: SHA,
        at: '2026-04-01T08:01:00Z',
        branch: 'v2.0.0',
        actor: 'hana',
        jobs: ['change summary', 'freeze window', 'rollback target exists'].map((name) => ({ name })),
      });
      await h.advance(5);
      assert.equal(h.dispatches().length, 1, 'nothing dispatched while RG-07 and RG-08 wait for approvals');

      const selfApproval = await h.api('hana', 'POST', '/api/v1/gates/RG-07/approve', {
        release: 'rel-v2.0.0',
      });
      assert.equal(selfApproval.status, 403, 'the release creator cannot approve her own release');
      assert.equal((selfApproval.body.error as { code: string }).code, 'self_approval');

      assert.equal(
        (await h.api('ivan', 'POST', '/api/v1/gates/RG-07/approve', { release: 'rel-v2.0.0', comment: 'ok' }))
          .status,
        200,
      );
      assert.equal(h.dispatches().length, 1, 'RG-08 still pending');
      const rg08 = await h.api('dmitri', 'POST', '/api/v1/gates/RG-08/approve', { release: 'rel-v2.0.0' });
      assert.equal(rg08.status, 200);
      assert.equal(rg08.body.state, 'passed');
      assert.deepEqual(
        h.dispatches().map((d) => d.file),
        ['open-release-candidate.yml', 'release-prod-ops.yml'],
      );
      assert.equal(h.dispatches()[1]?.ref, 'v2.0.0');
      await h.advance(1);
      assert.equal(h.dispatches().length, 2, 'a re-evaluation does not dispatch twice');
    });

    it('answers the prod-ops protection rule with approved, naming the gates', async () => {
      const runId = await sendRun(h.lanes.url, {
        file: 'release-prod-ops.yml',
        name: 'release-prod-ops',
        sha: SHA,
        at: '2026-04-01T08:10:00Z',
        branch: 'v2.0.0',
        open: true,
      });
      await sendProtectionRequest(h.lanes.url, { runId, environment: 'prod-ops', sha: SHA, ref: 'v2.0.0' });
      await h.settle();
      const reviews = h.reviews();
      assert.equal(reviews.length, 1);
      assert.equal(reviews[0]?.runId, runId);
      assert.equal(reviews[0]?.state, 'approved');
      const call = h.github.calls.find((c) => c.path.endsWith('/deployment_protection_rule'));
      assert.equal(call?.path, `/repos/nata-onl/ops/actions/runs/${runId}/deployment_protection_rule`);
      await sendRun(h.lanes.url, {
        file: 'release-prod-ops.yml',
        name: 'release-prod-ops',
        sha: SHA,
        at: '2026-04-01T08:10:00Z',
        branch: 'v2.0.0',
        runId,
        jobs: ['ops checklist', 'canary health', 'queue backlog threshold'].map((name) => ({ name })),
      });
      await h.advance(1);
    });

    it('keeps an early pulse protection request and answers it only when the hold and RG-09/RG-10 pass', async () => {
      // GitHub starts the pulse workflow right after ops; its protection request arrives inside the hold.
      const pulseRun = await sendRun(h.lanes.url, {
        file: 'release-prod-pulse.yml',
        name: 'release-prod-pulse',
        sha: SHA,
        at: '2026-04-01T08:12:00Z',
        branch: 'v2.0.0',
        open: true,
      });
      await sendProtectionRequest(h.lanes.url, {
        runId: pulseRun,
        environment: 'prod-pulse',
        sha: SHA,
        ref: 'v2.0.0',
      });
      await h.settle();
      assert.equal(h.reviews().length, 1, 'no answer while the hold runs and RG-09/RG-10 wait');
      assert.equal(
        (await h.api('jonas', 'POST', '/api/v1/gates/RG-09/approve', { release: 'rel-v2.0.0' })).status,
        200,
      );
      assert.equal(
        (await h.api('giulia', 'POST', '/api/v1/gates/RG-10/approve', { release: 'rel-v2.0.0' })).status,
        200,
      );
      assert.equal(h.reviews().length, 1, 'still inside the 15 min hold after PL-08');
      await h.advance(20); // the hold timer fires
      const pulse = h.reviews().filter((r) => r.runId === pulseRun);
      assert.equal(pulse.length, 1);
      assert.equal(pulse[0]?.state, 'approved');
      assert.deepEqual(
        h.dispatches().map((d) => d.file),
        ['open-release-candidate.yml', 'release-prod-ops.yml'],
        'the run already exists: no extra dispatch',
      );
    });

    it('a pulse deploy failure blocks RG-11 and raises exactly one alert', async () => {
      const pulseRun = (await h.lanes.store.listRuns({ workflowId: 'WF-08', limit: 1 }))[0]?.runId;
      assert.ok(pulseRun);
      await sendRun(h.lanes.url, {
        file: 'release-prod-pulse.yml',
        name: 'release-prod-pulse',
        sha: SHA,
        at: '2026-04-01T08:12:00Z',
        branch: 'v2.0.0',
        runId: pulseRun,
        conclusion: 'failure',
        jobs: [{ name: 'deploy', conclusion: 'failure' }],
      });
      await h.advance(1);
      // The same failure reported again (a redelivery under a new GUID) is still one incident.
      await sendRun(h.lanes.url, {
        file: 'release-prod-pulse.yml',
        name: 'release-prod-pulse',
        sha: SHA,
        at: '2026-04-01T08:12:00Z',
        branch: 'v2.0.0',
        runId: pulseRun,
        conclusion: 'failure',
      });
      await h.advance(1);
      const rg11 = await h.api('elena', 'GET', '/api/v1/gates/RG-11');
      assert.equal(rg11.body.state, 'blocked');
      const alerts = (await h.api('elena', 'GET', '/api/v1/alerts')).body.alerts as {
        id: number;
        key: string;
        count: number;
      }[];
      assert.equal(alerts.length, 1, JSON.stringify(alerts));
      assert.match(alerts[0]?.key ?? '', /PL-09/);
      assert.equal(alerts[0]?.count, 1);
      const overview = (await h.api('elena', 'GET', '/api/v1/overview')).body as { alerts: { open: number } };
      assert.equal(overview.alerts.open, 1);

      const refused = await h.api('elena', 'POST', '/api/v1/releases/rel-v2.0.0/rollback', {
        reason: 'pulse down',
        incident: 'INC-42',
        owner: 'elena',
      });
      assert.equal(refused.status, 409, 'no previous good release yet in this store');
    });
  });
}

describe('rollback to the previous good release resolves the alert (demo history)', () => {
  let lanes: LanesProcess;
  let github: FakeGitHub;
  before(async () => {
    github = await startFakeGitHub({ token: GH_TOKEN });
    const config = await testConfig('sqlite', {
      githubApiUrl: github.url,
      githubToken: GH_TOKEN,
      openReads: true,
    });
    lanes = await startLanes(config, { log: pino({ level: 'silent' }), clock: demoClock() });
    await loadDemo(lanes, SECRET);
  });
  after(async () => {
    await lanes.close();
    await github.close();
  });

  it('the demo reproduces the reference screen’s gates and its single open alert', async () => {
    const overview = (await (await fetch(`${lanes.url}/api/v1/overview`)).json()) as {
      gates: { id: string; phase: string; owner: string; state: string }[];
      alerts: { open: number };
    };
    assert.equal(overview.alerts.open, 1);
    for (const g of overview.gates)
      assert.deepEqual({ phase: g.phase, owner: g.owner, state: g.state }, SCREEN_GATES[g.id], g.id);
  });

  it('PL-11 by a permitted person dispatches WF-10 and WF-11 with the previous manifest; success resolves the alert', async () => {
    const token = (
      await issueToken(lanes.store, { personId: 'elena', name: 't', scope: 'operate', now: new Date() })
    ).token;
    const res = await fetch(`${lanes.url}/api/v1/releases/rel-v1.4.0/rollback`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'pulse feeds stale after v1.4.0', incident: 'INC-7', owner: 'elena' }),
    });
    assert.equal(res.status, 202, await res.clone().text());
    await lanes.outbox.drain();
    const calls = github.calls.filter((c) => c.path.endsWith('/dispatches'));
    assert.deepEqual(calls.map((c) => c.path.split('/').at(-2)).sort(), [
      'rollback-prod-ops.yml',
      'rollback-prod-pulse.yml',
    ]);
    for (const c of calls) {
      const inputs = (c.json as { inputs: Record<string, string> }).inputs;
      assert.equal(
        Object.values(inputs).includes('v1.3.2'),
        true,
        `rollback targets v1.3.2: ${JSON.stringify(inputs)}`,
      );
    }
    const audit = (await (
      await fetch(`${lanes.url}/api/v1/audit?objectType=release&objectId=rel-v1.4.0`)
    ).json()) as { events: { action: string; actor: string; reason: string }[] };
    const started = audit.events.find((e) => e.action === 'release.rollback_started');
    assert.ok(started);
    assert.match(started.actor, /elena/);
    assert.equal(started.reason, 'pulse feeds stale after v1.4.0');

    // GitHub runs the rollback workflows on the release tag; both succeed.
    const sha = (await lanes.store.getRelease('rel-v1.4.0'))?.sha ?? '';
    await sendRun(lanes.url, {
      file: 'rollback-prod-ops.yml',
      name: 'rollback-prod-ops',
      sha,
      at: '2026-03-12T09:50:00Z',
      branch: 'v1.4.0',
      environment: 'prod-ops',
      actor: 'elena',
      jobs: [{ name: 'rollback' }],
    });
    await sendRun(lanes.url, {
      file: 'rollback-prod-pulse.yml',
      name: 'rollback-prod-pulse',
      sha,
      at: '2026-03-12T09:50:30Z',
      branch: 'v1.4.0',
      environment: 'prod-pulse',
      actor: 'elena',
      jobs: [{ name: 'rollback' }],
    });
    await lanes.worker.drain();
    const alerts = (await (await fetch(`${lanes.url}/api/v1/alerts`)).json()) as { alerts: unknown[] };
    assert.deepEqual(alerts.alerts, [], 'the alert resolved itself when the rollback succeeded');
    const all = (await (await fetch(`${lanes.url}/api/v1/alerts?all=1`)).json()) as {
      alerts: { status: string; resolvedBy: string }[];
    };
    assert.equal(all.alerts[0]?.status, 'resolved');
    const release = (await (await fetch(`${lanes.url}/api/v1/releases/rel-v1.4.0`)).json()) as {
      outcome: string;
    };
    assert.equal(release.outcome, 'rolled_back');
  });
});

describe('freeze windows and permissions', () => {
  let h: Harness;
  const FRIDAY_EVENING = '2026-04-03T18:00:00.000Z';
  const SHA2 = 'c0ffee0000000000000000000000000000000002';
  before(async () => {
    h = await harness('sqlite', '2026-04-03T12:00:00.000Z');
    await sendGreenStaging(h.lanes.url, SHA2, '2026-04-03T10:00:00Z');
    await sendRun(h.lanes.url, {
      file: 'open-release-candidate.yml',
      name: 'open-release-candidate',
      sha: SHA2,
      at: '2026-04-03T11:00:00Z',
      branch: 'v2.1.0',
      jobs: ['change summary', 'freeze window', 'rollback target exists'].map((name) => ({ name })),
    });
    await h.settle();
  });
  after(async () => {
    await h.close();
  });

  it('reported evidence is recorded per source and check (a repeat changes nothing), audited per change, refused for an unknown lane', async () => {
    const SHA3 = 'c0ffee0000000000000000000000000000000003';
    const actor = { personId: 'hana', label: 'hana (tok_ev)', seats: ['SEAT-RELEASE'], tokenId: 'tok_ev' };
    const report = { check: 'report success', outcome: 'passed' as const, sha: SHA3, lane: 'PL-10' };
    // The catalog lets SEAT-RELEASE report `report success`; the key names the verified source (the person).
    const key = `api:person:hana:${SHA3}:PL-10:report success`;
    const first = await h.lanes.engine.reportEvidence(actor, report);
    assert.deepEqual(first, { ok: true, value: { key, status: 'recorded' }, created: true });
    const again = await h.lanes.engine.reportEvidence(actor, report);
    assert.deepEqual(again, { ok: true, value: { key, status: 'unchanged' }, created: false });
    const unknown = await h.lanes.engine.reportEvidence(actor, { ...report, lane: 'PL-99' });
    assert.equal(unknown.ok ? 'ok' : unknown.code, 'not_found');
    h.setNow('2026-04-03T12:05:00.000Z');
    const later = await h.lanes.engine.reportEvidence(actor, { ...report, outcome: 'failed' });
    assert.deepEqual(later, { ok: true, value: { key, status: 'recorded' }, created: true });
    const stored = await h.lanes.store.listEvidence({ shas: [SHA3] });
    assert.deepEqual(
      stored.map((e) => [e.key, e.outcome, e.reportedBy, e.source]),
      [[key, 'failed', 'hana', 'api']],
    );
    const audit = await h.lanes.store.listAudit({ objectType: 'evidence', objectId: key });
    assert.deepEqual(audit.map((e) => [e.action, e.actor]).sort(), [
      ['evidence.reported', 'hana (tok_ev)'],
      ['evidence.reported', 'hana (tok_ev)'],
    ]);
    h.setNow('2026-04-03T12:00:00.000Z');
  });

  it('a non-member’s approval is refused with 403 and audited', async () => {
    assert.equal(
      (await h.api('hana', 'POST', '/api/v1/releases', { version: 'v2.1.0', sha: SHA2 })).status,
      201,
    );
    const r = await h.api('alice', 'POST', '/api/v1/gates/RG-07/approve', {
      release: 'rel-v2.1.0',
      comment: 'lgtm',
    });
    assert.equal(r.status, 403);
    assert.equal((r.body.error as { code: string }).code, 'not_seat_member');
    const audit = (await h.api('hana', 'GET', '/api/v1/audit?objectType=gate&objectId=rel-v2.1.0/RG-07')).body
      .events as { action: string; actor: string }[];
    assert.ok(
      audit.some((e) => e.action === 'gate.approval_refused' && e.actor.startsWith('alice')),
      JSON.stringify(audit),
    );
  });

  it('an expired or revoked token gets 401', async () => {
    const expired = await issueToken(h.lanes.store, {
      personId: 'ivan',
      name: 'old',
      scope: 'operate',
      now: new Date('2020-01-01T00:00:00Z'),
      ttlDays: 1,
    });
    const r1 = await fetch(`${h.lanes.url}/api/v1/overview`, {
      headers: { authorization: `Bearer ${expired.token}` },
    });
    assert.equal(r1.status, 401);
    assert.equal(((await r1.json()) as { error: { code: string } }).error.code, 'token_expired');
    const revoked = await issueToken(h.lanes.store, {
      personId: 'ivan',
      name: 'x',
      scope: 'operate',
      now: new Date(),
    });
    assert.equal(
      (
        await fetch(`${h.lanes.url}/api/v1/overview`, {
          headers: { authorization: `Bearer ${revoked.token}` },
        })
      ).status,
      200,
    );
    await h.lanes.store.revokeToken(revoked.record.id, new Date().toISOString());
    const r2 = await fetch(`${h.lanes.url}/api/v1/overview`, {
      headers: { authorization: `Bearer ${revoked.token}` },
    });
    assert.equal(r2.status, 401);
    assert.equal(((await r2.json()) as { error: { code: string } }).error.code, 'token_revoked');
    const none = await fetch(`${h.lanes.url}/api/v1/overview`);
    assert.equal(none.status, 401, 'reads need a token unless the operator opened them');
  });

  it('a freeze window holds PL-08 until a permitted person overrides it with a reason (audited)', async () => {
    h.setNow(FRIDAY_EVENING);
    assert.equal(
      (await h.api('ivan', 'POST', '/api/v1/gates/RG-07/approve', { release: 'rel-v2.1.0' })).status,
      200,
    );
    assert.equal(
      (await h.api('dmitri', 'POST', '/api/v1/gates/RG-08/approve', { release: 'rel-v2.1.0' })).status,
      200,
    );
    const dispatchedProd = () => h.dispatches().filter((d) => d.file === 'release-prod-ops.yml');
    assert.equal(dispatchedProd().length, 0, 'frozen: gates pass but PL-08 waits');

    const bypass = await h.api('ivan', 'POST', '/api/v1/lanes/PL-08/trigger', {
      ref: 'v2.1.0',
      reason: 'just run it',
    });
    assert.equal(bypass.status, 409, 'a gated lane cannot be triggered around its gates');
    assert.equal(dispatchedProd().length, 0);
    const noOverride = await h.api('ivan', 'POST', '/api/v1/releases/rel-v2.1.0/promote', {});
    assert.equal(noOverride.status, 409);
    assert.equal((noOverride.body.error as { code: string }).code, 'frozen');
    const notPermitted = await h.api('alice', 'POST', '/api/v1/releases/rel-v2.1.0/promote', {
      override: { reason: 'please' },
    });
    assert.equal(notPermitted.status, 403);
    assert.equal(dispatchedProd().length, 0);

    const operateOnly = await h.api('ivan', 'POST', '/api/v1/releases/rel-v2.1.0/promote', {
      override: { reason: 'operate scope is not enough' },
    });
    assert.equal(operateOnly.status, 403, 'overriding a freeze needs admin');
    assert.equal(dispatchedProd().length, 0);
    const ok = await h.api('admin:ivan', 'POST', '/api/v1/releases/rel-v2.1.0/promote', {
      override: { reason: 'customer hotfix agreed with on-call' },
    });
    assert.equal(ok.status, 202, JSON.stringify(ok.body));
    assert.equal(dispatchedProd().length, 1);
    const audit = (await h.api('ivan', 'GET', '/api/v1/audit?limit=200')).body.events as {
      action: string;
      actor: string;
      reason: string | null;
    }[];
    const override = audit.find((e) => e.action === 'freeze.overridden');
    assert.ok(override);
    assert.match(override.actor, /^ivan/);
    assert.equal(override.reason, 'customer hotfix agreed with on-call');
    // alice is in no release seat: the policy refuses her promote before the freeze is looked at (audited).
    assert.ok(
      audit.some((e) => /_refused$/.test(e.action) && e.actor.startsWith('alice')),
      JSON.stringify(audit.filter((e) => e.actor.startsWith('alice')).map((e) => e.action)),
    );
  });
});

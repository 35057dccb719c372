// Effects you can see and drive (issue 11), end to end against the local GitHub stand-in on both stores: a
// dispatch GitHub keeps refusing goes dead after the attempt limit and shows in the API with its state and a
// sanitised error, raises one alert and counts in /metrics; a non-admin's retry is refused (403, code,
// audited); an admin's retry sends it exactly once more with the same effect_id and resolves the alert.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import type { EffectView } from '../src/contract/views.ts';
import { issueToken } from '../src/http/auth.ts';
import { STORE_KINDS } from './helpers/lanes-harness.ts';
import { sendGreenStaging } from './helpers/github-events.ts';
import { releaseHarness, type ReleaseHarness } from './helpers/release-harness.ts';

const SHA = 'c0ffee0000000000000000000000000000000041';
const KEY = 'dispatch:rel-v4.0.0:PL-06';
// GitHub's error body echoing a credential and a URL: neither may reach the API.
const LEAKY =
  'upstream failed for ghs_abcdefabcdef0123 at https://hooks.example.com/services/T000/B000/XXXX?token=s3cr3t';

async function metric(h: ReleaseHarness, line: string): Promise<number> {
  const text = await (await fetch(`${h.lanes.url}/metrics`)).text();
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  assert.ok(found, `metric ${line} missing`);
  return Number(found.slice(line.length + 1));
}

/** `lanes …` from source (the server lives in this process, so asynchronously). */
function lanesCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      { env: { ...process.env, NO_COLOR: '1', ...env } },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

for (const kind of STORE_KINDS) {
  describe(`effects: visible, alerted, retried by an admin (${kind})`, () => {
    let h: ReleaseHarness;
    let effect: EffectView;
    const opening = () => h.dispatches().filter((d) => d.file === 'open-release-candidate.yml');
    const effects = async (query: string) =>
      (await h.api('elena', 'GET', `/api/v1/effects${query}`)).body.effects as EffectView[];
    const alerts = async (all = false) =>
      (await h.api('elena', 'GET', `/api/v1/alerts${all ? '?all=1' : ''}`)).body.alerts as {
        id: number;
        key: string;
        rule: string;
        count: number;
        status: string;
      }[];

    before(async () => {
      h = await releaseHarness(kind, '2026-04-01T08:00:00.000Z');
      await sendGreenStaging(h.lanes.url, SHA, '2026-04-01T07:00:00Z');
      await h.settle();
    });
    after(async () => {
      await h.close();
    });

    it('a dispatch GitHub keeps refusing goes dead: shown with its state, one alert, counted', async () => {
      h.github.setResponder((c) =>
        c.path.endsWith('/dispatches') ? { status: 502, body: { message: LEAKY } } : undefined,
      );
      const created = await h.api('hana', 'POST', '/api/v1/releases', { version: 'v4.0.0', sha: SHA });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const retrying = (await effects('?state=retrying')).filter((e) => e.key === KEY);
      assert.equal(retrying.length, 1, 'after the first refusal it is retrying');
      assert.ok(retrying[0]?.nextAttemptAt, 'with its next attempt time');
      for (let i = 0; i < 30 && (await effects('?state=dead')).length === 0; i++) await h.advance(1);
      const dead = await effects('?state=dead');
      assert.equal(dead.length, 1, JSON.stringify(dead));
      effect = dead[0] as EffectView;
      assert.equal(effect.key, KEY);
      assert.equal(effect.kind, 'github.dispatch');
      assert.equal(effect.state, 'dead');
      assert.equal(effect.attempts, 8);
      assert.equal(effect.deaths, 1);
      assert.equal(effect.nextAttemptAt, null);
      assert.equal(effect.releaseId, 'rel-v4.0.0');
      assert.equal(effect.laneId, 'PL-06');
      assert.equal(effect.target, 'nata-onl/ops open-release-candidate.yml@v4.0.0');
      assert.match(effect.lastError ?? '', /^HTTP 502/);
      assert.doesNotMatch(effect.lastError ?? '', /ghs_|T000|s3cr3t/, 'no credential or URL path shown');
      assert.equal(opening().length, 8, 'GitHub was asked 8 times, then Lanes gave up');
      for (const d of opening()) assert.equal(d.inputs.effect_id, KEY);

      const one = await h.api('elena', 'GET', `/api/v1/effects/${effect.id}`);
      assert.deepEqual(one.body, effect);
      const ofRelease = await effects('?release=rel-v4.0.0');
      assert.ok(
        ofRelease.some((e) => e.key === KEY),
        'the release filter finds it',
      );
      assert.ok(ofRelease.every((e) => e.releaseId === 'rel-v4.0.0'));
      assert.ok(
        ofRelease.some((e) => e.kind === 'github.commit_status'),
        'its commit statuses too',
      );
      assert.deepEqual(await effects('?release=rel-none'), []);

      const live = await alerts();
      assert.deepEqual(
        live.map((a) => [a.key, a.rule, a.count, a.status]),
        [[`effect_dead:${effect.id}`, 'effect_dead', 1, 'open']],
      );
      await h.advance(10);
      assert.equal((await alerts()).length, 1, 'waiting adds no second alert');
      assert.equal(await metric(h, 'lanes_effects_dead_total'), 1);
      assert.equal(await metric(h, 'lanes_effects{state="dead"}'), 1);
    });

    it('a retry by an operator is refused with its code and audited; nothing is sent', async () => {
      const before = opening().length;
      const refused = await h.api('hana', 'POST', `/api/v1/effects/${effect.id}/retry`, {});
      assert.equal(refused.status, 403);
      assert.equal((refused.body.error as { code: string }).code, 'insufficient_scope');
      const missing = await h.api('admin:jonas', 'POST', '/api/v1/effects/987654/retry', {});
      assert.equal(missing.status, 404);
      assert.equal((missing.body.error as { code: string }).code, 'not_found');
      assert.equal(opening().length, before);
      assert.equal((await h.api('elena', 'GET', `/api/v1/effects/${effect.id}`)).body.state, 'dead');
      const audit = (await h.api('elena', 'GET', `/api/v1/audit?objectType=effect&objectId=${effect.id}`))
        .body.events as { action: string; actor: string; data: { code?: string } }[];
      const refusal = audit.find((e) => e.action === 'effect.retry_refused');
      assert.ok(refusal, JSON.stringify(audit));
      assert.match(refusal.actor, /^hana/);
      assert.equal(refusal.data.code, 'insufficient_scope');
      assert.ok(audit.some((e) => e.action === 'effect.dead'));
      const missingAudit = (await h.api('elena', 'GET', '/api/v1/audit?objectType=effect&objectId=987654'))
        .body.events as { action: string; data: { code?: string } }[];
      assert.deepEqual(
        missingAudit.map((e) => [e.action, e.data.code]),
        [['effect.retry_refused', 'not_found']],
      );
    });

    it('lanes effects lists it; lanes effects retry prints the refusal code; a bad --state is a usage error', async () => {
      const token = (
        await issueToken(h.lanes.store, { personId: 'hana', name: 'cli', scope: 'operate', now: new Date() })
      ).token;
      const env = { LANES_URL: h.lanes.url, LANES_TOKEN: token };
      const table = await lanesCli(['effects', '--state', 'dead'], env);
      assert.equal(table.code, 0, table.stderr);
      assert.match(table.stdout, new RegExp(`${effect.id}\\s+dead\\s+dispatch\\s+${KEY}\\s+rel-v4.0.0\\s+8`));
      const json = await lanesCli(['effects', '--release', 'rel-v4.0.0', '--json'], env);
      assert.equal(json.code, 0, json.stderr);
      const listed = (JSON.parse(json.stdout) as { effects: EffectView[] }).effects;
      assert.deepEqual(
        listed.find((e) => e.id === effect.id),
        effect,
      );
      const usage = await lanesCli(['effects', '--state', 'stuck'], env);
      assert.equal(usage.code, 2);
      const refused = await lanesCli(['effects', 'retry', String(effect.id)], env);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /insufficient_scope/);
      assert.equal((await lanesCli(['effects', 'retry', 'x1'], env)).code, 2);
    });

    it('an admin’s retry sends it exactly once more with the same effect_id and resolves the alert', async () => {
      h.github.setResponder(undefined);
      const before = opening().length;
      const retried = await h.api('admin:jonas', 'POST', `/api/v1/effects/${effect.id}/retry`, {
        comment: 'GitHub is back',
      });
      assert.equal(retried.status, 202, JSON.stringify(retried.body));
      assert.equal(retried.body.state, 'pending');
      assert.equal(retried.body.attempts, 0);
      assert.equal(retried.body.key, KEY);
      await h.advance(1);
      await h.advance(1);
      const sent = opening().slice(before);
      assert.equal(sent.length, 1, 'exactly one more dispatch');
      assert.equal(sent[0]?.inputs.effect_id, KEY, 'the same effect_id: a workflow can drop a duplicate');
      assert.equal(sent[0]?.ref, 'v4.0.0');
      const now = (await h.api('elena', 'GET', `/api/v1/effects/${effect.id}`)).body as EffectView;
      assert.equal(now.state, 'done');
      assert.equal(now.deaths, 1);
      assert.deepEqual(await alerts(), [], 'the alert resolved when the retry went through');
      const resolved = (await alerts(true)).filter((a) => a.key === `effect_dead:${effect.id}`);
      assert.deepEqual(
        resolved.map((a) => [a.status, a.count]),
        [['resolved', 1]],
      );
      assert.equal(await metric(h, 'lanes_effects_dead_total'), 1, 'a counter: the retry does not lower it');
      assert.equal(await metric(h, 'lanes_effects{state="dead"}'), 0);

      const again = await h.api('admin:jonas', 'POST', `/api/v1/effects/${effect.id}/retry`, {});
      assert.equal(again.status, 409);
      assert.equal((again.body.error as { code: string }).code, 'effect_not_retryable');
      assert.equal(opening().length, before + 1, 'a done effect is not sent again');
      const audit = (await h.api('elena', 'GET', `/api/v1/audit?objectType=effect&objectId=${effect.id}`))
        .body.events as { action: string; actor: string; reason: string | null }[];
      const ok = audit.filter((e) => e.action === 'effect.retried');
      assert.deepEqual(
        ok.map((e) => [e.actor.split(' ')[0], e.reason]),
        [['jonas', 'GitHub is back']],
      );
      assert.equal(
        audit.filter((e) => e.action === 'effect.retry_refused').length,
        3,
        'API and CLI refusals',
      );
    });
  });
}

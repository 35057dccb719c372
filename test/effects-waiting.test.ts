// Without GitHub credentials, GitHub effects wait (README: "they wait in the outbox"), on both stores with a
// real server: claimed many more times than the attempt limit, a dispatch stays pending with attempts 0, is
// never dead, raises no alert, and the API says what it waits for; then a Lanes started on the same store
// with credentials (the local GitHub stand-in) sends it exactly once. The clock is injected: no real waiting.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import type { EffectView } from '../src/contract/views.ts';
import type { Config } from '../src/config.ts';
import { issueToken } from '../src/http/auth.ts';
import { startLanes, type LanesProcess } from '../src/server.ts';
import { STORE_KINDS, testConfig } from './helpers/lanes-harness.ts';
import { sendGreenStaging } from './helpers/github-events.ts';
import { startFakeGitHub, type FakeGitHub } from './helpers/fake-github.ts';
import { GH_TOKEN } from './helpers/release-harness.ts';

const SHA = 'c0ffee0000000000000000000000000000000077';
const KEY = 'dispatch:rel-v7.0.0:PL-06';
const MAX_ATTEMPTS = 8; // the outbox worker's default limit

for (const kind of STORE_KINDS) {
  describe(`effects wait while GitHub is not configured (${kind})`, () => {
    let github: FakeGitHub;
    let config: Config;
    let lanes: LanesProcess | undefined;
    let now = Date.parse('2026-04-01T08:00:00.000Z');
    const clock = () => new Date(now);
    let token = '';

    const drain = async (l: LanesProcess) => {
      for (let i = 0; i < 3; i++) {
        await l.worker.drain();
        await l.timers.drain();
        await l.outbox.drain();
      }
    };
    const api = async (l: LanesProcess, method: string, path: string, body?: unknown) => {
      const res = await fetch(`${l.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const effect = async (l: LanesProcess) => {
      const list = (await api(l, 'GET', '/api/v1/effects')).body.effects as EffectView[];
      const found = list.find((e) => e.key === KEY);
      assert.ok(found, `effect ${KEY} listed`);
      return found;
    };
    const dispatched = () =>
      github.calls.filter(
        (c) => c.method === 'POST' && c.path.endsWith('/open-release-candidate.yml/dispatches'),
      );

    before(async () => {
      github = await startFakeGitHub({ token: GH_TOKEN });
      config = await testConfig(kind, { githubApiUrl: github.url, githubToken: undefined });
      lanes = await startLanes(config, { log: pino({ level: 'silent' }), clock });
      token = (await issueToken(lanes.store, { personId: 'hana', name: 't', scope: 'operate', now: clock() }))
        .token;
    });
    after(async () => {
      await lanes?.close();
      await github.close();
    });

    it('a dispatch claimed many times past the attempt limit stays pending, attempts 0, no alert', async () => {
      const l = lanes;
      assert.ok(l);
      await sendGreenStaging(l.url, SHA, '2026-04-01T07:00:00Z');
      await drain(l);
      const created = await api(l, 'POST', '/api/v1/releases', { version: 'v7.0.0', sha: SHA });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      for (let i = 0; i < 3 * MAX_ATTEMPTS; i++) {
        now += 2 * 60_000; // past the 60 s wait poll: every step claims it again
        await drain(l);
      }
      const e = await effect(l);
      assert.equal(e.state, 'pending');
      assert.equal(e.attempts, 0, 'waiting uses no attempt');
      assert.equal(e.deaths, 0);
      assert.equal(e.lastError, null, 'waiting is not an error');
      assert.match(e.waitingFor ?? '', /GitHub is not configured/);
      assert.ok(e.nextAttemptAt, 'with the next poll');
      const alerts = (await api(l, 'GET', '/api/v1/alerts?all=1')).body.alerts as { rule: string }[];
      assert.deepEqual(
        alerts.filter((a) => a.rule === 'effect_dead'),
        [],
        'no effect_dead alert',
      );
      const waiting = (await api(l, 'GET', '/api/v1/effects?state=retrying')).body.effects as EffectView[];
      assert.equal(waiting.filter((w) => w.key === KEY).length, 0, 'not shown as retrying');
      assert.equal(dispatched().length, 0, 'nothing reached GitHub');
      assert.ok(
        l.outbox.waited >= 3 * MAX_ATTEMPTS,
        `claimed ${l.outbox.waited} times while waiting (more than ${MAX_ATTEMPTS})`,
      );
      assert.equal(l.outbox.dead, 0, 'nothing went dead');
    });

    it('a Lanes started on the same store with credentials sends it exactly once', async () => {
      await lanes?.close();
      lanes = undefined;
      const l = await startLanes(
        { ...config, githubToken: GH_TOKEN },
        { log: pino({ level: 'silent' }), clock },
      );
      lanes = l;
      now += 2 * 60_000;
      await drain(l);
      for (let i = 0; i < 3; i++) {
        now += 2 * 60_000;
        await drain(l);
      }
      const sent = dispatched();
      assert.equal(sent.length, 1, 'dispatched exactly once');
      const inputs = (sent[0]?.json as { inputs?: Record<string, string> }).inputs ?? {};
      assert.equal(inputs.effect_id, KEY, 'with its effect_id');
      const e = await effect(l);
      assert.equal(e.state, 'done');
      assert.equal(e.waitingFor ?? null, null);
      assert.equal(e.attempts, 1, 'one attempt: the one that went out');
    });
  });
}

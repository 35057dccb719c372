// SIGKILL between a decision and its effect: the decision (and its outbox row) commits, GitHub is briefly
// unavailable, the process is killed; after a restart the effect happens exactly once.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { issueToken } from '../src/http/auth.ts';
import { openStore } from '../src/store/open-store.ts';
import { startFakeGitHub } from './helpers/fake-github.ts';
import { sendGreenStaging, sendRun } from './helpers/github-events.ts';
import { spawnLanes, waitFor } from './helpers/lanes-harness.ts';
import { freshSqliteDir } from './helpers/test-database.ts';

const GH_TOKEN = 'ghs_crash_test_token';
const SHA = 'dead0000000000000000000000000000000000aa';

describe('crash between a decision and its effect', () => {
  it('the PL-08 dispatch decided before a SIGKILL is sent exactly once after restart', async () => {
    const github = await startFakeGitHub({ token: GH_TOKEN });
    let down = true;
    const outcomes: { file: string; status: number }[] = [];
    github.setResponder((call) => {
      if (!call.path.endsWith('/dispatches')) return undefined;
      const file = call.path.split('/').at(-2) ?? '';
      const status = down ? 503 : 204;
      outcomes.push({ file, status });
      return down ? { status: 503, body: { message: 'unavailable' } } : { status: 204 };
    });
    const dataDir = await freshSqliteDir();
    // A short outbox lease, so that the crashed process's claim expires quickly.
    const env = {
      DATABASE_URL: '',
      LANES_DATA_DIR: dataDir,
      LANES_GITHUB_API_URL: github.url,
      LANES_GITHUB_TOKEN: GH_TOKEN,
      LANES_OUTBOX_LEASE_MS: '4000',
    };
    const first = await spawnLanes(env);
    const store = await openStore({ dataDir });
    const tokens: Record<string, string> = {};
    for (const p of ['hana', 'ivan', 'dmitri'])
      tokens[p] = (
        await issueToken(store, { personId: p, name: 't', scope: 'operate', now: new Date() })
      ).token;
    await store.close();
    const api = async (url: string, person: string, path: string, body: unknown) => {
      const res = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens[person]}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return res.status;
    };
    try {
      const now = Date.now();
      const at = (min: number) => new Date(now - min * 60_000).toISOString();
      await sendGreenStaging(first.url, SHA, at(120));
      await waitFor(
        async () =>
          (await api(first.url, 'hana', '/api/v1/releases', { version: 'v9.0.0', sha: SHA })) === 201 ||
          undefined,
        'release created',
        20_000,
      );
      await sendRun(first.url, {
        file: 'open-release-candidate.yml',
        name: 'open-release-candidate',
        sha: SHA,
        at: at(60),
        branch: 'v9.0.0',
        jobs: ['change summary', 'freeze window', 'rollback target exists'].map((name) => ({ name })),
      });
      assert.equal(
        await api(first.url, 'ivan', '/api/v1/gates/RG-07/approve', { release: 'rel-v9.0.0' }),
        200,
      );
      assert.equal(
        await api(first.url, 'dmitri', '/api/v1/gates/RG-08/approve', { release: 'rel-v9.0.0' }),
        200,
      );
      // The decision is committed; its effect is being attempted against an unavailable GitHub.
      await waitFor(
        async () => outcomes.some((o) => o.file === 'release-prod-ops.yml') || undefined,
        'a dispatch attempt',
        20_000,
      );
      first.child.kill('SIGKILL');
      await once(first.child, 'exit');
      assert.equal(
        outcomes.filter((o) => o.status === 204).length,
        0,
        'nothing was dispatched before the crash',
      );

      down = false;
      const second = await spawnLanes(env);
      try {
        await waitFor(
          async () =>
            outcomes.some((o) => o.file === 'release-prod-ops.yml' && o.status === 204) || undefined,
          'dispatch after restart',
          30_000,
        );
        // Give any duplicate a chance to show up: the outbox polls every second.
        await new Promise((r) => setTimeout(r, 3000));
        const ok = outcomes.filter((o) => o.status === 204);
        assert.equal(ok.filter((o) => o.file === 'release-prod-ops.yml').length, 1, JSON.stringify(outcomes));
        assert.equal(
          ok.filter((o) => o.file === 'open-release-candidate.yml').length,
          1,
          JSON.stringify(outcomes),
        );
      } finally {
        second.child.kill('SIGTERM');
        await once(second.child, 'exit');
      }
    } finally {
      if (first.child.exitCode === null && first.child.signalCode === null) first.child.kill('SIGKILL');
      await github.close();
    }
  });
});

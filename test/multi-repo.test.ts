// A catalog over two repositories (examples/multi-repo: acme/checkout builds, acme/checkout-ops deploys), on
// both stores, through the signed webhook path and the local GitHub stand-in: a lane whose workflow lives in
// the ops repository is dispatched there; runs from both repositories are stored and count for their lanes.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { issueToken } from '../src/http/auth.ts';
import type { LaneList } from '../src/contract/results.ts';
import type { LanesProcess } from '../src/server.ts';
import { startFakeGitHub, type FakeGitHub } from './helpers/fake-github.ts';
import {
  sendDelivery,
  startTestLanes,
  STORE_KINDS,
  waitFor,
  workflowRunPayload,
} from './helpers/lanes-harness.ts';

const TOKEN = 'ghp_multi_repo_test_token';
const SHA = 'd'.repeat(40);

function runIn(repo: string, runId: number, file: string, name: string) {
  const p = workflowRunPayload({
    runId,
    workflowFile: file,
    workflowName: name,
    status: 'completed',
    conclusion: 'success',
    startedAt: new Date(Date.now() - 600_000).toISOString(),
    updatedAt: new Date(Date.now() - 60_000).toISOString(),
    sha: SHA,
  });
  (p.repository as Record<string, unknown>).full_name = repo;
  (p.workflow_run as Record<string, unknown>).html_url = `https://github.com/${repo}/actions/runs/${runId}`;
  return p;
}

for (const kind of STORE_KINDS) {
  describe(`multi-repository catalog on ${kind}`, () => {
    let gh: FakeGitHub;
    let lanes: LanesProcess;
    before(async () => {
      gh = await startFakeGitHub({ token: TOKEN });
      lanes = await startTestLanes(kind, {
        catalog: 'examples/multi-repo/lanes.yaml',
        githubApiUrl: gh.url,
        githubToken: TOKEN,
        reconcileIntervalS: 0,
      });
    });
    after(async () => {
      await lanes.close();
      await gh.close();
    });

    it('dispatches an ops-repository lane to the ops repository', async () => {
      const { token } = await issueToken(lanes.store, {
        personId: 'rita',
        name: 'test',
        scope: 'operate',
        now: new Date(),
      });
      const res = await fetch(`${lanes.url}/api/v1/lanes/PL-SMOKE/trigger`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'smoke after the deploy' }),
      });
      assert.equal(res.status, 202, await res.clone().text());
      await lanes.outbox.drain();
      const dispatches = gh.calls.filter((c) => c.path.endsWith('/dispatches')).map((c) => c.path);
      assert.deepEqual(dispatches, [
        '/repos/acme/checkout-ops/actions/workflows/smoke-production.yml/dispatches',
      ]);
    });

    it('runs from both repositories are stored and turn their lanes green', async () => {
      const build = await sendDelivery(
        lanes.url,
        'workflow_run',
        runIn('acme/checkout', 91001, 'build-image.yml', 'build-image'),
      );
      const smoke = await sendDelivery(
        lanes.url,
        'workflow_run',
        runIn('acme/checkout-ops', 91002, 'smoke-production.yml', 'smoke-production'),
      );
      assert.deepEqual([build.status, smoke.status], [202, 202]);
      await waitFor(async () => (await lanes.store.getRun(91002)) !== undefined, 'ops run applied');
      assert.equal((await lanes.store.getRun(91001))?.repo, 'acme/checkout');
      assert.equal((await lanes.store.getRun(91002))?.repo, 'acme/checkout-ops');
      const { token } = await issueToken(lanes.store, {
        personId: 'quinn',
        name: 'r',
        scope: 'read',
        now: new Date(),
      });
      const list = (await (
        await fetch(`${lanes.url}/api/v1/lanes`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as LaneList;
      const status = Object.fromEntries(list.lanes.map((l) => [l.id, l.status]));
      assert.equal(status['PL-BUILD'], 'green');
      assert.equal(status['PL-SMOKE'], 'green');
    });
  });
}

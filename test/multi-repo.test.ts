// A catalog over two repositories (examples/multi-repo: acme/checkout builds, acme/checkout-ops deploys), on
// both stores, through the signed webhook path and the local GitHub stand-in: a lane whose workflow lives in
// the ops repository is dispatched there; runs from both repositories are stored and count for their lanes.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueToken } from '../src/http/auth.ts';
import type { LaneList } from '../src/contract/results.ts';
import type { ReleaseView } from '../src/contract/views.ts';
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

// An ops repository deploys on its own commit: its dispatched run joins the release by its title
// (`run-name: ${{ inputs.release }} …`, workflow_run.display_title), not by the release's sha.
for (const kind of STORE_KINDS) {
  describe(`ops-repository runs join their release by run-name on ${kind}`, () => {
    let gh: FakeGitHub;
    let lanes: LanesProcess;
    before(async () => {
      gh = await startFakeGitHub({ token: TOKEN });
      // The example catalog, with releases opened from a commit whose build is green.
      const dir = mkdtempSync(join(tmpdir(), 'lanes-ops-run-'));
      const catalog = join(dir, 'lanes.yaml');
      const text = readFileSync('examples/multi-repo/lanes.yaml', 'utf8');
      const flow = '  flow: [PL-BUILD, PL-STAGING, PL-PROD]\n';
      assert.ok(text.includes(flow));
      writeFileSync(catalog, text.replace(flow, `${flow}  candidate_requires: [PL-BUILD]\n`));
      lanes = await startTestLanes(kind, {
        catalog,
        githubApiUrl: gh.url,
        githubToken: TOKEN,
        reconcileIntervalS: 0,
      });
    });
    after(async () => {
      await lanes.close();
      await gh.close();
    });

    it('a dispatched ops run naming the release counts for it; one naming another release does not', async () => {
      const OPS_SHA = 'e'.repeat(40);
      await sendDelivery(
        lanes.url,
        'workflow_run',
        runIn('acme/checkout', 92001, 'build-image.yml', 'build-image'),
      );
      await waitFor(async () => (await lanes.store.getRun(92001)) !== undefined, 'build applied');
      const { token } = await issueToken(lanes.store, {
        personId: 'rita',
        name: 't',
        scope: 'operate',
        now: new Date(),
      });
      const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const created = await fetch(`${lanes.url}/api/v1/releases`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ version: '2.0.0', sha: SHA }),
      });
      assert.ok(created.status < 300, await created.clone().text());
      const release = (await created.json()) as ReleaseView;
      const stagingOf = async () => {
        const r = await fetch(`${lanes.url}/api/v1/releases/${release.id}`, { headers: auth });
        return ((await r.json()) as ReleaseView).lanes.find((l) => l.id === 'PL-STAGING');
      };
      const opsRun = (runId: number, title: string) => {
        const p = runIn('acme/checkout-ops', runId, 'deploy-staging.yml', 'deploy-staging');
        Object.assign(p.workflow_run as Record<string, unknown>, {
          event: 'workflow_dispatch',
          head_sha: OPS_SHA,
          display_title: title,
        });
        return p;
      };
      await sendDelivery(lanes.url, 'workflow_run', opsRun(92002, `rel-someone-else deploy-staging`));
      await waitFor(async () => (await lanes.store.getRun(92002)) !== undefined, 'decoy applied');
      await lanes.worker.drain();
      assert.notEqual((await stagingOf())?.runId, 92002, 'a run naming another release does not count');
      await sendDelivery(lanes.url, 'workflow_run', opsRun(92003, `${release.id} deploy-staging`));
      const staging = await waitFor(async () => {
        const s = await stagingOf();
        return s?.runId === 92003 ? s : undefined;
      }, 'ops run joined the release');
      assert.equal(staging.status, 'green');
    });
  });
}

// The reconcile loop against the local GitHub stand-in, on both stores: runs and jobs no webhook announced
// are fed through the inbox and applied; a failed App delivery that never reached Lanes is redelivered, one
// Lanes already has is not; a second pass finds nothing; a later webhook for the same run changes nothing
// it should not; gaps found and filled show in /metrics; `POST /api/v1/reconcile` needs admin scope.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { issueToken } from '../src/http/auth.ts';
import type { ReconcileResult } from '../src/contract/views.ts';
import type { LanesProcess } from '../src/server.ts';
import {
  startFakeGitHubApp,
  type FakeGitHubApp,
  type FakeJob,
  type FakeRun,
} from './helpers/fake-github-app.ts';
import {
  sendDelivery,
  startTestLanes,
  STORE_KINDS,
  waitFor,
  workflowRunPayload,
} from './helpers/lanes-harness.ts';

const REPO = 'nata-onl/ops';
const APP_ID = '4711';
const INSTALLATION = 99;
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const WF_FILE = '.github/workflows/build-main-release-assets.yml';
const SHA = 'c'.repeat(40);

function minutesAgo(m: number): string {
  return new Date(Date.now() - m * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// GitHub's list-runs objects carry html_url and run_number like webhook payloads do.
function run(id: number, status: string, conclusion: string | null): FakeRun {
  const r = {
    id,
    name: 'build-main-release-assets',
    path: WF_FILE,
    head_sha: SHA,
    head_branch: 'main',
    event: 'push',
    status,
    conclusion,
    run_attempt: 1,
    run_number: id % 1000,
    html_url: `https://github.com/${REPO}/actions/runs/${id}`,
    created_at: minutesAgo(30),
    run_started_at: minutesAgo(30),
    updated_at: minutesAgo(20),
    repository: { full_name: REPO },
  };
  return r;
}

function job(id: number, runId: number, status: string, conclusion: string | null): FakeJob {
  const j = {
    id,
    run_id: runId,
    run_attempt: 1,
    name: 'build',
    status,
    conclusion,
    head_sha: SHA,
    started_at: minutesAgo(29),
    completed_at: status === 'completed' ? minutesAgo(21) : null,
    html_url: `https://github.com/${REPO}/actions/runs/${runId}/job/${id}`,
    labels: ['ubuntu-latest'],
  };
  return j;
}

function source(r: ReconcileResult, name: string) {
  const s = r.sources.find((x) => x.source === name);
  assert.ok(s, `source ${name} in ${JSON.stringify(r)}`);
  return s;
}

for (const kind of STORE_KINDS) {
  describe(`reconcile on ${kind}`, () => {
    let gh: FakeGitHubApp;
    let lanes: LanesProcess;

    before(async () => {
      gh = await startFakeGitHubApp({ app: { appId: APP_ID, publicKey, installationId: INSTALLATION } });
      lanes = await startTestLanes(kind, {
        githubApiUrl: gh.url,
        githubAppId: APP_ID,
        githubAppPrivateKey: PEM,
        reconcileIntervalS: 0,
      });
    });
    after(async () => {
      await lanes.close();
      await gh.close();
    });

    it('fills runs and jobs no webhook announced, redelivers what never arrived, and is idempotent', async () => {
      gh.runs.set(REPO, [
        run(71001, 'completed', 'success'),
        run(71002, 'in_progress', null),
        { ...run(71003, 'completed', 'success'), path: '.github/workflows/not-in-catalog.yml' },
      ]);
      gh.jobs.set(REPO, [job(81001, 71001, 'completed', 'success'), job(81002, 71002, 'in_progress', null)]);
      // One delivery GitHub handed over, one it could not (Lanes was down), one that failed at GitHub's end
      // although Lanes stored it (e.g. our answer timed out): only the second needs a redelivery.
      const stored = await sendDelivery(
        lanes.url,
        'workflow_run',
        workflowRunPayload({
          runId: 70001,
          workflowFile: 'build-main-release-assets.yml',
          workflowName: 'build-main-release-assets',
          status: 'completed',
          conclusion: 'success',
          startedAt: minutesAgo(50),
          updatedAt: minutesAgo(45),
        }),
      );
      assert.equal(stored.status, 202);
      const base = { redelivery: false, event: 'workflow_run', action: 'completed' };
      gh.deliveries.push(
        { ...base, id: 1, guid: 'guid-ok', delivered_at: minutesAgo(40), status: 'OK', status_code: 200 },
        {
          ...base,
          id: 2,
          guid: 'guid-lost',
          delivered_at: minutesAgo(35),
          status: 'Invalid HTTP Response: 503',
          status_code: 503,
        },
        {
          ...base,
          id: 3,
          guid: stored.guid,
          delivered_at: minutesAgo(45),
          status: 'timed out',
          status_code: 0,
        },
      );

      assert.ok(lanes.reconciler, 'a reconciler exists with App credentials');
      const first = await lanes.reconciler.runOnce();
      const deliveries = source(first, 'app-deliveries');
      assert.deepEqual([deliveries.found, deliveries.filled, deliveries.error], [1, 1, null]);
      assert.deepEqual(gh.redelivered, [2], 'only the delivery Lanes never stored is redelivered');
      const runs = source(first, `runs:${REPO}`);
      assert.equal(runs.checked, 2, 'runs of workflows outside the catalog are not compared');
      assert.deepEqual([runs.found, runs.filled], [4, 4], 'two runs and two jobs were missing');

      const applied = await waitFor(async () => {
        const r = await lanes.store.getRun(71002);
        const jobs = await lanes.store.listJobs([71001, 71002]);
        return r && jobs.length === 2 ? { r, jobs } : undefined;
      }, 'reconciled runs and jobs applied');
      assert.equal(applied.r.status, 'in_progress');
      assert.equal((await lanes.store.getRun(71001))?.conclusion, 'success');
      assert.equal(await lanes.store.getRun(71003), undefined);

      // GitHub's redelivery reached Lanes this time: it lists as a successful attempt of the same GUID.
      gh.deliveries.push({
        ...base,
        id: 4,
        guid: 'guid-lost',
        delivered_at: minutesAgo(1),
        redelivery: true,
        status: 'OK',
        status_code: 200,
      });
      const second = await lanes.reconciler.runOnce();
      assert.deepEqual(
        second.sources.map((s) => [s.source, s.found, s.filled]),
        [
          ['app-deliveries', 0, 0],
          [`runs:${REPO}`, 0, 0],
        ],
        'a second pass finds nothing',
      );
      assert.deepEqual(gh.redelivered, [2]);

      // The run finishes; GitHub's webhook for it arrives late and wins; the stale reconciled state does not.
      const done = await sendDelivery(
        lanes.url,
        'workflow_run',
        workflowRunPayload({
          runId: 71002,
          workflowFile: 'build-main-release-assets.yml',
          workflowName: 'build-main-release-assets',
          status: 'completed',
          conclusion: 'failure',
          startedAt: minutesAgo(30),
          updatedAt: minutesAgo(0),
          sha: SHA,
        }),
      );
      assert.equal(done.status, 202);
      await waitFor(
        async () => (await lanes.store.getRun(71002))?.status === 'completed',
        'webhook applied after reconcile',
      );
      assert.equal((await lanes.store.getRun(71002))?.conclusion, 'failure');

      const metrics = await (await fetch(`${lanes.url}/metrics`)).text();
      assert.match(metrics, new RegExp(`lanes_reconcile_gaps_found_total\\{source="runs:${REPO}"\\} 4`));
      assert.match(metrics, /lanes_reconcile_gaps_filled_total\{source="app-deliveries"\} 1/);
    });

    it('POST /api/v1/reconcile runs a pass for an admin and refuses an operate token', async () => {
      const admin = await issueToken(lanes.store, {
        personId: 'alice',
        name: 'ops',
        scope: 'admin',
        now: new Date(),
      });
      const operate = await issueToken(lanes.store, {
        personId: 'alice',
        name: 'ci',
        scope: 'operate',
        now: new Date(),
      });
      const call = (token: string) =>
        fetch(`${lanes.url}/api/v1/reconcile`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: '{}',
        });
      const refused = await call(operate.token);
      assert.equal(refused.status, 403);
      const ok = await call(admin.token);
      assert.equal(ok.status, 200);
      const body = (await ok.json()) as ReconcileResult;
      assert.deepEqual(
        body.sources.map((s) => s.source),
        ['app-deliveries', `runs:${REPO}`],
      );
    });
  });
}

// Delivery → facts, over GitHub's published example payloads (@octokit/webhooks-examples, loaded, not copied),
// the documented deployment_protection_rule payload (test/fixtures), hostile inputs, and the workflow mapping.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  normaliseDelivery,
  reviewPathFromCallbackUrl,
  SUPPORTED_EVENTS,
  type NormaliseContext,
} from '../src/github/normalise-event.ts';
import { makeWorkflowResolver, normaliseWorkflowPath } from '../src/github/workflow-mapping.ts';
import { loadCatalogFile, formatCatalogError } from '../src/catalog/load-catalog.ts';
import type { NormalisedFact, NormaliseResult } from '../src/core/run-model.ts';

type Example = Record<string, unknown>;
const require = createRequire(import.meta.url);
const INDEX = require('@octokit/webhooks-examples') as { name: string; examples: Example[] }[];

function examplesOf(event: string): Example[] {
  const e = INDEX.find((x) => x.name === event);
  assert.ok(e && e.examples.length > 0, `no examples for ${event}`);
  return e.examples;
}

const RECEIVED_AT = '2026-03-12T09:45:00.000Z';

function loadExampleCatalog() {
  const r = loadCatalogFile('examples/ops/lanes.yaml');
  assert.ok(r.ok, r.ok ? '' : r.errors.map(formatCatalogError).join('\n'));
  return r.catalog;
}
const catalog = loadExampleCatalog();
const ctx: NormaliseContext = { resolveWorkflow: makeWorkflowResolver(catalog), receivedAt: RECEIVED_AT };

function ok(event: string, payload: unknown, c: NormaliseContext = ctx): NormalisedFact[] {
  const r = normaliseDelivery(event, payload, c);
  assert.ok(r.ok, r.ok ? '' : `${event}: ${r.reason}: ${r.detail}`);
  return r.facts;
}

function notOk(
  event: string,
  payload: unknown,
  c: NormaliseContext = ctx,
): Extract<NormaliseResult, { ok: false }> {
  let r: NormaliseResult | undefined;
  assert.doesNotThrow(() => {
    r = normaliseDelivery(event, payload, c);
  });
  assert.ok(r);
  assert.equal(r.ok, false, `${event} should be refused: ${JSON.stringify(r).slice(0, 300)}`);
  return r as Extract<NormaliseResult, { ok: false }>;
}

function only<K extends NormalisedFact['kind']>(
  facts: NormalisedFact[],
  kind: K,
): Extract<NormalisedFact, { kind: K }> {
  const f = facts.filter((x): x is Extract<NormalisedFact, { kind: K }> => x.kind === kind);
  assert.equal(f.length, 1, `expected one ${kind} fact, got ${facts.map((x) => x.kind).join(',')}`);
  return f[0]!;
}

const iso = (s: unknown): string => new Date(s as string).toISOString();
const get = (o: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>(
    (v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
    o,
  );
const clone = <T>(x: T): T => structuredClone(x);

function assertIsoTimes(facts: NormalisedFact[]): void {
  // Every time-looking field of every fact is a canonical ISO UTC string.
  const walk = (v: unknown, at: string): void => {
    if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${at}.${k}`);
    else if (/(At|at)$/.test(at) && v !== null) {
      assert.equal(typeof v, 'string', at);
      assert.equal(new Date(v as string).toISOString(), v, at);
    }
  };
  walk(facts, 'facts');
}

// ---------------------------------------------------------------------------------------------------------

void describe('workflow_run examples', () => {
  const examples = examplesOf('workflow_run');

  void test('every example normalises to one run fact matching the payload', () => {
    for (const x of examples) {
      const wr = x.workflow_run as Record<string, unknown>;
      const run = only(ok('workflow_run', x), 'run').run;
      assert.equal(run.runId, wr.id);
      assert.equal(run.headSha, wr.head_sha);
      assert.equal(run.status, wr.status);
      assert.equal(run.conclusion, wr.conclusion);
      assert.equal(run.runNumber, wr.run_number);
      assert.equal(run.event, wr.event);
      assert.equal(run.headBranch, wr.head_branch);
      assert.equal(run.runAttempt, (wr.run_attempt as number | undefined) ?? 1);
      assert.equal(run.updatedAt, iso(wr.updated_at));
      assert.equal(run.runStartedAt, iso(wr.run_started_at ?? wr.created_at));
      assert.equal(run.repo, get(x, 'repository', 'full_name'));
      assert.equal(run.htmlUrl, wr.html_url);
      assert.equal(run.environment, null);
      assert.equal(run.workflowId, null); // none of GitHub's example workflows is in our catalog
    }
  });

  void test('spot checks', () => {
    const [first, , , , last] = examples;
    const a = only(ok('workflow_run', first), 'run').run;
    assert.equal(a.runId, 1589141559);
    assert.equal(a.workflowPath, '.github/workflows/syntax.yml'); // only on the top-level `workflow` object
    assert.equal(a.workflowName, 'Manually triggered workflow');
    assert.equal(a.status, 'queued');
    assert.equal(a.conclusion, null);
    assert.equal(a.event, 'workflow_dispatch');
    assert.equal(a.headSha, '5779607b49aab1200488439f02372c57b4f75444');
    assert.equal(a.runStartedAt, '2021-12-16T19:37:22.000Z');
    assert.equal(a.actor, null);
    const b = only(ok('workflow_run', last), 'run').run;
    assert.equal(b.runId, 289782451);
    assert.equal(b.workflowPath, '.github/workflows/test.yml');
    assert.equal(b.conclusion, 'action_required');
    assert.equal(b.actor, 'Codertocat');
    assert.equal(b.updatedAt, '2020-10-05T16:33:24.000Z');
    assert.equal(b.runStartedAt, '2020-10-05T16:33:49.000Z');
  });

  void test('maps to the catalog workflow by path, by path@ref, and by name only when no path is known', () => {
    const x = clone(examples[1]!);
    const wr = x.workflow_run as Record<string, unknown>;
    wr.path = '.github/workflows/deploy-staging.yml';
    wr.name = 'whatever';
    assert.equal(only(ok('workflow_run', x), 'run').run.workflowId, 'WF-04');
    wr.path = '.github/workflows/release-prod-pulse.yml@refs/heads/main';
    const run = only(ok('workflow_run', x), 'run').run;
    assert.equal(run.workflowId, 'WF-08');
    assert.equal(run.workflowPath, '.github/workflows/release-prod-pulse.yml'); // stored without the @ref
    // A file outside the catalog does not become a catalog workflow by borrowing its name.
    wr.path = '.github/workflows/pr-added.yml';
    wr.name = 'deploy-staging';
    assert.equal(only(ok('workflow_run', x), 'run').run.workflowId, null);
  });

  void test('run_attempt, run_started_at fallbacks and re-runs', () => {
    const x = clone(examples[1]!);
    const wr = x.workflow_run as Record<string, unknown>;
    delete wr.run_attempt;
    delete wr.run_started_at;
    const run = only(ok('workflow_run', x), 'run').run;
    assert.equal(run.runAttempt, 1);
    assert.equal(run.runStartedAt, iso(wr.created_at));
    wr.run_attempt = 3;
    wr.run_started_at = '2020-10-05T18:00:00+02:00';
    const again = only(ok('workflow_run', x), 'run').run;
    assert.equal(again.runAttempt, 3);
    assert.equal(again.runStartedAt, '2020-10-05T16:00:00.000Z'); // normalised to UTC
  });
});

void describe('workflow_job examples', () => {
  const examples = examplesOf('workflow_job');

  void test('every example → a job fact and an evidence fact keyed job:<id>', () => {
    for (const x of examples) {
      const wj = x.workflow_job as Record<string, unknown>;
      const facts = ok('workflow_job', x);
      assert.equal(facts.length, 2);
      const job = only(facts, 'job');
      const ev = only(facts, 'evidence').evidence;
      assert.equal(job.job.jobId, wj.id);
      assert.equal(job.job.runId, wj.run_id);
      assert.equal(job.job.name, wj.name);
      assert.equal(job.job.status, wj.status);
      assert.equal(job.job.runAttempt, (wj.run_attempt as number | undefined) ?? 1);
      assert.equal(job.job.updatedAt, iso(wj.completed_at ?? wj.started_at ?? wj.created_at));
      assert.deepEqual(job.job.labels, wj.labels);
      assert.equal(job.repo, get(x, 'repository', 'full_name'));
      assert.equal(job.workflowName, wj.workflow_name ?? null);
      assert.equal(ev.key, `job:${String(wj.id)}`);
      assert.equal(ev.check, wj.name);
      assert.equal(ev.sha, wj.head_sha);
      assert.equal(ev.runId, wj.run_id);
      assert.equal(ev.source, 'job');
      assert.equal(ev.laneId, null);
      assert.equal(ev.recordedAt, job.job.updatedAt);
      assertIsoTimes(facts);
    }
  });

  void test('outcomes: completed failure → failed, success → passed, running/queued/waiting → pending', () => {
    const outcome = (x: Example) => only(ok('workflow_job', x), 'evidence').evidence.outcome;
    const byAction = (a: string) => examples.filter((x) => x.action === a);
    const completed = byAction('completed');
    assert.deepEqual(
      completed.map((x) => [get(x, 'workflow_job', 'conclusion'), outcome(x)]),
      [
        ['failure', 'failed'],
        ['success', 'passed'],
      ],
    );
    for (const a of ['in_progress', 'queued', 'waiting'])
      for (const x of byAction(a)) assert.equal(outcome(x), 'pending', a);
    const failed = only(ok('workflow_job', completed[0]), 'evidence').evidence;
    assert.equal(failed.key, 'job:289782451');
    assert.equal(failed.check, 'linters');
    assert.equal(failed.runId, 2202229078);
    assert.equal(failed.recordedAt, '2021-08-05T10:38:16.000Z');
  });

  void test('skipped → pending (did not run, so neither proof nor failure); neutral → passed; cancelled → failed', () => {
    const x = clone(examples.find((e) => e.action === 'completed')!);
    const wj = x.workflow_job as Record<string, unknown>;
    const expect: [string, string][] = [
      ['skipped', 'pending'],
      ['neutral', 'passed'],
      ['cancelled', 'failed'],
      ['timed_out', 'failed'],
      ['startup_failure', 'failed'],
    ];
    for (const [conclusion, outcome] of expect) {
      wj.conclusion = conclusion;
      const ev = only(ok('workflow_job', x), 'evidence').evidence;
      assert.equal(ev.outcome, outcome, conclusion);
      assert.equal(ev.details, conclusion);
    }
  });

  void test('the job environment comes from the payload deployment when there is one', () => {
    const withDeployment = examples.find((x) => x.deployment !== undefined);
    assert.ok(withDeployment);
    const job = only(ok('workflow_job', withDeployment), 'job');
    assert.equal(job.environment, 'Test');
    assert.equal(job.job.status, 'waiting');
    assert.equal(job.job.runnerName, null);
    const plain = only(ok('workflow_job', examples[0]), 'job');
    assert.equal(plain.environment, null);
    assert.equal(plain.job.runAttempt, 1); // this example has no run_attempt
  });
});

void describe('check_run examples', () => {
  const examples = examplesOf('check_run');

  void test('every example → one evidence fact keyed check_run:<id>, check = name', () => {
    for (const x of examples) {
      const cr = x.check_run as Record<string, unknown>;
      const ev = only(ok('check_run', x), 'evidence').evidence;
      assert.equal(ev.key, `check_run:${String(cr.id)}`);
      assert.equal(ev.check, cr.name);
      assert.equal(ev.sha, cr.head_sha);
      assert.equal(ev.source, 'check_run');
      assert.equal(ev.url, cr.html_url);
      assert.equal(ev.recordedAt, iso(cr.completed_at ?? cr.started_at));
      const expected =
        cr.status !== 'completed' ? 'pending' : cr.conclusion === 'failure' ? 'failed' : 'passed'; // examples: success, neutral, failure
      assert.equal(ev.outcome, expected, `${String(cr.status)}/${String(cr.conclusion)}`);
    }
  });

  void test('spot checks', () => {
    const failed = examples.find((x) => get(x, 'check_run', 'conclusion') === 'failure')!;
    const ev = only(ok('check_run', failed), 'evidence').evidence;
    assert.equal(ev.key, 'check_run:128620228');
    assert.equal(ev.check, 'Octocoders-linter');
    assert.equal(ev.outcome, 'failed');
    assert.equal(ev.sha, 'ec26c3e57ca3a959ca5aad62de7213c562f8c821');
    const neutral = only(
      ok(
        'check_run',
        examples.find((x) => get(x, 'check_run', 'conclusion') === 'neutral'),
      ),
      'evidence',
    );
    assert.equal(neutral.evidence.outcome, 'passed');
    assert.equal(neutral.evidence.details, 'Report'); // output.title
  });
});

void describe('push, create, delete', () => {
  void test('push examples → ref facts; deletions have sha null; time is repository.pushed_at', () => {
    for (const x of examplesOf('push')) {
      const ref = only(ok('push', x), 'ref').ref;
      assert.equal(ref.repo, 'Codertocat/Hello-World');
      assert.equal(ref.ref, x.ref);
      assert.equal(ref.sha, x.deleted === true ? null : x.after);
      assert.equal(
        ref.updatedAt,
        new Date((get(x, 'repository', 'pushed_at') as number) * 1000).toISOString(),
      );
    }
    const tag = examplesOf('push').find((x) => x.ref === 'refs/tags/simple-tag' && x.created === true)!;
    assert.deepEqual(only(ok('push', tag), 'ref').ref, {
      repo: 'Codertocat/Hello-World',
      ref: 'refs/tags/simple-tag',
      sha: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
      updatedAt: '2019-05-15T15:20:57.000Z',
    });
  });

  void test('push without pushed_at falls back to the receipt time', () => {
    const x = clone(examplesOf('push')[0]!);
    delete (x.repository as Record<string, unknown>).pushed_at;
    assert.equal(only(ok('push', x), 'ref').ref.updatedAt, RECEIVED_AT);
  });

  void test('create examples are valid but yield no fact (no sha in the payload)', () => {
    for (const x of examplesOf('create')) assert.deepEqual(ok('create', x), []);
    const bad = clone(examplesOf('create')[0]!);
    bad.ref_type = 'repository';
    assert.equal(notOk('create', bad).reason, 'missing_fields');
  });

  void test('delete examples → ref fact with sha null', () => {
    for (const x of examplesOf('delete')) {
      assert.deepEqual(only(ok('delete', x), 'ref').ref, {
        repo: 'Codertocat/Hello-World',
        ref: 'refs/tags/simple-tag',
        sha: null,
        updatedAt: '2019-05-15T15:20:57.000Z',
      });
    }
    const branch = clone(examplesOf('delete')[0]!);
    branch.ref_type = 'branch';
    branch.ref = 'feature/x';
    assert.equal(only(ok('delete', branch), 'ref').ref.ref, 'refs/heads/feature/x');
  });
});

void describe('release examples', () => {
  void test('every example → a release fact', () => {
    for (const x of examplesOf('release')) {
      const f = only(ok('release', x), 'release');
      assert.equal(f.repo, 'Codertocat/Hello-World');
      assert.equal(f.tag, '0.0.1');
      assert.equal(f.action, x.action);
      assert.equal(f.sha, null); // target_commitish is "master", a branch, not a sha
      assert.equal(f.name, null); // "" and null names
      const rel = x.release as Record<string, unknown>;
      const expectedAt =
        x.action === 'created'
          ? iso(rel.created_at)
          : ['published', 'released', 'prereleased'].includes(x.action as string)
            ? iso(rel.published_at)
            : RECEIVED_AT;
      assert.equal(f.at, expectedAt, String(x.action));
    }
  });

  void test('a sha target_commitish is kept', () => {
    const x = clone(examplesOf('release')[0]!);
    (x.release as Record<string, unknown>).target_commitish = '6113728f27ae82c7b1a177c8d03f9e96e0adf246';
    (x.release as Record<string, unknown>).name = 'v0.0.1';
    const f = only(ok('release', x), 'release');
    assert.equal(f.sha, '6113728f27ae82c7b1a177c8d03f9e96e0adf246');
    assert.equal(f.name, 'v0.0.1');
  });
});

void describe('deployment and deployment_status examples', () => {
  void test('deployment → deployment fact, state created, run id when the payload has workflow_run', () => {
    for (const x of examplesOf('deployment')) {
      const d = only(ok('deployment', x), 'deployment').deployment;
      const dep = x.deployment as Record<string, unknown>;
      assert.equal(d.deploymentId, 145988746);
      assert.equal(d.environment, dep.environment);
      assert.equal(d.sha, 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e');
      assert.equal(d.ref, dep.ref);
      assert.equal(d.state, 'created');
      assert.equal(d.updatedAt, iso(dep.created_at));
      assert.equal(d.runId, (get(x, 'workflow_run', 'id') as number | undefined) ?? null);
    }
    const pages = examplesOf('deployment').find((x) => x.workflow_run)!;
    const d = only(ok('deployment', pages), 'deployment').deployment;
    assert.equal(d.runId, 289782451);
    assert.equal(d.environment, 'github-pages');
  });

  void test('deployment_status → deployment fact with deployment_status.state', () => {
    for (const x of examplesOf('deployment_status')) {
      const d = only(ok('deployment_status', x), 'deployment').deployment;
      assert.equal(d.deploymentId, 145988746);
      assert.equal(d.state, get(x, 'deployment_status', 'state'));
      assert.equal(d.updatedAt, iso(get(x, 'deployment_status', 'updated_at')));
      assert.equal(d.environment, get(x, 'deployment', 'environment'));
    }
    const states = examplesOf('deployment_status').map(
      (x) => only(ok('deployment_status', x), 'deployment').deployment.state,
    );
    assert.ok(states.includes('success') && states.includes('in_progress'));
  });
});

void describe('GHES example payloads', () => {
  void test('every supported-event example of every GHES version normalises', () => {
    let n = 0;
    for (const v of ['ghes-31', 'ghes-32', 'ghes-33', 'ghes-34', 'ghes-35']) {
      const file = require.resolve(`@octokit/webhooks-examples/${v}/index.json`);
      const idx = JSON.parse(readFileSync(file, 'utf8')) as { name: string; examples: Example[] }[];
      for (const e of idx.filter((i) => (SUPPORTED_EVENTS as readonly string[]).includes(i.name))) {
        for (const x of e.examples) {
          ok(e.name, x);
          n++;
        }
      }
    }
    assert.ok(n >= 40, `only ${n} GHES examples`);
  });
});

// ---------------------------------------------------------------------------------------------------------

void describe('deployment_protection_rule (documented payload, test/fixtures)', () => {
  const fixture = JSON.parse(
    readFileSync('test/fixtures/deployment_protection_rule.requested.json', 'utf8'),
  ) as Example;
  const REVIEW = '/repos/octo-org/octo-repo/actions/runs/8123456789/deployment_protection_rule';
  const withUrl = (url: unknown): Example => ({ ...clone(fixture), deployment_callback_url: url });

  void test('the fixture → a protection request with a relative review path', () => {
    const r = only(ok('deployment_protection_rule', fixture), 'protection_request').request;
    assert.deepEqual(r, {
      repo: 'octo-org/octo-repo',
      runId: 8123456789,
      environment: 'prod-ops',
      sha: '9f2c4a7e1b3d5f60718293a4b5c6d7e8f9012345',
      ref: 'refs/tags/v1.4.0',
      deploymentId: 1634567890,
      reviewPath: REVIEW,
      installationId: 25381946,
      requestedAt: RECEIVED_AT,
    });
  });

  void test('sha/ref fall back to the deployment; deployment may be null', () => {
    const x = clone(fixture);
    delete x.sha;
    delete x.ref;
    const r = only(ok('deployment_protection_rule', x), 'protection_request').request;
    assert.equal(r.sha, '9f2c4a7e1b3d5f60718293a4b5c6d7e8f9012345');
    assert.equal(r.ref, 'v1.4.0');
    x.deployment = null;
    const r2 = only(ok('deployment_protection_rule', x), 'protection_request').request;
    assert.equal(r2.deploymentId, null);
    assert.equal(r2.sha, null);
  });

  void test('another host is fine, the GHES /api/v3 prefix is stripped, and no host is ever kept', () => {
    for (const url of [
      'https://ghe.internal.example/api/v3/repos/octo-org/octo-repo/actions/runs/8123456789/deployment_protection_rule',
      'https://evil.example:8443/repos/octo-org/octo-repo/actions/runs/8123456789/deployment_protection_rule',
      'http://127.0.0.1/repos/octo-org/octo-repo/actions/runs/8123456789/deployment_protection_rule',
      // Owner and repository names are case-insensitive at GitHub; the kept path uses the payload's full_name.
      'https://api.github.com/repos/Octo-Org/Octo-Repo/actions/runs/8123456789/deployment_protection_rule',
    ]) {
      const facts = ok('deployment_protection_rule', withUrl(url));
      assert.equal(only(facts, 'protection_request').request.reviewPath, REVIEW, url);
      const text = JSON.stringify(facts);
      for (const host of ['ghe.internal', 'evil.example', '127.0.0.1', 'api.github.com', 'http'])
        assert.ok(!text.includes(host), host);
    }
  });

  void test('callback URL attacks are refused', () => {
    const base = 'https://api.github.com';
    const path = '/repos/octo-org/octo-repo/actions/runs/8123456789/deployment_protection_rule';
    const attacks: unknown[] = [
      `${base}/repos/octo-org/other-repo/actions/runs/8123456789/deployment_protection_rule`, // other repo
      `${base}/repos/evil/octo-repo/actions/runs/8123456789/deployment_protection_rule`, // other owner
      `${base}${path}?next=/repos/evil/x`, // query
      `${base}${path}?`, // empty query
      `${base}${path}#frag`,
      `${base}${path}/`,
      `${base}${path}/../../../../../../repos/evil/x/actions/runs/1/deployment_protection_rule`,
      `${base}/repos/evil/x/../../octo-org/octo-repo/actions/runs/8123456789/deployment_protection_rule`, // resolves to our path
      `${base}/repos/octo-org/octo-repo/actions/runs/8123456789/../1/deployment_protection_rule`,
      `${base}/repos/octo-org/./octo-repo/actions/runs/8123456789/deployment_protection_rule`,
      `${base}/repos/octo-org/../actions/runs/8123456789/deployment_protection_rule`,
      `${base}/repos/octo-org%2Focto-repo/actions/runs/8123456789/deployment_protection_rule`, // encoded slash
      `${base}/repos/octo-org/octo-repo%2F..%2F..%2Fevil/actions/runs/8123456789/deployment_protection_rule`,
      `${base}/repos/octo-org/%2e%2e/actions/runs/8123456789/deployment_protection_rule`,
      `${base}/repos/octo-org/octo-repo/actions/runs/abc/deployment_protection_rule`, // non-numeric run id
      `${base}/repos/octo-org/octo-repo/actions/runs/-1/deployment_protection_rule`,
      `${base}/repos/octo-org/octo-repo/actions/runs/0/deployment_protection_rule`,
      `${base}/repos/octo-org/octo-repo/actions/runs/0123/deployment_protection_rule`,
      `${base}/repos/octo-org/octo-repo/actions/runs/1e9/deployment_protection_rule`,
      `${base}/repos/octo-org/octo-repo/actions/runs/99999999999999999999/deployment_protection_rule`,
      `${base}/repos/octo-org/octo-repo/actions/runs/%31/deployment_protection_rule`,
      `${base}/repos/octo-org/octo-repo/actions/runs/8123456789/approve`,
      `${base}/repos/octo-org/octo-repo/actions/runs/8123456789/deployment_protection_rule/x`,
      `${base}/api/v4/repos/octo-org/octo-repo/actions/runs/8123456789/deployment_protection_rule`,
      `${base}/api/v3/api/v3${path}`,
      `${base}/x${path}`,
      `${base}/${path}`, // double slash
      `${base}\\repos\\octo-org\\octo-repo\\actions\\runs\\8123456789\\deployment_protection_rule`,
      `https://user:pass@api.github.com${path}`,
      `https://api.github.com@evil.example${path}`,
      `javascript:alert(1)//${path}`,
      `file://${path}`,
      `//api.github.com${path}`,
      path, // relative: no scheme and host at all
      ` ${base}${path}`,
      `${base}${path} `,
      `${base}${path}\n`,
      '',
      42,
      null,
      ['x'],
      { href: `${base}${path}` },
    ];
    for (const url of attacks) {
      const r = notOk('deployment_protection_rule', withUrl(url));
      assert.equal(r.reason, 'missing_fields', JSON.stringify(url));
    }
    const missing = clone(fixture);
    delete missing.deployment_callback_url;
    notOk('deployment_protection_rule', missing);
  });

  void test('the repository the URL must match is the payload’s own, and must be well formed', () => {
    const x = clone(fixture);
    (x.repository as Record<string, unknown>).full_name = 'octo-org/other-repo';
    notOk('deployment_protection_rule', x); // URL names octo-org/octo-repo
    for (const fullName of [
      'octo-org/octo-repo/x',
      'octo-org',
      '../octo-repo',
      'octo-org/..',
      'octo org/octo-repo',
      '',
    ]) {
      const y = clone(fixture);
      (y.repository as Record<string, unknown>).full_name = fullName;
      notOk('deployment_protection_rule', y);
    }
    const z = clone(fixture);
    delete z.repository;
    notOk('deployment_protection_rule', z);
  });

  void test('a workflow_run id that disagrees with the callback URL is refused; other actions too', () => {
    notOk('deployment_protection_rule', { ...clone(fixture), workflow_run: { id: 1 } });
    ok('deployment_protection_rule', { ...clone(fixture), workflow_run: { id: 8123456789 } });
    notOk('deployment_protection_rule', { ...clone(fixture), action: 'approved' });
    notOk('deployment_protection_rule', { ...clone(fixture), environment: '' });
  });

  void test('reviewPathFromCallbackUrl directly', () => {
    assert.deepEqual(
      reviewPathFromCallbackUrl(
        'https://api.github.com/repos/o/r/actions/runs/1/deployment_protection_rule',
        'o/r',
      ),
      { reviewPath: '/repos/o/r/actions/runs/1/deployment_protection_rule', runId: 1 },
    );
    assert.equal(
      reviewPathFromCallbackUrl(
        'https://api.github.com/repos/o/r/actions/runs/1/deployment_protection_rule',
        'o/s',
      ),
      null,
    );
  });
});

// ---------------------------------------------------------------------------------------------------------

void describe('hostile and malformed input never throws', () => {
  const run = examplesOf('workflow_run')[1]!;

  void test('non-objects → not_an_object', () => {
    for (const p of [null, undefined, [], [run], 'x', '{}', 42, true, Symbol('s'), () => 1]) {
      assert.equal(notOk('workflow_run', p).reason, 'not_an_object', String(typeof p));
    }
  });

  void test('pull_request → the PR head as a ref (refs/pull/N/head), from every published example', () => {
    for (const p of examplesOf('pull_request')) {
      const r = normaliseDelivery('pull_request', p, ctx);
      assert.ok(r.ok, JSON.stringify(r));
      const fact = r.facts[0];
      assert.equal(fact?.kind, 'ref');
      const pr = (p as { pull_request: { number: number; head: { sha: string } }; action: string })
        .pull_request;
      if (fact?.kind === 'ref') {
        assert.equal(fact.ref.ref, `refs/pull/${pr.number}/head`);
        assert.equal(fact.ref.sha, (p as { action: string }).action === 'closed' ? null : pr.head.sha);
      }
    }
  });

  void test('unknown events → unsupported_event, whatever the payload', () => {
    for (const e of ['ping', 'issues', '', 'WORKFLOW_RUN', 'constructor', '__proto__', 'toString']) {
      assert.equal(notOk(e, run).reason, 'unsupported_event', e);
    }
    assert.equal(notOk(42 as unknown as string, run).reason, 'unsupported_event');
  });

  void test('{} and missing parts → missing_fields for every event', () => {
    for (const e of SUPPORTED_EVENTS) assert.equal(notOk(e, {}).reason, 'missing_fields', e);
    const noRepo = clone(run);
    delete noRepo.repository;
    assert.match(notOk('workflow_run', noRepo).detail, /repository/);
    const noRun = clone(run);
    delete noRun.workflow_run;
    assert.match(notOk('workflow_run', noRun).detail, /workflow_run/);
    notOk('workflow_run', { ...clone(run), workflow_run: 'x' });
    notOk('workflow_run', { ...clone(run), workflow_run: [] });
    notOk('workflow_run', { ...clone(run), repository: { full_name: 42 } });
  });

  void test('wrong types in workflow_run → missing_fields', () => {
    const cases: [string, unknown][] = [
      ['id', '289782451'],
      ['id', 1.5],
      ['id', -3],
      ['id', Number.MAX_SAFE_INTEGER + 2],
      ['id', null],
      ['run_attempt', '2'],
      ['run_attempt', 0],
      ['head_sha', 'not-a-sha'],
      ['head_sha', 'ABCDEF0123456789ABCDEF0123456789ABCDEF01'],
      ['status', 'exploded'],
      ['status', 5],
      ['conclusion', 'mostly_fine'],
      ['path', 42],
      ['path', '@refs/heads/main'],
      ['html_url', 'javascript:alert(1)'],
      ['event', { x: 1 }],
      ['head_branch', ['main']],
      ['name', 'x'.repeat(100_000)],
    ];
    for (const [k, v] of cases) {
      const x = clone(run);
      (x.workflow_run as Record<string, unknown>)[k] = v;
      assert.equal(
        notOk('workflow_run', x).reason,
        'missing_fields',
        `${k}=${JSON.stringify(v)?.slice(0, 40)}`,
      );
    }
  });

  void test('invalid dates → missing_fields', () => {
    const bad: unknown[] = [
      'not a date',
      '',
      '2020-13-45T99:99:99Z',
      '2020-02-30T10:00:00', // no zone
      '2020-10-05',
      'Mon, 05 Oct 2020 16:33:49 GMT',
      '1',
      1601915629,
      {},
      '+275760-09-13T00:00:01Z',
    ];
    for (const v of bad) {
      const x = clone(run);
      (x.workflow_run as Record<string, unknown>).updated_at = v;
      notOk('workflow_run', x);
      const j = clone(examplesOf('workflow_job')[1]!);
      (j.workflow_job as Record<string, unknown>).completed_at = v;
      notOk('workflow_job', j);
    }
    notOk('workflow_run', run, { ...ctx, receivedAt: 'yesterday' });
  });

  void test('a 10k-deep nested object parsed from JSON', () => {
    const depth = 10_000;
    const deep = JSON.parse('{"a":'.repeat(depth) + '1' + '}'.repeat(depth)) as unknown;
    for (const e of SUPPORTED_EVENTS) notOk(e, deep);
    notOk('workflow_run', { ...clone(run), workflow_run: deep });
    notOk('workflow_run', { ...clone(run), repository: deep });
    const arr = JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown;
    notOk('workflow_job', { ...clone(examplesOf('workflow_job')[0]!), workflow_job: arr });
    // Deep junk beside valid fields is simply ignored.
    const facts = ok('workflow_run', { ...clone(run), extra: deep });
    assert.equal(only(facts, 'run').run.runId, 289782451);
  });

  void test('huge payloads: many keys and long arrays', () => {
    const x = clone(run) as Record<string, unknown>;
    for (let i = 0; i < 50_000; i++) x[`k${i}`] = i;
    assert.equal(only(ok('workflow_run', x), 'run').run.runId, 289782451);
    const j = clone(examplesOf('workflow_job')[1]!);
    (j.workflow_job as Record<string, unknown>).labels = Array.from({ length: 100_000 }, (_, i) => `l${i}`);
    assert.equal(only(ok('workflow_job', j), 'job').job.labels.length, 100);
  });

  void test('exotic objects: throwing getters, proxies, a throwing resolver, prototype keys', () => {
    const x = clone(run);
    Object.defineProperty(x.workflow_run, 'id', {
      get() {
        throw new Error('boom');
      },
      enumerable: true,
    });
    notOk('workflow_run', x);
    const trap = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
        has() {
          throw new Error('trap');
        },
        getOwnPropertyDescriptor() {
          throw new Error('trap');
        },
      },
    );
    for (const e of SUPPORTED_EVENTS) notOk(e, trap);
    notOk('workflow_run', run, {
      receivedAt: RECEIVED_AT,
      resolveWorkflow: () => {
        throw new Error('resolver');
      },
    });
    // Inherited keys are not payload fields.
    const proto = Object.create({
      repository: { full_name: 'o/r' },
      workflow_run: run.workflow_run,
    }) as Example;
    notOk('workflow_run', proto);
  });

  void test('fuzz: every field of every example, replaced by hostile values, never throws and never yields bad times', () => {
    const hostile: unknown[] = [
      null,
      '',
      'x',
      -1,
      0,
      1.5,
      true,
      [],
      {},
      '2020-13-01T00:00:00Z',
      'javascript:x',
    ];
    let calls = 0;
    for (const e of SUPPORTED_EVENTS) {
      const payloads =
        e === 'deployment_protection_rule'
          ? [
              JSON.parse(
                readFileSync('test/fixtures/deployment_protection_rule.requested.json', 'utf8'),
              ) as Example,
            ]
          : examplesOf(e);
      for (const p of payloads) {
        for (const top of Object.keys(p)) {
          const sub = p[top];
          const keys = sub && typeof sub === 'object' && !Array.isArray(sub) ? Object.keys(sub) : [];
          // Shallow copies: only the touched level is new, the rest is shared (and never mutated).
          for (const v of hostile) {
            check(e, { ...p, [top]: v });
            for (const k of keys) check(e, { ...p, [top]: { ...(sub as Record<string, unknown>), [k]: v } });
          }
          const { [top]: _dropped, ...rest } = p;
          check(e, rest);
        }
      }
    }
    assert.ok(calls > 5_000, `only ${calls} cases`);

    function check(e: string, payload: unknown): void {
      calls++;
      let r: NormaliseResult | undefined;
      assert.doesNotThrow(() => {
        r = normaliseDelivery(e, payload, ctx);
      });
      assert.ok(r);
      if (r.ok) assertIsoTimes(r.facts);
      else assert.ok(['unsupported_event', 'missing_fields', 'not_an_object'].includes(r.reason));
    }
  });
});

// ---------------------------------------------------------------------------------------------------------

void describe('workflow mapping', () => {
  const resolve = makeWorkflowResolver(catalog);

  void test('by path, path@ref and ./path', () => {
    assert.equal(resolve('.github/workflows/ci-pr-fast.yml', null), 'WF-01');
    assert.equal(resolve('.github/workflows/deploy-staging.yml', 'ignored'), 'WF-04');
    assert.equal(resolve('.github/workflows/rollback-prod-pulse.yml@refs/heads/main', null), 'WF-11');
    assert.equal(resolve('.github/workflows/post-release-verify.yml@refs/tags/v1.4.0', null), 'WF-09');
    assert.equal(resolve('./.github/workflows/prod-db-preflight.yml', null), 'WF-06');
  });

  void test('by name when there is no path', () => {
    assert.equal(resolve(null, 'release-prod-ops'), 'WF-07');
    assert.equal(resolve('', 'release-prod-ops'), 'WF-07');
    assert.equal(resolve(null, 'Release-Prod-Ops'), null);
    assert.equal(resolve(null, 'unknown'), null);
    assert.equal(resolve(null, null), null);
    assert.equal(resolve(null, ''), null);
  });

  void test('a known path decides; an unknown path does not fall back to the name', () => {
    assert.equal(resolve('.github/workflows/ci-pr-fast.yml', 'deploy-staging'), 'WF-01');
    assert.equal(resolve('.github/workflows/sneaky.yml', 'deploy-staging'), null);
    assert.equal(resolve('.github/workflows/Deploy-Staging.yml', null), null); // paths are case-sensitive
    assert.equal(resolve('other-org/repo/.github/workflows/deploy-staging.yml@main', null), null);
    assert.equal(resolve('@refs/heads/main', 'deploy-staging'), null);
  });

  void test('ambiguous names or files map to nothing', () => {
    const r = makeWorkflowResolver({
      workflows: [
        { id: 'WF-01', name: 'deploy', file: '.github/workflows/a.yml' },
        { id: 'WF-02', name: 'deploy', file: '.github/workflows/b.yml' },
        { id: 'WF-03', name: 'c', file: '.github/workflows/c.yml' },
        { id: 'WF-04', name: 'd', file: '.github/workflows/c.yml' },
      ],
    });
    assert.equal(r(null, 'deploy'), null);
    assert.equal(r('.github/workflows/a.yml', 'deploy'), 'WF-01');
    assert.equal(r('.github/workflows/c.yml', null), null);
    assert.equal(r(null, 'd'), 'WF-04');
  });

  void test('normaliseWorkflowPath', () => {
    assert.equal(
      normaliseWorkflowPath('.github/workflows/ci.yml@refs/heads/main'),
      '.github/workflows/ci.yml',
    );
    assert.equal(normaliseWorkflowPath('.github/workflows/ci.yml'), '.github/workflows/ci.yml');
    assert.equal(normaliseWorkflowPath('@x'), null);
  });
});

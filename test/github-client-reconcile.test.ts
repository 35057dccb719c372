// The reconcile and change-summary reads against the local stand-in: App hook deliveries (App JWT, cursor
// pagination, `since` horizon) and redelivery, workflow runs (created filter, pages), jobs of a run attempt,
// compare, file contents; credentials (App JWT vs installation token vs static token) and failure classes.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { GitHubClient } from '../src/github/github-client.ts';
import { GitHubAppAuth, tokenAuth } from '../src/github/github-auth.ts';
import { deliveryFailed, nextCursor, ReconcileClient } from '../src/github/reconcile-client.ts';
import { startFakeGitHubApp, type FakeGitHubApp, type FakeRun } from './helpers/fake-github-app.ts';

const REPO = 'acme/service';
const TOKEN = 'ghp_static_token_for_tests';
const APP_ID = '4242';
const INSTALLATION = 77;
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

function iso(minutesAgo: number): string {
  return new Date(Date.UTC(2026, 11, 1, 12, 0, 0) - minutesAgo * 60_000).toISOString().replace('.000', '');
}

function fakeRun(id: number, minutesAgo: number, extra: Partial<FakeRun> = {}): FakeRun {
  return {
    id,
    name: 'deploy-staging',
    path: '.github/workflows/deploy-staging.yml',
    head_sha: 'a'.repeat(40),
    head_branch: 'main',
    event: 'workflow_dispatch',
    status: 'completed',
    conclusion: 'success',
    run_attempt: 1,
    created_at: iso(minutesAgo),
    updated_at: iso(minutesAgo - 1),
    ...extra,
  };
}

void describe('ReconcileClient against the stand-in', () => {
  let gh: FakeGitHubApp;
  let app: ReconcileClient;
  let token: ReconcileClient;

  before(async () => {
    gh = await startFakeGitHubApp({
      token: TOKEN,
      app: { appId: APP_ID, publicKey, installationId: INSTALLATION },
    });
    const auth = new GitHubAppAuth({
      appId: APP_ID,
      privateKey: PEM,
      baseUrl: gh.url,
      installationId: INSTALLATION,
    });
    app = new ReconcileClient(new GitHubClient({ auth, baseUrl: gh.url }));
    token = new ReconcileClient(new GitHubClient({ auth: tokenAuth(TOKEN), baseUrl: gh.url }));
    // 250 deliveries, one a minute; every 50th failed (our endpoint answered 503).
    for (let i = 1; i <= 250; i++)
      gh.deliveries.push({
        id: 1000 + i,
        guid: `guid-${i}`,
        delivered_at: iso(250 - i),
        redelivery: false,
        status: i % 50 === 0 ? 'Invalid HTTP Response: 503' : 'OK',
        status_code: i % 50 === 0 ? 503 : 200,
        event: 'workflow_run',
        action: 'completed',
      });
    gh.runs.set(REPO, [
      ...Array.from({ length: 130 }, (_, i) => fakeRun(5000 + i, 10 + i)),
      fakeRun(9000, 60 * 24 * 3), // three days old
    ]);
    gh.jobs.set(REPO, [
      { id: 1, run_id: 5000, run_attempt: 1, name: 'deploy', status: 'completed', conclusion: 'success' },
      { id: 2, run_id: 5000, run_attempt: 1, name: 'smoke', status: 'completed', conclusion: 'failure' },
      { id: 3, run_id: 5000, run_attempt: 2, name: 'deploy', status: 'in_progress', conclusion: null },
    ]);
    gh.compares.set(
      REPO,
      new Map([
        [
          'v1.2.0...v1.3.0',
          {
            status: 'ahead',
            ahead_by: 2,
            behind_by: 0,
            total_commits: 2,
            commits: [
              {
                sha: 'b'.repeat(40),
                commit: { message: 'feat: x', author: { name: 'A', date: iso(5) } },
                author: { login: 'ann' },
              },
              {
                sha: 'c'.repeat(40),
                commit: { message: 'fix: y', author: { name: 'Bo', date: iso(4) } },
                author: null,
              },
            ],
            files: [{ filename: 'db/migrations/001.sql', status: 'added', additions: 10, deletions: 0 }],
          },
        ],
      ]),
    );
    gh.files.set(`${REPO}@main:lanes.yaml`, 'version: 1\nzone: { id: ops }\n# ünïcode ✓\n'.repeat(20));
  });
  after(() => gh.close());

  void test('deliveries: App JWT, cursor pages newest first, all 250', async () => {
    const r = await app.listAppHookDeliveries({ perPage: 100 });
    assert.ok(r.ok, r.ok ? '' : r.message);
    assert.equal(r.data.length, 250);
    assert.equal(r.data[0]?.id, 1250);
    assert.equal(r.data.at(-1)?.id, 1001);
    const calls = gh.calls.filter((c) => c.path === '/app/hook/deliveries');
    assert.deepEqual(
      calls.map((c) => c.query.cursor ?? null),
      [null, '1151', '1051'],
    );
    assert.ok(calls.every((c) => c.auth === 'app-jwt'));
    assert.deepEqual(
      r.data.filter(deliveryFailed).map((d) => d.id),
      [1250, 1200, 1150, 1100, 1050],
    );
  });

  void test('deliveries: `since` stops paging at the horizon; maxPages bounds a pass', async () => {
    const before = gh.calls.length;
    const r = await app.listAppHookDeliveries({ perPage: 20, since: iso(30) });
    assert.ok(r.ok);
    assert.equal(r.data.length, 31); // minutes 0..30 inclusive
    assert.equal(gh.calls.length - before, 2);
    const bounded = await app.listAppHookDeliveries({ perPage: 10, maxPages: 2 });
    assert.ok(bounded.ok && bounded.data.length === 20);
  });

  void test('redeliver: POST …/attempts with the App JWT; unknown id is a final 404', async () => {
    const r = await app.redeliverAppHookDelivery(1200);
    assert.ok(r.ok);
    assert.equal(r.status, 202);
    assert.deepEqual(gh.redelivered, [1200]);
    const missing = await app.redeliverAppHookDelivery(1);
    assert.ok(!missing.ok && missing.status === 404 && !missing.retryable);
    const bad = await app.redeliverAppHookDelivery(-3);
    assert.ok(!bad.ok && bad.status === 0);
  });

  void test('App endpoints with a static token are refused before any call', async () => {
    const before = gh.calls.length;
    const r = await token.listAppHookDeliveries();
    assert.ok(!r.ok && !r.retryable);
    assert.match(r.message, /GitHub App credentials/);
    assert.equal(gh.calls.length, before);
  });

  void test('runs: created filter and pagination, as an installation', async () => {
    const r = await app.listWorkflowRuns(REPO, { created: `>=${iso(60 * 24)}`, perPage: 50 });
    assert.ok(r.ok, r.ok ? '' : r.message);
    assert.equal(r.data.length, 130);
    assert.equal(r.data[0]?.id, 5000);
    assert.equal(r.data[0]?.path, '.github/workflows/deploy-staging.yml');
    assert.equal(r.data[0]?.raw.head_branch, 'main');
    const calls = gh.calls.filter((c) => c.path === `/repos/${REPO}/actions/runs`);
    assert.deepEqual(
      calls.map((c) => c.query.page),
      ['1', '2', '3'],
    );
    assert.equal(calls[0]?.query.created, `>=${iso(60 * 24)}`);
    assert.ok(calls.every((c) => c.auth === 'installation' && c.installationId === INSTALLATION));
    const all = await token.listWorkflowRuns(REPO, { perPage: 100 });
    assert.ok(all.ok && all.data.length === 131);
  });

  void test('jobs of one run attempt', async () => {
    const a1 = await token.listJobsForRunAttempt(REPO, 5000, 1);
    assert.ok(a1.ok);
    assert.deepEqual(
      a1.data.map((j) => [j.name, j.conclusion]),
      [
        ['deploy', 'success'],
        ['smoke', 'failure'],
      ],
    );
    const a2 = await token.listJobsForRunAttempt(REPO, 5000, 2);
    assert.ok(a2.ok && a2.data.length === 1 && a2.data[0]?.status === 'in_progress');
    const none = await token.listJobsForRunAttempt(REPO, 1, 1);
    assert.ok(!none.ok && none.status === 404);
  });

  void test('compare: commits with authors, files', async () => {
    const r = await token.compareCommits(REPO, 'v1.2.0', 'v1.3.0');
    assert.ok(r.ok, r.ok ? '' : r.message);
    assert.equal(r.data.status, 'ahead');
    assert.deepEqual(
      r.data.commits.map((c) => [c.author, c.message]),
      [
        ['ann', 'feat: x'],
        ['Bo', 'fix: y'],
      ],
    );
    assert.deepEqual(
      r.data.files.map((f) => f.filename),
      ['db/migrations/001.sql'],
    );
  });

  void test('contents: decoded text at a ref; 404 for another ref', async () => {
    const r = await token.getFileContents(REPO, 'lanes.yaml', 'main');
    assert.ok(r.ok, r.ok ? '' : r.message);
    assert.equal(r.data.text, 'version: 1\nzone: { id: ops }\n# ünïcode ✓\n'.repeat(20));
    assert.equal(gh.calls.at(-1)?.query.ref, 'main');
    const other = await token.getFileContents(REPO, 'lanes.yaml', 'release/1.x');
    assert.ok(!other.ok && other.status === 404 && !other.retryable);
  });

  const refusals: [string, () => Promise<{ ok: boolean; status?: number }>][] = [
    ['a repository with a path', () => token.listWorkflowRuns('acme/../x')],
    ['a created filter with a query', () => token.listWorkflowRuns(REPO, { created: '>=2026&per_page=1' })],
    ['a compare ref with ".."', () => token.compareCommits(REPO, 'main..x', 'v1')],
    ['a compare ref with a space', () => token.compareCommits(REPO, 'main', 'v 1')],
    ['a contents path with ..', () => token.getFileContents(REPO, '../secrets', 'main')],
    ['an absolute contents path', () => token.getFileContents(REPO, '/etc/passwd', 'main')],
    ['a non-positive attempt', () => token.listJobsForRunAttempt(REPO, 5000, 0)],
  ];
  for (const [what, call] of refusals)
    void test(`refuses ${what} without calling GitHub`, async () => {
      const before = gh.calls.length;
      const r = await call();
      assert.equal(r.ok, false);
      assert.equal(gh.calls.length, before);
    });
});

void describe('failure classes (the client’s rules hold for the new reads)', () => {
  let gh: FakeGitHubApp;
  let client: ReconcileClient;
  let respond: { status: number; headers?: Record<string, string> } = { status: 200 };
  before(async () => {
    gh = await startFakeGitHubApp({ token: TOKEN });
    client = new ReconcileClient(new GitHubClient({ auth: tokenAuth(TOKEN), baseUrl: gh.url }));
  });
  after(() => gh.close());

  const cases: [string, { status: number; headers?: Record<string, string> }, boolean, number | undefined][] =
    [
      ['503 is retryable', { status: 503 }, true, undefined],
      [
        '429 with retry-after is retryable after that delay',
        { status: 429, headers: { 'retry-after': '7' } },
        true,
        7000,
      ],
      [
        '403 rate limited is retryable',
        { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '0' } },
        true,
        undefined,
      ],
      ['403 forbidden is final', { status: 403 }, false, undefined],
      ['422 is final', { status: 422 }, false, undefined],
    ];
  for (const [what, res, retryable, delay] of cases)
    void test(what, async () => {
      respond = res;
      gh.setResponder(() => ({
        status: respond.status,
        headers: respond.headers ?? {},
        body: { message: 'scripted' },
      }));
      const r = await client.listWorkflowRuns(REPO);
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.equal(r.status, res.status);
        assert.equal(r.retryable, retryable);
        if (delay !== undefined) assert.equal(r.retryAfterMs, delay);
      }
    });
});

void test('nextCursor reads only the cursor of rel="next"', () => {
  assert.equal(
    nextCursor('<https://api.github.com/app/hook/deliveries?per_page=2&cursor=v1_123>; rel="next"'),
    'v1_123',
  );
  assert.equal(
    nextCursor('<https://x/a?cursor=p>; rel="prev", <https://evil.example/a?cursor=n2>; rel="next"'),
    'n2',
  );
  assert.equal(nextCursor('<https://x/a?cursor=p>; rel="prev"'), null);
  assert.equal(nextCursor(undefined), null);
});

// Effects that must survive a crash: the GitHub REST client (token and App auth), the outbox worker and the
// timer worker, on real SQLite files and a real PostgreSQL, against a local HTTP server standing in for GitHub.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import pino from 'pino';
import { openStore } from '../src/store/open-store.ts';
import type { OutboxEffect, OutboxItem, Store, StoreTx, TimerItem } from '../src/store/store.ts';
import { GitHubClient } from '../src/github/github-client.ts';
import { GitHubAppAuth, authFromConfig, createAppJwt, tokenAuth } from '../src/github/github-auth.ts';
import {
  OutboxWorker,
  alertHandlers,
  backoffMs,
  githubHandlers,
  type OutboxWorkerOptions,
} from '../src/engine/outbox-worker.ts';
import { TimerWorker } from '../src/engine/timer-worker.ts';
import { AlertNotifier, alertMessage } from '../src/engine/alert-notifier.ts';
import {
  startFakeGitHub,
  type FakeGitHub,
  type FakeResponse,
  type RecordedCall,
} from './helpers/fake-github.ts';
import { freshPostgresDatabase, freshSqliteDir } from './helpers/test-database.ts';
import { outboxRows, type OutboxFilter } from './helpers/store-rows.ts';

const log = pino({ level: 'silent' });
const TOKEN = 'ghp_test_token_0123456789';
const SHA = 'a'.repeat(40);
const T0 = Date.parse('2024-05-01T10:00:00.000Z');

type Kind = 'sqlite' | 'postgres';

/**
 * n stores on one database: on PostgreSQL, n connections pools = n replicas. On SQLite the n "replicas" share one
 * store: two better-sqlite3 connections in one process would deadlock (the busy handler blocks the event loop
 * while the other connection's transaction waits for it), and several processes are covered by the store suite.
 */
async function openStores(kind: Kind, n = 1): Promise<Store[]> {
  const dataDir = await freshSqliteDir();
  const databaseUrl = kind === 'postgres' ? await freshPostgresDatabase() : undefined;
  const stores: Store[] = [];
  for (let i = 0; i < n; i++) {
    stores.push(
      kind === 'sqlite' && stores[0]
        ? stores[0]
        : await openStore({ dataDir, ...(databaseUrl ? { databaseUrl } : {}) }),
    );
  }
  return stores;
}

function dispatchEffect(key: string, extra: Record<string, unknown> = {}) {
  return {
    key,
    kind: 'github.dispatch',
    payload: {
      repo: 'acme/ops',
      workflowFile: '.github/workflows/deploy-staging.yml',
      ref: 'v1.4.0',
      inputs: { version: '1.4.0' },
      ...extra,
    },
    runAt: new Date(T0).toISOString(),
  };
}

async function enqueue(store: Store, ...effects: OutboxEffect[]): Promise<string[]> {
  return store.transaction(async (tx) => {
    const out: string[] = [];
    for (const e of effects) out.push(await tx.enqueue(e));
    return out;
  });
}

/** Key prefixes of the scoped stores below: a scoped store lists only its own test's outbox rows. */
const prefixes = new WeakMap<Store, string>();

/** The outbox rows of this (scoped) store's test, keys without the test's prefix. */
async function listOutbox(store: Store, filter: OutboxFilter = {}): Promise<OutboxItem[]> {
  const prefix = prefixes.get(store) ?? '';
  return (await outboxRows(store, filter))
    .filter((i) => i.key.startsWith(prefix))
    .map((i) => ({ ...i, key: i.key.slice(prefix.length) }));
}

async function only(store: Store): Promise<OutboxItem> {
  const items = await listOutbox(store);
  assert.equal(items.length, 1);
  return items[0] as OutboxItem;
}

/**
 * The store as one test sees it: enqueue prefixes keys, listOutbox(store) shows (unprefixed) only this test's items.
 * Every other call goes to the real store, so workers claim and complete through the real code. Tests leave
 * their items done or dead, so one test never claims another's.
 */
function scoped(store: Store, prefix: string): Store {
  const tx = (t: StoreTx): StoreTx =>
    new Proxy(t, {
      get(target, prop, receiver) {
        if (prop === 'enqueue') return (e: OutboxEffect) => target.enqueue({ ...e, key: prefix + e.key });
        const v: unknown = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  const scopedStore = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'transaction')
        return <T>(fn: (t: StoreTx) => Promise<T>) => target.transaction((t) => fn(tx(t)));
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  prefixes.set(scopedStore, prefix);
  return scopedStore;
}

/** A clock the test moves by hand: every time the worker writes comes from it, never from the wall. */
function manualClock(start = T0) {
  const c = { ms: start, now: () => new Date(c.ms), set: (iso: string) => (c.ms = Date.parse(iso)) };
  return c;
}

function apiCalls(fake: FakeGitHub, pathPart: string): RecordedCall[] {
  return fake.calls.filter((c) => c.path.includes(pathPart));
}

async function waitFor(
  cond: () => boolean | Promise<boolean>,
  what: string,
  limitMs = 10_000,
): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

// ------------------------------------------------------------------------------------ client and auth

void describe('GitHub client', () => {
  let fake: FakeGitHub;
  before(async () => {
    fake = await startFakeGitHub({ token: TOKEN });
  });
  after(() => fake.close());

  void test('token auth: Authorization header, JSON body, never the token in the record', async () => {
    const client = new GitHubClient({ auth: tokenAuth(TOKEN), baseUrl: `${fake.url}/` });
    const r = await client.dispatchWorkflow('acme/ops', 'deploy.yml', 'main', { a: 'b' });
    assert.deepEqual(r, { ok: true, data: null, status: 204 });
    const call = fake.calls.at(-1);
    assert.equal(call?.path, '/repos/acme/ops/actions/workflows/deploy.yml/dispatches');
    assert.equal(call?.auth, 'token');
    assert.equal(call?.headers.authorization, 'Bearer [redacted]');
    assert.equal(call?.headers['x-github-api-version'], '2022-11-28');
    assert.deepEqual(call?.json, { ref: 'main', inputs: { a: 'b' } });
    assert.ok(!JSON.stringify(fake.calls).includes(TOKEN));

    const bad = await new GitHubClient({ auth: tokenAuth('wrong'), baseUrl: fake.url }).dispatchWorkflow(
      'acme/ops',
      'deploy.yml',
      'main',
    );
    assert.equal(bad.ok, false);
    assert.ok(!bad.ok && bad.status === 401 && !bad.retryable);
  });

  void test('GHES-style base path is kept', async () => {
    const ghes = await startFakeGitHub({ token: TOKEN });
    try {
      // The fake serves at the root; a reverse-proxy-like responder proves the /api/v3 prefix is sent.
      ghes.setResponder((c) =>
        c.path.startsWith('/api/v3/repos/acme/ops/statuses/')
          ? { status: 201, body: { id: 1 } }
          : { status: 404 },
      );
      const client = new GitHubClient({ auth: tokenAuth(TOKEN), baseUrl: `${ghes.url}/api/v3` });
      const r = await client.createCommitStatus('acme/ops', SHA, {
        state: 'success',
        context: 'lanes/RG-07',
      });
      assert.ok(r.ok);
      assert.equal(ghes.calls[0]?.path, `/api/v3/repos/acme/ops/statuses/${SHA}`);
    } finally {
      await ghes.close();
    }
  });

  void test('protection review refuses absolute URLs and other paths before any request', async () => {
    const client = new GitHubClient({ auth: tokenAuth(TOKEN), baseUrl: fake.url });
    const before = fake.calls.length;
    const input = { state: 'approved' as const, comment: 'ok', environment_name: 'production' };
    for (const bad of [
      `${fake.url}/repos/acme/ops/actions/runs/1/deployment_protection_rule`,
      'https://evil.example/repos/acme/ops/actions/runs/1/deployment_protection_rule',
      '//evil.example/repos/acme/ops/actions/runs/1/deployment_protection_rule',
      '/repos/acme/ops/actions/runs/1/deployment_protection_rule?next=x',
      '/repos/acme/ops/actions/runs/1/deployment_protection_rule\n',
      '/repos/acme/ops/actions/runs/abc/deployment_protection_rule',
      '/repos/acme/ops/issues/1/comments',
      '/repos/acme/../actions/runs/1/deployment_protection_rule',
      '/repos/acme/ops/actions/runs/1/deployment_protection_rule/../../../../../user',
    ]) {
      const r = await client.reviewProtectionRule(bad, input);
      assert.ok(!r.ok && !r.retryable && r.status === 0, bad);
    }
    assert.equal(fake.calls.length, before);
    const ok = await client.reviewProtectionRule(
      '/repos/acme/ops/actions/runs/42/deployment_protection_rule',
      input,
    );
    assert.ok(ok.ok);
    assert.deepEqual(fake.calls.at(-1)?.json, {
      environment_name: 'production',
      state: 'approved',
      comment: 'ok',
    });
  });

  void test('classification: 5xx, 429 and rate-limited 403 are retryable with the asked delay; 422 and 404 are final', async () => {
    const now = T0;
    const client = new GitHubClient({ auth: tokenAuth(TOKEN), baseUrl: fake.url, clock: () => now });
    const script: Record<string, { status: number; headers?: Record<string, string>; body?: unknown }> = {
      a: { status: 503 },
      b: { status: 429, headers: { 'retry-after': '7' } },
      c: {
        status: 403,
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 60) },
        body: { message: 'API rate limit exceeded' },
      },
      d: { status: 403, body: { message: 'You have exceeded a secondary rate limit.' } },
      e: { status: 403, body: { message: 'Resource not accessible by integration' } },
      f: { status: 422, body: { message: "Unexpected inputs provided: ['x']" } },
      g: { status: 404, body: { message: 'Not Found' } },
    };
    fake.setResponder((c) => script[(c.json as { ref?: string } | null)?.ref ?? '']);
    try {
      const got: Record<string, unknown> = {};
      for (const ref of Object.keys(script)) {
        const r = await client.dispatchWorkflow('acme/ops', 'deploy.yml', ref);
        assert.ok(!r.ok);
        got[ref] = { retryable: r.retryable, status: r.status, retryAfterMs: r.retryAfterMs };
      }
      assert.deepEqual(got, {
        a: { retryable: true, status: 503, retryAfterMs: undefined },
        b: { retryable: true, status: 429, retryAfterMs: 7000 },
        c: { retryable: true, status: 403, retryAfterMs: 61_000 },
        d: { retryable: true, status: 403, retryAfterMs: undefined },
        e: { retryable: false, status: 403, retryAfterMs: undefined },
        f: { retryable: false, status: 422, retryAfterMs: undefined },
        g: { retryable: false, status: 404, retryAfterMs: undefined },
      });
    } finally {
      fake.setResponder(undefined);
    }
  });

  void test('network failure is retryable', async () => {
    const gone = await startFakeGitHub();
    const url = gone.url;
    await gone.close();
    const r = await new GitHubClient({ auth: tokenAuth(TOKEN), baseUrl: url }).dispatchWorkflow(
      'acme/ops',
      'deploy.yml',
      'main',
    );
    assert.ok(!r.ok && r.retryable && r.status === 0);
  });

  void test('refuses bad repository, workflow and sha before any request', async () => {
    const client = new GitHubClient({ auth: tokenAuth(TOKEN), baseUrl: fake.url });
    const before = fake.calls.length;
    for (const r of [
      await client.dispatchWorkflow('acme', 'deploy.yml', 'main'),
      await client.dispatchWorkflow('acme/ops/x', 'deploy.yml', 'main'),
      await client.dispatchWorkflow('acme/..', 'deploy.yml', 'main'),
      await client.dispatchWorkflow('acme/ops', '../../x', 'main'),
      await client.createCommitStatus('acme/ops', 'not-a-sha', { state: 'success', context: 'c' }),
    ]) {
      assert.ok(!r.ok && !r.retryable);
    }
    assert.equal(fake.calls.length, before);
  });

  void test('listRunArtifacts follows pages', async () => {
    const client = new GitHubClient({ auth: tokenAuth(TOKEN), baseUrl: fake.url });
    const list = Array.from({ length: 150 }, (_, i) => ({
      id: i + 1,
      name: i === 0 ? 'evidence-pack' : `a${i}`,
      size_in_bytes: 10,
      archive_download_url: `https://api.github.com/repos/acme/ops/actions/artifacts/${i + 1}/zip`,
      expired: false,
      created_at: '2024-05-01T10:00:00Z',
      updated_at: '2024-05-01T10:00:00Z',
    }));
    fake.setArtifacts('acme/ops', 77, list);
    const r = await client.listRunArtifacts('acme/ops', 77);
    assert.ok(r.ok);
    assert.equal(r.data.length, 150);
    assert.equal(r.data[0]?.name, 'evidence-pack');
    assert.deepEqual(
      apiCalls(fake, '/runs/77/artifacts').map((c) => c.query.page),
      ['1', '2'],
    );
  });
});

void describe('GitHub App auth', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const pub = publicKey.export({ type: 'spki', format: 'pem' }).toString();

  void test('JWT → installation token (signature verified by the server) → cached for later calls', async () => {
    const fake = await startFakeGitHub({ app: { appId: '123456', publicKey: pub, installationId: 987 } });
    try {
      // As an env var would hold it: one line with literal \n.
      const auth = authFromConfig({
        githubApiUrl: fake.url,
        githubAppId: '123456',
        githubAppPrivateKey: pkcs1.replace(/\n/g, '\\n'),
      });
      assert.ok(auth instanceof GitHubAppAuth);
      const client = new GitHubClient({ auth, baseUrl: fake.url });
      assert.ok((await client.dispatchWorkflow('acme/ops', 'deploy.yml', 'main')).ok);
      assert.ok(
        (await client.createCommitStatus('acme/ops', SHA, { state: 'pending', context: 'lanes/RG-07' })).ok,
      );
      assert.deepEqual(
        fake.calls.map((c) => [c.method, c.path, c.auth, c.installationId]),
        [
          ['GET', '/repos/acme/ops/installation', 'app-jwt', null],
          ['POST', '/app/installations/987/access_tokens', 'app-jwt', null],
          ['POST', '/repos/acme/ops/actions/workflows/deploy.yml/dispatches', 'installation', 987],
          ['POST', `/repos/acme/ops/statuses/${SHA}`, 'installation', 987],
        ],
      );
      assert.equal(fake.issuedTokens.length, 1);
      const token = fake.issuedTokens[0]?.token ?? '';
      assert.ok(token.length > 10 && !JSON.stringify(fake.calls).includes(token));
    } finally {
      await fake.close();
    }
  });

  void test('a token close to expiry is replaced; the installation id from the webhook skips the lookup', async () => {
    const fake = await startFakeGitHub({
      app: { appId: '42', publicKey: pub, installationId: 5 },
      installationTokenTtlMs: 4 * 60_000,
    });
    try {
      const auth = new GitHubAppAuth({ appId: '42', privateKey: pkcs8, baseUrl: fake.url });
      const client = new GitHubClient({ auth, baseUrl: fake.url });
      for (let i = 0; i < 2; i++) {
        const r = await client.reviewProtectionRule(
          '/repos/acme/ops/actions/runs/9/deployment_protection_rule',
          { state: 'rejected', comment: 'gate blocked', environment_name: 'production' },
          { installationId: 5 },
        );
        assert.ok(r.ok);
      }
      // 4-minute tokens are inside the 5-minute refresh margin: a fresh one per call.
      assert.equal(fake.issuedTokens.length, 2);
      assert.equal(fake.calls.filter((c) => c.path.endsWith('/installation')).length, 0);
    } finally {
      await fake.close();
    }
  });

  void test('a JWT signed by another key is refused by the server', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const fake = await startFakeGitHub({ app: { appId: '42', publicKey: pub, installationId: 5 } });
    try {
      const client = new GitHubClient({
        auth: new GitHubAppAuth({ appId: '42', privateKey: other, baseUrl: fake.url, installationId: 5 }),
        baseUrl: fake.url,
      });
      const r = await client.dispatchWorkflow('acme/ops', 'deploy.yml', 'main');
      assert.ok(!r.ok && r.status === 401 && !r.retryable);
      assert.equal(fake.issuedTokens.length, 0);
      // The JWT's claims are what GitHub expects.
      const jwt = createAppJwt('42', pkcs8, T0);
      const claims = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as Record<
        string,
        number | string
      >;
      assert.deepEqual(claims, { iat: T0 / 1000 - 60, exp: T0 / 1000 + 540, iss: '42' });
    } finally {
      await fake.close();
    }
  });
});

// ------------------------------------------------------------------------------------------- outbox

for (const kind of ['sqlite', 'postgres'] as const) {
  void describe(`outbox worker on ${kind}`, () => {
    let fake: FakeGitHub;
    const stores: Store[] = [];
    before(async () => {
      fake = await startFakeGitHub({ token: TOKEN });
    });
    after(async () => {
      for (const s of new Set(stores)) await s.close();
      await fake.close();
    });

    // One database (pair of replicas) per suite; each test sees only its own outbox items (key prefix).
    let replicas: Store[] = [];
    let testNo = 0;
    before(async () => {
      replicas = await openStores(kind, 2);
      stores.push(...replicas);
    });

    async function setup(opts: OutboxWorkerOptions = {}) {
      fake.calls.length = 0;
      fake.setResponder(undefined);
      const ss = replicas.map((s) => scoped(s, `t${++testNo}:`));
      const clock = manualClock();
      const client = new GitHubClient({ auth: tokenAuth(TOKEN), baseUrl: fake.url, clock: () => clock.ms });
      const handlers = {
        ...githubHandlers(client),
        ...alertHandlers(new AlertNotifier({ clock: () => clock.ms })),
      };
      const workers = ss.map(
        (s) => new OutboxWorker(s, handlers, log, { clock: clock.now, random: () => 0.5, ...opts }),
      );
      return {
        store: ss[0] as Store,
        stores: ss,
        clock,
        worker: workers[0] as OutboxWorker,
        workers,
        client,
      };
    }

    void test('a dispatch enqueued (twice, same key) → exactly one POST with the right path, body and auth', async () => {
      const { store, worker } = await setup();
      assert.deepEqual(
        await enqueue(
          store,
          dispatchEffect('dispatch:rel-1:staging'),
          dispatchEffect('dispatch:rel-1:staging'),
        ),
        ['enqueued', 'duplicate'],
      );
      assert.equal(await worker.drain(), 1);
      assert.equal(await worker.drain(), 0);
      assert.equal(fake.calls.length, 1);
      const call = fake.calls[0] as RecordedCall;
      assert.equal(call.method, 'POST');
      assert.equal(call.path, '/repos/acme/ops/actions/workflows/deploy-staging.yml/dispatches');
      assert.deepEqual(call.json, { ref: 'v1.4.0', inputs: { version: '1.4.0' } });
      assert.equal(call.auth, 'token');
      const item = await only(store);
      assert.equal(item.status, 'done');
      assert.equal(item.attempts, 1);
      // Enqueuing the same key after completion is still a no-op: a completed dispatch never runs again.
      assert.deepEqual(await enqueue(store, dispatchEffect('dispatch:rel-1:staging')), ['duplicate']);
      assert.equal(await worker.drain(), 0);
      assert.equal(fake.calls.length, 1);
    });

    void test('500 twice then 204: retried with backoff on the store clock, done after 3 attempts', async () => {
      const { store, worker, clock } = await setup();
      let n = 0;
      fake.setResponder(() => (++n <= 2 ? { status: 500, body: { message: 'Server Error' } } : undefined));
      await enqueue(store, dispatchEffect('d1'));

      assert.equal(await worker.step(), 1);
      let item = await only(store);
      assert.equal(item.status, 'pending');
      assert.equal(item.attempts, 1);
      assert.match(item.lastError ?? '', /HTTP 500/);
      assert.equal(
        Date.parse(item.runAt) - clock.ms,
        backoffMs(1, 2000, 600_000, () => 0.5),
      ); // 1500
      assert.equal(await worker.drain(), 0, 'not due before run_at');

      clock.set(item.runAt);
      assert.equal(await worker.step(), 1);
      item = await only(store);
      assert.equal(item.attempts, 2);
      assert.equal(Date.parse(item.runAt) - clock.ms, 3000);

      clock.set(item.runAt);
      assert.equal(await worker.step(), 1);
      item = await only(store);
      assert.equal(item.status, 'done');
      assert.equal(item.attempts, 3);
      assert.equal(fake.calls.length, 3);
      assert.equal(worker.retried, 2);
      assert.equal(worker.done, 1);
    });

    void test('429 retry-after and 403 rate limit: run_at honours what GitHub asked for', async () => {
      const { store, worker, clock } = await setup();
      const reset = T0 / 1000 + 900;
      fake.setResponder((c): FakeResponse | undefined => {
        const ref = (c.json as { ref?: string }).ref;
        if (apiCalls(fake, '/dispatches').filter((x) => (x.json as { ref?: string }).ref === ref).length > 1)
          return undefined;
        if (ref === 'r429')
          return { status: 429, headers: { 'retry-after': '120' }, body: { message: 'slow down' } };
        return {
          status: 403,
          headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
          body: { message: 'API rate limit exceeded' },
        };
      });
      await enqueue(store, dispatchEffect('a', { ref: 'r429' }), dispatchEffect('b', { ref: 'r403' }));
      assert.equal(await worker.step(), 2);
      const [a, b] = await listOutbox(store);
      assert.equal(a?.status, 'pending');
      assert.equal(Date.parse(a?.runAt ?? ''), T0 + 120_000);
      assert.equal(b?.status, 'pending');
      assert.equal(Date.parse(b?.runAt ?? ''), reset * 1000 + 1000);

      clock.ms = T0 + 119_999;
      assert.equal(await worker.drain(), 0);
      clock.ms = T0 + 120_000;
      assert.equal(await worker.drain(), 1);
      clock.ms = reset * 1000 + 1000;
      assert.equal(await worker.drain(), 1);
      assert.deepEqual(
        (await listOutbox(store)).map((i) => [i.status, i.attempts]),
        [
          ['done', 2],
          ['done', 2],
        ],
      );
      assert.equal(fake.calls.length, 4);
    });

    void test('retryable failures become dead after max attempts', async () => {
      const { store, worker, clock } = await setup({ maxAttempts: 3 });
      fake.setResponder(() => ({ status: 502, body: { message: 'Bad Gateway' } }));
      await enqueue(store, dispatchEffect('d'));
      for (let i = 0; i < 3; i++) {
        assert.equal(await worker.step(), 1);
        clock.ms += 3_600_000;
      }
      const item = await only(store);
      assert.equal(item.status, 'dead');
      assert.equal(item.attempts, 3);
      assert.match(item.lastError ?? '', /HTTP 502/);
      assert.equal(await worker.drain(), 0);
      assert.equal(fake.calls.length, 3);
      assert.equal(worker.dead, 1);
    });

    void test('422 is final: dead without retry', async () => {
      const { store, worker, clock } = await setup();
      fake.setResponder(() => ({
        status: 422,
        body: { message: "Unexpected inputs provided: ['version']" },
      }));
      await enqueue(store, dispatchEffect('d'));
      assert.equal(await worker.drain(), 1);
      clock.ms += 86_400_000;
      assert.equal(await worker.drain(), 0);
      const item = await only(store);
      assert.equal(item.status, 'dead');
      assert.equal(item.attempts, 1);
      assert.match(item.lastError ?? '', /422.*Unexpected inputs/);
      assert.equal(fake.calls.length, 1);
    });

    void test('protection review: only the relative review path is called; absolute URLs and other paths are dead unsent', async () => {
      const { store, worker } = await setup();
      const review = (key: string, reviewPath: string) => ({
        key,
        kind: 'github.protection_review',
        payload: {
          reviewPath,
          state: 'approved',
          comment: 'Gates passed (RG-07)',
          environment: 'production',
          runId: 9,
          laneIds: ['prod'],
          releaseId: 'rel-1',
        },
        runAt: new Date(T0).toISOString(),
      });
      await enqueue(
        store,
        review('bad-abs', `${fake.url}/repos/acme/ops/actions/runs/9/deployment_protection_rule`),
        review('bad-other', '/repos/acme/ops/pulls/9/merge'),
        review('good', '/repos/acme/ops/actions/runs/9/deployment_protection_rule'),
      );
      assert.equal(await worker.drain(), 3);
      const byKey = new Map((await listOutbox(store)).map((i) => [i.key, i]));
      assert.equal(byKey.get('bad-abs')?.status, 'dead');
      assert.match(byKey.get('bad-abs')?.lastError ?? '', /refused review path/);
      assert.equal(byKey.get('bad-other')?.status, 'dead');
      assert.equal(byKey.get('good')?.status, 'done');
      assert.deepEqual(
        fake.calls.map((c) => [c.method, c.path, c.json]),
        [
          [
            'POST',
            '/repos/acme/ops/actions/runs/9/deployment_protection_rule',
            { environment_name: 'production', state: 'approved', comment: 'Gates passed (RG-07)' },
          ],
        ],
      );
    });

    void test('commit status and alert webhook (Slack JSON; 429 retried); malformed payload and unknown kind are dead', async () => {
      const { store, worker, clock } = await setup();
      let hooks = 0;
      fake.setResponder((c) =>
        c.path === '/hooks/T000/B000/secret'
          ? ++hooks === 1
            ? { status: 429, headers: { 'retry-after': '30' } }
            : { status: 200, body: 'ok' }
          : undefined,
      );
      const message = alertMessage(
        {
          id: 3,
          title: 'Lane prod failed',
          severity: 'critical',
          rule: 'lane_failed',
          status: 'open',
          count: 2,
          lastAt: '2024-05-01T10:00:00.000Z',
        },
        'https://lanes.example',
      );
      const at = new Date(T0).toISOString();
      await store.transaction(async (tx) => {
        await tx.enqueue({
          key: 'st',
          kind: 'github.commit_status',
          payload: {
            repo: 'acme/ops',
            sha: SHA,
            state: 'failure',
            context: 'lanes/RG-07',
            description: 'blocked: e2e failed',
            targetUrl: 'https://lanes.example/gates/RG-07',
          },
          runAt: at,
        });
        await tx.enqueue({
          key: 'al',
          kind: 'alert.notify',
          payload: { url: `${fake.url}/hooks/T000/B000/secret`, payload: message },
          runAt: at,
        });
        await tx.enqueue({
          key: 'bad',
          kind: 'github.commit_status',
          payload: { repo: 'acme/ops' },
          runAt: at,
        });
        await tx.enqueue({ key: 'unk', kind: 'github.teleport', payload: {}, runAt: at });
      });
      assert.equal(await worker.drain(), 4);
      clock.ms += 30_000;
      assert.equal(await worker.drain(), 1);
      const byKey = new Map((await listOutbox(store)).map((i) => [i.key, i]));
      assert.deepEqual(
        [...byKey.values()].map((i) => [i.key, i.status, i.attempts]),
        [
          ['st', 'done', 1],
          ['al', 'done', 2],
          ['bad', 'dead', 1],
          ['unk', 'dead', 1],
        ],
      );
      assert.match(byKey.get('bad')?.lastError ?? '', /invalid github.commit_status payload/);
      assert.match(byKey.get('unk')?.lastError ?? '', /no handler/);
      const status = apiCalls(fake, '/statuses/');
      assert.equal(status.length, 1);
      assert.deepEqual(status[0]?.json, {
        state: 'failure',
        context: 'lanes/RG-07',
        description: 'blocked: e2e failed',
        target_url: 'https://lanes.example/gates/RG-07',
      });
      const hookCalls = apiCalls(fake, '/hooks/');
      assert.equal(hookCalls.length, 2);
      assert.equal(hookCalls[1]?.headers.authorization, undefined);
      assert.match(
        (hookCalls[1]?.json as { text: string }).text,
        /^\[CRITICAL\] Lane prod failed \(×2\) https:\/\/lanes\.example\/alerts\/3$/,
      );
      assert.ok(Array.isArray((hookCalls[1]?.json as { blocks?: unknown[] }).blocks));
    });

    void test('crash after the call, before completing: re-delivered after the lease expires, exactly once more', async () => {
      const { store, worker, clock, client } = await setup({ leaseMs: 30_000 });
      await enqueue(store, dispatchEffect('d'));
      // The "crashed" worker: claims with a short lease, makes the call, dies before completeOutbox.
      const [claimed] = await store.claimOutbox({
        limit: 10,
        now: clock.now().toISOString(),
        leaseMs: 5_000,
      });
      assert.ok(claimed);
      assert.ok(
        (await client.dispatchWorkflow('acme/ops', 'deploy-staging.yml', 'v1.4.0', { version: '1.4.0' })).ok,
      );

      clock.ms = T0 + 4_999;
      assert.equal(await worker.drain(), 0, 'still leased');
      clock.ms = T0 + 5_000;
      assert.equal(await worker.drain(), 1, 're-delivered after lease expiry');
      clock.ms = T0 + 3_600_000;
      assert.equal(await worker.drain(), 0, 'and never again');
      const item = await only(store);
      assert.equal(item.status, 'done');
      assert.equal(item.attempts, 2);
      // At-least-once in this window: the call was made by the crashed worker and once more.
      assert.equal(apiCalls(fake, '/dispatches').length, 2);
    });

    void test('a running worker wakes on notify("outbox") (poll interval set far away)', async () => {
      const { store } = await setup();
      const worker = new OutboxWorker(
        store,
        githubHandlers(new GitHubClient({ auth: tokenAuth(TOKEN), baseUrl: fake.url })),
        log,
        { pollMs: 600_000 },
      );
      worker.start();
      try {
        await new Promise((r) => setTimeout(r, 50)); // let the first (empty) step pass, so only a wake-up can run the next
        if (store.dialect === 'postgres')
          await (store as unknown as { listening?: () => Promise<void> }).listening?.();
        await enqueue(store, { ...dispatchEffect('live'), runAt: new Date().toISOString() });
        await store.notify('outbox');
        await waitFor(() => worker.done === 1, 'the notified worker to send');
        assert.equal(apiCalls(fake, '/dispatches').length, 1);
      } finally {
        await worker.stop();
      }
    });

    void test('two workers on one database (PostgreSQL: two connection pools), 50 items → each sent exactly once', async () => {
      const { stores: ss } = await setup();
      const [s1] = ss as [Store, Store];
      const effects = Array.from({ length: 50 }, (_, i) =>
        dispatchEffect(`d${i}`, { inputs: { n: String(i) } }),
      );
      await enqueue(s1, ...effects);
      // Real clock; small batches so the two workers interleave.
      const workers = ss.map(
        (s) =>
          new OutboxWorker(
            s,
            githubHandlers(new GitHubClient({ auth: tokenAuth(TOKEN), baseUrl: fake.url })),
            log,
            { batch: 3 },
          ),
      );
      await Promise.all(workers.map((w) => w.drain()));
      const sent = apiCalls(fake, '/dispatches').map((c) => (c.json as { inputs: { n: string } }).inputs.n);
      assert.equal(sent.length, 50);
      assert.equal(new Set(sent).size, 50);
      assert.equal(
        workers.reduce((a, w) => a + w.done, 0),
        50,
      );
      assert.deepEqual(
        new Set((await listOutbox(s1)).map((i) => `${i.status}/${i.attempts}`)),
        new Set(['done/1']),
      );
    });
  });

  // ------------------------------------------------------------------------------------------- timers

  void describe(`timer worker on ${kind}`, () => {
    const stores: Store[] = [];
    after(async () => {
      for (const s of new Set(stores)) await s.close();
    });

    void test('two timer workers on one database (PostgreSQL: two connection pools): each of 50 due timers fires exactly once; future ones wait', async () => {
      const ss = await openStores(kind, 2);
      stores.push(...ss);
      const [s1] = ss as [Store, Store];
      await s1.transaction(async (tx) => {
        for (let i = 0; i < 50; i++) {
          await tx.schedule({
            key: `t${i}`,
            kind: 'release.reevaluate',
            payload: { releaseId: `r${i}` },
            fireAt: new Date(T0 + i * 1000).toISOString(),
          });
        }
        await tx.schedule({
          key: 'later',
          kind: 'release.reevaluate',
          payload: { releaseId: 'later' },
          fireAt: new Date(T0 + 3_600_000).toISOString(),
        });
        assert.equal(
          await tx.schedule({
            key: 't0',
            kind: 'release.reevaluate',
            payload: {},
            fireAt: new Date(T0).toISOString(),
          }),
          'duplicate',
        );
      });
      const fired: string[][] = [[], []];
      const clock = manualClock(T0 + 60_000);
      const workers = ss.map(
        (s, i) =>
          new TimerWorker(
            s,
            async (t: TimerItem) => {
              fired[i]?.push(t.key);
              await new Promise((r) => setImmediate(r));
            },
            log,
            { batch: 4, clock: clock.now },
          ),
      );
      await Promise.all(workers.map((w) => w.drain()));
      const all = [...(fired[0] ?? []), ...(fired[1] ?? [])];
      assert.equal(all.length, 50);
      assert.equal(new Set(all).size, 50);
      assert.ok(!all.includes('later'));
      assert.equal((await s1.listTimers({ status: 'fired' })).length, 50);
      assert.deepEqual(
        (await s1.listTimers({ status: 'pending' })).map((t) => t.key),
        ['later'],
      );
    });

    void test('onFire failure schedules a retry timer with backoff', async () => {
      const [store] = await openStores(kind);
      stores.push(store as Store);
      const s = store as Store;
      await s.transaction((tx) =>
        tx.schedule({
          key: 'x',
          kind: 'release.reevaluate',
          payload: { releaseId: 'r' },
          fireAt: new Date(T0).toISOString(),
        }),
      );
      const clock = manualClock();
      let calls = 0;
      const worker = new TimerWorker(
        s,
        () => {
          calls++;
          return calls === 1 ? Promise.reject(new Error('db busy')) : Promise.resolve();
        },
        log,
        { clock: clock.now, retryDelayMs: 5000 },
      );
      assert.equal(await worker.drain(), 1);
      const pending = await s.listTimers({ status: 'pending' });
      assert.deepEqual(
        pending.map((t) => [t.key, Date.parse(t.fireAt) - T0, t.payload]),
        [['x#retry-1', 5000, { releaseId: 'r' }]],
      );
      clock.ms = T0 + 5000;
      assert.equal(await worker.drain(), 1);
      assert.equal(calls, 2);
      assert.equal(worker.fired, 1);
      assert.equal(worker.failed, 1);
      assert.equal((await s.listTimers({ status: 'pending' })).length, 0);
    });
  });
}

// The GitHub App manifest (exactly the events the normaliser accepts, exactly the permissions they and the
// client's calls need) and the manifest code exchange against the local stand-in, through the real CLI.
import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import {
  buildAppManifest,
  EVENT_PERMISSION,
  manifestFormAction,
  manifestFormHtml,
  PERMISSIONS,
  type AppManifest,
} from '../src/github/app-manifest.ts';
import { SUPPORTED_EVENTS } from '../src/github/normalise-event.ts';
import { exchangeManifestCode, readStoredApp, saveStoredApp } from '../src/github/manifest-exchange.ts';
import { startFakeGitHubApp, type FakeGitHubApp } from './helpers/fake-github-app.ts';

function manifestFor(baseUrl: string, name?: string): AppManifest {
  const r = buildAppManifest({ baseUrl, ...(name !== undefined ? { name } : {}) });
  assert.ok(r.ok, r.ok ? '' : r.errors.join('; '));
  return r.manifest;
}

void describe('buildAppManifest', () => {
  const m = manifestFor('https://lanes.example.com/');

  void test('URLs hang off the public base: webhook, user sign-in callback, manifest redirect', () => {
    assert.equal(m.url, 'https://lanes.example.com');
    assert.deepEqual(m.hook_attributes, { url: 'https://lanes.example.com/webhooks/github', active: true });
    assert.deepEqual(m.callback_urls, ['https://lanes.example.com/auth/github/callback']);
    assert.equal(m.redirect_url, 'https://lanes.example.com/setup/github/app-created');
    assert.equal(m.public, false);
  });

  void test('events are exactly the events the normaliser accepts', () => {
    assert.deepEqual([...m.default_events].sort(), [...SUPPORTED_EVENTS].sort());
  });

  void test('exactly these permissions, at these levels', () => {
    assert.deepEqual(m.default_permissions, {
      actions: 'write',
      checks: 'read',
      contents: 'read',
      deployments: 'write',
      metadata: 'read',
      pull_requests: 'read',
      statuses: 'write',
    });
  });

  void test('every event is covered by a granted permission, and every permission has a use', () => {
    for (const e of m.default_events) assert.ok(m.default_permissions[EVENT_PERMISSION[e]], e);
    const usedByEvents = new Set(Object.values(EVENT_PERMISSION));
    const outboundOnly = new Set(['statuses', 'metadata']);
    for (const p of Object.keys(PERMISSIONS))
      assert.ok(usedByEvents.has(p as keyof typeof PERMISSIONS) || outboundOnly.has(p), `${p} is unused`);
  });

  const refusals: [string, { baseUrl: string; name?: string; redirectUrl?: string }, RegExp][] = [
    ['not a URL', { baseUrl: 'lanes.example.com' }, /not a URL/],
    ['ftp', { baseUrl: 'ftp://lanes.example.com' }, /http\(s\)/],
    ['credentials in the URL', { baseUrl: 'https://u:p@lanes.example.com' }, /credentials/],
    ['name too long', { baseUrl: 'https://x.example', name: 'x'.repeat(35) }, /34/],
    ['bad redirect', { baseUrl: 'https://x.example', redirectUrl: 'javascript:alert(1)' }, /redirect-url/],
  ];
  for (const [what, input, re] of refusals)
    void test(`refuses ${what}`, () => {
      const r = buildAppManifest(input);
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.errors.join('\n'), re);
    });

  void test('default name fits GitHub’s 34-character limit', () => {
    const long = manifestFor('https://a-very-long-host-name-for-lanes.internal.example.com');
    assert.ok(long.name.length <= 34, long.name);
  });
});

void describe('manifest form', () => {
  const m = manifestFor('https://lanes.example.com', 'Lanes "quoted" <b>');

  void test('posts to the user or organisation "new App" page with the state', () => {
    assert.equal(manifestFormAction({ state: 's1' }), 'https://github.com/settings/apps/new?state=s1');
    assert.equal(
      manifestFormAction({ state: 's 2', org: 'acme', githubUrl: 'https://ghe.example.com/' }),
      'https://ghe.example.com/organizations/acme/settings/apps/new?state=s%202',
    );
    assert.throws(() => manifestFormAction({ state: 's', org: 'acme/../x' }), /organisation/);
  });

  void test('the hidden manifest field round-trips through HTML escaping', () => {
    const html = manifestFormHtml(m, { state: 'abc', org: 'acme' });
    assert.match(
      html,
      /<form action="https:\/\/github.com\/organizations\/acme\/settings\/apps\/new\?state=abc" method="post">/,
    );
    const value = /name="manifest" value="([^"]*)"/.exec(html)?.[1];
    assert.ok(value);
    assert.doesNotMatch(value, /[<>"]/);
    const decoded = value.replace(/&#(\d+);/g, (_s, n: string) => String.fromCharCode(Number(n)));
    assert.deepEqual(JSON.parse(decoded), m);
  });
});

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}
function lanes(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/lanes.js', ...args],
      { env: { ...process.env, ...env }, timeout: 60_000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
      },
    );
  });
}

void describe('manifest code exchange', () => {
  let gh: FakeGitHubApp;
  const dir = mkdtempSync(join(tmpdir(), 'lanes-manifest-'));
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const conversion = (id: number) => ({
    id,
    slug: `lanes-acme-${id}`,
    name: `Lanes acme ${id}`,
    owner: { login: 'acme' },
    html_url: `https://github.com/apps/lanes-acme-${id}`,
    client_id: `Iv1.client${id}`,
    client_secret: `client-secret-${id}-do-not-print`,
    webhook_secret: `webhook-secret-${id}-do-not-print`,
    pem,
  });

  before(async () => {
    gh = await startFakeGitHubApp();
  });
  after(async () => {
    await gh.close();
    rmSync(dir, { recursive: true, force: true });
  });

  void test('exchange returns the credentials; the code is single-use', async () => {
    gh.conversions.set('code-a', conversion(11));
    const r = await exchangeManifestCode('code-a', { apiUrl: gh.url });
    assert.ok(r.ok);
    assert.equal(r.data.appId, '11');
    assert.equal(r.data.webhookSecret, 'webhook-secret-11-do-not-print');
    const call = gh.calls.find((c) => c.path === '/app-manifests/code-a/conversions');
    assert.equal(call?.method, 'POST');
    assert.equal(call?.auth, 'none');
    const again = await exchangeManifestCode('code-a', { apiUrl: gh.url });
    assert.equal(again.ok, false);
    if (!again.ok) assert.equal(again.status, 404);
  });

  void test('a malformed code is refused without a call', async () => {
    const before = gh.calls.length;
    const r = await exchangeManifestCode('../../app', { apiUrl: gh.url });
    assert.equal(r.ok, false);
    assert.equal(gh.calls.length, before);
  });

  void test('CLI: stores 0600 in a 0700 dir, prints no secret, refuses to overwrite before spending the code', async () => {
    gh.conversions.set('code-b', conversion(12));
    const data = join(dir, 'data');
    const r = await lanes(['github', 'exchange', 'code-b', '--api-url', gh.url, '--data', data, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(out.appId, '12');
    assert.equal(out.clientId, 'Iv1.client12');
    assert.doesNotMatch(r.stdout + r.stderr, /do-not-print|PRIVATE KEY/);
    const file = join(data, 'github-app.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(data).mode & 0o777, 0o700);
    const stored = readStoredApp(data);
    assert.ok(stored.ok);
    assert.equal(stored.app.privateKey, pem);
    assert.equal(stored.app.webhookSecret, 'webhook-secret-12-do-not-print');

    gh.conversions.set('code-c', conversion(13));
    const again = await lanes(['github', 'exchange', 'code-c', '--api-url', gh.url, '--data', data]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already exists/);
    assert.ok(gh.conversions.has('code-c'), 'the code was not spent');
    const forced = await lanes([
      'github',
      'exchange',
      'code-c',
      '--api-url',
      gh.url,
      '--data',
      data,
      '--force',
    ]);
    assert.equal(forced.code, 0, forced.stderr);
    const replaced = readStoredApp(data);
    assert.ok(replaced.ok && replaced.app.appId === '13');
  });

  void test('CLI: an expired code exits 1 and says why', async () => {
    const r = await lanes([
      'github',
      'exchange',
      'code-gone',
      '--api-url',
      gh.url,
      '--data',
      join(dir, 'd2'),
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /HTTP 404/);
    assert.match(r.stderr, /expire after one hour/);
  });

  void test('readStoredApp refuses a file others can read', () => {
    const d = join(dir, 'loose');
    const saved = saveStoredApp(d, { ...readStoredAppOrThrow(join(dir, 'data')) });
    assert.ok(saved.ok);
    assert.ok(readStoredApp(d).ok);
    chmodSync(join(d, 'github-app.json'), 0o644);
    const r = readStoredApp(d);
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.message, /readable by others/);
  });

  void test('CLI manifest: prints the JSON, --html the form, exit 2 without --url', async () => {
    const env = { LANES_PUBLIC_URL: '' };
    const json = await lanes(['github', 'manifest', '--url', 'https://lanes.example.com'], env);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), manifestFor('https://lanes.example.com'));
    const html = await lanes(
      ['github', 'manifest', '--url', 'https://l.example', '--org', 'acme', '--html'],
      env,
    );
    assert.equal(html.code, 0, html.stderr);
    assert.match(html.stdout, /organizations\/acme\/settings\/apps\/new\?state=[0-9a-f]{32}/);
    const missing = await lanes(['github', 'manifest'], env);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--url/);
  });
});

function readStoredAppOrThrow(dir: string) {
  const r = readStoredApp(dir);
  if (!r.ok) throw new Error(r.message);
  return r.app;
}

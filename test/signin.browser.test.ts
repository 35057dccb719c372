// Sign in with GitHub in a real browser (Debian's Chromium driven by playwright-core) against a real Lanes
// server (reads need a sign-in) holding the demo history, with a local stand-in for GitHub's web flow and
// GET /user (test/helpers/fake-github-oauth.ts): the top bar's button goes through the authorize page and
// back; the dashboard shows the login; the session cookie is HttpOnly and no token sits in web storage or
// in the live stream's URL; a request without the CSRF header and a form posted from another origin are
// refused (403 csrf_failed, nothing changes, audited) while the page's own approve works; a login in no
// seat and a forged callback are refused with a clear page; sign-out ends the session.
// Needs `npm run build:web` first (the server serves web/dist). Screenshots in test-results/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { demoClock, loadDemo } from '../src/cli/demo-loader.ts';
import type { GateView, SessionView } from '../src/contract/views.ts';
import type { LanesProcess } from '../src/server.ts';
import { issueToken } from '../src/http/auth.ts';
import { SECRET, startTestLanes } from './helpers/lanes-harness.ts';
import { launchChromium } from './helpers/chromium.ts';
import { startFakeGitHubOAuth, type FakeGitHubOAuth } from './helpers/fake-github-oauth.ts';

const OUT = 'test-results';

describe('Sign in with GitHub in Chromium', () => {
  let lanes: LanesProcess;
  let gh: FakeGitHubOAuth;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let attacker: Server;
  let attackerUrl = '';
  let readToken = '';
  const requests: Request[] = [];
  const consoleErrors: string[] = [];
  const others: BrowserContext[] = [];

  /** GET /api/v1{path} as a reader (reads need a sign-in on this server). */
  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${lanes.url}/api/v1${path}`, {
      headers: { authorization: `Bearer ${readToken}` },
    });
    assert.equal(res.status, 200, path);
    return (await res.json()) as T;
  };
  const csrfAudit = async () =>
    (await lanes.store.listAudit({ limit: 100 })).filter((e) => e.action === 'request.csrf_refused');
  const sessionCookie = async (c: BrowserContext) =>
    (await c.cookies(lanes.url)).find((x) => x.name === 'lanes_session');

  before(async () => {
    mkdirSync(OUT, { recursive: true });
    gh = await startFakeGitHubOAuth({ login: 'jonas' });
    lanes = await startTestLanes(
      'sqlite',
      {
        openReads: false,
        githubClientId: gh.clientId,
        githubClientSecret: gh.clientSecret,
        githubWebUrl: gh.url,
        githubApiUrl: gh.url,
      },
      { clock: demoClock() },
    );
    const res = await loadDemo(lanes, SECRET);
    assert.equal(res.replay.failed.length, 0);
    readToken = (
      await issueToken(lanes.store, { personId: 'hana', name: 'reader', scope: 'read', now: new Date() })
    ).token;
    // Another origin (another port) whose page posts a form to Lanes as soon as it loads.
    attacker = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><html><body>
<form method="post" action="${lanes.url}/api/v1/gates/RG-09/approve" enctype="text/plain">
<input type="hidden" name='{"comment":"forged","x":"' value='"}'></form>
<script>document.forms[0].submit()</script></body></html>`);
    });
    await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r));
    attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;
    browser = await launchChromium();
    ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await ctx.newPage();
    page.on('request', (r) => requests.push(r));
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
  });

  after(async () => {
    for (const c of others) await c.close().catch(() => undefined);
    await ctx?.close().catch(() => undefined);
    await browser?.close();
    await new Promise<void>((r) => (attacker ? attacker.close(() => r()) : r()));
    await lanes?.close();
    await gh?.close();
  });

  it('signs in from the top bar through GitHub’s authorize page; the dashboard shows the login', async () => {
    await page.goto(lanes.url);
    // nobody signed in and reads need a sign-in: the page offers GitHub first
    await page.getByTestId('signin-prompt').waitFor();
    await page.screenshot({ path: `${OUT}/signin-before-1280.png` });
    await page.getByTestId('signin-github').click();
    await page.getByTestId('session-login').waitFor();
    assert.equal(new URL(page.url()).pathname, '/');
    assert.equal((await page.getByTestId('session-login').textContent())?.trim(), 'jonas');
    assert.ok(gh.calls.some((c) => c.path === '/login/oauth/authorize' && c.query.client_id === gh.clientId));
    // the overview loaded with the session cookie
    await page.getByTestId('zone-title').waitFor();
    assert.notEqual((await page.getByTestId('zone-name').textContent())?.trim(), '—');

    const cookie = await sessionCookie(ctx);
    assert.ok(cookie, 'session cookie set');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Lax');
    assert.equal(cookie.path, '/');
    assert.equal(await page.evaluate(() => document.cookie.includes('lanes_session')), false);
    const session = await page.evaluate(async () => (await fetch('/api/v1/session')).json());
    const csrf = (session as SessionView).csrfToken ?? '';
    assert.ok(csrf);
    const stored = await page.evaluate(() => [
      ...Object.entries(localStorage).flat(),
      ...Object.entries(sessionStorage).flat(),
    ]);
    for (const secret of [cookie.value, csrf, ...gh.issuedTokens, 'lanes_'])
      assert.ok(!stored.some((v) => v.includes(secret)), 'nothing secret in web storage');

    // the live stream authenticates by the cookie: connected, and its URL carries nothing
    await page.waitForSelector('[data-testid="live-indicator"][data-state="live"]', { timeout: 10_000 });
    const streams = requests.filter((r) => new URL(r.url()).pathname === '/api/v1/events');
    assert.ok(streams.length > 0);
    for (const r of streams) assert.equal(new URL(r.url()).search, '');
    await page.screenshot({ path: `${OUT}/signin-signed-in-1280.png` });

    // the Lanes tab leads to the lane list
    await page.getByTestId('nav-lanes').click();
    await page.waitForURL(`${lanes.url}/lanes`);
    assert.equal(await page.getByTestId('nav-lanes').getAttribute('aria-current'), 'page');
    assert.equal(await page.getByTestId('nav-overview').getAttribute('aria-current'), null);
  });

  it('refuses a fetch without the CSRF header and a form posted from another origin; nothing changes', async () => {
    await page.goto(`${lanes.url}/gates/RG-09`);
    await page.getByTestId('approve-button').waitFor();
    const before = await csrfAudit();
    const noHeader = await page.evaluate(async () => {
      const r = await fetch('/api/v1/gates/RG-09/approve', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      return { status: r.status, body: (await r.json()) as { error: { code: string } } };
    });
    assert.equal(noHeader.status, 403);
    assert.equal(noHeader.body.error.code, 'csrf_failed');

    const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/gates/RG-09/approve'));
    await page.goto(attackerUrl);
    const forged = await answer;
    // the cookie went along (same site, another origin), so only the CSRF check stood in the way
    assert.equal(forged.status(), 403);
    assert.equal(((await forged.json()) as { error: { code: string } }).error.code, 'csrf_failed');

    const gate = await api<GateView>('/gates/RG-09');
    assert.equal(gate.state, 'pending');
    assert.equal(gate.approvals.length, 0);
    const refused = (await csrfAudit()).slice(0, (await csrfAudit()).length - before.length);
    assert.equal(refused.length, 2);
    for (const e of refused) {
      assert.equal(e.objectId, 'POST /api/v1/gates/RG-09/approve');
      assert.equal(e.actor.startsWith('jonas (session:'), true);
    }
  });

  it('approves RG-09 from the gate page: the page sends the CSRF header and the gate passes', async () => {
    await page.goto(`${lanes.url}/gates/RG-09`);
    await page.getByTestId('approve-comment').fill('signed in with GitHub');
    const sent = page.waitForRequest((r) => r.url().endsWith('/api/v1/gates/RG-09/approve'));
    await page.getByRole('button', { name: 'Approve RG-09' }).click();
    const req = await sent;
    const session = (await page.evaluate(async () => (await fetch('/api/v1/session')).json())) as SessionView;
    assert.equal(req.headers()['x-csrf-token'], session.csrfToken);
    assert.equal(req.headers().authorization, undefined, 'no token: the cookie authenticates');
    await page.waitForSelector('[data-testid="gate-detail-state"]:text-is("passed")', { timeout: 10_000 });
    const gate = await api<GateView>('/gates/RG-09');
    assert.equal(gate.state, 'passed');
    assert.deepEqual(
      gate.approvals.map((a) => [a.by, a.comment]),
      [['jonas', 'signed in with GitHub']],
    );
  });

  it('sign-out ends the session on the server', async () => {
    const cookie = await sessionCookie(ctx);
    assert.ok(cookie);
    await page.goto(lanes.url);
    await page.getByTestId('sign-out').click();
    await page.getByTestId('signin-github').waitFor();
    assert.equal(await sessionCookie(ctx), undefined);
    const res = await fetch(`${lanes.url}/api/v1/session`, {
      headers: { cookie: `lanes_session=${cookie.value}` },
    });
    assert.equal(res.status, 401);
    assert.ok((await lanes.store.listAudit({ limit: 20 })).some((e) => e.action === 'session.ended'));
  });

  it('refuses a login in no seat with a clear page, and sets no session', async () => {
    const c = await browser.newContext();
    others.push(c);
    const p = await c.newPage();
    gh.login = 'mallory';
    try {
      await p.goto(`${lanes.url}/auth/github/login`);
    } finally {
      gh.login = 'jonas';
    }
    const refused = p.getByTestId('signin-refused');
    await refused.waitFor();
    assert.equal(await refused.getAttribute('data-code'), 'signin_refused');
    assert.match(
      (await p.getByTestId('signin-refused-message').textContent()) ?? '',
      /mallory holds no seat/,
    );
    assert.equal(await sessionCookie(c), undefined);
    await p.screenshot({ path: `${OUT}/signin-refused-no-seat.png` });
    const audit = await lanes.store.listAudit({ limit: 20 });
    assert.ok(audit.some((e) => e.action === 'session.refused' && e.actor === 'github:mallory'));
  });

  it('refuses a callback carrying someone else’s code and state (state mismatch)', async () => {
    // the attacker's own sign-in, stopped at the callback
    const login = await fetch(`${lanes.url}/auth/github/login`, { redirect: 'manual' });
    const at = await fetch(login.headers.get('location') ?? '', { redirect: 'manual' });
    const forgedCallback = at.headers.get('location') ?? '';
    assert.match(forgedCallback, /\/auth\/github\/callback\?/);
    // the victim started a sign-in of their own (stopped at GitHub), then follows the attacker's link
    const c = await browser.newContext();
    others.push(c);
    const p = await c.newPage();
    gh.hold = true;
    try {
      await p.goto(`${lanes.url}/auth/github/login`);
      await p.getByText('Authorize Lanes?').waitFor();
    } finally {
      gh.hold = false;
    }
    assert.ok((await c.cookies(`${lanes.url}/auth/github/callback`)).some((x) => x.name === 'lanes_oauth'));
    const res = await p.goto(forgedCallback);
    assert.equal(res?.status(), 400);
    assert.equal(await p.getByTestId('signin-refused').getAttribute('data-code'), 'signin_state_invalid');
    assert.equal(await sessionCookie(c), undefined);
  });

  it('has no console errors other than the expected refusals', () => {
    // 401: GET /api/v1/session while nobody is signed in; 403: the refused requests above
    const unexpected = consoleErrors.filter((m) => !/status of 40[13]/.test(m));
    assert.deepEqual(unexpected, []);
  });
});

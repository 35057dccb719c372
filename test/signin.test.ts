// Sign in with GitHub over HTTP, on both stores, against a local stand-in for GitHub's web flow and
// GET /user (test/helpers/fake-github-oauth.ts): the redirect with state and PKCE, the callback's session
// cookie, the session's identity and CSRF token, the CSRF refusal (audited) and what a Bearer token still
// does, and every refusal of the callback (state mismatch or missing, denied, a bad code, a login in no
// seat), logout and expiry. The store keeps no session id and no GitHub user token.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashToken, issueToken } from '../src/http/auth.ts';
import { safeNext, signinRoutes } from '../src/http/routes/signin.ts';
import { SessionAuthenticator, startSession } from '../src/http/session-auth.ts';
import type { SessionView } from '../src/contract/views.ts';
import { STORE_KINDS, startTestLanes } from './helpers/lanes-harness.ts';
import { startFakeGitHubOAuth, type FakeGitHubOAuth } from './helpers/fake-github-oauth.ts';

type Lanes = Awaited<ReturnType<typeof startTestLanes>>;

const cookieValue = (setCookies: string[], name: string): string | undefined => {
  for (const c of setCookies) {
    const m = new RegExp(`^${name}=([^;]*)`).exec(c);
    if (m) return m[1];
  }
  return undefined;
};
const cookieLine = (setCookies: string[], name: string): string =>
  setCookies.find((c) => c.startsWith(`${name}=`)) ?? '';

/** /auth/github/login → the stand-in's authorize page → the callback location (not yet followed). */
async function authorize(lanes: Lanes, next = '/gates') {
  const login = await fetch(`${lanes.url}/auth/github/login?next=${encodeURIComponent(next)}`, {
    redirect: 'manual',
  });
  assert.equal(login.status, 302);
  const stateCookie = cookieValue(login.headers.getSetCookie(), 'lanes_oauth');
  assert.ok(stateCookie, 'state cookie set');
  const at = await fetch(login.headers.get('location') ?? '', { redirect: 'manual' });
  assert.equal(at.status, 302);
  return {
    loginRes: login,
    authorizeUrl: new URL(login.headers.get('location') ?? ''),
    callback: new URL(at.headers.get('location') ?? ''),
    stateCookie,
  };
}

async function callback(url: URL | string, stateCookie?: string) {
  return fetch(url, {
    redirect: 'manual',
    headers: stateCookie ? { cookie: `lanes_oauth=${stateCookie}` } : {},
  });
}

async function signIn(lanes: Lanes): Promise<string> {
  const a = await authorize(lanes);
  const res = await callback(a.callback, a.stateCookie);
  assert.equal(res.status, 302);
  const id = cookieValue(res.headers.getSetCookie(), 'lanes_session');
  assert.ok(id);
  return id;
}

async function session(lanes: Lanes, id: string): Promise<{ status: number; body: SessionView }> {
  const res = await fetch(`${lanes.url}/api/v1/session`, { headers: { cookie: `lanes_session=${id}` } });
  return { status: res.status, body: (await res.json()) as SessionView };
}

async function refusedAudit(lanes: Lanes, action: string) {
  return (await lanes.store.listAudit({ limit: 50 })).filter((e) => e.action === action);
}

for (const kind of STORE_KINDS) {
  describe(`sign in with GitHub (${kind})`, () => {
    let lanes: Lanes;
    let gh: FakeGitHubOAuth;

    before(async () => {
      gh = await startFakeGitHubOAuth();
      lanes = await startTestLanes(kind, {
        githubClientId: gh.clientId,
        githubClientSecret: gh.clientSecret,
        githubWebUrl: gh.url,
        githubApiUrl: gh.url,
      });
    });
    after(async () => {
      await lanes?.close();
      await gh?.close();
    });

    it('redirects to the authorize page with client id, callback, state and a PKCE challenge', async () => {
      const a = await authorize(lanes);
      const q = a.authorizeUrl.searchParams;
      assert.equal(a.authorizeUrl.origin + a.authorizeUrl.pathname, `${gh.url}/login/oauth/authorize`);
      assert.equal(q.get('client_id'), gh.clientId);
      assert.equal(q.get('redirect_uri'), `${lanes.url}/auth/github/callback`);
      assert.equal(q.get('code_challenge_method'), 'S256');
      assert.match(q.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
      assert.equal(a.stateCookie.split('.')[0], q.get('state'));
      const line = cookieLine(a.loginRes.headers.getSetCookie(), 'lanes_oauth');
      assert.match(line, /; HttpOnly/);
      assert.match(line, /; SameSite=Lax/);
      assert.match(line, /; Path=\/auth\/github/);
      assert.match(line, /; Max-Age=600/);
      assert.doesNotMatch(line, /Secure/, 'served over http: no Secure');
      // the verifier never leaves Lanes except in the code exchange
      assert.ok(!a.authorizeUrl.toString().includes(a.stateCookie.split('.')[1] ?? 'x'));
    });

    it('the callback starts a session: HttpOnly cookie, hashes only, no GitHub token kept', async () => {
      gh.login = 'jonas';
      const a = await authorize(lanes, '/gates/RG-09');
      const res = await callback(a.callback, a.stateCookie);
      assert.equal(res.status, 302);
      assert.equal(res.headers.get('location'), '/gates/RG-09');
      const line = cookieLine(res.headers.getSetCookie(), 'lanes_session');
      assert.match(line, /^lanes_session=[A-Za-z0-9_-]{43}; Max-Age=43200; Path=\/; HttpOnly; SameSite=Lax$/);
      const id = cookieValue(res.headers.getSetCookie(), 'lanes_session') ?? '';
      // the code exchange carried the PKCE verifier and the same redirect_uri
      const exchange = gh.calls.filter((c) => c.path === '/login/oauth/access_token').at(-1);
      assert.equal(exchange?.body.code_verifier, a.stateCookie.split('.')[1]);
      assert.equal(exchange?.body.redirect_uri, `${lanes.url}/auth/github/callback`);

      const s = await session(lanes, id);
      assert.equal(s.status, 200);
      assert.equal(s.body.via, 'session');
      assert.equal(s.body.login, 'jonas');
      assert.equal(s.body.person, 'jonas');
      assert.deepEqual(s.body.seats, ['SEAT-COMPUTE']);
      assert.deepEqual(s.body.scopes, ['read', 'operate']);
      assert.match(s.body.csrfToken ?? '', /^[A-Za-z0-9_-]{43}$/);
      assert.ok(s.body.expiresAt);

      assert.ok(await lanes.store.findSession(hashToken(id), new Date().toISOString()));
      assert.equal(await lanes.store.findSession(id, new Date().toISOString()), undefined);
      const started = await refusedAudit(lanes, 'session.started');
      assert.ok(started.some((e) => e.objectId === 'jonas' && e.actor === 'jonas'));
      const userToken = gh.issuedTokens.at(-1) ?? '';
      assert.ok(userToken.startsWith('ghu_'));
      const audit = JSON.stringify(await lanes.store.listAudit({ limit: 200 }));
      for (const secret of [id, userToken, s.body.csrfToken ?? ''])
        assert.ok(!audit.includes(secret), 'no secret in the audit');
      if (kind === 'sqlite') {
        for (const f of readdirSync(lanes.config.dataDir)) {
          const bytes = readFileSync(join(lanes.config.dataDir, f));
          for (const secret of [id, userToken, s.body.csrfToken ?? ''])
            assert.ok(!bytes.includes(secret), `${f} holds no session id, CSRF token or GitHub token`);
        }
      }
    });

    it('a cookie state change needs the CSRF header and Lanes’ own Origin; a Bearer token needs neither', async () => {
      const id = await signIn(lanes);
      const csrf = (await session(lanes, id)).body.csrfToken ?? '';
      const ack = (headers: Record<string, string>) =>
        fetch(`${lanes.url}/api/v1/alerts/999/ack`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie: `lanes_session=${id}`, ...headers },
          body: '{}',
        });
      const before = (await refusedAudit(lanes, 'request.csrf_refused')).length;
      for (const [headers, why] of [
        [{}, /needs the x-csrf-token header/],
        [{ 'x-csrf-token': 'x'.repeat(43) }, /does not match/],
        [{ 'x-csrf-token': csrf, origin: 'http://evil.example' }, /Origin http:\/\/evil\.example/],
        [{ 'x-csrf-token': csrf, origin: 'null' }, /Origin null/],
        [{ 'x-csrf-token': csrf, referer: 'http://evil.example/x' }, /Referer/],
      ] as const) {
        const res = await ack(headers);
        assert.equal(res.status, 403);
        const body = (await res.json()) as { error: { code: string; message: string } };
        assert.equal(body.error.code, 'csrf_failed');
        assert.match(body.error.message, why);
      }
      const refused = await refusedAudit(lanes, 'request.csrf_refused');
      assert.equal(refused.length - before, 5);
      assert.equal(refused[0]?.objectId, 'POST /api/v1/alerts/999/ack');
      assert.equal((refused[0]?.data as { code: string }).code, 'csrf_failed');
      // with the header and Lanes' own origin (or no Origin) the action itself answers: no alert 999
      assert.equal((await ack({ 'x-csrf-token': csrf, origin: lanes.url })).status, 404);
      assert.equal((await ack({ 'x-csrf-token': csrf })).status, 404);
      // reads need no CSRF header
      assert.equal(
        (await fetch(`${lanes.url}/api/v1/alerts`, { headers: { cookie: `lanes_session=${id}` } })).status,
        200,
      );
      // a Bearer token (CLI, CI) needs no CSRF header, and wins over a cookie
      const { token } = await issueToken(lanes.store, {
        personId: 'hana',
        name: 't',
        scope: 'operate',
        now: new Date(),
      });
      const bearer = await ack({ authorization: `Bearer ${token}`, origin: 'http://evil.example' });
      assert.equal(bearer.status, 404);
    });

    it('the live stream takes the cookie, never a token in the URL', async () => {
      const { token } = await issueToken(lanes.store, {
        personId: 'hana',
        name: 't',
        scope: 'read',
        now: new Date(),
      });
      const inUrl = await fetch(`${lanes.url}/api/v1/events?access_token=${token}`);
      assert.equal(inUrl.status, 401);
      await inUrl.body?.cancel();
      const id = await signIn(lanes);
      const ac = new AbortController();
      const res = await fetch(`${lanes.url}/api/v1/events`, {
        headers: { cookie: `lanes_session=${id}` },
        signal: ac.signal,
      });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
      ac.abort();
      await res.body?.cancel().catch(() => undefined);
    });

    it('refuses a callback whose state does not match, or without the state cookie, and audits it', async () => {
      const a = await authorize(lanes);
      const wrong = new URL(a.callback);
      wrong.searchParams.set('state', 'not-the-state-we-sent-000');
      const before = (await refusedAudit(lanes, 'session.refused')).length;
      for (const res of [await callback(wrong, a.stateCookie), await callback(a.callback)]) {
        assert.equal(res.status, 400);
        const html = await res.text();
        assert.match(html, /data-code="signin_state_invalid"/);
        assert.match(html, /state does not match/);
        assert.equal(cookieValue(res.headers.getSetCookie(), 'lanes_session'), undefined);
      }
      const refused = await refusedAudit(lanes, 'session.refused');
      assert.equal(refused.length - before, 2);
      assert.equal((refused[0]?.data as { code: string }).code, 'signin_state_invalid');
      // the code was never exchanged
      const code = a.callback.searchParams.get('code');
      assert.ok(!gh.calls.some((c) => c.path === '/login/oauth/access_token' && c.body.code === code));
    });

    it('refuses a login in no seat, a declined authorization and a code GitHub refuses; no session', async () => {
      gh.login = 'mallory';
      const a = await authorize(lanes);
      const res = await callback(a.callback, a.stateCookie);
      assert.equal(res.status, 403);
      const html = await res.text();
      assert.match(html, /data-code="signin_refused"/);
      assert.match(html, /mallory holds no seat in this catalog/);
      assert.equal(cookieValue(res.headers.getSetCookie(), 'lanes_session'), undefined);
      const refused = await refusedAudit(lanes, 'session.refused');
      assert.equal(refused[0]?.actor, 'github:mallory');
      assert.equal((refused[0]?.data as { code: string }).code, 'signin_refused');
      gh.login = 'jonas';

      gh.deny = true;
      const d = await authorize(lanes);
      const denied = await callback(d.callback, d.stateCookie);
      gh.deny = false;
      assert.equal(denied.status, 403);
      assert.match(await denied.text(), /did not authorize the sign-in \(access_denied\)/);

      const b = await authorize(lanes);
      assert.equal((await callback(b.callback, b.stateCookie)).status, 302);
      const again = await authorize(lanes);
      const reused = new URL(b.callback);
      reused.searchParams.set('state', again.callback.searchParams.get('state') ?? '');
      const bad = await callback(reused, again.stateCookie); // the first code, already used
      assert.equal(bad.status, 502);
      assert.match(await bad.text(), /GitHub refused the code: bad_verification_code/);
      assert.equal(cookieValue(bad.headers.getSetCookie(), 'lanes_session'), undefined);
    });

    it('logout (with the CSRF header) ends the session; an expired session is nobody', async () => {
      const id = await signIn(lanes);
      const csrf = (await session(lanes, id)).body.csrfToken ?? '';
      const noHeader = await fetch(`${lanes.url}/auth/logout`, {
        method: 'POST',
        headers: { cookie: `lanes_session=${id}` },
      });
      assert.equal(noHeader.status, 403);
      assert.equal((await session(lanes, id)).status, 200, 'still signed in');
      const out = await fetch(`${lanes.url}/auth/logout`, {
        method: 'POST',
        headers: { cookie: `lanes_session=${id}`, 'x-csrf-token': csrf, origin: lanes.url },
      });
      assert.equal(out.status, 200);
      assert.match(cookieLine(out.headers.getSetCookie(), 'lanes_session'), /Max-Age=0/);
      assert.equal((await session(lanes, id)).status, 401);
      assert.ok((await refusedAudit(lanes, 'session.ended')).some((e) => e.objectId === 'jonas'));

      const old = await startSession(lanes.store, {
        login: 'jonas',
        now: new Date(Date.now() - 13 * 3_600_000),
        ttlHours: 12,
      });
      assert.equal((await session(lanes, old.sessionId)).status, 401);
    });

    it('Secure cookies and the public URL’s callback when Lanes is served over https', async () => {
      const app = signinRoutes({
        store: lanes.store,
        sessions: new SessionAuthenticator(lanes.store, lanes.catalog),
        signin: {
          clientId: gh.clientId,
          clientSecret: gh.clientSecret,
          githubWebUrl: gh.url,
          githubApiUrl: gh.url,
          publicUrl: 'https://lanes.example.test',
          sessionTtlHours: 12,
        },
      });
      const res = await app.request('/auth/github/login');
      assert.equal(res.status, 302);
      const to = new URL(res.headers.get('location') ?? '');
      assert.equal(to.searchParams.get('redirect_uri'), 'https://lanes.example.test/auth/github/callback');
      assert.match(cookieLine(res.headers.getSetCookie(), 'lanes_oauth'), /; Secure/);
    });
  });
}

describe('sign in with GitHub: where the callback may send the browser', () => {
  it('only to a path of this site', () => {
    assert.equal(safeNext('/gates/RG-09?x=1'), '/gates/RG-09?x=1');
    for (const bad of [
      undefined,
      '',
      'https://evil.example/',
      '//evil.example/',
      '/\\evil.example',
      'gates',
      '/a b',
    ])
      assert.equal(safeNext(bad), '/', String(bad));
  });
});

describe('sign in with GitHub, not configured', () => {
  it('answers a clear 503 page when the App has no client id/secret', async () => {
    const lanes = await startTestLanes('sqlite');
    try {
      const res = await fetch(`${lanes.url}/auth/github/login`, { redirect: 'manual' });
      assert.equal(res.status, 503);
      assert.match(await res.text(), /LANES_GITHUB_CLIENT_ID/);
    } finally {
      await lanes.close();
    }
  });
});

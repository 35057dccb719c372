// Sign in with GitHub (a GitHub App's user authorization, the web flow) for the dashboard.
// - GET /auth/github/login[?next=/path]: a random state and PKCE verifier go into a short-lived HttpOnly
//   cookie bound to /auth/github, then a redirect to GitHub's authorize page.
// - GET /auth/github/callback?code&state: the state must equal the cookie's (constant time), the code is
//   exchanged (with the verifier) for a user token that reads GET /user once and is dropped, never stored;
//   the login must be a person of a catalog seat. Then a session (src/http/session-auth.ts) and its cookie
//   `lanes_session` (HttpOnly; SameSite=Lax; Path=/; Secure when Lanes is served over https), and a
//   redirect to `next`. Every refusal is a page with a stable code, and audited.
// - POST /auth/logout: ends the session (with the CSRF header, like every cookie state change).
import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { RefusalCode } from '../../contract/refusal.ts';
import { authorizeUrl, exchangeCode, fetchLogin, type OAuthApp } from '../../github/oauth-client.ts';
import type { Store } from '../../store/store.ts';
import type { AppEnv } from '../app-env.ts';
import { csrfProblem, ownOrigin } from '../auth-middleware.ts';
import { AppError } from '../errors.ts';
import { SESSION_COOKIE, sameSecret, startSession, type SessionAuthenticator } from '../session-auth.ts';

export const LOGIN_PATH = '/auth/github/login';
export const CALLBACK_PATH = '/auth/github/callback';
export const LOGOUT_PATH = '/auth/logout';
const STATE_COOKIE = 'lanes_oauth';
const STATE_TTL_S = 600;

export interface SigninConfig {
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  githubWebUrl: string;
  githubApiUrl: string;
  publicUrl?: string | undefined;
  sessionTtlHours: number;
  cookieSecure?: boolean | undefined;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function page(c: Context, status: 400 | 403 | 502 | 503, code: RefusalCode, message: string): Response {
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign-in refused — Lanes</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main data-testid="signin-refused" data-code="${code}">
<h1>Sign-in refused</h1>
<p data-testid="signin-refused-message">${escapeHtml(message)}</p>
<p>Code: <code>${code}</code></p>
<p><a href="/">Back to Lanes</a></p>
</main></body></html>`;
  return c.html(body, status);
}

/** `next` when it is a path of this site (never another origin), else `/`. */
export function safeNext(next: string | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return '/';
  return /^[\x21-\x7e]+$/.test(next) ? next : '/';
}

export function signinRoutes(deps: {
  store: Store;
  sessions: SessionAuthenticator;
  signin: SigninConfig;
}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const cfg = deps.signin;
  const base = (c: Context) =>
    ownOrigin(c, cfg.publicUrl) + (cfg.publicUrl ? new URL(cfg.publicUrl).pathname.replace(/\/+$/, '') : '');
  const secure = (c: Context) => cfg.cookieSecure ?? base(c).startsWith('https:');
  const oauth = (): OAuthApp | undefined =>
    cfg.clientId && cfg.clientSecret
      ? {
          clientId: cfg.clientId,
          clientSecret: cfg.clientSecret,
          webUrl: cfg.githubWebUrl,
          apiUrl: cfg.githubApiUrl,
        }
      : undefined;

  const audit = async (actor: string, action: string, login: string, reason: string | null, data: object) =>
    deps.store.transaction((tx) =>
      tx.appendAudit({
        at: new Date().toISOString(),
        actor,
        action,
        objectType: 'session',
        objectId: login,
        reason,
        data,
      }),
    );
  const refused = async (
    c: Context,
    status: 400 | 403 | 502 | 503,
    code: RefusalCode,
    message: string,
    login?: string,
  ) => {
    await audit(login ? `github:${login}` : 'anonymous', 'session.refused', login ?? '-', message, { code });
    return page(c, status, code, message);
  };

  app.get(LOGIN_PATH, (c) => {
    const gh = oauth();
    if (!gh) {
      return page(
        c,
        503,
        'not_configured',
        'Sign in with GitHub is not configured: set LANES_GITHUB_CLIENT_ID and LANES_GITHUB_CLIENT_SECRET (or create the App with lanes github exchange).',
      );
    }
    const state = randomBytes(24).toString('base64url');
    const verifier = randomBytes(32).toString('base64url');
    const next = safeNext(c.req.query('next'));
    setCookie(c, STATE_COOKIE, `${state}.${verifier}.${encodeURIComponent(next)}`, {
      httpOnly: true,
      secure: secure(c),
      sameSite: 'Lax',
      path: '/auth/github',
      maxAge: STATE_TTL_S,
    });
    return c.redirect(
      authorizeUrl(gh, { redirectUri: `${base(c)}${CALLBACK_PATH}`, state, codeVerifier: verifier }),
      302,
    );
  });

  app.get(CALLBACK_PATH, async (c) => {
    const gh = oauth();
    if (!gh) return page(c, 503, 'not_configured', 'Sign in with GitHub is not configured.');
    const cookie = getCookie(c, STATE_COOKIE);
    deleteCookie(c, STATE_COOKIE, {
      path: '/auth/github',
      secure: secure(c),
      httpOnly: true,
      sameSite: 'Lax',
    });
    const [state, verifier, nextRaw] = (cookie ?? '').split('.');
    const given = c.req.query('state') ?? '';
    if (!state || !verifier || !given || !sameSecret(state, given)) {
      return refused(
        c,
        400,
        'signin_state_invalid',
        'This sign-in did not start here or has expired (the state does not match); start again from Lanes.',
      );
    }
    const denied = c.req.query('error');
    if (denied) return refused(c, 403, 'signin_refused', `GitHub did not authorize the sign-in (${denied}).`);
    const code = c.req.query('code');
    if (!code) return refused(c, 400, 'signin_state_invalid', 'GitHub sent no code back.');
    const redirectUri = `${base(c)}${CALLBACK_PATH}`;
    const token = await exchangeCode(gh, { code, redirectUri, codeVerifier: verifier });
    if (!token.ok) return refused(c, 502, 'signin_failed', token.reason);
    const login = await fetchLogin(gh, token.value);
    if (!login.ok) return refused(c, 502, 'signin_failed', login.reason);
    const person = deps.sessions.personFor(login.value);
    if (!person) {
      return refused(
        c,
        403,
        'signin_refused',
        `${login.value} holds no seat in this catalog, so it cannot sign in to Lanes.`,
        login.value,
      );
    }
    const now = new Date();
    const s = await startSession(deps.store, { login: login.value, now, ttlHours: cfg.sessionTtlHours });
    setCookie(c, SESSION_COOKIE, s.sessionId, {
      httpOnly: true,
      secure: secure(c),
      sameSite: 'Lax',
      path: '/',
      maxAge: Math.floor(cfg.sessionTtlHours * 3600),
    });
    await audit(person, 'session.started', login.value, null, { expiresAt: s.expiresAt });
    let next = '/';
    try {
      next = safeNext(decodeURIComponent(nextRaw ?? ''));
    } catch {
      next = '/';
    }
    return c.redirect(next, 302);
  });

  app.post(LOGOUT_PATH, async (c) => {
    const id = getCookie(c, SESSION_COOKIE);
    const p = id ? await deps.sessions.authenticate(id, new Date()) : undefined;
    if (id && p) {
      const problem = csrfProblem(c, p.session.csrfToken, cfg.publicUrl);
      if (problem) {
        await audit(p.personId, 'request.csrf_refused', p.session.login, problem, { code: 'csrf_failed' });
        throw new AppError('csrf_failed', problem);
      }
      await deps.sessions.end(id, new Date());
      await audit(p.personId, 'session.ended', p.session.login, null, {});
    }
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secure(c), httpOnly: true, sameSite: 'Lax' });
    return c.json({ signedOut: true });
  });

  return app;
}

// GitHub's web flow for a GitHub App's user authorization (Sign in with GitHub): the authorize URL a person
// is sent to (with state and a PKCE S256 challenge), the code exchange at /login/oauth/access_token, and
// the one API read Lanes makes with the user's token, GET /user for the login. The user token is returned
// to the caller to read /user once and is never stored or logged.
import { createHash } from 'node:crypto';

export interface OAuthApp {
  clientId: string;
  clientSecret: string;
  /** GitHub's web host (https://github.com, or a GHES host; a local stand-in in tests). */
  webUrl: string;
  /** GitHub's REST API (https://api.github.com). */
  apiUrl: string;
}

export type OAuthResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/** The S256 code challenge of a PKCE verifier (RFC 7636). */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export function authorizeUrl(
  app: OAuthApp,
  p: { redirectUri: string; state: string; codeVerifier: string },
): string {
  const u = new URL(`${app.webUrl.replace(/\/+$/, '')}/login/oauth/authorize`);
  u.searchParams.set('client_id', app.clientId);
  u.searchParams.set('redirect_uri', p.redirectUri);
  u.searchParams.set('state', p.state);
  u.searchParams.set('code_challenge', pkceChallenge(p.codeVerifier));
  u.searchParams.set('code_challenge_method', 'S256');
  u.searchParams.set('allow_signup', 'false');
  return u.toString();
}

function field(v: unknown, key: string): unknown {
  return typeof v === 'object' && v !== null && key in v ? (v as Record<string, unknown>)[key] : undefined;
}

/** One call to GitHub (10 s unless a signal is given): the response and its JSON body (null when not JSON). */
async function call(
  url: string,
  signal: AbortSignal | undefined,
  init: RequestInit,
): Promise<OAuthResult<{ res: Response; body: unknown }>> {
  try {
    const res = await fetch(url, { ...init, signal: signal ?? AbortSignal.timeout(10_000) });
    const body: unknown = await res.json().catch(() => null);
    return { ok: true, value: { res, body } };
  } catch (err) {
    return {
      ok: false,
      reason: `GitHub cannot be reached (${err instanceof Error ? err.message : 'error'})`,
    };
  }
}

/** Exchanges the callback's code for a user access token (GitHub answers 200 with `error` on refusal). */
export async function exchangeCode(
  app: OAuthApp,
  p: { code: string; redirectUri: string; codeVerifier: string },
  signal?: AbortSignal,
): Promise<OAuthResult<string>> {
  const sent = await call(`${app.webUrl.replace(/\/+$/, '')}/login/oauth/access_token`, signal, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({
      client_id: app.clientId,
      client_secret: app.clientSecret,
      code: p.code,
      redirect_uri: p.redirectUri,
      code_verifier: p.codeVerifier,
    }),
  });
  if (!sent.ok) return sent;
  const { res, body } = sent.value;
  const token = field(body, 'access_token');
  if (res.ok && typeof token === 'string' && token) return { ok: true, value: token };
  const error = field(body, 'error');
  return {
    ok: false,
    reason: typeof error === 'string' ? `GitHub refused the code: ${error}` : `GitHub answered ${res.status}`,
  };
}

/** The login of the user the token belongs to. */
export async function fetchLogin(
  app: OAuthApp,
  userToken: string,
  signal?: AbortSignal,
): Promise<OAuthResult<string>> {
  const sent = await call(`${app.apiUrl.replace(/\/+$/, '')}/user`, signal, {
    headers: {
      accept: 'application/vnd.github+json',
      authorization: `Bearer ${userToken}`,
      'x-github-api-version': '2022-11-28',
    },
  });
  if (!sent.ok) return sent;
  const { res, body } = sent.value;
  const login = field(body, 'login');
  if (res.ok && typeof login === 'string' && login) return { ok: true, value: login };
  return { ok: false, reason: `GET /user answered ${res.status}` };
}

// Authentication for /api/v1: a Bearer token (the CLI and CI; never in a URL) or the dashboard's session
// cookie (src/http/session-auth.ts) becomes the request's principal; a Bearer header wins over a cookie.
// A cookie-authenticated state change (any method but GET/HEAD/OPTIONS) must carry X-CSRF-Token equal to
// the session's CSRF token, and its Origin (or else Referer), when sent, must be Lanes' own origin: else
// 403 csrf_failed, audited. Without a principal, only reads pass, and only when the server runs with open
// reads; the OpenAPI document is always public. Scope checks per route follow in
// `requirePrincipal`, called by the route table's registration (src/http/route.ts).
// On POST /api/v1/evidence only, a GitHub Actions OIDC token (a JWT) is accepted in place of an API token:
// verified against the issuer's JWKS (src/github/actions-oidc.ts), it becomes a principal carrying the
// claims the evidence is bound to; anywhere else a JWT is refused like any unknown token.
import type { Context, MiddlewareHandler } from 'hono';
import type { TokenScope } from '../store/store.ts';
import { API } from '../contract/routes.ts';
import type { AppEnv } from './app-env.ts';
import { hasScope, type Authenticator, type Principal } from './auth.ts';
import { looksLikeJwt, type ActionsIdentity, type OidcVerification } from '../github/actions-oidc.ts';
import { AppError } from './errors.ts';
import { getCookie } from 'hono/cookie';
import type { Store } from '../store/store.ts';
import {
  CSRF_HEADER,
  SESSION_COOKIE,
  isSessionPrincipal,
  sameSecret,
  type SessionAuthenticator,
} from './session-auth.ts';
import { oidcRefusalCode } from '../engine/oidc-refusal.ts';

export interface OidcVerifier {
  verify(token: string): Promise<OidcVerification>;
}

function workflowPrincipal(w: ActionsIdentity): Principal {
  return {
    personId: `oidc:${w.repository}`,
    tokenId: `oidc:${w.runId}`,
    scope: 'operate',
    seats: [],
    service: `github-actions:${w.repository}`,
    workflow: {
      repository: w.repository,
      workflowFile: w.workflowFile,
      ref: w.ref,
      sha: w.sha,
      runId: w.runId,
      runAttempt: w.runAttempt,
    },
  };
}

export function authenticate(deps: {
  auth: Authenticator;
  openReads: boolean;
  clock: () => Date;
  oidc?: OidcVerifier;
  sessions?: SessionAuthenticator;
  publicUrl?: string | undefined;
  store: Store;
}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    const raw = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const cookie = raw || !deps.sessions ? undefined : getCookie(c, SESSION_COOKIE);
    const oidcRoute = c.req.method === 'POST' && c.req.path === API.reportEvidence.path;
    if (raw && oidcRoute && deps.oidc && looksLikeJwt(raw)) {
      const v = await deps.oidc.verify(raw);
      if (!v.ok) throw new AppError(oidcRefusalCode(v.reason), `OIDC token refused: ${v.reason}`);
      c.set('principal', workflowPrincipal(v.identity));
    } else if (raw) {
      // Tokens expire on real time, whatever clock the decisions run on (the demo pins its own clock).
      const r = await deps.auth.authenticate(raw, new Date());
      if (!r.ok) throw new AppError(r.code, r.message);
      c.set('principal', r.principal);
    } else if (cookie && deps.sessions) {
      // An unknown or ended session is no session: the request goes on as anonymous.
      const p = await deps.sessions.authenticate(cookie, new Date());
      c.set('principal', p);
      if (p) await checkCsrf(c, deps);
    } else {
      c.set('principal', undefined);
    }
    if (c.req.method === 'GET' && c.req.path === '/api/v1/openapi.json') return next();
    // Who is signed in answers nobody itself (401 saying whether Sign in with GitHub is offered).
    if (c.req.method === 'GET' && c.req.path === API.session.path) return next();
    if (!c.get('principal') && !(deps.openReads && c.req.method === 'GET')) {
      throw new AppError(
        'unauthorized',
        'sign in (Sign in with GitHub) or send a Bearer token (lanes token create)',
      );
    }
    return next();
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Lanes' own origin: the public URL's, else the request's. */
export function ownOrigin(c: Context, publicUrl: string | undefined): string {
  return new URL(publicUrl ?? c.req.url).origin;
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** Why a cookie-authenticated state change is refused as a possible cross-site request, if it is. */
export function csrfProblem(
  c: Context,
  csrfToken: string,
  publicUrl: string | undefined,
): string | undefined {
  if (SAFE_METHODS.has(c.req.method)) return undefined;
  const sent = c.req.header(CSRF_HEADER);
  if (!sent) return `a state change with the session cookie needs the ${CSRF_HEADER} header`;
  if (!sameSecret(sent, csrfToken)) return `the ${CSRF_HEADER} header does not match this session`;
  const own = ownOrigin(c, publicUrl);
  const origin = c.req.header('origin');
  if (origin !== undefined) {
    return origin === own ? undefined : `Origin ${origin} is not ${own}`;
  }
  const referer = c.req.header('referer');
  if (referer !== undefined && originOf(referer) !== own) return `Referer is not from ${own}`;
  return undefined;
}

/** Refuses (403 csrf_failed, audited) a cookie-authenticated state change without the CSRF proof. */
export async function checkCsrf(
  c: Context<AppEnv>,
  deps: { store: Store; publicUrl?: string | undefined },
): Promise<void> {
  const p = c.get('principal');
  if (!isSessionPrincipal(p)) return;
  const problem = csrfProblem(c, p.session.csrfToken, deps.publicUrl);
  if (!problem) return;
  await deps.store.transaction((tx) =>
    tx.appendAudit({
      at: new Date().toISOString(),
      actor: `${p.personId} (${p.tokenId})`,
      action: 'request.csrf_refused',
      objectType: 'request',
      objectId: `${c.req.method} ${c.req.path}`,
      reason: problem,
      data: { code: 'csrf_failed', login: p.session.login },
    }),
  );
  throw new AppError('csrf_failed', problem);
}

export function requirePrincipal(c: Context<AppEnv>, scope: TokenScope): Principal {
  const p = c.get('principal');
  if (!p) throw new AppError('unauthorized', 'a Bearer token is required');
  if (!hasScope(p, scope)) throw new AppError('insufficient_scope', `this needs a token with scope ${scope}`);
  return p;
}

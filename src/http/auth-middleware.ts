// Authentication for /api/v1: a Bearer token (or ?access_token= on the SSE route, which EventSource
// cannot give headers) becomes the request's principal. Without one, only reads pass, and only when the
// server runs with open reads; the OpenAPI document is always public. Scope checks per route follow in
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
}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    const queryToken = c.req.path === API.events.path ? c.req.query('access_token') : undefined;
    const raw = header?.startsWith('Bearer ') ? header.slice(7).trim() : queryToken;
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
    } else {
      c.set('principal', undefined);
    }
    if (c.req.method === 'GET' && c.req.path === '/api/v1/openapi.json') return next();
    if (!c.get('principal') && !(deps.openReads && c.req.method === 'GET')) {
      throw new AppError('unauthorized', 'a Bearer token is required (lanes token create)');
    }
    return next();
  };
}

export function requirePrincipal(c: Context<AppEnv>, scope: TokenScope): Principal {
  const p = c.get('principal');
  if (!p) throw new AppError('unauthorized', 'a Bearer token is required');
  if (!hasScope(p, scope)) throw new AppError('insufficient_scope', `this needs a token with scope ${scope}`);
  return p;
}

// GET /api/v1/session: who the caller is. For the dashboard's session cookie it also answers the CSRF
// token the page must send as X-CSRF-Token on every state change (it is derived from the HttpOnly cookie,
// which the page cannot read), and what the caller may do: the core policy's decisions for this identity on
// the catalog of the moment (src/core/abilities.ts), so the dashboard offers only what the API would allow.
// Nobody signed in: 401, saying whether Sign in with GitHub is configured.
import { Hono } from 'hono';
import { accept } from '../../contract/refusal.ts';
import { API, type Scope } from '../../contract/routes.ts';
import type { AppEnv } from '../app-env.ts';
import { hasScope } from '../auth.ts';
import { AppError } from '../errors.ts';
import { isSessionPrincipal } from '../session-auth.ts';
import { abilitiesOf } from '../../core/abilities.ts';
import type { Catalog } from '../../core/catalog-model.ts';
import { actorOf, route } from '../route.ts';

const SCOPES: Scope[] = ['read', 'operate', 'admin'];

/** `githubSignIn`: whether Sign in with GitHub is configured (told to a caller nobody signed in as). */
export function sessionRoutes(githubSignIn: boolean, catalog: () => Catalog): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  route(app, API.session, ({ c }) => {
    const p = c.get('principal');
    if (!p) throw new AppError('unauthorized', 'not signed in', { githubSignIn });
    const s = isSessionPrincipal(p) ? p.session : undefined;
    c.header('cache-control', 'no-store');
    return accept({
      via: s ? ('session' as const) : ('token' as const),
      login: s?.login ?? null,
      person: p.service ? `service:${p.service}` : p.personId,
      seats: p.seats,
      scopes: SCOPES.filter((x) => hasScope(p, x)),
      csrfToken: s?.csrfToken ?? null,
      expiresAt: s?.expiresAt ?? null,
      abilities: abilitiesOf(catalog(), actorOf(p).identity),
    });
  });
  return app;
}

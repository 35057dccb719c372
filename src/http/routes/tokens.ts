// /api/v1/tokens: list, create (the secret answered once) and revoke API tokens; admin only, judged by
// the policy in the manage-token actions (so a refusal is audited like any other).
import { Hono } from 'hono';
import { API } from '../../contract/routes.ts';
import type { AppDeps, AppEnv } from '../app-env.ts';
import { route } from '../route.ts';

export function tokenRoutes(tokens: AppDeps['tokens']): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  route(app, API.tokens, ({ actor }) => tokens.list(actor));
  route(app, API.createToken, ({ actor, body }) => tokens.create(actor, body));
  route(app, API.revokeToken, ({ actor, param }) => tokens.revoke(actor, param('id')));
  return app;
}

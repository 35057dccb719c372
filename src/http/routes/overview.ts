// GET /api/v1/overview: the reference screen's data, served from the overview cache.
import { Hono } from 'hono';
import { API } from '../../contract/routes.ts';
import type { AppEnv } from '../app-env.ts';
import type { OverviewCache } from '../overview-cache.ts';
import { route } from '../route.ts';

export function overviewRoutes(cache: OverviewCache): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  route(app, API.overview, async ({ c }) =>
    c.body(await cache.body(), 200, { 'content-type': 'application/json; charset=UTF-8' }),
  );
  return app;
}

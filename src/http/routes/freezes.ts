// GET /api/v1/freezes: every freeze window of the catalog with the occurrence active now (and its end)
// and the next one, on the server's clock.
import { Hono } from 'hono';
import { accept } from '../../contract/refusal.ts';
import { API } from '../../contract/routes.ts';
import type { ReadModel } from '../../engine/read-model.ts';
import type { AppEnv } from '../app-env.ts';
import { route } from '../route.ts';

export function freezeRoutes(deps: { readModel: ReadModel; clock: () => Date }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  route(app, API.freezes, () => {
    const now = deps.clock();
    return Promise.resolve(accept({ now: now.toISOString(), freezes: deps.readModel.freezes(now) }));
  });
  return app;
}

// Gate steps: POST /api/v1/gate-steps is authenticated ONLY by the job's GitHub Actions OIDC token (a Lanes
// API token is refused: a person cannot ask on a run's behalf), verified before the body is read; it is
// mounted ahead of the API-token middleware for that reason. GET /api/v1/gate-steps lists the asks and
// their decisions for people and the dashboard (ordinary read scope).
import { Hono } from 'hono';
import { API, honoPath } from '../../contract/routes.ts';
import type { AppDeps, AppEnv } from '../app-env.ts';
import { AppError, present } from '../errors.ts';
import { route } from '../route.ts';
import { validBody } from '../validate.ts';

export function gateStepAskRoutes(gateSteps: AppDeps['gateSteps']): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const spec = API.askGateStep;
  app.post(honoPath(spec.path), async (c) => {
    if (!gateSteps) throw new AppError('store_unavailable', 'gate steps are not served by this process');
    const header = c.req.header('authorization');
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!token)
      throw new AppError(
        'unauthorized',
        'the gate step needs the job’s OIDC token (permissions: id-token: write)',
      );
    const v = await gateSteps.verify(token);
    if (!v.ok) throw new AppError('unauthorized', `OIDC token refused: ${v.reason}`);
    const body = await validBody(c, spec.body);
    return present(c, await gateSteps.ask(v.identity, body, c.req.raw.signal), spec.status);
  });
  return app;
}

export function gateStepReadRoutes(gateSteps: AppDeps['gateSteps']): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  route(app, API.gateSteps, async ({ query }) => ({
    ok: true,
    value: { gateSteps: gateSteps ? await gateSteps.list(query) : [] },
  }));
  return app;
}

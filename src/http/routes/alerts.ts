// Alerts: the live ones (or all), acknowledge, resolve.
import { Hono } from 'hono';
import { accept, refuse, type Outcome } from '../../contract/refusal.ts';
import { API } from '../../contract/routes.ts';
import type { AppEnv, ReleaseActions } from '../app-env.ts';
import { route } from '../route.ts';

function alertId(raw: string): Outcome<number> {
  const n = Number(raw);
  return Number.isInteger(n) && n > 0
    ? accept(n)
    : refuse('bad_request', 'alert id must be a positive integer');
}

export function alertRoutes(engine: ReleaseActions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  route(app, API.alerts, async ({ query }) =>
    accept({ alerts: await engine.alerts(query.all === 'true' || query.all === '1') }),
  );
  route(app, API.ackAlert, async ({ actor, param, body }) => {
    const id = alertId(param('id'));
    return id.ok ? engine.ackAlert(actor, id.value, body.comment) : id;
  });
  route(app, API.resolveAlert, async ({ actor, param, body }) => {
    const id = alertId(param('id'));
    return id.ok ? engine.resolveAlert(actor, id.value, body.comment) : id;
  });
  return app;
}

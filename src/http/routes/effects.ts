// Effects: the outbox as a resource — list (by state and release), one effect, and an admin's retry of a
// dead one. The retry route asks for operate scope at the door so that the policy (effect.retry: admin)
// refuses, with its code, and the refusal is audited.
import { Hono } from 'hono';
import { accept, refuse, type Outcome } from '../../contract/refusal.ts';
import { API } from '../../contract/routes.ts';
import type { AppEnv, ReleaseActions } from '../app-env.ts';
import { found, route } from '../route.ts';

function effectId(raw: string): Outcome<number> {
  const n = Number(raw);
  return Number.isSafeInteger(n) && n > 0
    ? accept(n)
    : refuse('bad_request', 'effect id must be a positive integer');
}

export function effectRoutes(engine: ReleaseActions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  route(app, API.effects, async ({ query }) =>
    accept({
      effects: await engine.effects({
        ...(query.state ? { state: query.state } : {}),
        ...(query.release ? { releaseId: query.release } : {}),
        limit: query.limit,
      }),
    }),
  );
  route(app, API.effect, async ({ param }) => {
    const id = effectId(param('id'));
    return id.ok ? found(await engine.effect(id.value), `no effect ${param('id')}`) : id;
  });
  route(app, API.retryEffect, async ({ actor, param, body }) => {
    const id = effectId(param('id'));
    return id.ok ? engine.retryEffect(actor, id.value, body.comment) : id;
  });
  return app;
}

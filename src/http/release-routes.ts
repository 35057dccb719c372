// Routes for releases, gate approvals, lane triggers and alerts: auth → validate → one engine call →
// present. Engine outcomes become HTTP codes through the one error catalogue.
import type { Context, Hono } from 'hono';
import type { Actor, Outcome, ReleaseEngine } from '../engine/release-engine.ts';
import type { AppEnv } from './app.ts';
import { requirePrincipal } from './app.ts';
import type { Principal } from './auth.ts';
import { AppError } from './errors.ts';
import { requestSchemas } from './request-schemas.ts';
import { validBody } from './validate.ts';

function actorOf(p: Principal): Actor {
  return { personId: p.personId, label: `${p.personId} (${p.tokenId})`, seats: p.seats };
}

function present<T>(c: Context<AppEnv>, out: Outcome<T>, createdStatus: 200 | 201 | 202 = 200) {
  if (!out.ok) throw AppError.of(out);
  return c.json(out.value as object, out.created === true ? 201 : createdStatus);
}

function alertId(c: Context<AppEnv>): number {
  const n = Number(c.req.param('id'));
  if (!Number.isInteger(n) || n <= 0)
    throw new AppError('bad_request', 'alert id must be a positive integer');
  return n;
}

export function registerReleaseRoutes(app: Hono<AppEnv>, engine: ReleaseEngine): void {
  app.get('/api/v1/releases', async (c) => c.json({ releases: await engine.listReleases() }));
  app.get('/api/v1/releases/:id', async (c) => {
    const rec = await engine.getRelease(c.req.param('id'));
    if (!rec) throw new AppError('not_found', `no release ${c.req.param('id')}`);
    return c.json(await engine.releaseView(rec));
  });
  app.post('/api/v1/releases', async (c) => {
    const p = requirePrincipal(c, 'operate');
    const body = await validBody(c, requestSchemas.createRelease);
    return present(c, await engine.createRelease(actorOf(p), body), 200);
  });
  app.post('/api/v1/releases/:id/promote', async (c) => {
    const p = requirePrincipal(c, 'operate');
    const body = await validBody(c, requestSchemas.promote);
    return present(c, await engine.promote(actorOf(p), c.req.param('id'), body), 202);
  });
  app.post('/api/v1/releases/:id/rollback', async (c) => {
    const p = requirePrincipal(c, 'operate');
    const body = await validBody(c, requestSchemas.rollback);
    return present(c, await engine.rollback(actorOf(p), c.req.param('id'), body), 202);
  });
  app.post('/api/v1/gates/:id/approve', async (c) => {
    const p = requirePrincipal(c, 'operate');
    const body = await validBody(c, requestSchemas.approve);
    return present(c, await engine.approve(actorOf(p), c.req.param('id'), body));
  });
  app.post('/api/v1/lanes/:id/trigger', async (c) => {
    const p = requirePrincipal(c, 'operate');
    const body = await validBody(c, requestSchemas.trigger);
    return present(c, await engine.triggerLane(actorOf(p), c.req.param('id'), body), 202);
  });
  app.get('/api/v1/alerts', async (c) =>
    c.json({ alerts: await engine.alerts(c.req.query('all') === 'true' || c.req.query('all') === '1') }),
  );
  app.post('/api/v1/alerts/:id/ack', async (c) => {
    const p = requirePrincipal(c, 'operate');
    const body = await validBody(c, requestSchemas.note);
    return present(c, await engine.ackAlert(actorOf(p), alertId(c), body.comment));
  });
  app.post('/api/v1/alerts/:id/resolve', async (c) => {
    const p = requirePrincipal(c, 'operate');
    const body = await validBody(c, requestSchemas.note);
    return present(c, await engine.resolveAlert(actorOf(p), alertId(c), body.comment));
  });
}

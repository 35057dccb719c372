// Releases: list, one release, create a candidate, promote, roll back, and a release's timeline.
import { Hono } from 'hono';
import { accept, refuse } from '../../contract/refusal.ts';
import { API } from '../../contract/routes.ts';
import type { AppEnv, ReleaseActions } from '../app-env.ts';
import { route } from '../route.ts';

export function releaseRoutes(engine: ReleaseActions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  route(app, API.releases, async () => accept({ releases: await engine.listReleases() }));
  route(app, API.release, async ({ param }) => {
    const rec = await engine.getRelease(param('id'));
    return rec ? accept(await engine.releaseView(rec)) : refuse('not_found', `no release ${param('id')}`);
  });
  route(app, API.createRelease, ({ actor, body }) => engine.createRelease(actor, body));
  route(app, API.promote, ({ actor, param, body }) => engine.promote(actor, param('id'), body));
  route(app, API.rollback, ({ actor, param, body }) => engine.rollback(actor, param('id'), body));
  route(app, API.releaseTimeline, async ({ param }) => {
    const rec = await engine.getRelease(param('id'));
    return rec ? accept(await engine.releaseTimeline(rec)) : refuse('not_found', `no release ${param('id')}`);
  });
  return app;
}

// GET /api/v1/events: live changes as Server-Sent Events (src/http/live/sse-stream.ts).
import { Hono } from 'hono';
import { API } from '../../contract/routes.ts';
import type { Store } from '../../store/store.ts';
import type { AppEnv } from '../app-env.ts';
import type { ChangeHub } from '../live/change-hub.ts';
import { streamChanges, type StreamLimits } from '../live/sse-stream.ts';
import { route } from '../route.ts';

export function eventRoutes(deps: { hub: ChangeHub; store: Store; sse?: StreamLimits }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  route(app, API.events, ({ c }) => streamChanges(c, deps.hub, deps.store, deps.sse));
  return app;
}

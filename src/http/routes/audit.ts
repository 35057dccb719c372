// GET /api/v1/audit: the audit log, newest first, filtered by object and paged with `before`.
import { Hono } from 'hono';
import { accept } from '../../contract/refusal.ts';
import { API } from '../../contract/routes.ts';
import type { Store } from '../../store/store.ts';
import type { AppEnv } from '../app-env.ts';
import { route } from '../route.ts';

export function auditRoutes(store: Store): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  route(app, API.audit, async ({ query }) =>
    accept({
      events: await store.listAudit({
        limit: query.limit,
        before: query.before ? Number(query.before) : undefined,
        objectType: query.objectType || undefined,
        objectId: query.objectId || undefined,
      }),
    }),
  );
  return app;
}

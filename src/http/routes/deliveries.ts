// GET /api/v1/deliveries: stored GitHub deliveries, newest first, by status; an ignored delivery carries
// its reason code and the reason in words, so a dropped delivery is visible without reading the store.
import { Hono } from 'hono';
import { accept } from '../../contract/refusal.ts';
import { API } from '../../contract/routes.ts';
import type { Store } from '../../store/store.ts';
import type { AppEnv } from '../app-env.ts';
import { route } from '../route.ts';

export function deliveryRoutes(store: Store): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  route(app, API.deliveries, async ({ query }) => {
    const rows = await store.listDeliveries({
      status: query.status,
      limit: query.limit,
      before: query.before ? Number(query.before) : undefined,
    });
    return accept({ deliveries: rows.map((d) => ({ ...d, ignoredReason: d.ignoredReason ?? null })) });
  });
  return app;
}

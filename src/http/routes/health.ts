// Liveness (/healthz), readiness (/readyz: the store accepts a write, probed and rolled back) and
// Prometheus metrics (/metrics). Unauthenticated: they sit outside /api/v1 for load balancers and
// scrapers, so /readyz names the failure in general terms only; the cause goes to the log.
import { Hono } from 'hono';
import type { Logger } from 'pino';
import type { Readiness } from '../../contract/results.ts';
import type { Store } from '../../store/store.ts';
import type { AppEnv } from '../app-env.ts';
import type { ChangeHub } from '../live/change-hub.ts';
import { droppedSlowClients } from '../live/sse-stream.ts';
import type { Metrics } from '../metrics.ts';

export function healthRoutes(deps: {
  store: Store;
  metrics: Metrics;
  hub: ChangeHub;
  clock: () => Date;
  log: Pick<Logger, 'warn'>;
  writer?: { failedRecently(): boolean };
}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    try {
      await deps.store.probeWrite();
      // A delivery that just failed to be stored outweighs a small probe that fit (a nearly full disk).
      if (deps.writer?.failedRecently() === true) throw new Error('a delivery could not be stored recently');
      return c.json({ ready: true, store: deps.store.dialect } satisfies Readiness);
    } catch (e) {
      deps.log.warn({ err: e instanceof Error ? e.message : String(e) }, 'readiness probe failed');
      const body: Readiness = {
        ready: false,
        store: deps.store.dialect,
        error: 'the store cannot accept writes',
      };
      return c.json(body, 503);
    }
  });
  app.get('/metrics', async (c) => {
    const text = await deps.metrics.render(deps.store, deps.clock());
    const live = `lanes_sse_clients ${deps.hub.clients}\nlanes_sse_dropped_slow_clients_total ${droppedSlowClients}\n`;
    return c.text(`${text}${live}`, 200, {
      'content-type': 'text/plain; version=0.0.4',
    });
  });
  return app;
}

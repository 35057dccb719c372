// The Hono application: thin routes (auth → validate → one call → present), one error mapping,
// SSE, OpenAPI, health and metrics, and the dashboard's static files.
import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { serveStatic } from '@hono/node-server/serve-static';
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Catalog } from '../core/catalog-model.ts';
import type { ReadModel } from '../engine/read-model.ts';
import type { DeliveryWriter } from '../store/group-commit.ts';
import type { Store } from '../store/store.ts';
import { AppError, errorBody } from './errors.ts';
import type { ChangeHub } from './live-events.ts';
import type { Metrics } from './metrics.ts';
import { buildOpenApi } from './openapi.ts';
import { registerWebhookRoute } from './webhook-route.ts';
import { hasScope, type Authenticator, type Principal } from './auth.ts';
import type { TokenScope } from '../store/store.ts';
import { requestSchemas } from './request-schemas.ts';
import { validBody } from './validate.ts';

export interface AppDeps {
  store: Store;
  catalog: Catalog;
  readModel: ReadModel;
  writer: DeliveryWriter;
  hub: ChangeHub;
  metrics: Metrics;
  auth: Authenticator;
  log: Logger;
  secrets: string[];
  maxBodyBytes: number;
  openReads: boolean;
  clock: () => Date;
  onDeliveryStored: () => void;
  webDist?: string;
  extraRoutes?: (app: Hono<AppEnv>) => void;
}

export type AppEnv = { Variables: { principal: Principal | undefined; requestId: string } };

let requestCounter = 0;

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.use('*', async (c, next) => {
    c.set('requestId', `req-${process.pid}-${++requestCounter}`);
    await next();
    const group = c.req.path.startsWith('/api/')
      ? 'api'
      : c.req.path.startsWith('/webhooks/')
        ? 'webhook'
        : 'other';
    deps.metrics.inc('lanes_http_requests_total', { group, code: `${Math.floor(c.res.status / 100)}xx` });
  });

  app.onError((err, c) => {
    if (err instanceof AppError) {
      return c.json(errorBody(err.code, err.message, err.details, c.get('requestId')), err.status);
    }
    deps.log.error({ err: err.message, path: c.req.path }, 'unhandled error');
    return c.json(
      errorBody('internal', 'internal error', undefined, c.get('requestId')),
      500,
    );
  });

  app.notFound((c) => {
    if (c.req.path.startsWith('/api/') || c.req.path.startsWith('/webhooks/')) {
      return c.json(errorBody('not_found', `no route ${c.req.method} ${c.req.path}`), 404);
    }
    return spaFallback(c, deps.webDist);
  });

  // Health
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    try {
      await deps.store.ping();
      return c.json({ ready: true, store: deps.store.dialect });
    } catch (e) {
      return c.json(
        {
          ready: false,
          store: deps.store.dialect,
          error: e instanceof Error ? e.message.slice(0, 200) : 'unavailable',
        },
        503,
      );
    }
  });
  app.get('/metrics', async (c) => {
    const text = await deps.metrics.render(deps.store, deps.clock());
    return c.text(`${text}lanes_sse_clients ${deps.hub.clients}\n`, 200, {
      'content-type': 'text/plain; version=0.0.4',
    });
  });

  registerWebhookRoute(app as unknown as Hono, {
    secrets: deps.secrets,
    writer: deps.writer,
    metrics: deps.metrics,
    maxBodyBytes: deps.maxBodyBytes,
    onStored: deps.onDeliveryStored,
    clock: deps.clock,
  });

  // Authentication for the API: Bearer token → principal (or anonymous when reads are open).
  app.use('/api/v1/*', async (c, next) => {
    const header = c.req.header('authorization');
    const queryToken = c.req.path === '/api/v1/events' ? c.req.query('access_token') : undefined;
    const raw = header?.startsWith('Bearer ') ? header.slice(7).trim() : queryToken;
    if (raw) {
      // Token expiry is real time, even when the engine runs on another clock (the demo's 2026-03-12).
      const r = await deps.auth.authenticate(raw, new Date());
      if (!r.ok) throw new AppError(r.code, r.message);
      c.set('principal', r.principal);
    } else {
      c.set('principal', undefined);
    }
    if (c.req.method === 'GET' && c.req.path === '/api/v1/openapi.json') return next();
    if (!c.get('principal') && !(deps.openReads && c.req.method === 'GET')) {
      throw new AppError('unauthorized', 'a Bearer token is required (lanes token create)');
    }
    return next();
  });

  app.get('/api/v1/openapi.json', (c) => c.json(buildOpenApi()));
  // The overview is a materialised view of the change feed: recomputed when a change arrives (the hub's
  // sequence moves, on every replica) or after a second (clock-driven gates), otherwise served as is.
  let cached: { seq: number; at: number; body: string } | undefined;
  let computing: { seq: number; done: Promise<{ seq: number; at: number; body: string }> } | undefined;
  app.get('/api/v1/overview', async (c) => {
    const seq = deps.hub.seq;
    const now = deps.clock().getTime();
    if (!cached || cached.seq !== seq || now - cached.at >= 1000 || now < cached.at) {
      if (!computing || computing.seq !== seq) {
        const done = deps.readModel
          .overview(deps.clock())
          .then((o) => ({ seq, at: now, body: JSON.stringify(o) }));
        const entry = { seq, done };
        computing = entry;
        void done
          .finally(() => {
            if (computing === entry) computing = undefined;
          })
          .catch(() => undefined);
      }
      cached = await computing.done;
    }
    return c.body(cached.body, 200, { 'content-type': 'application/json; charset=UTF-8' });
  });
  app.get('/api/v1/lanes', async (c) => c.json({ lanes: await deps.readModel.lanes() }));
  app.get('/api/v1/lanes/:id', async (c) => {
    const lane = await deps.readModel.lane(c.req.param('id'), limitParam(c));
    if (!lane) throw new AppError('not_found', `no lane ${c.req.param('id')}`);
    return c.json(lane);
  });
  app.get('/api/v1/workflows', async (c) => c.json({ workflows: await deps.readModel.workflows() }));
  app.get('/api/v1/workflows/:id', async (c) => {
    const wf = await deps.readModel.workflow(c.req.param('id'), limitParam(c));
    if (!wf) throw new AppError('not_found', `no workflow ${c.req.param('id')}`);
    return c.json(wf);
  });
  app.get('/api/v1/gates', async (c) => c.json({ gates: await deps.readModel.gates(deps.clock()) }));
  app.get('/api/v1/gates/:id', async (c) => {
    const gate = (await deps.readModel.gates(deps.clock())).find((g) => g.id === c.req.param('id'));
    if (!gate) throw new AppError('not_found', `no gate ${c.req.param('id')}`);
    return c.json(gate);
  });
  app.get('/api/v1/audit', async (c) => {
    const before = c.req.query('before');
    const events = await deps.store.listAudit({
      limit: limitParam(c, 100, 1000),
      before: before ? Number(before) : undefined,
      objectType: c.req.query('objectType') || undefined,
      objectId: c.req.query('objectId') || undefined,
    });
    return c.json({ events });
  });

  app.post('/api/v1/evidence', async (c) => {
    const p = requirePrincipal(c, 'operate');
    const body = await validBody(c, requestSchemas.evidence);
    if (body.lane && !deps.catalog.lanes.some((l) => l.id === body.lane))
      throw new AppError('not_found', `no lane ${body.lane}`);
    const now = deps.clock().toISOString();
    const key = `api:${p.tokenId}:${body.key ?? `${body.sha}:${body.lane ?? '-'}:${body.check}`}`;
    const result = await deps.store.transaction(async (tx) => {
      const r = await tx.upsertEvidence({
        key,
        check: body.check,
        outcome: body.outcome,
        sha: body.sha,
        runId: body.runId ?? null,
        laneId: body.lane ?? null,
        source: 'api',
        url: body.url ?? null,
        details: body.details ?? null,
        recordedAt: now,
        reportedBy: p.personId,
      });
      if (r === 'applied') {
        await tx.appendAudit({
          at: now,
          actor: `${p.personId} (${p.tokenId})`,
          action: 'evidence.reported',
          objectType: 'evidence',
          objectId: key,
          reason: body.details ?? null,
          data: { check: body.check, outcome: body.outcome, sha: body.sha, lane: body.lane ?? null },
        });
        await tx.appendChange(
          'evidence',
          { key, check: body.check, outcome: body.outcome, sha: body.sha, lane: body.lane ?? null },
          now,
        );
      }
      return r;
    });
    if (result === 'applied') await deps.store.notify('changes');
    return c.json(
      { key, status: result === 'applied' ? 'recorded' : 'unchanged' },
      result === 'applied' ? 201 : 200,
    );
  });

  app.get('/api/v1/events', (c) => {
    const lastHeader = c.req.header('last-event-id') ?? c.req.query('lastEventId');
    const from = lastHeader !== undefined && /^\d+$/.test(lastHeader) ? Number(lastHeader) : undefined;
    return streamSSE(c, async (stream) => {
      let seq = from ?? deps.hub.seq;
      const queue: { seq: number; topic: string; at: string; data: unknown }[] = [];
      let wake: (() => void) | undefined;
      const unsubscribe = deps.hub.subscribe((e) => {
        queue.push(e);
        wake?.();
      });
      let open = true;
      stream.onAbort(() => {
        open = false;
        unsubscribe();
        wake?.();
      });
      await stream.writeSSE({ event: 'hello', data: JSON.stringify({ seq }), retry: 1000 } as never);
      // Catch up from Last-Event-ID: nothing missed across a reconnect or a server restart.
      if (from !== undefined) {
        for (;;) {
          const batch = await deps.store.changesSince(seq, 500);
          for (const e of batch) {
            await stream.writeSSE({ id: String(e.seq), event: e.topic, data: JSON.stringify(e) });
            seq = e.seq;
          }
          if (batch.length < 500) break;
        }
      }
      while (open) {
        while (queue.length > 0) {
          const e = queue.shift();
          if (!e || e.seq <= seq) continue;
          seq = e.seq;
          await stream.writeSSE({ id: String(e.seq), event: e.topic, data: JSON.stringify(e) });
        }
        await new Promise<void>((r) => {
          const t = setTimeout(r, 15_000);
          wake = () => {
            clearTimeout(t);
            wake = undefined;
            r();
          };
        });
        if (open && queue.length === 0) await stream.write(': keep-alive\n\n');
      }
    });
  });

  deps.extraRoutes?.(app);

  if (deps.webDist && existsSync(deps.webDist)) {
    app.use('/assets/*', serveStatic({ root: relativeRoot(deps.webDist) }));
    app.get('/favicon.svg', serveStatic({ root: relativeRoot(deps.webDist) }));
  }
  app.get('*', (c) => {
    if (c.req.path.startsWith('/api/') || c.req.path.startsWith('/webhooks/')) {
      throw new AppError('not_found', `no route GET ${c.req.path}`);
    }
    return spaFallback(c, deps.webDist);
  });
  return app;
}

function relativeRoot(dir: string): string {
  return relative(process.cwd(), resolve(dir)) || '.';
}

function spaFallback(c: Context, webDist: string | undefined) {
  const index = webDist ? resolve(webDist, 'index.html') : undefined;
  if (c.req.method === 'GET' && index && existsSync(index)) {
    return c.html(readFileSync(index, 'utf8'));
  }
  return c.text('Lanes: the dashboard is not built (npm run build:web). The API is at /api/v1.', 404);
}

export function requirePrincipal(c: Context<AppEnv>, scope: TokenScope): Principal {
  const p = c.get('principal');
  if (!p) throw new AppError('unauthorized', 'a Bearer token is required');
  if (!hasScope(p, scope)) throw new AppError('insufficient_scope', `this needs a token with scope ${scope}`);
  return p;
}

function limitParam(c: Context, fallback = 20, max = 200): number {
  const raw = c.req.query('limit');
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new AppError('bad_request', `limit must be an integer 1..${max}`);
  return n;
}

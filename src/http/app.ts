// Assembles the Hono application and nothing else: request ids and metrics, the one error handler,
// health, webhooks, authentication for /api/v1, one sub-app per resource (each registered from the
// contract's route table), and the dashboard's static files. What each part guarantees is in its file.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppDeps, AppEnv } from './app-env.ts';
import { authenticate } from './auth-middleware.ts';
import { BodyBudget } from './body-budget.ts';
import { AppError, errorBody } from './errors.ts';
import { countRequests } from './metrics.ts';
import { OverviewCache } from './overview-cache.ts';
import { writesOnly } from './writes-only.ts';
import { alertRoutes } from './routes/alerts.ts';
import { auditRoutes } from './routes/audit.ts';
import { connectRoutes } from './routes/connect.ts';
import { deliveryRoutes } from './routes/deliveries.ts';
import { freezeRoutes } from './routes/freezes.ts';
import { eventRoutes } from './routes/events.ts';
import { evidenceRoutes } from './routes/evidence.ts';
import { gateRoutes } from './routes/gates.ts';
import { gateStepAskRoutes, gateStepReadRoutes } from './routes/gate-steps.ts';
import { healthRoutes } from './routes/health.ts';
import { laneRoutes } from './routes/lanes.ts';
import { openApiRoutes } from './routes/openapi.ts';
import { overviewRoutes } from './routes/overview.ts';
import { releaseRoutes } from './routes/releases.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { workflowRoutes } from './routes/workflows.ts';
import { effectRoutes } from './routes/effects.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { securityHeaders } from './security-headers.ts';
import { sessionRoutes } from './routes/session.ts';
import { signinRoutes } from './routes/signin.ts';
import { isApiPath, serveDashboard, spaFallback } from './static-files.ts';
import { setupPageRoutes } from './routes/setup-pages.ts';
import { isStoreFailure } from '../store/store-failure.ts';
import { DEFAULT_LIMITS } from '../resource-limits.ts';

export type { AppDeps, AppEnv } from './app-env.ts';

let requestCounter = 0;

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const limits = deps.limits ?? DEFAULT_LIMITS;

  app.use('*', securityHeaders());
  app.use('*', async (c, next) => {
    c.set('requestId', `req-${process.pid}-${++requestCounter}`);
    await next();
  });
  app.use('*', countRequests(deps.metrics));

  app.onError((err, c) => {
    if (err instanceof AppError) {
      // Refused before its body was read: close the connection rather than let Node drain the upload.
      const close = err.code === 'payload_too_large' || err.code === 'overloaded';
      return c.json(
        errorBody(err.code, err.message, err.details, c.get('requestId')),
        err.status,
        close ? { connection: 'close' } : {},
      );
    }
    if (isStoreFailure(err)) {
      deps.log.warn({ err: err.message, path: c.req.path }, 'store unavailable');
      return c.json(
        errorBody(
          'store_unavailable',
          'the store is unavailable; retry later',
          undefined,
          c.get('requestId'),
        ),
        503,
      );
    }
    deps.log.error({ err: err.message, path: c.req.path }, 'unhandled error');
    return c.json(errorBody('internal', 'internal error', undefined, c.get('requestId')), 500);
  });
  app.notFound((c) => {
    if (isApiPath(c.req.path))
      return c.json(errorBody('not_found', `no route ${c.req.method} ${c.req.path}`), 404);
    return spaFallback(c, deps.webDist);
  });

  app.route('/', healthRoutes(deps));
  app.route(
    '/',
    webhookRoutes({
      secrets: deps.secrets,
      writer: deps.writer,
      metrics: deps.metrics,
      maxBodyBytes: deps.maxBodyBytes,
      budget: new BodyBudget(limits.webhookInflightBytes),
      log: deps.log,
      onStored: deps.onDeliveryStored,
      clock: deps.clock,
    }),
  );

  // Sign in with GitHub: the browser's redirects and logout, outside /api/v1 (src/http/routes/signin.ts).
  if (deps.sessions && deps.signin) {
    app.route('/', signinRoutes({ store: deps.store, sessions: deps.sessions, signin: deps.signin }));
  }

  // Before authentication: an oversized body is refused from its declared length, unread.
  app.use(
    '/api/v1/*',
    writesOnly(
      bodyLimit({
        maxSize: limits.apiBodyBytes,
        onError: () => {
          throw new AppError('payload_too_large', `request body over ${limits.apiBodyBytes} bytes`);
        },
      }),
    ),
  );
  // The gate step authenticates with its OIDC token, not an API token: served before the token middleware.
  app.route('/', gateStepAskRoutes(deps.gateSteps));
  app.use('/api/v1/*', authenticate(deps));
  const overview = new OverviewCache(
    (now) => deps.readModel.overview(now),
    () => deps.hub.seq,
    deps.clock,
  );
  app.route('/', openApiRoutes());
  app.route('/', overviewRoutes(overview));
  app.route('/', laneRoutes(deps));
  app.route('/', workflowRoutes(deps));
  app.route('/', gateRoutes(deps));
  app.route('/', releaseRoutes(deps.engine));
  app.route('/', alertRoutes(deps.engine));
  app.route('/', evidenceRoutes(deps.reportEvidence));
  app.route('/', auditRoutes(deps.store));
  app.route(
    '/',
    eventRoutes({ ...deps, sse: { maxClients: limits.sseMaxClients, maxQueue: limits.sseClientQueue } }),
  );
  app.route('/', connectRoutes(deps));
  app.route('/', deliveryRoutes(deps.store));
  app.route('/', freezeRoutes(deps));
  app.route('/', gateStepReadRoutes(deps.gateSteps));
  app.route(
    '/',
    sessionRoutes(Boolean(deps.sessions && deps.signin?.clientId && deps.signin.clientSecret), () =>
      deps.readModel.currentCatalog(),
    ),
  );
  app.route('/', effectRoutes(deps.engine));
  app.route('/', tokenRoutes(deps.tokens));
  app.route('/', setupPageRoutes());

  serveDashboard(app, deps.webDist);
  return app;
}

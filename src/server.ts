// Assembles one Lanes process: catalog, store, inbox worker, read model, HTTP app and live hub.
import { serve, type ServerType } from '@hono/node-server';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino, { type Logger } from 'pino';
import { formatCatalogError, loadCatalogFile } from './catalog/load-catalog.ts';
import type { Catalog } from './core/catalog-model.ts';
import type { Config } from './config.ts';
import { DeliveryApplier } from './engine/apply-delivery.ts';
import { InboxWorker } from './engine/inbox-worker.ts';
import { ReadModel } from './engine/read-model.ts';
import { createApp, type AppEnv } from './http/app.ts';
import { TokenAuthenticator } from './http/auth.ts';
import { ChangeHub } from './http/live/change-hub.ts';
import { Metrics } from './http/metrics.ts';
import { DeliveryWriter } from './store/group-commit.ts';
import { openStore } from './store/open-store.ts';
import type { Store } from './store/store.ts';
import type { Hono } from 'hono';
import type { GateView } from './contract/views.ts';
import { ReleaseEngine } from './engine/release-engine.ts';
import { reportEvidence } from './engine/actions/report-evidence.ts';
import { OutboxWorker, githubHandlers, alertHandlers, type OutboxHandlers } from './engine/outbox-worker.ts';
import { TimerWorker } from './engine/timer-worker.ts';
import { GitHubClient } from './github/github-client.ts';
import { authFromConfig } from './github/github-auth.ts';
import { AlertNotifier } from './engine/alert-notifier.ts';

export const WEB_DIST = resolve(fileURLToPath(new URL('../web/dist', import.meta.url)));

export interface LanesProcess {
  url: string;
  port: number;
  store: Store;
  catalog: Catalog;
  worker: InboxWorker;
  outbox: OutboxWorker;
  timers: TimerWorker;
  engine: ReleaseEngine;
  app: Hono<AppEnv>;
  log: Logger;
  close(): Promise<void>;
}

function notConfigured(): OutboxHandlers {
  const wait = async () => ({
    ok: false as const,
    retryable: true,
    retryAfterMs: 10 * 60_000,
    message: 'GitHub is not configured (LANES_GITHUB_TOKEN or LANES_GITHUB_APP_ID)',
  });
  return { 'github.dispatch': wait, 'github.protection_review': wait, 'github.commit_status': wait };
}

export function makeLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: [
        '*.authorization',
        '*.token',
        '*.secret',
        '*.password',
        'headers.authorization',
        'headers["x-hub-signature-256"]',
        'config.webhookSecrets',
        'config.githubToken',
        'config.githubAppPrivateKey',
        'config.databaseUrl',
      ],
      censor: '[redacted]',
    },
  });
}

export async function startLanes(
  config: Config,
  opts: { log?: Logger; clock?: () => Date } = {},
): Promise<LanesProcess> {
  const log = opts.log ?? makeLogger(config.logLevel);
  const clock = opts.clock ?? (() => new Date());
  const loaded = loadCatalogFile(config.catalog);
  if (!loaded.ok) {
    throw new Error(`invalid catalog:\n${loaded.errors.map(formatCatalogError).join('\n')}`);
  }
  const catalog = loaded.catalog;
  if (!config.databaseUrl) mkdirSync(config.dataDir, { recursive: true });
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const writer = new DeliveryWriter(store);
  const applier = new DeliveryApplier(store, catalog);
  const engine = new ReleaseEngine(store, catalog, clock, { alertRouteUrl: (name) => process.env[name] });
  // Decisions follow facts: after deliveries change state, re-evaluate the active releases.
  const worker = new InboxWorker(store, applier, log, {
    clock,
    afterApplied: (shas) => engine.reevaluateCommits(shas, 'GitHub delivery'),
  });
  const readModel: ReadModel = new ReadModel(store, catalog, {
    gates: async (): Promise<GateView[]> => (await engine.gateViews()) ?? readModel.staticGates(),
    openAlertCount: () => engine.openAlertCount(),
  });
  const auth = authFromConfig(config);
  const handlers: OutboxHandlers = {
    ...alertHandlers(new AlertNotifier({ log })),
    // Without GitHub credentials, GitHub effects wait in the outbox (visible, retried slowly) until configured.
    ...(auth
      ? githubHandlers(
          new GitHubClient({ auth, baseUrl: config.githubApiUrl, log, clock: () => clock().getTime() }),
        )
      : notConfigured()),
  };
  // Without GitHub credentials the waiting effects would warn on every retry: say it once instead.
  if (!auth)
    log.info(
      'GitHub is not configured: dispatches, protection answers and commit statuses wait in the outbox',
    );
  const outbox = new OutboxWorker(store, handlers, auth ? log : log.child({}, { level: 'error' }), {
    clock,
    leaseMs: config.outboxLeaseMs,
  });
  const timers = new TimerWorker(
    store,
    async (t) => {
      await engine.reevaluateAll(`timer ${t.key}`);
    },
    log,
    { clock },
  );
  const hub = new ChangeHub(store);
  await hub.start();
  const metrics = new Metrics();
  const app = createApp({
    store,
    readModel,
    engine,
    reportEvidence: (actor, body) => reportEvidence({ store, catalog, clock }, actor, body),
    writer,
    hub,
    metrics,
    auth: new TokenAuthenticator(store, catalog),
    log,
    secrets: config.webhookSecrets,
    maxBodyBytes: config.maxBodyBytes,
    openReads: config.openReads,
    clock,
    onDeliveryStored: () => {
      worker.kick();
      void store.notify('inbox').catch(() => undefined);
    },
    webDist: WEB_DIST,
  });
  if (config.workers === 'all') {
    worker.start();
    outbox.start();
    timers.start();
    // A timer claimed just before a crash would be lost: decisions are re-derived from state on start.
    await engine
      .reevaluateAll('start-up')
      .catch((e: unknown) => log.error({ err: String(e) }, 'start-up evaluation failed'));
  } else {
    log.info(
      'LANES_WORKERS=none: this process acknowledges and serves; deliveries are processed by another replica',
    );
  }
  const server: ServerType = await new Promise((resolveServer) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolveServer(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  log.info(
    { url, store: store.dialect, catalog: config.catalog, lanes: catalog.lanes.length },
    'lanes is up',
  );
  return {
    url,
    port,
    store,
    catalog,
    worker,
    outbox,
    timers,
    engine,
    app,
    log,
    async close() {
      hub.stop();
      await timers.stop();
      await outbox.stop();
      await new Promise<void>((r) => {
        server.close(() => r());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await worker.stop();
      await store.close();
    },
  };
}

// Assembles one Lanes process: catalog, store, the engine (src/engine/lanes-engine.ts: workers and the
// release engine, wired there), the HTTP app and the live hub. It constructs and starts; it decides nothing.
import type { ServerType } from '@hono/node-server';
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino, { type Logger } from 'pino';
import { formatCatalogError, loadCatalogFile, parseCatalog } from './catalog/load-catalog.ts';
import { acceptCatalogVersion } from './engine/catalog-versions.ts';
import { CatalogHolder } from './engine/catalog-holder.ts';
import type { Catalog } from './core/catalog-model.ts';
import type { Config } from './config.ts';
import { LanesEngine } from './engine/lanes-engine.ts';
import { gateStepActions } from './engine/gate-step-actions.ts';
import type { InboxWorker } from './engine/inbox-worker.ts';
import type { OutboxWorker } from './engine/outbox-worker.ts';
import type { Reconciler } from './engine/reconcile-loop.ts';
import type { ReleaseEngine } from './engine/release-engine.ts';
import type { TimerWorker } from './engine/timer-worker.ts';
import { createApp, type AppEnv } from './http/app.ts';
import { TokenAuthenticator } from './http/auth.ts';
import { SessionAuthenticator } from './http/session-auth.ts';
import { ActionsOidcVerifier } from './github/actions-oidc.ts';
import { tokenActions } from './engine/actions/manage-token.ts';
import { auditedOidcVerifier } from './engine/oidc-refusal.ts';
import { ChangeHub } from './http/live/change-hub.ts';
import { Metrics } from './http/metrics.ts';
import { DeliveryWriter } from './store/group-commit.ts';
import { openStore } from './store/open-store.ts';
import { listen } from './http/listen.ts';
import { DEFAULT_LIMITS } from './resource-limits.ts';
import type { Store } from './store/store.ts';
import type { Hono } from 'hono';

export const WEB_DIST = resolve(fileURLToPath(new URL('../web/dist', import.meta.url)));

export interface LanesProcess {
  url: string;
  port: number;
  store: Store;
  /** The catalog current now (it changes when a new version from Git is accepted). */
  readonly catalog: Catalog;
  catalogs: CatalogHolder;
  worker: InboxWorker;
  outbox: OutboxWorker;
  timers: TimerWorker;
  engine: ReleaseEngine;
  /** Undefined without GitHub credentials. */
  reconciler: Reconciler | undefined;
  app: Hono<AppEnv>;
  log: Logger;
  close(): Promise<void>;
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
        'config.githubClientSecret',
        'config.databaseUrl',
      ],
      censor: '[redacted]',
    },
  });
}

function readCatalogText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined; // loadCatalogFile reports why
  }
}

export async function startLanes(
  config: Config,
  opts: { log?: Logger; clock?: () => Date } = {},
): Promise<LanesProcess> {
  const log = opts.log ?? makeLogger(config.logLevel);
  const clock = opts.clock ?? (() => new Date());
  // Read once: the text parsed is the text recorded as the catalog version.
  const catalogText = readCatalogText(config.catalog);
  const loaded =
    catalogText === undefined ? loadCatalogFile(config.catalog) : parseCatalog(catalogText, config.catalog);
  if (!loaded.ok) {
    throw new Error(`invalid catalog:\n${loaded.errors.map(formatCatalogError).join('\n')}`);
  }
  const catalog = loaded.catalog;
  const limits = config.limits ?? DEFAULT_LIMITS;
  if (!config.databaseUrl) {
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    chmodSync(config.dataDir, 0o700);
  }
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    sqliteBusyTimeoutMs: limits.sqliteBusyTimeoutMs,
    pgPoolMax: limits.pgPoolMax,
  });
  // Following lanes.yaml in Git: the newest version accepted from Git outlives a restart (the file is
  // only the first catalog); a later push or reconcile moves it on.
  const fromGit = config.catalogRepo ? await store.latestAcceptedCatalogVersion() : undefined;
  const gitCatalog = fromGit?.source === 'git' ? parseCatalog(fromGit.body, fromGit.path) : undefined;
  // A store belongs to one catalog (zone and repository): refuse another one unless told to adopt it.
  const accepted =
    fromGit && gitCatalog?.ok
      ? { ok: true as const, value: fromGit }
      : await acceptCatalogVersion(
          store,
          { catalog, text: catalogText ?? '', path: config.catalog, source: 'file', commitSha: null },
          { allowCatalogChange: config.allowCatalogChange, now: clock().toISOString() },
        );
  if (!accepted.ok) {
    await store.close();
    throw new Error(accepted.message);
  }
  const writer = new DeliveryWriter(store, { maxQueued: limits.ingestQueue });
  // One holder for the process: every component reads the catalog through it, so a swap reaches them all.
  const catalogs = new CatalogHolder(gitCatalog?.ok ? gitCatalog.catalog : catalog, accepted.value.id);
  const lanesEngine = new LanesEngine(store, catalogs, {
    clock,
    log,
    github: config,
    outboxLeaseMs: config.outboxLeaseMs,
    inboxLeaseMs: config.inboxLeaseMs,
    alertRouteUrl: (name) => process.env[name],
    reconcileIntervalS: config.reconcileIntervalS,
    catalogWatch: config.catalogRepo
      ? { repo: config.catalogRepo, path: config.catalogPath, branch: config.catalogBranch }
      : undefined,
  });
  const { releases: engine, readModel, inbox: worker, outbox, timers, reconciler } = lanesEngine;
  const hub = new ChangeHub(store);
  await hub.start();
  const metrics = new Metrics();
  const app = createApp({
    store,
    readModel,
    engine,
    reportEvidence: (actor, body) => engine.reportEvidence(actor, body),
    writer,
    hub,
    metrics,
    auth: new TokenAuthenticator(store, catalogs),
    oidc: auditedOidcVerifier(
      new ActionsOidcVerifier({ issuer: config.oidcIssuer, audience: config.oidcAudience }),
      () => engine.ctx,
    ),
    log,
    secrets: config.webhookSecrets,
    maxBodyBytes: config.maxBodyBytes,
    openReads: config.openReads,
    clock,
    onDeliveryStored: () => lanesEngine.deliveryStored(),
    webDist: WEB_DIST,
    limits,
    reconcile: reconciler ? () => reconciler.runOnce() : undefined,
    gateSteps: gateStepActions(() => engine.ctx, config),
    sessions: new SessionAuthenticator(store, catalogs),
    publicUrl: config.publicUrl,
    signin: {
      clientId: config.githubClientId,
      clientSecret: config.githubClientSecret,
      githubWebUrl: config.githubWebUrl,
      githubApiUrl: config.githubApiUrl,
      publicUrl: config.publicUrl,
      sessionTtlHours: config.sessionTtlHours,
      cookieSecure: config.cookieSecure,
    },
    tokens: tokenActions(() => engine.ctx),
  });
  if (config.workers === 'all') {
    await lanesEngine.start();
  } else {
    log.info(
      'LANES_WORKERS=none: this process acknowledges and serves; deliveries are processed by another replica',
    );
  }
  let server: ServerType;
  try {
    server = await listen(app, config, limits);
  } catch (err) {
    await lanesEngine.stopEffects().catch(() => undefined);
    await lanesEngine.stopInbox().catch(() => undefined);
    hub.stop();
    await store.close().catch(() => undefined);
    throw err;
  }
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
    get catalog() {
      return catalogs.current().catalog;
    },
    catalogs,
    worker,
    outbox,
    timers,
    engine,
    reconciler,
    app,
    log,
    async close() {
      hub.stop();
      await lanesEngine.stopEffects();
      await new Promise<void>((r) => {
        server.close(() => r());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await lanesEngine.stopInbox();
      await store.close();
    },
  };
}

// The engine's wiring in one place: the delivery applier and inbox worker (facts), the release engine
// (decisions), the outbox worker (effects, with GitHub and alert handlers) and the timer worker, plus the
// hooks between them: after deliveries are applied, the releases on those commits are re-evaluated; a fired
// timer re-evaluates every active release; start() re-derives every decision once (a timer claimed just
// before a crash would otherwise be lost). The process (src/server.ts) only constructs and starts this.
import type { Logger } from 'pino';
import type { Catalog } from '../core/catalog-model.ts';
import type { GateView } from '../contract/views.ts';
import { authFromConfig, type GitHubAuthConfig } from '../github/github-auth.ts';
import { GitHubClient } from '../github/github-client.ts';
import { ReconcileClient } from '../github/reconcile-client.ts';
import type { Store } from '../store/store.ts';
import { AlertNotifier } from './alert-notifier.ts';
import { holderOf, type CatalogHolder } from './catalog-holder.ts';
import { CatalogFollower } from './catalog-from-git.ts';
import type { CatalogWatch } from '../github/catalog-source.ts';
import { compareHandlers } from './change-summary.ts';
import { DeliveryApplier } from './apply-delivery.ts';
import { InboxWorker } from './inbox-worker.ts';
import {
  alertHandlers,
  githubHandlers,
  OutboxWorker,
  waitForGitHub,
  type OutboxHandlers,
} from './outbox-worker.ts';
import { ReadModel } from './read-model.ts';
import { Reconciler } from './reconcile-loop.ts';
import { ReleaseEngine } from './release-engine.ts';
import { TimerWorker } from './timer-worker.ts';
import { detectUnaskedRuns } from './unasked-runs.ts';
import { effectRecovered, markEffectDead } from './effect-alerts.ts';

export interface LanesEngineOptions {
  clock: () => Date;
  log: Logger;
  /** GitHub credentials and API URL; without credentials GitHub effects wait in the outbox. */
  github: GitHubAuthConfig;
  outboxLeaseMs?: number;
  /** How long a replica's claim on inbox deliveries lasts before another replica may take them over. */
  inboxLeaseMs?: number;
  alertRouteUrl?: (envName: string) => string | undefined;
  publicUrl?: string;
  /** Seconds between reconcile passes (0: only on request). */
  reconcileIntervalS?: number;
  /** Catalog from Git: the repository, path and branch followed (src/engine/catalog-from-git.ts). */
  catalogWatch?: CatalogWatch | undefined;
}

/** Without credentials, GitHub effects wait in the outbox (pending, no attempt used) until configured. */
function notConfigured(): OutboxHandlers {
  const wait = () => Promise.resolve(waitForGitHub());
  return { 'github.dispatch': wait, 'github.protection_review': wait, 'github.commit_status': wait };
}

export class LanesEngine {
  readonly releases: ReleaseEngine;
  readonly readModel: ReadModel;
  readonly inbox: InboxWorker;
  readonly outbox: OutboxWorker;
  readonly timers: TimerWorker;
  /** Fills gaps GitHub's webhooks left; undefined without GitHub credentials. */
  readonly reconciler: Reconciler | undefined;
  /** Follows lanes.yaml in Git; undefined unless LANES_CATALOG_REPO is set. */
  readonly catalogFollower: CatalogFollower | undefined;
  private readonly log: Logger;
  private readonly reconcileIntervalS: number;

  /** The one catalog holder every component reads (src/engine/catalog-holder.ts). */
  readonly catalogs: CatalogHolder;

  constructor(
    private readonly store: Store,
    catalogOrHolder: Catalog | CatalogHolder,
    opts: LanesEngineOptions,
  ) {
    const { clock, log } = opts;
    this.log = log;
    const catalog = holderOf(catalogOrHolder);
    this.catalogs = catalog;
    this.releases = new ReleaseEngine(store, catalog, clock, {
      ...(opts.alertRouteUrl ? { alertRouteUrl: opts.alertRouteUrl } : {}),
      ...(opts.publicUrl ? { publicUrl: opts.publicUrl } : {}),
    });
    const releases = this.releases;
    const auth = authFromConfig(opts.github);
    const gh = auth
      ? new GitHubClient({ auth, baseUrl: opts.github.githubApiUrl, log, clock: () => clock().getTime() })
      : undefined;
    this.catalogFollower = opts.catalogWatch
      ? new CatalogFollower(store, catalog, gh, {
          watch: opts.catalogWatch,
          clock,
          log,
          publicUrl: opts.publicUrl,
          alertRouteUrl: opts.alertRouteUrl,
        })
      : undefined;
    const follower = this.catalogFollower;
    // A new catalog version may change every decision: re-derive them on the new snapshot.
    catalog.onSwap((s) => {
      void releases
        .reevaluateAll(`catalog version ${s.version ?? '?'}`)
        .catch((e: unknown) => log.error({ err: String(e) }, 'evaluation after a catalog swap failed'));
    });
    // Decisions follow facts: after deliveries change state, re-evaluate the active releases on those commits.
    const applier = new DeliveryApplier(
      store,
      catalog,
      follower ? (event, payload, now) => follower.pushEffect(event, payload, now) : undefined,
    );
    this.inbox = new InboxWorker(store, applier, log, {
      clock,
      ...(opts.inboxLeaseMs !== undefined ? { leaseMs: opts.inboxLeaseMs } : {}),
      // Drill rules read runs too: judge them on the delivery, not on the next timer (issue 15).
      afterApplied: async ({ shas, releases: named }) => {
        await releases.reevaluateCommits(shas, 'GitHub delivery', named);
        await releases.evaluateDrills();
        await detectUnaskedRuns(releases.ctx, shas);
      },
    });
    const readModel: ReadModel = new ReadModel(store, catalog, {
      gates: async (): Promise<GateView[]> => (await releases.gateViews()) ?? readModel.staticGates(),
      openAlertCount: () => releases.openAlertCount(),
    });
    this.readModel = readModel;
    const handlers: OutboxHandlers = {
      ...alertHandlers(new AlertNotifier({ log })),
      ...(gh ? githubHandlers(gh) : notConfigured()),
      ...(follower ? follower.handlers() : {}),
      ...compareHandlers(() => this.releases.ctx, gh ? new ReconcileClient(gh) : undefined),
    };
    this.reconcileIntervalS = opts.reconcileIntervalS ?? 0;
    this.reconciler = gh
      ? new Reconciler(store, () => catalog.current().catalog, new ReconcileClient(gh), {
          clock,
          log,
          asApp: Boolean(opts.github.githubAppId && opts.github.githubAppPrivateKey),
          onDeliveryStored: () => this.deliveryStored(),
          catalog: follower
            ? async () => {
                const r = await follower.reconcile();
                if (r.filled > 0) this.outbox.kick();
                return r;
              }
            : undefined,
        })
      : undefined;
    // Without GitHub credentials the GitHub effects wait quietly (no attempt, no warning): say it once here.
    if (!auth)
      log.info(
        'GitHub is not configured: dispatches, protection answers and commit statuses wait in the outbox',
      );
    this.outbox = new OutboxWorker(store, handlers, log, {
      clock,
      ...(opts.outboxLeaseMs !== undefined ? { leaseMs: opts.outboxLeaseMs } : {}),
      // A dead effect commits with its audit and alert; a retried one that goes through resolves it.
      onDead: (item, message, now) => markEffectDead(releases.ctx, item, message, now),
      onRecovered: (item, now) => effectRecovered(releases.ctx, item, now),
    });
    this.timers = new TimerWorker(store, (t) => releases.reevaluateAll(`timer ${t.key}`), log, { clock });
  }

  /** A delivery was stored by this process (the webhook route): wake the inbox here and in other replicas. */
  deliveryStored(): void {
    this.inbox.kick();
    // One NOTIFY per group-commit batch, not per delivery: the batch's callers all resume in the same tick.
    if (this.inboxNotifyQueued) return;
    this.inboxNotifyQueued = true;
    setImmediate(() => {
      this.inboxNotifyQueued = false;
      void this.store.notify('inbox').catch(() => undefined);
    });
  }
  private inboxNotifyQueued = false;

  /** Start the workers, then re-derive every decision once (recovers timers lost in a crash). */
  async start(): Promise<void> {
    this.inbox.start();
    this.outbox.start();
    this.timers.start();
    this.reconciler?.start(this.reconcileIntervalS);
    await this.releases
      .reevaluateAll('start-up')
      .catch((e: unknown) => this.log.error({ err: String(e) }, 'start-up evaluation failed'));
  }

  /** Stop the timers and the outbox (no new effects are sent). */
  async stopEffects(): Promise<void> {
    await this.reconciler?.stop();
    await this.timers.stop();
    await this.outbox.stop();
  }

  /** Stop the inbox last: deliveries acknowledged until the HTTP server closed are still applied. */
  async stopInbox(): Promise<void> {
    await this.inbox.stop();
  }
}

// Connecting to GitHub: run one reconcile pass now (admin), and the catalog versions this store accepted or
// rejected, with the active one and the newest rejected one (the dashboard's catalog panel) named apart.
import { Hono } from 'hono';
import { accept, refuse } from '../../contract/refusal.ts';
import { API } from '../../contract/routes.ts';
import type { CatalogVersionView, ReconcileResult } from '../../contract/views.ts';
import type { CatalogVersion, Store } from '../../store/store.ts';
import type { AppEnv } from '../app-env.ts';
import { route } from '../route.ts';

export interface ConnectDeps {
  store: Store;
  /** One reconcile pass; undefined when GitHub is not configured. */
  reconcile?: (() => Promise<ReconcileResult>) | undefined;
}

export function connectRoutes(deps: ConnectDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  route(app, API.reconcile, async () =>
    deps.reconcile
      ? accept(await deps.reconcile())
      : refuse(
          'not_configured',
          'GitHub is not configured (LANES_GITHUB_APP_ID or LANES_GITHUB_TOKEN): nothing to reconcile against',
        ),
  );
  route(app, API.catalogVersions, async () => {
    const versions = await deps.store.listCatalogVersions(100);
    // The active one is the newest accepted; rejected versions are listed with their errors.
    const active = versions.find((v) => v.status === 'accepted')?.id;
    const view = (v: CatalogVersion): CatalogVersionView => ({
      id: v.id,
      digest: v.digest,
      zone: v.zone,
      repository: v.repository,
      source: v.source,
      path: v.path,
      commitSha: v.commitSha,
      loadedAt: v.loadedAt,
      active: v.id === active,
      status: v.status,
      errors: v.errors,
    });
    const all = versions.map(view);
    const latestRejected = all.find((v) => v.status === 'rejected') ?? null;
    return accept({
      versions: all,
      active: all.find((v) => v.active) ?? null,
      latestRejected,
      rejectedSinceActive: latestRejected !== null && (active === undefined || latestRejected.id > active),
    });
  });
  return app;
}

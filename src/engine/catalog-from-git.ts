// Catalog from Git (issue 12): Lanes follows lanes.yaml on one branch of one repository.
// - A push to that branch whose commits may touch the file (src/github/catalog-source.ts) enqueues a
//   `catalog.fetch` outbox effect keyed by the commit sha, in the delivery's own transaction; a reconcile
//   pass enqueues the same effect for the branch head when that commit was never judged (a push Lanes
//   missed). The key makes a push, its redelivery and a reconcile of the same commit one fetch.
// - The effect reads the file AT THAT COMMIT (contents API), validates it with the catalog loader and, in
//   one transaction: valid → records the version (source git, commit sha), resolves an open rejection
//   alert, posts a `lanes/catalog` success status; invalid → records the rejected version with its
//   file:line:col errors, raises an alert naming them and posts a failing `lanes/catalog` status on that
//   commit (both statuses through the outbox). The alert is an ordinary one (src/core/catalog-alerts.ts,
//   written by applyAlerts): one per file, counted per rejected commit, sent to the catalog's alert routes
//   when it opens and when it is resolved. Only after the commit is the process's catalog swapped
//   (src/engine/catalog-holder.ts): a rejected catalog never decides anything, the previous one stays.
// - A catalog for another zone or repository than the store's is rejected like an invalid one.
// - Other replicas pick the accepted version up from the store (`refresh`, on every reconcile pass).
import type { Logger } from 'pino';
import { formatCatalogError, parseCatalog } from '../catalog/load-catalog.ts';
import type { ReconcileSourceResult } from '../contract/views.ts';
import {
  catalogPushSha,
  fetchBranchHead,
  fetchCatalogText,
  type CatalogWatch,
} from '../github/catalog-source.ts';
import type { GitHubClient } from '../github/github-client.ts';
import type { AlertRecord, CatalogVersion, OutboxEffect, Store, StoreTx } from '../store/store.ts';
import { catalogAcceptedAlert, catalogRejectedAlert, catalogRejectedKey } from '../core/catalog-alerts.ts';
import { applyAlerts } from './apply-alerts.ts';
import { auditEntry } from './audit-entry.ts';
import type { EngineContext } from './engine-context.ts';
import type { CatalogHolder } from './catalog-holder.ts';
import { catalogDigest } from './catalog-versions.ts';
import { waitForGitHub, type EffectOutcome, type OutboxHandlers } from './outbox-worker.ts';

export const CATALOG_FETCH = 'catalog.fetch';
export const CATALOG_STATUS_CONTEXT = 'lanes/catalog';
const ACTOR = 'system:catalog';

export interface CatalogFollowerOptions {
  watch: CatalogWatch;
  clock: () => Date;
  log: Logger;
  publicUrl?: string | undefined;
  /** Resolves an alert route's `url_env` (the rejection alert is routed like every other alert). */
  alertRouteUrl?: ((envName: string) => string | undefined) | undefined;
}

interface FetchPayload {
  repo: string;
  path: string;
  sha: string;
}

function fetchPayload(x: unknown): FetchPayload | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  const { repo, path, sha } = x as Record<string, unknown>;
  return typeof repo === 'string' && typeof path === 'string' && typeof sha === 'string'
    ? { repo, path, sha }
    : undefined;
}

export class CatalogFollower {
  constructor(
    private readonly store: Store,
    private readonly holder: CatalogHolder,
    private readonly client: GitHubClient | undefined,
    private readonly opts: CatalogFollowerOptions,
  ) {}

  get watch(): CatalogWatch {
    return this.opts.watch;
  }

  /** The fetch effect for this commit: one per commit, whoever asks (push, redelivery, reconcile). */
  fetchEffect(sha: string, now: string): OutboxEffect {
    const { repo, path } = this.opts.watch;
    return {
      key: `${CATALOG_FETCH}:${repo}:${path}:${sha}`,
      kind: CATALOG_FETCH,
      runAt: now,
      payload: { repo, path, sha },
    };
  }

  /** For the delivery applier: the effect a push asks for, or undefined. */
  pushEffect(event: string, payload: unknown, now: string): OutboxEffect | undefined {
    const sha = catalogPushSha(event, payload, this.opts.watch);
    return sha ? this.fetchEffect(sha, now) : undefined;
  }

  handlers(): OutboxHandlers {
    return { [CATALOG_FETCH]: (payload, { signal }) => this.fetchAndJudge(payload, signal) };
  }

  /** Reconcile: a branch head never judged gets its fetch effect (a push that never arrived). */
  async reconcile(): Promise<ReconcileSourceResult> {
    const { repo, branch } = this.opts.watch;
    const source = `catalog:${repo}`;
    await this.refresh();
    if (!this.client)
      return { source, checked: 0, found: 0, filled: 0, error: null, skipped: 'no GitHub client' };
    const head = await fetchBranchHead(this.client, repo, branch);
    if (!head.ok) return { source, checked: 0, found: 0, filled: 0, error: head.message, skipped: null };
    if (await this.store.catalogVersionOfCommit(head.data))
      return { source, checked: 1, found: 0, filled: 0, error: null, skipped: null };
    const now = this.opts.clock().toISOString();
    const queued = await this.store.transaction((tx) => tx.enqueue(this.fetchEffect(head.data, now)));
    return {
      source,
      checked: 1,
      found: 1,
      filled: queued === 'enqueued' ? 1 : 0,
      error: null,
      skipped: null,
    };
  }

  /** Adopts the newest accepted version in the store (another replica may have accepted it). */
  async refresh(): Promise<void> {
    const latest = await this.store.latestAcceptedCatalogVersion();
    if (!latest || latest.id === this.holder.current().version) return;
    const parsed = parseCatalog(latest.body, latest.path);
    if (parsed.ok) this.holder.swap(parsed.catalog, latest.id);
  }

  private async fetchAndJudge(payload: unknown, signal: AbortSignal): Promise<EffectOutcome> {
    const p = fetchPayload(payload);
    if (!p) return { ok: false, retryable: false, message: 'invalid catalog.fetch payload' };
    if (!this.client) return waitForGitHub();
    const got = await fetchCatalogText(this.client, p.repo, p.path, p.sha, { signal });
    if (!got.ok)
      return {
        ok: false,
        retryable: got.retryable,
        message: got.message,
        ...(got.retryAfterMs !== undefined ? { retryAfterMs: got.retryAfterMs } : {}),
      };
    await this.judge(p, got.data);
    return { ok: true };
  }

  /** Validates the text read at p.sha and records the verdict; swaps on acceptance. */
  async judge(p: FetchPayload, text: string): Promise<CatalogVersion> {
    const now = this.opts.clock().toISOString();
    const parsed = parseCatalog(text, p.path);
    const current = this.holder.current().catalog;
    let errors = parsed.ok ? [] : parsed.errors.map(formatCatalogError);
    if (parsed.ok) {
      const first = await this.store.firstCatalogVersion();
      const zone = parsed.catalog.zone.id;
      const repository = parsed.catalog.repository;
      if (first && (first.zone !== zone || first.repository !== repository))
        errors = [
          `${p.path}:1:1: zone "${zone}" in ${repository} is not this store's catalog (zone "${first.zone}" in ${first.repository})`,
        ];
    }
    const base = {
      digest: catalogDigest(text),
      zone: parsed.ok ? parsed.catalog.zone.id : current.zone.id,
      repository: parsed.ok ? parsed.catalog.repository : current.repository,
      source: 'git' as const,
      path: p.path,
      commitSha: p.sha,
      body: text,
      loadedAt: now,
    };
    // Read before the transaction (SQLite has one connection): the rejection alerts a valid version clears.
    const rejections = await this.store.listAlerts({ status: 'live', key: catalogRejectedKey(p) });
    const version = await this.store.transaction(async (tx) => {
      if (parsed.ok && errors.length === 0) {
        const { version: v, created } = await tx.addCatalogVersion(base);
        await this.settle(tx, p, v, created, now, rejections);
        return v;
      }
      const { version: v, created } = await tx.addRejectedCatalogVersion(base, errors);
      if (created) await this.reject(tx, p, v, errors, now, rejections);
      return v;
    });
    if (version.status === 'accepted' && parsed.ok) {
      this.holder.swap(parsed.catalog, version.id);
      this.opts.log.info({ version: version.id, commit: p.sha }, 'catalog version from Git accepted');
    } else {
      this.opts.log.warn({ version: version.id, commit: p.sha, errors }, 'catalog from Git rejected');
    }
    return version;
  }

  private statusEffect(p: FetchPayload, state: 'success' | 'failure', description: string, now: string) {
    const target = this.opts.publicUrl
      ? `${this.opts.publicUrl.replace(/\/+$/, '')}/api/v1/catalog/versions`
      : null;
    return {
      key: `github.commit_status:${CATALOG_STATUS_CONTEXT}:${p.repo}:${p.sha}:${state}`,
      kind: 'github.commit_status',
      runAt: now,
      payload: {
        repo: p.repo,
        sha: p.sha,
        state,
        context: CATALOG_STATUS_CONTEXT,
        description,
        targetUrl: target,
      },
    };
  }

  /** The context alerts are written and routed with: the catalog that decides now (a rejected one never). */
  private alertContext(): EngineContext {
    const { catalog, version } = this.holder.current();
    return {
      store: this.store,
      catalog,
      catalogVersion: version,
      clock: this.opts.clock,
      ...(this.opts.alertRouteUrl ? { alertRouteUrl: this.opts.alertRouteUrl } : {}),
    };
  }

  private async settle(
    tx: StoreTx,
    p: FetchPayload,
    v: CatalogVersion,
    created: boolean,
    now: string,
    rejections: readonly AlertRecord[],
  ) {
    await tx.appendAudit(
      auditEntry({
        catalogVersion: v.id,
        at: now,
        actor: ACTOR,
        action: created ? 'catalog.accepted' : 'catalog.unchanged',
        object: { type: 'catalog', id: v.id },
        reason: `${p.path} at ${p.repo}@${p.sha}`,
        data: { commitSha: p.sha, digest: v.digest },
      }),
    );
    if (created) await tx.appendChange('catalog', { version: v.id, commitSha: p.sha }, now);
    await applyAlerts(tx, this.alertContext(), [catalogAcceptedAlert(p, v.id)], rejections, now, ACTOR);
    await tx.enqueue(this.statusEffect(p, 'success', `catalog version ${v.id} accepted`, now));
  }

  private async reject(
    tx: StoreTx,
    p: FetchPayload,
    v: CatalogVersion,
    errors: string[],
    now: string,
    live: readonly AlertRecord[],
  ) {
    const detail = errors.join('\n');
    await applyAlerts(tx, this.alertContext(), [catalogRejectedAlert(p, errors)], live, now, ACTOR);
    await tx.appendAudit(
      auditEntry({
        catalogVersion: this.holder.current().version,
        at: now,
        actor: ACTOR,
        action: 'catalog.rejected',
        object: { type: 'catalog', id: v.id },
        reason: detail,
        data: { commitSha: p.sha, errors },
      }),
    );
    await tx.appendChange('catalog', { version: v.id, commitSha: p.sha, status: 'rejected' }, now);
    const first = errors[0] ?? 'invalid catalog';
    await tx.enqueue(this.statusEffect(p, 'failure', `${errors.length} error(s): ${first}`, now));
  }
}

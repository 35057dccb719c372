// Which catalog a store holds. A store is created for one catalog — one zone of one repository — and keeps
// every version of it it accepted (from the file at start or from Git). Guarantees: a store whose first
// catalog names another zone or repository refuses to start with this one (its releases, tokens and
// audit rows would be read against the wrong catalog) unless the operator says so explicitly; the refusal
// names both catalogs and the flag. A catalog whose text did not change adds no version.
import { createHash } from 'node:crypto';
import type { Catalog } from '../core/catalog-model.ts';
import { accept, refuse, type Outcome } from '../contract/refusal.ts';
import type { CatalogVersion, Store } from '../store/store.ts';

export function catalogDigest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export interface CatalogSource {
  catalog: Catalog;
  text: string;
  path: string;
  source: 'file' | 'git';
  commitSha: string | null;
}

/** Records the catalog as the newest version; refuses another zone or repository unless allowed. */
export async function acceptCatalogVersion(
  store: Store,
  c: CatalogSource,
  opts: { allowCatalogChange: boolean; now: string },
): Promise<Outcome<CatalogVersion>> {
  const first = await store.firstCatalogVersion();
  const zone = c.catalog.zone.id;
  const repository = c.catalog.repository;
  if (first && (first.zone !== zone || first.repository !== repository) && !opts.allowCatalogChange) {
    return refuse(
      'catalog_mismatch',
      `this store was created for the catalog of zone "${first.zone}" in ${first.repository} ` +
        `(${first.path}, ${first.loadedAt}); ${c.path} is zone "${zone}" in ${repository}. ` +
        `Its releases, tokens and audit belong to the other catalog: point --data / DATABASE_URL at ` +
        `that installation's store, or start with --allow-catalog-change (LANES_ALLOW_CATALOG_CHANGE=1) ` +
        `to adopt this catalog on purpose.`,
      { storeZone: first.zone, storeRepository: first.repository, zone, repository },
    );
  }
  const { version } = await store.recordCatalogVersion({
    digest: catalogDigest(c.text),
    zone,
    repository,
    source: c.source,
    path: c.path,
    commitSha: c.commitSha,
    body: c.text,
    loadedAt: opts.now,
  });
  return accept(version);
}

// Catalog versions (migration 0005): every catalog Lanes accepted, newest last. Guarantees: a version is
// recorded only when its text differs from the newest one (a restart with the same file adds nothing);
// the check and the insert are one transaction, serialised on PostgreSQL by a table lock so replicas
// starting together record one row; rows are never updated or deleted.
import { sql } from 'kysely';
import type { CatalogVersion, NewCatalogVersion } from '../store.ts';
import { iso, num, type ReadCtx, type Row, type StoreCtx } from './shared.ts';

function rowToVersion(r: Row<'catalog_versions'>): CatalogVersion {
  return {
    id: num(r.id),
    digest: r.digest,
    zone: r.zone,
    repository: r.repository,
    source: r.source === 'git' ? 'git' : 'file',
    path: r.path,
    commitSha: r.commit_sha,
    body: r.body,
    loadedAt: r.loaded_at,
  };
}

export function catalogVersionStore({ pg, runTx }: StoreCtx) {
  return {
    /** The newest version when its digest equals v's; else v, recorded. `created` says which. */
    recordCatalogVersion(v: NewCatalogVersion): Promise<{ version: CatalogVersion; created: boolean }> {
      return runTx(async (tx) => {
        if (pg) await sql`lock table catalog_versions in share row exclusive mode`.execute(tx);
        const latest = await tx
          .selectFrom('catalog_versions')
          .selectAll()
          .orderBy('id', 'desc')
          .limit(1)
          .executeTakeFirst();
        if (latest && latest.digest === v.digest) return { version: rowToVersion(latest), created: false };
        const row = await tx
          .insertInto('catalog_versions')
          .values({
            digest: v.digest,
            zone: v.zone,
            repository: v.repository,
            source: v.source,
            path: v.path,
            commit_sha: v.commitSha,
            body: v.body,
            loaded_at: iso(v.loadedAt),
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return { version: rowToVersion(row), created: true };
      });
    },
  };
}

export function catalogVersionReads({ db }: ReadCtx) {
  return {
    /** Newest first. */
    async listCatalogVersions(limit = 50): Promise<CatalogVersion[]> {
      const rows = await db
        .selectFrom('catalog_versions')
        .selectAll()
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(rowToVersion);
    },

    /** The first catalog this store accepted: what the store was created for. */
    async firstCatalogVersion(): Promise<CatalogVersion | undefined> {
      const r = await db
        .selectFrom('catalog_versions')
        .selectAll()
        .orderBy('id', 'asc')
        .limit(1)
        .executeTakeFirst();
      return r ? rowToVersion(r) : undefined;
    },
  };
}

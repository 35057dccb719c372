// Catalog versions (migration 0005): every catalog Lanes accepted, newest last. Guarantees: a version is
// recorded only when its text differs from the newest one (a restart with the same file adds nothing);
// the check and the insert are one transaction, serialised on PostgreSQL by a table lock so replicas
// starting together record one row; rows are never updated or deleted. Since 0012 rejected versions are
// kept too (status 'rejected', with their errors): "newest" and "first" mean the newest and first ACCEPTED
// one, and a rejected commit is recorded once.
import { sql } from 'kysely';
import type { CatalogVersion, NewCatalogVersion } from '../store.ts';
import { iso, num, type Db, type ReadCtx, type Row, type StoreCtx, type TxCtx } from './shared.ts';

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
    status: r.status === 'rejected' ? 'rejected' : 'accepted',
    errors: r.errors ? (JSON.parse(r.errors) as string[]) : [],
  };
}

/** The newest accepted version, or v recorded (accepted or rejected); inside the caller's transaction. */
async function addVersion(
  tx: Db,
  pg: boolean,
  v: NewCatalogVersion,
  rejected?: { errors: string[] },
): Promise<{ version: CatalogVersion; created: boolean }> {
  if (pg) await sql`lock table catalog_versions in share row exclusive mode`.execute(tx);
  const same = rejected
    ? await tx
        .selectFrom('catalog_versions')
        .selectAll()
        .where('status', '=', 'rejected')
        .where('digest', '=', v.digest)
        .where('commit_sha', v.commitSha === null ? 'is' : '=', v.commitSha)
        .limit(1)
        .executeTakeFirst()
    : await tx
        .selectFrom('catalog_versions')
        .selectAll()
        .where('status', '=', 'accepted')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
  if (same && same.digest === v.digest) return { version: rowToVersion(same), created: false };
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
      status: rejected ? 'rejected' : 'accepted',
      errors: rejected ? JSON.stringify(rejected.errors) : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { version: rowToVersion(row), created: true };
}

/** Catalog versions written inside a decision's transaction (catalog from Git). */
export function catalogVersionWrites({ db, pg }: TxCtx) {
  return {
    addCatalogVersion(v: NewCatalogVersion): Promise<{ version: CatalogVersion; created: boolean }> {
      return addVersion(db, pg, v);
    },
    addRejectedCatalogVersion(
      v: NewCatalogVersion,
      errors: string[],
    ): Promise<{ version: CatalogVersion; created: boolean }> {
      return addVersion(db, pg, v, { errors });
    },
  };
}

export function catalogVersionStore({ pg, runTx }: StoreCtx) {
  return {
    /** The newest version when its digest equals v's; else v, recorded. `created` says which. */
    recordCatalogVersion(v: NewCatalogVersion): Promise<{ version: CatalogVersion; created: boolean }> {
      return runTx((tx) => addVersion(tx, pg, v));
    },
  };
}

export function catalogVersionReads({ db }: ReadCtx) {
  /** The first (asc) or newest (desc) accepted version. */
  const acceptedEdge = async (order: 'asc' | 'desc'): Promise<CatalogVersion | undefined> => {
    const r = await db
      .selectFrom('catalog_versions')
      .selectAll()
      .where('status', '=', 'accepted')
      .orderBy('id', order)
      .limit(1)
      .executeTakeFirst();
    return r ? rowToVersion(r) : undefined;
  };
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
    firstCatalogVersion: () => acceptedEdge('asc'),

    /** The newest accepted version: the one every replica should decide with. */
    latestAcceptedCatalogVersion: () => acceptedEdge('desc'),

    /** Any version (accepted or rejected) read from this commit: Git's commit already judged. */
    async catalogVersionOfCommit(sha: string): Promise<CatalogVersion | undefined> {
      const r = await db
        .selectFrom('catalog_versions')
        .selectAll()
        .where('commit_sha', '=', sha)
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return r ? rowToVersion(r) : undefined;
    },
  };
}

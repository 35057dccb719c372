// Releases and the release state the engine keeps beside them: freeze overrides granted for a
// release, and the time each lane first went green for it.
// Guarantees: createRelease is idempotent by id ('duplicate' never overwrites); updateRelease
// changes only the fields given; overrides are append-only, listed in the order granted; a lane's
// green-at time is the first one recorded (later records for that lane are ignored).
import type { FreezeOverride } from '../../core/release-model.ts';
import type { ReleaseRecord } from '../store.ts';
import { fromJson, iso, num, toJson, type ReadCtx, type Row, type TxCtx } from './shared.ts';

function rowToRelease(r: Row<'releases'>): ReleaseRecord {
  return {
    id: r.id,
    repo: r.repo,
    tag: r.tag,
    version: r.version,
    sha: r.sha,
    manifest: fromJson(r.manifest),
    changeSummary: r.change_summary,
    includesMigrations: num(r.includes_migrations) !== 0,
    state: r.state,
    currentLane: r.current_lane,
    previousReleaseId: r.previous_release_id,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    data: fromJson(r.data),
  };
}

export function releaseWrites({ db }: TxCtx) {
  return {
    async createRelease(r: ReleaseRecord): Promise<'created' | 'duplicate'> {
      const row = await db
        .insertInto('releases')
        .values({
          id: r.id,
          repo: r.repo,
          tag: r.tag,
          version: r.version,
          sha: r.sha,
          manifest: toJson(r.manifest),
          change_summary: r.changeSummary,
          includes_migrations: r.includesMigrations ? 1 : 0,
          state: r.state,
          current_lane: r.currentLane,
          previous_release_id: r.previousReleaseId,
          created_by: r.createdBy,
          created_at: iso(r.createdAt),
          updated_at: iso(r.updatedAt),
          data: toJson(r.data),
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id')
        .executeTakeFirst();
      return row === undefined ? 'duplicate' : 'created';
    },

    async updateRelease(
      id: string,
      patch: { state?: string; currentLane?: string | null; data?: unknown; updatedAt: string },
    ): Promise<boolean> {
      const res = await db
        .updateTable('releases')
        .set({
          updated_at: iso(patch.updatedAt),
          ...(patch.state !== undefined ? { state: patch.state } : {}),
          ...(patch.currentLane !== undefined ? { current_lane: patch.currentLane } : {}),
          ...(patch.data !== undefined ? { data: toJson(patch.data) } : {}),
        })
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    },

    /** Records one freeze override granted for this release (appended; earlier ones stay). */
    async addReleaseOverride(releaseId: string, o: FreezeOverride): Promise<void> {
      await db
        .insertInto('release_overrides')
        .values({
          release_id: releaseId,
          lane_id: o.lane,
          by_person: o.by,
          reason: o.reason,
          at: iso(o.at),
          window_id: o.window ?? null,
        })
        .execute();
    },

    /** Records when lanes first went green for this release; a lane already recorded keeps its time. */
    async recordReleaseGreenAt(releaseId: string, greenAt: Record<string, string>): Promise<void> {
      const rows = Object.entries(greenAt).map(([laneId, at]) => ({
        release_id: releaseId,
        lane_id: laneId,
        green_at: iso(at),
      }));
      if (rows.length === 0) return;
      await db
        .insertInto('release_green_lanes')
        .values(rows)
        .onConflict((oc) => oc.columns(['release_id', 'lane_id']).doNothing())
        .execute();
    },
  };
}

export function releaseReads({ db }: ReadCtx) {
  return {
    async getRelease(id: string): Promise<ReleaseRecord | undefined> {
      const row = await db.selectFrom('releases').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : rowToRelease(row);
    },

    /** Newest first. */
    async listReleases(filter: {
      state?: string;
      tag?: string;
      limit?: number;
      before?: string;
    }): Promise<ReleaseRecord[]> {
      const rows = await db
        .selectFrom('releases')
        .selectAll()
        .$if(filter.state !== undefined, (q) => q.where('state', '=', filter.state ?? ''))
        .$if(filter.tag !== undefined, (q) => q.where('tag', '=', filter.tag ?? ''))
        .$if(filter.before !== undefined, (q) => q.where('created_at', '<', iso(filter.before ?? '')))
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(filter.limit ?? 100)
        .execute();
      return rows.map(rowToRelease);
    },

    /** The freeze overrides granted for this release, in the order granted. */
    async listReleaseOverrides(releaseId: string): Promise<FreezeOverride[]> {
      const rows = await db
        .selectFrom('release_overrides')
        .selectAll()
        .where('release_id', '=', releaseId)
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        lane: r.lane_id,
        by: r.by_person,
        reason: r.reason,
        at: r.at,
        window: r.window_id,
      }));
    },

    /** Lane id → when it first went green for this release. */
    async getReleaseGreenAt(releaseId: string): Promise<Record<string, string>> {
      const rows = await db
        .selectFrom('release_green_lanes')
        .select(['lane_id', 'green_at'])
        .where('release_id', '=', releaseId)
        .execute();
      return Object.fromEntries(rows.map((r) => [r.lane_id, r.green_at]));
    },
  };
}

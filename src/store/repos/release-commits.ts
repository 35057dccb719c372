// A release's change summary (the commits GitHub's compare API listed, migration 0013) and the outbox rows
// of a time span (what the release timeline shows of effects). Guarantees: a compare is saved once per
// release (the row and its commits in the caller's transaction; a second save answers 'exists' and writes
// nothing), so a compare effect delivered twice leaves one summary.
import type { OutboxHistoryItem, ReleaseCompareRecord } from '../store.ts';
import { rowToOutbox } from './outbox.ts';
import { INSERT_CHUNK, chunks, iso, num, type ReadCtx, type TxCtx } from './shared.ts';

export function releaseCommitWrites({ db }: TxCtx) {
  return {
    async saveReleaseCompare(c: ReleaseCompareRecord): Promise<'saved' | 'exists'> {
      const row = await db
        .insertInto('release_compares')
        .values({
          release_id: c.releaseId,
          base_sha: c.baseSha,
          head_sha: c.headSha,
          total_commits: c.totalCommits,
          fetched_at: iso(c.fetchedAt),
        })
        .onConflict((oc) => oc.column('release_id').doNothing())
        .returning('release_id')
        .executeTakeFirst();
      if (row === undefined) return 'exists';
      for (const part of chunks(c.commits, INSERT_CHUNK))
        await db
          .insertInto('release_commits')
          .values(
            part.map((x) => ({
              release_id: c.releaseId,
              position: x.position,
              sha: x.sha,
              author_login: x.author,
              message: x.message,
              url: x.url,
            })),
          )
          .execute();
      return 'saved';
    },
  };
}

export function releaseCommitReads({ db }: ReadCtx) {
  return {
    async getReleaseCompare(releaseId: string): Promise<ReleaseCompareRecord | undefined> {
      const head = await db
        .selectFrom('release_compares')
        .selectAll()
        .where('release_id', '=', releaseId)
        .executeTakeFirst();
      if (!head) return undefined;
      const rows = await db
        .selectFrom('release_commits')
        .selectAll()
        .where('release_id', '=', releaseId)
        .orderBy('position')
        .execute();
      return {
        releaseId,
        baseSha: head.base_sha,
        headSha: head.head_sha,
        totalCommits: num(head.total_commits),
        fetchedAt: head.fetched_at,
        commits: rows.map((r) => ({
          position: num(r.position),
          sha: r.sha,
          author: r.author_login,
          message: r.message,
          url: r.url,
        })),
      };
    },

    async listOutboxSince(filter: { since: string; limit: number }): Promise<OutboxHistoryItem[]> {
      const rows = await db
        .selectFrom('outbox')
        .selectAll()
        .where('created_at', '>=', iso(filter.since))
        .orderBy('created_at')
        .orderBy('id')
        .limit(filter.limit)
        .execute();
      return rows.map((r) => ({ ...rowToOutbox(r), createdAt: r.created_at, doneAt: r.done_at }));
    },
  };
}

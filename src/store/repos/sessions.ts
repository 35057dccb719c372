// Dashboard sessions (migration 0005). Guarantees: only sha256 hashes of the session id and of the CSRF
// token are stored; a session is found only while unexpired and unrevoked; revocation is idempotent.
// Dead rows (expired or revoked) are swept in bounded batches (`sweepSessions`, called at each sign-in).
import type { SessionRecord } from '../store.ts';
import { iso, type ReadCtx } from './shared.ts';

export function sessionStore({ db }: ReadCtx) {
  return {
    async createSession(s: SessionRecord): Promise<void> {
      await db
        .insertInto('sessions')
        .values({
          id_hash: s.idHash,
          login: s.login,
          csrf_hash: s.csrfHash,
          created_at: iso(s.createdAt),
          expires_at: iso(s.expiresAt),
          revoked_at: null,
        })
        .execute();
    },

    /** The live session with this id hash at `now`, if any. */
    async findSession(idHash: string, now: string): Promise<SessionRecord | undefined> {
      const r = await db
        .selectFrom('sessions')
        .selectAll()
        .where('id_hash', '=', idHash)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', iso(now))
        .executeTakeFirst();
      return r
        ? {
            idHash: r.id_hash,
            login: r.login,
            csrfHash: r.csrf_hash,
            createdAt: r.created_at,
            expiresAt: r.expires_at,
          }
        : undefined;
    },

    async revokeSession(idHash: string, at: string): Promise<void> {
      await db
        .updateTable('sessions')
        .set({ revoked_at: iso(at) })
        .where('id_hash', '=', idHash)
        .where('revoked_at', 'is', null)
        .execute();
    },

    /**
     * Deletes at most `limit` dead sessions (expired at `now`, or revoked); returns how many. One bounded
     * statement (a sub-select with a limit), so a sign-in never waits on a large delete.
     */
    async sweepSessions(now: string, limit: number): Promise<number> {
      const dead = db
        .selectFrom('sessions')
        .select('id_hash')
        .where((eb) => eb.or([eb('expires_at', '<=', iso(now)), eb('revoked_at', 'is not', null)]))
        .limit(limit);
      const r = await db.deleteFrom('sessions').where('id_hash', 'in', dead).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}

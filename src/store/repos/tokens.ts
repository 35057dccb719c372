// API tokens: hashed at rest (sha256 of the secret; the secret itself is never stored).
// Guarantees: a token is revoked at most once (revokeToken is false the second time); lookups are
// by hash only, so the store never needs the secret.
import type { TokenRecord } from '../store.ts';
import { iso, isoOrNull, type ReadCtx, type Row, type TxCtx } from './shared.ts';

function rowToToken(r: Row<'tokens'>): TokenRecord {
  return {
    id: r.id,
    personId: r.person_id,
    name: r.name,
    hash: r.hash,
    scope: r.scope as TokenRecord['scope'],
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    lastUsedAt: r.last_used_at,
    service: r.service ?? null,
  };
}

export function tokenWrites({ db }: Pick<TxCtx, 'db'>) {
  return {
    async createToken(t: TokenRecord): Promise<void> {
      await db
        .insertInto('tokens')
        .values({
          id: t.id,
          person_id: t.personId,
          name: t.name,
          hash: t.hash,
          scope: t.scope,
          created_at: iso(t.createdAt),
          expires_at: isoOrNull(t.expiresAt),
          revoked_at: isoOrNull(t.revokedAt),
          last_used_at: isoOrNull(t.lastUsedAt),
          service: t.service ?? null,
        })
        .execute();
    },

    async revokeToken(id: string, at: string): Promise<boolean> {
      const res = await db
        .updateTable('tokens')
        .set({ revoked_at: iso(at) })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    },

    async touchToken(id: string, at: string): Promise<void> {
      await db
        .updateTable('tokens')
        .set({ last_used_at: iso(at) })
        .where('id', '=', id)
        .execute();
    },
  };
}

export function tokenReads({ db }: ReadCtx) {
  return {
    async findTokenByHash(hash: string): Promise<TokenRecord | undefined> {
      const row = await db.selectFrom('tokens').selectAll().where('hash', '=', hash).executeTakeFirst();
      return row === undefined ? undefined : rowToToken(row);
    },

    async listTokens(personId?: string): Promise<TokenRecord[]> {
      const rows = await db
        .selectFrom('tokens')
        .selectAll()
        .$if(personId !== undefined, (q) => q.where('person_id', '=', personId ?? ''))
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(rowToToken);
    },
  };
}

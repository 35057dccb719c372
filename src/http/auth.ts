// API tokens: `lanes_<id>_<secret>`, stored as a SHA-256 hash (shown once at creation), scoped
// read < operate < admin, bound to a person whose seats come from the catalog.
import { hashToken, mintToken } from '../engine/token-mint.ts';
import type { Catalog } from '../core/catalog-model.ts';
import { holderOf, type CatalogHolder } from '../engine/catalog-holder.ts';
import type { Store, TokenRecord, TokenScope } from '../store/store.ts';
import type { RefusalCode } from '../contract/refusal.ts';
import type { WorkflowClaims } from '../engine/engine-context.ts';

export interface Principal {
  /** The person behind the token; for a service token, the person it acts for (or `service:<name>`). */
  personId: string;
  tokenId: string;
  scope: TokenScope;
  seats: string[];
  /** The named service a token is bound to; null for a person's token. */
  service: string | null;
  /** A GitHub Actions OIDC token's verified claims (POST /api/v1/evidence only). */
  workflow?: WorkflowClaims;
}

export type AuthResult =
  { ok: true; principal: Principal } | { ok: false; code: RefusalCode; message: string };

export interface Authenticator {
  authenticate(token: string, now: Date): Promise<AuthResult>;
}

const SCOPE_RANK: Record<TokenScope, number> = { read: 0, operate: 1, admin: 2 };

export function hasScope(p: Principal | undefined, needed: TokenScope): boolean {
  return p !== undefined && SCOPE_RANK[p.scope] >= SCOPE_RANK[needed];
}

export { hashToken };

export function seatsOf(catalog: Catalog, personId: string): string[] {
  return catalog.seats.filter((s) => s.members.includes(personId)).map((s) => s.id);
}

export class TokenAuthenticator implements Authenticator {
  private readonly catalogs: CatalogHolder;

  constructor(
    private readonly store: Store,
    catalog: Catalog | CatalogHolder,
  ) {
    this.catalogs = holderOf(catalog);
  }

  async authenticate(token: string, now: Date): Promise<AuthResult> {
    if (!/^lanes_[a-z0-9]{8,32}_[A-Za-z0-9_-]{20,100}$/.test(token)) {
      return { ok: false, code: 'unauthorized', message: 'malformed token' };
    }
    const rec = await this.store.findTokenByHash(hashToken(token));
    if (!rec) return { ok: false, code: 'unauthorized', message: 'unknown token' };
    if (rec.revokedAt) return { ok: false, code: 'token_revoked', message: 'token revoked' };
    if (rec.expiresAt && Date.parse(rec.expiresAt) <= now.getTime()) {
      return { ok: false, code: 'token_expired', message: 'token expired' };
    }
    void this.store.touchToken(rec.id, now.toISOString()).catch(() => undefined);
    return {
      ok: true,
      principal: {
        personId: rec.personId,
        tokenId: rec.id,
        scope: rec.scope,
        // A service speaks for itself: it holds no seat, whoever owns it.
        seats: rec.service ? [] : seatsOf(this.catalogs.current().catalog, rec.personId),
        service: rec.service ?? null,
      },
    };
  }
}

/** Create a token; the secret is returned once and only its hash is stored. */
export async function issueToken(
  store: Store,
  opts: {
    personId: string;
    name: string;
    scope: TokenScope;
    now: Date;
    ttlDays?: number;
    service?: string;
  },
): Promise<{ token: string; record: TokenRecord }> {
  const { token, record } = mintToken({
    personId: opts.personId,
    name: opts.name,
    scope: opts.scope,
    now: opts.now,
    ...(opts.ttlDays ? { ttlMs: opts.ttlDays * 86_400_000 } : {}),
    ...(opts.service ? { service: opts.service } : {}),
  });
  await store.createToken(record);
  return { token, record };
}

// API token secrets: `lanes_<id>_<secret>`, stored only as a SHA-256 hash (the secret is shown once).
// Minted here so that the engine (token management) and the CLI mint them alike.
import { createHash, randomBytes } from 'node:crypto';
import type { TokenRecord, TokenScope } from '../store/store.ts';

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new token and its record (not yet stored). */
export function mintToken(opts: {
  personId: string;
  name: string;
  scope: TokenScope;
  now: Date;
  /** Milliseconds until it expires; absent = never. */
  ttlMs?: number;
  service?: string;
}): { token: string; record: TokenRecord } {
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(24).toString('base64url');
  const token = `lanes_${id}_${secret}`;
  return {
    token,
    record: {
      id: `tok_${id}`,
      personId: opts.personId,
      name: opts.name,
      hash: hashToken(token),
      scope: opts.scope,
      createdAt: opts.now.toISOString(),
      expiresAt: opts.ttlMs ? new Date(opts.now.getTime() + opts.ttlMs).toISOString() : null,
      revokedAt: null,
      lastUsedAt: null,
      service: opts.service ?? null,
    },
  };
}

// Dashboard sessions (Sign in with GitHub). The cookie `lanes_session` holds a random session id; the store
// keeps only sha256(id) and sha256(csrf token) (src/store/repos/sessions.ts), so a database read yields
// no usable session. The CSRF token is derived from the id (sha256 of a label and the id), so the server
// can hand it to the page again (GET /api/v1/session) without storing it; knowing it reveals nothing of the
// id. A session's person is the catalog person whose id is the GitHub login (compared without case); it
// acts with operate scope and the seats it holds in the catalog, read at each request. Every sign-in sweeps
// a bounded batch of expired or revoked session rows.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Catalog } from '../core/catalog-model.ts';
import { holderOf, type CatalogHolder } from '../engine/catalog-holder.ts';
import type { Store } from '../store/store.ts';
import { hashToken, seatsOf, type Principal } from './auth.ts';

export const SESSION_COOKIE = 'lanes_session';
/** The header a cookie-authenticated state change must carry. */
export const CSRF_HEADER = 'x-csrf-token';

export function csrfTokenFor(sessionId: string): string {
  return createHash('sha256').update(`lanes-csrf\0${sessionId}`, 'utf8').digest('base64url');
}

/** Constant-time comparison of two strings (false when lengths differ). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The catalog person a GitHub login names (persons in seats are GitHub logins), if any seat holds it. */
export function personForLogin(catalog: Catalog, login: string): string | undefined {
  const want = login.toLowerCase();
  for (const seat of catalog.seats) {
    const m = seat.members.find((p) => p.toLowerCase() === want);
    if (m) return m;
  }
  return undefined;
}

/** Dead sessions (expired or revoked) deleted at each sign-in, at most. */
export const SWEEP_BATCH = 100;

/** Creates a session for the login; the id (the cookie's value) is returned once and only hashed. */
export async function startSession(
  store: Store,
  p: { login: string; now: Date; ttlHours: number },
): Promise<{ sessionId: string; csrfToken: string; expiresAt: string }> {
  const sessionId = randomBytes(32).toString('base64url');
  const csrfToken = csrfTokenFor(sessionId);
  const expiresAt = new Date(p.now.getTime() + p.ttlHours * 3_600_000).toISOString();
  await store.createSession({
    idHash: hashToken(sessionId),
    login: p.login,
    csrfHash: hashToken(csrfToken),
    createdAt: p.now.toISOString(),
    expiresAt,
  });
  // Each sign-in adds one row and sweeps up to SWEEP_BATCH dead ones, so dead rows never pile up; a failed
  // sweep does not fail the sign-in (the next one sweeps again).
  await store.sweepSessions(p.now.toISOString(), SWEEP_BATCH).catch(() => 0);
  return { sessionId, csrfToken, expiresAt };
}

export interface SessionPrincipal extends Principal {
  session: { login: string; csrfToken: string; idHash: string; expiresAt: string };
}

export class SessionAuthenticator {
  constructor(
    private readonly store: Store,
    catalog: Catalog | CatalogHolder,
  ) {
    this.catalogs = holderOf(catalog);
  }

  private readonly catalogs: CatalogHolder;

  /** The catalog of the moment (it may be swapped by a catalog from Git). */
  private get catalog(): Catalog {
    return this.catalogs.current().catalog;
  }

  /** The live session's principal, or undefined (unknown, expired, revoked, or its login left every seat). */
  async authenticate(sessionId: string, now: Date): Promise<SessionPrincipal | undefined> {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(sessionId)) return undefined;
    const idHash = hashToken(sessionId);
    const rec = await this.store.findSession(idHash, now.toISOString());
    if (!rec) return undefined;
    const csrfToken = csrfTokenFor(sessionId);
    if (!sameSecret(hashToken(csrfToken), rec.csrfHash)) return undefined;
    const person = personForLogin(this.catalog, rec.login);
    if (!person) return undefined;
    return {
      personId: person,
      tokenId: `session:${idHash.slice(0, 8)}`,
      scope: 'operate',
      seats: seatsOf(this.catalog, person),
      service: null,
      session: { login: rec.login, csrfToken, idHash, expiresAt: rec.expiresAt },
    };
  }

  /** The catalog person of a GitHub login (undefined: in no seat). */
  personFor(login: string): string | undefined {
    return personForLogin(this.catalog, login);
  }

  async end(sessionId: string, now: Date): Promise<void> {
    await this.store.revokeSession(hashToken(sessionId), now.toISOString());
  }
}

export function isSessionPrincipal(p: Principal | undefined): p is SessionPrincipal {
  return p !== undefined && 'session' in p && typeof p.session === 'object';
}

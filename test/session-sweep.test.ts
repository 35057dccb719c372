// Dead dashboard sessions are swept: every sign-in (startSession) deletes a bounded batch of expired or
// revoked session rows and keeps the live ones; an expired session's cookie is nobody. On SQLite and
// PostgreSQL. The rows are read straight from the table (nothing in the product lists sessions).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { hashToken } from '../src/http/auth.ts';
import { SessionAuthenticator, startSession } from '../src/http/session-auth.ts';
import { KyselyStore } from '../src/store/kysely-store.ts';
import type { Store } from '../src/store/store.ts';
import { loadCatalogFile } from '../src/catalog/load-catalog.ts';
import { storeContract } from './helpers/store-contract.ts';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-03-02T10:00:00Z');

async function sessionRows(s: Store): Promise<string[]> {
  assert.ok(s instanceof KyselyStore);
  const r = await sql<{ login: string }>`select login from sessions order by login`.execute(s.db);
  return r.rows.map((x) => x.login);
}

function row(login: string, createdMs: number, ttlHours: number) {
  return {
    idHash: hashToken(`id-${login}`),
    login,
    csrfHash: hashToken(`csrf-${login}`),
    createdAt: new Date(createdMs).toISOString(),
    expiresAt: new Date(createdMs + ttlHours * HOUR).toISOString(),
  };
}

storeContract('sessions', ({ withStore }) => {
  void it('a sign-in deletes expired and revoked sessions and keeps the live ones', async () => {
    await withStore(async (s) => {
      await s.createSession(row('expired-a', T0 - 30 * HOUR, 12));
      await s.createSession(row('expired-b', T0 - 13 * HOUR, 12));
      await s.createSession(row('live', T0 - HOUR, 12));
      await s.createSession(row('revoked', T0 - HOUR, 12));
      await s.revokeSession(hashToken('id-revoked'), new Date(T0 - 1000).toISOString());
      assert.deepEqual(await sessionRows(s), ['expired-a', 'expired-b', 'live', 'revoked']);

      const fresh = await startSession(s, { login: 'jonas', now: new Date(T0), ttlHours: 12 });
      assert.deepEqual(await sessionRows(s), ['jonas', 'live']);
      assert.ok(await s.findSession(hashToken(fresh.sessionId), new Date(T0).toISOString()));
      assert.ok(await s.findSession(hashToken('id-live'), new Date(T0).toISOString()));
    });
  });

  void it('sweeps in bounded batches', async () => {
    await withStore(async (s) => {
      for (const n of [1, 2, 3]) await s.createSession(row(`old-${n}`, T0 - 48 * HOUR, 1));
      await s.createSession(row('live', T0, 1));
      assert.equal(await s.sweepSessions(new Date(T0).toISOString(), 2), 2);
      assert.equal((await sessionRows(s)).length, 2);
      assert.equal(await s.sweepSessions(new Date(T0).toISOString(), 2), 1);
      assert.deepEqual(await sessionRows(s), ['live']);
      assert.equal(await s.sweepSessions(new Date(T0).toISOString(), 2), 0);
    });
  });

  void it('an expired session is refused even before it is swept', async () => {
    await withStore(async (s) => {
      const loaded = loadCatalogFile('examples/ops/lanes.yaml');
      assert.ok(loaded.ok);
      const auth = new SessionAuthenticator(s, loaded.catalog);
      const member = loaded.catalog.seats[0]?.members[0] ?? '';
      const started = await startSession(s, { login: member, now: new Date(T0), ttlHours: 1 });
      assert.equal((await auth.authenticate(started.sessionId, new Date(T0 + HOUR / 2)))?.personId, member);
      assert.equal(await auth.authenticate(started.sessionId, new Date(T0 + HOUR)), undefined);
      assert.equal(await auth.authenticate(started.sessionId, new Date(T0 + 2 * HOUR)), undefined);
      assert.deepEqual(await sessionRows(s), [member], 'still stored until a sign-in sweeps it');
    });
  });
});

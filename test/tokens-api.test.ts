// Token management through the API (admin only), on both stores: a list without secrets, a created token
// whose secret is answered once and works, a token for a person in no seat refused, revocation taking
// effect at once, operate refused; every step (and every refusal) in the audit log.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { issueToken } from '../src/http/auth.ts';
import { STORE_KINDS, startTestLanes } from './helpers/lanes-harness.ts';

type Json = Record<string, unknown>;

for (const kind of STORE_KINDS) {
  describe(`token management API (${kind})`, () => {
    let lanes: Awaited<ReturnType<typeof startTestLanes>>;
    let admin = '';
    let operate = '';
    const call = async (token: string, method: string, path: string, body?: unknown) => {
      const res = await fetch(`${lanes.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, text: await res.clone().text(), body: (await res.json()) as Json };
    };
    const audit = async () =>
      ((await call(admin, 'GET', '/api/v1/audit?objectType=token&limit=200')).body.events as Json[]).map(
        (e) => [e.action, (e.data as Json).code ?? null, String(e.actor).split(' ')[0]],
      );
    before(async () => {
      lanes = await startTestLanes(kind);
      const now = new Date();
      admin = (await issueToken(lanes.store, { personId: 'jonas', name: 'a', scope: 'admin', now })).token;
      operate = (await issueToken(lanes.store, { personId: 'hana', name: 'o', scope: 'operate', now })).token;
    });
    after(async () => {
      await lanes.close();
    });

    it('creates a token answered once, lists it without secrets, and revokes it at once', async () => {
      const created = await call(admin, 'POST', '/api/v1/tokens', {
        person: 'giulia',
        scope: 'operate',
        name: 'laptop',
        expiresIn: '30d',
      });
      assert.equal(created.status, 201, created.text);
      const secret = String(created.body.token);
      assert.match(secret, /^lanes_[a-z0-9]+_[A-Za-z0-9_-]+$/);
      assert.equal(created.body.person, 'giulia');
      assert.equal(created.body.service, null);
      assert.equal(
        Date.parse(String(created.body.expiresAt)) - Date.parse(String(created.body.createdAt)),
        30 * 86_400_000,
      );
      assert.equal((await call(secret, 'GET', '/api/v1/overview')).status, 200, 'the new token works');

      const listed = await call(admin, 'GET', '/api/v1/tokens');
      assert.equal(listed.status, 200);
      assert.ok(!listed.text.includes(secret.split('_').slice(2).join('_') || '?'), 'no secret in the list');
      assert.ok(!/"hash"/.test(listed.text), 'no hash in the list');
      const row = (listed.body.tokens as Json[]).find((t) => t.id === created.body.id);
      assert.deepEqual(row && [row.name, row.person, row.scope, row.revokedAt], [
        'laptop',
        'giulia',
        'operate',
        null,
      ]);
      assert.deepEqual(Object.keys(row ?? {}).sort(), [
        'createdAt',
        'expiresAt',
        'id',
        'lastUsedAt',
        'name',
        'person',
        'revokedAt',
        'scope',
        'service',
      ]);

      const revoked = await call(admin, 'DELETE', `/api/v1/tokens/${String(created.body.id)}`);
      assert.equal(revoked.status, 200, revoked.text);
      assert.ok(revoked.body.revokedAt);
      const after = await call(secret, 'GET', '/api/v1/overview');
      assert.equal(after.status, 401);
      assert.equal((after.body.error as Json).code, 'token_revoked');
      const missing = await call(admin, 'DELETE', '/api/v1/tokens/tok_ffffffffffff');
      assert.equal(missing.status, 404);
    });

    it('binds a service token to its service and the person it acts for', async () => {
      const r = await call(admin, 'POST', '/api/v1/tokens', {
        service: 'ci-bot',
        person: 'ivan',
        scope: 'operate',
      });
      assert.equal(r.status, 201, r.text);
      assert.deepEqual([r.body.service, r.body.person], ['ci-bot', 'ivan']);
      const approve = await call(String(r.body.token), 'POST', '/api/v1/gates/RG-07/approve', {});
      assert.equal(approve.status, 403);
      assert.equal((approve.body.error as Json).code, 'service_cannot_approve');
      const bare = await call(admin, 'POST', '/api/v1/tokens', { service: 'deploy-bot', scope: 'read' });
      assert.equal(bare.status, 201, bare.text);
      assert.deepEqual([bare.body.service, bare.body.person], ['deploy-bot', null]);
    });

    it('refuses a token for a person in no seat, and operate callers (403, audited)', async () => {
      const before = ((await call(admin, 'GET', '/api/v1/tokens')).body.tokens as Json[]).length;
      const nobody = await call(admin, 'POST', '/api/v1/tokens', { person: 'mallory', scope: 'read' });
      assert.equal(nobody.status, 403);
      assert.equal((nobody.body.error as Json).code, 'not_seat_member');
      for (const [method, path, body] of [
        ['GET', '/api/v1/tokens', undefined],
        ['POST', '/api/v1/tokens', { person: 'hana', scope: 'admin' }],
        ['DELETE', '/api/v1/tokens/tok_ffffffffffff', undefined],
      ] as const) {
        const r = await call(operate, method, path, body);
        assert.equal(r.status, 403, `${method} ${path}`);
        assert.equal((r.body.error as Json).code, 'insufficient_scope');
      }
      const neither = await call(admin, 'POST', '/api/v1/tokens', { scope: 'read' });
      assert.equal(neither.status, 422);
      assert.equal(((await call(admin, 'GET', '/api/v1/tokens')).body.tokens as Json[]).length, before);
      const rows = await audit();
      for (const want of [
        ['token.created', null, 'jonas'],
        ['token.revoked', null, 'jonas'],
        ['token.revoke_refused', 'not_found', 'jonas'],
        ['token.create_refused', 'not_seat_member', 'jonas'],
        ['token.manage_refused', 'insufficient_scope', 'hana'],
      ])
        assert.ok(
          rows.some((r) => JSON.stringify(r) === JSON.stringify(want)),
          `${JSON.stringify(want)} in ${JSON.stringify(rows)}`,
        );
      assert.equal(rows.filter((r) => r[0] === 'token.manage_refused').length, 3);
    });
  });
}

// The Store's behavioural suite: API tokens.
// Runs on SQLite and on PostgreSQL alike; the shared set-up is in helpers/store-contract.ts.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { at, canon, storeContract } from './helpers/store-contract.ts';

storeContract('tokens', ({ withStore }) => {
  void it('keeps tokens hashed, touched, revoked once and listed per person', async () => {
    await withStore(async (s) => {
      const tok = {
        id: 'tok_1',
        personId: 'alice',
        name: 'ci',
        hash: 'h'.repeat(64),
        scope: 'operate' as const,
        createdAt: at(0),
        expiresAt: null,
        revokedAt: null,
        lastUsedAt: null,
        service: null,
      };
      await s.createToken(tok);
      await assert.rejects(s.createToken({ ...tok, id: 'tok_2' })); // hash is unique
      await s.touchToken('tok_1', at(2));
      assert.deepEqual(await s.findTokenByHash(tok.hash), {
        ...tok,
        createdAt: canon(at(0)),
        lastUsedAt: canon(at(2)),
      });
      assert.equal(await s.revokeToken('tok_1', at(3)), true);
      assert.equal(await s.revokeToken('tok_1', at(4)), false);
      assert.equal((await s.listTokens('alice'))[0]?.revokedAt, canon(at(3)));
      assert.deepEqual(await s.listTokens('nobody'), []);
    });
  });
});

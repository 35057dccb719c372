// The Store's behavioural suite: gate decisions and approvals.
// Runs on SQLite and on PostgreSQL alike; the shared set-up is in helpers/store-contract.ts.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { at, canon, storeContract } from './helpers/store-contract.ts';

storeContract('gates', ({ withStore }) => {
  void it('keeps one decision per gate and one approval per person', async () => {
    await withStore(async (s) => {
      const rel = { id: 'rel-1.4.0' };
      await s.transaction((tx) =>
        tx.saveGateDecision({
          releaseId: rel.id,
          gateId: 'RG-12',
          state: 'pending',
          detail: { criteria: [] },
          waitsUntil: at(17),
          decidedAt: at(2),
        }),
      );
      await s.transaction((tx) =>
        tx.saveGateDecision({
          releaseId: rel.id,
          gateId: 'RG-12',
          state: 'passed',
          detail: { criteria: [1] },
          waitsUntil: null,
          decidedAt: at(18),
        }),
      );
      assert.deepEqual(await s.listGateDecisions({ releaseId: rel.id }), [
        {
          releaseId: rel.id,
          gateId: 'RG-12',
          state: 'passed',
          detail: { criteria: [1] },
          waitsUntil: null,
          decidedAt: canon(at(18)),
        },
      ]);
      assert.equal(
        await s.transaction((tx) =>
          tx.addApproval({
            releaseId: rel.id,
            gateId: 'RG-08',
            person: 'bob',
            at: at(3),
            comment: 'lgtm',
          }),
        ),
        'added',
      );
      assert.equal(
        await s.transaction((tx) =>
          tx.addApproval({
            releaseId: rel.id,
            gateId: 'RG-08',
            person: 'bob',
            at: at(4),
            comment: null,
          }),
        ),
        'duplicate',
      );
      assert.deepEqual(await s.listApprovals({ gateId: 'RG-08' }), [
        { releaseId: rel.id, gateId: 'RG-08', person: 'bob', at: canon(at(3)), comment: 'lgtm' },
      ]);
    });
  });
});

// The Store's behavioural suite: the audit log.
// Runs on SQLite and on PostgreSQL alike; the shared set-up is in helpers/store-contract.ts.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { at, canon, storeContract } from './helpers/store-contract.ts';

storeContract('audit', ({ withStore }) => {
  void it('appends audit events and lists them newest first with filters', async () => {
    await withStore(async (s) => {
      for (let i = 0; i < 5; i++) {
        await s.transaction((tx) =>
          tx.appendAudit({
            at: at(i),
            actor: i % 2 ? 'token:tok_1' : 'github:72d3162e-cc78-11e3-81ab-4c9367dc0958',
            action: i % 2 ? 'gate.approved' : 'run.updated',
            objectType: i % 2 ? 'gate' : 'run',
            objectId: i % 2 ? 'RG-11' : String(1000 + i),
            reason: i === 1 ? 'smoke evidence attached' : null,
            data: { i, nested: { ok: true } },
          }),
        );
      }
      const all = await s.listAudit({});
      assert.deepEqual(
        all.map((e) => (e.data as { i: number }).i),
        [4, 3, 2, 1, 0],
      );
      assert.equal(all[3]?.reason, 'smoke evidence attached');
      assert.equal(all[3]?.at, canon(at(1)));
      const gates = await s.listAudit({ objectType: 'gate', objectId: 'RG-11' });
      assert.deepEqual(
        gates.map((e) => e.action),
        ['gate.approved', 'gate.approved'],
      );
      const page = await s.listAudit({ limit: 2, before: all[1]?.id ?? 0 });
      assert.deepEqual(
        page.map((e) => e.id),
        [all[2]?.id, all[3]?.id],
      );
    });
  });
});

// The Store's behavioural suite: evidence.
// Runs on SQLite and on PostgreSQL alike; the shared set-up is in helpers/store-contract.ts.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { EvidenceRecord } from '../src/core/run-model.ts';
import {
  at,
  canon,
  CHECK_RUN_EXAMPLE,
  obj,
  storeContract,
  str,
  strOrNull,
} from './helpers/store-contract.ts';

storeContract('evidence', ({ withStore }) => {
  void it('keeps the newest evidence per key and filters it', async () => {
    await withStore(async (s) => {
      const cr = obj(CHECK_RUN_EXAMPLE.check_run);
      const ev: EvidenceRecord = {
        key: `check_run:${str(cr.id)}`,
        check: str(cr.name),
        outcome: 'pending',
        sha: str(cr.head_sha),
        runId: null,
        laneId: 'PL-05',
        source: 'check_run',
        url: strOrNull(cr.html_url),
        details: null,
        recordedAt: str(cr.started_at),
        reportedBy: null,
        provenance: null,
        authority: null,
      };
      assert.equal(await s.transaction((tx) => tx.upsertEvidence(ev)), 'applied');
      const passed = { ...ev, outcome: 'passed' as const, recordedAt: at(100_000_000 / 60_000) };
      assert.equal(
        await s.transaction((tx) =>
          tx.upsertEvidence({ ...ev, outcome: 'failed', recordedAt: '2000-01-01T00:00:00Z' }),
        ),
        'stale',
      );
      assert.equal(await s.transaction((tx) => tx.upsertEvidence(passed)), 'applied');
      assert.equal(await s.transaction((tx) => tx.upsertEvidence(passed)), 'stale');
      await s.transaction((tx) =>
        tx.upsertEvidence({
          ...ev,
          key: 'api:1',
          check: 'smoke',
          sha: 'c'.repeat(40),
          runId: 77,
          laneId: 'PL-04',
          source: 'api',
          recordedAt: at(1),
        }),
      );
      const bySha = await s.listEvidence({ shas: [ev.sha] });
      assert.deepEqual(bySha, [{ ...passed, recordedAt: canon(passed.recordedAt) }]);
      assert.deepEqual(
        (await s.listEvidence({ runIds: [77] })).map((e) => e.key),
        ['api:1'],
      );
      assert.deepEqual(
        (await s.listEvidence({ laneId: 'PL-05' })).map((e) => e.key),
        [ev.key],
      );
      assert.deepEqual((await s.listEvidence({})).map((e) => e.key).sort(), ['api:1', ev.key].sort());
      assert.deepEqual(await s.listEvidence({ shas: [] }), []);
      assert.deepEqual(await s.listEvidence({ shas: [ev.sha], laneId: 'PL-04' }), []);
    });
  });
});

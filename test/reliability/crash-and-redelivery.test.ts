// SIGKILL with 1,000 signed deliveries in flight: every delivery answered 202 is stored exactly once and
// processed after a restart. Then GitHub's redeliveries: the same GUIDs answer 200 (duplicate), and the
// same payloads under NEW GUIDs are stored but change nothing (run states and the run.updated audit count
// stay as they were). Both stores (long form: 5,000 deliveries).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/store/open-store.ts';
import { STORE_KINDS, sendDelivery, waitFor, workflowRunPayload } from '../helpers/lanes-harness.ts';
import { freshPostgresDatabase, freshSqliteDir } from '../helpers/test-database.ts';
import { LONG, countRunTransitions, inPool, runStates, startLanesChild } from './reliability-helpers.ts';
import { storedDelivery } from '../helpers/store-rows.ts';

const N = LONG ? 5000 : 1000;
const BASE_RUN = 600_000;

function payloadFor(i: number): Record<string, unknown> {
  const t = new Date(Date.parse('2026-03-03T00:00:00Z') + i * 1000).toISOString();
  return workflowRunPayload({
    runId: BASE_RUN + i,
    workflowFile: 'deploy-staging.yml',
    workflowName: 'deploy-staging',
    status: 'completed',
    conclusion: i % 10 === 0 ? 'failure' : 'success',
    startedAt: t,
    updatedAt: t,
  });
}

for (const kind of STORE_KINDS) {
  describe(`SIGKILL mid-stream and redelivery on ${kind}`, () => {
    it(`${N} in flight: acknowledged = stored once and processed; redeliveries change nothing`, async () => {
      const dataDir = await freshSqliteDir();
      const env: NodeJS.ProcessEnv = { LANES_DATA_DIR: dataDir };
      if (kind === 'postgres') env.DATABASE_URL = await freshPostgresDatabase();
      const guids = Array.from({ length: N }, (_, i) => `kill-${kind}-${i}`);
      const payloads = Array.from({ length: N }, (_, i) => payloadFor(i));

      const first = await startLanesChild(env);
      const acked = new Set<string>();
      let killAt = 0;
      // All N requests in flight at once; the server is killed once a third of them are acknowledged.
      await Promise.all(
        guids.map(async (guid, i) => {
          try {
            const r = await sendDelivery(first.url, 'workflow_run', payloads[i], { guid });
            if (r.status === 202 || r.status === 200) acked.add(guid);
            if (acked.size >= N / 3 && killAt === 0) {
              killAt = acked.size;
              void first.kill9();
            }
          } catch {
            // connection reset by the kill: not acknowledged, GitHub would redeliver
          }
        }),
      );
      await first.kill9();
      assert.ok(killAt > 0, `the server was killed mid-stream (acknowledged ${acked.size} of ${N})`);
      assert.ok(
        acked.size < N,
        `some deliveries were in flight at the kill (acknowledged ${acked.size} of ${N})`,
      );

      const second = await startLanesChild(env);
      const store = await openStore({ databaseUrl: env.DATABASE_URL || undefined, dataDir });
      try {
        await waitFor(
          async () => (await store.inboxStats()).pending === 0,
          'inbox drained after restart',
          60_000,
        );
        const stats = await store.inboxStats();
        for (const guid of acked) {
          const d = await storedDelivery(store, guid);
          assert.ok(d, `acknowledged ${guid} is stored`);
          assert.equal(d.status, 'processed', `${guid} processed`);
        }
        // Exactly once: every stored delivery made exactly one run transition (one new run each).
        const transitions = await countRunTransitions(store);
        const runs = await runStates(store);
        assert.equal(stats.received, stats.processed, 'every stored delivery processed');
        assert.equal(runs.size, stats.received, 'one run per stored delivery');
        assert.equal(transitions, stats.received, 'one run.updated per stored delivery');

        // GitHub redelivers everything with the same GUIDs: acknowledged ones are duplicates.
        let dup = 0;
        await inPool(guids, 50, async (guid, i) => {
          const r = await sendDelivery(second.url, 'workflow_run', payloads[i], { guid });
          assert.ok(r.status === 200 || r.status === 202, `redelivery of ${guid}: ${r.status}`);
          if (acked.has(guid)) assert.equal(r.status, 200, `${guid} was acknowledged before: duplicate`);
          if (r.status === 200) dup++;
        });
        assert.ok(dup >= acked.size);
        await waitFor(
          async () => (await store.inboxStats()).pending === 0,
          'inbox drained after redelivery',
          60_000,
        );
        const statesBefore = await runStates(store);
        const transitionsBefore = await countRunTransitions(store);
        assert.equal(statesBefore.size, N, 'all runs stored after the redelivery');
        assert.equal(transitionsBefore, N);

        // The same payloads under new GUIDs (e.g. a manual "redeliver" or a second webhook): stored, no transition.
        await inPool(guids, 50, async (guid, i) => {
          const r = await sendDelivery(second.url, 'workflow_run', payloads[i], { guid: `${guid}-again` });
          assert.equal(r.status, 202);
        });
        await waitFor(
          async () => (await store.inboxStats()).pending === 0,
          'inbox drained after new GUIDs',
          60_000,
        );
        const statesAfter = await runStates(store);
        assert.deepEqual(statesAfter, statesBefore, 'run states unchanged by redelivered payloads');
        assert.equal(await countRunTransitions(store), transitionsBefore, 'no new run.updated audit entries');
        const last = await storedDelivery(store, `${guids[N - 1] ?? ''}-again`);
        assert.equal(last?.status, 'processed');
        assert.ok(second.alive());
      } finally {
        await store.close();
        await second.stop();
      }
    });
  });
}

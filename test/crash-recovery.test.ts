// SIGKILL right after deliveries were answered 202: after a restart every acknowledged delivery is stored
// exactly once and processed. Runs the real `lanes up` process on both stores.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { openStore } from '../src/store/open-store.ts';
import {
  STORE_KINDS,
  sendDelivery,
  spawnLanes,
  waitFor,
  workflowRunPayload,
} from './helpers/lanes-harness.ts';
import { freshPostgresDatabase, freshSqliteDir } from './helpers/test-database.ts';
import { storedDelivery } from './helpers/store-rows.ts';

for (const kind of STORE_KINDS) {
  describe(`crash recovery on ${kind}`, () => {
    it('every delivery answered 202 before a SIGKILL is stored once and processed after restart', async () => {
      const dataDir = await freshSqliteDir();
      const env: NodeJS.ProcessEnv = { LANES_DATA_DIR: dataDir };
      if (kind === 'postgres') env.DATABASE_URL = await freshPostgresDatabase();
      else env.DATABASE_URL = '';

      const first = await spawnLanes(env);
      const acked: string[] = [];
      const N = 400;
      let killed = false;
      const sends = Array.from({ length: N }, async (_, i) => {
        const t = new Date(Date.parse('2026-03-01T00:00:00Z') + i * 1000).toISOString();
        const payload = workflowRunPayload({
          runId: 500_000 + i,
          workflowFile: 'deploy-staging.yml',
          workflowName: 'deploy-staging',
          status: 'completed',
          conclusion: 'success',
          startedAt: t,
          updatedAt: t,
        });
        try {
          const r = await sendDelivery(first.url, 'workflow_run', payload, { guid: `crash-${kind}-${i}` });
          if (r.status === 202) {
            acked.push(r.guid);
            // Kill the server the moment a good share of deliveries has been acknowledged.
            if (acked.length === 150 && !killed) {
              killed = true;
              first.child.kill('SIGKILL');
            }
          }
        } catch {
          // connection reset by the kill: not acknowledged, so GitHub would redeliver
        }
      });
      await Promise.all(sends);
      if (!killed) first.child.kill('SIGKILL');
      if (first.child.exitCode === null && first.child.signalCode === null) await once(first.child, 'exit');
      assert.ok(acked.length >= 150, `acknowledged ${acked.length}`);

      const second = await spawnLanes(env);
      try {
        const store = await openStore({ databaseUrl: env.DATABASE_URL, dataDir });
        try {
          await waitFor(
            async () => (await store.inboxStats()).pending === 0,
            'inbox drained after restart',
            30_000,
          );
          for (const guid of acked) {
            const d = await storedDelivery(store, guid);
            assert.ok(d, `acknowledged ${guid} is stored`);
            assert.equal(d.status, 'processed', `${guid} processed`);
          }
          const stats = await store.inboxStats();
          assert.ok(stats.received >= acked.length);
          // Exactly once: one run per acknowledged delivery, each applied once (its audit trail has one entry).
          const runs = await store.listRuns({ workflowId: 'WF-04', limit: 10_000 });
          const ackedRunIds = new Set(acked.map((g) => 500_000 + Number(g.split('-').pop())));
          for (const id of ackedRunIds)
            assert.ok(
              runs.some((r) => r.runId === id),
              `run ${id} applied`,
            );
          for (const id of [...ackedRunIds].slice(0, 20)) {
            const audit = await store.listAudit({ objectType: 'run', objectId: String(id), limit: 10 });
            assert.equal(audit.length, 1, `run ${id} applied exactly once`);
          }
        } finally {
          await store.close();
        }
      } finally {
        second.child.kill('SIGTERM');
        await once(second.child, 'exit');
      }
    });
  });
}

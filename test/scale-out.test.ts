// Several replicas over one PostgreSQL: an ingest replica (LANES_WORKERS=none) acknowledges deliveries, a
// worker replica processes them, and the change reaches the ingest replica's SSE clients (LISTEN/NOTIFY).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { startLanes } from '../src/server.ts';
import { sendDelivery, testConfig, waitFor, workflowRunPayload } from './helpers/lanes-harness.ts';
import { storedDelivery } from './helpers/store-rows.ts';

describe('replicas over one PostgreSQL', () => {
  it('an ingest replica acknowledges, a worker replica processes, every replica streams the change', async () => {
    const base = await testConfig('postgres', { openReads: true });
    const ingest = await startLanes({ ...base, workers: 'none' }, { log: pino({ level: 'silent' }) });
    const worker = await startLanes({ ...base, port: 0 }, { log: pino({ level: 'silent' }) });
    const controller = new AbortController();
    try {
      const events: string[] = [];
      const res = await fetch(`${ingest.url}/api/v1/events`, { signal: controller.signal });
      const reader = res.body?.getReader();
      void (async () => {
        const dec = new TextDecoder();
        for (;;) {
          const chunk = await reader?.read().catch(() => undefined);
          if (!chunk || chunk.done) return;
          events.push(dec.decode(chunk.value));
        }
      })();
      const payload = workflowRunPayload({
        runId: 4242,
        workflowFile: 'deploy-staging.yml',
        workflowName: 'deploy-staging',
        status: 'completed',
        conclusion: 'failure',
        startedAt: '2026-03-12T10:00:00Z',
        updatedAt: '2026-03-12T10:05:00Z',
      });
      const sent = await sendDelivery(ingest.url, 'workflow_run', payload);
      assert.equal(sent.status, 202);
      // Processed by the worker replica (the ingest replica runs no inbox worker)...
      await waitFor(
        async () => (await storedDelivery(worker.store, sent.guid))?.status === 'processed' || undefined,
        'processed by the worker replica',
      );
      assert.equal(ingest.worker.processed, 0);
      assert.ok(worker.worker.processed >= 1);
      // ...and the ingest replica's clients hear of it and read the new state.
      await waitFor(
        async () =>
          events.join('').includes('"runId":4242') || events.join('').includes('"id":"4242"') || undefined,
        'SSE on the other replica',
      );
      const wf = (await (await fetch(`${ingest.url}/api/v1/workflows/WF-04`)).json()) as { status: string };
      assert.equal(wf.status, 'failed');
    } finally {
      controller.abort();
      await ingest.close();
      await worker.close();
    }
  });
});

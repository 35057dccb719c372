// What time-driven enforcement and the inbox show (issue 15), through the real HTTP API on both stores:
// a workflow_run whose head_sha is not a hex sha is answered 202, then listed by GET
// /api/v1/deliveries?status=ignored with its reason and counted in lanes_deliveries_ignored_total{reason};
// GET /api/v1/freezes gives the active freeze with its end and the next one, on the server's clock.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { issueToken } from '../src/http/auth.ts';
import type { LanesProcess } from '../src/server.ts';
import type { DeliveryList, FreezeList } from '../src/contract/views.ts';
import { renderDeliveries, renderFreezes } from '../src/cli/commands/time-commands.ts';
import {
  STORE_KINDS,
  sendDelivery,
  startTestLanes,
  waitFor,
  workflowRunPayload,
} from './helpers/lanes-harness.ts';

const IN_FREEZE = '2026-04-03T18:00:00.000Z'; // friday-evening: Fri 17:00 + 63h

for (const kind of STORE_KINDS) {
  describe(`ignored deliveries and freezes are visible (${kind})`, () => {
    let lanes: LanesProcess;
    let token = '';
    const get = async <T>(path: string): Promise<T> => {
      const res = await fetch(`${lanes.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 200, path);
      return (await res.json()) as T;
    };
    before(async () => {
      lanes = await startTestLanes(kind, {}, { clock: () => new Date(IN_FREEZE) });
      token = (await issueToken(lanes.store, { personId: 'hana', name: 't', scope: 'read', now: new Date() }))
        .token;
    });
    after(async () => {
      await lanes.close();
    });

    it('a workflow_run with a malformed head_sha is listed as ignored with its reason and counted', async () => {
      const good = workflowRunPayload({
        runId: 4242,
        workflowFile: 'ci-pr-fast.yml',
        workflowName: 'ci-pr-fast',
        status: 'completed',
        conclusion: 'success',
        startedAt: '2026-04-03T17:00:00Z',
        updatedAt: '2026-04-03T17:01:00Z',
      });
      const bad = structuredClone(good);
      (bad.workflow_run as Record<string, unknown>).head_sha = 'not-a-sha';
      const sent = await sendDelivery(lanes.url, 'workflow_run', bad);
      assert.equal(sent.status, 202);
      assert.equal((await sendDelivery(lanes.url, 'workflow_run', good)).status, 202);
      const ignored = await waitFor(async () => {
        const b = await get<DeliveryList>('/api/v1/deliveries?status=ignored');
        return b.deliveries.length > 0 ? b.deliveries : undefined;
      }, 'ignored delivery listed');
      assert.equal(ignored.length, 1, 'only the malformed one');
      assert.equal(ignored[0]?.guid, sent.guid);
      assert.equal(ignored[0]?.ignoredReason, 'missing_fields');
      assert.match(ignored[0]?.error ?? '', /head_sha/);
      const processed = await waitFor(async () => {
        const b = await get<DeliveryList>('/api/v1/deliveries?status=processed');
        return b.deliveries.length > 0 ? b : undefined;
      }, 'the good delivery processed');
      assert.equal(processed.deliveries.length, 1);
      assert.equal(processed.deliveries[0]?.ignoredReason, null);
      assert.match(renderDeliveries(ignored, false), /missing_fields/);

      const metrics = await (await fetch(`${lanes.url}/metrics`)).text();
      assert.match(metrics, /^lanes_deliveries_ignored_total\{reason="missing_fields"\} 1$/m);
    });

    it('GET /api/v1/freezes: the active friday-evening freeze until Monday 08:00 and the next one', async () => {
      const body = await get<FreezeList>('/api/v1/freezes');
      assert.equal(body.now, IN_FREEZE);
      const f = body.freezes.find((x) => x.windowId === 'friday-evening');
      assert.deepEqual(f?.active, { start: '2026-04-03T17:00:00.000Z', end: '2026-04-06T08:00:00.000Z' });
      assert.deepEqual(f?.next, { start: '2026-04-10T17:00:00.000Z', end: '2026-04-13T08:00:00.000Z' });
      assert.deepEqual(f?.lanes, ['PL-08', 'PL-09']);
      assert.match(renderFreezes(body.freezes, false), /frozen until 2026-04-06 08:00/);
    });
  });
}

// POST /webhooks/github end to end on both stores: signatures, duplicates, bad input, ordering, status.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readDeliveries, replayDeliveries } from '../src/cli/replay.ts';
import { DEMO_HISTORY } from '../src/cli/server-commands.ts';
import type { Overview } from '../src/contract/views.ts';
import {
  SECRET,
  STORE_KINDS,
  example,
  sendDelivery,
  startTestLanes,
  workflowRunPayload,
  type StoreKind,
} from './helpers/lanes-harness.ts';
import { SCREEN_LANES, SCREEN_WORKFLOWS, screenTime } from './helpers/reference-screen.ts';
import type { LanesProcess } from '../src/server.ts';
import { storedDelivery } from './helpers/store-rows.ts';

async function stateOf(lanes: LanesProcess) {
  const runs = await lanes.store.listRuns({ limit: 100_000 });
  return runs
    .map((r) => `${r.runId}:${r.runAttempt}:${r.status}:${r.conclusion}:${r.updatedAt}`)
    .sort()
    .join('\n');
}

for (const kind of STORE_KINDS) {
  describe(`webhook ingest on ${kind}`, () => {
    let lanes: LanesProcess;
    before(async () => {
      lanes = await startTestLanes(kind);
    });
    after(async () => {
      await lanes.close();
    });

    it('accepts GitHub’s documented signature vector and rejects wrong, missing and sha1-only signatures', async () => {
      // docs.github.com "Validating webhook deliveries": secret "It's a Secret to Everybody", payload "Hello, World!"
      const expected = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
      assert.equal(
        `sha256=${createHmac('sha256', "It's a Secret to Everybody").update('Hello, World!').digest('hex')}`,
        expected,
      );

      const payload = example('workflow_run', 0);
      const ok = await sendDelivery(lanes.url, 'workflow_run', payload);
      assert.equal(ok.status, 202);
      assert.ok(await storedDelivery(lanes.store, ok.guid), 'a 202 delivery is stored');

      const body = JSON.stringify(payload);
      const sha1 = `sha1=${createHmac('sha1', SECRET).update(body).digest('hex')}`;
      for (const signature of [
        signatureWith('wrong-secret', body),
        null,
        sha1,
        'sha256=',
        'sha256=zz',
        signatureWith(SECRET, `${body} `),
      ]) {
        const r = await sendDelivery(lanes.url, 'workflow_run', body, { signature });
        assert.equal(r.status, 401, `signature ${String(signature)} must be refused`);
        assert.equal((r.body as { error: { code: string } }).error.code, 'invalid_signature');
        assert.equal(
          await storedDelivery(lanes.store, r.guid),
          undefined,
          'nothing stored for a refused delivery',
        );
      }
    });

    it('answers a repeated X-GitHub-Delivery with 200 and changes nothing', async () => {
      const payload = workflowRunPayload({
        runId: 7001,
        workflowFile: 'ci-pr-fast.yml',
        workflowName: 'ci-pr-fast',
        status: 'completed',
        conclusion: 'success',
        startedAt: '2026-03-01T10:00:00Z',
        updatedAt: '2026-03-01T10:05:00Z',
      });
      const first = await sendDelivery(lanes.url, 'workflow_run', payload);
      assert.equal(first.status, 202);
      const before = await lanes.store.inboxStats();
      const again = await sendDelivery(lanes.url, 'workflow_run', payload, { guid: first.guid });
      assert.equal(again.status, 200);
      assert.equal((again.body as { status: string }).status, 'duplicate');
      // Even a different body under the same GUID changes nothing.
      const other = await sendDelivery(
        lanes.url,
        'workflow_run',
        { ...payload, action: 'requested' },
        { guid: first.guid },
      );
      assert.equal(other.status, 200);
      const after = await lanes.store.inboxStats();
      assert.equal(after.received, before.received);
      const stored = await storedDelivery(lanes.store, first.guid);
      assert.equal(stored?.body, JSON.stringify(payload));
    });

    it('stores unknown events and ignores them', async () => {
      const r = await sendDelivery(lanes.url, 'star', example('star', 0));
      assert.equal(r.status, 202);
      await lanes.worker.drain();
      const d = await storedDelivery(lanes.store, r.guid);
      assert.equal(d?.status, 'ignored');
    });

    it('rejects malformed, truncated and pathologically nested JSON without storing it', async () => {
      const runsBefore = await stateOf(lanes);
      const full = JSON.stringify(
        workflowRunPayload({
          runId: 7002,
          workflowFile: 'ci-pr-fast.yml',
          workflowName: 'ci-pr-fast',
          status: 'completed',
          conclusion: 'success',
          startedAt: '2026-03-01T10:00:00Z',
          updatedAt: '2026-03-01T10:05:00Z',
        }),
      );
      for (const body of [
        full.slice(0, full.length / 2),
        '{"action":',
        'not json',
        '[1,2,3]',
        '"str"',
        'null',
        '['.repeat(200_000),
        `${'{"a":'.repeat(50_000)}1`,
      ]) {
        const r = await sendDelivery(lanes.url, 'workflow_run', body);
        assert.equal(r.status, 400, `body ${body.slice(0, 20)} must be refused`);
        assert.equal((r.body as { error: { code: string } }).error.code, 'invalid_json');
        assert.equal(await storedDelivery(lanes.store, r.guid), undefined);
      }
      // Deep nesting that is still valid JSON is stored, then ignored: no crash, no state change.
      const deep = await sendDelivery(
        lanes.url,
        'workflow_run',
        `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`,
      );
      assert.equal(deep.status, 202);
      await lanes.worker.drain();
      assert.equal((await storedDelivery(lanes.store, deep.guid))?.status, 'ignored');
      assert.equal(await stateOf(lanes), runsBefore);
      const health = await fetch(`${lanes.url}/healthz`);
      assert.equal(health.status, 200);
    });

    it('stores and ignores payloads missing repository or workflow_run, with no state change', async () => {
      const runsBefore = await stateOf(lanes);
      const noRepo = workflowRunPayload({
        runId: 7003,
        workflowFile: 'ci-pr-fast.yml',
        workflowName: 'ci-pr-fast',
        status: 'completed',
        conclusion: 'success',
        startedAt: '2026-03-01T10:00:00Z',
        updatedAt: '2026-03-01T10:05:00Z',
      });
      delete noRepo.repository;
      const noRun = example('workflow_run', 0);
      delete noRun.workflow_run;
      const wrongTypes = example('workflow_run', 0);
      (wrongTypes.workflow_run as Record<string, unknown>).id = 'not-a-number';
      const guids: string[] = [];
      for (const p of [noRepo, noRun, wrongTypes, { action: 'completed' }]) {
        const r = await sendDelivery(lanes.url, 'workflow_run', p);
        assert.equal(r.status, 202);
        guids.push(r.guid);
      }
      await lanes.worker.drain();
      for (const g of guids) assert.equal((await storedDelivery(lanes.store, g))?.status, 'ignored');
      assert.equal(await stateOf(lanes), runsBefore);
    });

    it('answers 413 for bodies over 25 MB, declared or streamed, without storing them', async () => {
      const big = 'x'.repeat(26 * 1024 * 1024);
      const declared = await sendDelivery(lanes.url, 'workflow_run', `{"a":"${big}"}`);
      assert.equal(declared.status, 413);
      // Chunked upload without a content-length: the server stops reading at the limit.
      const chunk = new TextEncoder().encode('x'.repeat(1024 * 1024));
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ >= 30) controller.close();
          else controller.enqueue(chunk);
        },
      });
      const res = await fetch(`${lanes.url}/webhooks/github`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'workflow_run',
          'x-github-delivery': 'chunked-big-1',
          'x-hub-signature-256': 'sha256=' + '0'.repeat(64),
        },
        body: stream,
        duplex: 'half',
      } as RequestInit);
      assert.equal(res.status, 413);
      assert.equal(await storedDelivery(lanes.store, 'chunked-big-1'), undefined);
    });
  });
}

describe('ordering: the newest state wins by GitHub’s timestamps and attempts, never by arrival', () => {
  const N_RUNS = 200;
  const deliveries = (() => {
    const out: { event: string; guid: string; payload: unknown }[] = [];
    for (let i = 0; i < N_RUNS; i++) {
      const runId = 900_000 + i;
      const t0 = Date.parse('2026-03-01T00:00:00Z') + i * 60_000;
      const at = (s: number) => new Date(t0 + s * 1000).toISOString();
      const common = { runId, workflowFile: 'ci-pr-fast.yml', workflowName: 'ci-pr-fast', startedAt: at(0) };
      const steps = [
        workflowRunPayload({ ...common, status: 'queued', conclusion: null, updatedAt: at(0) }),
        workflowRunPayload({ ...common, status: 'in_progress', conclusion: null, updatedAt: at(5) }),
        workflowRunPayload({
          ...common,
          status: 'completed',
          conclusion: i % 3 === 0 ? 'failure' : 'success',
          updatedAt: at(60),
        }),
        // A re-run (attempt 2) for some runs: it wins over attempt 1 whatever the order.
        workflowRunPayload({
          ...common,
          attempt: 2,
          status: i % 2 === 0 ? 'completed' : 'in_progress',
          conclusion: i % 2 === 0 ? 'success' : null,
          updatedAt: at(120),
          startedAt: at(100),
        }),
        // A stale in_progress for attempt 1 arriving after completion must not reopen it.
        workflowRunPayload({ ...common, status: 'in_progress', conclusion: null, updatedAt: at(6) }),
      ];
      steps.forEach((payload, j) => out.push({ event: 'workflow_run', guid: `order-${i}-${j}`, payload }));
    }
    return out;
  })();

  for (const kind of STORE_KINDS) {
    it(`1,000 deliveries shuffled give the same final state as in order (${kind})`, async () => {
      assert.equal(deliveries.length, 1000);
      const inOrder = await startTestLanes(kind);
      const shuffled = await startTestLanes(kind);
      try {
        const r1 = await replayDeliveries(inOrder.url, SECRET, deliveries, { concurrency: 4 });
        const mixed = seededShuffle(deliveries, 42);
        const r2 = await replayDeliveries(shuffled.url, SECRET, mixed, { concurrency: 4 });
        assert.equal(r1.accepted, 1000);
        assert.equal(r2.accepted, 1000);
        await inOrder.worker.drain();
        await shuffled.worker.drain();
        const a = await stateOf(inOrder);
        const b = await stateOf(shuffled);
        assert.equal(a.split('\n').length, N_RUNS);
        assert.equal(a, b);
        const run0 = await shuffled.store.getRun(900_000);
        assert.equal(run0?.runAttempt, 2);
        assert.equal(run0?.status, 'completed');
        const run1 = await shuffled.store.getRun(900_001);
        assert.equal(run1?.runAttempt, 2);
        assert.equal(run1?.status, 'in_progress');
      } finally {
        await inOrder.close();
        await shuffled.close();
      }
    });
  }
});

for (const kind of STORE_KINDS) {
  describe(`the demo history reproduces the reference screen (${kind})`, () => {
    let lanes: LanesProcess;
    let overview: Overview;
    before(async () => {
      lanes = await startTestLanes(kind, { openReads: true });
      const res = await replayDeliveries(lanes.url, SECRET, readDeliveries(DEMO_HISTORY), { concurrency: 4 });
      assert.equal(res.failed.length, 0, JSON.stringify(res.failed.slice(0, 3)));
      await lanes.worker.drain();
      overview = (await (await fetch(`${lanes.url}/api/v1/overview`)).json()) as Overview;
    });
    after(async () => {
      await lanes.close();
    });

    it('every lane row: name, trigger, environment, gate, status and last run as printed', () => {
      assert.equal(overview.lanes.length, 12);
      for (const lane of overview.lanes) {
        const want = SCREEN_LANES[lane.id];
        assert.ok(want, lane.id);
        assert.deepEqual(
          {
            name: lane.name,
            trigger: lane.trigger,
            environment: lane.environment,
            gate: lane.checks.join(', '),
            status: lane.status,
            lastRun: screenTime(lane.lastRunAt),
          },
          want,
          lane.id,
        );
      }
    });

    it('every workflow card: status, runner, environment, evidence pack as printed', () => {
      assert.equal(overview.workflows.length, 11);
      for (const wf of overview.workflows) {
        const want = SCREEN_WORKFLOWS[wf.id];
        assert.ok(want, wf.id);
        assert.deepEqual(
          {
            name: wf.name,
            status: wf.status,
            runner: wf.runner,
            environment: wf.environment,
            evidence: wf.evidence,
          },
          want,
          wf.id,
        );
      }
    });

    it('summary cards are derived from the catalog', () => {
      assert.deepEqual(overview.summary, { automated: 9, manual: 5, prod: 5, rollback: 2 });
      assert.equal(overview.zone.title, 'OPS — Control Plane');
      assert.deepEqual(overview.promotion.flow, [
        'PL-03',
        'PL-04',
        'PL-05',
        'PL-06',
        'PL-07',
        'PL-08',
        'PL-09',
        'PL-10',
      ]);
    });

    it('replaying the same history again changes nothing', async () => {
      const before = JSON.stringify(await (await fetch(`${lanes.url}/api/v1/lanes`)).json());
      const res = await replayDeliveries(lanes.url, SECRET, readDeliveries(DEMO_HISTORY), { concurrency: 4 });
      assert.equal(res.accepted, 0);
      await lanes.worker.drain();
      const after = JSON.stringify(await (await fetch(`${lanes.url}/api/v1/lanes`)).json());
      assert.equal(after, before);
    });
  });
}

function signatureWith(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function seededShuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  const rand = () => {
    s = (s * 1664525 + 1013904223) % 4294967296;
    return s / 4294967296;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export type { StoreKind };

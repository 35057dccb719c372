// 1,000 runs' deliveries (requested → in_progress → completed, some re-run as attempt 2) sent in order to
// one server and shuffled to another: the final state of every run is the same (GitHub's own timestamps
// and attempts order the facts, not arrival). Long form: 5,000 runs, both stores.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  sendDelivery,
  startTestLanes,
  waitFor,
  workflowRunPayload,
  type StoreKind,
} from '../helpers/lanes-harness.ts';
import { LONG, inPool, runStates } from './reliability-helpers.ts';

const RUNS = LONG ? 5000 : 1000;
const KINDS: StoreKind[] = LONG ? ['sqlite', 'postgres'] : ['sqlite'];
const WORKFLOWS = [
  { file: 'ci-pr-fast.yml', name: 'ci-pr-fast', event: 'pull_request' },
  { file: 'deploy-staging.yml', name: 'deploy-staging', event: 'push' },
  { file: 'release-prod-ops.yml', name: 'release-prod-ops', event: 'push' },
];

interface Delivery {
  guid: string;
  payload: Record<string, unknown>;
}

function deliveriesFor(i: number): Delivery[] {
  const wf = WORKFLOWS[i % WORKFLOWS.length] ?? WORKFLOWS[0];
  if (!wf) throw new Error('no workflow');
  const runId = 800_000 + i;
  const t0 = Date.parse('2026-03-05T00:00:00Z') + i * 60_000;
  const at = (s: number) => new Date(t0 + s * 1000).toISOString();
  const started = at(0);
  const steps: { status: string; conclusion: string | null; updated: number; attempt: number }[] = [
    { status: 'requested', conclusion: null, updated: 0, attempt: 1 },
    { status: 'in_progress', conclusion: null, updated: 5, attempt: 1 },
    { status: 'completed', conclusion: i % 7 === 0 ? 'failure' : 'success', updated: 120, attempt: 1 },
  ];
  // Every 7th run failed and was re-run: attempt 2 goes through its own lifecycle later.
  if (i % 7 === 0) {
    steps.push({ status: 'requested', conclusion: null, updated: 300, attempt: 2 });
    steps.push({ status: 'in_progress', conclusion: null, updated: 305, attempt: 2 });
    steps.push({
      status: 'completed',
      conclusion: i % 14 === 0 ? 'success' : 'failure',
      updated: 420,
      attempt: 2,
    });
  }
  return steps.map((s, k) => ({
    guid: `shuffle-${i}-${k}`,
    payload: workflowRunPayload({
      runId,
      workflowFile: wf.file,
      workflowName: wf.name,
      event: wf.event,
      status: s.status,
      conclusion: s.conclusion,
      startedAt: started,
      updatedAt: at(s.updated),
      attempt: s.attempt,
      branch: wf.event === 'pull_request' ? `feature/f-${i}` : 'main',
    }),
  }));
}

/** Deterministic Fisher–Yates shuffle (seeded), so a failure can be reproduced. */
function shuffle<T>(xs: T[], seed: number): T[] {
  const out = [...xs];
  let s = seed >>> 0;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

for (const kind of KINDS) {
  describe(`arrival order on ${kind}`, () => {
    it(`${RUNS} runs: shuffled deliveries reach the same final state as in-order ones`, async () => {
      const all = Array.from({ length: RUNS }, (_, i) => deliveriesFor(i));
      const inOrder = all.flat();
      const shuffled = shuffle(inOrder, 20260305);
      const a = await startTestLanes(kind);
      const b = await startTestLanes(kind);
      try {
        // In order: one run's deliveries strictly one after another (runs interleave across workers).
        await Promise.all([
          inPool(all, 16, async (ds) => {
            for (const d of ds)
              assert.equal(
                (await sendDelivery(a.url, 'workflow_run', d.payload, { guid: d.guid })).status,
                202,
              );
          }),
          inPool(shuffled, 16, async (d) => {
            assert.equal(
              (await sendDelivery(b.url, 'workflow_run', d.payload, { guid: d.guid })).status,
              202,
            );
          }),
        ]);
        for (const l of [a, b])
          await waitFor(async () => (await l.store.inboxStats()).pending === 0, 'inbox drained', 120_000);
        const sa = await runStates(a.store);
        const sb = await runStates(b.store);
        assert.equal(sa.size, RUNS);
        assert.deepEqual(sb, sa, 'same final state regardless of arrival order');
        // And the final state is the last fact of each run, not just "the same".
        for (let i = 0; i < RUNS; i += 97) {
          const r = sa.get(800_000 + i);
          const expected =
            i % 7 === 0
              ? { attempt: 2, conclusion: i % 14 === 0 ? 'success' : 'failure' }
              : { attempt: 1, conclusion: 'success' };
          assert.equal(r?.status, 'completed', `run ${i} completed`);
          assert.equal(r.runAttempt, expected.attempt, `run ${i} attempt`);
          assert.equal(r.conclusion, expected.conclusion, `run ${i} conclusion`);
        }
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
}

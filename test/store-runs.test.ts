// The Store's behavioural suite: runs and jobs.
// Runs on SQLite and on PostgreSQL alike; the shared set-up is in helpers/store-contract.ts.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { JobRecord, RunRecord } from '../src/core/run-model.ts';
import type { Store, Upsert } from '../src/store/store.ts';
import {
  at,
  canon,
  canonRun,
  DEPLOYMENT_EXAMPLE,
  JOB_EXAMPLES,
  jobFromPayload,
  obj,
  RUN_EXAMPLE,
  runFromPayload,
  storeContract,
  str,
} from './helpers/store-contract.ts';

storeContract('runs', ({ withStore }) => {
  void it('applies run updates by attempt and GitHub time, never by arrival order', async () => {
    await withStore(async (s) => {
      const base = runFromPayload(RUN_EXAMPLE, { runId: 30_433_642_812 }); // GitHub ids exceed 32 bits
      const inProgress = { ...base, status: 'in_progress' as const, conclusion: null, updatedAt: at(2) };
      assert.equal(await s.transaction((tx) => tx.upsertRun(inProgress)), 'applied');
      assert.deepEqual(await s.getRun(base.runId), canonRun(inProgress));
      // Older state arriving later: stale.
      assert.equal(
        await s.transaction((tx) =>
          tx.upsertRun({ ...base, status: 'queued', conclusion: null, updatedAt: at(1) }),
        ),
        'stale',
      );
      // Same state again (redelivery): stale.
      assert.equal(await s.transaction((tx) => tx.upsertRun(inProgress)), 'stale');
      const completed = {
        ...base,
        status: 'completed' as const,
        conclusion: 'failure' as const,
        updatedAt: at(5),
      };
      assert.equal(await s.transaction((tx) => tx.upsertRun(completed)), 'applied');
      // A completed attempt never goes back to in progress, even with a later timestamp.
      assert.equal(await s.transaction((tx) => tx.upsertRun({ ...inProgress, updatedAt: at(9) })), 'stale');
      assert.equal((await s.getRun(base.runId))?.status, 'completed');
      // A higher attempt wins even with an older timestamp; the old attempt cannot come back.
      const rerun = {
        ...base,
        runAttempt: 2,
        status: 'queued' as const,
        conclusion: null,
        updatedAt: at(4),
      };
      assert.equal(await s.transaction((tx) => tx.upsertRun(rerun)), 'applied');
      assert.equal(await s.transaction((tx) => tx.upsertRun({ ...completed, updatedAt: at(30) })), 'stale');
      const stored = await s.getRun(base.runId);
      assert.deepEqual(stored, canonRun(rerun));
      assert.equal(typeof stored?.runId, 'number');
      assert.equal(await s.getRun(1), undefined);
    });
  });

  void it('keeps facts learnt elsewhere (environment, workflow id) across run updates', async () => {
    await withStore(async (s) => {
      const base = runFromPayload(RUN_EXAMPLE, {
        status: 'in_progress',
        conclusion: null,
        updatedAt: at(1),
      });
      await s.transaction((tx) => tx.upsertRun({ ...base, workflowId: 'WF-03' }));
      await s.transaction((tx) => tx.setRunEnvironment(base.runId, 'staging'));
      assert.equal(
        await s.transaction((tx) =>
          tx.upsertRun({ ...base, status: 'completed', conclusion: 'success', updatedAt: at(2) }),
        ),
        'applied',
      );
      const r = await s.getRun(base.runId);
      assert.equal(r?.environment, 'staging');
      assert.equal(r?.workflowId, 'WF-03');
      assert.equal(r?.conclusion, 'success');
    });
  });

  void it('lists runs newest first with filters and paging', async () => {
    await withStore(async (s) => {
      const base = runFromPayload(RUN_EXAMPLE);
      const runs: RunRecord[] = [];
      for (let i = 0; i < 12; i++) {
        runs.push({
          ...base,
          runId: 1000 + i,
          runNumber: i + 1,
          workflowId: i % 3 === 0 ? 'WF-01' : i % 3 === 1 ? 'WF-02' : null,
          event: i % 2 === 0 ? 'push' : 'pull_request',
          headSha: i < 6 ? 'a'.repeat(40) : 'b'.repeat(40),
          environment: i % 4 === 0 ? 'production' : null,
          runStartedAt: at(i),
          updatedAt: at(i + 1),
        });
      }
      // Insert out of order.
      for (const r of [...runs].reverse())
        assert.equal(await s.transaction((tx) => tx.upsertRun(r)), 'applied');
      const ids = (rs: RunRecord[]): number[] => rs.map((r) => r.runId);
      assert.deepEqual(ids(await s.listRuns({ limit: 3 })), [1011, 1010, 1009]);
      assert.deepEqual(ids(await s.listRuns({ workflowId: 'WF-01' })), [1009, 1006, 1003, 1000]);
      assert.deepEqual(
        ids(await s.listRuns({ workflowIds: ['WF-01', 'WF-02'], limit: 4 })),
        [1010, 1009, 1007, 1006],
      );
      assert.deepEqual(await s.listRuns({ workflowIds: [] }), []);
      assert.deepEqual(ids(await s.listRuns({ environment: 'production' })), [1008, 1004, 1000]);
      assert.deepEqual(ids(await s.listRuns({ headSha: 'b'.repeat(40), event: 'push' })), [1010, 1008, 1006]);
      assert.deepEqual(ids(await s.listRuns({ before: at(3), limit: 10 })), [1002, 1001, 1000]);
      // Paging by `before` with the last start time of the previous page.
      const page1 = await s.listRuns({ workflowId: 'WF-01', limit: 2 });
      const page2 = await s.listRuns({
        workflowId: 'WF-01',
        limit: 2,
        before: page1[1]?.runStartedAt ?? '',
      });
      assert.deepEqual(ids(page2), [1003, 1000]);
    });
  });

  void it('orders jobs by attempt and time, and lists them by run', async () => {
    await withStore(async (s) => {
      const inProgress = JOB_EXAMPLES.find((e) => Number(obj(e.workflow_job).id) === 14541957942);
      assert.ok(inProgress, 'example job 14541957942');
      const j = jobFromPayload(inProgress);
      const repo = str(obj(inProgress.repository).full_name);
      assert.equal(await s.transaction((tx) => tx.upsertJob(j, repo)), 'applied');
      assert.equal(
        await s.transaction((tx) =>
          tx.upsertJob({ ...j, status: 'queued', updatedAt: '2023-06-26T03:31:00Z' }, repo),
        ),
        'stale',
      );
      const done: JobRecord = {
        ...j,
        status: 'completed',
        conclusion: 'success',
        completedAt: '2023-06-26T03:40:00Z',
        updatedAt: '2023-06-26T03:40:00Z',
      };
      assert.equal(await s.transaction((tx) => tx.upsertJob(done, repo)), 'applied');
      assert.equal(
        await s.transaction((tx) => tx.upsertJob({ ...j, updatedAt: '2023-06-26T04:00:00Z' }, repo)),
        'stale',
      );
      const other = jobFromPayload(JOB_EXAMPLES[1] ?? {});
      await s.transaction((tx) => tx.upsertJob(other, 'octo-org/example-workflow'));
      const jobs = await s.listJobs([j.runId]);
      assert.equal(jobs.length, 1);
      assert.deepEqual(jobs[0], {
        ...done,
        startedAt: canon(done.startedAt ?? ''),
        completedAt: canon(done.completedAt ?? ''),
        updatedAt: canon(done.updatedAt),
      });
      assert.deepEqual(jobs[0]?.labels, j.labels);
      assert.equal((await s.listJobs([j.runId, other.runId])).length, 2);
      assert.deepEqual(await s.listJobs([]), []);
    });
  });

  void it('writes a chunk of runs in one upsert with the outcomes of applying them one by one', async () => {
    await withStore(async (s) => {
      const base = runFromPayload(RUN_EXAMPLE, { status: 'in_progress', conclusion: null, updatedAt: at(2) });
      // A chunk with duplicates, out-of-order states, a re-run and a redelivery, over ids `o + 1..4`.
      const chunk = (o: number): RunRecord[] => {
        const r = (id: number, over: Partial<RunRecord>): RunRecord => ({ ...base, runId: o + id, ...over });
        return [
          r(1, { status: 'queued', updatedAt: at(1) }), // older than the stored state: stale
          r(2, { updatedAt: at(1) }), // new
          r(2, { status: 'completed', conclusion: 'success', updatedAt: at(3) }), // later and newer: wins
          r(2, { updatedAt: at(4) }), // a completed attempt never goes back to in progress
          r(1, { status: 'completed', conclusion: 'failure', updatedAt: at(5), workflowId: null }),
          r(3, { runAttempt: 2, status: 'queued', updatedAt: at(1) }),
          r(3, { status: 'completed', conclusion: 'success', updatedAt: at(9) }), // the old attempt: stale
          r(2, { status: 'completed', conclusion: 'success', updatedAt: at(3) }), // redelivered: stale
          r(4, { environment: null, updatedAt: at(1) }), // adopts a stored deployment's environment
        ];
      };
      const seed = async (o: number): Promise<void> => {
        await s.transaction(async (tx) => {
          await tx.upsertRun({ ...base, runId: o + 1, workflowId: 'WF-03' });
          await tx.setRunEnvironment(o + 1, 'staging');
          const d = obj(DEPLOYMENT_EXAMPLE.deployment);
          await tx.upsertDeployment({
            deploymentId: o + 77,
            repo: base.repo,
            environment: 'production',
            sha: str(d.sha),
            ref: str(d.ref),
            runId: o + 4,
            state: 'created',
            updatedAt: at(0),
          });
        });
      };
      const states = async (o: number): Promise<(RunRecord | undefined)[]> =>
        Promise.all(
          [1, 2, 3, 4].map(async (i) => {
            const r = await s.getRun(o + i);
            return r && { ...r, runId: r.runId - o };
          }),
        );
      await seed(0);
      await seed(100);
      const batched = await s.transaction((tx) => tx.upsertRuns(chunk(0)));
      const oneByOne: Upsert[] = [];
      await s.transaction(async (tx) => {
        for (const r of chunk(100)) oneByOne.push(await tx.upsertRun(r));
      });
      assert.deepEqual(batched, oneByOne);
      assert.deepEqual(batched, [
        'stale',
        'applied',
        'applied',
        'stale',
        'applied',
        'applied',
        'stale',
        'stale',
        'applied',
      ]);
      assert.deepEqual(await states(0), await states(100));
      const [r1, r2, r3, r4] = await states(0);
      assert.equal(r1?.status, 'completed');
      assert.equal(r1?.environment, 'staging'); // learnt elsewhere, kept
      assert.equal(r1?.workflowId, 'WF-03');
      assert.equal(r2?.updatedAt, canon(at(3)));
      assert.equal(r3?.runAttempt, 2);
      assert.equal(r4?.environment, 'production');
      // A chunk that repeats only stored states changes nothing.
      assert.deepEqual(await s.transaction((tx) => tx.upsertRuns(chunk(0).slice(7, 8))), ['stale']);
      assert.deepEqual(await s.transaction((tx) => tx.upsertRuns([])), []);
      assert.deepEqual(
        (await s.transaction((tx) => tx.getRuns([2, 1, 2, 999]))).map((r) => r.runId).sort(),
        [1, 2],
      );
    });
  });

  void it('writes a chunk of jobs in one upsert, a later newer state of the same job winning', async () => {
    await withStore(async (s: Store) => {
      const j = jobFromPayload(JOB_EXAMPLES[0] ?? {});
      const repo = 'octo-org/example-workflow';
      const item = (jobId: number, over: Partial<JobRecord>) => ({ job: { ...j, jobId, ...over }, repo });
      await s.transaction((tx) =>
        tx.upsertJob({ ...j, jobId: 11, status: 'in_progress', updatedAt: at(2) }, repo),
      );
      const out = await s.transaction((tx) =>
        tx.upsertJobs([
          item(11, { status: 'queued', updatedAt: at(1) }), // older: stale
          item(12, { status: 'queued', updatedAt: at(1) }),
          item(12, { status: 'completed', conclusion: 'success', updatedAt: at(3) }),
          item(12, { status: 'in_progress', updatedAt: at(4) }), // completed never goes back
          item(11, { status: 'completed', conclusion: 'failure', updatedAt: at(5) }),
        ]),
      );
      assert.deepEqual(out, ['stale', 'applied', 'applied', 'stale', 'applied']);
      const jobs = await s.listJobs([j.runId]);
      const by = new Map(jobs.map((x) => [x.jobId, x]));
      assert.equal(by.get(11)?.conclusion, 'failure');
      assert.equal(by.get(12)?.conclusion, 'success');
      assert.equal(by.get(12)?.updatedAt, canon(at(3)));
    });
  });
});

// The rules the engine's actions ask before writing (src/core/engine-rules-*.ts), table-driven on the
// example catalog and on variants of it made for one case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openingDispatches, reservedInputsUsed, triggerPlan } from '../src/core/engine-rules-actions.ts';
import type { Catalog } from '../src/core/catalog-model.ts';
import { checkCandidateCommit } from '../src/core/release-candidate.ts';
import {
  applyReleaseEvents,
  evaluationEvents,
  fromStoredState,
  toStoredState,
} from '../src/core/release-lifecycle.ts';
import type { ReleaseOutcome } from '../src/core/promotion.ts';
import type { RunRecord } from '../src/core/run-model.ts';
import { exampleCatalog, greenRun } from './helpers/reference-release.ts';

const c = exampleCatalog();
const TUESDAY = '2026-03-10T10:00:00.000Z';
const FRIDAY_EVENING = '2026-03-13T18:00:00.000Z';

function run(workflowId: string, sha: string): RunRecord {
  return {
    runId: 1,
    runAttempt: 1,
    repo: c.repository,
    workflowPath: '.github/workflows/x.yml',
    workflowName: workflowId,
    workflowId,
    runNumber: 1,
    event: 'workflow_dispatch',
    headBranch: 'main',
    headSha: sha,
    status: 'completed',
    conclusion: 'success',
    environment: null,
    htmlUrl: 'https://github.example/run/1',
    runStartedAt: TUESDAY,
    updatedAt: TUESDAY,
    actor: 'alice',
  };
}

void test("when a lane may be started by hand (who may is the policy's: core-policy.test.ts)", () => {
  // A variant with the Friday freeze on PL-01: the freeze applies to a free trigger too.
  const frozen: Catalog = {
    ...c,
    freeze_windows: c.freeze_windows.map((w) => ({ ...w, lanes: ['PL-01'] })),
  };
  const cases = [
    { catalog: c, now: TUESDAY, want: 'ok' },
    { catalog: c, now: FRIDAY_EVENING, want: 'ok' },
    { catalog: frozen, now: FRIDAY_EVENING, want: 'frozen' },
    { catalog: frozen, now: TUESDAY, want: 'ok' },
  ];
  for (const k of cases) {
    const lane = k.catalog.lanes.find((l) => l.id === 'PL-01');
    assert.ok(lane);
    const r = triggerPlan(k.catalog, lane, k.now);
    assert.equal(r.ok ? 'ok' : r.code, k.want, k.now);
  }
  const rollback = c.lanes.find((l) => l.id === 'PL-11');
  assert.ok(rollback);
  const ok = triggerPlan(c, rollback, TUESDAY);
  assert.ok(ok.ok);
  // One dispatch per workflow of the lane.
  assert.deepEqual(
    ok.workflows.map((w) => w.id),
    ['WF-10', 'WF-11'],
  );
});

void test('a trigger may not set the inputs Lanes sets itself', () => {
  assert.deepEqual(reservedInputsUsed({ lane: 'PL-08', release: 'x', note: 'y' }), ['release', 'lane']);
  assert.deepEqual(reservedInputsUsed({ note: 'y' }), []);
  // Every input Lanes sends on any of its dispatches (promotion, opening, rollback, the outbox key).
  const table: [string, boolean][] = [
    ['release', true],
    ['version', true],
    ['sha', true],
    ['lane', true],
    ['effect_id', true],
    ['target_release', true],
    ['target_version', true],
    ['target_sha', true],
    ['target_manifest', true],
    ['requested_by', true],
    ['reason', true],
    ['incident', true],
    ['owner', true],
    ['note', false],
    ['environment', false],
    ['debug', false],
  ];
  for (const [name, reserved] of table)
    assert.deepEqual(reservedInputsUsed({ [name]: 'x' }), reserved ? [name] : [], name);
  // What the opening of a candidate really sends is reserved, name by name (drift would show here).
  const opening = openingDispatches(c, { id: 'rel-v1.0.0', version: 'v1.0.0', sha: 'abc1234' }, []);
  for (const d of opening) {
    const sent = { ...d.inputs, effect_id: d.key };
    assert.deepEqual(reservedInputsUsed(sent).sort(), Object.keys(sent).sort());
  }
});

void test('a candidate needs green staging lanes of the flow', () => {
  const none = checkCandidateCommit(c, 'abc1234', () => 'idle');
  assert.equal(none.ok, false);
  assert.ok(!none.ok);
  assert.equal(none.code, 'gate_not_ready');
  assert.deepEqual(none.details, { lanes: ['PL-04', 'PL-05'] });
});

void test('opening a candidate dispatches the first manual flow lane once, unless GitHub already ran it', () => {
  const rel = { id: 'rel-v1.0.0', version: 'v1.0.0', sha: 'abc1234' };
  assert.deepEqual(openingDispatches(c, rel, []), [
    {
      key: 'dispatch:rel-v1.0.0:PL-06',
      laneId: 'PL-06',
      workflowFile: c.workflows.find((w) => w.id === 'WF-05')?.file,
      inputs: { version: 'v1.0.0', sha: 'abc1234', release: 'rel-v1.0.0' },
    },
  ]);
  assert.deepEqual(openingDispatches(c, rel, [run('WF-05', 'abc1234')]), []);
});

void test('release lifecycle: the outcome moves the state through the core state machine', () => {
  const prodRun = { 'PL-08': greenRun('2026-03-10T09:00:00.000Z', '2026-03-10T09:05:00.000Z', 'bruno') };
  const stagingRun = { 'PL-04': greenRun('2026-03-10T09:00:00.000Z', '2026-03-10T09:05:00.000Z', 'bruno') };
  const cases: { current: string; outcome: ReleaseOutcome; prod: boolean; want: string }[] = [
    { current: 'candidate', outcome: 'deployed', prod: true, want: 'deployed' },
    { current: 'promoting', outcome: 'failed', prod: true, want: 'failed' },
    { current: 'deployed', outcome: 'rolled_back', prod: true, want: 'rolled_back' },
    { current: 'rolling_back', outcome: 'rolled_back', prod: true, want: 'rolled_back' },
    { current: 'rolling_back', outcome: 'failed', prod: true, want: 'rolling_back' },
    { current: 'candidate', outcome: 'in_progress', prod: false, want: 'candidate' },
    { current: 'candidate', outcome: 'in_progress', prod: true, want: 'promoting' },
    { current: 'promoting', outcome: 'in_progress', prod: true, want: 'promoting' },
    // failed is recoverable: a re-run in progress moves it on, a green flow completes it
    { current: 'failed', outcome: 'in_progress', prod: true, want: 'promoting' },
    { current: 'failed', outcome: 'deployed', prod: true, want: 'deployed' },
    { current: 'deployed', outcome: 'failed', prod: true, want: 'failed' },
    // terminal states never move
    { current: 'rolled_back', outcome: 'deployed', prod: true, want: 'rolled_back' },
    { current: 'superseded', outcome: 'failed', prod: true, want: 'superseded' },
  ];
  for (const k of cases) {
    const from = fromStoredState(k.current);
    assert.ok(from, k.current);
    const events = evaluationEvents(c, from, k.outcome, { laneRuns: k.prod ? prodRun : stagingRun });
    const got = toStoredState(applyReleaseEvents(from, events));
    assert.equal(got, k.want, `${k.current} + ${k.outcome} (prod ran: ${k.prod})`);
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReleaseState } from '../src/core/release-model.ts';
import {
  decideProtection,
  evaluateRelease,
  laneReadiness,
  lanesForProtectionRequest,
  planPromote,
  planRollback,
  previousGoodRelease,
  releaseOutcome,
  type Effect,
} from '../src/core/promotion.ts';
import { evaluateGates, gatesBlocking } from '../src/core/gates.ts';
import { reservedInputsUsed } from '../src/core/engine-rules-actions.ts';
import {
  evidenceFor,
  exampleCatalog,
  failedRun,
  greenRun,
  newRelease,
  pendingRun,
} from './helpers/reference-release.ts';

const c = exampleCatalog();
const dispatched = (effects: Effect[]) =>
  effects.filter((e) => e.kind === 'github.dispatch').map((e) => e.key);
const gateStates = (r: ReleaseState, now: string) =>
  Object.fromEntries(evaluateGates(c, r, now).map((g) => [g.id, g.state]));

const PR = ['lint', 'typecheck', 'unit', 'schema drift', 'secret scan'];
const RC = ['change summary', 'freeze window', 'rollback target exists'];

void test('a release walks main → staging → Pre-Prod approvals → PL-08 → 15m hold → PL-09 → post-prod windows', () => {
  // Tuesday 2026-03-10: no freeze window.
  let r = newRelease({
    laneRuns: { 'PL-01': greenRun('2026-03-10T07:00:00.000Z', '2026-03-10T07:05:00.000Z', 'bruno') },
    skippedLanes: ['PL-02'],
    evidence: evidenceFor(PR),
  });
  const step = (patch: Partial<ReleaseState>) =>
    (r = { ...r, ...patch, laneRuns: { ...r.laneRuns, ...(patch.laneRuns ?? {}) } });
  const noDispatch = (now: string) => {
    const ev = evaluateRelease(c, r, now);
    assert.deepEqual(ev.nextLanes, [], `no dispatch at ${now}`);
    assert.deepEqual(dispatched(ev.effects), []);
    return ev;
  };

  // main build and staging.
  step({ laneRuns: { 'PL-03': greenRun('2026-03-10T08:00:00.000Z', '2026-03-10T08:08:00.000Z', 'bruno') } });
  noDispatch('2026-03-10T08:09:00.000Z');
  step({ laneRuns: { 'PL-04': greenRun('2026-03-10T08:09:00.000Z', '2026-03-10T08:15:00.000Z') } });
  step({ laneRuns: { 'PL-05': pendingRun('2026-03-10T08:16:00.000Z') } });
  assert.equal(gateStates(r, '2026-03-10T08:17:00.000Z')['RG-05'], 'pending');
  step({ laneRuns: { 'PL-05': greenRun('2026-03-10T08:16:00.000Z', '2026-03-10T08:25:00.000Z') } });
  step({ approvals: [{ gate: 'RG-05', by: 'giulia', at: '2026-03-10T08:30:00.000Z', comment: 'smoke ok' }] });
  // Release candidate (manual PL-06, by the release creator).
  step({
    laneRuns: { 'PL-06': greenRun('2026-03-10T08:40:00.000Z', '2026-03-10T08:45:00.000Z', 'hana') },
    evidence: { ...r.evidence, ...evidenceFor(RC) },
  });
  let states = gateStates(r, '2026-03-10T08:46:00.000Z');
  assert.deepEqual(
    ['RG-01', 'RG-02', 'RG-03', 'RG-04', 'RG-05', 'RG-06'].map((g) => states[g]),
    ['passed', 'passed', 'passed', 'passed', 'passed', 'passed'],
  );
  assert.deepEqual(
    ['RG-07', 'RG-08', 'RG-09', 'RG-10'].map((g) => states[g]),
    ['pending', 'pending', 'pending', 'pending'],
  );
  noDispatch('2026-03-10T08:46:00.000Z');

  // Pre-Prod approvals, one by one: PL-08 is dispatched exactly when the last gate that blocks it passes.
  const pl08Gates = gatesBlocking(c, 'PL-08').map((g) => g.id);
  const pl09Gates = gatesBlocking(c, 'PL-09').map((g) => g.id);
  assert.ok(pl08Gates.length > 0 && pl08Gates.every((g) => g.startsWith('RG-')));
  const approvals = [
    { gate: 'RG-07', by: 'ivan', at: '2026-03-10T09:00:00.000Z', comment: 'ok' },
    { gate: 'RG-08', by: 'chiara', at: '2026-03-10T09:01:00.000Z', comment: 'no migrations' },
    { gate: 'RG-09', by: 'jonas', at: '2026-03-10T09:02:00.000Z', comment: 'capacity ok' },
    { gate: 'RG-10', by: 'giulia', at: '2026-03-10T09:03:00.000Z', comment: 'go' },
  ];
  let dispatchedPl08 = false;
  for (const a of approvals) {
    step({ approvals: [...r.approvals, a] });
    const now = '2026-03-10T09:05:00.000Z';
    const approved = new Set(r.approvals.map((x) => x.gate));
    const due = !dispatchedPl08 && pl08Gates.every((g) => approved.has(g));
    if (!due) {
      const ev = noDispatch(now);
      if (!dispatchedPl08) assert.equal(ev.lanes.find((l) => l.laneId === 'PL-08')?.verdict, 'wait');
      continue;
    }
    const go = evaluateRelease(c, r, now);
    assert.deepEqual(go.nextLanes, ['PL-08']);
    const d = go.effects.find((e) => e.kind === 'github.dispatch');
    assert.ok(d && d.kind === 'github.dispatch');
    assert.equal(d.key, 'dispatch:rel-v1.5.0:PL-08');
    assert.equal(d.payload.workflowFile, '.github/workflows/release-prod-ops.yml');
    assert.equal(d.payload.ref, 'v1.5.0');
    assert.equal(d.payload.sha, r.sha);
    // Same state, same decision, same keys (idempotent when re-evaluated).
    assert.deepEqual(
      evaluateRelease(c, r, now).effects.map((e) => e.key),
      go.effects.map((e) => e.key),
    );
    // Commit statuses per gate.
    const statuses = go.effects.filter((e) => e.kind === 'github.commit_status');
    assert.equal(statuses.length, 13);
    assert.ok(statuses.some((e) => e.key === `status:${r.sha}:${a.gate}:passed`));
    // The engine records the dispatched run: PL-08 is running.
    dispatchedPl08 = true;
    step({ laneRuns: { 'PL-08': pendingRun('2026-03-10T09:06:00.000Z', 'lanes') } });
  }
  assert.ok(dispatchedPl08);

  // PL-08 running, then green: PL-09 waits for the 15m hold, with a timer at its end.
  noDispatch('2026-03-10T09:10:00.000Z');
  step({ laneRuns: { 'PL-08': greenRun('2026-03-10T09:08:00.000Z', '2026-03-10T09:20:00.000Z', 'lanes') } });
  const hold = noDispatch('2026-03-10T09:34:59.000Z');
  assert.deepEqual(
    hold.timers.map((t) => t.key),
    ['hold:rel-v1.5.0:PL-09:2026-03-10T09:35:00.000Z'],
  );
  assert.equal(hold.timers[0]?.fireAt, '2026-03-10T09:35:00.000Z');
  // Without the approvals of the gates that block PL-09, the hold alone does not start it.
  if (pl09Gates.length > 0) {
    const unapproved = { ...r, approvals: r.approvals.filter((a) => !pl09Gates.includes(a.gate)) };
    assert.deepEqual(evaluateRelease(c, unapproved, '2026-03-10T09:35:00.000Z').nextLanes, []);
  }
  const pl09 = evaluateRelease(c, r, '2026-03-10T09:35:00.000Z');
  assert.deepEqual(pl09.nextLanes, ['PL-09']);
  assert.deepEqual(dispatched(pl09.effects), ['dispatch:rel-v1.5.0:PL-09']);

  // PL-09 and PL-10 green; the post-prod windows run.
  step({
    laneRuns: {
      'PL-09': greenRun('2026-03-10T09:36:00.000Z', '2026-03-10T09:45:00.000Z', 'lanes'),
      'PL-10': greenRun('2026-03-10T09:21:00.000Z', '2026-03-10T09:50:00.000Z'),
    },
  });
  const post = evaluateRelease(c, r, '2026-03-10T09:55:00.000Z');
  assert.deepEqual(dispatched(post.effects), []);
  states = Object.fromEntries(post.gates.map((g) => [g.id, g.state]));
  assert.deepEqual([states['RG-11'], states['RG-12'], states['RG-13']], ['pending', 'pending', 'pending']);
  assert.deepEqual(post.timers.map((t) => t.key).sort(), [
    'window:rel-v1.5.0:RG-11:2026-03-10T10:00:00.000Z',
    'window:rel-v1.5.0:RG-12:2026-03-10T10:05:00.000Z',
    'window:rel-v1.5.0:RG-13:2026-03-11T09:50:00.000Z',
  ]);
  states = gateStates(r, '2026-03-10T10:05:00.000Z');
  assert.deepEqual([states['RG-11'], states['RG-12'], states['RG-13']], ['passed', 'passed', 'pending']);
  step({
    approvals: [
      ...r.approvals,
      { gate: 'RG-13', by: 'ivan', at: '2026-03-11T09:00:00.000Z', comment: 'quiet' },
    ],
  });
  assert.equal(gateStates(r, '2026-03-11T09:49:59.000Z')['RG-13'], 'pending');
  const done = evaluateRelease(c, r, '2026-03-11T09:50:00.000Z');
  assert.ok(
    done.gates.every((g) => g.state === 'passed'),
    JSON.stringify(done.gates.filter((g) => g.state !== 'passed')),
  );
  assert.equal(done.outcome, 'deployed');
  assert.deepEqual(done.alerts, []);
});

/** A release whose Pre-Prod gates all pass and PL-08 may run. */
function readyForProd(over: Partial<ReleaseState> = {}): ReleaseState {
  return newRelease({
    laneRuns: {
      'PL-03': greenRun('2026-03-10T08:00:00.000Z', '2026-03-10T08:08:00.000Z'),
      'PL-04': greenRun('2026-03-10T08:09:00.000Z', '2026-03-10T08:15:00.000Z'),
      'PL-05': greenRun('2026-03-10T08:16:00.000Z', '2026-03-10T08:25:00.000Z'),
      'PL-06': greenRun('2026-03-10T08:40:00.000Z', '2026-03-10T08:45:00.000Z', 'hana'),
    },
    evidence: evidenceFor([...PR, ...RC]),
    approvals: [
      { gate: 'RG-07', by: 'ivan', at: '2026-03-10T09:00:00.000Z', comment: null },
      { gate: 'RG-08', by: 'chiara', at: '2026-03-10T09:00:00.000Z', comment: null },
      { gate: 'RG-09', by: 'jonas', at: '2026-03-10T09:00:00.000Z', comment: null },
      { gate: 'RG-10', by: 'giulia', at: '2026-03-10T09:00:00.000Z', comment: null },
    ],
    ...over,
  });
}

void test('with migrations, PL-08 also waits for PL-07', () => {
  const r = readyForProd({ includesMigrations: true });
  const ev = evaluateRelease(c, r, '2026-03-10T09:30:00.000Z');
  assert.deepEqual(ev.nextLanes, []);
  const pl08 = ev.lanes.find((l) => l.laneId === 'PL-08');
  assert.ok(
    pl08?.conditions.some((x) => x.kind === 'predecessor' && x.id === 'PL-07' && x.state === 'pending'),
  );
  assert.ok(pl08?.conditions.some((x) => x.kind === 'gate' && x.id === 'RG-08' && x.state === 'pending'));
  const withPreflight = {
    ...r,
    laneRuns: {
      ...r.laneRuns,
      'PL-07': greenRun('2026-03-10T09:10:00.000Z', '2026-03-10T09:20:00.000Z', 'hana'),
    },
  };
  assert.deepEqual(evaluateRelease(c, withPreflight, '2026-03-10T09:30:00.000Z').nextLanes, ['PL-08']);
  // Without migrations PL-07 is never dispatched or awaited.
  const noMig = evaluateRelease(c, readyForProd(), '2026-03-10T09:30:00.000Z');
  assert.equal(noMig.lanes.find((l) => l.laneId === 'PL-07')?.applicable, false);
  assert.deepEqual(noMig.nextLanes, ['PL-08']);
});

void test('a lane that already ran is not dispatched again; a blocked gate stops it', () => {
  const ran = readyForProd();
  ran.laneRuns['PL-08'] = failedRun('2026-03-10T09:10:00.000Z', '2026-03-10T09:15:00.000Z', 'lanes');
  assert.deepEqual(evaluateRelease(c, ran, '2026-03-10T09:30:00.000Z').nextLanes, []);
  const blocked = readyForProd();
  blocked.evidence['change summary'] = 'failed'; // RG-07 blocks PL-08
  const ev = evaluateRelease(c, blocked, '2026-03-10T09:30:00.000Z');
  assert.deepEqual(ev.nextLanes, []);
  assert.equal(ev.lanes.find((l) => l.laneId === 'PL-08')?.verdict, 'stop');
});

void test('deployment protection requests: wait while pending, approve when the gates pass, reject when one is blocked', () => {
  const req = {
    runId: 555,
    environment: 'prod-ops',
    workflowId: 'WF-07',
    event: 'workflow_dispatch',
    requestedAt: '2026-03-10T09:00:00.000Z',
  };
  assert.deepEqual(
    lanesForProtectionRequest(c, req).map((l) => l.id),
    ['PL-08'],
  );
  assert.deepEqual(
    lanesForProtectionRequest(c, { ...req, workflowId: 'WF-09' }).map((l) => l.id),
    ['PL-10'],
  );
  assert.deepEqual(
    lanesForProtectionRequest(c, { ...req, workflowId: 'WF-10', event: 'schedule' }).map((l) => l.id),
    ['PL-12'],
  );

  const waiting = readyForProd({ approvals: [], protectionRequests: [req] });
  const ev1 = evaluateRelease(c, waiting, '2026-03-10T09:30:00.000Z');
  assert.equal(ev1.effects.filter((e) => e.kind === 'github.protection_review').length, 0);
  const d1 = decideProtection(c, waiting, req, '2026-03-10T09:30:00.000Z');
  assert.equal(d1.decision, 'wait');

  const ok = readyForProd({ protectionRequests: [req] });
  const ev2 = evaluateRelease(c, ok, '2026-03-10T09:30:00.000Z');
  const review = ev2.effects.find((e) => e.kind === 'github.protection_review');
  assert.ok(review && review.kind === 'github.protection_review');
  assert.equal(review.key, `protection:555:prod-ops:${req.requestedAt}`);
  assert.equal(review.payload.state, 'approved');
  assert.match(
    review.payload.comment,
    new RegExp(
      `gates ${gatesBlocking(c, 'PL-08')
        .map((g) => g.id)
        .join(', ')} passed`,
    ),
  );

  const bad = readyForProd({ protectionRequests: [req] });
  bad.evidence['rollback target exists'] = 'failed';
  const review3 = evaluateRelease(c, bad, '2026-03-10T09:30:00.000Z').effects.find(
    (e) => e.kind === 'github.protection_review',
  );
  assert.ok(review3 && review3.kind === 'github.protection_review');
  assert.equal(review3.payload.state, 'rejected');
  assert.match(review3.payload.comment, /RG-07 blocked/);

  // PL-09 (prod-pulse) requested before the hold ended: wait, with a timer at the hold end; then approve.
  const pulse = {
    runId: 556,
    environment: 'prod-pulse',
    workflowId: 'WF-08',
    event: 'workflow_dispatch',
    requestedAt: '2026-03-10T09:25:00.000Z',
  };
  const held = readyForProd({ protectionRequests: [pulse] });
  held.laneRuns['PL-08'] = greenRun('2026-03-10T09:08:00.000Z', '2026-03-10T09:20:00.000Z', 'lanes');
  held.laneRuns['PL-09'] = pendingRun('2026-03-10T09:25:00.000Z', 'farid');
  const ev4 = evaluateRelease(c, held, '2026-03-10T09:26:00.000Z');
  assert.equal(ev4.effects.filter((e) => e.kind === 'github.protection_review').length, 0);
  assert.ok(ev4.timers.some((t) => t.key === 'hold:rel-v1.5.0:PL-09:2026-03-10T09:35:00.000Z'));
  const ev5 = evaluateRelease(c, held, '2026-03-10T09:35:00.000Z');
  const r5 = ev5.effects.find((e) => e.kind === 'github.protection_review');
  assert.equal(r5?.kind === 'github.protection_review' && r5.payload.state, 'approved');

  // An environment no lane is bound to stays unanswered and is reported.
  const stray = {
    runId: 557,
    environment: 'sandbox',
    workflowId: 'WF-07',
    requestedAt: '2026-03-10T09:00:00.000Z',
  };
  const ev6 = evaluateRelease(c, readyForProd({ protectionRequests: [stray] }), '2026-03-10T09:30:00.000Z');
  assert.deepEqual(ev6.unmatchedProtectionRequests, [stray]);
});

void test('planPromote starts the next manual lane, refuses CI-driven or unready ones', () => {
  const atStaging = newRelease({
    laneRuns: {
      'PL-03': greenRun('2026-03-10T08:00:00.000Z', '2026-03-10T08:08:00.000Z'),
      'PL-04': greenRun('2026-03-10T08:09:00.000Z', '2026-03-10T08:15:00.000Z'),
      'PL-05': greenRun('2026-03-10T08:16:00.000Z', '2026-03-10T08:25:00.000Z'),
    },
  });
  const p = planPromote(c, atStaging, '2026-03-10T08:30:00.000Z');
  assert.ok(p.ok);
  assert.equal(p.laneId, 'PL-06');
  assert.deepEqual(
    p.effects.map((e) => e.key),
    ['dispatch:rel-v1.5.0:PL-06'],
  );
  // Every input a promotion sends is one a free trigger may not set (src/core/engine-rules-actions.ts).
  for (const e of p.effects)
    if (e.kind === 'github.dispatch') {
      const sent = { ...e.payload.inputs, effect_id: e.key };
      assert.deepEqual(reservedInputsUsed(sent).sort(), Object.keys(sent).sort());
    }

  const fresh = planPromote(c, newRelease(), '2026-03-10T08:30:00.000Z');
  assert.equal(!fresh.ok && fresh.code, 'not_dispatchable');
  const unready = planPromote(
    c,
    {
      ...atStaging,
      laneRuns: {
        ...atStaging.laneRuns,
        'PL-06': greenRun('2026-03-10T08:40:00.000Z', '2026-03-10T08:45:00.000Z'),
      },
    },
    '2026-03-10T08:50:00.000Z',
  );
  assert.equal(!unready.ok && unready.code, 'not_ready');
  assert.equal(!unready.ok && unready.laneId, 'PL-08');
});

void test('rollback: previous good release is the target; rollback lanes dispatched with its manifest; promotion stops', () => {
  const good = readyForProd({
    id: 'rel-v1.4.2',
    version: 'v1.4.2',
    sha: 'aaaa',
    createdAt: '2026-03-01T08:00:00.000Z',
  });
  for (const id of ['PL-07', 'PL-08', 'PL-09', 'PL-10'])
    good.laneRuns[id] = greenRun('2026-03-01T10:00:00.000Z', '2026-03-01T10:10:00.000Z');
  const bad = readyForProd({ id: 'rel-v1.4.3', version: 'v1.4.3', createdAt: '2026-03-05T08:00:00.000Z' });
  bad.laneRuns['PL-08'] = failedRun('2026-03-05T10:00:00.000Z', '2026-03-05T10:10:00.000Z');
  const current = readyForProd();
  current.laneRuns['PL-08'] = greenRun('2026-03-10T09:08:00.000Z', '2026-03-10T09:20:00.000Z');
  current.laneRuns['PL-09'] = failedRun('2026-03-10T09:36:00.000Z', '2026-03-10T09:45:00.000Z');
  assert.equal(releaseOutcome(c, good), 'deployed');
  assert.equal(releaseOutcome(c, bad), 'failed');
  assert.equal(releaseOutcome(c, current), 'failed');
  const target = previousGoodRelease(c, [good, bad, current], current);
  assert.equal(target?.id, 'rel-v1.4.2');

  assert.equal(planRollback(c, current, null, 'elena', 'pulse down').ok, false);
  const noReason = planRollback(c, current, target, 'elena', ' ');
  assert.equal(!noReason.ok && noReason.code, 'reason_required');
  const plan = planRollback(c, current, target, 'elena', 'pulse feed stale');
  assert.ok(plan.ok);
  assert.deepEqual(plan.lanes, ['PL-11']);
  assert.deepEqual(
    plan.effects.map((e) => e.key),
    ['rollback:rel-v1.5.0:PL-11:WF-10', 'rollback:rel-v1.5.0:PL-11:WF-11'],
  );
  const e0 = plan.effects[0];
  assert.ok(e0 && e0.kind === 'github.dispatch');
  assert.equal(e0.payload.inputs['target_version'], 'v1.4.2');
  assert.equal(e0.payload.inputs['target_manifest'], JSON.stringify(good.manifest));
  // Every input a rollback sends is one a free trigger may not set (src/core/engine-rules-actions.ts).
  assert.deepEqual(reservedInputsUsed(e0.payload.inputs).sort(), Object.keys(e0.payload.inputs).sort());

  // Once rolled back, the release's delivery lanes are stopped (a protection request for PL-08 is rejected).
  const rolled = {
    ...current,
    laneRuns: {
      ...current.laneRuns,
      'PL-11': greenRun('2026-03-10T10:00:00.000Z', '2026-03-10T10:06:00.000Z', 'elena'),
    },
  };
  assert.equal(releaseOutcome(c, rolled), 'rolled_back');
  assert.equal(laneReadiness(c, rolled, 'PL-09', '2026-03-10T10:10:00.000Z').verdict, 'stop');
  const req = {
    runId: 900,
    environment: 'prod-ops',
    workflowId: 'WF-07',
    requestedAt: '2026-03-10T10:07:00.000Z',
  };
  assert.equal(decideProtection(c, rolled, req, '2026-03-10T10:10:00.000Z').decision, 'reject');
  const rollbackReq = {
    runId: 901,
    environment: 'prod-ops',
    workflowId: 'WF-10',
    event: 'workflow_dispatch',
    requestedAt: '2026-03-10T10:07:00.000Z',
  };
  assert.equal(decideProtection(c, rolled, rollbackReq, '2026-03-10T10:10:00.000Z').decision, 'approve');
});

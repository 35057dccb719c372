import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyAlertIntent,
  drillAlerts,
  routesFor,
  type AlertIntent,
  type AlertRecord,
  type RaiseIntent,
} from '../src/core/alert-rules.ts';
import { evaluateRelease } from '../src/core/promotion.ts';
import type { ReleaseState } from '../src/core/release-model.ts';
import {
  evidenceFor,
  exampleCatalog,
  failedRun,
  greenRun,
  newRelease,
  referenceRelease,
  REFERENCE_NOW,
} from './helpers/reference-release.ts';

const c = exampleCatalog();
const raises = (xs: AlertIntent[]) => xs.filter((x): x is RaiseIntent => x.action === 'raise');
const resolves = (xs: AlertIntent[]) => xs.filter((x) => x.action === 'resolve');

/** Apply intents to an in-memory alert table the way the store does. */
function applyAll(table: Map<string, AlertRecord>, intents: AlertIntent[], now: string) {
  const changes: string[] = [];
  for (const i of intents) {
    const out = applyAlertIntent(table.get(i.key), i, now);
    if (out.record) table.set(i.key, out.record);
    changes.push(`${i.key}:${out.change}${out.notify ? '!' : ''}`);
  }
  return changes;
}
const openKeys = (table: Map<string, AlertRecord>) =>
  [...table.values()].filter((a) => a.status !== 'resolved').map((a) => a.key);

function deployedUntilPl09Failed(): ReleaseState {
  return newRelease({
    laneRuns: {
      'PL-08': greenRun('2026-03-10T09:08:00.000Z', '2026-03-10T09:20:00.000Z', 'lanes'),
      'PL-09': failedRun('2026-03-10T09:36:00.000Z', '2026-03-10T09:45:00.000Z', 'lanes', 4242),
    },
  });
}

void test('PL-09 failed → RG-11 blocked → one alert (same key on every evaluation) → resolved by a successful rollback', () => {
  const table = new Map<string, AlertRecord>();
  const r = deployedUntilPl09Failed();
  const ev1 = evaluateRelease(c, r, '2026-03-10T09:46:00.000Z', { openAlertKeys: openKeys(table) });
  assert.equal(ev1.gates.find((g) => g.id === 'RG-11')?.state, 'blocked');
  const r1 = raises(ev1.alerts);
  assert.equal(r1.length, 1, JSON.stringify(ev1.alerts));
  assert.equal(r1[0]?.key, 'lane_failed:rel-v1.5.0:PL-09');
  assert.equal(r1[0]?.severity, 'critical');
  assert.match(r1[0]?.detail ?? '', /blocks RG-11/);
  assert.deepEqual(applyAll(table, ev1.alerts, '2026-03-10T09:46:00.000Z'), [
    'lane_failed:rel-v1.5.0:PL-09:opened!',
  ]);

  // Re-evaluations (timers, other webhooks) produce the same intent: nothing changes, no notification.
  const ev2 = evaluateRelease(c, r, '2026-03-10T09:50:00.000Z', { openAlertKeys: openKeys(table) });
  assert.deepEqual(ev2.alerts, ev1.alerts);
  assert.deepEqual(applyAll(table, ev2.alerts, '2026-03-10T09:50:00.000Z'), [
    'lane_failed:rel-v1.5.0:PL-09:unchanged',
  ]);

  // A re-run attempt that fails again is a new occurrence of the same incident: count 2, no new page.
  const rerun = {
    ...r,
    laneRuns: {
      ...r.laneRuns,
      'PL-09': {
        ...failedRun('2026-03-10T09:52:00.000Z', '2026-03-10T09:55:00.000Z', 'lanes', 4242),
        runAttempt: 2,
      },
    },
  };
  const ev3 = evaluateRelease(c, rerun, '2026-03-10T09:56:00.000Z', { openAlertKeys: openKeys(table) });
  assert.deepEqual(applyAll(table, ev3.alerts, '2026-03-10T09:56:00.000Z'), [
    'lane_failed:rel-v1.5.0:PL-09:counted',
  ]);
  assert.equal(table.get('lane_failed:rel-v1.5.0:PL-09')?.count, 2);
  assert.equal(table.size, 1);

  // A rollback that succeeded before the failure does not resolve it...
  const early = {
    ...rerun,
    laneRuns: {
      ...rerun.laneRuns,
      'PL-11': greenRun('2026-03-06T14:22:00.000Z', '2026-03-06T14:30:00.000Z', 'elena'),
    },
  };
  assert.deepEqual(
    resolves(
      evaluateRelease(c, early, '2026-03-10T10:00:00.000Z', { openAlertKeys: openKeys(table) }).alerts,
    ),
    [],
  );
  // ...PL-11 green after the failure does: a resolve intent, while RG-11 itself stays blocked.
  const rolled = {
    ...rerun,
    laneRuns: {
      ...rerun.laneRuns,
      'PL-11': greenRun('2026-03-10T10:00:00.000Z', '2026-03-10T10:07:00.000Z', 'elena'),
    },
  };
  const ev4 = evaluateRelease(c, rolled, '2026-03-10T10:08:00.000Z', { openAlertKeys: openKeys(table) });
  assert.equal(ev4.gates.find((g) => g.id === 'RG-11')?.state, 'blocked');
  assert.deepEqual(raises(ev4.alerts), []);
  const res = resolves(ev4.alerts);
  assert.equal(res.length, 1);
  assert.equal(res[0]?.key, 'lane_failed:rel-v1.5.0:PL-09');
  assert.match(
    res[0]?.action === 'resolve' ? res[0].reason : '',
    /rolled back \(PL-11 green at 2026-03-10T10:07:00.000Z\)/,
  );
  assert.deepEqual(applyAll(table, ev4.alerts, '2026-03-10T10:08:00.000Z'), [
    'lane_failed:rel-v1.5.0:PL-09:resolved!',
  ]);
  assert.deepEqual(openKeys(table), []);
  // Nothing open: no more intents.
  assert.deepEqual(
    evaluateRelease(c, rolled, '2026-03-10T10:30:00.000Z', { openAlertKeys: openKeys(table) }).alerts,
    [],
  );
});

void test('lane back to green resolves its alert; a resolved alert reopens only on a new occurrence', () => {
  const table = new Map<string, AlertRecord>();
  const r = deployedUntilPl09Failed();
  applyAll(table, evaluateRelease(c, r, '2026-03-10T09:46:00.000Z').alerts, '2026-03-10T09:46:00.000Z');
  // A person resolves it by hand; the same failure evaluated again stays resolved.
  const rec = table.get('lane_failed:rel-v1.5.0:PL-09');
  assert.ok(rec);
  table.set(rec.key, {
    ...rec,
    status: 'resolved',
    resolvedAt: '2026-03-10T09:47:00.000Z',
    resolution: 'by hana',
  });
  assert.deepEqual(
    applyAll(table, evaluateRelease(c, r, '2026-03-10T09:48:00.000Z').alerts, '2026-03-10T09:48:00.000Z'),
    ['lane_failed:rel-v1.5.0:PL-09:unchanged'],
  );
  // A new failing run reopens it.
  const again = {
    ...r,
    laneRuns: {
      ...r.laneRuns,
      'PL-09': failedRun('2026-03-10T09:50:00.000Z', '2026-03-10T09:55:00.000Z', 'lanes', 4343),
    },
  };
  assert.deepEqual(
    applyAll(table, evaluateRelease(c, again, '2026-03-10T09:56:00.000Z').alerts, '2026-03-10T09:56:00.000Z'),
    ['lane_failed:rel-v1.5.0:PL-09:reopened!'],
  );
  // Green again: resolved with the reason.
  const green = {
    ...r,
    laneRuns: {
      ...r.laneRuns,
      'PL-09': greenRun('2026-03-10T10:00:00.000Z', '2026-03-10T10:05:00.000Z', 'lanes'),
    },
  };
  const ev = evaluateRelease(c, green, '2026-03-10T10:06:00.000Z', { openAlertKeys: openKeys(table) });
  assert.deepEqual(ev.alerts, [
    {
      action: 'resolve',
      key: 'lane_failed:rel-v1.5.0:PL-09',
      rule: 'lane_failed',
      reason: 'PL-09 is green again',
    },
  ]);
});

void test('gate blocked by failed evidence raises gate_blocked; it resolves when the gate is no longer blocked', () => {
  const r = newRelease({
    laneRuns: { 'PL-06': greenRun('2026-03-10T08:40:00.000Z', '2026-03-10T08:45:00.000Z', 'hana') },
    evidence: { ...evidenceFor(['change summary']), 'rollback target exists': 'failed' },
  });
  const ev = evaluateRelease(c, r, '2026-03-10T09:00:00.000Z');
  const r1 = raises(ev.alerts);
  assert.deepEqual(
    r1.map((a) => [a.key, a.rule, a.severity]),
    [['gate_blocked:rel-v1.5.0:RG-07', 'gate_blocked', 'warning']],
  );
  const fixed = { ...r, evidence: evidenceFor(['change summary', 'rollback target exists']) };
  const ev2 = evaluateRelease(c, fixed, '2026-03-10T09:10:00.000Z', {
    openAlertKeys: ['gate_blocked:rel-v1.5.0:RG-07', 'gate_blocked:other-release:RG-07'],
  });
  assert.deepEqual(ev2.alerts, [
    {
      action: 'resolve',
      key: 'gate_blocked:rel-v1.5.0:RG-07',
      rule: 'gate_blocked',
      reason: 'RG-07 is pending',
    },
  ]);
});

void test('hold broken: PL-08 fails inside the 15m hold before PL-09 starts', () => {
  const r = newRelease({
    laneRuns: {
      'PL-08': failedRun(
        '2026-03-10T09:08:00.000Z',
        '2026-03-10T09:28:00.000Z',
        'lanes',
        5150,
        '2026-03-10T09:20:00.000Z',
      ),
    },
  });
  const ev = evaluateRelease(c, r, '2026-03-10T09:29:00.000Z');
  const rs = raises(ev.alerts);
  assert.deepEqual(
    rs.map((a) => [a.key, a.rule, a.severity]),
    [['hold_broken:rel-v1.5.0:PL-09', 'hold_broken', 'critical']],
  );
  assert.deepEqual(ev.nextLanes, []);
  // Failing after the hold ended is a plain lane failure.
  const late = newRelease({
    laneRuns: {
      'PL-08': failedRun(
        '2026-03-10T09:08:00.000Z',
        '2026-03-10T09:40:00.000Z',
        'lanes',
        5151,
        '2026-03-10T09:20:00.000Z',
      ),
    },
  });
  assert.deepEqual(
    raises(evaluateRelease(c, late, '2026-03-10T09:41:00.000Z').alerts).map((a) => a.rule),
    ['lane_failed'],
  );
  // PL-08 green again resolves the hold alert.
  const back = newRelease({
    laneRuns: { 'PL-08': greenRun('2026-03-10T09:30:00.000Z', '2026-03-10T09:35:00.000Z', 'lanes') },
  });
  const ev2 = evaluateRelease(c, back, '2026-03-10T09:36:00.000Z', {
    openAlertKeys: ['hold_broken:rel-v1.5.0:PL-09'],
  });
  assert.deepEqual(
    resolves(ev2.alerts).map((a) => a.action === 'resolve' && a.reason),
    ['PL-08 is green again'],
  );
});

void test('drill missed once the next fire plus grace passes without a PL-12 success; drill failed; both resolve', () => {
  // PL-12 runs Mondays 16:00 UTC. Last success Monday 2026-03-09 16:20.
  const h = {
    laneId: 'PL-12',
    lastRun: {
      runId: 1,
      status: 'green' as const,
      startedAt: '2026-03-09T16:00:00.000Z',
      completedAt: '2026-03-09T16:20:00.000Z',
    },
    lastSuccessAt: '2026-03-09T16:20:00.000Z',
  };
  const grace = 2 * 3_600_000;
  assert.deepEqual(drillAlerts(c, [h], REFERENCE_NOW, { graceMs: grace }), []);
  // The fire after the last success is Monday 2026-03-16 16:00: missed once its grace (2 h) has passed.
  assert.deepEqual(drillAlerts(c, [h], '2026-03-16T17:59:59.999Z', { graceMs: grace }), []);
  const missed = raises(drillAlerts(c, [h], '2026-03-16T18:00:00.000Z', { graceMs: grace }));
  assert.deepEqual(
    missed.map((a) => [a.key, a.rule, a.occurrence]),
    [['drill_missed:PL-12', 'drill_missed', 'due:2026-03-16T16:00:00.000Z']],
  );
  // Still missed a day later: same key, same occurrence (one alert).
  const later = raises(drillAlerts(c, [h], '2026-03-17T12:00:00.000Z', { graceMs: grace }));
  assert.deepEqual(
    later.map((a) => [a.key, a.occurrence]),
    [['drill_missed:PL-12', 'due:2026-03-16T16:00:00.000Z']],
  );
  // A success resolves it.
  const ok = {
    ...h,
    lastRun: {
      runId: 2,
      status: 'green' as const,
      startedAt: '2026-03-17T12:30:00.000Z',
      completedAt: '2026-03-17T12:50:00.000Z',
    },
    lastSuccessAt: '2026-03-17T12:50:00.000Z',
  };
  assert.deepEqual(
    drillAlerts(c, [ok], '2026-03-17T13:00:00.000Z', {
      graceMs: grace,
      openAlertKeys: ['drill_missed:PL-12'],
    }),
    [
      {
        action: 'resolve',
        key: 'drill_missed:PL-12',
        rule: 'drill_missed',
        reason: 'PL-12 succeeded at 2026-03-17T12:50:00.000Z',
      },
    ],
  );
  // Never ran at all: missed once a fire and its grace passed since monitoring began.
  assert.deepEqual(
    drillAlerts(c, [], '2026-03-12T00:00:00.000Z', { graceMs: grace }).map((a) => a.key),
    ['drill_missed:PL-12'],
  );
  assert.deepEqual(
    drillAlerts(
      c,
      [{ laneId: 'PL-12', lastRun: null, lastSuccessAt: null, monitoringSince: '2026-03-10T00:00:00.000Z' }],
      '2026-03-12T00:00:00.000Z',
      { graceMs: grace },
    ),
    [],
  );
  // Drill failed.
  const failed = {
    ...h,
    lastRun: {
      runId: 3,
      status: 'failed' as const,
      startedAt: '2026-03-16T16:00:00.000Z',
      completedAt: '2026-03-16T16:10:00.000Z',
    },
  };
  const f = raises(drillAlerts(c, [failed], '2026-03-16T16:11:00.000Z', { graceMs: grace }));
  assert.deepEqual(
    f.map((a) => [a.key, a.rule, a.occurrence]),
    [['drill_failed:PL-12', 'drill_failed', 'run:3']],
  );
  assert.deepEqual(
    resolves(
      drillAlerts(c, [ok], '2026-03-17T13:00:00.000Z', {
        graceMs: grace,
        openAlertKeys: ['drill_failed:PL-12'],
      }),
    ).map((a) => a.key),
    ['drill_failed:PL-12'],
  );
});

void test('the reference release has exactly one open alert, routed to ops-slack', () => {
  const ev = evaluateRelease(c, referenceRelease(), REFERENCE_NOW);
  const rs = raises(ev.alerts);
  assert.equal(rs.length, 1);
  assert.deepEqual(
    routesFor(c, rs[0] as RaiseIntent).map((x) => x.id),
    ['ops-slack'],
  );
  assert.deepEqual(routesFor(c, { rule: 'drill_missed', severity: 'info' }), []);
});

// Catalog fields that replaced names of the example catalog: drill grace, phases (event, holds,
// after_production), freeze override expiry, unsanctioned changes per environment. All on a small catalog
// of the tests' own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drillAlerts, nextDrillDue } from '../src/core/drill-alerts.ts';
import { freezeStatus, overrideExpiresAt } from '../src/core/freeze-windows.ts';
import { judgeUnsanctionedChange, unsanctionedChangePolicy } from '../src/core/unsanctioned-change.ts';
import { releaseAlerts } from '../src/core/release-alerts.ts';
import { evaluateGates } from '../src/core/gates.ts';
import { explainRef } from '../src/core/branch-policy.ts';
import type { Lane } from '../src/core/catalog-model.ts';
import { smallCatalog, smallRelease, SMALL_YAML } from './helpers/small-catalog.ts';

const c = smallCatalog();

void test('drill grace is a catalog field: PL-DRILL (daily 06:00, grace 30m) is missed at 06:30 the next day', () => {
  const h = [{ laneId: 'PL-DRILL', lastRun: null, lastSuccessAt: '2026-05-04T06:05:00.000Z' }];
  const missed = (now: string) =>
    drillAlerts(c, h, now).some((a) => a.action === 'raise' && a.rule === 'drill_missed');
  assert.equal(missed('2026-05-05T06:29:00.000Z'), false);
  assert.equal(missed('2026-05-05T06:36:00.000Z'), true);
  // Without drill_grace the default (2h) applies.
  const noGrace = smallCatalog(SMALL_YAML.replace('    drill_grace: 30m\n', ''));
  const missedDefault = (now: string) =>
    drillAlerts(noGrace, h, now).some((a) => a.action === 'raise' && a.rule === 'drill_missed');
  assert.equal(missedDefault('2026-05-05T06:36:00.000Z'), false);
  assert.equal(missedDefault('2026-05-05T08:06:00.000Z'), true);
});

void test('nextDrillDue: when the next drill is due, when it becomes missed, when to look again', () => {
  assert.deepEqual(nextDrillDue(c, '2026-05-05T06:10:00.000Z'), [
    {
      laneId: 'PL-DRILL',
      nextDueAt: '2026-05-06T06:00:00.000Z',
      missedAfter: '2026-05-06T06:30:00.000Z',
      checkAt: '2026-05-05T06:30:00.000Z', // today's fire is still inside its grace
    },
  ]);
  assert.equal(nextDrillDue(c, '2026-05-05T07:00:00.000Z')[0]?.checkAt, '2026-05-06T06:30:00.000Z');
});

void test('phases: explain uses each phase’s event and holds; a blocked after-production gate is critical', () => {
  const e = explainRef(c, { ref: 'refs/tags/r1' });
  assert.deepEqual(
    e.gates.map((g) => [g.id, g.blocks]),
    [
      ['RG-SHIP', 'PL-LIVE'],
      ['RG-WATCH', 'the Watch phase'],
    ],
  );
  const pr = explainRef(c, { ref: 'topic/x', event: 'pull_request' });
  assert.deepEqual(
    pr.gates.map((g) => [g.id, g.blocks]),
    [['RG-REVIEW', 'merge']],
  );

  const failed = (at: string) => ({ status: 'failed' as const, runId: 7, startedAt: at, completedAt: at });
  const r = smallRelease({ laneRuns: { 'PL-LIVE': failed('2026-05-04T09:00:00.000Z') } });
  const alerts = releaseAlerts(
    c,
    r,
    evaluateGates(c, r, '2026-05-04T09:05:00.000Z'),
    '2026-05-04T09:05:00.000Z',
  );
  const lane = alerts.find((a) => a.action === 'raise' && a.rule === 'lane_failed');
  assert.equal(lane?.action === 'raise' && lane.severity, 'critical', 'production lane');
  const gate = smallRelease({ evidence: { 'qa smoke': 'failed' } });
  const gateAlerts = releaseAlerts(
    c,
    gate,
    evaluateGates(c, gate, '2026-05-04T09:05:00.000Z'),
    '2026-05-04T09:05:00.000Z',
  );
  const ship = gateAlerts.find((a) => a.action === 'raise' && a.key.endsWith('RG-SHIP'));
  assert.equal(ship?.action === 'raise' && ship.severity, 'warning', 'Ship is before production');
  // The same gate, declared after production, is critical.
  const after = smallCatalog(
    SMALL_YAML.replace(
      '{ name: Ship, event: tag, holds: going live }',
      '{ name: Ship, event: tag, after_production: true }',
    ),
  );
  const afterAlerts = releaseAlerts(
    after,
    gate,
    evaluateGates(after, gate, '2026-05-04T09:05:00.000Z'),
    '2026-05-04T09:05:00.000Z',
  );
  const shipAfter = afterAlerts.find((a) => a.action === 'raise' && a.key.endsWith('RG-SHIP'));
  assert.equal(shipAfter?.action === 'raise' && shipAfter.severity, 'critical');
});

void test('a freeze override lifts its occurrence only and expires at the window’s end', () => {
  const frozen = smallCatalog(
    SMALL_YAML.replace(
      '\nphases:',
      "\nfreeze_windows:\n  - { id: nightly, cron: '0 22 * * *', duration: 8h, lanes: [PL-LIVE], override_seats: [SEAT-SHIP] }\nphases:",
    ),
  );
  const o = { lane: 'PL-LIVE', by: 'rita', reason: 'hotfix', at: '2026-05-04T23:00:00.000Z' };
  assert.equal(overrideExpiresAt(frozen, o), '2026-05-05T06:00:00.000Z');
  assert.equal(freezeStatus(frozen, 'PL-LIVE', [o], '2026-05-05T05:59:00.000Z').state, 'overridden');
  assert.equal(
    freezeStatus(frozen, 'PL-LIVE', [o], '2026-05-05T22:30:00.000Z').state,
    'frozen',
    'next night',
  );
  assert.equal(overrideExpiresAt(frozen, { ...o, at: '2026-05-04T12:00:00.000Z' }), null, 'outside a window');
  assert.equal(overrideExpiresAt(frozen, { ...o, by: 'dora' }), null, 'not an override seat');
});

void test('unsanctioned changes: per environment, default reject in production, ignore elsewhere', () => {
  assert.equal(unsanctionedChangePolicy(c, 'live'), 'alert'); // declared
  assert.equal(unsanctionedChangePolicy(c, 'live-eu'), 'reject'); // production default
  assert.equal(unsanctionedChangePolicy(c, 'qa'), 'ignore');
  const lane = (id: string, environment: string[]): Lane => ({ ...(c.lanes[0] as Lane), id, environment });
  const base = { runId: 42, sha: 'b'.repeat(40), environment: 'prod-eu', why: 'no release for this commit' };
  const rows: [string, Lane[], string][] = [
    ['qa only', [lane('PL-QA', ['qa'])], 'ignore'],
    ['declared alert', [lane('PL-LIVE', ['live'])], 'alert'],
    ['production default', [lane('PL-EU', ['live-eu'])], 'reject'],
    ['strictest wins', [lane('PL-LIVE', ['live']), lane('PL-EU', ['live-eu'])], 'reject'],
  ];
  for (const [name, lanes, action] of rows) {
    const d = judgeUnsanctionedChange(c, { ...base, lanes });
    assert.equal(d.action, action, name);
    if (d.action !== 'ignore') {
      assert.equal(d.alert.key, 'unsanctioned_change:42', 'one alert per run, across attempts');
      assert.match(d.comment, /no release for this commit/);
    }
  }
});

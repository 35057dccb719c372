import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Catalog } from '../src/core/catalog-model.ts';
import { activeFreeze, canOverrideFreeze, freezeStatus, nextFreeze } from '../src/core/freeze-windows.ts';
import { decideProtection, evaluateRelease } from '../src/core/promotion.ts';
import type { ReleaseState } from '../src/core/release-model.ts';
import { evidenceFor, exampleCatalog, greenRun, newRelease } from './helpers/reference-release.ts';

const c = exampleCatalog();

void test('the Friday evening freeze (cron 0 17 * * 5, 63h) is active from Friday 17:00 to Monday 08:00 UTC on PL-08/PL-09', () => {
  assert.equal(activeFreeze(c, 'PL-08', '2026-03-13T16:59:59.999Z'), null);
  const f = activeFreeze(c, 'PL-08', '2026-03-13T17:00:00.000Z');
  assert.deepEqual(f && { id: f.windowId, start: f.start, end: f.end }, {
    id: 'friday-evening',
    start: '2026-03-13T17:00:00.000Z',
    end: '2026-03-16T08:00:00.000Z',
  });
  assert.equal(activeFreeze(c, 'PL-09', '2026-03-16T07:59:59.999Z')?.windowId, 'friday-evening');
  assert.equal(activeFreeze(c, 'PL-09', '2026-03-16T08:00:00.000Z'), null);
  // Lanes not listed are never frozen.
  assert.equal(activeFreeze(c, 'PL-07', '2026-03-14T12:00:00.000Z'), null);
  assert.equal(activeFreeze(c, 'PL-11', '2026-03-14T12:00:00.000Z'), null);
  // Upcoming window, for display.
  assert.equal(nextFreeze(c, 'PL-08', '2026-03-10T12:00:00.000Z')?.start, '2026-03-13T17:00:00.000Z');
});

void test('from/until windows', () => {
  const cat: Catalog = {
    ...c,
    freeze_windows: [
      {
        id: 'year-end',
        name: 'Year end',
        from: '2026-12-20T00:00:00Z',
        until: '2027-01-04T00:00:00Z',
        lanes: ['PL-08'],
        override_seats: [],
      },
      {
        id: 'launch',
        from: '2026-06-01T10:00:00+02:00',
        duration: '2h',
        lanes: ['PL-09'],
        override_seats: ['SEAT-OPS'],
      },
    ],
  };
  assert.equal(activeFreeze(cat, 'PL-08', '2026-12-19T23:59:59.999Z'), null);
  assert.equal(activeFreeze(cat, 'PL-08', '2026-12-25T00:00:00.000Z')?.windowId, 'year-end');
  assert.equal(activeFreeze(cat, 'PL-08', '2027-01-04T00:00:00.000Z'), null);
  assert.equal(activeFreeze(cat, 'PL-09', '2026-06-01T08:00:00.000Z')?.end, '2026-06-01T10:00:00.000Z');
  assert.equal(activeFreeze(cat, 'PL-09', '2026-06-01T10:00:00.000Z'), null);
  // No override seats: nobody may override.
  const r = canOverrideFreeze(cat, 'PL-08', 'hana', 'urgent', '2026-12-25T00:00:00.000Z');
  assert.equal(!r.ok && r.code, 'not_seat_member');
});

function readyForProd(): ReleaseState {
  return newRelease({
    createdAt: '2026-03-13T08:00:00.000Z',
    laneRuns: {
      'PL-03': greenRun('2026-03-13T08:00:00.000Z', '2026-03-13T08:08:00.000Z'),
      'PL-04': greenRun('2026-03-13T08:09:00.000Z', '2026-03-13T08:15:00.000Z'),
      'PL-05': greenRun('2026-03-13T08:16:00.000Z', '2026-03-13T08:25:00.000Z'),
      'PL-06': greenRun('2026-03-13T08:40:00.000Z', '2026-03-13T08:45:00.000Z', 'hana'),
    },
    evidence: evidenceFor(['change summary', 'freeze window', 'rollback target exists']),
    approvals: [
      { gate: 'RG-07', by: 'ivan', at: '2026-03-13T09:00:00.000Z', comment: null },
      { gate: 'RG-08', by: 'chiara', at: '2026-03-13T09:00:00.000Z', comment: null },
      { gate: 'RG-09', by: 'jonas', at: '2026-03-13T09:00:00.000Z', comment: null },
      { gate: 'RG-10', by: 'giulia', at: '2026-03-13T09:00:00.000Z', comment: null },
    ],
  });
}

void test('a freeze window blocks PL-08 until a member of override_seats overrides it with a reason', () => {
  const friday = '2026-03-13T18:00:00.000Z';
  const r = readyForProd();
  // Before the freeze it would go.
  assert.deepEqual(evaluateRelease(c, r, '2026-03-13T16:00:00.000Z').nextLanes, ['PL-08']);

  const frozen = evaluateRelease(c, r, friday);
  assert.deepEqual(frozen.nextLanes, []);
  const pl08 = frozen.lanes.find((l) => l.laneId === 'PL-08');
  assert.equal(pl08?.verdict, 'stop');
  assert.deepEqual(pl08?.conditions.find((x) => x.kind === 'freeze')?.until, '2026-03-16T08:00:00.000Z');
  assert.deepEqual(
    frozen.timers.map((t) => t.key),
    ['freeze:rel-v1.5.0:PL-08:2026-03-16T08:00:00.000Z'],
  );
  // A protection request during the freeze is rejected.
  const req = { runId: 77, environment: 'prod-ops', workflowId: 'WF-07', requestedAt: friday };
  const d = decideProtection(c, r, req, friday);
  assert.equal(d.decision, 'reject');
  assert.match(
    d.decision === 'reject' ? d.comment : '',
    /Friday evening freeze until 2026-03-16T08:00:00.000Z/,
  );

  // Not a member of SEAT-RELEASE: refused, and an override recorded anyway does not lift the freeze.
  const byOps = canOverrideFreeze(c, 'PL-08', 'elena', 'hotfix', friday);
  assert.equal(!byOps.ok && byOps.code, 'not_seat_member');
  const r1 = { ...r, overrides: [{ lane: 'PL-08', by: 'elena', reason: 'hotfix', at: friday }] };
  assert.deepEqual(evaluateRelease(c, r1, friday).nextLanes, []);
  // A member without a reason: refused; ignored.
  const noReason = canOverrideFreeze(c, 'PL-08', 'hana', '  ', friday);
  assert.equal(!noReason.ok && noReason.code, 'reason_required');
  const r2 = { ...r, overrides: [{ lane: 'PL-08', by: 'hana', reason: ' ', at: friday }] };
  assert.deepEqual(evaluateRelease(c, r2, friday).nextLanes, []);
  // Override on another lane does not help PL-08.
  const r3 = { ...r, overrides: [{ lane: 'PL-09', by: 'hana', reason: 'hotfix', at: friday }] };
  assert.deepEqual(evaluateRelease(c, r3, friday).nextLanes, []);
  // No override needed (or possible) outside a freeze.
  const outside = canOverrideFreeze(c, 'PL-08', 'hana', 'x', '2026-03-12T12:00:00.000Z');
  assert.equal(!outside.ok && outside.code, 'no_active_freeze');

  // A member of SEAT-RELEASE with a reason: PL-08 goes.
  assert.deepEqual(canOverrideFreeze(c, 'PL-08', 'hana', 'customer hotfix INC-42', friday), {
    ok: true,
    windows: ['friday-evening'],
  });
  const r4 = {
    ...r,
    overrides: [
      { lane: 'PL-08', by: 'hana', reason: 'customer hotfix INC-42', at: '2026-03-13T18:05:00.000Z' },
    ],
  };
  const go = evaluateRelease(c, r4, '2026-03-13T18:06:00.000Z');
  assert.deepEqual(go.nextLanes, ['PL-08']);
  assert.match(
    go.lanes.find((l) => l.laneId === 'PL-08')?.conditions.find((x) => x.kind === 'freeze')?.detail ?? '',
    /overridden by hana: customer hotfix INC-42/,
  );
  const st = freezeStatus(c, 'PL-08', r4.overrides, '2026-03-13T18:06:00.000Z');
  assert.equal(st.state, 'overridden');
  // The override lifts this occurrence only: next Friday's freeze holds again.
  assert.equal(freezeStatus(c, 'PL-08', r4.overrides, '2026-03-20T18:00:00.000Z').state, 'frozen');
  // After the freeze ends the lane goes without any override.
  assert.deepEqual(evaluateRelease(c, r, '2026-03-16T08:00:00.000Z').nextLanes, ['PL-08']);
});

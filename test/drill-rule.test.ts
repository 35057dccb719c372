// The drill rule a release engineer reads in the README: a drill is missed once its due fire plus the lane's
// drill_grace passes without a successful run at or after that fire. One table over the example catalog's
// PL-12 ('0 16 * * 1', Mondays 16:00 UTC; default grace 2h): what `lanes drills` shows (next due, missed
// after, state), whether drill_missed is raised, and when the check timer looks again — all the same rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drillAlerts, type DrillHistory } from '../src/core/drill-alerts.ts';
import { drillCheckTimes, drillStates } from '../src/core/drill-check.ts';
import type { AlertIntent, RaiseIntent } from '../src/core/alert-model.ts';
import { exampleCatalog } from './helpers/reference-release.ts';

const c = exampleCatalog();

/** A green PL-12 run that finished at `at` (null: never succeeded), watched since `since`. */
function history(at: string | null, since?: string): DrillHistory {
  return {
    laneId: 'PL-12',
    lastRun: at ? { runId: 7, status: 'green', startedAt: at, completedAt: at } : null,
    lastSuccessAt: at,
    ...(since ? { monitoringSince: since } : {}),
  };
}

type Row = [
  what: string,
  h: DrillHistory,
  now: string,
  want: { nextDue: string; missedAfter: string; state: string; missed: string | null; checkAt: string },
];

const rows: Row[] = [
  [
    'green off schedule (Wednesday 04:51): due Monday 16:00, missed after Monday 18:00',
    history('2026-12-02T04:51:00.000Z'),
    '2026-12-02T05:00:00.000Z',
    {
      nextDue: '2026-12-07T16:00:00.000Z',
      missedAfter: '2026-12-07T18:00:00.000Z',
      state: 'ok',
      missed: null,
      checkAt: '2026-12-07T18:00:00.000Z',
    },
  ],
  [
    'the same, inside the grace of the fire',
    history('2026-12-02T04:51:00.000Z'),
    '2026-12-07T17:59:59.999Z',
    {
      nextDue: '2026-12-14T16:00:00.000Z',
      missedAfter: '2026-12-07T18:00:00.000Z',
      state: 'ok',
      missed: null,
      checkAt: '2026-12-07T18:00:00.000Z',
    },
  ],
  [
    'the same, the fire plus grace passed without a run: missed (a run before the fire does not count)',
    history('2026-12-02T04:51:00.000Z'),
    '2026-12-07T18:00:00.000Z',
    {
      nextDue: '2026-12-14T16:00:00.000Z',
      missedAfter: '2026-12-07T18:00:00.000Z',
      state: 'missed',
      missed: 'due:2026-12-07T16:00:00.000Z',
      checkAt: '2026-12-14T18:00:00.000Z',
    },
  ],
  [
    'still missed a week later: the same occurrence (one alert)',
    history('2026-12-02T04:51:00.000Z'),
    '2026-12-14T19:00:00.000Z',
    {
      nextDue: '2026-12-21T16:00:00.000Z',
      missedAfter: '2026-12-07T18:00:00.000Z',
      state: 'missed',
      missed: 'due:2026-12-07T16:00:00.000Z',
      checkAt: '2026-12-21T18:00:00.000Z',
    },
  ],
  [
    'green on schedule (Monday 16:20): the next Monday is due, missed after its 18:00',
    history('2026-12-07T16:20:00.000Z'),
    '2026-12-07T16:30:00.000Z',
    {
      nextDue: '2026-12-14T16:00:00.000Z',
      missedAfter: '2026-12-14T18:00:00.000Z',
      state: 'ok',
      missed: null,
      checkAt: '2026-12-14T18:00:00.000Z',
    },
  ],
  [
    'a run one minute before the fire answers the fire before it, not this one',
    history('2026-12-07T15:59:00.000Z'),
    '2026-12-07T18:00:00.000Z',
    {
      nextDue: '2026-12-14T16:00:00.000Z',
      missedAfter: '2026-12-07T18:00:00.000Z',
      state: 'missed',
      missed: 'due:2026-12-07T16:00:00.000Z',
      checkAt: '2026-12-14T18:00:00.000Z',
    },
  ],
  [
    'a late green run (after the grace) makes up for the missed fire',
    history('2026-12-07T19:00:00.000Z'),
    '2026-12-07T19:05:00.000Z',
    {
      nextDue: '2026-12-14T16:00:00.000Z',
      missedAfter: '2026-12-14T18:00:00.000Z',
      state: 'ok',
      missed: null,
      checkAt: '2026-12-14T18:00:00.000Z',
    },
  ],
  [
    'never ran, watched since Wednesday: the first fire after that plus grace',
    history(null, '2026-12-02T04:51:00.000Z'),
    '2026-12-02T05:00:00.000Z',
    {
      nextDue: '2026-12-07T16:00:00.000Z',
      missedAfter: '2026-12-07T18:00:00.000Z',
      state: 'never',
      missed: null,
      checkAt: '2026-12-07T18:00:00.000Z',
    },
  ],
];

const isMissed = (a: AlertIntent): a is RaiseIntent => a.action === 'raise' && a.rule === 'drill_missed';

for (const [what, h, now, want] of rows) {
  void test(`drill rule: ${what}`, () => {
    const [state] = drillStates(c, [h], now);
    assert.deepEqual(
      {
        nextDue: state?.nextDueAt,
        missedAfter: state?.missedAfter,
        state: state?.state,
        missed: drillAlerts(c, [h], now).find(isMissed)?.occurrence ?? null,
        checkAt: drillCheckTimes(c, [h], now).find((x) => x.laneId === 'PL-12')?.at,
      },
      want,
    );
  });
}

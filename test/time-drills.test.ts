// Drills judged on time and on events (issue 15), end to end through signed deliveries on both stores with
// an injectable clock: a failed scheduled drill run raises drill_failed within 2 s of the delivery (not on
// some later timer), a green one resolves it within 2 s, and with no run at the next fire the drill is reported
// missed only after the catalog's drill_grace (10m here) has passed that fire, by the drill check timer alone.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { STORE_KINDS, startTestLanes, waitFor } from './helpers/lanes-harness.ts';
import { sendRun } from './helpers/github-events.ts';
import { exampleCatalogWith } from './helpers/short-catalog.ts';
import type { LanesProcess } from '../src/server.ts';
import { alertKey, type AlertRule } from '../src/core/alert-model.ts';

const MAIN_SHA = 'd7111e0000000000000000000000000000000001';
// Monday 2026-04-06; PL-12 fires '0 16 * * 1' (Mondays 16:00 UTC), grace 10m in this catalog.
const BEFORE_FIRE = '2026-04-06T15:50:00.000Z';

for (const kind of STORE_KINDS) {
  describe(`drill alerts follow drill runs and the drill grace (${kind})`, () => {
    let lanes: LanesProcess;
    let now = Date.parse(BEFORE_FIRE);
    const clock = () => new Date(now);
    const liveDrillAlerts = async (rule: AlertRule) =>
      (await lanes.store.listAlerts({ status: 'live', limit: 100 })).filter(
        (a) => a.key === alertKey(rule, 'PL-12'),
      );

    before(async () => {
      lanes = await startTestLanes(kind, { catalog: exampleCatalogWith({ drillGrace: '10m' }) }, { clock });
    });
    after(async () => {
      await lanes.close();
    });

    it('a failed drill run raises drill_failed within 2 s of its delivery', async () => {
      now = Date.parse('2026-04-06T16:05:00.000Z');
      assert.deepEqual(await liveDrillAlerts('drill_failed'), []);
      await sendRun(lanes.url, {
        file: 'rollback-prod-ops.yml',
        name: 'rollback-prod-ops',
        sha: MAIN_SHA,
        at: '2026-04-06T16:00:05Z',
        event: 'schedule',
        conclusion: 'failure',
      });
      const sent = Date.now();
      const [alert] = await waitFor(
        async () => {
          const a = await liveDrillAlerts('drill_failed');
          return a.length > 0 ? a : undefined;
        },
        'drill_failed alert',
        2_000,
      );
      assert.ok(Date.now() - sent < 2_000);
      assert.equal(alert?.severity, 'warning');
    });

    it('a green drill run resolves drill_failed within 2 s of its delivery', async () => {
      now = Date.parse('2026-04-06T16:40:00.000Z');
      const runId = await sendRun(lanes.url, {
        file: 'rollback-prod-ops.yml',
        name: 'rollback-prod-ops',
        sha: MAIN_SHA,
        at: '2026-04-06T16:30:00Z',
        event: 'schedule',
        conclusion: 'success',
      });
      // Resolved by the green verdict, not by the run merely being in progress.
      await waitFor(
        async () =>
          (await lanes.store.getRun(runId))?.conclusion === 'success' &&
          (await liveDrillAlerts('drill_failed')).length === 0,
        'drill_failed resolved',
        2_000,
      );
      const resolved = (await lanes.store.listAlerts({ status: 'resolved', limit: 100 })).filter(
        (a) => a.rule === 'drill_failed',
      );
      assert.equal(resolved.length, 1);
    });

    it('with no run at the next fire, drill_missed waits for the catalog grace, then the timer raises it', async () => {
      // The last success (16:30:0x on the 6th) answers that fire; the next is the 13th 16:00, missed at 16:10.
      now = Date.parse('2026-04-13T16:05:00.000Z');
      await lanes.timers.drain();
      await lanes.engine.evaluateDrills();
      assert.deepEqual(await liveDrillAlerts('drill_missed'), [], 'inside the grace: not missed yet');
      const drillTimers = async () =>
        (await lanes.store.listTimers({ status: 'pending', limit: 50 }))
          .filter((t) => t.kind === 'drill.check' && t.key.startsWith('drill-check:PL-12:'))
          .map((t) => t.fireAt);
      // The fire's own check (16:00 + grace).
      assert.ok((await drillTimers()).includes('2026-04-13T16:10:00.000Z'), String(await drillTimers()));

      now = Date.parse('2026-04-13T16:12:00.000Z');
      await lanes.timers.drain();
      const [missed] = await waitFor(
        async () => {
          const a = await liveDrillAlerts('drill_missed');
          return a.length > 0 ? a : undefined;
        },
        'drill_missed alert',
        2_000,
      );
      assert.match(JSON.stringify(missed), /due 2026-04-13T16:00:00/);
    });
  });
}

// The Store's behavioural suite: alerts.
// Runs on SQLite and on PostgreSQL alike; the shared set-up is in helpers/store-contract.ts.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { at, canon, storeContract } from './helpers/store-contract.ts';

storeContract('alerts', ({ withStore }) => {
  void it('keeps one live alert per key with a count; resolved ones are history', async () => {
    await withStore(async (s) => {
      const a1 = await s.transaction((tx) =>
        tx.raiseAlert({
          key: 'lane-failed:PL-09',
          rule: 'lane_failed',
          severity: 'critical',
          title: 'PL-09 failed',
          at: at(5),
          data: { run: 1 },
        }),
      );
      const a2 = await s.transaction((tx) =>
        tx.raiseAlert({
          key: 'lane-failed:PL-09',
          rule: 'lane_failed',
          severity: 'critical',
          title: 'PL-09 failed again',
          at: at(6),
          data: { run: 2 },
        }),
      );
      assert.equal(a1.created, true);
      assert.equal(a2.created, false);
      assert.equal(a2.alert.id, a1.alert.id);
      assert.equal(a2.alert.count, 2);
      assert.equal(a2.alert.lastAt, canon(at(6)));
      assert.equal(a2.alert.firstAt, canon(at(5)));
      assert.equal(await s.countOpenAlerts(), 1);
      assert.equal((await s.transaction((tx) => tx.ackAlert(a1.alert.id, 'alice', at(7))))?.status, 'acked');
      assert.equal(await s.transaction((tx) => tx.ackAlert(a1.alert.id, 'alice', at(7))), undefined);
      assert.equal(
        (
          await s.transaction((tx) =>
            tx.raiseAlert({
              key: 'lane-failed:PL-09',
              rule: 'lane_failed',
              severity: 'critical',
              title: 't',
              at: at(8),
              data: {},
            }),
          )
        ).alert.count,
        3,
      );
      assert.equal(
        (await s.transaction((tx) => tx.resolveAlert(a1.alert.id, 'system', at(9))))?.status,
        'resolved',
      );
      assert.equal(await s.countOpenAlerts(), 0);
      const a3 = await s.transaction((tx) =>
        tx.raiseAlert({
          key: 'lane-failed:PL-09',
          rule: 'lane_failed',
          severity: 'critical',
          title: 'PL-09 failed',
          at: at(10),
          data: {},
        }),
      );
      assert.equal(a3.created, true);
      assert.notEqual(a3.alert.id, a1.alert.id);
      assert.deepEqual(
        (await s.listAlerts({ status: 'live' })).map((a) => a.id),
        [a3.alert.id],
      );
      assert.deepEqual(
        (await s.listAlerts({ key: 'lane-failed:PL-09' })).map((a) => a.status),
        ['open', 'resolved'],
      );
      assert.equal((await s.getAlert(a1.alert.id))?.resolvedBy, 'system');
    });
  });
});

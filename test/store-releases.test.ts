// The Store's behavioural suite: releases and their overrides and green times.
// Runs on SQLite and on PostgreSQL alike; the shared set-up is in helpers/store-contract.ts.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { at, canon, storeContract } from './helpers/store-contract.ts';

storeContract('releases', ({ withStore }) => {
  void it('keeps releases, updates only the fields given, and lists them', async () => {
    await withStore(async (s) => {
      const rel = {
        id: 'rel-1.4.0',
        repo: 'octo-org/example-workflow',
        tag: 'v1.4.0',
        version: '1.4.0',
        sha: 'e3103f8eb03e1ad7f2331c5446b23c070fc54055',
        manifest: { images: [{ name: 'api', digest: 'sha256:abc' }] },
        changeSummary: '12 commits',
        includesMigrations: true,
        state: 'candidate',
        currentLane: null,
        previousReleaseId: 'rel-1.3.2',
        createdBy: 'alice',
        createdAt: at(0),
        updatedAt: at(0),
        data: {},
      };
      assert.equal(await s.transaction((tx) => tx.createRelease(rel)), 'created');
      assert.equal(await s.transaction((tx) => tx.createRelease({ ...rel, state: 'other' })), 'duplicate');
      assert.equal(
        await s.transaction((tx) =>
          tx.updateRelease(rel.id, { state: 'promoting', currentLane: 'PL-08', updatedAt: at(1) }),
        ),
        true,
      );
      const got = await s.getRelease(rel.id);
      assert.deepEqual(got, {
        ...rel,
        state: 'promoting',
        currentLane: 'PL-08',
        createdAt: canon(at(0)),
        updatedAt: canon(at(1)),
      });
      assert.equal(got?.includesMigrations, true);
      assert.deepEqual(
        (await s.listReleases({ state: 'promoting' })).map((r) => r.id),
        [rel.id],
      );
    });
  });

  void it("keeps freeze overrides in the order granted and each lane's first green time", async () => {
    await withStore(async (s) => {
      assert.deepEqual(await s.listReleaseOverrides('rel-1'), []);
      assert.deepEqual(await s.getReleaseGreenAt('rel-1'), {});
      const o1 = { lane: 'PL-08', by: 'alice', reason: 'hotfix', at: at(2), window: 'FW-1' };
      const o2 = { lane: 'PL-09', by: 'bob', reason: 'incident', at: at(1), window: null };
      await s.transaction(async (tx) => {
        await tx.addReleaseOverride('rel-1', o1);
        await tx.addReleaseOverride('rel-1', o2);
        await tx.addReleaseOverride('rel-2', { ...o1, reason: 'other release' });
      });
      assert.deepEqual(await s.listReleaseOverrides('rel-1'), [
        { ...o1, at: canon(o1.at) },
        { ...o2, at: canon(o2.at) },
      ]);
      await s.transaction((tx) => tx.recordReleaseGreenAt('rel-1', { 'PL-07': at(3) }));
      // A lane already green keeps its first time; a new lane is added.
      await s.transaction((tx) => tx.recordReleaseGreenAt('rel-1', { 'PL-07': at(9), 'PL-08': at(4) }));
      await s.transaction((tx) => tx.recordReleaseGreenAt('rel-1', {}));
      assert.deepEqual(await s.getReleaseGreenAt('rel-1'), { 'PL-07': canon(at(3)), 'PL-08': canon(at(4)) });
      assert.deepEqual(await s.getReleaseGreenAt('rel-2'), {});
    });
  });
});
